"""The checks of ``hitpath rules check`` that need no walk: conditions, dates, sources, texts.

Each check returns Findings that name the rule or question, its line in the file, what is
wrong and what to do. The file has already passed the load-time validation (validate.py), so
every reference resolves; these checks look for rules that load but mislead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import product
from math import prod
from typing import Any

from hitpath.core.conditions import (
    ROUTES_OPEN,
    Operand,
    comparisons_in,
    condition_sites,
    edge_values,
    evaluate,
    multi_answers,
    nodes_in,
    parts,
    questions_in,
    refs_in,
)
from hitpath.core.dates import MONTHS, add_months, long_date
from hitpath.core.model import UNSURE, BandPay, Compare, Condition, PayPeriod, Question, Rules
from hitpath.core.untrusted import visible
from hitpath.load.strict import LineMap, Path, line_of

ERROR, WARNING = "error", "warning"

SOURCE_STALE_MONTHS = 12
MAX_DOMAIN = 20_000
"""Conditions over more answer combinations than this are not tested for being constant."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect: which rule or question, where, what is wrong, and what to do."""

    code: str
    severity: str
    subject: str
    message: str
    hint: str
    path: Path = ()
    line: int | None = None


@dataclass(slots=True)
class Loaded:
    """A rules file as read for checking: raw text data, validated data, lines and rules."""

    path: str
    data: dict[str, Any]
    lines: LineMap
    rules: Rules

    def finding(self, code: str, severity: str, subject: str, message: str, hint: str,
                path: Path = ()) -> Finding:
        """A finding located at ``path`` in the file."""
        return Finding(code, severity, subject, message, hint, path,
                       line_of(self.lines, path) if path else None)


def display_path(path: str) -> str:
    """A path as a person would type it: relative to here when that is shorter."""
    if path == "-":
        return "<stdin>"
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return relative if not relative.startswith("..") else path


def static_findings(loaded: Loaded, as_of: date) -> list[Finding]:
    """Every check that needs no walk, in file order within each kind."""
    return [*unused(loaded), *constant_conditions(loaded), *pay_periods(loaded, as_of),
            *sources(loaded, as_of), *texts(loaded), *hostile_texts(loaded),
            *typed_answers(loaded)]


# Questions and named conditions ---------------------------------------------------------

def unused(loaded: Loaded) -> list[Finding]:
    """A question nothing uses only lengthens the questionnaire; a named condition nobody
    refers to is dead text that may be edited in vain. Every condition site
    (``conditions.condition_sites``) but the named table itself counts as a use."""
    rules = loaded.rules
    # The engine reads some questions without any condition: those the rules' scope looks at,
    # the one whose date requirements are judged on, and the one that picks the supplement.
    used = questions_in(rules, rules.scope_when)
    used.update(q for q in (rules.reference_question, rules.hcas.question) if q)
    used.update(req.question for req in rules.requirements.values() if req.question)
    named: set[str] = set()
    for site in condition_sites(rules):
        if site.role != "conditions":
            named.update(refs_in(rules.conditions, site.node))
            used.update(leaf["q"] for leaf in comparisons_in(rules.conditions, site.node))
    found = [
        loaded.finding(
            "unused-question", ERROR, f"question '{q.id}'",
            "no requirement, advice item, next step or condition uses its answer",
            "Use it in a condition or requirement, or remove the question.",
            ("questions", i, "id"))
        for i, q in enumerate(rules.questions) if q.id not in used
    ]
    return found + [
        loaded.finding(
            "unused-condition", WARNING, f"named condition '{name}'",
            "nothing refers to it with {ref: " + name + "}",
            "Refer to it where it is meant to apply, or remove it.", ("conditions", name))
        for name in rules.conditions if name not in named
    ]


# Constant conditions --------------------------------------------------------------------

