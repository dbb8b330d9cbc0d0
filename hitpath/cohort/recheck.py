"""``hitpath recheck``: who a rules update affects among saved clients.

It assesses saved answers files under an old and the current rules and shows, for each client
whose verdicts or dates change, what changed and the rule change behind it.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

from hitpath.core.conditions import evaluate, refs_in
from hitpath.core.dates import long_date
from hitpath.core.errors import HitpathError
from hitpath.core.model import Answers, Condition, RouteResult, Rules
from hitpath.core.untrusted import for_terminal, visible

ANSWERS_ENDINGS = (".yaml", ".yml", ".json")
REQUIREMENT_FIELDS = ("kind", "applies_when", "met_when", "question", "at_least", "plus_years",
                      "plus_months")


def run_recheck(paths: list[str], old_rules: str, rules_path: str | None, as_of: date) -> int:
    """Show which saved clients' verdicts or dates change between the old and current rules.

    Only clients with a change are shown: each changed route (and the funding rule) old -> new,
    with the rule change behind it. Returns 0, or 1 when an answers file could not be read
    under either rules (the others are still checked).
    """
    from hitpath.load.answers import load_answers
    from hitpath.load.ruleset import load_rules

    old = load_rules(old_rules)
    new = load_rules(rules_path)
    files = _answers_files(paths)

    def write(text: str) -> None:
        sys.stdout.write(for_terminal(text))

    write(f"Rules {old.meta.rules_version} ({old_rules}) -> {new.meta.rules_version} "
          f"({rules_path or 'the shipped rules'}), judged on {long_date(as_of)}.\n")
    affected = unreadable = 0
    for path in files:
        loaded: list[Answers | None] = []
        problems: list[str] = []
        for rules in (old, new):
            try:
                loaded.append(load_answers(rules, path))
            except HitpathError as exc:
                loaded.append(None)
                problems.append(exc.render())
        before, after = loaded
        if before is None and after is None:
            unreadable += 1
            sys.stderr.write(for_terminal(f"hitpath: {problems[0]}\n"))
            continue
        if before is None or after is None:
            affected += 1
            when = "old" if before is None else "current"
            write(f"\n{visible(path)}\n  the answers are not valid under the {when} rules:\n"
                  f"    {problems[0]}\n")
            continue
        lines = _client_changes(old, new, before, after, as_of)
        if lines:
            affected += 1
            write(f"\n{visible(path)}\n" + "".join(f"  {line}\n" for line in lines))
    unchanged = len(files) - affected - unreadable
    clients = "client" if len(files) == 1 else "clients"
    tail = f", {unreadable} could not be read" if unreadable else ""
    write(f"\n{len(files)} {clients} checked: {affected} affected, {unchanged} unchanged"
          f"{tail}.\n")
    return 1 if unreadable else 0


def _answers_files(paths: list[str]) -> list[str]:
    """The answers files named, with folders expanded to the answers files inside them."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            try:
                names = os.listdir(path)
            except OSError as exc:
                raise HitpathError(f"cannot read this folder: {exc.strerror}",
                                   file=path) from None
            inside = sorted(
                os.path.join(path, name) for name in names
                if name.lower().endswith(ANSWERS_ENDINGS) and not name.startswith(".")
                and os.path.isfile(os.path.join(path, name))
            )
            if not inside:
                raise HitpathError("this folder holds no answers files (.yaml, .yml or .json)",
                                   file=path)
            files += inside
        elif os.path.exists(path):
            files.append(path)
        else:
            raise HitpathError("the answers file does not exist", file=path)
    return files


def _verdict_text(route: RouteResult | None) -> str:
    from hitpath.report.words import verdict_text

    return "no such route" if route is None else verdict_text(route.verdict, route.eligible_from)


def _client_changes(
    old: Rules, new: Rules, before: Answers, after: Answers, as_of: date
) -> list[str]:
    """Lines for one client: each changed verdict, date or funding result, and its cause."""
    from hitpath.core.engine import assess
    from hitpath.report.words import funding_text

    was = assess(old, before, as_of, detail=False)
    now = assess(new, after, as_of, detail=False)
    was_routes = {r.id: r for r in was.routes}
    now_routes = {r.id: r for r in now.routes}
    order = [r.id for r in new.routes] + [r.id for r in old.routes if r.id not in now_routes]
    lines: list[str] = []
    for route_id in order:
        a, b = was_routes.get(route_id), now_routes.get(route_id)
        old_text, new_text = _verdict_text(a), _verdict_text(b)
        if old_text == new_text:
            continue
        shown = b or a
        title = shown.short_title if shown else route_id
        lines.append(f"{title[:1].upper()}{title[1:]}: {old_text} -> {new_text}")
        lines += [f"  because {c}" for c in _route_causes(old, new, route_id, before, after,
                                                           as_of)]
    old_funding, new_funding = funding_text(was.funding), funding_text(now.funding)
    if old_funding != new_funding:
        lines.append(f"{new.funding.short_title}: {old_funding} -> {new_funding}")
        lines += [f"  because {c}" for c in _funding_causes(old, new, before, after, as_of)]
    return lines


