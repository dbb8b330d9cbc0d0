"""One report, built once from an Assessment as a list of blocks, then rendered as text,
Markdown or HTML, so every format says exactly the same thing.

By default it is the one-page answer: the summary line, the routes with their verdicts and
dates, what is missing and how to meet it, the next intake, the next three steps and the
points to check. ``full=True`` adds the reasons, the funding rule, terms and pay, the
timeline, every next step and piece of advice, the answers given and every source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from hitpath.core.conditions import describe_answer, evaluate
from hitpath.core.dates import long_date
from hitpath.core.model import (
    Assessment,
    RequirementResult,
    RouteResult,
    Rules,
    first_by_intake,
)
from hitpath.report.words import (
    and_list,
    caution_text,
    headline,
    intake_lines,
    pay_range,
    timeline_text,
    timeline_when,
    verdict_tag,
    verdict_words,
)

TOPIC_TITLES = {  # in the order the full report shows them
    "scope": "Where this applies",
    "route": "About your routes",
    "funding": "About the funding rule",
    "uncertain": "Not settled: check these",
    "entry": "How entry works",
    "terms": "Terms and pay",
    "checks": "Checks before you start",
    "role": "The role",
    "career": "Where it leads",
}
# Advice on these topics is what a person must check before relying on the answer, so the
# one-page answer shows it; the rest waits for the full report.
CHECK_TOPICS = ("scope", "uncertain")
# The one-page answer lists this many next steps; the full report lists them all.
STEPS_ON_ONE_PAGE = 3

ANSWER_HEADING = "Your answer"
# How to see everything: in the terminal, the command; in a file handed to someone, in words
# that fit a hand-out (the reader may never run hitpath).
FULL_HINT = ("For the reasons, funding rule, pay, timeline and sources, run the same command "
             "with --full.")
# In the questionnaire the way to everything is its own menu choice, not a command.
FULL_HINT_ASKED = "For the reasons, pay, timeline and sources, choose \"Show everything\" below."
FULL_HINT_EXPORT = ("This is the short answer. The full report adds the reasons, the funding "
                    "rule, pay, a timeline, all the advice and the sources.")


@dataclass(frozen=True)
class Line:
    """A sentence and the ids of the sources it rests on (shown as linked citations)."""

    text: str
    sources: tuple[str, ...] = ()


class _Cite(Protocol):
    """The line-maker ``build`` hands its helpers: it records each source a line cites."""

    def __call__(self, text: str, sources: tuple[str, ...] | list[str] = ..., /) -> Line: ...


@dataclass
class RouteRow:
    verdict: str
    title: str
    words: str  # the verdict in words, with its date: "Not yet: from 14 July 2025"
    tag: str  # the verdict's first words, for a tag: "Not yet"
    detail: str  # the rest: "from 14 July 2025"
    reason: str
    caveat: str | None = None


@dataclass
class Block:
    """One piece of the report; renderers map each kind to their own form.

    Kinds: title, meta (when and with which rules), answer (the summary line), heading,
    para, warning, routes, items (a list), steps (a checklist), timeline, inset (set apart:
    the next intake, the pointer to the full report), sources (with its own heading).
    """

    kind: str
    text: str = ""
    items: list[Line] = field(default_factory=list)
    level: int = 2
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (id, title, url)
    rows: list[RouteRow] = field(default_factory=list)
    brief: bool = False  # sources in the one-page answer: a terminal, which cannot link
    # a citation to its entry, leaves them to the full report
    terminal: str = ""  # the text for a terminal, when it differs from a file's


def cite_text(line: Line) -> str:
    """A line with its citations in brackets, for the text formats: 'Text. [HEE-2022]'."""
    return line.text + (" [" + ", ".join(line.sources) + "]" if line.sources else "")


def build(assessment: Assessment, rules: Rules, full: bool = False) -> list[Block]:
    """The report's blocks, in reading order: the one-page answer, or everything."""
    a = assessment
    used: list[str] = []

    def line(text: str, sources: tuple[str, ...] | list[str] = ()) -> Line:
        used.extend(i for i in sources if i not in used)
        return Line(text, tuple(sources))

    doc: list[Block] = [Block("title", rules.meta.report_title)]
    doc.append(Block("meta", (
        f"Checked on {long_date(a.as_of)}"
        + (f" for a course starting {long_date(a.reference_date)}"
           if a.reference_date != a.as_of else "")
        + f". Rules {a.rules_version}, last reviewed {long_date(a.rules_reviewed)}; "
        f"data as of {a.data_as_of}.")))
    if a.review_overdue:
        doc.append(Block("warning", (
            f"These rules were last reviewed on {long_date(a.rules_reviewed)}, more than "
            f"{rules.meta.review_every_months} months before this check. Pay and policy may "
            "have changed since; check the sources.")))
    doc.append(Block("answer", headline(a, rules)))
    if a.in_scope:
        _answer(doc, a, rules, line, full)
    else:
        _outside(doc, a, line)
    # Outside the rules' scope the links are the point, so the sources show even on one page
    # in a terminal.
    doc.append(Block("sources", "Sources", brief=a.in_scope and not full, links=[
        (sid, rules.sources[sid].title, rules.sources[sid].url) for sid in used
        if sid in rules.sources]))
    if full and a.in_scope and rules.meta.does_not_cover:
        doc.append(Block("heading", "What this does not cover"))
        doc.append(Block("items", items=[Line(t) for t in rules.meta.does_not_cover]))
    # The closing care signpost, where the rules say its services are.
    if rules.meta.care_signpost and evaluate(rules, rules.meta.care_when,
                                             a.answers.values) is not False:
        doc.append(Block("para", rules.meta.care_signpost))
    return doc


