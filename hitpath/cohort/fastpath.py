"""The rules compiled once into plain closures, for assessing a whole cohort quickly.

``engine.assess`` builds a full Assessment with texts and explanations; a batch run needs only
each route's verdict and date, the funding rule, and the one requirement that stands in the
way. ``compile_rules`` turns the Rules into closures specialised per operator, with each
requirement evaluated at most once per person however many routes share it, and returns plain
tuples. It must agree with ``engine.assess`` exactly: a property test holds it to that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from hitpath.core.conditions import leaf_check, leaf_parts
from hitpath.core.dates import add_months, months_between
from hitpath.core.model import UNSURE, Assessment, Condition, Requirement, Rules

Tri = bool | None
Values = dict[str, Any]
Check = Callable[[Values], Tri]
Collect = Callable[[Values, list[str]], None]

Outcome = tuple[
    tuple[str, ...],  # each route's verdict, in rules order
    tuple[date | None, ...],  # each route's eligible_from
    str,  # the two-year funding rule: applies | does_not_apply | unsure
    date | None,  # nhs_funding_from
    str,  # best route: the most promising route ('' when no route applies)
    str,  # main unmet requirement of the best route ('' when none)
    tuple[str, ...],  # the answers that would decide the best route, when it is undecided
]
"""What a batch row reports; equal to ``outcome_of(engine.assess(...))`` for the same input."""

# Requirement statuses, as small ints for speed (the engine's words in _STATUS_WORD).
MET, UNMET, DATED, UNKNOWN, NOT_APPLICABLE = range(5)
_STATUS_CODE = {"met": MET, "unmet": UNMET, "dated": DATED, "unknown": UNKNOWN,
                "not_applicable": NOT_APPLICABLE}

# Outcome ranks, as in the engine: a route's verdict is its lowest-ranked outcome.
NOT_ELIGIBLE, NOT_YET, DATED_RANK, ELIGIBLE = 0, 1, 2, 3
_FAILURE = {"gate": NOT_ELIGIBLE, "need": NOT_YET, "months": DATED_RANK, "date": DATED_RANK}
_VERDICT = ("not_eligible", "not_yet", "eligible_from", "eligible")

# How promising a verdict is, for choosing the best route.
_PROMISE = {"eligible": 4, "eligible_from": 3, "unsure": 2, "not_yet": 1, "not_eligible": 0}
# The best route has the highest key: its verdict's promise, then whether it applies at all,
# then (open from a date) the earliest date. Integers compare faster than tuples.
_HAS_RESULTS = 1 << 23  # above any date's ordinal
_PROMISE_STEP = 2 * _HAS_RESULTS
_RANK_KEY = tuple(_PROMISE[verdict] * _PROMISE_STEP + _HAS_RESULTS for verdict in _VERDICT)
_UNSURE_KEY = _PROMISE["unsure"] * _PROMISE_STEP + _HAS_RESULTS
_DATED_KEY = _PROMISE["eligible_from"] * _PROMISE_STEP + _HAS_RESULTS + _HAS_RESULTS - 1

# Caches of calendar arithmetic are cleared past this size, so memory stays flat.
_CACHE_LIMIT = 20_000

ReqResult = tuple[int, date | None, tuple[str, ...]]  # status, date, unknown answers
_MET_RESULT: ReqResult = (MET, None, ())
_UNMET_RESULT: ReqResult = (UNMET, None, ())
_NA_RESULT: ReqResult = (NOT_APPLICABLE, None, ())


def _always(values: Values) -> Tri:
    return True


def _nothing(values: Values, found: list[str]) -> None:
    return None


class _ConditionCompiler:
    """Compiles condition trees into (check, collect) closure pairs, each node once."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.done: dict[int, tuple[Check, Collect]] = {}

    def compile(self, node: Condition | None) -> tuple[Check, Collect]:
        if node is None:
            return _always, _nothing
        key = id(node)
        found = self.done.get(key)
        if found is None:
            found = self.done[key] = self._compile(node)
        return found

    def _compile(self, node: Condition) -> tuple[Check, Collect]:
        if "all" in node or "any" in node:
            return self._group(node)
        if "not" in node:
            inner, inner_collect = self.compile(node["not"])

            def not_of(a: Values) -> Tri:
                value = inner(a)
                return None if value is None else not value

            def collect_not(a: Values, found: list[str]) -> None:
                if inner(a) is None:
                    inner_collect(a, found)

            return not_of, collect_not
        if "ref" in node:
            return self.compile(self.rules.conditions[node["ref"]])
        if "routes_open" in node:
            wanted = bool(node["routes_open"])

            def routes_open(a: Values) -> Tri:
                value = a.get("__routes_open__")
                return None if value is None else value == wanted

            return routes_open, _nothing
        q, op, value = leaf_parts(node)
        check = leaf_check(q, op, value)

        def collect_leaf(a: Values, found: list[str]) -> None:
            if q not in found:
                found.append(q)

        return check, collect_leaf

    def _group(self, node: Condition) -> tuple[Check, Collect]:
        parts = tuple(self.compile(p) for p in node.get("all") or node.get("any") or [])
        checks = tuple(c for c, _ in parts)
        if "all" in node:
            if len(checks) == 2:
                first, second = checks

                def all_of(a: Values) -> Tri:
                    one = first(a)
                    if one is False:
                        return False
                    two = second(a)
                    if two is False:
                        return False
                    return None if one is None or two is None else True
            else:
                def all_of(a: Values) -> Tri:
                    result: Tri = True
                    for part in checks:
                        value = part(a)
                        if value is False:
                            return False
                        if value is None:
                            result = None
                    return result

            check = all_of
        else:
            def any_of(a: Values) -> Tri:
                result: Tri = False
                for part in checks:
                    value = part(a)
                    if value is True:
                        return True
                    if value is None:
                        result = None
                return result

            check = any_of

        def collect_group(a: Values, found: list[str]) -> None:
            for part_check, part_collect in parts:
                if part_check(a) is None:
                    part_collect(a, found)

        return check, collect_group


