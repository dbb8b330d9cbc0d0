"""The rules compiled once into plain closures, for assessing a whole cohort quickly.

``engine.assess`` builds a full Assessment with texts and explanations; a batch run needs only
each route's verdict and date, the funding rule, and the one requirement that stands in the
way. The fast path uses the same compiled conditions and requirement closures as the engine
(``verdicts.requirement_check``), the same route verdict and the same best route, but skips
every word, and evaluates each requirement at most once per person however many routes share
it. A property test holds it equal to ``outcome_of(engine.assess(...))``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from datetime import date
from typing import NamedTuple

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
    Question,
    Rules,
    Status,
    Verdict,
)
from hitpath.core.verdicts import (
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


ConflictTest = Callable[[Values], list[ConflictRule]]
INTAKES_LIMIT = 1024
"""Intakes remembered (by verdicts, dates and course start) before starting afresh."""
Intakes = Callable[[tuple[Verdict, ...], tuple["date | None", ...], "date | None"],
                  tuple[tuple["date | None", ...], tuple["date | None", ...]]]
Judging = Callable[[Values, "list[ConflictRule] | None", "dict[str, RequirementState]"],
                  Outcome]

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

        def intakes(verdicts: tuple[Verdict, ...], dates: tuple[date | None, ...],
                    chosen: date | None) -> tuple[tuple[date | None, ...],
                                                  tuple[date | None, ...]]:
            key = (verdicts, dates, chosen)
            got = found.get(key)
            if got is None:
                each = [route_intake(rules, route_id, verdict, when, as_of, chosen)
                        for route_id, verdict, when in zip(route_ids, verdicts, dates,
                                                           strict=True)]
                got = (tuple(i[0].certain if i else None for i in each),
                       tuple(i[1] if i else None for i in each))
                if len(found) >= INTAKES_LIMIT:
                    found.clear()
                found[key] = got
            return got

        return intakes

    def assessor(self, as_of: date) -> Callable[[Values], Outcome]:
        """A function from one person's answer values to their Outcome, judged on ``as_of``."""
        in_conflict, judge_all = self.judging(as_of)

        def assess(values: Values) -> Outcome:
            clash = in_conflict(values) if in_conflict is not None else None
            if clash:
                # As the engine: no verdict rests on answers in conflict (they count as unknown).
                values = _without(values, clash)
            return judge_all(values, clash, {})

        return assess

    def classes(self, as_of: date) -> OutcomeClasses:
        """The outcome classes of a cohort judged on ``as_of`` (see ``OutcomeClasses``)."""
        return OutcomeClasses(self, as_of)

    def judging(self, as_of: date) -> tuple[ConflictTest | None, Judging]:
        """The conflict test, and the judging of answers once their conflicts are known."""
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
        intakes = self.intakes(as_of)
        scope = self.in_scope
        counting = self.counts_on

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
                                  best.deciding, firm, ids, first, ends, kept, inside))

        return in_conflict, judge_all


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
# in values no rule tells apart (13 or 40 months where 12 are needed; any day before a fixed
# threshold), get the same outcome. The judging is deterministic and reads answers only through
# ``values.get``. So when two rows give the same token (all that any reader makes of a value,
# below) for every answer the first row's judging read, the second row's judging reads the same
# answers, takes the same branches and ends in the same outcome: at its first difference it
# would have to read an answer the first one read and see it otherwise. The first row of a class
# is judged in full while its reads are noted; the (answer, token) steps are kept in a decision
# tree whose leaves are outcome classes. A row may be checked on more answers than its class
# read (where the tree asks them first): that only splits classes, never joins them. Conflicts
# are found first on the exact values and, with the reference date, choose the tree.
#
# One date may be carried rather than read exactly: the date the funding rule and the dated
# requirements count from (an exam board), when they all add the same time to it. The judging
# only compares the later date (L) with the reference date and the dates of the other
# requirements, and copies it into the outcome. Its step (checked last) says where L falls among
# the dates the first row's judging had (on one, or between two): up to the first comparison
# that differs, both rows have the same dates, so none differs; rows whose L falls in the same
# gap get the first row's outcome with its L replaced by theirs.

JUDGED = frozenset(("route.applies_when", "requirement.applies_when", "requirement.met_when",
                    "question.when", "scope_when"))