def _answer(doc: list[Block], a: Assessment, rules: Rules, line: _Cite, full: bool) -> None:
    """The answer for someone the rules cover: routes, what is missing, the first intake, next
    steps and what to check, then everything else with ``full``."""
    doc.append(Block("heading", "Routes"))
    doc.append(Block("routes", rows=[_route_row(r, rules) for r in a.routes]))

    missing = [r for r in a.routes if r.verdict not in ("eligible", "not_eligible") and r.unmet]
    if missing:
        doc.append(Block("heading", "What is missing, and how to meet it"))
        for r in missing:
            doc.append(Block("heading", r.title, level=3))
            # On one page, of the dated requirements only the one that sets the date.
            binding = [u for u in r.unmet if full or u.status != "dated"
                       or r.eligible_from is None or u.date == r.eligible_from]
            doc.append(Block("items", items=[
                line(_missing(u, rules, full), u.sources) for u in binding]))

    first = first_by_intake(a.routes)
    if first is not None:
        doc.append(Block("heading", f"Your first intake, by the {first.short_title}"))
        doc.append(Block("items", items=[line(t) for t in intake_lines(first)]))

    if a.next_steps:
        shown = a.next_steps if full else a.next_steps[:STEPS_ON_ONE_PAGE]
        doc.append(Block("heading", "Next steps"))
        doc.append(Block("steps", items=[
            line((f"From {long_date(s.date)}: " if s.date else "") + s.text, s.sources)
            for s in shown]))

    # A caveat already said beside a missing requirement is not said twice.
    said = {rules.requirements[u.id].caveat for r in missing for u in r.unmet}
    checks = [line(caution_text(note)) for note in a.notes]
    checks += [line(item.text, item.sources) for topic in CHECK_TOPICS
               for item in a.advice if item.topic == topic and item.text not in said]
    # Advice the rules flag as one a person must know before acting, whatever its topic
    # (so the full report does not say it again under its topic).
    checks += [line(item.text, item.sources) for item in a.advice
               if item.one_page and item.topic not in CHECK_TOPICS and item.text not in said]
    if checks:
        doc.append(Block("heading", "Check these before you rely on it"))
        doc.append(Block("items", items=checks))

    if full:
        _everything_else(doc, a, rules, line)
    else:
        doc.append(Block("inset", FULL_HINT_EXPORT, terminal=FULL_HINT))


