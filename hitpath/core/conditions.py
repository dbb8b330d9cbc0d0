"""The condition tree: its operators, where it lives in the rules, one compiler, explanations.

Conditions are plain data from the rules file (the union ``model.Condition``). Each comparison
uses one operator from the registry below; nothing in a rules file is ever run as code. A
missing answer, or the answer "not sure", makes a comparison unknown (None), unless the rule
names "not_sure" itself.

``Compiler`` is the one evaluator of all / any / not: the engine, batch's fast path, the
questionnaire and the path walk all use it, each with its own reader for the comparisons (the
walk's reads a path that is answered only up to some question).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from itertools import combinations
from typing import Any, Generic, NamedTuple, TypeVar, cast

from hitpath.core.dates import long_date
from hitpath.core.model import UNSURE, Answers, Compare, Condition, Question, Rules

Tri = bool | None
Values = Mapping[str, object]
"""Answer values by question id (plus the context key below)."""
Operand = str | int | bool | date | tuple[str, ...]
"""An operator's value, as compiled: lists become tuples, ISO dates become dates."""

ROUTES_OPEN = "__routes_open__"
"""Context key for the one condition that looks at verdicts rather than answers."""

C = TypeVar("C")


# The operator registry ----------------------------------------------------------------------

def _member(q: str, members: AbstractSet[Operand], inside: bool) -> Callable[[Values], Tri]:
    """``in`` and ``not_in``; ``equals`` and ``not_equals`` are the same on one value."""
    names_unsure = UNSURE in members  # the rule names 'not sure' itself, so that answer is known

    def in_(a: Values) -> Tri:
        got = a.get(q)
        if got is None or (got == UNSURE and not names_unsure):
            return None
        return (got in members) is inside

    return in_


def _contains(q: str, value: Operand, how: str) -> Callable[[Values], Tri]:
    wanted = frozenset(cast(tuple[str, ...], value))
    # The set's own bound method, and no branch on ``how``: batch runs these millions of times.
    test = wanted.issubset if how == "all" else wanted.isdisjoint
    holds = how != "any"  # contains_any is true when the answer is not disjoint

    def contains(a: Values) -> Tri:
        got = a.get(q)
        if got is None or got == UNSURE:
            return None
        return test(got) is holds  # type: ignore[arg-type]

    return contains


def _order(q: str, value: Operand, how: str) -> Callable[[Values], Tri]:
    bound: Any = value
    if how == ">=":
        def at_least(a: Values) -> Tri:
            got = a.get(q)
            if got is None or got == UNSURE:
                return None
            return bool(got >= bound)

        return at_least
    if how == "<=":
        def at_most(a: Values) -> Tri:
            got = a.get(q)
            if got is None or got == UNSURE:
                return None
            return bool(got <= bound)

        return at_most

    def before(a: Values) -> Tri:
        got = a.get(q)
        if got is None or got == UNSURE:
            return None
        return bool(got < bound)

    return before


def _answered(q: str, value: Operand) -> Callable[[Values], Tri]:
    wanted = bool(value)

    def answered(a: Values) -> Tri:
        got = a.get(q)
        return (got is not None and got != UNSURE) == wanted

    return answered


def _around(value: Operand) -> tuple[Operand, ...]:
    """One below, the value, one above: a threshold's two sides."""
    if isinstance(value, date):
        return (value - timedelta(days=1), value, value + timedelta(days=1))
    if isinstance(value, int) and not isinstance(value, bool):
        return (value - 1, value, value + 1)
    return (value,)


def _listed(value: Operand) -> tuple[Operand, ...]:
    return cast(tuple[str, ...], value)


def _none(value: Operand) -> tuple[Operand, ...]:
    return ()


class Operator(NamedTuple):
    """One comparison: the question types it fits, its three-valued evaluation, the values
    worth trying around its operand (walk, probes, constant checks) and its explaining words."""

    fits: tuple[str, ...]
    make: Callable[[str, Operand], Callable[[Values], Tri]]
    edges: Callable[[Operand], tuple[Operand, ...]]
    words: str | None = None
    whole_groups: bool = False
    """Choices that only ever appear together must be tried together (contains_all)."""