class _Day:
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
            if len(self._elapsed) > _CACHE_LIMIT:
                self._elapsed.clear()
            got = self._elapsed[reference] = months_between(self.as_of, reference)
        return got

    def after(self, months: int) -> date:
        """as_of plus whole months."""
        got = self._after.get(months)
        if got is None:
            if len(self._after) > _CACHE_LIMIT:
                self._after.clear()
            got = self._after[months] = add_months(self.as_of, months)
        return got


RequirementCheck = Callable[[Values, _Day, date], ReqResult]


def _dated(months: int) -> Callable[[date], date]:
    """``add_months(start, months)``, memoised by start date."""
    cache: dict[date, date] = {}

    def later(start: date) -> date:
        got = cache.get(start)
        if got is None:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            got = cache[start] = add_months(start, months)
        return got

    return later


def _requirement(compiler: _ConditionCompiler, req: Requirement) -> RequirementCheck:
    """A closure giving (status, date, unknown answers), exactly as engine.check_requirement."""
    applies_check, applies_collect = compiler.compile(req.applies_when)
    has_applies = req.applies_when is not None

    def pending_of(a: Values) -> list[str]:
        found: list[str] = []
        applies_collect(a, found)
        return found

    if req.kind in ("gate", "need"):
        met_check, met_collect = compiler.compile(req.met_when)

        def gate(a: Values, day: _Day, reference: date) -> ReqResult:
            applies = applies_check(a) if has_applies else True
            if applies is False:
                return _NA_RESULT
            met = met_check(a)
            if applies is True:
                if met is None:
                    found: list[str] = []
                    met_collect(a, found)
                    return (UNKNOWN, None, tuple(found))
                return _MET_RESULT if met else _UNMET_RESULT
            if met is True:
                return _MET_RESULT  # met whether or not it applies
            pending = pending_of(a)
            if met is None:
                met_collect(a, pending)
                return (UNKNOWN, None, tuple(dict.fromkeys(pending)))
            return (UNKNOWN, None, tuple(pending))

        return gate

    question = req.question
    assert question is not None
    if req.kind == "months":
        needed = req.at_least

        def months(a: Values, day: _Day, reference: date) -> ReqResult:
            applies = applies_check(a) if has_applies else True
            if applies is False:
                return _NA_RESULT
            pending = pending_of(a) if applies is None else []
            raw = a.get(question)
            if raw is None or raw == UNSURE:
                return (UNKNOWN, None, tuple(dict.fromkeys([*pending, question])))
            if reference is day.as_of:
                accrued = raw
            else:
                accrued = raw + day.elapsed(reference)
            if accrued >= needed:
                return _MET_RESULT  # met whether or not it applies
            when = day.after(needed - raw)
            if pending:
                return (UNKNOWN, when, tuple(pending))
            return (DATED, when, ())

        return months

    later = _dated(req.plus_years * 12 + req.plus_months)

    def dated(a: Values, day: _Day, reference: date) -> ReqResult:
        applies = applies_check(a) if has_applies else True
        if applies is False:
            return _NA_RESULT
        pending = pending_of(a) if applies is None else []
        raw = a.get(question)
        if raw is None or raw == UNSURE:
            return (UNKNOWN, None, tuple(dict.fromkeys([*pending, question])))
        when = later(raw)
        if reference >= when:
            return _MET_RESULT  # met whether or not it applies
        if pending:
            return (UNKNOWN, when, tuple(pending))
        return (DATED, when, ())

    return dated


