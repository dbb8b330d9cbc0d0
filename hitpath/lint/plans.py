"""The plan checks of ``rules check``: every training reachable from some answers, every entry
route both open and closed for some answers, and intake data complete.

The planner walk tries, for each entry route, every combination of the answers its condition
tells apart (each side of every threshold, each choice), so it covers each training's
conditions; HIT's entry is its checked routes, which check's own walk covers.
"""

from __future__ import annotations

from datetime import date
from itertools import islice, product
from typing import NamedTuple

from hitpath.core.conditions import (
    Operand,
    comparisons_in,
    compile_condition,
    edge_values,
    multi_answers,
    questions_in,
)
from hitpath.core.model import Answers, Compare, Condition, Rules
from hitpath.core.planner import plan
from hitpath.lint.checks import ERROR, WARNING, Finding, Loaded
from hitpath.lint.walk import WalkResult

MAX_TRIES = 20_000
"""Combinations tried per entry route at most (the shipped routes need a few hundred)."""


class PlanWalk(NamedTuple):
    """What the plan checks found, and their coverage figures."""

    findings: list[Finding]
    trainings: int
    reachable: int
    routes: int
    both_ways: int


def _values(rules: Rules, qid: str, leaves: list[Compare]) -> list[Operand]:
    question = rules.question_by_id[qid]
    mine = [leaf for leaf in leaves if leaf["q"] == qid]
    if question.type == "choice":
        return list(question.values)
    if question.type == "multi":
        return list(multi_answers(question, mine, 256)[0])
    return list(edge_values(mine)) or [0]


def _both_ways(rules: Rules, node: Condition
               ) -> tuple[dict[str, Operand] | None, dict[str, Operand] | None]:
    """Answers that make ``node`` true, and answers that make it false (None: none found)."""
    qids = sorted(questions_in(rules, node))
    leaves = list(comparisons_in(rules.conditions, node))
    check = compile_condition(rules, node)
    found: dict[bool, dict[str, Operand]] = {}  # the first answers found for each value
    for combo in islice(product(*(_values(rules, q, leaves) for q in qids)), MAX_TRIES):
        answers = dict(zip(qids, combo, strict=True))
        got = check(answers)
        if got is not None:
            found.setdefault(got, answers)
            if len(found) == 2:
                break
    return found.get(True), found.get(False)


def plan_checks(loaded: Loaded, result: WalkResult, as_of: date) -> PlanWalk:
    """Every training reachable, every entry route open and closed for some answers, and
    every intake with a time to apply."""
    rules = loaded.rules
    found: list[Finding] = []
    reachable = routes = both = 0
    for tid, training in rules.trainings.items():
        base = ("trainings", tid)
        reached = any(result.verdicts[rid]["eligible"] for rid in training.routes
                      if rid in result.verdicts)
        for i, entry in enumerate(training.entry):
            routes += 1
            opened, closed = _both_ways(rules, entry.when)
            where = (*base, "entry", i, "when")
            owner = f"training '{tid}' entry '{entry.id}'"
            if opened is None:
                found.append(loaded.finding(
                    "entry-never-open", ERROR, owner, "no answers open this way in",
                    "Check its condition: some answers must meet it.", where))
            if closed is None:
                found.append(loaded.finding(
                    "entry-always-open", ERROR, owner, "every answer opens this way in",
                    "Check its condition: an entry route that no answer closes says nothing.",
                    where))
            if opened is not None and closed is not None:
                both += 1
            if opened is not None and not reached:
                plans = plan(rules, Answers(opened), as_of, tid, top=1)
                reached = bool(plans.plans)
        if reached:
            reachable += 1
        else:
            found.append(loaded.finding(
                "training-unreachable", ERROR, f"training '{tid}'",
                f"no answers give a plan to it as of {as_of.isoformat()}",
                "Check its entry routes and intakes: some person must be able to start it.",
                (*base, "entry") if training.entry else (*base, "routes")))
        for i, intake in enumerate(training.calendar.intakes):
            if training.calendar.window is None and intake.advert_to is None:
                found.append(loaded.finding(
                    "intake-no-applications", WARNING, f"training '{tid}'",
                    f"the intake in month {intake.month} has no advert months and the "
                    "training no application window, so plans cannot say when to apply",
                    "Give advert_months_before (from the adverts seen) or an "
                    "application_window.", (*base, "intakes", i)))
    return PlanWalk(found, len(rules.trainings), reachable, routes, both)


def plan_summary(walked: PlanWalk) -> str:
    """One line of the plan checks' coverage."""
    return (f"Plans: {walked.reachable} of {walked.trainings} trainings reachable from some "
            f"answers; {walked.both_ways} of {walked.routes} entry routes both open and "
            "closed for some answers.")