OPERATORS: dict[str, Operator] = {
    "equals": Operator(("choice", "number"), lambda q, v: _member(q, {v}, True), _around),
    "not_equals": Operator(("choice", "number"), lambda q, v: _member(q, {v}, False), _around),
    "in": Operator(("choice",), lambda q, v: _member(q, frozenset(_listed(v)), True), _listed),
    "not_in": Operator(("choice",), lambda q, v: _member(q, frozenset(_listed(v)), False),
                       _listed),
    "contains_any": Operator(("multi",), lambda q, v: _contains(q, v, "any"), _listed),
    "contains_all": Operator(("multi",), lambda q, v: _contains(q, v, "all"), _listed,
                             whole_groups=True),
    "contains_none": Operator(("multi",), lambda q, v: _contains(q, v, "none"), _listed),
    "at_least": Operator(("number",), lambda q, v: _order(q, v, ">="), _around, "at least"),
    "at_most": Operator(("number",), lambda q, v: _order(q, v, "<="), _around, "at most"),
    "before": Operator(("date",), lambda q, v: _order(q, v, "<"), _around, "before"),
    "on_or_after": Operator(("date",), lambda q, v: _order(q, v, ">="), _around,
                            "on or after"),
    "answered": Operator(("choice", "multi", "number", "date"), _answered, _none),
}
"""Every operator a comparison can use (the rules schema takes its list from here)."""


def leaf_parts(node: Compare) -> tuple[str, str, Operand]:
    """(question id, operator, value) of a comparison; dates become dates, lists tuples."""
    for key, value in node.items():
        if key == "q":
            continue
        if key in ("before", "on_or_after") and isinstance(value, str):
            return node["q"], key, date.fromisoformat(value)
        if isinstance(value, list):
            return node["q"], key, tuple(value)
        return node["q"], key, cast(Operand, value)
    raise ValueError("a comparison without an operator")


def leaf_check(q: str, op: str, value: Operand) -> Callable[[Values], Tri]:
    """The comparison ``q op value`` as a closure over answer values."""
    return OPERATORS[op].make(q, value)


# Walking the tree ---------------------------------------------------------------------------

def parts(node: Condition) -> list[Condition]:
    """The direct parts of all / any / not (none for a comparison or a reference)."""
    if "all" in node:
        return node["all"]
    if "any" in node:
        return node["any"]
    if "not" in node:
        return [node["not"]]
    return []


def nodes_in(named: Mapping[str, Condition], node: Condition | None) -> Iterator[Condition]:
    """Every node of a condition in reading order, through named conditions (each name
    written out once)."""
    seen: set[str] = set()
    stack = [node] if node is not None else []
    while stack:
        part = stack.pop()
        yield part
        if "ref" in part:
            if part["ref"] not in seen and part["ref"] in named:
                seen.add(part["ref"])
                stack.append(named[part["ref"]])
        else:
            stack.extend(reversed(parts(part)))


def comparisons_in(named: Mapping[str, Condition], node: Condition | None) -> Iterator[Compare]:
    """Every comparison in a condition, through named conditions (each name once)."""
    return (part for part in nodes_in(named, node) if "q" in part)


def refs_in(named: Mapping[str, Condition], node: Condition | None) -> list[str]:
    """Named conditions a condition uses, directly or through other named conditions."""
    return list(dict.fromkeys(part["ref"] for part in nodes_in(named, node) if "ref" in part))


def questions_in(rules: Rules, node: Condition | None) -> set[str]:
    """Every question id a condition looks at (through named conditions too)."""
    return {leaf["q"] for leaf in comparisons_in(rules.conditions, node)}


# Where conditions live ----------------------------------------------------------------------