class FastRules:
    """Rules compiled for batch assessment; see ``assessor``."""

    def __init__(self, rules: Rules) -> None:
        compiler = _ConditionCompiler(rules)
        self.rules = rules
        self.route_ids = tuple(r.id for r in rules.routes)
        # Every requirement used anywhere gets one slot, so routes share its result.
        slots: dict[str, int] = {}
        checks: list[RequirementCheck] = []

        def slot(req: Requirement) -> int:
            if req.id not in slots:
                slots[req.id] = len(checks)
                checks.append(_requirement(compiler, req))
            return slots[req.id]

        # Per route: id, applies check and collector, and (slot, id, kind, failure rank) for
        # each requirement in order.
        self.routes = tuple(
            (
                route.id,
                *compiler.compile(route.applies_when),
                tuple((slot(req), req.id, req.kind, _FAILURE[req.kind])
                      for req in route.requirements),
            )
            for route in rules.routes
        )
        # A question can be answered now when its own 'when' holds.
        self.askable = {q.id: compiler.compile(q.when)[0] for q in rules.questions}
        funding = rules.funding.requirement
        self.funding_applies = compiler.compile(funding.applies_when)[0]
        self.funding_question = funding.question or ""
        self.funding_later = _dated(funding.plus_years * 12 + funding.plus_months)
        self.checks = tuple(checks)

    def assessor(self, as_of: date) -> Callable[[Values], Outcome]:
        """A function from one person's answer values to their Outcome, judged on ``as_of``."""
        day = _Day(as_of)
        checks = self.checks
        route_ids = self.route_ids
        plans = tuple((index, applies_check, applies_collect,
                       tuple((slot, failure) for slot, _, _, failure in reqs))
                      for index, (_, applies_check, applies_collect, reqs)
                      in enumerate(self.routes))
        details = tuple(tuple((slot, req_id, kind) for slot, req_id, kind, _ in reqs)
                        for _, _, _, reqs in self.routes)
        count = len(checks)
        funding_applies = self.funding_applies
        funding_question = self.funding_question
        funding_later = self.funding_later
        askable = self.askable

        reference_question = self.rules.reference_question or ""

        def assess(values: Values) -> Outcome:
            start = values.get(reference_question)
            reference = start if isinstance(start, date) else as_of
            results: list[ReqResult | None] = [None] * count
            verdicts: list[str] = []
            dates: list[date | None] = []
            best = -1
            best_key = -1
            best_deciding: list[str] = []
            for index, applies_check, applies_collect, slots in plans:
                applies = applies_check(values)
                if applies is False:
                    # A route that does not apply is 'not for you' whatever its requirements.
                    verdicts.append("not_eligible")
                    dates.append(None)
                    continue
                rank = ELIGIBLE
                latest: date | None = None
                unknown: list[tuple[int, tuple[str, ...]]] | None = None
                if applies is None:
                    found: list[str] = []
                    applies_collect(values, found)
                    unknown = [(NOT_ELIGIBLE, tuple(found))]
                has_results = False
                for slot, failure in slots:
                    result = results[slot]
                    if result is None:
                        result = results[slot] = checks[slot](values, day, reference)
                    status = result[0]
                    if status == MET:
                        has_results = True
                    elif status == NOT_APPLICABLE:
                        continue
                    elif status == UNMET:
                        has_results = True
                        if failure < rank:
                            rank = failure
                    elif status == DATED:
                        has_results = True
                        if DATED_RANK < rank:
                            rank = DATED_RANK
                        when = result[1]
                        if latest is None or (when is not None and when > latest):
                            latest = when
                    else:
                        has_results = True
                        if unknown is None:
                            unknown = [(failure, result[2])]
                        else:
                            unknown.append((failure, result[2]))
                deciding: list[str] = []
                if unknown is not None:
                    for worst, questions in unknown:
                        if worst < rank or (worst == DATED_RANK and rank >= DATED_RANK):
                            deciding += [q for q in questions if q not in deciding]
                if deciding:
                    # Name first the answers that can be given now (their question is reached).
                    deciding = [q for q in deciding if askable[q](values) is True] or deciding
                    verdicts.append("unsure")
                    dates.append(None)
                    key = _UNSURE_KEY if has_results else _UNSURE_KEY - _HAS_RESULTS
                elif rank == DATED_RANK:
                    verdicts.append("eligible_from")
                    dates.append(latest)
                    # The earlier the date, the more promising the route.
                    key = _DATED_KEY - (latest.toordinal() if latest else 0)
                    if not has_results:
                        key -= _HAS_RESULTS
                else:
                    verdicts.append(_VERDICT[rank])
                    dates.append(None)
                    key = _RANK_KEY[rank] if has_results else _RANK_KEY[rank] - _HAS_RESULTS
                if key > best_key:
                    best, best_key, best_deciding = index, key, deciding
            rule_applies = funding_applies(values)
            raw = values.get(funding_question)
            funding_from = funding_later(raw) if isinstance(raw, date) else None
            if rule_applies is True:
                rule = "applies"
            elif rule_applies is False:
                rule, funding_from = "does_not_apply", None
            else:
                rule = "unsure"
            if best < 0 or best_key % _PROMISE_STEP < _HAS_RESULTS:
                return (tuple(verdicts), tuple(dates), rule, funding_from, "", "", ())
            verdict = verdicts[best]
            if verdict == "eligible":
                return (tuple(verdicts), tuple(dates), rule, funding_from, route_ids[best], "",
                        ())
            main = ""
            undecided: tuple[str, ...] = ()
            if verdict == "eligible_from":
                # The requirement that sets the date.
                when = dates[best]
                for slot, req_id, _ in details[best]:
                    result = results[slot]
                    if result is not None and result[0] == DATED and result[1] == when:
                        main = req_id
                        break
            elif verdict == "unsure":
                # The first requirement the deciding answers leave open.
                undecided = tuple(best_deciding)
                for slot, req_id, _ in details[best]:
                    result = results[slot]
                    if result is not None and result[0] == UNKNOWN and not set(
                            undecided).isdisjoint(result[2]):
                        main = req_id
                        break
            else:
                # The first unmet gate, or else the first unmet need.
                for slot, req_id, kind in details[best]:
                    result = results[slot]
                    if result is not None and result[0] == UNMET:
                        if kind == "gate":
                            main = req_id
                            break
                        main = main or req_id
            # No route is for this person: name no route, but keep what rules them out.
            best_id = "" if verdict == "not_eligible" else route_ids[best]
            return (tuple(verdicts), tuple(dates), rule, funding_from, best_id, main,
                    undecided)

        return assess


