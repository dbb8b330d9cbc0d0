"""The rules compiled once into plain closures, for assessing a whole cohort quickly.

``engine.assess`` builds a full Assessment with texts and explanations; a batch run needs only
each route's verdict and date, the funding rule, and the one requirement that stands in the
way. The fast path uses the same compiled conditions and requirement closures as the engine
(``verdicts.requirement_check``), the same route verdict and the same best route, but skips
every word, and evaluates each requirement at most once per person however many routes share
it. A property test holds it equal to ``outcome_of(engine.assess(...))``.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterator, Sequence
from datetime import date
from typing import NamedTuple, TypeVar, cast

from hitpath.core.conditions import (
    Operand,
    Values,
    comparisons_in,
    compiler,
    condition_sites,
    leaf_check,
    leaf_parts,
)
from hitpath.core.conflicts import conflict_test, questions_in_conflict, route_reads
from hitpath.core.engine import route_intake
from hitpath.core.model import (
    UNSURE,
    Assessment,
    ConflictRule,
    FundingState,
    Kind,
    Rules,
    Status,
    Verdict,
)
from hitpath.core.verdicts import (
    OPEN,
    Day,
    RequirementState,
    RouteVerdict,
    counts_on_of,
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
    first_intakes: tuple[date | None, ...] = ()  # each open route's first intake (its 1st)
    qualified_by: tuple[date | None, ...] = ()  # and the month its training would end
    counts_on: str = ""  # the requirement whose experience, kept up, sets not_before ('' none)
    in_scope: bool = True  # False only when the answers put the person outside the rules' scope


ConflictTest = Callable[[Sequence[object]], list[ConflictRule]]
"""The declared conflicts a row of answer values falls into (the values in a fixed order)."""
INTAKES_LIMIT = 1024
"""Intakes remembered (by verdicts, dates and course start) before starting afresh."""
Intakes = Callable[[tuple[Verdict, ...], tuple["date | None", ...], "date | None"],
                  tuple[tuple["date | None", ...], tuple["date | None", ...]]]
Judging = Callable[[Values, "list[ConflictRule] | None", "dict[str, RequirementState]"],
                  Outcome]

_UNSEEN = object()
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
        self.in_scope = conditions.check(rules.scope_when) if rules.scope_when else None
        self.counts_on = frozenset(r.id for r in rules.requirements.values() if r.counts_on)

    def intakes(self, as_of: date) -> Intakes:
        """Each route's first intake and the month its training would end, from the routes'
        verdicts and dates and the course start the person has in mind (as the engine)."""
        rules = self.rules
        route_ids = self.route_ids
        found: dict[tuple[tuple[Verdict, ...], tuple[date | None, ...], date | None],
                    tuple[tuple[date | None, ...], tuple[date | None, ...]]] = {}

        by_route: dict[tuple[str, Verdict, date | None, date | None],
                       tuple[date, date] | None] = {}

        def route(route_id: str, verdict: Verdict, when: date | None,
                  chosen: date | None) -> tuple[date, date] | None:
            # One route's, remembered apart: its dates repeat far more than whole outcomes'.
            key = (route_id, verdict, when, chosen)
            got = by_route.get(key, _UNSEEN)
            if got is _UNSEEN:
                made = route_intake(rules, route_id, verdict, when, as_of, chosen)
                got = remember(by_route, key, (made[0].certain, made[1]) if made else None,
                               INTAKES_LIMIT)
            return got  # type: ignore[return-value]

        def intakes(verdicts: tuple[Verdict, ...], dates: tuple[date | None, ...],
                    chosen: date | None) -> tuple[tuple[date | None, ...],
                                                  tuple[date | None, ...]]:
            key = (verdicts, dates, chosen)
            got = found.get(key)
            if got is None:
                each = [route(route_id, verdict, when, chosen) if verdict in OPEN else None
                        for route_id, verdict, when in zip(route_ids, verdicts, dates,
                                                           strict=True)]
                got = remember(found, key, (tuple(i[0] if i else None for i in each),
                                            tuple(i[1] if i else None for i in each)),
                               INTAKES_LIMIT)
            return got

        return intakes

    def assessor(self, as_of: date) -> Callable[[Values], Outcome]:
        """A function from one person's answer values to their Outcome, judged on ``as_of``."""
        keys = tuple(self.rules.question_by_id)
        in_conflict, judge_all = self.judging(as_of, keys)

        def assess(values: Values) -> Outcome:
            clash = in_conflict(list(map(values.get, keys))) if in_conflict is not None \
                else None
            if clash:
                # As the engine: no verdict rests on answers in conflict (they count as unknown).
                values = _without(values, clash)
            return judge_all(values, clash, {})

        return assess

    def classes(self, as_of: date, keys: Sequence[str] = ()) -> OutcomeClasses:
        """The outcome classes of a cohort judged on ``as_of`` (see ``OutcomeClasses``), for
        rows that hold the values of ``keys`` first."""
        return OutcomeClasses(self, as_of, keys)

    def judging(self, as_of: date, keys: tuple[str, ...]
                ) -> tuple[ConflictTest | None, Judging]:
        """The conflict test (for rows holding the values of ``keys`` in order), and the
        judging of answers once their conflicts are known."""
        day = Day(as_of)
        judges = self.judges
        route_ids = self.route_ids
        requirements = self.requirements
        funding_applies = self.funding_applies
        funding_question = self.funding_question
        funding_later = self.funding_later
        askable = self.askable
        reference_question = self.rules.reference_question or ""
        in_conflict = conflict_test(self.rules, as_of, keys)
        reads = self.reads
        intakes = self.intakes(as_of)
        scope = self.in_scope
        counting = self.counts_on
        seen_verdicts: dict[tuple[Verdict, ...], tuple[Verdict, ...]] = {}
        same = _Same()

        def judge_all(values: Values, clash: list[ConflictRule] | None,
                      states: dict[str, RequirementState]) -> Outcome:
            # ``states`` starts empty: each requirement is evaluated at most once, however
            # many routes share it.
            start = values.get(reference_question)
            reference = start if isinstance(start, date) else as_of

            def can_ask(q: str) -> bool:
                return askable[q](values) is True

            judged = [judge(values, day, reference, states, can_ask) for judge in judges]
            if clash:
                judged = [_waits(j, route_reads, clash) for j, route_reads in zip(judged, reads,
                                                                                  strict=True)]
            rule_applies = funding_applies(values)
            if rule_applies is False:
                # Read only when the rule may apply: batch's outcome classes rely on it.
                rule, funding_from = _DOES_NOT_APPLY, None
            else:
                raw = values.get(funding_question)
                funding_from = funding_later(raw) if isinstance(raw, date) else None
                rule = _APPLIES if rule_applies is True else _UNSURE_RULE
            verdicts, dates, _, _ = zip(*judged, strict=True)
            # One tuple for each way the routes' verdicts fall (a few), and one for each set
            # of dates while it is remembered: outcomes are kept.
            verdicts = seen_verdicts.setdefault(verdicts, verdicts)
            dates = same(dates)
            index = main_route(judged)
            firm = _not_before(judged, requirements, states, reference)
            ids = tuple(c.id for c in clash) if clash else ()
            first, ends = intakes(verdicts, dates, start if isinstance(start, date) else None)
            kept = _counts_on(judged, requirements, states, firm, counting) if firm else ""
            inside = scope is None or scope(values) is not False
            if index is None:
                return _new(Outcome, (verdicts, dates, rule, funding_from, "", "", (), firm, ids,
                                      first, ends, kept, inside))
            best = judged[index]
            main = main_unmet(best.verdict, best.eligible_from, best.deciding, (
                (req_id, kind, state) for req_id, kind in requirements[index]
                if (state := states.get(req_id)) is not None))
            # No route is for this person: name no route, but keep what rules them out.
            best_id = "" if best.verdict is _NOT_ELIGIBLE else route_ids[index]
            return _new(Outcome, (verdicts, dates, rule, funding_from, best_id, main,
                                  same(best.deciding), firm, same(ids), first, ends, kept,
                                  inside))

        return in_conflict, judge_all


