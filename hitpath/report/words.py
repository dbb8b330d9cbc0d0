"""The words every renderer shares: verdicts, the summary line, money and dates."""

from __future__ import annotations

from datetime import date

from hitpath.core.dates import MONTHS, long_date, month_year
from hitpath.core.model import (
    Assessment,
    BandPay,
    Caution,
    FundingResult,
    RequirementResult,
    RouteResult,
    Rules,
    TimelineEvent,
    Verdict,
)
from hitpath.core.verdicts import best_of, counts_on_of

SYMBOL = {
    "eligible": "✓",
    "eligible_from": "◷",
    "not_yet": "…",
    "not_eligible": "–",
    "unsure": "?",
}
ASCII_SYMBOL = {
    "eligible": "[+]",
    "eligible_from": "[~]",
    "not_yet": "[~]",
    "not_eligible": "[-]",
    "unsure": "[?]",
}


VERDICT_TEXT = {"eligible": "Eligible now", "not_yet": "Not yet",
                "unsure": "Not decided: depends on your answers"}


def verdict_text(verdict: str, when: date | None = None) -> str:
    """A verdict in impartial words, never 'INELIGIBLE' (one table for every face)."""
    if verdict == "eligible_from" and when:
        return f"Not yet: from {long_date(when)}"
    return VERDICT_TEXT.get(verdict, "Not for you on these answers")


def funding_text(funding: FundingResult) -> str:
    """The funding rule's state in words, with its date when there is one."""
    rule, when = funding.two_year_rule, funding.nhs_funding_from
    words = {"applies": "applies", "does_not_apply": "does not apply",
             "unsure": "not decided"}.get(rule, rule)
    return f"{words}, NHS funding from {long_date(when)}" if when else words


def verdict_words(route: RouteResult) -> str:
    """A route's verdict in words; 'not yet' names the first thing missing."""
    if route.verdict == "not_yet":
        needs = [u.title for u in route.unmet if u.status in ("unmet", "dated")]
        return "Not yet: needs " + needs[0][:1].lower() + needs[0][1:] if needs else "Not yet"
    return verdict_text(route.verdict, route.eligible_from)


VERDICT_TAGS = ("Eligible now", "Not yet", "Not decided", "Not for you")


def verdict_tag(route: RouteResult) -> tuple[str, str]:
    """The verdict as a short tag and the words after it: ('Not yet', 'from 14 July 2025')."""
    words = verdict_words(route)
    tag = next(tag for tag in VERDICT_TAGS if words.startswith(tag))  # every verdict has one
    return tag, words[len(tag):].lstrip(":").strip()


def headline(assessment: Assessment, rules: Rules) -> str:
    """One line that answers the question first, about the best route (``verdicts.best_of``);
    answers that cannot both be true are named before anything else."""
    line = _headline(assessment, rules)
    if assessment.conflicts:
        texts = " ".join(c.text for c in assessment.conflicts)
        return f"Check your answers first: {texts} Until then: {line}"
    return line


def _headline(assessment: Assessment, rules: Rules) -> str:
    routes = assessment.routes
    if not assessment.in_scope:
        return outside_answer(rules)
    best = best_of(routes)
    if best is None:
        return "No route is open on these answers; see the other roles worth a look."
    if best.verdict == Verdict.ELIGIBLE:
        now = [r for r in routes if r.verdict == Verdict.ELIGIBLE]
        line = "Eligible now by the " + " and the ".join(r.short_title for r in now) + "."
        caveats = [r.caveat for r in now if r.caveat]
        return line + (" Not settled: " + " ".join(caveats) if caveats else "")
    if best.verdict == Verdict.ELIGIBLE_FROM and best.eligible_from:
        funding = assessment.funding
        funded = (" NHS-funded training" if funding.two_year_rule == "applies"
                  and funding.nhs_funding_from == best.eligible_from else "")
        sets = counts_on_of(rules, [best], best.eligible_from)
        keep = rules.requirements[sets].counts_on if sets else None
        return (f"Not yet:{funded} from {long_date(best.eligible_from)} by the {best.short_title}"
                f"{', ' + keep if keep else ''}.")
    firm = assessment.not_before
    counts_on = counts_on_of(rules, routes, firm)
    firm_words = not_before_words(rules, firm, counts_on) if firm else ""
    if best.verdict == Verdict.NOT_YET:
        return not_yet_answer(rules, best.short_title, firm, counts_on)
    unsure = [r for r in routes if r.verdict == Verdict.UNSURE]
    deciding = list(dict.fromkeys(q for r in unsure for q in r.unknown))
    facts = [rules.question_by_id[q].fact for q in deciding]
    if firm:
        return f"{firm_words}; after that it depends on {and_list(facts)}."
    return f"Not decided yet: it depends on {and_list(facts)}."


def outside_answer(rules: Rules) -> str:
    """The answer for someone outside the rules' scope: no verdict, where the posts are."""
    return (f"This tool covers {rules.meta.jurisdiction} only, where these trainee posts are; "
            "it gives no verdict for where you want to work.")


