"""The JSON Schemas in hitpath/schemas/: current, accepting the shipped rules and every test
answers file, rejecting broken rules, and agreeing with hitpath's own answers validation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from hitpath.core.errors import HitpathError
from hitpath.core.model import Answers, Rules, to_plain
from hitpath.lint.schema import answers_schema, rules_schema
from hitpath.lint.walk import walk
from hitpath.load.answers import from_mapping
from hitpath.load.ruleset import SHIPPED_RULES
from hitpath.load.strict import load_file
from tests.conftest import PACKAGE, ROOT, Run

SCHEMAS = Path(SHIPPED_RULES).parent / "schemas"  # beside the rules, in the package
BAD = ROOT / "tests" / "fixtures" / "bad_rules"
REGENERATE = "make rules"


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _data(path: Path) -> Any:
    return load_file(str(path), "test")[0]  # the strict loader: dates stay text, as in editors


def test_committed_schemas_are_current(rules: Rules) -> None:
    stored = json.loads((SCHEMAS / "rules.schema.json").read_text(encoding="utf-8"))
    assert stored == rules_schema(), f"regenerate with: {REGENERATE}"
    stored = json.loads((SCHEMAS / "answers.schema.json").read_text(encoding="utf-8"))
    assert stored == answers_schema(rules), f"regenerate with: {REGENERATE}"


def test_rules_yaml_points_editors_at_the_schema() -> None:
    first = Path(SHIPPED_RULES).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schemas/rules.schema.json"
    assert (Path(SHIPPED_RULES).parent / "schemas/rules.schema.json").is_file()


def test_schema_command_prints_the_committed_schema(run_hitpath: Run) -> None:
    for kind in ("rules", "answers"):
        done = run_hitpath("rules", "schema", "--for", kind)
        assert done.returncode == 0, done.stderr
        stored = (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert json.loads(done.stdout) == json.loads(stored)
    done = run_hitpath("rules", "schema", "--for", "answer")
    assert done.returncode == 2 and "Did you mean 'answers'?" in done.stderr


def test_rules_schema_accepts_the_shipped_rules_and_sound_fixtures() -> None:
    validator = _validator("rules.schema.json")
    assert list(validator.iter_errors(_data(Path(SHIPPED_RULES)))) == []
    # Files that load but fail 'rules check' are well formed: the schema must accept them.
    for path in sorted(BAD.glob("*.yaml")):
        if "expect: exit 2" not in path.read_text(encoding="utf-8").splitlines()[0]:
            assert list(validator.iter_errors(_data(path))) == [], path.name


@pytest.mark.parametrize("name", ["typo_key", "empty_any", "requirement_without_source",
                                  "rules_is_a_list"])
def test_rules_schema_rejects_broken_fixtures(name: str) -> None:
    assert list(_validator("rules.schema.json").iter_errors(_data(BAD / f"{name}.yaml")))


@pytest.mark.parametrize(("path", "value"), [
    (("routes", 0, "applies_when"), {"q": "nation"}),
    (("routes", 0, "applies_when"), {"q": "nation", "equals": "england", "in": ["england"]}),
    (("routes", 0, "applies_when"), {"q": "nation", "equals": None}),
    (("routes", 0, "applies_when"), {"all": [{"ref": "x"}], "any": [{"ref": "y"}]}),
    (("questions", 0, "type"), "text"),
    (("sources", "NHSE-TT", "url"), "ftp://example.org"),
    (("meta", "reviewed"), "31 March 2026"),
    (("terms", "pay", 0, "pay_year"), "2024-25"),
])
def test_rules_schema_rejects_malformed_parts(path: tuple[Any, ...], value: Any) -> None:
    data = _data(Path(SHIPPED_RULES))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert list(_validator("rules.schema.json").iter_errors(data))


def _test_answers() -> list[tuple[str, dict[str, Any]]]:
    """Every answers mapping the tests and examples use."""
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((PACKAGE / "rules_tests").glob("*.yaml")):
        suite = _data(path)
        base = suite.get("base") or {}
        found.append((f"{path.name} base", base))
        for case in suite.get("cases", []):
            merged = {**base, **(case.get("answers") or {})}
            for key in case.get("drop", []):
                merged.pop(key, None)
            found.append((f"{path.name}: {case.get('name')}", merged))
    for folder in (ROOT / "examples", ROOT / "tests" / "fixtures"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".yaml", ".yml", ".json") and BAD not in path.parents:
                data = _data(path)
                if isinstance(data, dict) and "meta" not in data:
                    found.append((str(path.relative_to(ROOT)), data))
    assert len(found) > 20
    return found


def test_answers_schema_accepts_every_test_answers_file() -> None:
    validator = _validator("answers.schema.json")
    for name, answers in _test_answers():
        errors = [e.message for e in validator.iter_errors(answers)]
        assert errors == [], name


def test_answers_schema_accepts_every_walked_person(rules: Rules) -> None:
    validator = _validator("answers.schema.json")
    for item in walk(rules, date(2026, 4, 1)).classes.values():
        plain = to_plain(Answers(dict(item.answers)), rules)
        assert list(validator.iter_errors(plain)) == [], plain


@pytest.mark.parametrize("answers", [
    {"nation": "england", "professions": "pwp, mental_health_nurse", "degree": True},
    {"core_experience_months": "12", "previous_exam_board": "2023-07"},
    {"course_start": None, "previous_training_started": "not_sure"},
    {"nationn": "england"},
    {"nation": "france"},
    {"professions": []},
    {"core_experience_months": -1},
    {"core_experience_months": "a year"},
    {"previous_exam_board": "14 July 2023"},
    {"degree": None},
    {"ksa_portfolio": False},
])
def test_answers_schema_agrees_with_hitpath(rules: Rules, answers: dict[str, Any]) -> None:
    try:
        from_mapping(rules, answers, "answers.yaml")
        accepted = True
    except HitpathError:
        accepted = False
    valid = not list(_validator("answers.schema.json").iter_errors(answers))
    assert valid == accepted, answers
