"""Answers that cannot both be true, as the rules declare them (``conflicts:`` in the rules).

Pure: no clock, no I/O. Each conflict compares the answers it names by one kind of comparison
from a fixed table, counted to the date of the check; nothing is ever corrected silently. The
engine treats the answers of a conflict as unknown (so no verdict rests on them), and the
questionnaire refuses the answer that makes a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from hitpath.core.conditions import compiler, evaluate, questions_in
from hitpath.core.dates import months_between
from hitpath.core.model import Conflict, ConflictRule, Route, Rules

_CACHE_LIMIT = 20_000
"""Remembered date arithmetic is cleared past this size, so memory stays flat."""


ClashCheck = Callable[[Mapping[str, object]], bool]


def clash_check(rule: ConflictRule, as_of: date) -> ClashCheck:
    """Whether the answers fall into ``rule`` (its ``when`` aside), compiled once per date: the
    one definition of each kind's comparison, for the engine and for a cohort's rows."""
    questions = rule.questions
    if rule.kind == "date_order":
        earlier_q, later_q = questions

        def date_order(values: Mapping[str, object]) -> bool:
            later = values.get(later_q)
            if not isinstance(later, date):
                return False
            earlier = values.get(earlier_q)
            return isinstance(earlier, date) and later < earlier

        return date_order
    if rule.kind == "months_within":
        months_q, since_q = questions
        margin = rule.margin_months
        passed_since: dict[date, int] = {}  # a cohort repeats the same few dates

        def months_within(values: Mapping[str, object]) -> bool:
            months = values.get(months_q)
            if not isinstance(months, int) or isinstance(months, bool):
                return False
            since = values.get(since_q)
            if not isinstance(since, date):
                return False
            passed = passed_since.get(since)
            if passed is None:
                if len(passed_since) > _CACHE_LIMIT:
                    passed_since.clear()
                passed = passed_since[since] = (months_between(since, as_of)
                                                if since <= as_of else 0)
            return months > passed + margin

        return months_within
    (day_q,) = questions
    if rule.kind == "not_before_check":
        def not_before_check(values: Mapping[str, object]) -> bool:
            day = values.get(day_q)
            return isinstance(day, date) and day < as_of

        return not_before_check

    def not_after_check(values: Mapping[str, object]) -> bool:
        day = values.get(day_q)
        return isinstance(day, date) and day > as_of

    return not_after_check


def find(rules: Rules, values: Mapping[str, object], as_of: date) -> list[Conflict]:
    """Every declared conflict the answers fall into, in the rules' order."""
    found = []
    for rule in rules.conflicts:
        if rule.when is not None and evaluate(rules, rule.when, dict(values)) is not True:
            continue
        if clash_check(rule, as_of)(values):
            found.append(Conflict(rule.id, rule.questions, rule.text))
    return found


def conflict_test(
    rules: Rules, as_of: date
) -> Callable[[Mapping[str, object]], list[ConflictRule]] | None:
    """A quick test for a cohort's rows: the declared conflicts the answers fall into (None
    when the rules declare none)."""
    if not rules.conflicts:
        return None
    conditions = compiler(rules)
    checks = tuple((clash_check(rule, as_of),
                    conditions.check(rule.when) if rule.when is not None else None, rule)
                   for rule in rules.conflicts)

    def test(values: Mapping[str, object]) -> list[ConflictRule]:
        # The comparison first: it is cheap, and most rows fall into no conflict.
        return [rule for clash, when, rule in checks
                if clash(values) and (when is None or when(values) is True)]

    return test


def route_reads(rules: Rules, route: Route) -> frozenset[str]:
    """Every answer a route's verdict reads (the reference date's too, when it counts time)."""
    found = set(questions_in(rules, route.applies_when))
    for req in route.requirements:
        found |= set(questions_in(rules, req.applies_when))
        found |= set(questions_in(rules, req.met_when))
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
    trial = {**values, question: value}
    for conflict in find(rules, trial, as_of):
        if question in conflict.questions and conflict.id not in before:
            return conflict
    return None


def questions_in_conflict(conflicts: list[Conflict] | list[ConflictRule]) -> tuple[str, ...]:
    """The answers involved in any of the conflicts, once each, in order."""
    return tuple(dict.fromkeys(q for c in conflicts for q in c.questions))
