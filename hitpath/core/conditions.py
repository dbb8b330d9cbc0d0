"""The condition tree: three-valued evaluation (True, False, None for unknown) and explanations.

Conditions are plain data from the rules file. Each comparison uses one operator from the
fixed table below; nothing in a rules file is ever run as code. A missing answer, or the answer
"not sure", makes a comparison unknown, unless the rule names "not_sure" itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hitpath.core.dates import long_date
from hitpath.core.model import UNSURE, Answers, Condition, Question, Rules

Tri = bool | None
Evaluator = Callable[[dict[str, Any]], Tri]

ROUTES_OPEN = "__routes_open__"
"""Context key for the one condition that looks at verdicts rather than answers."""


def leaf_parts(node: Condition) -> tuple[str, str, Any]:
    """(question id, operator, value) of a comparison node; dates become date objects."""
    for key, value in node.items():
        if key == "q":
            continue
        if key in ("before", "on_or_after") and isinstance(value, str):
            value = date.fromisoformat(value)
        if isinstance(value, list):
            value = tuple(value)
        return node["q"], key, value
    raise ValueError("a comparison without an operator")


def compile_condition(rules: Rules, node: Condition | None) -> Evaluator:
    """Turn a condition into a fast closure over an answers dict (values, with context keys)."""
    if node is None:
        return lambda answers: True
    # Keyed by identity; the entry keeps the node alive so its id cannot be reused.
    cached = rules.compiled.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]  # type: ignore[no-any-return]
    fn = _compile(rules, node)
    rules.compiled[id(node)] = (node, fn)
    return fn


def _compile(rules: Rules, node: Condition) -> Evaluator:
    if "all" in node:
        parts = [compile_condition(rules, n) for n in node["all"]]

        def all_of(a: dict[str, Any]) -> Tri:
            result: Tri = True
            for part in parts:
                value = part(a)
                if value is False:
                    return False
                if value is None:
                    result = None
            return result

        return all_of
    if "any" in node:
        parts = [compile_condition(rules, n) for n in node["any"]]

        def any_of(a: dict[str, Any]) -> Tri:
            result: Tri = False
            for part in parts:
                value = part(a)
                if value is True:
                    return True
                if value is None:
                    result = None
            return result

        return any_of
    if "not" in node:
        inner = compile_condition(rules, node["not"])

        def not_of(a: dict[str, Any]) -> Tri:
            value = inner(a)
            return None if value is None else not value

        return not_of
    if "ref" in node:
        return compile_condition(rules, rules.conditions[node["ref"]])
    if "routes_open" in node:
        wanted = bool(node["routes_open"])

        def routes_open(a: dict[str, Any]) -> Tri:
            value = a.get(ROUTES_OPEN)
            return None if value is None else value == wanted

        return routes_open
    q, op, value = leaf_parts(node)
    return leaf_check(q, op, value)


def leaf_check(q: str, op: str, value: Any) -> Evaluator:
    """One comparison closure per operator; 'not sure' is unknown unless the rule names it."""
    if op == "answered":
        wanted = bool(value)

        def answered(a: dict[str, Any]) -> Tri:
            got = a.get(q)
            return (got is not None and got != UNSURE) == wanted

        return answered
    if op in ("equals", "not_equals"):
        names_unsure = value == UNSURE
        same = op == "equals"
        if names_unsure:
            def equals_named(a: dict[str, Any]) -> Tri:
                got = a.get(q)
                if got is None:
                    return None
                return (got == value) is same

            return equals_named

        def equals(a: dict[str, Any]) -> Tri:
            got = a.get(q)
            if got is None or got == UNSURE:
                return None
            return (got == value) is same

        return equals
    if op in ("in", "not_in"):
        names_unsure = UNSURE in value
        inside = op == "in"
        members = frozenset(value)

        def in_(a: dict[str, Any]) -> Tri:
            got = a.get(q)
            if got is None or (got == UNSURE and not names_unsure):
                return None
            return (got in members) is inside

        return in_
    if op in ("contains_any", "contains_all", "contains_none"):
        wanted_set = frozenset(value)
        items = tuple(value)

        if op == "contains_any":
            def contains_any(a: dict[str, Any]) -> Tri:
                got = a.get(q)
                if got is None or got == UNSURE:
                    return None
                if got.__class__ is tuple:
                    return not wanted_set.isdisjoint(got)
                return any(v in got for v in items)

            return contains_any
        if op == "contains_all":
            def contains_all(a: dict[str, Any]) -> Tri:
                got = a.get(q)
                if got is None or got == UNSURE:
                    return None
                if got.__class__ is tuple:
                    return wanted_set.issubset(got)
                return all(v in got for v in items)

            return contains_all

        def contains_none(a: dict[str, Any]) -> Tri:
            got = a.get(q)
            if got is None or got == UNSURE:
                return None
            if got.__class__ is tuple:
                return wanted_set.isdisjoint(got)
            return not any(v in got for v in items)

        return contains_none
    if op in ("at_least", "on_or_after"):
        def at_least(a: dict[str, Any]) -> Tri:
            got = a.get(q)
            if got is None or got == UNSURE:
                return None
            return bool(got >= value)

        return at_least
    if op == "at_most":
        def at_most(a: dict[str, Any]) -> Tri:
            got = a.get(q)
            if got is None or got == UNSURE:
                return None
            return bool(got <= value)

        return at_most
    if op == "before":
        def before(a: dict[str, Any]) -> Tri:
            got = a.get(q)
            if got is None or got == UNSURE:
                return None
            return bool(got < value)

        return before
    raise ValueError(f"unknown operator {op}")


def evaluate(rules: Rules, node: Condition | None, answers: dict[str, Any]) -> Tri:
    """Three-valued truth of a condition on plain answer values."""
    return compile_condition(rules, node)(answers)


def unknown_questions(rules: Rules, node: Condition | None, answers: dict[str, Any]) -> list[str]:
    """Question ids whose missing or 'not sure' answers leave ``node`` undecided."""
    found: list[str] = []
    _collect_unknown(rules, node, answers, found)
    return found


def _collect_unknown(
    rules: Rules, node: Condition | None, answers: dict[str, Any], found: list[str]
) -> None:
    if node is None or evaluate(rules, node, answers) is not None:
        return
    if "all" in node or "any" in node:
        for part in node.get("all") or node.get("any") or []:
            _collect_unknown(rules, part, answers, found)
    elif "not" in node:
        _collect_unknown(rules, node["not"], answers, found)
    elif "ref" in node:
        _collect_unknown(rules, rules.conditions[node["ref"]], answers, found)
    elif "q" in node and node["q"] not in found:
        found.append(node["q"])


# Explanations -------------------------------------------------------------------------------

_RELATION = {
    "before": "before",
    "on_or_after": "on or after",
    "at_least": "at least",
    "at_most": "at most",
}


def describe_answer(question: Question, value: Any, month_only: bool = False) -> str:
    """An answer as a person reads it."""
    if value is None:
        return "not answered"
    if value == UNSURE:
        return "not sure"
    if isinstance(value, date):
        text = long_date(value)
        return f"{text} (month given; we used its last day)" if month_only else text
    if isinstance(value, tuple):
        return ", ".join(question.label(v) for v in value) or "none"
    if question.type == "choice":
        return question.label(str(value))
    if question.unit:
        return f"{value} {question.unit}"
    return str(value)


def _leaf_reason(rules: Rules, node: Condition, answers: Answers) -> str:
    q, op, value = leaf_parts(node)
    question = rules.question_by_id[q]
    got = answers.values.get(q)
    shown = describe_answer(question, got, q in answers.month_only)
    if got is None or got == UNSURE or op not in _RELATION:
        return f"{question.fact}: {shown}"
    bound = long_date(value) if isinstance(value, date) else str(value)
    return f"{question.fact}: {shown} ({_RELATION[op]} {bound})"


def explain(rules: Rules, node: Condition | None, answers: Answers) -> list[str]:
    """The answers that decided ``node``'s value, as short phrases (deduplicated)."""
    found: list[str] = []
    _explain(rules, node, answers, found)
    return found