"""Where the conditions the judging reads sit (conflicts are found before, on exact values)."""

CLASS_LIMIT = 2048
"""Outcome classes (and tokens per answer) remembered before starting afresh: memory stays
flat (about 1 kB each)."""


class OutcomeClass:
    """One outcome class: the outcome, and room for what a writer makes of it, made once."""

    __slots__ = ("outcome", "row", "text", "line", "carried", "moved")

    def __init__(self, outcome: Outcome, carried: date | None = None) -> None:
        self.outcome = outcome
        self.row: list[str] | None = None  # the CSV cells after row and ref
        self.text: str | None = None  # the same as CSV text
        self.line: str | None = None  # the JSON text after row and ref
        self.carried = carried  # the carried date L in this outcome, when it may move
        self.moved: dict[date, OutcomeClass] | None = None  # the same outcome, another L


Token = Hashable


class _CarriedStep:
    """A step on the carried date: the dates the first row's judging compared it with."""

    __slots__ = ("dates", "after")

    def __init__(self, dates: list[date]) -> None:
        self.dates = dates
        self.after: dict[Token, _Node] = {}


_Read = tuple[str, dict[object, Token], dict[Token, "_Node"]]
"""A step on one answer: its question, its tokens so far, and the tree after each token."""
_Node = _Read | _CarriedStep | OutcomeClass


class _Reading(dict[str, object]):
    """Answer values that note which answers are read, in the order first read."""

    __slots__ = ("order",)

    def __init__(self, values: Values) -> None:
        super().__init__(values)
        self.order: dict[str, None] = {}

    def get(self, key: str, default: object = None) -> object:
        self.order[key] = None
        return dict.get(self, key, default)


_UNSEEN = object()