def _outside(doc: list[Block], a: Assessment, line: _Cite) -> None:
    """The short report for someone the rules do not cover (outside England): the body to
    contact, with its link and source, and nothing about routes, pay or questions that only
    apply inside; the same with or without ``full``, as there is nothing more to show."""
    doc.append(Block("heading", "Who to contact" if a.next_steps else "Where you want to work"))
    doc.append(Block("items", items=[
        *(line(s.text, s.sources) for s in a.next_steps),
        *(line(item.text, item.sources) for item in a.advice if item.topic == "scope")]))


def _route_row(r: RouteResult, rules: Rules) -> RouteRow:
    if r.verdict == "unsure":
        facts = ", ".join(rules.question_by_id[q].fact for q in r.unknown)
        reason = f"Depends on: {facts}."
    else:
        reason = r.summary if r.verdict == "eligible" else r.reason
    tag, detail = verdict_tag(r)
    return RouteRow(r.verdict, r.title, verdict_words(r), tag, detail, reason, r.caveat)


def _missing(u: RequirementResult, rules: Rules, full: bool) -> str:
    """One missing requirement: what, from when, and how to meet it (and why, in full)."""
    if u.status == "unknown":
        title = _in_sentence(u.title)
        # Said as a question, not as a fact: an answer is missing or not sure. The answers it
        # turns on are named unless the requirement's own title already names them.
        when = f" (from {long_date(u.date)}, if it applies)" if u.date else ""
        facts = [rules.question_by_id[q].fact for q in u.unknown]
        named = [f for f in facts if f.removeprefix("your ").lower() not in title.lower()]
        depends = f" That depends on {and_list(named)}." if named else ""
        text = (f"Not known yet whether you meet this: {title}{when}.{depends} "
                f"How: {u.how_to_meet}")
    else:
        when = f" (from {long_date(u.date)})" if u.date else ""
        why = f" {u.text}" if full else ""
        text = f"Missing: {u.title}{when}.{why} How: {u.how_to_meet}"
    caveat = rules.requirements[u.id].caveat
    return text + (f" Not settled: {caveat}" if caveat else "")


def _in_sentence(title: str) -> str:
    """A requirement's title inside a sentence: 'A KSA portfolio under way' -> 'a KSA
    portfolio under way' (a word in capitals, such as 'KSA', keeps them)."""
    first = title.split(" ", 1)[0]
    return title if first[1:2].isupper() else title[:1].lower() + title[1:]