def constant_conditions(loaded: Loaded) -> list[Finding]:
    """Conditions (or parts) that come out the same for every possible answer."""
    rules = loaded.rules
    found: list[Finding] = []

    def visit(node: Condition, path: Path, owner: str, parent_constant: bool) -> None:
        values = _outcomes(rules, node)
        constant = values is not None and len(values) == 1
        if constant and not parent_constant:
            (value,) = values or {True}
            found.append(loaded.finding(
                "constant-condition", ERROR, owner,
                f"this condition is always {'true' if value else 'false'}, whatever the answers",
                "Check the values it lists against the question's choices and limits; "
                + ("remove it if it is meant to hold for everyone."
                   if value else "as written it can never hold."),
                path))
        key = "all" if "all" in node else "any" if "any" in node else "not"
        for i, part in enumerate(parts(node)):
            where = (*path, key, i) if key != "not" else (*path, "not")
            visit(part, where, owner, constant or parent_constant)

    for site in condition_sites(rules):
        visit(site.node, site.path, site.owner, False)
    return found


def _outcomes(rules: Rules, node: Condition) -> set[bool] | None:
    """The definite values a condition takes over every answer (None: too many to try)."""
    asked: dict[str, list[Compare]] = {}
    for leaf in comparisons_in(rules.conditions, node):
        asked.setdefault(leaf["q"], []).append(leaf)
    choices = [_values(rules.question_by_id[qid], group) for qid, group in asked.items()]
    names = list(asked)
    if any("routes_open" in part for part in nodes_in(rules.conditions, node)):
        choices.append([True, False, None])
        names.append(ROUTES_OPEN)
    if prod(len(values) for values in choices) > MAX_DOMAIN:
        return None
    seen: set[bool] = set()
    for combo in product(*choices):
        answers = {name: value for name, value in zip(names, combo, strict=True)
                   if value is not None}
        result = evaluate(rules, node, answers)
        if result is not None:
            seen.add(result)
            if len(seen) == 2:
                break
    return seen or None


def _values(question: Question, leaves: list[Compare]) -> list[object]:
    """The answers worth trying for a question, to see what a condition can come out as."""
    values: list[object] = [None]
    if question.unsure_allowed and question.type in ("number", "date"):
        values.append(UNSURE)
    if question.type == "choice":
        values += list(question.values)
    elif question.type == "multi":
        values += multi_answers(question, leaves, MAX_DOMAIN)[0]
    elif question.type == "number":
        low = question.min if question.min is not None else -(10 ** 9)
        high = question.max if question.max is not None else 10 ** 9
        ends: list[Operand] = [question.min if question.min is not None else 0]
        if question.max is not None:
            ends.append(question.max)
        values += [n for n in edge_values(leaves, ends)
                   if isinstance(n, int) and low <= n <= high]
    else:
        values += [date(2000, 1, 1), *edge_values(leaves)]
    return list(dict.fromkeys(values))


# Dated tables ---------------------------------------------------------------------------

def _pay_year_start(effective: date, starts: tuple[int, int]) -> int:
    """The first calendar year of the pay year a date falls in (pay years start on the
    rules' ``pay_year_starts``)."""
    return effective.year if (effective.month, effective.day) >= starts else effective.year - 1