class OutcomeClasses:
    """Outcomes remembered by class: ``classes(values).outcome == assess(values)``.

    How each answer is seen (its token) is worked out from every use the rules make of it:
    - the reference date is read exactly, and so are the funding rule's date and a dated
      requirement's date, unless that one date is carried (see above);
    - a months requirement's number exactly below a cap above every threshold that reads it,
      and as the cap at or above it, where the months count only grows (no reference date
      before the judging date);
    - another number as the cap too; another date by which fixed thresholds it has passed;
    - a choice or multiple choice by the truth of every comparison the judging makes on it.
    'Not sure' and no answer are tokens of their own. Anything else is read exactly.
    """

    def __init__(self, fast: FastRules, as_of: date) -> None:
        rules = fast.rules
        self.as_of = as_of
        self.in_conflict, self.judge_all = fast.judging(as_of)
        self.reference_question = rules.reference_question or ""
        self.later = fast.funding_later
        self.intakes = fast.intakes(as_of)
        self.roots: dict[Hashable, _Node] = {}  # by (conflict ids, reference date)
        self.once: set[int] = set()  # marks of the classes judged once and not yet kept
        self.size = 0
        self.leaves: dict[str, list[tuple[str, Operand]]] = {}
        for site in condition_sites(rules):
            if site.role in JUDGED:
                for leaf in comparisons_in(rules.conditions, site.node):
                    q, op, value = leaf_parts(leaf)
                    self.leaves.setdefault(q, []).append((op, value))
        funding = rules.funding.requirement
        dated = {(funding.question, funding.plus_years * 12 + funding.plus_months)}
        self.exact = {self.reference_question}
        self.growing: dict[str, int] = {}  # months questions: the most months any one needs
        for req in rules.requirements.values():
            if req.question is None:
                continue
            if req.kind == Kind.MONTHS:
                self.growing[req.question] = max(self.growing.get(req.question, 0),
                                                 req.at_least)
            else:
                dated.add((req.question, req.plus_years * 12 + req.plus_months))
        carried = {q for q, _ in dated}
        only = next(iter(carried)) if len(dated) == 1 else None
        self.carried = only if (
            only is not None and only != self.reference_question and only not in self.growing
            and rules.question_by_id[only].type == "date"
            and all(op in ("before", "on_or_after", "answered")
                    for op, _ in self.leaves.get(only, []))) else ""
        if not self.carried:
            self.exact |= {q for q in carried if q is not None}
        self.carried_by = frozenset(req.id for req in rules.requirements.values()
                                    if req.question and req.question == self.carried)
        self.thresholds = sorted(v for op, v in self.leaves.get(self.carried, [])
                                 if isinstance(v, date) and op != "answered")
        self.questions = rules.question_by_id
        self.tokens: dict[tuple[str, date | None], dict[object, Token]] = {}
        self.seen: dict[tuple[str, date | None], Callable[[object], Token]] = {}

    def __call__(self, values: Values) -> OutcomeClass:
        """The outcome class of one person's answer values."""
        in_conflict = self.in_conflict
        clash = in_conflict(values) if in_conflict is not None else None
        if clash:
            values = _without(values, clash)
            ids = tuple(c.id for c in clash)
        else:
            ids = ()
        start = values.get(self.reference_question)
        reference = start if isinstance(start, date) else None
        get = values.get
        node = self.roots.get((ids, reference))
        try:
            while node is not None:
                kind = node.__class__
                if kind is tuple:
                    q, tokens, after = node  # type: ignore[misc]
                    value = get(q)
                    token = tokens.get(value, _UNSEEN)
                    if token is _UNSEEN:
                        token = self._token(q, reference, value)
                    node = after.get(token)
                elif kind is _CarriedStep:
                    step: _CarriedStep = node  # type: ignore[assignment]
                    node = step.after.get(self._carried_token(step.dates, get(self.carried)))
                else:
                    break
            else:
                return self._learn(values, clash, (ids, reference))
        except TypeError:  # a value that cannot be remembered (a list): judged alone
            return OutcomeClass(self.judge_all(values, clash, {}))
        known: OutcomeClass = node  # type: ignore[assignment]  # the loop ends on a class
        if known.carried is None:
            return known
        carried = self.later(get(self.carried))  # type: ignore[arg-type]
        if carried == known.carried:
            return known
        moved = known.moved.get(carried) if known.moved is not None else None
        if moved is None:
            outcome = _moved(known.outcome, known.carried, carried)
            # The intakes follow the dates they are counted from.
            first, ends = self.intakes(outcome.verdicts, outcome.dates, reference)
            moved = OutcomeClass(_new(Outcome, (*outcome[:9], first, ends, *outcome[11:])))
            mark = hash((id(known), carried))  # kept the second time, as classes are
            if mark not in self.once:
                if len(self.once) >= CLASS_LIMIT:
                    self.once.clear()
                self.once.add(mark)
            else:
                self._room()
                if known.moved is None:
                    known.moved = {}
                known.moved[carried] = moved
                self.size += 1  # counted with the rest; all start afresh together
        return moved

    def _room(self) -> None:
        """Start afresh when the classes have reached their limit."""
        if self.size >= CLASS_LIMIT:
            self.roots.clear()
            self.size = 0

    def _token(self, q: str, reference: date | None, value: object) -> Token:
        tokens = self.tokens.get((q, reference))
        if tokens is None:
            tokens = self._table(q, reference)
        token = tokens.get(value, _UNSEEN)
        if token is _UNSEEN:
            if len(tokens) >= CLASS_LIMIT:
                tokens.clear()
            token = tokens[value] = self.seen[q, reference](value)
        return token

    def _carried_token(self, dates: list[date], value: object) -> Token:
        if not isinstance(value, date):
            return value  # no date, or not sure
        later = self.later(value)
        gap = bisect_left(dates, later)
        return (bisect_right(self.thresholds, value), gap,
                gap < len(dates) and dates[gap] == later)

    def _table(self, q: str, reference: date | None) -> dict[object, Token]:
        if len(self.tokens) >= CLASS_LIMIT:
            self.tokens.clear()
            self.seen.clear()
        grows = reference is None or reference >= self.as_of
        question = self.questions.get(q)
        # A key that is no question (no reference question in the rules: '') is read exactly.
        self.seen[q, reference] = _exactly if question is None else _seeing(
            question, self.leaves.get(q, []), q in self.exact, self.growing.get(q), grows)
        tokens = self.tokens[q, reference] = {}
        return tokens

    def _learn(self, values: Values, clash: list[ConflictRule] | None,
               root: tuple[tuple[str, ...], date | None]) -> OutcomeClass:
        reading = _Reading(values)
        states: dict[str, RequirementState] = {}
        outcome = self.judge_all(reading, clash, states)
        reference = root[1]
        order = [q for q in reading.order if q != self.carried]
        tokens = tuple(self._token(q, reference, values.get(q)) for q in order)
        carried = None
        dates: list[date] | None = None
        seen: Token = None
        if self.carried in reading.order:
            # Every date the carried one can have been compared with: the reference date and
            # the dates of the other requirements.
            dates = sorted({reference or self.as_of, *(
                state.date for req_id, state in states.items()
                if state.date is not None and req_id not in self.carried_by)})
            value = values.get(self.carried)
            seen = self._carried_token(dates, value)
            if isinstance(value, date) and not seen[-1]:  # type: ignore[index]
                carried = self.later(value)
        known = OutcomeClass(outcome, carried)
        # Most classes of a large cohort are met once: a class is kept the second time it is
        # judged, so the bounded tree holds the ones that come back.
        mark = hash((root, tuple(order), tokens, seen, tuple(dates or ())))
        if mark not in self.once:
            if len(self.once) >= CLASS_LIMIT:
                self.once.clear()
            self.once.add(mark)
            return known
        self._room()
        holder: dict[Hashable, _Node] = self.roots  # the tree as far as it goes for this row
        slot: Hashable = root
        checked = set()
        node = holder.get(slot)
        while node is not None:
            if node.__class__ is tuple:
                q = node[0]
                checked.add(q)
                holder, slot = node[2], self._token(q, reference, values.get(q))
            elif node.__class__ is _CarriedStep:
                step: _CarriedStep = node
                holder, slot = step.after, self._carried_token(step.dates,
                                                               values.get(self.carried))
            else:
                return known  # a class is there already: cannot happen
            node = holder.get(slot)
        for q, token in zip(order, tokens, strict=True):  # the answers it read, not checked yet
            if q in checked:
                continue
            fresh: _Read = (q, self.tokens[q, reference], {})
            holder[slot] = fresh
            holder, slot = fresh[2], token
        if dates is not None:
            step = _CarriedStep(dates)
            holder[slot] = step
            holder, slot = step.after, seen
        holder[slot] = known
        self.size += 1
        return known