class _Same(dict[Hashable, Hashable]):
    """One object for equal values while they are remembered (a batch keeps many outcomes
    and tree nodes alike): ``same(x) == x``, and is the first of them met."""

    __slots__ = ()

    def __call__(self, value: H) -> H:
        got = self.get(value)
        if got is None:
            got = remember(self, value, value, VALUES_LIMIT)
        return got  # type: ignore[return-value]


def _without(values: Values, clash: list[ConflictRule]) -> dict[str, object]:
    """The answers left when those in conflict count as unknown."""
    left = dict(values)
    for q in questions_in_conflict(clash):
        left.pop(q, None)
    return left


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


_SETS_DATE = (Status.DATED, Status.UNKNOWN)


def _counts_on(judged: list[RouteVerdict], requirements: tuple[tuple[tuple[str, str], ...], ...],
               states: dict[str, RequirementState], firm: date, counting: frozenset[str]) -> str:
    """As ``counts_on_of``: the first requirement, of a route still possible, whose date is
    ``firm`` and whose months keep counting while the person keeps working ('' for none)."""
    for j, reqs in zip(judged, requirements, strict=True):
        if j.verdict is _NOT_ELIGIBLE:
            continue
        for req_id, _ in reqs:
            if req_id in counting and (s := states.get(req_id)) is not None \
                    and s.status in _SETS_DATE and s.date == firm:
                return req_id
    return ""


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
    first = tuple(r.first_intake.certain if r.first_intake else None for r in routes)
    ends = tuple(r.qualified_by for r in routes)
    kept = counts_on_of(rules, routes, assessment.not_before)
    if index is None:
        return Outcome(verdicts, dates, funding.two_year_rule, funding.nhs_funding_from,
                       "", "", (), assessment.not_before, conflicts, first, ends, kept,
                       assessment.in_scope)
    route = routes[index]
    undecided = tuple(route.unknown) if route.verdict == Verdict.UNSURE else ()
    best_id = "" if route.verdict == Verdict.NOT_ELIGIBLE else route.id
    return Outcome(verdicts, dates, funding.two_year_rule, funding.nhs_funding_from, best_id,
                   main_unmet_of(route, rules), undecided, assessment.not_before, conflicts,
                   first, ends, kept, assessment.in_scope)