def pay_periods(loaded: Loaded, as_of: date) -> list[Finding]:
    """Pay tables: one per pay year, no gaps or overlaps, and one in force when it matters."""
    data = loaded.data
    periods = data["terms"]["pay"]
    terms = loaded.rules.terms
    starts_on = terms.pay_year_starts
    new_year = f"{starts_on[1]} {MONTHS[starts_on[0] - 1]}"
    found: list[Finding] = []
    starts: list[int] = []
    for i, period in enumerate(periods):
        path = ("terms", "pay", i)
        effective = date.fromisoformat(period["effective_from"])
        first = _pay_year_start(effective, starts_on)
        label = period["pay_year"]
        expected = f"{first}/{(first + 1) % 100:02d}"
        if label != expected:
            found.append(loaded.finding(
                "pay-year-mismatch", ERROR, f"pay table {label}",
                f"it takes effect on {long_date(effective)}, which is in the pay year "
                f"{expected}, not {label}",
                "Correct 'pay_year' or 'effective_from' so that they agree "
                f"(a pay year starts on {new_year}).", (*path, "pay_year")))
        if starts and first == starts[-1]:
            found.append(loaded.finding(
                "pay-overlap", ERROR, f"pay table {label}",
                f"two pay tables cover the pay year {expected}",
                "Keep one table per pay year; merge or remove the other.",
                (*path, "effective_from")))
        elif starts and first > starts[-1] + 1:
            missing = ", ".join(f"{y}/{(y + 1) % 100:02d}" for y in range(starts[-1] + 1, first))
            found.append(loaded.finding(
                "pay-gap", ERROR, f"pay table {label}",
                f"no pay table for {missing}: the figures before it would be shown for "
                "that time",
                f"Add the table for {missing} (with its source) before this one.",
                (*path, "effective_from")))
        starts.append(first)
        found += _uplift(loaded, i, terms.pay)
    reviewed = date.fromisoformat(data["meta"]["reviewed"])
    first_day = date.fromisoformat(periods[0]["effective_from"])
    last = periods[-1]
    for day, what in ((reviewed, "the review date (meta.reviewed)"), (as_of, "the date checked")):
        if day < first_day:
            found.append(loaded.finding(
                "pay-not-covered", ERROR, "pay tables",
                f"no pay table is in force on {what}, {long_date(day)}; the first starts "
                f"{long_date(first_day)}",
                "Add the pay table in force on that date.", ("terms", "pay", 0,
                                                              "effective_from")))
    if _pay_year_start(as_of, starts_on) > starts[-1]:
        found.append(loaded.finding(
            "pay-out-of-date", WARNING, f"pay table {last['pay_year']}",
            f"the newest pay table is for {last['pay_year']}, which ended before "
            f"{long_date(as_of)}",
            f"Add the current pay year's table from the {terms.pay_scale} pay award, with its "
            "source.", ("terms", "pay", len(periods) - 1, "pay_year")))
    return found


def _uplift(loaded: Loaded, index: int, periods: tuple[PayPeriod, ...]) -> list[Finding]:
    """Each figure should follow the previous year's by the stated uplift (catches typos)."""
    if index == 0:
        return []
    period = periods[index]
    rate = 1 + period.uplift_percent / 100
    found = []
    for j, band in enumerate(period.bands):
        old = periods[index - 1].band(band.band)
        if old is None:
            continue
        # every pay point of the table, after the band
        for point, was, now in zip(BandPay._fields[1:], old[1:], band[1:], strict=True):
            expected = was * rate
            if abs(now - expected) > max(2.0, expected * 0.005):
                found.append(loaded.finding(
                    "pay-figure", WARNING, f"pay table {period.pay_year}",
                    f"band {band.band} {point.replace('_', ' ')} is {now:,}; "
                    f"{was:,} plus {period.uplift_percent:g}% is about "
                    f"{round(expected):,}",
                    "Check the figure against the source, and 'uplift_percent' against the pay "
                    "award.", ("terms", "pay", index, "bands", j, point)))
    return found


# Sources and review dates ---------------------------------------------------------------

def sources(loaded: Loaded, as_of: date) -> list[Finding]:
    """Every source reachable (https), recently checked and used; the rules recently reviewed."""
    from hitpath.report.listing import source_uses

    data = loaded.data
    found: list[Finding] = []
    meta = data["meta"]
    reviewed = date.fromisoformat(meta["reviewed"])
    every = meta.get("review_every_months", 6)
    if add_months(reviewed, every) < as_of:
        found.append(loaded.finding(
            "review-overdue", WARNING, "meta.reviewed",
            f"the rules were last reviewed on {long_date(reviewed)}, more than {every} months "
            f"before {long_date(as_of)}",
            "Check the rules against their sources (and any new pay award), then update "
            "meta.reviewed.", ("meta", "reviewed")))
    if reviewed > as_of:
        found.append(loaded.finding(
            "date-in-future", WARNING, "meta.reviewed",
            f"the review date {long_date(reviewed)} is after the date checked",
            "Use the date the review was done.", ("meta", "reviewed")))
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(meta["data_as_of"])):
        found.append(loaded.finding(
            "data-as-of", ERROR, "meta.data_as_of", "expected the month of the newest source, "
            "written YYYY-MM", "For example: data_as_of: \"2026-03\".", ("meta", "data_as_of")))
    uses = source_uses(loaded.rules)
    for sid, source in data["sources"].items():
        path = ("sources", sid)
        if not source["url"].startswith("https://"):
            found.append(loaded.finding(
                "source-not-https", ERROR, f"source '{sid}'",
                "its URL is not an https address",
                "Use the https:// address of the page (check that it opens).", (*path, "url")))
        checked = date.fromisoformat(source["checked"])
        if add_months(checked, SOURCE_STALE_MONTHS) < as_of:
            found.append(loaded.finding(
                "source-stale", WARNING, f"source '{sid}'",
                f"last checked on {long_date(checked)}, more than {SOURCE_STALE_MONTHS} months "
                "ago", "Open the page, check what the rules take from it, and update 'checked'.",
                (*path, "checked")))
        elif checked > as_of:
            found.append(loaded.finding(
                "date-in-future", WARNING, f"source '{sid}'",
                f"its checked date {long_date(checked)} is after the date checked",
                "Use the date the page was last read.", (*path, "checked")))
        if not uses.get(sid):
            found.append(loaded.finding(
                "unused-source", WARNING, f"source '{sid}'",
                "nothing in the rules cites it",
                "Cite it where the rules rely on it, or remove it.", path))
    return found