class Site(NamedTuple):
    """One place in the rules that holds a condition."""

    role: str  # e.g. "route.caveat_when": what kind of place it is
    path: tuple[str | int, ...]  # where in the rules file
    owner: str  # who owns it, in words: "route 'pwp'"
    node: Condition


SITE_ROLES = (
    "conditions", "scope_when", "question.when", "requirement.applies_when",
    "requirement.met_when", "route.applies_when", "route.caveat_when",
    "funding.uncertain_when", "advice.when", "next_step.when", "training.entry.when",
    "experience_role.when", "conflict.when", "meta.care_when",
)
"""Every kind of place a condition can sit in the rules (a test holds this to the schema)."""


PLAN_ROLES = frozenset(("training.entry.when", "experience_role.when"))
"""Places only plans read: check's questionnaire and its walk leave them out."""


def condition_sites(rules: Rules, *, plans: bool = True) -> list[Site]:
    """Every condition in the rules, wherever it sits: the one list all checks walk
    (``plans=False``: only those check reads)."""
    found: list[Site] = []

    def add(role: str, path: tuple[str | int, ...], owner: str, node: Condition | None) -> None:
        if node is not None and (plans or role not in PLAN_ROLES):
            found.append(Site(role, path, owner, node))

    for name, node in rules.conditions.items():
        add("conditions", ("conditions", name), f"named condition '{name}'", node)
    add("scope_when", ("scope_when",), "the rules' scope", rules.scope_when)
    add("meta.care_when", ("meta", "care_when"), "the care signpost", rules.meta.care_when)
    for i, q in enumerate(rules.questions):
        add("question.when", ("questions", i, "when"), f"question '{q.id}'", q.when)
    for i, req in enumerate(rules.requirements.values()):
        owner = f"requirement '{req.id}'"
        add("requirement.applies_when", ("requirements", i, "applies_when"), owner,
            req.applies_when)
        add("requirement.met_when", ("requirements", i, "met_when"), owner, req.met_when)
    for i, route in enumerate(rules.routes):
        owner = f"route '{route.id}'"
        add("route.applies_when", ("routes", i, "applies_when"), owner, route.applies_when)
        add("route.caveat_when", ("routes", i, "caveat_when"), owner, route.caveat_when)
    add("funding.uncertain_when", ("funding", "uncertain_when"), "the funding rule",
        rules.funding.uncertain_when)
    for i, advice in enumerate(rules.advice):
        add("advice.when", ("advice", i, "when"), f"advice item '{advice.id}'", advice.when)
    for i, step in enumerate(rules.next_steps):
        add("next_step.when", ("next_steps", i, "when"), f"next step '{step.id}'", step.when)
    for tid, training in rules.trainings.items():
        for i, entry in enumerate(training.entry):
            add("training.entry.when", ("trainings", tid, "entry", i, "when"),
                f"training '{tid}' entry '{entry.id}'", entry.when)
    for i, role in enumerate(rules.experience_roles):
        add("experience_role.when", ("experience_roles", i, "when"),
            f"experience role '{role.id}'", role.when)
    for i, conflict in enumerate(rules.conflicts):
        add("conflict.when", ("conflicts", i, "when"), f"conflict '{conflict.id}'",
            conflict.when)
    return found


# The one compiler ---------------------------------------------------------------------------

Check = Callable[[C], Tri]
Collect = Callable[[C, list[str]], None]


def _always(context: object) -> Tri:
    return True


def _nothing(context: object, found: list[str]) -> None:
    return None