def _moved(outcome: Outcome, old: date, new: date) -> Outcome:
    """The outcome with the carried date ``old`` replaced by ``new`` wherever it stands."""
    (verdicts, dates, rule, funding_from, best, main, undecided, firm, ids, first, ends, kept,
     inside) = outcome
    return _new(Outcome, (verdicts, tuple(new if when == old else when for when in dates), rule,
                          new if funding_from == old else funding_from, best, main, undecided,
                          new if firm == old else firm, ids, first, ends, kept, inside))


def _exactly(value: object) -> Token:
    return value


def _seeing(question: Question, leaves: list[tuple[str, Operand]], exact: bool,
            growing: int | None, grows: bool) -> Callable[[object], Token]:
    """How the rules see one answer's values (see ``OutcomeClasses``)."""
    q = question.id
    kind = question.type

    def as_is(value: object) -> Token:
        return value

    see = as_is
    if exact or (growing is not None and not grows):
        pass
    elif kind in ("choice", "multi"):
        checks = [leaf_check(q, op, operand) for op, operand in leaves]

        def see_multi(value: object) -> Token:
            return tuple(check({q: value}) for check in checks)

        see = see_multi
    elif kind == "number" and all(
            op == "answered" or operand == UNSURE
            or (isinstance(operand, int) and not isinstance(operand, bool))
            for op, operand in leaves):
        cap = max([*(v for op, v in leaves if op != "answered" and isinstance(v, int)),
                   growing or 0]) + 1

        def see_number(value: object) -> Token:
            return min(value, cap) if isinstance(value, int) else value

        see = see_number
    elif kind == "date" and all(op in ("before", "on_or_after", "answered")
                                for op, _ in leaves):
        thresholds = sorted(v for op, v in leaves if isinstance(v, date) and op != "answered")

        def see_date(value: object) -> Token:
            return bisect_right(thresholds, value) if isinstance(value, date) else value

        see = see_date

    def seen(value: object) -> Token:
        if value is None or value == UNSURE:
            return value
        return see(value)

    return seen
