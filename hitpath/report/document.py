"""One report, built once from an Assessment as a list of blocks, then rendered as text,
Markdown or HTML, so every format says exactly the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field

from hitpath.core.conditions import describe_answer
from hitpath.core.dates import long_date
from hitpath.core.model import Assessment, Rules
from hitpath.report.words import day, headline, pay_range, verdict_words

TOPIC_TITLES = {
    "scope": "Where this applies",
    "route": "About your routes",
    "funding": "About the funding rule",
    "uncertain": "Not settled: check these",
    "entry": "How entry works",
    "role": "The role",
    "terms": "Terms and pay",
    "checks": "Checks before you start",
    "career": "Where it leads",
}
TOPIC_ORDER = ["scope", "route", "funding", "uncertain", "entry", "terms", "checks", "role",
               "career"]


@dataclass
class Block:
    kind: str  # title | heading | para | items | routes | warning | sources
    text: str = ""
    items: list[str] = field(default_factory=list)
    verdict: str = ""
    level: int = 2
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (id, title, url)
    rows: list[RouteRow] = field(default_factory=list)


@dataclass
class RouteRow:
    verdict: str
    title: str
    words: str
    date: str
    reason: str


def _cite(ids: tuple[str, ...] | list[str]) -> str:
    return " [" + ", ".join(ids) + "]" if ids else ""


def build(assessment: Assessment, rules: Rules) -> list[Block]:
    """The report's blocks, in reading order."""
    a = assessment
    used: list[str] = []

    def cite(ids: tuple[str, ...] | list[str]) -> str:
        used.extend(i for i in ids if i not in used)
        return _cite(ids)

    doc: list[Block] = [Block("title", "Your routes to High Intensity Therapist training")]
    doc.append(Block("para", (
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
    doc.append(Block("heading", "Summary"))
    doc.append(Block("para", headline(a, rules)))

    doc.append(Block("heading", "Routes"))
    rows = []
    for r in a.routes:
        if r.verdict == "unsure":
            facts = ", ".join(rules.question_by_id[q].fact for q in r.unknown)
            reason = f"Depends on: {facts}."
        else:
            reason = r.summary if r.verdict == "eligible" else r.reason
        if r.caveat:
            reason = f"{reason} Not settled: {r.caveat}"
        rows.append(RouteRow(r.verdict, r.title, verdict_words(r), day(r.eligible_from),
                             reason))
    doc.append(Block("routes", rows=rows))

    missing = [r for r in a.routes if r.verdict not in ("eligible", "not_eligible") and r.unmet]
    if missing:
        doc.append(Block("heading", "What is missing, and how to meet it"))
        for r in missing:
            items = []
            for u in r.unmet:
                if u.status == "unknown":
                    # Said as a question, not as a fact: an answer is missing or not sure.
                    when = f" (from {long_date(u.date)}, if it applies)" if u.date else ""
                    facts = ", ".join(rules.question_by_id[q].fact for q in u.unknown)
                    text = (f"Not known yet: {u.title}{when}. It depends on {facts}. "
                            f"How: {u.how_to_meet}")
                else:
                    when = f" (from {long_date(u.date)})" if u.date else ""
                    text = f"Missing: {u.title}{when}. {u.text} How: {u.how_to_meet}"
                caveat = rules.requirements[u.id].caveat
                if caveat:
                    text += f" Not settled: {caveat}"
                items.append(text + cite(u.sources))
            doc.append(Block("heading", r.title, level=3))
            doc.append(Block("items", items=items))

    doc.append(Block("heading", "Why"))
    for r in a.routes:
        doc.append(Block("heading", f"{r.title}: {verdict_words(r)}", level=3))
        items = [f"Because {b}." if not b.endswith(".") else f"Because {b}" for b in r.because]
        items += [f"Met: {m.text}" for m in r.met]
        doc.append(Block("items", items=items + [f"Rules: {', '.join(r.sources)}"]))
        cite(r.sources)

    f = a.funding
    doc.append(Block("heading", rules.funding.title))
    state = {"applies": "Applies to you.", "does_not_apply": "Does not apply to you.",
             "unsure": "Not settled on your answers."}[f.two_year_rule]
    if f.caveat:
        state = f"Applies to you, as far as we can tell: {f.caveat}"
    lines = [state]
    if f.nhs_funding_from:
        prefix = "If the rule applies to you, " if f.two_year_rule == "unsure" else ""
        lines.append(f"{prefix}NHS-funded high intensity training can start from "
                     f"{long_date(f.nhs_funding_from)}.")
    lines.append(f.text + cite(f.sources))
    lines += [f"Because {b}." for b in f.because if f.two_year_rule != "does_not_apply"]
    lines += f.notes
    doc.append(Block("items", items=lines))

    t = a.terms
    doc.append(Block("heading", "Trainee terms and pay"))
    pay_items = [
        f"Trainees are usually paid at band {t.trainee_band} and qualified therapists at band "
        f"{t.qualified_band}, working {t.hours_per_week:g} hours a week full-time."
        + cite(rules.terms.bands_sources + rules.terms.hours_sources),
        t.training.text + cite(t.training.sources),
    ]
    if not a.in_scope:
        pay_items.insert(0, f"These are {rules.meta.jurisdiction}'s terms and Agenda for "
                            "Change pay; other nations have their own pay scales.")
    if t.pay_year:
        est = " (estimated)" if t.estimated else ""
        pay_items.append(
            f"Agenda for Change {t.pay_year}{est}, from {day(t.pay_from)}: band {t.trainee_band} "
            f"{pay_range(t.trainee_pay)}; band {t.qualified_band} {pay_range(t.qualified_pay)} "
            "a year, full-time basic pay." + cite(t.sources))
        if t.pay_note:
            pay_items.append(t.pay_note)
    else:
        pay_items.append("The rules hold no pay table for this date.")
    if t.hcas and t.trainee_pay:
        pay_items.append(
            f"In {t.hcas.label} a High Cost Area Supplement of {t.hcas.percent:g}% of basic pay "
            "is added, within a yearly minimum and maximum; see the advert."
            + cite(rules.hcas.sources))
    doc.append(Block("items", items=pay_items))

    if a.timeline:
        doc.append(Block("heading", "Timeline"))
        steps = [(f"{long_date(e.date)}: " if e.date else "Then: ") + e.label
                 for e in a.timeline]
        steps[-1] += cite(rules.terms.timeline_sources + rules.terms.training.sources)
        doc.append(Block("timeline", items=steps))

    if a.next_steps:
        doc.append(Block("heading", "Next steps"))
        doc.append(Block("items", items=[
            "[ ] " + (f"From {long_date(s.date)}: " if s.date else "") + s.text + cite(s.sources)
            for s in a.next_steps]))

    by_topic: dict[str, list[str]] = {}
    for item in a.advice:
        by_topic.setdefault(item.topic, []).append(item.text + cite(item.sources))
    if by_topic:
        doc.append(Block("heading", "Advice"))
        for topic in TOPIC_ORDER:
            if topic in by_topic:
                doc.append(Block("heading", TOPIC_TITLES[topic], level=3))
                doc.append(Block("items", items=by_topic[topic]))

    if a.notes:
        doc.append(Block("items", items=a.notes))

    doc.append(Block("heading", "Your answers"))
    answer_items = []
    for q in rules.questions:
        if q.id in a.answers.values:
            shown = describe_answer(q, a.answers.values[q.id], q.id in a.answers.month_only)
            answer_items.append(f"{q.fact[0].upper() + q.fact[1:]}: {shown}")
    doc.append(Block("items", items=answer_items or ["No answers given."]))

    meta = rules.meta
    doc.append(Block("heading", "Sources"))
    doc.append(Block("sources", links=[
        (sid, rules.sources[sid].title, rules.sources[sid].url) for sid in used
        if sid in rules.sources]))
    if meta.does_not_cover:
        doc.append(Block("heading", "What this does not cover"))
        doc.append(Block("items", items=list(meta.does_not_cover)))
    if meta.care_signpost:
        doc.append(Block("para", meta.care_signpost))
    return doc

