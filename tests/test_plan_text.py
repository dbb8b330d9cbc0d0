"""The plans' text as a new user reads it: reasons in the data's meaning, and lines that fit
the terminal (40 to 100 columns) without cutting a word or the picture."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from hitpath.core.model import Answers, Rules
from hitpath.core.planner import plan
from hitpath.load.answers import load_answers
from hitpath.report.plan import render_plans, render_text

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 30)


def _answers(rules: Rules, **changes: object) -> Answers:
    given = load_answers(rules, str(ROOT / "examples" / "pwp.yaml"))
    return Answers({**given.values, **changes}, given.month_only)


def _dclinpsy(rules: Rules):  # type: ignore[no-untyped-def]
    answers = _answers(rules, gbc="yes", degree_class="upper_second", right_to_work="yes")
    return plan(rules, answers, TODAY, "dclinpsy", top=2)


def test_an_intake_passed_over_is_said_to_have_closed_by_today(rules: Rules) -> None:
    answers = Answers({**load_answers(rules, str(ROOT / "examples" /
                                                 "mental-health-nurse.yaml")).values})
    shown = " ".join(render_text(plan(rules, answers, TODAY, "hit"), rules).split())
    assert "Applications for the January 2027 intake of HIT training have usually closed by " \
           "now (30 November 2026)" in shown
    assert "before you can apply" not in shown


@pytest.mark.parametrize("width", [40, 60, 100])
def test_text_fits_the_width_without_cutting_a_word_or_the_picture(rules: Rules,
                                                                   width: int) -> None:
    plans = _dclinpsy(rules)
    assert plans.plans
    narrow = render_plans(plans, rules, "text", width)
    lines = narrow.splitlines()
    assert max(len(line) for line in lines) <= width
    # Every word is whole: after the picture, the words are those of the widest text.
    assert _words(narrow) == _words(render_plans(plans, rules, "text", 100))
    # The picture: one row per plan, starting with its name, and years never run together.
    rows = [line for line in lines if re.match(r"Plan \d  ", line)]
    assert len(rows) == len(plans.plans)
    assert not re.search(r"\d{5}", narrow.split("Each character")[0])


def test_width_is_held_between_40_and_100(rules: Rules) -> None:
    plans = _dclinpsy(rules)
    assert max(map(len, render_plans(plans, rules, "text", 20).splitlines())) <= 40
    assert render_plans(plans, rules, "text", 300) == render_plans(plans, rules, "text", 100)


def _words(text: str) -> list[str]:
    """The text's words after the picture (whose axis depends on the width)."""
    return text.split("\nPlan 1: ", 1)[1].split()
