"""The rules compiled once into plain closures, for assessing a whole cohort quickly.

``engine.assess`` builds a full Assessment with texts and explanations; a batch run needs only
each route's verdict and date, the funding rule, and the one requirement that stands in the
way. The fast path uses the same compiled conditions and requirement closures as the engine
(``verdicts.requirement_check``), the same route verdict and the same best route, but skips
every word, and evaluates each requirement at most once per person however many routes share
it. A property test holds it equal to ``outcome_of(engine.assess(...))``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from hitpath.core.conditions import Values, compiler
from hitpath.core.conflicts import conflict_test, questions_in_conflict, route_reads
from hitpath.core.model import (
    Assessment,
    ConflictRule,
    FundingState,
    Rules,
    Status,
    Verdict,
)
from hitpath.core.verdicts import (
    Day,
    RequirementState,
    RouteVerdict,
    later_by,
    main_route,
    main_unmet,
    main_unmet_of,
    route_judge,
    standing,
)


class Outcome(NamedTuple):
    """What a batch row reports; equal to ``outcome_of(engine.assess(...))`` for the same
    input."""

    verdicts: tuple[Verdict, ...]  # each route's, in rules order
    dates: tuple[date | None, ...]  # each route's eligible_from
    two_year_rule: FundingState
    nhs_funding_from: date | None
    best_route: str  # '' when no route is for the person
    main_unmet: str  # what stands in the way on that route ('' when nothing does)
    undecided_by: tuple[str, ...]  # the answers that would decide it, when undecided
    not_before: date | None = None  # no route can open before it, whatever is unknown
    conflicts: tuple[str, ...] = ()  # ids of the conflicts in the answers


_NA = Status.NOT_APPLICABLE
_new = tuple.__new__
_NOT_ELIGIBLE = Verdict.NOT_ELIGIBLE
_APPLIES, _DOES_NOT_APPLY, _UNSURE_RULE = FundingState


class FastRules:
    """Rules compiled for batch assessment; see ``assessor``."""

    def __init__(self, rules: Rules) -> None:
        conditions = compiler(rules)
        self.rules = rules
        self.route_ids = tuple(r.id for r in rules.routes)
        self.judges = tuple(route_judge(rules, route) for route in rules.routes)
        self.reads = tuple(route_reads(rules, route) for route in rules.routes)
        self.requirements = tuple(tuple((req.id, req.kind) for req in route.requirements)
                                  for route in rules.routes)
        # A question can be answered now when its own 'when' holds.
        self.askable = {q.id: conditions.check(q.when) for q in rules.questions}
        funding = rules.funding.requirement
        self.funding_applies = conditions.check(funding.applies_when)
        self.funding_question = funding.question or ""
        self.funding_later = later_by(funding.plus_years * 12 + funding.plus_months)

    def assessor(self, as_of: date) -> Callable[[Values], Outcome]:
        """A function from one person's answer values to their Outcome, judged on ``as_of``."""
        day = Day(as_of)
        judges = self.judges
        route_ids = self.route_ids
        requirements = self.requirements
        funding_applies = self.funding_applies
        funding_question = self.funding_question
        funding_later = self.funding_later
        askable = self.askable
        reference_question = self.rules.reference_question or ""
        in_conflict = conflict_test(self.rules, as_of)
        reads = self.reads

        def assess(values: Values) -> Outcome:
            clash = in_conflict(values) if in_conflict is not None else None
            if clash:
                # As the engine: no verdict rests on answers in conflict (they count as unknown).
                involved = frozenset(questions_in_conflict(clash))
                values = {k: v for k, v in values.items() if k not in involved}
            start = values.get(reference_question)
            reference = start if isinstance(start, date) else as_of
            # Each requirement is evaluated at most once, however many routes share it.
            states: dict[str, RequirementState] = {}

            def can_ask(q: str) -> bool:
                return askable[q](values) is True

            judged = [judge(values, day, reference, states, can_ask) for judge in judges]
            if clash:
                judged = [_waits(j, route_reads, clash) for j, route_reads in zip(judged, reads,
                                                                                  strict=True)]
            rule_applies = funding_applies(values)
            raw = values.get(funding_question)
            funding_from = funding_later(raw) if isinstance(raw, date) else None
            if rule_applies is True:
                rule = _APPLIES
            elif rule_applies is False:
                rule, funding_from = _DOES_NOT_APPLY, None
            else:
                rule = _UNSURE_RULE
            verdicts, dates, _, _ = zip(*judged, strict=True)
            index = main_route(judged)
            firm = _not_before(judged, requirements, states, reference)
            ids = tuple(c.id for c in clash) if clash else ()
            if index is None:
                return _new(Outcome, (verdicts, dates, rule, funding_from, "", "", (), firm, ids))
            best = judged[index]
            main = main_unmet(best.verdict, best.eligible_from, best.deciding, (
                (req_id, kind, state) for req_id, kind in requirements[index]
                if (state := states.get(req_id)) is not None))
            # No route is for this person: name no route, but keep what rules them out.
            best_id = "" if best.verdict is _NOT_ELIGIBLE else route_ids[index]
            return _new(Outcome, (verdicts, dates, rule, funding_from, best_id, main,
                                  best.deciding, firm, ids))

        return assess