# Plain-language lint of what people read ------------------------------------------------

LABEL, QUESTION, HELP, SENTENCE, LONG = "label", "question", "help", "sentence", "long"
MAX_CHARS = {LABEL: 80, QUESTION: 160, HELP: 300, SENTENCE: 300, LONG: 450}
MAX_SENTENCE_WORDS = 45
_KIND_NAMES = {LABEL: "titles and labels", QUESTION: "questions", HELP: "help texts",
               SENTENCE: "texts like this", LONG: "advice texts"}

KNOWN_ABBREVIATIONS = frozenset("""
    BABCP BACP CAAP EMHP HCAS HEIW MBACP NHSE OISC UKCP UCAS YYYY
""".split())
"""Abbreviations of four or more capitals, with a vowel, that are not shouting words (those
without a vowel, like PTSD, and those spelt out in brackets or in a source are known anyway)."""

SHOUTING = frozenset("""
    ALL AND ARE CAN CANNOT DO DON'T ELIGIBLE FAIL FAILED FREE IMPORTANT INELIGIBLE MUST NEVER
    NO NONE NOT NOTE NOW ONLY OR PASS PASSED REJECTED STOP THE URGENT WARNING WILL YES YOU
""".split())
"""Ordinary words that read as shouting in capitals, however short."""

_CAPS = re.compile(r"\b[A-Z][A-Z']*[A-Z]\b")
_PLACEHOLDER = re.compile(r"\b(TODO|TBD|TBC|FIXME|XXX+)\b|lorem ipsum|\?\?", re.IGNORECASE)
_VOWELS = re.compile(r"[AEIOUY]")
_JUDGEMENT = re.compile(r"\byou (should|must|ought to)\b", re.IGNORECASE)


