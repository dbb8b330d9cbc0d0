"""One meaning for every face: on every outcome class the exhaustive walk finds, the engine,
batch's compiled fast path (plain and through its remembered outcome classes) and the walk
agree (verdicts, dates, the funding rule, the best route and what is missing), and the
report's summary, the JSON summary and batch's best_route name the same route."""

from __future__ import annotations

from datetime import date

import pytest

from hitpath.cohort.batch import Reasons
from hitpath.cohort.fastpath import compile_rules
from hitpath.core.engine import assess
from hitpath.core.model import Answers, Rules, Status, Verdict
from hitpath.lint.walk import WalkResult, _outcome, walk
from hitpath.load.ruleset import load_rules
from hitpath.report.document import build
from hitpath.report.json_report import to_dict

pytestmark = pytest.mark.slow

DATES = [date(2026, 4, 1), date(2025, 1, 10)]


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(None)


@pytest.fixture(scope="module", params=DATES, ids=str)
def walked(request: pytest.FixtureRequest, rules: Rules) -> WalkResult:
    return walk(rules, request.param)


def test_engine_fast_path_and_walk_agree_on_every_walked_outcome(
    rules: Rules, walked: WalkResult
) -> None:
    as_of = walked.as_of
    fast = compile_rules(rules).assessor(as_of)
    # Batch's outcome classes, shared by every walked class in turn.
    classes = compile_rules(rules).classes(as_of)
    assert len(walked.classes) > 100
    for outcome, found in walked.classes.items():
        assessment = assess(rules, Answers(dict(found.answers)), as_of)
        # The walk's outcome is the engine's.
        assert _outcome(assessment) == outcome, found.answers
        got = fast(dict(found.answers))
        assert classes(dict(found.answers)).outcome == got, found.answers
        routes = assessment.routes
        assert got.verdicts == tuple(r.verdict for r in routes), found.answers
        assert got.dates == tuple(r.eligible_from for r in routes), found.answers
        assert got.first_intakes == tuple(r.first_intake.certain if r.first_intake else None
                                          for r in routes), found.answers
        assert got.qualified_by == tuple(r.qualified_by for r in routes), found.answers
        assert (got.two_year_rule, got.nhs_funding_from) == (
            assessment.funding.two_year_rule, assessment.funding.nhs_funding_from)
        # What is missing, checked against the engine's own explanation of the route.
        best = next((r for r in routes if r.id == got.best_route), None)
        if best is None:
            assert all(r.verdict == Verdict.NOT_ELIGIBLE for r in routes), found.answers
            continue
        unmet = {u.id: u for u in best.unmet}
        if best.verdict == Verdict.ELIGIBLE:
            assert got.main_unmet == "" and got.undecided_by == ()
        elif best.verdict == Verdict.ELIGIBLE_FROM:
            # The requirement that sets the date.
            assert unmet[got.main_unmet].status == Status.DATED
            assert unmet[got.main_unmet].date == best.eligible_from
        elif best.verdict == Verdict.UNSURE:
            assert got.undecided_by == tuple(best.unknown) != ()
            assert got.conflicts == tuple(c.id for c in assessment.conflicts)
            open_by_unknown = [u.id for u in best.unmet if set(u.unknown) & set(best.unknown)]
            if got.main_unmet == "":
                # Undecided only because two answers conflict, with no requirement left open by
                # them: the conflict itself stands in the way, and the report names it first.
                conflicting = {q for c in assessment.conflicts for q in c.questions}
                assert set(best.unknown) <= conflicting and not open_by_unknown, found.answers
            else:
                assert got.main_unmet in open_by_unknown, found.answers
        else:
            assert unmet[got.main_unmet].status == Status.UNMET


def test_report_json_and_batch_name_the_same_best_route(
    rules: Rules, walked: WalkResult
) -> None:
    as_of = walked.as_of
    fast = compile_rules(rules).assessor(as_of)
    seen: set[str] = set()
    for found in walked.classes.values():
        assessment = assess(rules, Answers(dict(found.answers)), as_of)
        summary = to_dict(assessment, rules)["summary"]
        batch_best = fast(dict(found.answers)).best_route
        assert (summary["best_route"] or "") == batch_best, found.answers
        # The report opens with the same summary line the JSON gives.
        answer = [b.text for b in build(assessment, rules) if b.kind == "answer"]
        assert answer == [summary["text"]], found.answers
        route = next((r for r in assessment.routes if r.id == batch_best), None)
        if route is None:
            assert summary["verdict"] == Verdict.NOT_ELIGIBLE
            continue
        assert (summary["verdict"], summary["eligible_from"]) == (
            route.verdict, route.eligible_from.isoformat() if route.eligible_from else None)
        seen.add(route.verdict)
        if assessment.in_scope and route.verdict != Verdict.UNSURE:
            # The summary line names the best route.
            assert route.short_title in summary["text"], (summary, found.answers)
    # The walk reaches every kind of best route, so each branch above was exercised.
    assert seen >= {Verdict.ELIGIBLE, Verdict.ELIGIBLE_FROM, Verdict.NOT_YET, Verdict.UNSURE}


def test_batch_reason_says_what_the_report_answer_says(
    rules: Rules, walked: WalkResult
) -> None:
    """Batch's reason leads with the report's firm date ('Not before ...', with what it
    assumes), gives the report's answer whole for someone outside the rules' scope, and is
    the report's answer (then what is missing) when the best route is not yet open."""
    as_of = walked.as_of
    fast = compile_rules(rules).assessor(as_of)
    reasons = Reasons(rules, as_of)
    kinds: set[str] = set()
    for found in walked.classes.values():
        assessment = assess(rules, Answers(dict(found.answers)), as_of)
        answer = to_dict(assessment, rules)["summary"]["text"]
        outcome = fast(dict(found.answers))
        reason = reasons.reason(outcome)
        if not assessment.in_scope:
            assert reason == answer, found.answers
            kinds.add("outside")
            continue
        # After any conflicts, which both name first in the same words.
        head, until, said = answer.rpartition("Until then: ")
        assert reason.startswith(head + until), (reason, answer)
        if said.startswith("Not before"):
            lead = said.split(";", 1)[0]
            assert reason[len(head + until):].startswith(lead + ";"), (reason, answer)
            kinds.add("kept up" if "(if you keep" in lead else "firm")
            best = next(r for r in assessment.routes if r.id == outcome.best_route)
            if best.verdict == Verdict.NOT_YET:
                assert reason[len(head + until):].startswith(said), (reason, answer)
        else:
            assert "Not before" not in reason, (reason, answer)
    # Each kind of answer the reason repeats was met on the walk.
    assert kinds >= {"outside", "kept up"}, kinds