def main_unmet(
    verdict: str,
    eligible_from: date | None,
    deciding: Sequence[str],
    results: Iterable[tuple[str, str, int, date | None, tuple[str, ...]]],
) -> str:
    """The requirement that stands in the way on a route, from its requirement results.

    ``results`` holds (requirement id, kind, status, date, unknown answers) in route order.
    Open now: none. Open from a date: the requirement that sets that date. Not decided: the
    first requirement that the deciding answers leave open. Otherwise the first unmet gate, or
    failing that the first unmet need.
    """
    if verdict == "eligible":
        return ""
    if verdict == "eligible_from":
        return next((r for r, _, s, when, _ in results if s == DATED and when == eligible_from),
                    "")
    if verdict == "unsure":
        wanted = set(deciding)
        return next((r for r, _, s, _, unknown in results
                     if s == UNKNOWN and not wanted.isdisjoint(unknown)), "")
    unmet = [(r, kind) for r, kind, s, _, _ in results if s == UNMET]
    return next((r for r, kind in unmet if kind == "gate"), unmet[0][0] if unmet else "")


def compile_rules(rules: Rules) -> FastRules:
    """Compile ``rules`` once for fast batch assessment."""
    return FastRules(rules)


def outcome_of(assessment: Assessment, rules: Rules) -> Outcome:
    """The batch Outcome of a full engine Assessment: the reference the fast path must equal."""
    routes = assessment.routes
    best = -1
    best_key: tuple[int, int, int] = (-1, -1, 0)
    for index, route in enumerate(routes):
        has_results = bool(route.met or route.unmet)
        when = route.eligible_from
        key = (_PROMISE[route.verdict], int(has_results), -when.toordinal() if when else 0)
        if key > best_key:
            best, best_key = index, key
    verdicts = tuple(r.verdict for r in routes)
    dates = tuple(r.eligible_from for r in routes)
    funding = assessment.funding
    if best < 0 or not best_key[1]:
        return (verdicts, dates, funding.two_year_rule, funding.nhs_funding_from, "", "", ())
    route = routes[best]
    main = main_unmet(
        route.verdict, route.eligible_from, route.unknown,
        ((res.id, rules.requirements[res.id].kind, _STATUS_CODE[res.status], res.date,
          res.unknown) for res in route.unmet),
    )
    undecided = tuple(route.unknown) if route.verdict == "unsure" else ()
    best_id = "" if route.verdict == "not_eligible" else route.id
    return (verdicts, dates, funding.two_year_rule, funding.nhs_funding_from, best_id, main,
            undecided)