# Outcome classes ------------------------------------------------------------------------------
# A cohort repeats itself: people who differ only in answers the rules never read for them, or
# in values no rule tells apart, get the same outcome. The judging is deterministic and reads
# answers only through ``values.get``. So when two rows give the same token (all that any reader
# makes of a value, below) for every answer the first row's judging read, the second row's
# judging reads the same answers, takes the same branches and ends in the same outcome: at its
# first difference it would have to read an answer the first one read and see it otherwise. The
# first row of a class is judged in full while its reads are noted; the (answer, token) steps
# are kept in a decision tree whose leaves are outcome classes. A row may be checked on more
# answers than its class read (where the tree asks them first): that only splits classes, never
# joins them. Conflicts are found first on the exact values and, with the reference date,
# choose the tree.
#
# Dates are carried rather than read exactly. Each requirement's date comes from one answer: a
# fixed time after a date (an exam board, which the funding rule counts from too), or the
# judging date plus the months still to go (a months answer short of its need). The judging
# only compares these carried dates with each other, with the reference date and with the dates
# it read exactly, and copies them into the outcome. So a class's last step says how the first
# row's carried dates lie among themselves and those fixed dates, ties included: a row whose
# carried dates lie alike takes every comparison the same way and gets the first row's outcome
# with each carried date replaced by its own. The answers they come from are still read by
# their tokens: a months answer by whether it meets each need, a date by its conditions.

JUDGED = frozenset(("route.applies_when", "requirement.applies_when", "requirement.met_when",
                    "question.when", "scope_when"))
"""Where the conditions the judging reads sit (conflicts are found before, on exact values)."""

CLASS_LIMIT = 9216
"""Outcome classes remembered at most: memory stays flat (well under 1 kB each on average, as
classes that end alike share one object)."""
VALUES_LIMIT = 2048
"""Values remembered per answer (their tokens, the dates they carry) before starting afresh."""
KEPT = 0.75
"""The share of the limit kept when it is reached: the classes rows found most."""

Carried = tuple[date, ...]
V = TypeVar("V")
H = TypeVar("H", bound=Hashable)
T = TypeVar("T")
Own = tuple[Carried, tuple[str, ...]]
"""What a row's outcome takes as its own: its carried dates and the ids of its conflicts."""


class OutcomeClass:
    """One outcome class: the outcome, and room for what a writer makes of it, made once."""

    __slots__ = ("outcome", "row", "text", "line", "own", "moved", "hits")

    def __init__(self, outcome: Outcome, own: Own = ((), ())) -> None:
        self.outcome = outcome
        self.row: list[str] | None = None  # the CSV cells after row and ref
        self.text: str | None = None  # the same as CSV text
        self.line: str | None = None  # the JSON text after row and ref
        self.own = own  # the carried dates and conflicts in this outcome
        self.moved: dict[Own, OutcomeClass] | None = None  # the same, others of its own
        self.hits = 0  # rows that found it since the classes were last pruned (halved then)


Token = Hashable


class _Marks:
    """Which classes have been met once, by their hashes, in one bit each: memory stays small
    (a set would take 50 bytes a mark). Two classes may share a bit; then the second is kept on
    first sight, which costs only room. Forgets all after ``CLASS_LIMIT`` new marks."""

    __slots__ = ("bits", "marked")
    SIZE = 1 << 19  # bits: 64 kB, to share few (about 1 in 85 at the limit)

    def __init__(self) -> None:
        self.bits = bytearray(self.SIZE >> 3)
        self.marked = 0

    def first_sight(self, mark: int) -> bool:
        """Whether ``mark`` is met for the first time (it is remembered from now on)."""
        at = mark & (self.SIZE - 1)
        byte, bit = at >> 3, 1 << (at & 7)
        if self.bits[byte] & bit:
            return False
        if self.marked >= CLASS_LIMIT:
            self.bits[:] = bytes(len(self.bits))
            self.marked = 0
        self.bits[byte] |= bit
        self.marked += 1
        return True


class _Source(NamedTuple):
    """An answer a date is carried from: the requirements whose date it sets, the need of a
    months requirement (None for a date), and the date a value gives."""

    question: str
    requirements: frozenset[str]
    needed: int | None
    counts_on: bool
    date_of: Callable[[object], date]