def user_texts(data: dict[str, Any]) -> Iterator[tuple[Path, str, str, str]]:
    """Every text a person reads: its path, owner, kind (label, sentence...) and the text."""
    meta = data["meta"]
    yield ("meta", "title"), "meta", LABEL, meta["title"]
    for i, text in enumerate(meta.get("does_not_cover", [])):
        yield ("meta", "does_not_cover", i), "meta", SENTENCE, text
    if meta.get("care_signpost"):
        yield ("meta", "care_signpost"), "meta", SENTENCE, meta["care_signpost"]
    for i, q in enumerate(data["questions"]):
        owner = f"question '{q['id']}'"
        yield ("questions", i, "text"), owner, QUESTION, q["text"]
        if q.get("help"):
            yield ("questions", i, "help"), owner, HELP, q["help"]
        yield ("questions", i, "fact"), owner, LABEL, q["fact"]
        for j, choice in enumerate(q.get("choices", [])):
            yield ("questions", i, "choices", j, "label"), owner, LABEL, choice["label"]
    for i, req in enumerate(data["requirements"]):
        owner = f"requirement '{req['id']}'"
        yield ("requirements", i, "title"), owner, LABEL, req["title"]
        for key in ("met", "unmet", "how_to_meet", "caveat", "rollover_note"):
            if req.get(key):
                yield ("requirements", i, key), owner, SENTENCE, req[key]
    for i, route in enumerate(data["routes"]):
        owner = f"route '{route['id']}'"
        for key in ("title", "short_title"):
            yield ("routes", i, key), owner, LABEL, route[key]
        for key in ("summary", "not_applicable"):
            yield ("routes", i, key), owner, SENTENCE, route[key]
    funding = data["funding"]
    yield ("funding", "title"), "funding", LABEL, funding["title"]
    for key in ("summary", "not_applied", "if_unsure"):
        yield ("funding", key), "funding", SENTENCE, funding[key]
    terms = data["terms"]
    yield ("terms", "training", "text"), "terms", SENTENCE, terms["training"]["text"]
    for i, period in enumerate(terms["pay"]):
        if period.get("note"):
            yield ("terms", "pay", i, "note"), f"pay table {period['pay_year']}", SENTENCE, \
                period["note"]
    yield ("hcas", "text"), "hcas", SENTENCE, data["hcas"]["text"]
    for i, zone in enumerate(data["hcas"]["zones"]):
        yield ("hcas", "zones", i, "label"), "hcas", LABEL, zone["label"]
    for section, what in (("advice", "advice item"), ("next_steps", "next step")):
        for i, item in enumerate(data[section]):
            yield (section, i, "text"), f"{what} '{item['id']}'", LONG, item["text"]


def texts(loaded: Loaded) -> list[Finding]:
    """Plain-language lint: no shouting, closing full stops, sensible lengths."""
    data = loaded.data
    known = set(KNOWN_ABBREVIATIONS)
    for source in data["sources"].values():
        known.update(_CAPS.findall(f"{source['title']} {source['publisher']}"))
    for _, _, _, text in user_texts(data):
        known.update(re.findall(r"\(([A-Z][A-Z']*[A-Z])\)", text))  # "(RMN)" defines RMN
    found: list[Finding] = []

    def add(code: str, severity: str, owner: str, path: Path, message: str, hint: str) -> None:
        found.append(loaded.finding(code, severity, owner, message, hint, path))

    for path, owner, kind, text in user_texts(data):
        field = str(path[-1]) if not isinstance(path[-1], int) else str(path[-2])
        words = sorted({w for w in _CAPS.findall(text) if w in SHOUTING or (
            len(w) >= 4 and w not in known and _VOWELS.search(w))})
        if words:
            add("text-shouting", ERROR, owner, path,
                f"'{field}' has words in capitals: {', '.join(words)}",
                "Write them in lower case: capitals read as shouting. If one is an "
                "abbreviation, spell it out in a source's title or publisher.")
        if "!" in text:
            add("text-exclamation", ERROR, owner, path, f"'{field}' has an exclamation mark",
                "Say it calmly, with a full stop.")
        placeholder = _PLACEHOLDER.search(text)
        if placeholder:
            add("text-placeholder", ERROR, owner, path,
                f"'{field}' still has a placeholder ({placeholder.group(0)})",
                "Write the final text.")
        judgement = _JUDGEMENT.search(text)
        if judgement:
            add("text-judgement", ERROR, owner, path, f"'{field}' says '{judgement.group(0)}'",
                "Say what the rules and sources say, and let the person decide.")
        if text != text.strip() or "  " in text:
            add("text-spacing", WARNING, owner, path, f"'{field}' has stray spaces",
                "Remove spaces at the ends and doubled spaces.")
        ending = text.rstrip().rstrip(")\"'\u2019\u201d")[-1:]
        if kind == LABEL and text.rstrip().endswith("."):
            add("label-full-stop", WARNING, owner, path,
                f"'{field}' is a title or label but ends with a full stop",
                "Remove the full stop: labels are not sentences.")
        elif kind == QUESTION and ending not in (".", "?"):
            add("text-full-stop", ERROR, owner, path,
                f"'{field}' does not end with a question mark or full stop",
                "End the question with '?'.")
        elif kind in (HELP, SENTENCE, LONG) and ending not in (".", "?"):
            add("text-full-stop", ERROR, owner, path, f"'{field}' does not end with a full stop",
                "End the sentence with a full stop.")
        if len(text) > MAX_CHARS[kind]:
            add("text-too-long", WARNING, owner, path,
                f"'{field}' is {len(text)} characters; keep {_KIND_NAMES[kind]} to "
                f"{MAX_CHARS[kind]}",
                "Shorten it, or split it into two items.")
        longest = max((len(s.split()) for s in re.split(r"(?<=[.?!;:])\s+", text)), default=0)
        if longest > MAX_SENTENCE_WORDS:
            add("text-long-sentence", WARNING, owner, path,
                f"'{field}' has a sentence of {longest} words; keep sentences to "
                f"{MAX_SENTENCE_WORDS}", "Split the sentence.")
    return found


