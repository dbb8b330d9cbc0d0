"""Runs the plan cases that sit next to the rules (hitpath/rules_tests/plans/*.yaml): answers,
a date and a goal, and the best plan, the --via plan and the words they must produce."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hitpath.core.model import Rules
from hitpath.core.planner import plan
from hitpath.core.plans import Plan
from hitpath.load.answers import from_mapping
from hitpath.load.strict import load_file
from tests.conftest import PACKAGE

CASES_DIR = PACKAGE / "rules_tests" / "plans"


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data, _ = load_file(str(path), "plan cases")
        base = data.get("base", {})
        for case in data["cases"]:
            answers = {**base, **case.get("answers", {})}
            found.append(pytest.param(path.name, case, answers,
                                      id=f"{path.stem}: {case['name']}"))
    return found


def _matches(p: Plan | None, wanted: dict[str, Any] | None) -> None:
    if wanted is None:
        assert p is None
        return
    assert p is not None
    got = {"trainings": list(p.trainings), "goal_start": p.goal_start.isoformat(),
           "qualified": p.qualified.isoformat(), "binding": str(p.binding),
           "delay_months": p.delay_months}
    for key, value in wanted.items():
        value = value.isoformat() if isinstance(value, date) else value
        assert got[key] == value, f"{key}: {got[key]!r} != {value!r}"


@pytest.mark.parametrize(("filename", "case", "answers"), _cases())
def test_plan_case(rules: Rules, filename: str, case: dict[str, Any],
                   answers: dict[str, Any]) -> None:
    parsed = from_mapping(rules, answers, filename)
    as_of = case["as_of"]
    result = plan(rules, parsed, as_of if isinstance(as_of, date) else date.fromisoformat(as_of),
                  case["goal"], via=case.get("via"))
    expect = case["expect"]
    if "plans" in expect:
        assert len(result.plans) == expect["plans"]
    if "best" in expect:
        _matches(result.plans[0] if result.plans else None, expect["best"])
    if "via" in expect:
        _matches(result.via, expect["via"])
    for text in expect.get("via_text_contains", []):
        assert result.via_text and text in result.via_text, result.via_text
    for text in expect.get("uncertain_contains", []):
        assert any(text in line for line in result.plans[0].uncertain), result.plans[0].uncertain
    for text in expect.get("blocked_contains", []):
        assert any(text in line for line in result.blocked), result.blocked
