"""The planner: the stories people ask about, one truth with check on HIT, and the funding rule
held to the day on every plan for many random answers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hitpath.core.dates import add_months
from hitpath.core.engine import assess
from hitpath.core.intakes import applications, first_intake, intake_starts
from hitpath.core.planner import PlanError, plan
from hitpath.core.plans import Plan, Plans
from hitpath.load.answers import from_mapping
from hitpath.load.ruleset import load_rules

RULES = load_rules()
TODAY = date(2026, 11, 30)
GAP = RULES.funding.requirement.plus_years * 12 + RULES.funding.requirement.plus_months

PSYCHOLOGY_GRADUATE = {
    "nation": "england", "professions": ["none"], "degree": "yes", "gbc": "yes",
    "degree_class": "upper_second", "mental_health_experience_months": 0,
    "ksa_portfolio": "not_started", "previous_nhs_training": "none", "right_to_work": "yes",
}
EMHP_TRAINEE = {
    **PSYCHOLOGY_GRADUATE, "mental_health_experience_months": 30,
    "previous_nhs_training": "yes", "previous_training_programme": "emhp",
    "previous_training_started": "2024-09-01", "previous_exam_board": "2025-10-22",
}
MENTAL_HEALTH_NURSE = {
    "nation": "england", "professions": ["mental_health_nurse"], "core_experience_months": 30,
    "previous_nhs_training": "none", "right_to_work": "yes",
}


def plans_for(raw: dict[str, Any], goal: str, as_of: date = TODAY, **options: Any) -> Plans:
    return plan(RULES, from_mapping(RULES, raw, "test"), as_of, goal, **options)


def goal_step(p: Plan) -> Any:
    return [s for s in p.steps if s.kind == "training"][-1]


def test_psychology_graduate_best_plan_to_the_doctorate() -> None:
    result = plans_for(PSYCHOLOGY_GRADUATE, "dclinpsy")
    best = result.plans[0]
    assert best.trainings == ("dclinpsy",)
    # The 2027 round closed on 20 November 2026, so autumn 2028 is the first intake.
    assert best.goal_start == date(2028, 9, 1)
    assert best.binding == "application_window"
    assert best.delay_months == 0
    assert best.steps[0].kind == "work" and best.steps[0].funding_rule == "does_not_apply"
    # Stepping stones come after, each later than the best.
    assert all(p.qualified >= best.qualified for p in result.plans[1:])


def test_taking_the_pwp_post_costs_about_two_years_with_the_reason() -> None:
    result = plans_for(PSYCHOLOGY_GRADUATE, "dclinpsy", via="pwp@2027-01")
    assert result.via is not None
    assert result.via.trainings == ("pwp", "dclinpsy")
    assert result.via.steps[1].start == date(2027, 1, 1)
    assert result.via.delay_months == 24
    assert result.via.binding == "funding_rule"
    assert result.via_text is not None
    assert "24 months" in result.via_text and "PWP" in result.via_text
    assert "September 2030" in result.via_text


def test_exam_board_in_october_puts_an_october_start_two_years_on_out_of_reach() -> None:
    # Asked in April 2025, before the round for 2027 opened.
    asked = date(2025, 4, 11)
    result = plans_for(EMHP_TRAINEE, "dclinpsy", as_of=asked, via="dclinpsy@2027-10")
    best = result.plans[0]
    assert best.trainings == ("dclinpsy",)
    assert best.goal_start == date(2028, 9, 1) and best.binding == "funding_rule"
    assert "22 October 2027" in goal_step(best).because
    assert any("October 2027" in u and "22 October 2027" in u for u in best.uncertain)
    assert result.via is None and result.via_text is not None
    assert "22 October 2027" in result.via_text and "too early" in result.via_text


def test_an_earlier_training_is_not_planned_again() -> None:
    result = plans_for(EMHP_TRAINEE, "dclinpsy", as_of=date(2025, 4, 11))
    assert all("emhp" not in p.trainings for p in result.plans)


def test_mental_health_nurse_hit_plan_agrees_with_check() -> None:
    result = plans_for(MENTAL_HEALTH_NURSE, "hit")
    best = result.plans[0]
    assessment = assess(RULES, from_mapping(RULES, MENTAL_HEALTH_NURSE, "t"), TODAY)
    core = next(r for r in assessment.routes if r.id == "core_profession")
    assert core.verdict == "eligible"
    expected = first_intake(RULES.trainings["hit"].calendar, TODAY, applying_from=TODAY)
    assert expected is not None
    assert best.trainings == ("hit",) and best.goal_start == expected.certain


def test_goal_no_plan_reaches_says_what_blocks_every_route() -> None:
    raw = {**PSYCHOLOGY_GRADUATE, "right_to_work": "no"}
    result = plans_for(raw, "dclinpsy")
    assert result.plans == ()
    assert result.blocked and any("right to work" in line for line in result.blocked)


def test_a_via_that_reaches_nothing_says_why_by_its_own_chain() -> None:
    """The reason given is the one for the training asked about, never one from a longer chain
    through trainings the person did not mention."""
    raw = {k: v for k, v in PSYCHOLOGY_GRADUATE.items() if k != "right_to_work"}
    result = plans_for(raw, "dclinpsy", via="pwp@2027-01")
    assert result.via is None and result.via_text
    assert "through PWP training in January 2027" in result.via_text
    others = [t.short_title for i, t in RULES.trainings.items() if i not in ("pwp", "dclinpsy")]
    assert not [title for title in others if title in result.via_text], result.via_text


def test_outside_england_no_training_is_planned() -> None:
    result = plans_for({**MENTAL_HEALTH_NURSE, "nation": "scotland"}, "hit")
    assert result.plans == () and result.blocked
    # In check's own words: the gate that fails, for every route.
    assert len(result.blocked) == len(RULES.trainings["hit"].routes)
    assert all("England" in line for line in result.blocked)
    doctorate = plans_for({**PSYCHOLOGY_GRADUATE, "nation": "scotland"}, "dclinpsy")
    assert doctorate.plans == () and "Scotland" in doctorate.blocked[0]
    assert any(note.startswith("Scotland:") for note in doctorate.notes)


def test_unknown_goal_and_via_month_are_refused_with_what_there_is() -> None:
    with pytest.raises(PlanError, match="Did you mean 'dclinpsy'"):
        plans_for(PSYCHOLOGY_GRADUATE, "dclinpsi")
    with pytest.raises(PlanError, match="no intake in March; its intakes are in"):
        plans_for(PSYCHOLOGY_GRADUATE, "dclinpsy", via="pwp@2027-03")
    with pytest.raises(PlanError, match="not a month"):
        plans_for(PSYCHOLOGY_GRADUATE, "dclinpsy", via="pwp@2027-1")


# The funding rule to the day ----------------------------------------------------------------

def _with_board(board: date) -> dict[str, Any]:
    return {**EMHP_TRAINEE, "previous_exam_board": board.isoformat()}


def test_board_exactly_two_years_before_a_start_allows_it() -> None:
    # A CAP intake starts 1 September 2029; a board on 1 September 2027 is exactly 2 years.
    result = plans_for(_with_board(date(2027, 9, 1)), "cap", as_of=date(2027, 1, 5))
    assert result.plans[0].goal_start == date(2029, 9, 1)


def test_board_one_day_later_misses_that_start() -> None:
    result = plans_for(_with_board(date(2027, 9, 2)), "cap", as_of=date(2027, 1, 5))
    best = result.plans[0]
    assert best.goal_start == date(2030, 1, 1)
    assert best.binding == "funding_rule"
    assert any("September 2029" in u and "2 September 2029" in u for u in best.uncertain)


def test_last_day_of_the_application_window_keeps_that_intake() -> None:
    raw = {**PSYCHOLOGY_GRADUATE, "mental_health_experience_months": 24}
    on_time = plans_for(raw, "dclinpsy", as_of=date(2026, 11, 20)).plans[0]
    late = plans_for(raw, "dclinpsy", as_of=date(2026, 11, 21)).plans[0]
    assert on_time.goal_start == date(2027, 9, 1) and on_time.binding == "intake"
    assert late.goal_start == date(2028, 9, 1) and late.binding == "application_window"


def _choice(qid: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(RULES.question_by_id[qid].values)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    professions = RULES.question_by_id["professions"]
    plain = [v for v in professions.values if v != "none"]
    raw: dict[str, Any] = {
        "nation": draw(st.sampled_from(["england"] * 6 + ["wales"])),
        "professions": draw(st.one_of(st.just(["none"]), st.lists(
            st.sampled_from(plain), min_size=1, max_size=3, unique=True))),
    }
    for qid in ("degree", "gbc", "degree_class", "ksa_portfolio", "right_to_work"):
        if draw(st.integers(0, 5)):
            raw[qid] = draw(_choice(qid))
    for qid in ("mental_health_experience_months", "core_experience_months",
                "pwp_employment_months"):
        if draw(st.booleans()):
            raw[qid] = draw(st.integers(0, 60))
    raw["previous_nhs_training"] = draw(st.sampled_from(["none", "yes", "not_sure"]))
    if raw["previous_nhs_training"] != "none":
        raw["previous_training_programme"] = draw(_choice("previous_training_programme"))
        started = draw(st.dates(date(2021, 1, 1), date(2026, 6, 1)))
        raw["previous_training_started"] = started.isoformat()
        board = started + timedelta(days=draw(st.integers(200, 800)))
        raw["previous_exam_board"] = board.isoformat()
    return raw


def _check_funding_rule(raw: dict[str, Any], p: Plan, as_of: date) -> None:
    trainings = [s for s in p.steps if s.kind == "training"]
    previous = raw.get("previous_exam_board")
    own_occupation = next((t.occupation for t in RULES.trainings.values()
                           if t.previous_training_value == raw.get(
                               "previous_training_programme")), None)
    applies = assess(RULES, from_mapping(RULES, raw, "p"), as_of,
                     detail=False).funding.two_year_rule != "does_not_apply"
    for j, step in enumerate(trainings):
        t = RULES.trainings[step.training]
        if not step.nhs_funded:
            continue
        # Against the person's own earlier training, HIT is judged by its checked routes (the
        # one-truth test holds those to check).
        if previous and applies and own_occupation != t.occupation and not t.routes:
            assert step.start >= add_months(date.fromisoformat(previous), GAP), (raw, p)
        for earlier in trainings[:j]:
            if earlier.funding_rule == "does_not_apply":
                continue
            if RULES.trainings[earlier.training].occupation == t.occupation:
                continue
            assert earlier.exam_board is not None
            assert step.start >= add_months(earlier.exam_board[1], GAP), (raw, p)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=people(), goal=st.sampled_from(sorted(RULES.trainings)),
       as_of=st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_every_plan_keeps_the_funding_rule_to_the_day(raw: dict[str, Any], goal: str,
                                                      as_of: date) -> None:
    # Asked with top, so the chains left out by default are held to the rule too.
    result = plans_for(raw, goal, as_of=as_of, top=3)
    for p in result.plans:
        _check_funding_rule(raw, p, as_of)
        assert p.trainings[-1] == goal
        # Steps follow one another without gaps or overlaps, from the as-of date.
        assert p.steps[0].start == as_of or p.steps[0].kind == "training"
        for before, after in zip(p.steps, p.steps[1:], strict=False):
            assert after.start == before.end + timedelta(days=1)
        for step in p.steps:
            assert step.because
            if step.kind == "training":
                t = RULES.trainings[step.training]
                assert step.start.day == 1
                assert step.start.month in {i.month for i in t.calendar.intakes}
        assert p.qualified >= p.goal_start
    assert [p.qualified for p in result.plans] == sorted(p.qualified for p in result.plans)
    if not result.plans:
        assert result.blocked


def _eligible_on(raw: dict[str, Any], as_of: date, start: date) -> bool:
    judged = {**raw, "course_start": start.isoformat()}
    result = assess(RULES, from_mapping(RULES, judged, "c"), as_of, detail=False)
    return any(r.verdict == "eligible" for r in result.routes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=people(), as_of=st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_hit_plan_and_check_are_one_truth(raw: dict[str, Any], as_of: date) -> None:
    """The direct HIT plan starts on the first intake open for applications on which check,
    given that teaching start, finds a route eligible; where check opens a route now, that is
    the first intake after check's date; a plan check would not open says what it assumed."""
    hit = RULES.trainings["hit"]
    assessment = assess(RULES, from_mapping(RULES, raw, "c"), as_of)
    # Answers that cannot both be true get no confident verdict from check, by design; the one
    # truth is held on answers that can all be true.
    assume(not assessment.conflicts)
    result = plans_for(raw, "hit", as_of=as_of, top=10)
    direct = next((p for p in result.plans if p.trainings == ("hit",)), None)
    assumed = any(a.text in (direct.uncertain if direct else ()) for a in hit.assumes)
    open_routes = [r for r in assessment.routes if r.verdict in ("eligible", "eligible_from")]
    if open_routes:
        ready = min(r.eligible_from or as_of for r in open_routes)
        expected = first_intake(hit.calendar, ready, applying_from=as_of)
        assert expected is not None
        assert direct is not None, (raw, as_of)
        assert direct.goal_start == expected.certain, (raw, as_of)
    if direct is None or assumed:
        return
    assert _eligible_on(raw, as_of, direct.goal_start), (raw, as_of)
    for start, intake in intake_starts(hit.calendar, as_of):
        if start >= direct.goal_start:
            break
        closes = applications(hit.calendar, start, intake).closes
        if start >= as_of and (closes is None or closes >= as_of):
            assert not _eligible_on(raw, as_of, start), (raw, as_of, start)