def _route_causes(
    old: Rules, new: Rules, route_id: str, before: Answers, after: Answers, as_of: date
) -> list[str]:
    """The rule changes that moved one route's outcome for this client."""
    a = next((r for r in old.routes if r.id == route_id), None)
    b = next((r for r in new.routes if r.id == route_id), None)
    if a is None:
        return ["the route is new in the current rules"]
    if b is None:
        return ["the route is no longer in the rules"]
    causes: list[str] = []
    if evaluate(old, a.applies_when, before.values) != evaluate(new, b.applies_when,
                                                               after.values):
        causes += _condition_changes(old, new, "who the route is for", a.applies_when,
                                     b.applies_when, before, after)
    old_ids = [r.id for r in a.requirements]
    new_ids = [r.id for r in b.requirements]
    causes += [f"requirement {i} was added to the route" for i in new_ids if i not in old_ids]
    causes += [f"requirement {i} was taken off the route" for i in old_ids if i not in new_ids]
    for req_id in (i for i in new_ids if i in old_ids):
        causes += _requirement_causes(old, new, req_id, before, after, as_of)
    return list(dict.fromkeys(causes)) or ["a change elsewhere in the rules this route relies on"]


def _funding_causes(
    old: Rules, new: Rules, before: Answers, after: Answers, as_of: date
) -> list[str]:
    a, b = old.funding.requirement, new.funding.requirement
    if a.id != b.id:
        return [f"the funding rule now follows requirement {b.id} (was {a.id})"]
    return (_requirement_causes(old, new, a.id, before, after, as_of, always=True)
            or ["a change elsewhere in the rules the funding rule relies on"])


def _requirement_causes(
    old: Rules, new: Rules, req_id: str, before: Answers, after: Answers, as_of: date,
    always: bool = False,
) -> list[str]:
    """How one requirement changed, if its result for this client changed (or ``always``)."""
    from hitpath.core.engine import check_requirement, reference_date

    a, b = old.requirements[req_id], new.requirements[req_id]
    was = check_requirement(old, a, before, as_of, reference_date(old, before, as_of),
                            detail=False)
    now = check_requirement(new, b, after, as_of, reference_date(new, after, as_of),
                            detail=False)
    if not always and (was.status, was.date) == (now.status, now.date):
        return []
    causes: list[str] = []
    for name in REQUIREMENT_FIELDS:
        old_value, new_value = getattr(a, name), getattr(b, name)
        if name in ("applies_when", "met_when"):
            causes += _condition_changes(old, new, f"requirement {req_id} {name}", old_value,
                                         new_value, before, after)
        elif old_value != new_value:
            causes.append(f"requirement {req_id} {name}: {old_value} -> {new_value}")
    return causes


def _condition_changes(
    old: Rules, new: Rules, what: str, a: Condition | None, b: Condition | None,
    before: Answers, after: Answers
) -> list[str]:
    """A changed condition, and each named condition under it, that this client now meets
    differently (a change that makes no difference to them is not a cause)."""
    def differs(was: Condition | None, now: Condition | None) -> bool:
        return bool(was != now and evaluate(old, was, before.values) != evaluate(
            new, now, after.values))

    causes: list[str] = []
    if differs(a, b):
        causes.append(f"{what}: {_change(a, b)}")
    for name in dict.fromkeys([*refs_in(old.conditions, a), *refs_in(new.conditions, b)]):
        was, now = old.conditions.get(name), new.conditions.get(name)
        # A named condition added or taken out is a cause whatever this client answered.
        if was != now and (was is None or now is None or differs(was, now)):
            causes.append(f"condition {name}: {_change(was, now)}")
    return causes


def _change(was: Condition | None, now: Condition | None) -> str:
    """old -> new for a condition; for the same comparison on a list, only what moved."""
    if (isinstance(was, dict) and isinstance(now, dict) and "q" in was and "q" in now
            and was.keys() == now.keys()):
        op = next(k for k in was if k != "q")
        old_list, new_list = was.get(op), now.get(op)
        if was["q"] == now["q"] and isinstance(old_list, list) and isinstance(new_list, list):
            moved = [f"{v} added" for v in new_list if v not in old_list]
            moved += [f"{v} taken out" for v in old_list if v not in new_list]
            if moved:
                return f"{was['q']} {op} [...]: " + ", ".join(moved)
    return f"{_show(was)} -> {_show(now)}"


def _show(node: object) -> str:
    """A condition in one line, as the rules file spells it."""
    if node is None:
        return "(none)"
    if not isinstance(node, dict):
        return str(node)
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        return "(" + f" {'and' if key == 'all' else 'or'} ".join(
            _show(p) for p in node[key]) + ")"
    if "not" in node:
        return f"not {_show(node['not'])}"
    if "ref" in node:
        return str(node["ref"])
    parts = [(k, v) for k, v in node.items() if k != "q"]
    if "q" in node and parts:
        op, value = parts[0]
        shown = "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else value
        return f"{node['q']} {op} {shown}"
    return json.dumps(node, default=str)