def not_before_words(rules: Rules, when: date, counts_on: str) -> str:
    """'Not before <date>', with the rules' words for what the date assumes ('if you keep
    working as a PWP') when the requirement ``counts_on`` sets it ('' for none)."""
    keep = rules.requirements[counts_on].counts_on if counts_on else None
    return f"Not before {long_date(when)}{f' ({keep})' if keep else ''}"


def not_yet_answer(rules: Rules, route: str, firm: date | None, counts_on: str) -> str:
    """The answer when the best route (its short title) is not yet open: led by the day no
    route opens before, when there is one."""
    if firm:
        return (f"{not_before_words(rules, firm, counts_on)}; after that it is possible by the "
                f"{route} once you meet what is missing.")
    return f"Not yet: possible by the {route} once you meet what is missing."


def intake_lines(route: RouteResult) -> list[str]:
    """The first intake a route lets the person make, when to look for posts, and when they
    would qualify: the earliest, if accepted at the first try."""
    found = route.first_intake
    if found is None:
        return []
    start = month_year(found.certain)
    advert = ""
    if found.advertised_from and found.advertised_to:
        opens, closes = found.advertised_from, found.advertised_to
        first = MONTHS[opens.month - 1] if opens.year == closes.year else month_year(opens)
        advert = f": posts are usually advertised from about {first} to {month_year(closes)}"
    lines = [f"{start} intake{advert}." + (
        f" You would qualify in {month_year(route.qualified_by)} (earliest, if accepted at the "
        "first try)." if route.qualified_by else "")]
    if found.possible_earlier:
        lines.append(f"The {month_year(found.possible_earlier)} intake depends on the course's "
                     "exact start of teaching: it is open to you only if teaching starts on or "
                     "after the day you become eligible.")
    if found.closed and found.closed < found.certain:
        lines.append(f"Posts for the {month_year(found.closed)} intake have usually closed by "
                     "now; check NHS Jobs for late adverts.")
    return lines


def and_list(items: list[str]) -> str:
    """'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def timeline_when(event: TimelineEvent) -> str:
    """A timeline step's date in words: the month alone when only the month is known."""
    if event.date is None:
        return "Then"
    return month_year(event.date) if event.month_only else long_date(event.date)


def timeline_text(event: TimelineEvent, rules: Rules) -> str:
    """A step of the timeline in words (the engine gives only the rules' own words)."""
    terms = rules.terms
    training = terms.training
    label = event.label
    return {
        "today": "Today",
        "requirement": f"{label}: reached",
        "eligible": f"Eligible from this date by the {label}",
        "intake": f"First intake you can make, by the {label} (earliest, if accepted at the "
                  "first try)",
        "start": f"Earliest course start by the {label}",
        "training": f"Training at band {terms.trainee_band}: {training.length_months} months, "
                    f"{training.university_days} days a week at university and "
                    f"{training.service_days} in the service, {terms.hours_per_week:g} hours "
                    "a week",
        "qualify": label or "Training ends",
    }.get(event.kind, label)


CAUTIONS = {"month_only": "Dates given as a month only were read as that month's last day."}


def caution_text(note: Caution) -> str:
    """A note about the answers, in words."""
    return CAUTIONS[note.kind]


def pay_range(band: BandPay | None) -> str:
    """'£39,959 to £48,117' (entry to top), or a note when there is no table."""
    if band is None:
        return "no pay table in the rules for this date"
    return f"£{band.entry:,} to £{band.top:,}"


def changes(old: Assessment, new: Assessment, rules: Rules) -> list[str]:
    """What moved between two assessments, old -> new, in words (empty when nothing did)."""
    moved = []
    for before, after in zip(old.routes, new.routes, strict=True):
        if (before.verdict, before.eligible_from) != (after.verdict, after.eligible_from):
            moved.append(f"{after.title}: {verdict_words(before)} -> {verdict_words(after)}")
        elif after.verdict != "not_eligible":
            # Same verdict, but a requirement may have moved (met now, or a new date).
            was = {u.id: u for u in before.unmet}
            now = {u.id: u for u in after.unmet}
            for rid in was.keys() - now.keys():
                moved.append(f"{after.title}: {was[rid].title}: now met")
            for rid in now.keys() - was.keys():
                moved.append(f"{after.title}: {now[rid].title}: now missing")
            for rid in was.keys() & now.keys():
                if (was[rid].status, was[rid].date) != (now[rid].status, now[rid].date):
                    moved.append(f"{after.title}: {now[rid].title}: "
                                 f"{_state(was[rid])} -> {_state(now[rid])}")
    old_funding, new_funding = funding_text(old.funding), funding_text(new.funding)
    if old_funding != new_funding:
        moved.append(f"{rules.funding.short_title}: {old_funding} -> {new_funding}")
    return moved


def _state(res: RequirementResult) -> str:
    if res.status == "dated" and res.date:
        return f"from {long_date(res.date)}"
    return {"unknown": "not known yet", "unmet": "missing", "met": "met"}.get(res.status,
                                                                            res.status)
