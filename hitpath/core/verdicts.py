"""Verdicts: one definition of a requirement's state, a route's verdict, the best route and
what stands in the way on it, used by the engine, batch's fast path, the reports and the walk.

Pure: no I/O, no clock, no words beyond the verdicts' own names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import IntEnum
from typing import NamedTuple, cast

from hitpath.core.conditions import Values, compiler
from hitpath.core.dates import MEMO_LIMIT, add_months, months_between
from hitpath.core.model import (
    UNSURE,
    FundingState,
    Kind,
    Requirement,
    Route,
    RouteResult,
    Rules,
    Status,
    Verdict,
)

__all__ = ["FundingState", "Kind", "Status", "Verdict"]  # the words, defined with the types


class Rank(IntEnum):
    """Decided outcomes, weakest first: a route's verdict is its weakest requirement's."""

    NOT_ELIGIBLE = 0
    NOT_YET = 1
    DATED = 2
    ELIGIBLE = 3


# Members as plain names: reading a member off its enum class is slow in a batch's inner loop.
_NOT_ELIGIBLE_RANK, _NOT_YET_RANK, _DATED_RANK, _ELIGIBLE_RANK = Rank
_ELIGIBLE, _ELIGIBLE_FROM, _NOT_YET, _NOT_ELIGIBLE, _UNSURE = Verdict
_MET, _UNMET, _DATED, _UNKNOWN, _NOT_APPLICABLE = Status
_GATE = Kind.GATE

FAILURE: dict[str, Rank] = {Kind.GATE: Rank.NOT_ELIGIBLE, Kind.NEED: Rank.NOT_YET,
                            Kind.MONTHS: Rank.DATED, Kind.DATE: Rank.DATED}
"""The outcome a requirement of each kind gives its route when it is not met."""

RANK_VERDICT = (Verdict.NOT_ELIGIBLE, Verdict.NOT_YET, Verdict.ELIGIBLE_FROM, Verdict.ELIGIBLE)
OPEN = frozenset((Verdict.ELIGIBLE, Verdict.ELIGIBLE_FROM))
"""Verdicts under which a route is open: eligible now or from a date."""


class RequirementState(NamedTuple):
    """A requirement's state: status, the date it is met from (when known), and the answers
    that would decide it (when unknown)."""

    status: Status
    date: date | None = None
    unknown: tuple[str, ...] = ()


MET = RequirementState(Status.MET)
UNMET = RequirementState(Status.UNMET)
NOT_APPLICABLE = RequirementState(Status.NOT_APPLICABLE)


class RouteVerdict(NamedTuple):
    """A route's verdict, its date when open from one, the answers that would decide it, and
    whether any requirement was looked at (not when the route is ruled out first)."""

    verdict: Verdict
    eligible_from: date | None
    deciding: tuple[str, ...]
    has_results: bool


_new = tuple.__new__
"""Makes a named record without its Python-level constructor (batch's inner loop)."""
_RULED_OUT = RouteVerdict(Verdict.NOT_ELIGIBLE, None, (), False)
_DECIDED = tuple(RouteVerdict(verdict, None, (), True) for verdict in RANK_VERDICT)

RouteJudge = Callable[["Values", "Day", date, "dict[str, RequirementState]",
                       Callable[[str], bool]], RouteVerdict]
"""A route's verdict from answer values, the as-of date's arithmetic, the judging day, the
requirement states found so far (shared by the routes) and which questions can be asked now."""


def route_judge(rules: Rules, route: Route) -> RouteJudge:
    """The one definition of a route's verdict, compiled once per rules and route.

    Not for you when the route does not apply; otherwise the weakest outcome of its
    requirements (``FAILURE``: not for you < not yet < from a date < eligible now), the date
    being the latest of the dated ones. Undecided when some unknown answer could make the
    verdict worse, or move its date later; the answers that can be given now are named first.
    """
    made = cast(dict[str, RouteJudge], rules.requirement_checks)
    found = made.get("route:" + route.id)
    if found is None:
        found = made["route:" + route.id] = _compile_route(rules, route)
    return found


def _compile_route(rules: Rules, route: Route) -> RouteJudge:
    applies_check, applies_collect = compiler(rules).pair(route.applies_when)
    requirements = tuple((req.id, FAILURE[req.kind], requirement_check(rules, req))
                         for req in route.requirements)

    def judge(a: Values, day: Day, reference: date, states: dict[str, RequirementState],
              askable: Callable[[str], bool]) -> RouteVerdict:
        applies = applies_check(a)
        if applies is False:
            return _RULED_OUT
        rank = _ELIGIBLE_RANK
        latest: date | None = None
        unknown: list[tuple[Rank, Sequence[str]]] | None = None
        if applies is None:
            found: list[str] = []
            applies_collect(a, found)
            unknown = [(_NOT_ELIGIBLE_RANK, found)]
        has_results = False
        for req_id, failure, check in requirements:
            state = states.get(req_id)
            if state is None:
                state = states[req_id] = check(a, day, reference)
            status = state.status
            if status is _NOT_APPLICABLE:
                continue
            has_results = True
            if status is _MET:
                continue
            if status is _UNMET:
                if failure < rank:
                    rank = failure
            elif status is _DATED:
                if _DATED_RANK < rank:
                    rank = _DATED_RANK
                when = state.date
                if latest is None or (when is not None and when > latest):
                    latest = when
            elif unknown is None:
                unknown = [(failure, state.unknown)]
            else:
                unknown.append((failure, state.unknown))
        if unknown is not None:
            deciding: list[str] = []
            for worst, questions in unknown:
                if worst < rank or (worst == _DATED_RANK and rank >= _DATED_RANK):
                    deciding += [q for q in questions if q not in deciding]
            if deciding:
                deciding = [q for q in deciding if askable(q)] or deciding
                return _new(RouteVerdict, (_UNSURE, None, tuple(deciding), has_results))
        if rank == _DATED_RANK:
            return _new(RouteVerdict, (_ELIGIBLE_FROM, latest, (), has_results))
        return _DECIDED[rank] if has_results else _new(
            RouteVerdict, (RANK_VERDICT[rank], None, (), False))

    return judge


# Requirements -------------------------------------------------------------------------------

class Day:
    """Date arithmetic for one 'as of' date, memoised: a cohort repeats the same few values."""

    __slots__ = ("as_of", "_elapsed", "_after")

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self._elapsed: dict[date, int] = {}
        self._after: dict[int, date] = {}

    def elapsed(self, reference: date) -> int:
        """Whole months from as_of to the reference date."""
        got = self._elapsed.get(reference)
        if got is None:
            if len(self._elapsed) > MEMO_LIMIT:
                self._elapsed.clear()
            got = self._elapsed[reference] = months_between(self.as_of, reference)
        return got

    def after(self, months: int) -> date:
        """as_of plus whole months."""
        got = self._after.get(months)
        if got is None:
            if len(self._after) > MEMO_LIMIT:
                self._after.clear()
            got = self._after[months] = add_months(self.as_of, months)
        return got


def later_by(months: int) -> Callable[[date], date]:
    """``add_months(start, months)``, memoised by start date."""
    cache: dict[date, date] = {}

    def later(start: date) -> date:
        got = cache.get(start)
        if got is None:
            if len(cache) > MEMO_LIMIT:
                cache.clear()
            got = cache[start] = add_months(start, months)
        return got

    return later


RequirementCheck = Callable[[Values, Day, date], RequirementState]
"""A requirement's state from answer values, the as-of date's arithmetic and the judging day."""


def requirement_check(rules: Rules, req: Requirement) -> RequirementCheck:
    """The one definition of a requirement's state, compiled once per rules and requirement.

    Gates and needs: met or unmet by ``met_when``. Months: met when the experience, counted on
    to the judging day, reaches ``at_least``, else met from the day it will. Dates: met from a
    fixed time after the answer's date. A requirement that is met is met whether or not it
    applies; one that is not is unknown while ``applies_when`` is undecided.
    """
    made = cast(dict[str, RequirementCheck], rules.requirement_checks)
    found = made.get(req.id)
    if found is None:
        found = made[req.id] = _compile_requirement(rules, req)
    return found


def _compile_requirement(rules: Rules, req: Requirement) -> RequirementCheck:
    conditions = compiler(rules)
    applies_check, applies_collect = conditions.pair(req.applies_when)
    has_applies = req.applies_when is not None

    def pending_of(a: Values) -> list[str]:
        found: list[str] = []
        applies_collect(a, found)
        return found

    if req.kind in (_GATE, Kind.NEED):
        met_check, met_collect = conditions.pair(req.met_when)

        def gate(a: Values, day: Day, reference: date) -> RequirementState:
            applies = applies_check(a) if has_applies else True
            if applies is False:
                return NOT_APPLICABLE
            met = met_check(a)
            if met is True:
                return MET  # met whether or not it applies
            if applies is True:
                if met is None:
                    found: list[str] = []
                    met_collect(a, found)
                    return RequirementState(_UNKNOWN, None, tuple(found))
                return UNMET
            pending = pending_of(a)
            if met is None:
                met_collect(a, pending)
                return RequirementState(_UNKNOWN, None, tuple(dict.fromkeys(pending)))
            return RequirementState(_UNKNOWN, None, tuple(pending))

        return gate

    question = req.question
    assert question is not None

    def unanswered(a: Values) -> RequirementState:
        pending = pending_of(a) if has_applies and applies_check(a) is None else []
        return RequirementState(_UNKNOWN, None, tuple(dict.fromkeys([*pending, question])))

    if req.kind == Kind.MONTHS:
        needed = req.at_least
        counts_on = req.counts_on is not None

        def months(a: Values, day: Day, reference: date) -> RequirementState:
            applies = applies_check(a) if has_applies else True
            if applies is False:
                return NOT_APPLICABLE
            raw = a.get(question)
            if raw is None or raw == UNSURE:
                return unanswered(a)
            given = cast(int, raw)
            # Under the rules' counts_on, experience keeps growing until the course starts.
            accrued = (given + day.elapsed(reference)
                       if counts_on and reference is not day.as_of else given)
            if accrued >= needed:
                return MET  # met whether or not it applies
            when = day.after(needed - given)
            if applies is None:
                return RequirementState(_UNKNOWN, when, tuple(pending_of(a)))
            return RequirementState(_DATED, when)

        return months

    later = later_by(req.plus_years * 12 + req.plus_months)

    def dated(a: Values, day: Day, reference: date) -> RequirementState:
        applies = applies_check(a) if has_applies else True
        if applies is False:
            return NOT_APPLICABLE
        raw = a.get(question)
        if raw is None or raw == UNSURE:
            return unanswered(a)
        when = later(cast(date, raw))
        if reference >= when:
            return MET  # met whether or not it applies
        if applies is None:
            return RequirementState(_UNKNOWN, when, tuple(pending_of(a)))
        return RequirementState(_DATED, when)

    return dated


# The best route -----------------------------------------------------------------------------

ORDER = (Verdict.ELIGIBLE, Verdict.ELIGIBLE_FROM, Verdict.NOT_YET, Verdict.UNSURE,
         Verdict.NOT_ELIGIBLE)
"""Verdicts from the most promising: eligible now, then from a date, then not yet (what is
missing is known and can be met), then not decided (it waits on an answer), then not for you."""


def best_route(routes: Sequence[RouteVerdict]) -> int | None:
    """The index of the most promising route, or None when no route is for the person.

    The order: the verdict (see ORDER), then whether any requirement was looked
    at, then the earliest date; among equals, the first in the rules.
    """
    index = main_route(routes)
    return None if index is None or routes[index].verdict == _NOT_ELIGIBLE else index


def main_route(routes: Sequence[RouteVerdict]) -> int | None:
    """The route whose requirements say most about the person, even when none is for them
    (what rules them out): the best by the order of ``best_route``, None when every route is
    ruled out before any requirement."""
    best = None
    best_place, best_has, best_when = len(ORDER), False, date.max
    place = ORDER.index
    for index, (verdict, when, _, has_results) in enumerate(routes):
        # Earlier in ORDER, then with results, then the earlier date; the first of equals.
        here = place(verdict)
        if here > best_place:
            continue
        day = when or date.max
        if here < best_place or (has_results and not best_has) or (
                has_results == best_has and day < best_when):
            best, best_place, best_has, best_when = index, here, has_results, day
    return best if best_has else None


def main_unmet(verdict: Verdict, eligible_from: date | None, deciding: Sequence[str],
               results: Iterable[tuple[str, str, RequirementState]]) -> str:
    """The requirement that stands in the way on a route ('' when none), from its
    requirements' (id, kind, state) in route order.

    Open now: none. Open from a date: the requirement that sets that date. Not decided: the
    first requirement the deciding answers leave open. Otherwise the first unmet gate, or
    failing that the first unmet need.
    """
    if verdict is _ELIGIBLE:
        return ""
    if verdict is _ELIGIBLE_FROM:
        return next((req_id for req_id, _, state in results
                     if state.status is _DATED and state.date == eligible_from), "")
    if verdict is _UNSURE:
        wanted = set(deciding)
        return next((req_id for req_id, _, state in results if state.status is _UNKNOWN
                     and not wanted.isdisjoint(state.unknown)), "")
    unmet = [(req_id, kind) for req_id, kind, state in results if state.status is _UNMET]
    return next((req_id for req_id, kind in unmet if kind == _GATE),
                unmet[0][0] if unmet else "")


# The same, read from the engine's results ---------------------------------------------------

def standing(route: RouteResult) -> RouteVerdict:
    """What choosing the best route looks at, from a route's full result."""
    return RouteVerdict(route.verdict, route.eligible_from, tuple(route.unknown),
                        bool(route.met or route.unmet))


def best_of(routes: Sequence[RouteResult]) -> RouteResult | None:
    """The most promising route of an assessment (see ``best_route``), or None."""
    index = best_route([standing(r) for r in routes])
    return None if index is None else routes[index]


def main_unmet_of(route: RouteResult, rules: Rules) -> str:
    """What stands in the way on a route (see ``main_unmet``), from its full result."""
    return main_unmet(route.verdict, route.eligible_from, route.unknown, (
        (res.id, rules.requirements[res.id].kind, RequirementState(res.status, res.date,
                                                                   res.unknown))
        for res in route.unmet))


def counts_on_of(rules: Rules, routes: list[RouteResult], when: date | None) -> str:
    """The requirement that sets the day no route opens before (``when``) by experience that
    keeps counting while the person keeps working (its ``counts_on``): the first, on a route
    still possible, whose date is that day; '' when none does."""
    if when is None:
        return ""
    return next((res.id for r in routes if r.verdict != Verdict.NOT_ELIGIBLE for res in r.unmet
                 if res.date == when and res.status in (Status.DATED, Status.UNKNOWN)
                 and rules.requirements[res.id].counts_on), "")
