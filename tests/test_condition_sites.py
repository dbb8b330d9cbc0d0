"""Every place in the rules where a condition can live is on the one list, and rules check
looks at each of them: a question used only there is not called unused, and a condition there
that can never hold is found."""

from __future__ import annotations

import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from hitpath.core.conditions import SITE_ROLES
from hitpath.lint.checks import static_findings
from hitpath.lint.commands import load_for_lint
from hitpath.load import schema
from tests.conftest import ROOT

SOUND = ROOT / "tests" / "fixtures" / "bad_rules" / "sound.yaml"
AS_OF = date(2026, 4, 1)

# Where each schema model sits in the rules, in the words of the site roles.
MODEL_ROLE = {"RulesFile": "", "Meta": "meta.", "Question": "question.",
              "GateRequirement": "requirement.",
              "NeedRequirement": "requirement.", "MonthsRequirement": "requirement.",
              "DateRequirement": "requirement.", "Route": "route.", "Funding": "funding.",
              "Advice": "advice.", "NextStep": "next_step.", "EntryRoute": "training.entry.",
              "ExperienceRole": "experience_role.", "DateOrderConflict": "conflict.",
              "MonthsWithinConflict": "conflict.", "CheckDateConflict": "conflict."}


def _models(annotation: Any) -> list[type[BaseModel]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in typing.get_args(annotation):
        found += _models(arg)
    return found


def _holds_condition(annotation: Any) -> bool:
    return schema.Compare in _models(annotation)


def schema_sites() -> set[str]:
    """Every field of the rules schema that holds a condition, named as a site role."""
    roles: set[str] = set()
    seen: set[type[BaseModel]] = set()
    stack: list[type[BaseModel]] = [schema.RulesFile]
    condition_models = set(_models(schema.Condition))
    while stack:
        model = stack.pop()
        if model in seen or model in condition_models:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            if _holds_condition(field.annotation):
                prefix = MODEL_ROLE.get(model.__name__)
                assert prefix is not None, (
                    f"{model.__name__}.{name} holds a condition: add its place to "
                    "conditions.condition_sites and SITE_ROLES")
                roles.add(prefix + name)
            stack += _models(field.annotation)
    return roles


def test_the_one_list_names_every_place_the_schema_allows_a_condition() -> None:
    assert schema_sites() == set(SITE_ROLES)
    assert not isinstance(schema.Condition, types.NoneType)


class _Plain(yaml.SafeDumper):
    """Writes repeated values out in full: rules files allow no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


NEVER = {"all": [{"q": "probe", "equals": "a"}, {"q": "probe", "equals": "b"}]}
"""A condition that can never hold: one answer cannot be two choices."""


def _place(data: dict[str, Any], role: str) -> tuple[Any, ...]:
    """Put NEVER at a site of ``role``; returns its path in the file."""
    if role == "conditions":
        data["conditions"]["probe_named"] = NEVER
        data["next_steps"][0]["when"] = {"ref": "probe_named"}
        return ("conditions", "probe_named")
    if role == "scope_when":
        data["scope_when"] = NEVER
        return ("scope_when",)
    if role == "meta.care_when":
        data["meta"]["care_signpost"] = "If things are hard, your GP can help."
        data["meta"]["care_when"] = NEVER
        return ("meta", "care_when")
    if role == "training.entry.when":
        fact = {"confidence": "confirmed", "sources": ["SRC-A"]}
        data["trainings"] = {"probe_training": {
            "title": "A probe training", "short_title": "probe training",
            "occupation": "probe_worker",
            "entry": [{"id": "probe_entry", "title": "Probe entry", "when": NEVER, **fact}],
            "length_months": {"value": 12, **fact},
            "bands": {"training": 4, "qualified": 5, **fact},
            "nhs_funded": {"value": True, "text": "Funded by the NHS.", **fact},
            "funding_rule": {"covered": "yes", "text": "The rule covers it.", **fact},
            "intakes": [{"month": 9, **fact}],
            "exam_board_lag_months": {"from": 1, "to": 3, **fact},
            "apply_via": {"text": "Posts are advertised.", "sources": ["SRC-A"]},
            "sources": ["SRC-A"],
        }}
        data["funding"]["between_trainings"] = {
            "text": "The rule applies between trainings.", "same_occupation": "Not settled.",
            "earlier_question": "probe", "earlier_value": "a", "programme_question": "nation",
            "started_question": "exam_board", "sources": ["SRC-A"]}
        data["experience"] = {"question": "experience_months", "text": "Experience counts.",
                              "sources": ["SRC-A"]}
        return ("trainings", "probe_training", "entry", 0, "when")
    if role == "experience_role.when":
        data["experience_roles"] = [
            {"id": "probe_role", "title": "A probe role", "when": NEVER, "sources": ["SRC-A"]},
            {"id": "any_role", "title": "Any other role", "sources": ["SRC-A"]}]
        return ("experience_roles", 0, "when")
    if role == "conflict.when":
        data["conflicts"] = [{
            "id": "probe_conflict", "kind": "not_before_check", "date": "exam_board",
            "when": NEVER, "text": "The date you gave is before this check; check it."}]
        return ("conflicts", 0, "when")
    owner, key = role.split(".")
    if owner == "funding":
        data["funding"][key] = NEVER
        data["funding"]["uncertain"] = "We cannot confirm the rule covers this training."
        return ("funding", key)
    section = {"question": "questions", "requirement": "requirements", "route": "routes",
               "advice": "advice", "next_step": "next_steps"}[owner]
    index = 2 if owner == "question" else 0  # the question after the probe and one more
    item = data[section][index]
    item[key] = NEVER
    if key == "caveat_when":
        item["caveat"] = "Not settled for this route."
    return (section, index, key)


@pytest.mark.parametrize("role", SITE_ROLES)
def test_rules_check_looks_at_every_condition_site(tmp_path: Path, role: str) -> None:
    data = yaml.safe_load(SOUND.read_text(encoding="utf-8"))
    data["questions"].insert(0, {
        "id": "probe", "text": "Which one applies to you?", "fact": "your probe answer",
        "type": "choice", "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    })
    path = _place(data, role)
    file = tmp_path / "rules.yaml"
    file.write_text(yaml.dump(data, Dumper=_Plain, sort_keys=False), encoding="utf-8")
    found = static_findings(load_for_lint(str(file)), AS_OF)
    # Used only at this site: seen, so not reported unused.
    assert not [f for f in found if f.code == "unused-question" and "probe" in f.subject], role
    # Never true at this site: found, at this site.
    constant = [f for f in found if f.code == "constant-condition"]
    assert any(f.path == path and "always false" in f.message for f in constant), (
        role, [(f.path, f.message) for f in constant])