# Text that would mislead a terminal or a report, and answers no one can type ---------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      r"\u2066-\u2069\u2028\u2029\ufeff]")
_MARKUP = re.compile(r"\[[^\]\n]*\]|</?[A-Za-z!][^>]*>?")
_SCHEME = re.compile(r"\b(?!https://)[A-Za-z][A-Za-z0-9+.-]*:(?://|[^\s:]*\()|"
                     r"\b(?:javascript|vbscript|data|file):", re.IGNORECASE)


def _strings(data: object) -> Iterator[tuple[Path, str]]:
    """Every string in the rules (keys' values and list items) with its path, without
    recursion: a crafted file cannot drive it deep."""
    stack: list[tuple[Path, object]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            yield path, node
        elif isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in reversed(list(node.items())))
            stack.extend(((*path, k), k) for k in node if isinstance(k, str)
                         and _CONTROL.search(k))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))


def hostile_texts(loaded: Loaded) -> list[Finding]:
    """Text that a terminal would obey or a report would read as markup or a link: control
    characters, [bracketed] words (rich markup, Markdown links), <tags>, non-https links."""
    found: list[Finding] = []
    for path, text in _strings(loaded.data):
        where = ".".join(str(p) for p in path) or "(top level)"
        if path[-1:] == ("url",) and path[:1] == ("sources",):
            continue  # checked as a source's address (source-not-https)
        control = _CONTROL.search(text)
        if control:
            found.append(loaded.finding(
                "text-control", ERROR, where,
                f"it holds the control character U+{ord(control.group(0)):04X}, which a "
                "terminal could obey", "Remove it: rules text is plain words.", path))
        markup = _MARKUP.search(text)
        if markup:
            found.append(loaded.finding(
                "text-markup", ERROR, where,
                f"{visible(markup.group(0)[:40])!r} reads as markup (a colour terminal or a "
                "report would hide or change it)",
                "Use round brackets, or write it out in words.", path))
        link = _SCHEME.search(text)
        if link:
            found.append(loaded.finding(
                "text-link", ERROR, where,
                f"it holds a link that is not https ({visible(link.group(0)[:40])})",
                "Link only to https:// addresses, and cite pages as sources.", path))
    return found


def typed_answers(loaded: Loaded) -> list[Finding]:
    """Choice values that no one could type (in a list, a CSV cell or --set), and number
    questions whose smallest allowed answer is above the largest."""
    found: list[Finding] = []
    for i, q in enumerate(loaded.data["questions"]):
        owner = f"question '{q['id']}'"
        for j, choice in enumerate(q.get("choices", [])):
            value = choice["value"]
            if (not value or value != value.strip() or any(c in value for c in ",;\t\n")
                    or _CONTROL.search(value)):
                found.append(loaded.finding(
                    "choice-untypeable", ERROR, owner,
                    f"the choice value {visible(value)!r} cannot be typed as an answer (it is "
                    "empty, has spaces at its ends, a comma, semicolon or control character)",
                    "Use a plain word such as 'not_sure' as the value; the label is what "
                    "people read.", ("questions", i, "choices", j, "value")))
        low, high = q.get("min"), q.get("max")
        if low is not None and high is not None and low > high:
            found.append(loaded.finding(
                "min-above-max", ERROR, owner,
                f"its min ({low}) is above its max ({high}), so no answer is allowed",
                "Swap them, or correct the one that is wrong.", ("questions", i, "min")))
    return found