PERSONAS = [PSYCHOLOGY_GRADUATE, MENTAL_HEALTH_NURSE,
            {**PSYCHOLOGY_GRADUATE, "degree": "no", "gbc": "no"}]


@pytest.mark.parametrize("goal", sorted(RULES.trainings))
def test_every_training_is_reachable_for_someone(goal: str) -> None:
    assert any(plans_for(person, goal).plans for person in PERSONAS)


QUALIFIED_PWP = {
    "nation": "england", "professions": ["pwp"], "pwp_employment_months": 30, "degree": "yes",
    "ksa_portfolio": "in_progress", "previous_nhs_training": "yes",
    "previous_training_programme": "pwp", "previous_training_started": "2022-09-05",
    "previous_exam_board": "2023-07-14", "right_to_work": "yes",
}


def test_a_goal_already_open_is_shown_alone_unless_more_are_asked_for() -> None:
    alone = plans_for(QUALIFIED_PWP, "hit")
    assert [p.trainings for p in alone.plans] == [("hit",)]
    assert any("--top N" in n for n in alone.notes)
    asked = plans_for(QUALIFIED_PWP, "hit", top=3)
    assert len(asked.plans) == 3 and asked.plans[0] == alone.plans[0]
    assert not any("--top N" in n for n in asked.notes)
    # A goal not open today still shows its alternatives (they may build what it needs).
    assert len(plans_for(PSYCHOLOGY_GRADUATE, "dclinpsy").plans) == 3