def _everything_else(doc: list[Block], a: Assessment, rules: Rules, line: _Cite) -> None:
    """The full report's sections after the one-page answer."""
    doc.append(Block("heading", "Why"))
    for r in a.routes:
        doc.append(Block("heading", f"{r.title}: {verdict_words(r)}", level=3))
        row = _route_row(r, rules)
        items = [Line(row.reason + (f" Not settled: {r.caveat}" if r.caveat else ""))]
        items += [Line(f"Because {b}." if not b.endswith(".") else f"Because {b}")
                  for b in r.because]
        items += [Line(f"Met: {m.text}") for m in r.met]
        doc.append(Block("items", items=[*items, line("Rules:", r.sources)]))

    f = a.funding
    doc.append(Block("heading", rules.funding.title))
    state = {"applies": "Applies to you.", "does_not_apply": "Does not apply to you.",
             "unsure": "Not settled on your answers."}[f.two_year_rule]
    # A caveat replaces it: the rules word it with the same certainty as the route's caveat.
    lines = [line(f.caveat, f.caveat_sources) if f.caveat else Line(state)]
    if f.nhs_funding_from:
        prefix = "If the rule applies to you, " if f.two_year_rule == "unsure" else ""
        lines.append(Line(f"{prefix}NHS-funded high intensity training can start from "
                          f"{long_date(f.nhs_funding_from)}."))
    lines.append(line(f.text, f.sources))
    lines += [Line(f"Because {b}.") for b in f.because if f.two_year_rule != "does_not_apply"]
    lines += [Line(n) for n in f.notes]
    doc.append(Block("items", items=lines))

    t = a.terms
    doc.append(Block("heading", "Trainee terms and pay"))
    pay_items = [
        line(f"Trainees are usually paid at band {t.trainee_band} and qualified therapists at "
             f"band {t.qualified_band}, working {t.hours_per_week:g} hours a week full-time.",
             rules.terms.bands_sources + rules.terms.hours_sources),
        line(t.training.text, t.training.sources),
    ]
    if not a.in_scope:
        pay_items.insert(0, Line(f"These are {rules.meta.jurisdiction}'s terms and "
                                 f"{rules.terms.pay_scale} pay; other nations have their own "
                                 "pay scales."))
    if t.pay_year:
        est = " (estimated)" if t.estimated else ""
        since = long_date(t.pay_from) if t.pay_from else ""
        pay_items.append(line(
            f"{rules.terms.pay_scale} {t.pay_year}{est}, from {since}: band {t.trainee_band} "
            f"{pay_range(t.trainee_pay)}; band {t.qualified_band} {pay_range(t.qualified_pay)} "
            "a year, full-time basic pay.", t.sources))
        if t.pay_note:
            pay_items.append(Line(t.pay_note))
    else:
        pay_items.append(Line("The rules hold no pay table for this date."))
    if t.hcas and t.hcas_pay:
        h = t.hcas_pay
        pay_items.append(line(
            f"In {t.hcas.label} a High Cost Area Supplement of {t.hcas.percent:g}% of basic pay "
            f"is added, at least £{h.minimum:,} and at most £{h.maximum:,} a year in "
            f"{h.pay_year}: about £{h.trainee_entry:,} a year on the band {t.trainee_band} "
            "entry point.", (*rules.hcas.sources, *h.sources)))
    elif t.hcas and t.trainee_pay:
        pay_items.append(line(
            f"In {t.hcas.label} a High Cost Area Supplement of {t.hcas.percent:g}% of basic pay "
            "is added, within a yearly minimum and maximum; see the advert.",
            rules.hcas.sources))
    doc.append(Block("items", items=pay_items))

    if a.timeline:
        doc.append(Block("heading", "Timeline"))
        steps = [Line(f"{timeline_when(e)}: {timeline_text(e, rules)}")
                 for e in a.timeline]
        steps[-1] = line(steps[-1].text,
                         rules.terms.timeline_sources + rules.terms.training.sources)
        doc.append(Block("timeline", items=steps))

    by_topic: dict[str, list[Line]] = {}
    for item in a.advice:
        if item.topic not in CHECK_TOPICS and not item.one_page:  # said under the checks
            by_topic.setdefault(item.topic, []).append(line(item.text, item.sources))
    if by_topic:
        doc.append(Block("heading", "Advice"))
        for topic, title in TOPIC_TITLES.items():
            if topic in by_topic:
                doc.append(Block("heading", title, level=3))
                doc.append(Block("items", items=by_topic[topic]))

    doc.append(Block("heading", "Your answers"))
    answer_items = [
        Line(f"{q.fact[0].upper() + q.fact[1:]}: "
             + describe_answer(q, a.answers.values[q.id], q.id in a.answers.month_only))
        for q in rules.questions if q.id in a.answers.values]
    doc.append(Block("items", items=answer_items or [Line("No answers given.")]))


def anchor(source_id: str) -> str:
    """The fragment id of a source's entry in the sources list: 'src-HEE-2022'.

    Letters, digits and '-' are kept; anything else is spelled as _hex_, so two ids never
    share an anchor and nothing from the rules can break out of an attribute.
    """
    return "src-" + "".join(c if c.isascii() and (c.isalnum() or c == "-") else
                            f"_{ord(c):x}_" for c in source_id)