class Compiler(Generic[C]):
    """Compiles conditions into closures over a context ``C``, each node once.

    ``leaf`` reads one comparison and ``routes_open`` the one condition on verdicts; the
    engine and batch read answer values, the walk a partly answered path. For each node it
    gives a check (its three-valued truth) and a collector (the questions whose missing or
    'not sure' answers leave it undecided).
    """

    def __init__(self, named: Mapping[str, Condition], leaf: Callable[[Compare], Check[C]],
                 routes_open: Callable[[bool], Check[C]]) -> None:
        self.named = named
        self.leaf = leaf
        self.routes_open = routes_open
        # Keyed by identity; each entry keeps its node alive so the id cannot be reused.
        self.done: dict[int, tuple[Condition, Check[C], Collect[C]]] = {}

    def check(self, node: Condition | None) -> Check[C]:
        """The three-valued truth of ``node`` as a closure."""
        return self.pair(node)[0]

    def pair(self, node: Condition | None) -> tuple[Check[C], Collect[C]]:
        """Both closures of ``node``."""
        if node is None:
            return _always, _nothing
        found = self.done.get(id(node))
        if found is None or found[0] is not node:
            found = (node, *self._compile(node))
            self.done[id(node)] = found
        return found[1], found[2]

    def _compile(self, node: Condition) -> tuple[Check[C], Collect[C]]:
        if "ref" in node:
            return self.pair(self.named[node["ref"]])
        if "routes_open" in node:
            return self.routes_open(node["routes_open"]), _nothing
        if "q" in node:
            q = node["q"]

            def collect_leaf(a: C, found: list[str]) -> None:
                if q not in found:
                    found.append(q)

            return self.leaf(node), collect_leaf
        if "not" in node:
            inner, inner_collect = self.pair(node["not"])

            def not_of(a: C) -> Tri:
                value = inner(a)
                return None if value is None else not value

            def collect_not(a: C, found: list[str]) -> None:
                if inner(a) is None:
                    inner_collect(a, found)

            return not_of, collect_not
        pairs = tuple(self.pair(p) for p in parts(node))
        checks = tuple(c for c, _ in pairs)
        # all stops at the first false part, any at the first true one.
        stop = "any" in node
        if len(checks) == 2:  # the commonest shape, unrolled for batch's speed
            first, second = checks

            def two(a: C) -> Tri:
                one = first(a)
                if one is stop:
                    return stop
                other = second(a)
                if other is stop:
                    return stop
                return None if one is None or other is None else not stop

            check: Check[C] = two
        else:
            def group(a: C) -> Tri:
                result: Tri = not stop
                for part in checks:
                    value = part(a)
                    if value is stop:
                        return stop
                    if value is None:
                        result = None
                return result

            check = group

        def collect_group(a: C, found: list[str]) -> None:
            for part_check, part_collect in pairs:
                if part_check(a) is None:
                    part_collect(a, found)

        return check, collect_group


def _read_values(node: Compare) -> Check[Values]:
    return leaf_check(*leaf_parts(node))


def _read_routes_open(wanted: bool) -> Check[Values]:
    def routes_open(a: Values) -> Tri:
        value = a.get(ROUTES_OPEN)
        return None if value is None else value == wanted

    return routes_open


def compiler(rules: Rules) -> Compiler[Values]:
    """The rules' compiler over answer values (made once per rules)."""
    made = rules.compiled
    if made is None:
        made = rules.compiled = Compiler(rules.conditions, _read_values, _read_routes_open)
    return cast(Compiler[Values], made)


def compile_condition(rules: Rules, node: Condition | None) -> Check[Values]:
    """A condition as a closure over answer values (with context keys)."""
    return compiler(rules).check(node)


def evaluate(rules: Rules, node: Condition | None, answers: Values) -> Tri:
    """Three-valued truth of a condition on plain answer values."""
    return compiler(rules).check(node)(answers)


def unknown_questions(rules: Rules, node: Condition | None, answers: Values) -> list[str]:
    """Question ids whose missing or 'not sure' answers leave ``node`` undecided."""
    check, collect = compiler(rules).pair(node)
    found: list[str] = []
    if check(answers) is None:
        collect(answers, found)
    return found


# Explanations -------------------------------------------------------------------------------

def describe_answer(question: Question, value: object, month_only: bool = False) -> str:
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