def _after_need(day: Day, needed: int) -> Callable[[object], date]:
    after = day.after

    def date_of(months: object) -> date:
        return after(needed - months)  # type: ignore[operator]  # a months answer: an int

    return date_of


class _ByValue(dict[object, V]):
    """What one answer's values make (its tokens, or the dates it carries), each worked out
    when first met; the tree's nodes hold these, so a row's look-ups stay in C."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[object], V]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: object) -> V:
        return remember(self, value, self.make(value), VALUES_LIMIT)


_Dates = _ByValue[date]
_Tokens = _ByValue[Token]
_lookup = dict.__getitem__  # on _ByValue: C speed, and __missing__ for a value not yet met


Pick = Callable[[Sequence[object]], Sequence[object]]


def _picker(places: Sequence[int]) -> Pick:
    """The values at ``places`` of a row, as a sequence, picked in C."""
    if len(places) == 1:
        return operator.itemgetter(slice(places[0], places[0] + 1))
    return operator.itemgetter(*places)


class _CarriedStep:
    """A class's last step: the dates the first row's judging read exactly, and the answers
    it carried dates from (their places in a row, with their dates by value)."""

    __slots__ = ("fixed", "places", "pick", "tables", "seen", "node", "more")

    def __init__(self, fixed: tuple[date, ...], places: tuple[int, ...], pick: Pick,
                 tables: tuple[_Dates, ...], seen: Token, node: _Node) -> None:
        self.fixed = fixed
        self.places = places
        self.pick = pick
        self.tables = tables
        # What comes after each way the dates lie: most steps have one (no dictionary).
        self.seen = seen
        self.node = node
        self.more: dict[Token, _Node] | None = None

    def get(self, seen: Token) -> _Node | None:
        if seen == self.seen:
            return self.node
        return self.more.get(seen) if self.more is not None else None

    def put(self, seen: Token, node: _Node) -> None:
        if seen == self.seen:
            self.node = node
        elif self.more is None:
            self.more = {seen: node}
        else:
            self.more[seen] = node

    def entries(self) -> list[tuple[Token, _Node]]:
        return [(self.seen, self.node), *(self.more.items() if self.more else ())]

    def keep(self, entries: list[tuple[Token, _Node]]) -> None:
        """Keep only ``entries`` (at least one)."""
        (self.seen, self.node), *rest = entries
        self.more = dict(rest) or None


_Read = tuple[int, _Tokens, dict[Token, "_Node"]]
"""A branch on one answer: its place in a row, its tokens, and the tree after each token."""


class _Chain:
    """Answers that only one way through the tree has read yet: each must give its token, in
    one look-up each, before the tree goes on (split where a row first differs)."""

    __slots__ = ("places", "pick", "tables", "expected", "next")

    def __init__(self, places: tuple[int, ...], pick: Pick, tables: tuple[_Tokens, ...],
                 expected: tuple[Token, ...], after: _Node) -> None:
        self.places = places
        self.pick = pick
        self.tables = tables
        self.expected = expected
        self.next = after


_Node = _Read | _Chain | _CarriedStep | OutcomeClass


class _Reading(dict[str, object]):
    """Answer values that note which answers are read, in the order first read."""

    __slots__ = ("order",)

    def __init__(self, values: Values) -> None:
        super().__init__(values)
        self.order: dict[str, None] = {}

    def get(self, key: str, default: object = None) -> object:
        self.order[key] = None
        return dict.get(self, key, default)



class OutcomeClasses:
    """Outcomes remembered by class: ``classes(values).outcome == assess(values)``.

    How each answer is seen (its token) is worked out from every use the rules make of it:
    the reference date is read exactly; a months answer by every condition that reads it and
    whether it meets each months requirement on it (counted on to the reference date); any
    other answer by every condition that reads it. 'Not sure' and no answer are tokens of
    their own. The dates requirements count from are carried (see above).
    """

    def __init__(self, fast: FastRules, as_of: date, keys: Sequence[str] = ()) -> None:
        rules = fast.rules
        self.as_of = as_of
        self.day = Day(as_of)
        # A row holds every question's value: those of ``keys`` first, then the rest.
        self.fast = fast
        self.given = given = tuple(keys)
        self.keys = given + tuple(q for q in rules.question_by_id if q not in given)
        self.absent: list[object] = [None] * (len(self.keys) - len(given))
        self.place = {q: i for i, q in enumerate(self.keys)}
        # Shared by the tree's nodes that read the same places.
        self.pickers = _ByValue[Pick](_picker)  # type: ignore[arg-type]
        self.same = _Same()  # one object for equal parts of the tree
        self.table_sets: dict[tuple[int, ...], tuple[object, ...]] = {}
        self.layouts: dict[tuple[tuple[str, ...], int],
                           tuple[tuple[int, ...], tuple[_Tokens, ...]]] = {}
        self.in_conflict, self.judge_all = fast.judging(as_of, self.keys)
        self.reference_question = rules.reference_question or ""
        self.reference_at = self.place.get(self.reference_question)
        self.intakes = fast.intakes(as_of)
        self.roots: dict[Hashable, _Node] = {}  # by (what conflicts do, reference date)
        self.reads = fast.reads
        # What conflicts do, by the rules' own objects (``_waits``).
        self.waiting: dict[tuple[int, ...], tuple[tuple[str, ...], tuple[int, ...], int]] = {}
        self.kinds: dict[Hashable, int] = {(): 0}
        self.once = _Marks()  # the classes judged once and not yet kept
        self.alike: dict[tuple[Outcome, Own], OutcomeClass] = {}
        self.size = 0
        self.leaves: dict[str, list[tuple[str, Operand]]] = {}
        for site in condition_sites(rules):
            if site.role in JUDGED:
                for leaf in comparisons_in(rules.conditions, site.node):
                    q, op, value = leaf_parts(leaf)
                    self.leaves.setdefault(q, []).append((op, value))
        self.sources = self._sources(rules)
        self.dates = {s: _Dates(s.date_of) for s in self.sources}
        self.sourced = frozenset(r for s in self.sources for r in s.requirements)
        self.months: dict[str, list[tuple[int, bool]]] = {}  # each months need on an answer
        self.dated: set[str] = set()
        for source in self.sources:
            if source.needed is None:
                self.dated.add(source.question)
            else:
                self.months.setdefault(source.question, []).append(
                    (source.needed, source.counts_on))
        self.tokens: dict[tuple[str, int], _Tokens] = {}
        # Each answer's tokens (at most one for each pattern of truths the rules can give it).
        self.ways: dict[str, dict[tuple[object, ...], _Seen]] = {}

    def _sources(self, rules: Rules) -> tuple[_Source, ...]:
        """Every answer a requirement's date (or the funding rule's) is carried from; not the
        reference date, which is read exactly."""
        funding = rules.funding.requirement
        by_date: dict[tuple[str, int], set[str]] = {}
        if funding.question and funding.question != self.reference_question:
            by_date[funding.question, funding.plus_years * 12 + funding.plus_months] = set()
        found = []
        for req in rules.requirements.values():
            q = req.question
            if q is None or q == self.reference_question:
                continue
            if req.kind == Kind.MONTHS:
                found.append(_Source(q, frozenset((req.id,)), req.at_least,
                                     req.counts_on is not None,
                                     _after_need(self.day, req.at_least)))
            elif req.kind == Kind.DATE:
                by_date.setdefault((q, req.plus_years * 12 + req.plus_months), set()).add(req.id)
        for (q, months), ids in by_date.items():
            found.append(_Source(q, frozenset(ids), None, False,
                                 cast(Callable[[object], date], later_by(months))))
        return tuple(found)

    def laid_out(self, keys: Sequence[str]) -> OutcomeClasses:
        """Outcome classes as these, for rows that hold the values of ``keys`` first."""
        return OutcomeClasses(self.fast, self.as_of, keys)

    def __call__(self, values: Values) -> OutcomeClass:
        """The outcome class of one person's answer values."""
        return self.of_row(list(map(values.get, self.keys)))

    def of_row(self, row: list[object]) -> OutcomeClass:
        """The outcome class of a row: every question's value, in the order of ``keys``. The
        answers in conflict are made None in ``row`` itself, so each row is a list of its own."""
        in_conflict = self.in_conflict
        clash = in_conflict(row) if in_conflict is not None else None
        if clash:
            seen = self.waiting.get(tuple(map(id, clash)))
            if seen is None:
                seen = self._waits(clash)
            ids, gone, waits = seen
            for at in gone:
                row[at] = None  # as the engine: answers in conflict count as unknown
        else:
            ids, waits = (), 0
        start = row[self.reference_at] if self.reference_at is not None else None
        reference = start if isinstance(start, date) else None
        node = self.roots.get((waits, reference))
        carried: Carried = ()
        try:
            while node is not None:
                kind = node.__class__
                if kind is tuple:
                    at, table, after = node  # type: ignore[misc]
                    node = after.get(table[row[at]])
                elif kind is _Chain:
                    chain: _Chain = node  # type: ignore[assignment]
                    node = chain.next if tuple(map(_lookup, chain.tables, chain.pick(row))) \
                        == chain.expected else None
                elif kind is _CarriedStep:
                    step: _CarriedStep = node  # type: ignore[assignment]
                    carried = tuple(map(_lookup, step.tables, step.pick(row)))
                    lie = _order(carried, step.fixed)
                    node = step.node if lie == step.seen else (
                        step.more.get(lie) if step.more is not None else None)
                else:
                    break
            else:
                return self._learn(row, clash, (waits, reference))
        except TypeError:  # a value that cannot be remembered (a list): judged alone
            if _hashable(row):
                raise  # not that: a fault to show, not to hide
            return OutcomeClass(self.judge_all(dict(zip(self.keys, row, strict=True)), clash,
                                               {}), ((), ids))
        known: OutcomeClass = node  # type: ignore[assignment]  # the loop ends on a class
        known.hits += 1
        # Its dates are carried only when its own step came just before it.
        own = (carried if known.own[0] else (), ids)
        if own == known.own:
            return known
        moved = known.moved.get(own) if known.moved is not None else None
        if moved is not None:
            moved.hits += 1
        else:
            moved = OutcomeClass(self._moved(known, own, reference), own)
            # Kept the second time, as classes are.
            if not self.once.first_sight(hash((id(known), own))):
                self._room()
                moved = self._alike(moved)
                if known.moved is None:
                    known.moved = {}
                known.moved[own] = moved
                self.size += 1  # counted with the rest, and pruned with them
        return moved

    def _waits(self, clash: list[ConflictRule]) -> tuple[tuple[str, ...], tuple[int, ...], int]:
        """For a set of conflicts: their ids, the answers they make unknown (their places in
        a row), and what the judging makes of them (as ``_waits``: for each route, the answers
        in conflict it reads). Rows whose conflicts differ only in name share classes."""
        waits: tuple[tuple[str, ...], ...] = tuple(
            questions_in_conflict([c for c in clash if reads.intersection(c.questions)])
            for reads in self.reads)
        # Each distinct way of waiting gets a small number: roots are found by it.
        kind = self.kinds.setdefault(waits if any(waits) else (), len(self.kinds))
        place = self.place
        return remember(self.waiting, tuple(map(id, clash)), (
            tuple(c.id for c in clash), tuple([place[q] for q in questions_in_conflict(clash)]),
            kind), VALUES_LIMIT)

    def _moved(self, known: OutcomeClass, own: Own, reference: date | None) -> Outcome:
        """The class's outcome for a row with other carried dates or conflicts."""
        (verdicts, dates, rule, funding_from, best, main, undecided, firm, _, first, ends, kept,
         inside) = known.outcome
        old = known.own[0]
        carried = own[0]
        if carried != old:
            # Equal old dates have equal new ones, and fixed dates stay (the rows lie alike).
            swap: dict[date | None, date | None] = dict(zip(old, carried, strict=True))
            get = swap.get
            dates = tuple([get(when, when) for when in dates])
            funding_from = get(funding_from, funding_from)
            firm = get(firm, firm)
            # The intakes follow the dates they are counted from.
            first, ends = self.intakes(verdicts, dates, reference)
        return _new(Outcome, (verdicts, dates, rule, funding_from, best, main, undecided, firm,
                              own[1], first, ends, kept, inside))

    def _alike(self, made: OutcomeClass) -> OutcomeClass:
        """The class kept already with the same outcome and own dates, if any: classes met
        apart often end alike, and then share one object (and what writers make of it)."""
        key = (made.outcome, made.own)
        known = self.alike.get(key)
        return known if known is not None else remember(self.alike, key, made, CLASS_LIMIT)

    def _room(self) -> None:
        """Make room when the classes have reached their limit: keep the ones rows found most
        since the last time (``KEPT`` of them), their counts halved so that old use fades."""
        if self.size < CLASS_LIMIT:
            return
        found: list[tuple[OutcomeClass, OutcomeClass | None]] = []  # with the class it moved from
        for known in _classes(self.roots):
            found.append((known, None))
            if known.moved:
                found.extend((moved, known) for moved in known.moved.values())

        def prune(node: _Node) -> int:
            kind = node.__class__
            if kind is tuple:
                return prune_all(node[2])  # type: ignore[index]
            if kind is _CarriedStep:
                step: _CarriedStep = node  # type: ignore[assignment]
                entries = []
                size = 0
                for slot, after in step.entries():
                    left = prune(after)
                    if left:
                        size += left
                        entries.append((slot, after))
                if entries:
                    step.keep(entries)
                return size
            if kind is _Chain:
                return prune(node.next)  # type: ignore[union-attr]
            known: OutcomeClass = node  # type: ignore[assignment]
            if known.moved:
                known.moved = {own: moved for own, moved in known.moved.items()
                               if id(moved) in kept} or None
            return (id(known) in kept) + len(known.moved or ())

        def prune_all(after: dict[Token, _Node]) -> int:
            size = 0
            for slot, node in list(after.items()):
                left = prune(node)
                if left:
                    size += left
                else:
                    del after[slot]
            return size

        found.sort(key=_hits, reverse=True)
        kept: set[int] = set()
        room = int(CLASS_LIMIT * KEPT)
        for known, holder in found:
            if not known.hits or len(kept) >= room:
                break
            kept.add(id(known))
            if holder is not None:
                kept.add(id(holder))  # it holds this one
        self.size = prune_all(self.roots)
        self.alike = {(known.outcome, known.own): known for known, _ in found
                      if id(known) in kept}
        for known, _ in found:
            known.hits >>= 1

    def _shared(self, tables: tuple[_ByValue[T], ...]) -> tuple[_ByValue[T], ...]:
        """One tuple for the same tables (dictionaries, which cannot be hashed: they are found
        by identity, and each entry keeps its tables, so no identity is reused while it is
        there)."""
        key = tuple(map(id, tables))
        got = self.table_sets.get(key)
        if got is None:
            got = remember(self.table_sets, key, tables, VALUES_LIMIT)
        return cast(tuple[_ByValue[T], ...], got)

    def _table(self, q: str, elapsed: int) -> _Tokens:
        """The tokens of one answer, ``elapsed`` months before the reference date (made when
        first needed; only a months answer's depend on them, so other answers share one)."""
        key = (q, elapsed if q in self.months else 0)
        table = self.tokens.get(key)
        if table is None:
            if len(self.tokens) >= VALUES_LIMIT:
                self.tokens.clear()  # the tree's nodes keep the ones they hold,
                self.layouts.clear()  # and these would keep the rest
                self.table_sets.clear()
            table = self.tokens[key] = _Tokens(_seeing(
                q, self.leaves.get(q, []), self.months.get(q, []), q in self.dated, key[1],
                self.ways.setdefault(q, {})))
        return table

    def _learn(self, row: list[object], clash: list[ConflictRule] | None,
               root: tuple[int, date | None]) -> OutcomeClass:
        values = dict(zip(self.keys, row, strict=True))
        reading = _Reading(values)
        states: dict[str, RequirementState] = {}
        outcome = self.judge_all(reading, clash, states)
        reference = root[1]
        get = values.get
        read = reading.order
        read.pop(self.reference_question, None)  # it chose the tree: every row in it has it
        order = tuple(read)
        place = self.place
        elapsed = self.day.elapsed(reference) if reference is not None else 0
        # Where a row holds those answers, and their tables: rows repeat a few orders of reads.
        layout = self.layouts.get((order, elapsed))
        if layout is None:
            layout = remember(self.layouts, (order, elapsed), (
                tuple([place[q] for q in order]),
                tuple([self._table(q, elapsed) for q in order])), VALUES_LIMIT)
        places, tables = layout
        tokens = tuple(map(_lookup, tables, map(get, order)))
        sources = tuple([s for s in self.sources if s.question in read
                         and _carries(s, get(s.question), elapsed)])
        carried: Carried = ()
        fixed: tuple[date, ...] = ()
        seen: Token = None
        if sources:
            # Every date a carried one can have been compared with: the reference date and the
            # dates of the requirements read exactly.
            fixed = self.same(tuple(sorted({reference or self.as_of, *(
                state.date for req_id, state in states.items()
                if state.date is not None and req_id not in self.sourced)})))
            carried = tuple([self.dates[s][get(s.question)] for s in sources])
            seen = self.same(_order(carried, fixed))
        known = OutcomeClass(outcome, self.same((carried, outcome.conflicts)))
        # Most classes of a large cohort are met once: once the tree is fuller than a pruning
        # leaves it, a class is kept the second time it is judged.
        if self.size >= CLASS_LIMIT * KEPT:
            mark = hash((root, order, tokens, seen, fixed))
            if self.once.first_sight(mark):
                return known
        self._room()
        known = self._alike(known)
        # The tree as far as it goes for this row: where it stops, this row's class goes.
        checked: set[int] = set()
        holder: dict[Token, _Node] | _Chain | _CarriedStep = self.roots
        slot: Token = root
        node = self.roots.get(root)
        while node is not None:
            kind = node.__class__
            if kind is tuple:
                at, table, after = node  # type: ignore[misc]
                checked.add(at)
                holder, slot = after, table[row[at]]
                node = after.get(slot)
            elif kind is _Chain:
                chain: _Chain = node  # type: ignore[assignment]
                mine = tuple(map(_lookup, chain.tables, chain.pick(row)))
                if mine == chain.expected:
                    checked.update(chain.places)
                    holder, node = chain, chain.next
                    continue
                # Split the chain where this row first differs: a branch on that answer.
                at = next(i for i, (a, b) in enumerate(zip(mine, chain.expected, strict=True))
                          if a != b)
                pickers = self.pickers
                rest = chain.next if at + 1 == len(mine) else _Chain(
                    chain.places[at + 1:], pickers[chain.places[at + 1:]],
                    chain.tables[at + 1:], chain.expected[at + 1:], chain.next)
                branch: _Read = (chain.places[at], chain.tables[at], {chain.expected[at]: rest})
                _place(holder, slot, branch if not at else _Chain(
                    chain.places[:at], pickers[chain.places[:at]], chain.tables[:at],
                    chain.expected[:at], branch))
                checked.update(chain.places[:at + 1])
                holder, slot = branch[2], mine[at]
                break
            elif kind is _CarriedStep:
                step: _CarriedStep = node  # type: ignore[assignment]
                holder, slot = step, _order(tuple(
                    map(_lookup, step.tables, step.pick(row))), step.fixed)
                node = step.get(slot)
            else:
                return known  # a class is there already: cannot happen
        tail: _Node = known
        if sources:
            same = self.same
            carried_at = same(tuple(place[s.question] for s in sources))
            tail = _CarriedStep(fixed, carried_at, self.pickers[carried_at],
                                self._shared(tuple(self.dates[s] for s in sources)), seen, known)
        fresh = [i for i, at in enumerate(places) if at not in checked]  # read, not checked yet
        if fresh:
            same = self.same
            read_at = same(tuple(places[i] for i in fresh))
            tail = _Chain(read_at, self.pickers[read_at],
                          self._shared(tuple(tables[i] for i in fresh)),
                          same(tuple(tokens[i] for i in fresh)), tail)
        _place(holder, slot, tail)
        self.size += 1
        return known


