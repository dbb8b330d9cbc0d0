"""The pure engine: ``assess(rules, answers, as_of) -> Assessment``.

No I/O and no clock: the reference date is always an argument. Each route's verdict is the
weakest outcome of its requirements, decided in three values: a verdict that a missing or
'not sure' answer could still change comes out 'unsure', naming the answers that would decide it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hitpath.core.conditions import ROUTES_OPEN, evaluate, explain, questions_in, unknown_questions
from hitpath.core.dates import add_months, long_date, months_between, rolled
from hitpath.core.model import (
    UNSURE,
    Answers,
    Assessment,
    FundingResult,
    Item,
    Requirement,
    RequirementResult,
    RouteResult,
    Rules,
    TermsResult,
    TimelineEvent,
)

# Outcome ranks: a route's verdict is the lowest-ranked outcome among its requirements.
NOT_ELIGIBLE, NOT_YET, DATED, ELIGIBLE = 0, 1, 2, 3
_FAILURE = {"gate": NOT_ELIGIBLE, "need": NOT_YET, "months": DATED, "date": DATED}
_VERDICT = {NOT_ELIGIBLE: "not_eligible", NOT_YET: "not_yet", DATED: "eligible_from",
            ELIGIBLE: "eligible"}


def reference_date(rules: Rules, answers: Answers, as_of: date) -> date:
    """The date requirements are judged on: the rules' reference answer (a course's teaching
    start) if given, else as_of."""
    start = answers.values.get(rules.reference_question) if rules.reference_question else None
    return start if isinstance(start, date) else as_of


def check_requirement(
    rules: Rules, req: Requirement, answers: Answers, as_of: date, reference: date,
    detail: bool = True,
) -> RequirementResult:
    """Evaluate one requirement: met, unmet, dated (met from a date), unknown or not applicable.

    ``detail=False`` skips the explanations (for batch runs, where only verdicts are kept).
    """
    values = answers.values
    applies = evaluate(rules, req.applies_when, values) if req.applies_when else True
    because = explain(rules, req.applies_when, answers) if detail and req.applies_when else []

    def result(status: str, text: str, **extra: Any) -> RequirementResult:
        return RequirementResult(
            id=req.id, title=req.title, status=status, text=text, sources=req.sources,
            how_to_meet=None if status in ("met", "not_applicable") else req.how_to_meet,
            because=tuple(because + list(extra.pop("more_because", []))), **extra,
        )

    if applies is False:
        return result("not_applicable", req.met)
    pending = unknown_questions(rules, req.applies_when, values) if applies is None else []

    if req.kind in ("gate", "need"):
        met = evaluate(rules, req.met_when, values)
        if detail:
            because += explain(rules, req.met_when, answers)
        if met is None:
            pending += unknown_questions(rules, req.met_when, values)
            return result("unknown", req.unmet, unknown=tuple(dict.fromkeys(pending)))
        if not met:
            status = "unknown" if pending else "unmet"
            return result(status, req.unmet, unknown=tuple(pending))
        return result("met", req.met)  # met whether or not it applies

    assert req.question is not None
    question = rules.question_by_id[req.question]
    raw = values.get(req.question)
    if raw is None or raw == UNSURE:
        state = "not sure" if raw == UNSURE else "not answered"
        return result("unknown", req.unmet, unknown=tuple(dict.fromkeys([*pending, req.question])),
                      more_because=[f"{question.fact}: {state}"])

    notes: list[str] = []
    if req.kind == "months":
        assert isinstance(raw, int)
        # Experience keeps growing until the course starts, if the person keeps working.
        accrued = raw + months_between(as_of, reference)
        needed = req.at_least
        if accrued >= needed:
            status, when = "met", None
            line = f"{question.fact}: {raw} (at least {needed} needed)"
            if accrued > raw:
                line += f", {accrued} by {long_date(reference)} if you keep working"
        else:
            status, when = "dated", add_months(as_of, needed - raw)
            line = (f"{question.fact}: {raw} ({needed} needed), so reached on "
                    f"{long_date(when)} if you keep working")
    else:
        assert isinstance(raw, date)
        months = req.plus_years * 12 + req.plus_months
        when = add_months(raw, months)
        if rolled(raw, months) and req.rollover_note:
            notes.append(req.rollover_note)
        if req.question in answers.month_only:
            notes.append(f"You gave only the month of {question.fact}; we used its last day.")
        span = f"{req.plus_years} years" if not req.plus_months else f"{months} months"
        line = f"{question.fact}: {long_date(raw)}, so from {long_date(when)} ({span} later)"
        status = "met" if reference >= when else "dated"
    if status == "met":  # met whether or not it applies
        return result("met", req.met, more_because=[line], notes=tuple(notes))
    if pending:
        return result("unknown", req.unmet, unknown=tuple(pending), date=when,
                      more_because=[line], notes=tuple(notes))
    return result("dated", req.unmet, date=when, more_because=[line], notes=tuple(notes))


def _route(
    rules: Rules, route: Any, answers: Answers, as_of: date, reference: date, detail: bool
) -> RouteResult:
    values = answers.values
    applies = evaluate(rules, route.applies_when, values)
    because = explain(rules, route.applies_when, answers) if detail else []
    known: list[tuple[int, date | None]] = []
    unknown: list[tuple[int, tuple[str, ...]]] = []
    met: list[RequirementResult] = []
    unmet: list[RequirementResult] = []
    gate_failed: RequirementResult | None = None
    if applies is False:
        known.append((NOT_ELIGIBLE, None))
    elif applies is None:
        unknown.append((NOT_ELIGIBLE, tuple(unknown_questions(rules, route.applies_when, values))))
    for req in route.requirements:
        res = check_requirement(rules, req, answers, as_of, reference, detail)
        if res.status == "met":
            met.append(res)
        elif res.status == "unmet":
            known.append((_FAILURE[req.kind], None))
            unmet.append(res)
            if req.kind == "gate" and gate_failed is None:
                gate_failed = res
        elif res.status == "dated":
            known.append((DATED, res.date))
            unmet.append(res)
        elif res.status == "unknown":
            unknown.append((_FAILURE[req.kind], res.unknown))
            unmet.append(res)
    rank = min((r for r, _ in known), default=ELIGIBLE)
    dates = [d for r, d in known if r == DATED and d is not None]
    eligible_from = max(dates) if rank == DATED and dates else None
    # Undecided if some unknown answer could make the verdict worse, or move a date later.
    deciding: list[str] = []
    for worst, questions in unknown:
        if worst < rank or (worst == rank == DATED) or (worst == DATED and rank == ELIGIBLE):
            deciding += [q for q in questions if q not in deciding]
    if deciding:
        # Name first the answers that can be given now (their question is reached).
        askable = [q for q in deciding
                   if evaluate(rules, rules.question_by_id[q].when, values) is True]
        deciding = askable or deciding
        verdict, eligible_from = "unsure", None
    else:
        verdict = _VERDICT[rank]
    if gate_failed is not None:
        reason = gate_failed.text  # e.g. England only: more to the point than who it is for
    elif applies is False:
        reason = route.not_applicable
    elif verdict == "unsure":
        facts = [rules.question_by_id[q].fact for q in deciding]
        reason = "Depends on " + ", ".join(facts) + "."
    elif verdict == "eligible":
        reason = route.summary
    else:
        worst_req = next((u for u in unmet if u.status == "unmet"), None) or (
            unmet[0] if unmet else None)
        reason = worst_req.text if worst_req else route.summary
    if applies is False:
        # Only the answers that ruled the route out matter; its requirements do not.
        met, unmet = [], []
    for res in [*met, *unmet]:
        because += [b for b in res.because if b not in because]
    caveat = None
    if (route.caveat_when and verdict in ("eligible", "eligible_from")
            and evaluate(rules, route.caveat_when, values) is True):
        caveat = route.caveat
    return RouteResult(
        caveat=caveat,
        id=route.id, title=route.title, short_title=route.short_title, summary=route.summary,
        verdict=verdict,
        eligible_from=eligible_from, met=met, unmet=unmet, unknown=deciding, because=because,
        reason=reason, sources=route.sources,
    )


def _funding(
    rules: Rules, answers: Answers, as_of: date, reference: date, detail: bool
) -> FundingResult:
    funding = rules.funding
    req = funding.requirement
    applies = evaluate(rules, req.applies_when, answers.values)
    res = check_requirement(rules, req, answers, as_of, reference, detail)
    raw = answers.values.get(req.question or "")
    from_date = None
    if isinstance(raw, date):
        from_date = add_months(raw, req.plus_years * 12 + req.plus_months)
    notes = list(res.notes)
    caveat = None
    if applies is True:
        state, text = "applies", funding.summary
        if funding.uncertain_when and evaluate(rules, funding.uncertain_when,
                                               answers.values) is True:
            caveat = funding.uncertain
    elif applies is False:
        state, text, from_date = "does_not_apply", funding.not_applied, None
        notes = []
    else:
        state = "unsure"
        unknown = unknown_questions(rules, req.applies_when, answers.values)
        precise = [t for q, t in funding.if_unsure_about if q in unknown]
        text = " ".join(precise) if precise else funding.if_unsure
    return FundingResult(
        two_year_rule=state, nhs_funding_from=from_date, text=text,
        because=list(res.because), notes=notes, sources=funding.sources, caveat=caveat,
    )


def _terms(rules: Rules, answers: Answers, as_of: date) -> TermsResult:
    terms = rules.terms
    period = terms.pay_on(as_of)
    area = answers.values.get(rules.hcas.question) if rules.hcas.question else None
    zone = next((z for z in rules.hcas.zones if z.area == area), None)
    note = period.note if period else None
    if (period is terms.pay[-1] and period and terms.pay_stale
            and add_months(period.effective_from, terms.pay_lasts_months) <= as_of):
        late = f"{period.pay_year}: {terms.pay_stale}"
        note = f"{note} {late}" if note else late
    return TermsResult(
        trainee_band=terms.trainee_band, qualified_band=terms.qualified_band,
        hours_per_week=terms.hours_per_week,
        pay_year=period.pay_year if period else None,
        pay_from=period.effective_from if period else None,
        estimated=period.estimated if period else False,
        pay_note=note,
        trainee_pay=period.band(terms.trainee_band) if period else None,
        qualified_pay=period.band(terms.qualified_band) if period else None,
        training=terms.training, hcas=zone,
        sources=tuple(dict.fromkeys(
            [*terms.hours_sources, *terms.bands_sources, *(period.sources if period else ())])),
    )


def assess(rules: Rules, answers: Answers, as_of: date, *, detail: bool = True) -> Assessment:
    """Assess one person's answers against the rules on the date ``as_of``.

    With ``detail=False`` only verdicts, dates, the funding rule and terms are computed (no
    explanations, advice, next steps or timeline): the batch path.
    """
    reference = reference_date(rules, answers, as_of)
    routes = [_route(rules, r, answers, as_of, reference, detail) for r in rules.routes]
    funding = _funding(rules, answers, as_of, reference, detail)
    if not detail:
        return Assessment(
            as_of=as_of, reference_date=reference, rules_version=rules.meta.rules_version,
            rules_reviewed=rules.meta.reviewed, data_as_of=rules.meta.data_as_of,
            review_overdue=False, in_scope=_in_scope(rules, answers), routes=routes,
            funding=funding, terms=_terms(rules, answers, as_of), advice=[], next_steps=[],
            answers=answers, notes=[],
        )
    open_now = [r for r in routes if r.verdict in ("eligible", "eligible_from")]
    any_unsure = any(r.verdict == "unsure" for r in routes)
    context: dict[str, Any] = dict(answers.values)
    context[ROUTES_OPEN] = True if open_now else (None if any_unsure else False)

    advice = [Item(a.id, a.topic, a.text, a.sources) for a in rules.advice
              if evaluate(rules, a.when, context) is True]
    starts = [r.eligible_from or reference for r in open_now]
    dated = {"nhs_funding_from": funding.nhs_funding_from,
             "earliest_start": min(starts) if starts else None}
    steps = []
    for step in rules.next_steps:
        if evaluate(rules, step.when, context) is not True:
            continue
        when = dated.get(step.dated_by) if step.dated_by else None
        if step.dated_by and when is None:
            continue
        steps.append(Item(step.id, "next", step.text, step.sources, when))

    timeline = _timeline(rules, routes, as_of, reference)
    reviewed = rules.meta.reviewed
    overdue = add_months(reviewed, rules.meta.review_every_months) < as_of
    notes = _sanity_notes(rules, answers, as_of)
    if answers.month_only:
        notes.append("Dates given as a month only were read as that month's last day.")
    return Assessment(
        as_of=as_of, reference_date=reference, rules_version=rules.meta.rules_version,
        rules_reviewed=reviewed, data_as_of=rules.meta.data_as_of, review_overdue=overdue,
        in_scope=_in_scope(rules, answers),
        routes=routes, funding=funding, terms=_terms(rules, answers, as_of),
        advice=advice, next_steps=steps, answers=answers, notes=notes, timeline=timeline,
    )


def _timeline(
    rules: Rules, routes: list[RouteResult], as_of: date, reference: date
) -> list[TimelineEvent]:
    """From today to qualified, along the earliest open route (empty when none is open)."""
    open_routes = [r for r in routes if r.verdict in ("eligible", "eligible_from")]
    if not open_routes:
        return []
    route = min(open_routes, key=lambda r: r.eligible_from or reference)
    start = route.eligible_from or reference
    terms = rules.terms
    training = terms.training
    events = [TimelineEvent(as_of, "Today", "today")]
    for res in route.unmet:
        if res.status == "dated" and res.date:
            events.append(TimelineEvent(res.date, f"{res.title}: reached", "requirement"))
    events.append(TimelineEvent(
        start, f"Earliest course start by the {route.short_title}", "start"))
    end = add_months(start, training.length_months)
    events.append(TimelineEvent(
        start,
        f"Training at band {terms.trainee_band}: {training.length_months} months, "
        f"{training.university_days} days a week at university and {training.service_days} "
        f"in the service, {terms.hours_per_week:g} hours a week",
        "training",
    ))
    events.append(TimelineEvent(end, terms.qualifying or "Training ends", "qualify"))
    if terms.qualified:
        events.append(TimelineEvent(None, terms.qualified, "band"))
    events.sort(key=lambda e: (e.date or date.max, e.kind != "today"))
    return events


def _sanity_notes(rules: Rules, answers: Answers, as_of: date) -> list[str]:
    """Answers that cannot all be right together: said, never silently corrected."""
    notes = []
    values = answers.values
    start = values.get(rules.reference_question) if rules.reference_question else None
    if isinstance(start, date) and start < as_of:
        notes.append(f"The course start you gave ({long_date(start)}) is before the date of "
                     f"this check ({long_date(as_of)}); check it.")
    # The start of the training whose exam board the funding rule counts from: the date
    # question its applies_when looks at.
    funding = rules.funding.requirement
    started = [q for q in questions_in(rules, funding.applies_when)
               if rules.question_by_id[q].type == "date" and q != funding.question]
    began = values.get(started[0]) if started else None
    board = values.get(funding.question or "")
    if isinstance(began, date) and isinstance(board, date) and board < began:
        notes.append(f"The exam board date you gave ({long_date(board)}) is before the start "
                     f"of that training ({long_date(began)}); check both.")
    return notes


def _in_scope(rules: Rules, answers: Answers) -> bool:
    """False only when the answers put the person outside the rules' scope."""
    return evaluate(rules, rules.scope_when, answers.values) is not False
