"""Runs the YAML rule cases that sit next to the rules (hitpath/rules_tests/*.yaml).

Each case gives answers and a date and the verdicts, dates and advice it must produce; the
files sit on both sides of every threshold and policy date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hitpath.core.engine import assess
from hitpath.core.model import Rules
from hitpath.load.answers import from_mapping
from hitpath.load.strict import load_file
from tests.conftest import PACKAGE

CASES_DIR = PACKAGE / "rules_tests"


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data, _ = load_file(str(path), "rule cases")
        base = data.get("base", {})
        for case in data["cases"]:
            answers = {**base, **case.get("answers", {})}
            for key in case.get("drop", []):
                answers.pop(key, None)
            found.append(pytest.param(path.name, case, answers,
                                      id=f"{path.stem}: {case['name']}"))
    return found


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _month(value: date | None) -> str | None:
    return value.isoformat()[:7] if value else None


@pytest.mark.parametrize(("filename", "case", "answers"), _cases())
def test_rule_case(rules: Rules, filename: str, case: dict[str, Any],
                   answers: dict[str, Any]) -> None:
    parsed = from_mapping(rules, answers, filename)
    result = assess(rules, parsed, date.fromisoformat(case["as_of"]))
    expect = case["expect"]
    routes = {r.id: r for r in result.routes}
    assert set(routes) == {"core_profession", "pwp", "ksa", "counselling"}
    for route_id, wanted in expect.get("routes", {}).items():
        route = routes[route_id]
        if isinstance(wanted, str):
            wanted = {"verdict": wanted}
        intake = route.first_intake
        got = {"verdict": route.verdict, "eligible_from": _iso(route.eligible_from),
               "unknown": sorted(route.unknown),
               "first_intake": _month(intake.certain if intake else None),
               "possible_earlier": _month(intake.possible_earlier if intake else None),
               "advertised": ([_month(intake.advertised_from), _month(intake.advertised_to)]
                              if intake else None),
               "qualified_by": _month(route.qualified_by)}
        for key, value in wanted.items():
            if key == "unknown":
                value = sorted(value)
            assert got[key] == value, f"{route_id}.{key}: {got[key]!r} != {value!r}"
    funding = expect.get("funding", {})
    if "two_year_rule" in funding:
        assert result.funding.two_year_rule == funding["two_year_rule"]
    if "nhs_funding_from" in funding:
        assert _iso(result.funding.nhs_funding_from) == funding["nhs_funding_from"]
    if "caveat_contains" in funding:
        assert result.funding.caveat and funding["caveat_contains"] in result.funding.caveat
    if "caveat" in funding and funding["caveat"] is None:
        assert result.funding.caveat is None
    if "text_contains" in funding:
        assert funding["text_contains"] in result.funding.text, result.funding.text
    for text in funding.get("notes_contain", []):
        assert any(text in note for note in result.funding.notes), result.funding.notes
    if "conflicts" in expect:
        assert [c.id for c in result.conflicts] == expect["conflicts"], result.conflicts
    if "not_before" in expect:
        assert _iso(result.not_before) == expect["not_before"]
    if "summary_starts" in expect:
        from hitpath.report.words import headline

        line = headline(result, rules)
        assert line.startswith(expect["summary_starts"]), line
    if "in_scope" in expect:
        assert result.in_scope is expect["in_scope"]
    terms = expect.get("terms", {})
    if "pay_year" in terms:
        assert result.terms.pay_year == terms["pay_year"]
    if "trainee_min" in terms:
        assert result.terms.trainee_pay is not None
        assert result.terms.trainee_pay.entry == terms["trainee_min"]
    if "qualified_max" in terms:
        assert result.terms.qualified_pay is not None
        assert result.terms.qualified_pay.top == terms["qualified_max"]
    if "estimated" in terms:
        assert result.terms.estimated is terms["estimated"]
    if "hcas_trainee" in terms:
        hcas = result.terms.hcas_pay
        if terms["hcas_trainee"] is None:
            assert hcas is None, hcas
        else:
            assert hcas is not None
            assert (hcas.trainee_entry, hcas.pay_year) == (
                terms["hcas_trainee"], terms["hcas_year"]), hcas
    advice = {a.id for a in result.advice}
    for item in expect.get("advice_includes", []):
        assert item in advice, f"advice {item} missing; got {sorted(advice)}"
    for item in expect.get("advice_excludes", []):
        assert item not in advice, f"advice {item} should not show"
    steps = {s.id: s for s in result.next_steps}
    for item in expect.get("next_steps_include", []):
        assert item in steps, f"next step {item} missing; got {sorted(steps)}"
    for item in expect.get("next_steps_exclude", []):
        assert item not in steps, f"next step {item} should not show"
    for item, when in expect.get("next_step_dates", {}).items():
        assert _iso(steps[item].date) == when


def test_every_advice_and_next_step_is_exercised() -> None:
    """Each advice item and next step is expected by at least one case."""
    from hitpath.load.ruleset import load_rules

    rules = load_rules()
    mentioned: set[str] = set()
    for path in CASES_DIR.glob("*.yaml"):
        data, _ = load_file(str(path), "rule cases")
        for case in data["cases"]:
            mentioned |= set(case["expect"].get("advice_includes", []))
            mentioned |= set(case["expect"].get("next_steps_include", []))
    missing = {a.id for a in rules.advice} | {s.id for s in rules.next_steps}
    missing -= mentioned
    assert not missing, f"no case expects: {sorted(missing)}"