def test_the_experience_assumption_is_said_only_where_a_plan_rests_on_it() -> None:
    experience = RULES.experience
    assert experience is not None
    assert experience.text not in plans_for(QUALIFIED_PWP, "hit").notes
    assert experience.text not in plans_for(QUALIFIED_PWP, "hit", top=3).notes
    assert experience.text in plans_for(PSYCHOLOGY_GRADUATE, "dclinpsy").notes


def test_notes_say_which_training_they_are_about_and_no_research_leaks() -> None:
    result = plans_for(QUALIFIED_PWP, "hit", top=3)
    shown = [*result.notes, *(u for p in result.plans for u in p.uncertain)]
    assert [n for n in shown if "start months vary" in n.lower()]
    assert all("CWP" in n for n in shown if "start months vary" in n.lower())
    assert not [n for n in shown if "..." in n or "cut off" in n]
    emhp = [n for n in shown if "EMHP" in n and "probably covered" in n]
    assert emhp and all("not confirmed" in n for n in emhp)


def test_goal_and_via_ids_are_taken_in_any_case() -> None:
    result = plans_for(PSYCHOLOGY_GRADUATE, "DClinPsy", via="PWP@2027-01")
    assert result.goal == "dclinpsy" and result.via_training == "pwp"
    assert result.via is not None and result.plans
