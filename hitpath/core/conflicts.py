"""Answers that cannot both be true, as the rules declare them (``conflicts:`` in the rules).

Pure: no clock, no I/O. Each conflict compares the answers it names by one kind of comparison
from a fixed table, counted to the date of the check; nothing is ever corrected silently. The
engine treats the answers of a conflict as unknown (so no verdict rests on them), and the
questionnaire refuses the answer that makes a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date

from hitpath.core.conditions import compiler, evaluate, questions_in
from hitpath.core.dates import MEMO_LIMIT, months_between
from hitpath.core.model import Conflict, ConflictRule, Route, Rules

Compare = Callable[[Sequence[object]], bool]
"""A conflict's comparison on a row of answer values."""


def clash_compare(rule: ConflictRule, as_of: date, at: Sequence[int] | None = None
                  ) -> Compare:
    """Whether a row falls into ``rule`` (its ``when`` aside), reading the values of
    ``rule.questions`` at places ``at`` of the row (by default, a row of those values alone,
    in order). Compiled once per date and places: the one definition of each kind's
    comparison, for the engine (by answer key) and for a cohort's rows (by position)."""
    first, *rest = at if at is not None else range(len(rule.questions))
    if rule.kind == "date_order":
        (later_at,) = rest

        def date_order(row: Sequence[object]) -> bool:
            later = row[later_at]
            if not isinstance(later, date):
                return False
            earlier = row[first]
            return isinstance(earlier, date) and later < earlier

        return date_order
    if rule.kind == "months_within":
        (since_at,) = rest
        margin = rule.margin_months
        passed_since: dict[date, int] = {}  # a cohort repeats the same few dates

        def months_within(row: Sequence[object]) -> bool:
            months = row[first]
            if not isinstance(months, int) or isinstance(months, bool):
                return False
            since = row[since_at]
            if not isinstance(since, date):
                return False
            passed = passed_since.get(since)
            if passed is None:
                if len(passed_since) > MEMO_LIMIT:
                    passed_since.clear()
                passed = passed_since[since] = (months_between(since, as_of)
                                                if since <= as_of else 0)
            return months > passed + margin

        return months_within
    if rule.kind == "not_before_check":
        def not_before_check(row: Sequence[object]) -> bool:
            day = row[first]
            return isinstance(day, date) and day < as_of

        return not_before_check

    def not_after_check(row: Sequence[object]) -> bool:
        day = row[first]
        return isinstance(day, date) and day > as_of

    return not_after_check


def find(rules: Rules, values: Mapping[str, object], as_of: date) -> list[Conflict]:
    """Every declared conflict the answers fall into, in the rules' order."""
    return [Conflict(rule.id, rule.questions, rule.text) for rule in rules.conflicts
            if (rule.when is None or evaluate(rules, rule.when, dict(values)) is True)
            and clash_compare(rule, as_of)(tuple(map(values.get, rule.questions)))]


def conflict_test(rules: Rules, as_of: date, keys: tuple[str, ...]
                  ) -> Callable[[Sequence[object]], list[ConflictRule]] | None:
    """A quick test for a cohort's rows: the declared conflicts the answers fall into (None
    when the rules declare none). A row holds the values of ``keys`` in that order (every
    question the conflicts name must be among them)."""
    if not rules.conflicts:
        return None
    conditions = compiler(rules)
    place = {key: i for i, key in enumerate(keys)}
    checks = tuple((clash_compare(rule, as_of, [place[q] for q in rule.questions]),
                    conditions.check(rule.when) if rule.when is not None else None, rule)
                   for rule in rules.conflicts)

    def test(row: Sequence[object]) -> list[ConflictRule]:
        # The comparison first: it is cheap, and most rows fall into no conflict.
        found = [(when, rule) for compare, when, rule in checks if compare(row)]
        if not found:
            return []
        by_key = _ByKey(row, place)
        return [rule for when, rule in found if when is None or when(by_key) is True]

    return test


class _ByKey(Mapping[str, object]):
    """A row's values by answer key, read in place (a conflict's ``when`` reads a few)."""

    __slots__ = ("row", "place")

    def __init__(self, row: Sequence[object], place: dict[str, int]) -> None:
        self.row = row
        self.place = place

    def __getitem__(self, key: str) -> object:
        return self.row[self.place[key]]

    def get(self, key: str, default: object = None) -> object:
        at = self.place.get(key)
        return default if at is None else self.row[at]

    def __iter__(self) -> Iterator[str]:
        return iter(self.place)

    def __len__(self) -> int:
        return len(self.place)


def route_reads(rules: Rules, route: Route) -> frozenset[str]:
    """Every answer a route's verdict reads (the reference date's too, when it counts time)."""
    found = questions_in(rules, route.applies_when)
    for req in route.requirements:
        found |= questions_in(rules, req.applies_when) | questions_in(rules, req.met_when)
        if req.question:
            found.add(req.question)
            if rules.reference_question:
                found.add(rules.reference_question)
    return frozenset(found)


def refused(rules: Rules, values: Mapping[str, object], question: str, value: object,
            as_of: date) -> Conflict | None:
    """The conflict an answer to ``question`` would make with the answers already given (the
    questionnaire refuses that answer), or None when it makes none."""
    before = {c.id for c in find(rules, values, as_of)}
    return next((c for c in find(rules, {**values, question: value}, as_of)
                 if question in c.questions and c.id not in before), None)


def questions_in_conflict(conflicts: list[Conflict] | list[ConflictRule]) -> tuple[str, ...]:
    """The answers involved in any of the conflicts, once each, in order."""
    return tuple(dict.fromkeys(q for c in conflicts for q in c.questions))