def _leaf_reason(rules: Rules, node: Compare, answers: Answers) -> str:
    q, op, value = leaf_parts(node)
    question = rules.question_by_id[q]
    got = answers.values.get(q)
    shown = describe_answer(question, got, q in answers.month_only)
    words = OPERATORS[op].words
    if got is None or got == UNSURE or words is None:
        return f"{question.fact}: {shown}"
    bound = long_date(value) if isinstance(value, date) else str(value)
    return f"{question.fact}: {shown} ({words} {bound})"


def explain(rules: Rules, node: Condition | None, answers: Answers) -> list[str]:
    """The answers that decided ``node``'s value, as short phrases (deduplicated)."""
    found: list[str] = []
    _explain(rules, node, answers, found)
    return found


def _explain(rules: Rules, node: Condition | None, answers: Answers, found: list[str]) -> None:
    if node is None:
        return
    values = answers.values
    if "ref" in node:
        _explain(rules, rules.conditions[node["ref"]], answers, found)
    elif "q" in node:
        reason = _leaf_reason(rules, node, answers)
        if reason not in found:
            found.append(reason)
    elif "not" in node:
        _explain(rules, node["not"], answers, found)
    elif "all" in node or "any" in node:
        result = evaluate(rules, node, values)
        # The parts that carry the result: for all-false the false parts, for any-true the
        # true ones, otherwise every part.
        every = parts(node)
        deciding = [p for p in every if evaluate(rules, p, values) is result] or every
        for part in deciding:
            _explain(rules, part, answers, found)


# Answers worth trying -----------------------------------------------------------------------

def edge_values(leaves: list[Compare], extra: Sequence[Operand] = ()) -> list[Operand]:
    """Each side of every threshold and date the comparisons (and ``extra``) name, in order:
    the values at which some comparison can change its mind."""
    found: set[Operand] = set()
    for leaf in leaves:
        _, op, value = leaf_parts(leaf)
        if isinstance(value, (int, date)) and not isinstance(value, bool):
            found.update(OPERATORS[op].edges(value))
    for value in extra:
        found.update(_around(value))
    return sorted(found, key=_sort_key)


def _sort_key(value: Operand) -> tuple[int, int]:
    return (1, value.toordinal()) if isinstance(value, date) else (0, cast(int, value))


def multi_answers(question: Question, leaves: list[Compare], limit: int
                  ) -> tuple[list[tuple[str, ...]], int]:
    """Answers to a multi question that reach every outcome its comparisons tell apart.

    Choices that sit in exactly the same lists are interchangeable, so one stands for its
    group; a group is tried whole where an operator needs its members together
    (contains_all). Every combination of the groups, or only singles and pairs (and all
    together) when there are more than ``limit`` combinations. Also returns the number of
    groups.
    """
    lists = [(OPERATORS[op], cast(tuple[str, ...], value))
             for _, op, value in map(leaf_parts, leaves) if op != "answered"]
    groups: dict[tuple[bool, ...], list[str]] = {}
    exclusive: list[str] = []
    for choice in question.choices:
        if choice.exclusive:
            exclusive.append(choice.value)
            continue
        signature = tuple(choice.value in listed for _, listed in lists)
        groups.setdefault(signature, []).append(choice.value)
    whole = {sig for sig in groups for operator, listed in lists
             if operator.whole_groups and any(v in listed for v in groups[sig])}
    picks = [tuple(members) if sig in whole else (members[0],)
             for sig, members in groups.items()]
    capped = 2 ** len(picks) > limit
    sizes = range(1, 3) if capped else range(1, len(picks) + 1)
    order = {v: i for i, v in enumerate(question.values)}
    values: list[tuple[str, ...]] = []
    for size in sizes:
        for combo in combinations(picks, size):
            chosen = [v for pick in combo for v in pick]
            values.append(tuple(sorted(chosen, key=order.__getitem__)))
    if len(picks) > 2 and capped:
        values.append(tuple(v for pick in picks for v in pick))
    values += [(v,) for v in exclusive]
    return values, len(picks)