def _explain(rules: Rules, node: Condition | None, answers: Answers, found: list[str]) -> None:
    if node is None:
        return
    values = answers.values
    result = evaluate(rules, node, values)
    if "all" in node or "any" in node:
        parts = node.get("all") or node.get("any") or []
        # The parts that carry the result: for all-false the false parts, for any-true the
        # true ones, otherwise every part.
        deciding = [p for p in parts if evaluate(rules, p, values) is result] or parts
        for part in deciding:
            _explain(rules, part, answers, found)
    elif "not" in node:
        _explain(rules, node["not"], answers, found)
    elif "ref" in node:
        _explain(rules, rules.conditions[node["ref"]], answers, found)
    elif "q" in node:
        reason = _leaf_reason(rules, node, answers)
        if reason not in found:
            found.append(reason)


def questions_in(rules: Rules, node: Condition | None) -> set[str]:
    """Every question id a condition looks at (through named conditions too)."""
    if node is None:
        return set()
    if "all" in node or "any" in node:
        parts = node.get("all") or node.get("any") or []
        return set().union(*(questions_in(rules, p) for p in parts))
    if "not" in node:
        return questions_in(rules, node["not"])
    if "ref" in node:
        return questions_in(rules, rules.conditions[node["ref"]])
    return {node["q"]} if "q" in node else set()


def comparisons(rules: Rules) -> list[tuple[str, str, Any]]:
    """Every comparison (question id, operator, value) anywhere in the rules."""
    roots: list[Condition | None] = list(rules.conditions.values())
    roots += [q.when for q in rules.questions]
    for req in rules.requirements.values():
        roots += [req.applies_when, req.met_when]
    roots += [r.applies_when for r in rules.routes]
    roots += [rules.funding.uncertain_when]
    roots += [a.when for a in rules.advice] + [s.when for s in rules.next_steps]
    found: list[tuple[str, str, Any]] = []

    def walk(node: Condition | None) -> None:
        if not node:
            return
        if "all" in node or "any" in node:
            for part in node.get("all") or node.get("any") or []:
                walk(part)
        elif "not" in node:
            walk(node["not"])
        elif "q" in node:
            found.append(leaf_parts(node))

    for root in roots:
        walk(root)
    return found
