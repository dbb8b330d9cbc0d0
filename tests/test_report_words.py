"""What a new user reads: the full report agrees with itself on dates, the one-page answer
carries what matters, and the words read as plain English in every format."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from hitpath.core.dates import long_date, month_year
from hitpath.core.engine import assess
from hitpath.core.model import Answers, Assessment, Rules
from hitpath.load.answers import load_answers
from hitpath.report import html, json_report, markdown, text

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


@pytest.mark.parametrize("right_to_work", ["no", "not_sure"])
def test_no_right_to_work_is_on_the_one_page_answer_even_when_eligible_now(
        rules: Rules, right_to_work: str) -> None:
    assessment = _example(rules, "mental-health-nurse", right_to_work=right_to_work)
    assert any(r.verdict == "eligible" for r in assessment.routes)
    advice = next(a for a in assessment.advice if a.id == "right_to_work")
    for kind, shown in _formats(assessment, rules, full=False).items():
        checks = shown.split("Check these before you rely on it", 1)
        assert len(checks) == 2, kind
        first_words = advice.text.split(",")[0]
        assert first_words in checks[1], kind
    full = _formats(assessment, rules, full=True)["text"]
    assert full.count(advice.text.split(",")[0]) == 1, "said once in the full report"


def test_with_the_right_to_work_the_one_page_answer_says_nothing_of_sponsorship(
        rules: Rules) -> None:
    assessment = _example(rules, "mental-health-nurse", right_to_work="yes")
    for kind, shown in _formats(assessment, rules, full=False).items():
        assert "sponsorship" not in shown, kind


def test_an_unknown_requirement_reads_as_one_plain_sentence(rules: Rules) -> None:
    assessment = _example(rules, "pwp", ksa_portfolio="not_sure")
    shown = _formats(assessment, rules, full=False)["text"]
    line = next(li for li in shown.splitlines() if "Not known yet" in li)
    assert "Not known yet whether you meet this: a KSA portfolio under way." in line
    # The answer it turns on is the requirement itself: not said again as "It depends on".
    assert "depends on your KSA portfolio" not in line


def test_an_unknown_requirement_names_the_answer_it_turns_on_when_the_title_does_not(
        rules: Rules) -> None:
    assessment = assess(rules, Answers({"nation": "england", "professions": ("pwp",),
                                        "pwp_employment_months": 6}), TODAY)
    shown = _formats(assessment, rules, full=False)["text"]
    lines = [li for li in shown.splitlines() if "Not known yet" in li]
    assert any("That depends on" in li for li in lines), lines
    assert all(". It depends on" not in li for li in lines)


def test_exported_files_say_how_to_see_everything_in_words_for_a_hand_out(
        rules: Rules) -> None:
    assessment = _example(rules, "pwp")
    shown = _formats(assessment, rules, full=False)
    assert "the same command with --full" in shown["text"]
    for kind in ("markdown", "html"):
        assert "--full" not in shown[kind], kind
        assert "The full report adds" in shown[kind], kind


@pytest.mark.parametrize("nation", ["wales", "scotland", "northern_ireland"])
def test_outside_england_no_report_points_to_englands_services(rules: Rules,
                                                                nation: str) -> None:
    assessment = assess(rules, Answers({"nation": nation}), TODAY)
    for full in (False, True):
        for kind, shown in _formats(assessment, rules, full=full).items():
            assert "services in England" not in shown, (kind, full)
            assert "NHS Talking Therapies" not in shown, (kind, full)


def test_in_england_the_care_signpost_closes_the_report(rules: Rules) -> None:
    assert rules.meta.care_signpost
    for answers in (Answers({"nation": "england"}), Answers({})):
        shown = _formats(assess(rules, answers, TODAY), rules, full=False)["text"]
        assert shown.rstrip().endswith(rules.meta.care_signpost.split(",")[-1].strip())


def test_a_date_reached_by_working_on_says_so_in_the_summary_line(rules: Rules) -> None:
    assessment = _example(rules, "pwp")
    keep = rules.requirements["pwp_experience"].counts_on
    assert keep and "PWP" in keep
    shown = _formats(assessment, rules, full=False)
    summary = json_report.render(assessment, rules)
    assert f"by the PWP route, {keep}." in json.loads(summary)["summary"]["text"]
    for kind, text_shown in shown.items():
        assert keep in text_shown.split("Routes")[0], kind


def test_a_firm_date_set_by_experience_says_what_it_assumes(rules: Rules) -> None:
    assessment = _example(rules, "adult-nurse", ksa_portfolio="not_sure")
    assert assessment.not_before is not None
    keep = rules.requirements["ksa_experience"].counts_on
    summary = json.loads(json_report.render(assessment, rules))["summary"]["text"]
    assert summary.startswith(f"Not before {long_date(assessment.not_before)} ({keep});")


def test_a_date_that_does_not_wait_on_work_assumes_nothing(rules: Rules) -> None:
    # The funding rule's date: nothing to keep doing.
    assessment = _example(rules, "pwp", pwp_employment_months=17,
                          previous_training_started=date(2024, 9, 2),
                          previous_exam_board=date(2025, 7, 14))
    assert not assessment.conflicts
    summary = json.loads(json_report.render(assessment, rules))["summary"]["text"]
    assert "keep working" not in summary and "from 14 July 2027" in summary


@pytest.mark.parametrize(("programme", "said", "not_said"), [
    ("emhp", "EMHP training is probably covered", "top-ups"),
    ("cfd_topup", "not confirmed for top-ups", "EMHP"),
    ("cbt_hit", "same occupation", "top-ups"),
    ("other", "not confirmed for this training", "top-ups"),
])
def test_the_funding_rules_uncertain_reach_is_worded_for_the_earlier_training(
        rules: Rules, programme: str, said: str, not_said: str) -> None:
    assessment = _example(rules, "pwp", previous_training_programme=programme)
    caveat = assessment.funding.caveat
    assert caveat is not None and caveat.startswith("May apply to you")
    assert said in caveat and not_said not in caveat
    full = _formats(assessment, rules, full=True)["text"]
    funding = full.split("\nThe two-year NHS funding rule\n", 1)[1].split("\n\n", 1)[0]
    assert caveat in funding and "Applies to you" not in funding
