"""``hitpath rules diff OLD NEW``: what an edit changes, first in the rules, then for people.

The first part lists questions, named conditions, requirements, routes, dates and pay figures,
advice and sources added, removed or changed. The second assesses people under both files and
shows whose verdicts and dates move: the given answers files, or else one person for every
outcome the exhaustive walk of either file reaches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple, cast

from hitpath.core.engine import assess
from hitpath.core.errors import HitpathError
from hitpath.core.model import Answers, Condition, Json, Rules, to_plain
from hitpath.lint.checks import Loaded, display_path
from hitpath.lint.walk import format_answer, walk
from hitpath.load.answers import coerce, from_mapping
from hitpath.load.strict import load_file
from hitpath.load.validate import CONNECTIVES, ID_SECTIONS
from hitpath.report.listing import condition_text

MAX_SHOWN = 40
"""Kinds of change shown for walked people; the rest are counted."""

def diff_rules(
    before: Loaded, after: Loaded, answers_files: list[str], as_of: date,
    budget: int | None = None,
) -> tuple[list[str], bool]:
    """The report as lines, and whether anything differs."""
    changes = rule_changes(before.data, after.data)
    lines = [f"Rules: {before.path} ({_version(before.rules)}) -> {after.path} "
             f"({_version(after.rules)})", "", "What changed in the rules:",
             *([f"  {c}" for c in changes] or ["  nothing"]), ""]
    if answers_files:
        lines.append(f"What moves for the people in the answers files (as of {as_of}):")
        moved = _answers_moves(before.rules, after.rules, answers_files, as_of, lines)
    else:
        lines.append(f"What moves for people (one for each outcome the walk reaches, as of "
                     f"{as_of}):")
        moved = _walk_moves(before.rules, after.rules, as_of, lines, budget)
    return lines, bool(changes) or moved


def _version(rules: Rules) -> str:
    meta = rules.meta
    return f"version {meta.rules_version}, reviewed {meta.reviewed.isoformat()}"


# What changed in the rules -------------------------------------------------------------

class Change(NamedTuple):
    """One change between two rules files: where it is, and what it is in words.

    ``subject`` is a dotted path into the rules (``advice.wales``, ``advice.wales.sources``,
    ``terms.pay.2026/27``, ``sources.HEIW.checked``): the rules changelog names the changes each
    of its entries covers by these paths, so whether it covers every change is mechanical.
    """

    subject: str
    text: str


# ID_SECTIONS are diffed item by item; any other section rule_change_items does not name is
# diffed generically, with its word from here, so a new section can never go unreported.
_OTHER_SECTIONS = {
    "trainings": "training", "conflicts": "conflict", "experience_roles": "experience role",
    "signposts": "signpost", "experience": "experience help", "scope_when": "scope",
    "reference_question": "reference question",
}
_HANDLED = frozenset({"meta", "conditions", "funding", "terms", "hcas", "sources",
                      *(s for s, _ in ID_SECTIONS)})
_TEXT_FIELDS = frozenset({
    "text", "help", "fact", "title", "short_title", "summary", "not_applicable", "met", "unmet",
    "how_to_meet", "caveat", "rollover_note", "label", "not_applied", "if_unsure", "note",
    "care_signpost", "publisher", "needs", "plan_help", "uncertain",
})


def rule_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Every change between two validated rules files, in the words of the domain."""
    return [c.text for c in rule_change_items(old, new)]


