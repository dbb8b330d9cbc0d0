"""What a new user reads: the full report agrees with itself on dates, the one-page answer
carries what matters, and the words read as plain English in every format."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest

from hitpath.core.dates import month_year
from hitpath.core.engine import assess
from hitpath.core.model import Answers, Assessment, Rules
from hitpath.load.answers import load_answers
from hitpath.report import html, markdown, text

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 30)
# A qualified PWP for 40 months whose last exam board was July 2023 (the trial's person).
PWP_40 = {"nation": "england", "professions": ("pwp",), "pwp_employment_months": 40,
          "degree": "yes", "ksa_portfolio": "in_progress", "previous_nhs_training": "yes",
          "previous_training_programme": "pwp", "previous_training_started": date(2022, 9, 5),
          "previous_exam_board": date(2023, 7, 14)}


def _example(rules: Rules, name: str, **changes: object) -> Assessment:
    answers = load_answers(rules, str(ROOT / "examples" / f"{name}.yaml"))
    values = {**answers.values, **changes}
    return assess(rules, Answers(values, answers.month_only), TODAY)


def _formats(assessment: Assessment, rules: Rules, full: bool) -> dict[str, str]:
    plain = io.StringIO()
    text.render(assessment, rules, file=plain, plain=True, width=1000, full=full)
    return {"text": plain.getvalue(), "markdown": markdown.render(assessment, rules, full=full),
            "html": html.render(assessment, rules, full=full)}


def _timeline(shown: str) -> str:
    """The timeline section of a text report."""
    return shown.split("\nTimeline\n", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize("who", ["pwp-40", "pwp-example", "nurse"])
def test_the_timeline_starts_at_the_first_intake_and_qualifies_with_it(
        rules: Rules, who: str) -> None:
    assessment = {"pwp-40": lambda: assess(rules, Answers(PWP_40), TODAY),
                  "pwp-example": lambda: _example(rules, "pwp"),
                  "nurse": lambda: _example(rules, "mental-health-nurse")}[who]()
    route = next(r for r in assessment.routes if r.first_intake is not None)
    assert route.qualified_by is not None
    start, qualify = month_year(route.first_intake.certain), month_year(route.qualified_by)
    shown = _formats(assessment, rules, full=True)
    timeline = _timeline(shown["text"])
    assert f"{start}: First intake you can make" in timeline
    assert "earliest, if accepted at the first try" in timeline
    assert f"{qualify}: Qualify" in timeline
    # The same dates as the report's "Your first intake", and no day-exact course start.
    assert f"{start} intake" in shown["text"] and f"qualify in {qualify}" in shown["text"]
    assert "Earliest course start" not in timeline
    for kind in ("markdown", "html"):
        assert f"{start}: First intake you can make" in shown[kind]
        assert f"{qualify}: Qualify" in shown[kind]


def test_the_day_the_route_opens_stays_on_the_timeline(rules: Rules) -> None:
    assessment = _example(rules, "pwp")
    route = next(r for r in assessment.routes if r.first_intake is not None)
    assert route.eligible_from is not None and route.eligible_from > TODAY
    timeline = _timeline(_formats(assessment, rules, full=True)["text"])
    opens = re.search(r"(\d+ \w+ \d{4}): Eligible from this date by the PWP route", timeline)
    assert opens is not None and route.first_intake is not None
    assert opens.start() < timeline.index("First intake you can make")