K = TypeVar("K", bound=Hashable)


def remember(cache: dict[K, V], key: K, value: V, limit: int) -> V:
    """Keep ``value`` under ``key``, starting afresh when ``cache`` is full: memory stays flat."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


def _hashable(row: list[object]) -> bool:
    try:
        hash(tuple(row))
    except TypeError:
        return False
    return True


def _carries(source: _Source, value: object, elapsed: int) -> bool:
    """Whether the judging makes a date of this answer: a date, or months short of need (the
    months counted on to the reference date, ``elapsed`` months after the judging date, when
    they keep counting)."""
    if source.needed is None:
        return isinstance(value, date)
    if value.__class__ is not int:
        return False
    return value + (elapsed if source.counts_on else 0) < source.needed


def _place(holder: dict[Token, _Node] | _Chain | _CarriedStep, slot: Token, node: _Node
           ) -> None:
    """Put a node where the walk stopped: after a token, after a chain, or after a way the
    carried dates lie."""
    if isinstance(holder, _Chain):
        holder.next = node
    elif isinstance(holder, _CarriedStep):
        holder.put(slot, node)
    else:
        holder[slot] = node


def _classes(tree: dict[Token, _Node]) -> Iterator[OutcomeClass]:
    """Every class in a tree (not those moved to other dates, which they hold)."""
    stack: list[_Node] = list(tree.values())
    while stack:
        node = stack.pop()
        kind = node.__class__
        if kind is tuple:
            stack.extend(node[2].values())  # type: ignore[index]
        elif kind is _CarriedStep:
            stack.extend(after for _, after in node.entries())  # type: ignore[union-attr]
        elif kind is _Chain:
            stack.append(node.next)  # type: ignore[union-attr]
        else:
            yield node  # type: ignore[misc]


def _hits(found: tuple[OutcomeClass, OutcomeClass | None]) -> int:
    return found[0].hits


def _order(carried: Carried, fixed: tuple[date, ...]) -> Token:
    """How carried dates lie among themselves and the (sorted, distinct) fixed dates."""
    if len(carried) == 1:
        one = carried[0]
        gap = bisect_left(fixed, one)
        return gap, gap < len(fixed) and fixed[gap] == one
    points = sorted({*carried, *fixed})
    place = points.index
    return tuple([place(when) for when in carried]) + tuple([place(when) for when in fixed])


class _Seen:
    """One way the rules see an answer, as a token: one object for each distinct pattern of
    truths, so that the tree's look-ups hash it by identity (a tuple is hashed anew each time)."""

    __slots__ = ("truths",)

    def __init__(self, truths: tuple[object, ...]) -> None:
        self.truths = truths

    def __repr__(self) -> str:
        return f"_Seen{self.truths!r}"


def _seeing(q: str, leaves: list[tuple[str, Operand]], needs: list[tuple[int, bool]],
            dated: bool, elapsed: int, ways: dict[tuple[object, ...], _Seen]
            ) -> Callable[[object], Token]:
    """How the rules see one answer's values (see ``OutcomeClasses``): by the truth of every
    comparison the judging makes on it, and for months whether each need is met. ``ways`` holds
    the answer's tokens, shared by its tables."""
    checks = [leaf_check(q, op, operand) for op, operand in leaves]

    def seen(value: object) -> Token:
        if value is None or value == UNSURE:
            return value
        if needs:
            if value.__class__ is not int:
                return value  # read exactly: no date is carried from it
            given: int = value
            truths: tuple[object, ...] = (
                tuple([check({q: value}) for check in checks]),
                tuple([given + (elapsed if counts else 0) >= needed for needed, counts in needs]))
        elif dated and not isinstance(value, date):
            return value
        else:
            truths = tuple([check({q: value}) for check in checks])
        way = ways.get(truths)
        if way is None:
            way = ways[truths] = _Seen(truths)
        return way

    return seen