def rule_change_items(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change between two validated rules files, each with the path it is at."""
    out: list[Change] = []
    out += _fields("meta", "meta", old["meta"], new["meta"])
    for section, what in ID_SECTIONS:
        out += _by_id(section, what, old[section], new[section])
    out += _keyed("conditions", "named condition", old["conditions"], new["conditions"])
    out += _fields("funding", "funding rule", old["funding"], new["funding"])
    out += _pay(old["terms"]["pay"], new["terms"]["pay"])
    out += _rest("terms", "terms", old["terms"], new["terms"], "pay")
    out += _hcas_amounts(old["hcas"].get("amounts", []), new["hcas"].get("amounts", []))
    out += _rest("hcas", "high cost area supplement", old["hcas"], new["hcas"], "amounts")
    for section in dict.fromkeys([*old, *new]):
        if section not in _HANDLED:
            out += _section(section, old.get(section), new.get(section))
    out += _keyed("sources", "source", old["sources"], new["sources"])
    return out


_Items = Sequence[Mapping[str, object]]
_Keyed = Mapping[str, object]


def _section(section: str, old: object, new: object) -> list[Change]:
    """A section without a diff of its own: by id, by key, or field by field."""
    what = _OTHER_SECTIONS.get(section, section.replace("_", " "))
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and (_is_condition(old)
                                                             or _is_condition(new)):
        return [Change(section, f"{what}: {_condition_change(old, new)}")]
    items = [x for x in (old, new) if x is not None]
    if items and all(isinstance(x, list) and all(isinstance(i, dict) and "id" in i for i in x)
                     for x in items):
        return _by_id(section, what, cast(_Items, old or []), cast(_Items, new or []))
    if items and all(isinstance(x, dict) and all(isinstance(v, dict) for v in x.values())
                     for x in items) and not any(_is_condition(x) for x in items):
        return _keyed(section, what, cast(_Keyed, old or {}), cast(_Keyed, new or {}))
    if old is None or new is None:
        return [Change(section, f"{what} {'added' if old is None else 'removed'}")]
    return _fields(section, what, old, new)


def _by_id(section: str, what: str, old: _Items, new: _Items) -> list[Change]:
    before = {str(item["id"]): item for item in old}
    after = {str(item["id"]): item for item in new}
    out = _keyed(section, what, before, after)
    if [i for i in before if i in after] != [i for i in after if i in before]:
        out.append(Change(section, f"{section}: order changed"))
    return out


def _keyed(section: str, what: str, old: _Keyed, new: _Keyed) -> list[Change]:
    out = [Change(f"{section}.{k}", f"{what} '{k}' added") for k in new if k not in old]
    out += [Change(f"{section}.{k}", f"{what} '{k}' removed") for k in old if k not in new]
    for key, value in new.items():
        if key in old and old[key] != value:
            if isinstance(value, dict) and _is_condition(value):
                out.append(Change(f"{section}.{key}",
                                  f"{what} '{key}': {_condition_change(old[key], value)}"))
            else:
                out += _fields(f"{section}.{key}", f"{what} '{key}'", old[key], value)
    return out


def _fields(subject: str, owner: str, old: object, new: object) -> list[Change]:
    """Field-by-field changes of one item."""
    if old == new:
        return []
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [Change(subject, f"{owner}: {_show(old)} -> {_show(new)}")]
    out: list[Change] = []
    for key in dict.fromkeys([*old, *new]):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        name, at = f"{owner}: {key}", f"{subject}.{key}"
        if a is None:
            out.append(Change(at, f"{name} added: {_show(b)}"))
        elif b is None:
            out.append(Change(at, f"{name} removed"))
        elif key in _TEXT_FIELDS and isinstance(b, str):
            out.append(Change(at, f"{name} reworded: {_clip(b)}"))
        elif isinstance(b, dict) and _is_condition(b):
            out.append(Change(at, f"{name}: {_condition_change(a, b)}"))
        elif key == "choices":
            values_a, values_b = [c["value"] for c in a], [c["value"] for c in b]
            if values_a != values_b:  # a relabelled choice alone is not a reorder
                out += [Change(at, t) for t in _list_change(name, values_a, values_b)]
            labels_a = {c["value"]: c for c in a}
            for choice in b:
                if choice["value"] in labels_a and labels_a[choice["value"]] != choice:
                    out.append(Change(at, f"{name}: '{choice['value']}' relabelled: "
                                          f"{_clip(choice['label'])}"))
        elif isinstance(a, list) and isinstance(b, list) and all(
                not isinstance(x, dict) for x in [*a, *b]):
            out += [Change(at, t) for t in _list_change(name, a, b)]
        elif isinstance(a, dict) and isinstance(b, dict):
            out += _fields(at, name, a, b)
        else:
            out.append(Change(at, f"{name}: {_show(a)} -> {_show(b)}"))
    return out


def _rest(subject: str, owner: str, old: _Keyed, new: _Keyed, nested: str) -> list[Change]:
    """Field-by-field changes of all but ``nested``, which has a diff of its own."""
    return _fields(subject, owner, {k: v for k, v in old.items() if k != nested},
                   {k: v for k, v in new.items() if k != nested})


def _list_change(name: str, old: list[object], new: list[object]) -> list[str]:
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    out = []
    if added:
        out.append(f"{name}: now also {', '.join(map(str, added))}")
    if removed:
        out.append(f"{name}: no longer {', '.join(map(str, removed))}")
    if not added and not removed:
        out.append(f"{name}: order changed")
    return out


def _is_condition(node: object) -> bool:
    return isinstance(node, dict) and any(key in node for key in CONNECTIVES)


def _condition_change(old: object, new: object) -> str:
    """A changed condition: the values added or removed when only a list changed."""
    if (isinstance(old, dict) and isinstance(new, dict) and "q" in old and "q" in new
            and old["q"] == new["q"] and set(old) == set(new)):
        op = next(k for k in new if k != "q")
        if isinstance(old[op], list) and isinstance(new[op], list):
            parts = _list_change(f"{new['q']} {op.replace('_', ' ')}", old[op], new[op])
            return "; ".join(parts)
    return f"{condition_text(cast('Condition', old))} -> {condition_text(cast('Condition', new))}"


def _by_year(subject: str, owner: Callable[[object], str], old: _Items, new: _Items
             ) -> tuple[list[Change], list[tuple[object, _Keyed, _Keyed]]]:
    """Dated tables added or removed, by pay year, and each year's pair of tables in both."""
    before = {t["pay_year"]: t for t in old}
    after = {t["pay_year"]: t for t in new}
    out = [Change(f"{subject}.{y}", f"{owner(y)} added (from {t['effective_from']})")
           for y, t in after.items() if y not in before]
    out += [Change(f"{subject}.{y}", f"{owner(y)} removed") for y in before if y not in after]
    return out, [(y, before[y], t) for y, t in after.items() if y in before]


def _pay(old: _Items, new: _Items) -> list[Change]:
    out, kept = _by_year("terms.pay", lambda year: f"pay {year}", old, new)
    for year, was, period in kept:
        bands_old = {b["band"]: b for b in cast(_Items, was["bands"])}
        for band in cast(_Items, period["bands"]):
            at = f"terms.pay.{year}.band {band['band']}"
            prior = bands_old.get(band["band"])
            if prior is None:
                out.append(Change(at, f"pay {year}: band {band['band']} added"))
                continue
            for point in ("entry", "after_2_years", "top"):
                if prior[point] != band[point]:
                    out.append(Change(at, f"pay {year}: band {band['band']} "
                                          f"{point.replace('_', ' ')} "
                                          f"{prior[point]:,} -> {band[point]:,}"))
        out += _rest(f"terms.pay.{year}", f"pay {year}", was, period, "bands")
    return out


def _hcas_amounts(old: _Items, new: _Items) -> list[Change]:
    """Supplement limits added, removed or changed, by pay year and zone."""
    what = "high cost area supplement"
    out, kept = _by_year("hcas.amounts", lambda year: f"{what} {year} amounts", old, new)
    for year, was_table, table in kept:
        was = {z["area"]: z for z in cast(_Items, was_table["limits"])}
        for zone in cast(_Items, table["limits"]):
            prior = was.get(zone["area"])
            for bound in ("min", "max"):
                if prior is None or prior[bound] != zone[bound]:
                    shown = "none" if prior is None else f"{prior[bound]:,}"
                    out.append(Change(f"hcas.amounts.{year}.{zone['area']}",
                                      f"{what} {year}: {zone['area']} {bound}imum {shown} -> "
                                      f"{zone[bound]:,}"))
        out += _rest(f"hcas.amounts.{year}", f"{what} {year}", was_table, table, "limits")
    return out


def _show(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return condition_text(cast("Condition", value)) if _is_condition(value) else "{...}"
    return _clip(str(value))


def _clip(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


# What moves for people ------------------------------------------------------------------

Outcome = tuple[tuple[str, str, date | None], ...]
"""Each route's id, verdict and date, then the funding rule's."""


def _outcome(rules: Rules, answers: Answers, as_of: date) -> Outcome:
    result = assess(rules, answers, as_of, detail=False)
    routes = tuple((r.id, r.verdict, r.eligible_from) for r in result.routes)
    return (*routes, ("funding", result.funding.two_year_rule, result.funding.nhs_funding_from))


def _describe(outcome: Outcome) -> dict[str, str]:
    return {ident: ("rule " if ident == "funding" else "") + verdict.replace("_", " ")
            + (f" {when.isoformat()}" if when else "") for ident, verdict, when in outcome}


def _moves(old: Outcome, new: Outcome) -> list[str]:
    before, after = _describe(old), _describe(new)
    return [f"{k}: {before.get(k, 'no such route')} -> {after.get(k, 'no such route')}"
            for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]


def _answers_moves(old_rules: Rules, new_rules: Rules, files: list[str], as_of: date,
                   lines: list[str]) -> bool:
    moved = False
    for path in files:
        name = display_path(path)
        data, where = load_file(path, "answers")  # unreadable: exit 2
        outcomes: dict[str, Outcome] = {}
        for which, rules in (("OLD", old_rules), ("NEW", new_rules)):
            try:
                outcomes[which] = _outcome(rules, from_mapping(rules, data, path, where), as_of)
            except HitpathError as exc:
                lines.append(f"  {name}: not valid under the {which} rules: "
                             f"{exc.key + ': ' if exc.key else ''}{exc.message}")
                moved = True
        if len(outcomes) < 2:
            for which, valid in outcomes.items():
                shown = "; ".join(f"{k}: {v}" for k, v in _describe(valid).items())
                lines.append(f"  {name}: under the {which} rules: {shown}")
            continue
        changes = _moves(outcomes["OLD"], outcomes["NEW"])
        moved = moved or bool(changes)
        lines += [f"  {name}: {c}" for c in changes] or [f"  {name}: no change"]
    return moved


def _walk_moves(old_rules: Rules, new_rules: Rules, as_of: date, lines: list[str],
                budget: int | None = None) -> bool:
    people: dict[str, dict[str, Json]] = {}
    for rules in (old_rules, new_rules):
        for item in walk(rules, as_of, budget).classes.values():
            plain = to_plain(Answers(dict(item.answers)), rules)
            people.setdefault(repr(sorted(plain.items())), plain)
    # A new choice is walked only as its group's first member, if at all: try each walked
    # person with each new choice in its place (under OLD it is not a choice: not answered).
    added = _new_choices(old_rules, new_rules)
    for plain in list(people.values()):
        for key, values in added.items():
            if key in plain:
                for value in values:
                    variant = {**plain, key: [value] if isinstance(plain[key], list) else value}
                    people.setdefault(repr(sorted(variant.items())), variant)
    # People whose outcome moves the same way are shown once, with one of them as the example.
    patterns: dict[tuple[str, ...], list[dict[str, Json]]] = {}
    for plain in people.values():
        before = _outcome(old_rules, _fit(old_rules, plain), as_of)
        after = _outcome(new_rules, _fit(new_rules, plain), as_of)
        changes = _moves(before, after)
        if changes:
            patterns.setdefault(tuple(changes), []).append(plain)
    for shown, (pattern, who) in enumerate(patterns.items()):
        if shown == MAX_SHOWN:
            lines.append(f"  ... and {len(patterns) - shown:,} more kinds of change")
            break
        example = " ".join(f"{k}={format_answer(tuple(v) if isinstance(v, list) else v)}"
                           for k, v in who[0].items())
        lines.append(f"  {'; '.join(pattern)}")
        lines.append(f"      for {len(who):,} walked {'person' if len(who) == 1 else 'people'}, "
                     f"for example: {example}")
    moved = sum(len(who) for who in patterns.values())
    lines.append(f"  {moved:,} of {len(people):,} walked people change outcome; "
                 f"{len(people) - moved:,} stay the same.")
    return moved > 0


def _new_choices(old: Rules, new: Rules) -> dict[str, list[str]]:
    """Choice values NEW offers that OLD does not, by question."""
    found = {}
    for question in new.questions:
        before = old.question_by_id.get(question.id)
        if before is not None and question.choices:
            added = [v for v in question.values if v not in before.values]
            if added:
                found[question.id] = added
    return found


def _fit(rules: Rules, plain: Mapping[str, Json]) -> Answers:
    """Answers valid for ``rules``: keys or values the rules do not know are left out."""
    answers = Answers()
    for key, raw in plain.items():
        question = rules.question_by_id.get(key)
        if question is None:
            continue
        try:
            value, _ = coerce(question, raw)
        except ValueError:
            continue
        answers.values[key] = value
    return answers