def _waits(judged: RouteVerdict, reads: frozenset[str], clash: list[ConflictRule]) -> RouteVerdict:
    """As ``engine._in_conflict``: a route that reads answers in conflict is not decided."""
    if judged.verdict is _NOT_ELIGIBLE:
        return judged
    mine = [c for c in clash if reads.intersection(c.questions)]
    if not mine:
        return judged
    deciding = tuple(dict.fromkeys([*questions_in_conflict(mine), *judged.deciding]))
    return RouteVerdict(Verdict.UNSURE, None, deciding, judged.has_results)


_DATED = Status.DATED
_ELIGIBLE, _ELIGIBLE_FROM = Verdict.ELIGIBLE, Verdict.ELIGIBLE_FROM


def _not_before(judged: list[RouteVerdict], requirements: tuple[tuple[tuple[str, str], ...], ...],
                states: dict[str, RequirementState], reference: date) -> date | None:
    """As ``engine._not_before``: every route still possible has a date it cannot beat."""
    bounds = []
    for i, j in enumerate(judged):
        verdict = j.verdict
        if verdict is _NOT_ELIGIBLE:
            continue
        if verdict is _ELIGIBLE:
            return None
        if verdict is _ELIGIBLE_FROM and j.eligible_from:
            bounds.append(j.eligible_from)
            continue
        dated = [s.date for req_id, _ in requirements[i]
                 if (s := states.get(req_id)) is not None and s.status is _DATED and s.date]
        if not dated:
            return None
        bounds.append(max(dated))
    if not bounds:
        return None
    firm = min(bounds)
    return firm if firm > reference else None


def compile_rules(rules: Rules) -> FastRules:
    """Compile ``rules`` once for fast batch assessment."""
    return FastRules(rules)


def outcome_of(assessment: Assessment, rules: Rules) -> Outcome:
    """The batch Outcome of a full engine Assessment: the reference the fast path must equal."""
    routes = assessment.routes
    funding = assessment.funding
    verdicts = tuple(r.verdict for r in routes)
    dates = tuple(r.eligible_from for r in routes)
    index = main_route([standing(r) for r in routes])
    conflicts = tuple(c.id for c in assessment.conflicts)
    if index is None:
        return Outcome(verdicts, dates, funding.two_year_rule, funding.nhs_funding_from,
                       "", "", (), assessment.not_before, conflicts)
    route = routes[index]
    undecided = tuple(route.unknown) if route.verdict == Verdict.UNSURE else ()
    best_id = "" if route.verdict == Verdict.NOT_ELIGIBLE else route.id
    return Outcome(verdicts, dates, funding.two_year_rule, funding.nhs_funding_from, best_id,
                   main_unmet_of(route, rules), undecided, assessment.not_before, conflicts)
