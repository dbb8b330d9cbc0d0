"""The pure engine: ``assess(rules, answers, as_of) -> Assessment``.

No I/O and no clock: the reference date is always an argument. Each route's verdict is the
weakest outcome of its requirements, decided in three values: a verdict that a missing or
'not sure' answer could still change comes out 'unsure', naming the answers that would decide it.
"""

from __future__ import annotations

from datetime import date

from hitpath.core.conditions import ROUTES_OPEN, evaluate, explain, unknown_questions
from hitpath.core.conflicts import find as find_conflicts
from hitpath.core.conflicts import questions_in_conflict, route_reads
from hitpath.core.dates import add_months, long_date, months_between, rolled
from hitpath.core.intakes import FirstIntake, first_intake
from hitpath.core.model import (
    UNSURE,
    Answers,
    Assessment,
    Caution,
    Conflict,
    FundingResult,
    HcasPay,
    HcasZone,
    Item,
    PayPeriod,
    Requirement,
    RequirementResult,
    Route,
    RouteResult,
    Rules,
    TermsResult,
    TimelineEvent,
    first_by_intake,
)
from hitpath.core.verdicts import (
    OPEN,
    Day,
    FundingState,
    Kind,
    RequirementState,
    Status,
    Verdict,
    requirement_check,
    route_judge,
)


def reference_date(rules: Rules, answers: Answers, as_of: date) -> date:
    """The date requirements are judged on: the rules' reference answer (a course's teaching
    start) if given, else as_of."""
    start = answers.values.get(rules.reference_question) if rules.reference_question else None
    return start if isinstance(start, date) else as_of


def check_requirement(
    rules: Rules, req: Requirement, answers: Answers, as_of: date, reference: date,
    detail: bool = True,
) -> RequirementResult:
    """One requirement's state (``verdicts.requirement_check``), with its words.

    ``detail=False`` skips the explanations (for batch runs, where only verdicts are kept).
    """
    values = answers.values
    state = requirement_check(rules, req)(values, Day(as_of), reference)
    status = state.status
    because = explain(rules, req.applies_when, answers) if detail and req.applies_when else []

    def result(text: str, more_because: list[str] | None = None,
               notes: tuple[str, ...] = ()) -> RequirementResult:
        return RequirementResult(
            id=req.id, title=req.title, status=status, text=text, sources=req.sources,
            how_to_meet=None if status in (Status.MET, Status.NOT_APPLICABLE)
            else req.how_to_meet,
            date=state.date, unknown=state.unknown,
            because=tuple(because + (more_because or [])), notes=notes,
        )

    if status == Status.NOT_APPLICABLE:
        return result(req.met)
    if req.kind in (Kind.GATE, Kind.NEED):
        if detail:
            because += explain(rules, req.met_when, answers)
        return result(req.met if status == Status.MET else req.unmet)

    assert req.question is not None
    question = rules.question_by_id[req.question]
    raw = values.get(req.question)
    if raw is None or raw == UNSURE:
        said = "not sure" if raw == UNSURE else "not answered"
        return result(req.unmet, [f"{question.fact}: {said}"])
    notes: list[str] = []
    if req.kind == Kind.MONTHS:
        assert isinstance(raw, int)
        counts_on = f" {req.counts_on}" if req.counts_on else ""
        accrued = raw + months_between(as_of, reference) if req.counts_on else raw
        needed = req.at_least
        if accrued >= needed:
            line = f"{question.fact}: {raw} (at least {needed} needed)"
            if accrued > raw:
                line += f", {accrued} by {long_date(reference)}{counts_on}"
        else:
            assert state.date is not None
            line = (f"{question.fact}: {raw} ({needed} needed), so reached on "
                    f"{long_date(state.date)}{counts_on}")
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
    return result(req.met if status == Status.MET else req.unmet, [line], tuple(notes))


def _route(
    rules: Rules, route: Route, answers: Answers, as_of: date, reference: date, detail: bool
) -> RouteResult:
    values = answers.values
    applies = evaluate(rules, route.applies_when, values)
    because = explain(rules, route.applies_when, answers) if detail else []
    results = [check_requirement(rules, req, answers, as_of, reference, detail)
               for req in route.requirements]
    states = {res.id: RequirementState(res.status, res.date, res.unknown) for res in results}
    verdict, eligible_from, deciding, _ = route_judge(rules, route)(
        values, Day(as_of), reference, states,
        # Name first the answers that can be given now (their question is reached).
        lambda q: evaluate(rules, rules.question_by_id[q].when, values) is True,
    )
    met = [res for res in results if res.status == Status.MET]
    unmet = [res for res in results
             if res.status in (Status.UNMET, Status.DATED, Status.UNKNOWN)]
    gate_failed = next((res for req, res in zip(route.requirements, results, strict=True)
                        if req.kind == Kind.GATE and res.status == Status.UNMET), None)
    if gate_failed is not None:
        reason = gate_failed.text  # e.g. England only: more to the point than who it is for
    elif applies is False:
        reason = route.not_applicable
    elif verdict == Verdict.UNSURE:
        facts = [rules.question_by_id[q].fact for q in deciding]
        reason = "Depends on " + ", ".join(facts) + "."
    elif verdict == Verdict.ELIGIBLE:
        reason = route.summary
    else:
        reason = next((u.text for u in unmet if u.status == Status.UNMET),
                      unmet[0].text if unmet else route.summary)
    if applies is False:
        # Only the answers that ruled the route out matter; its requirements do not.
        met, unmet = [], []
    for res in [*met, *unmet]:
        because += [b for b in res.because if b not in because]
    caveat = None
    if (route.caveat_when and verdict in OPEN
            and evaluate(rules, route.caveat_when, values) is True):
        caveat = route.caveat
    return RouteResult(
        caveat=caveat,
        id=route.id, title=route.title, short_title=route.short_title, summary=route.summary,
        verdict=verdict,
        eligible_from=eligible_from, met=met, unmet=unmet, unknown=list(deciding),
        because=because, reason=reason, sources=route.sources,
    )


def _funding(
    rules: Rules, answers: Answers, as_of: date, reference: date, detail: bool
) -> FundingResult:
    funding = rules.funding
    req = funding.requirement
    applies = evaluate(rules, req.applies_when, answers.values)
    res = check_requirement(rules, req, answers, as_of, reference, detail)
    raw = answers.values.get(req.question or "")
    months = req.plus_years * 12 + req.plus_months
    from_date = add_months(raw, months) if isinstance(raw, date) else None
    notes = list(res.notes)
    caveat = None
    caveat_sources: tuple[str, ...] = ()
    if applies is True:
        state, text = FundingState.APPLIES, funding.summary
        if funding.uncertain_when and evaluate(rules, funding.uncertain_when,
                                               answers.values) is True:
            # Worded for the answer the rules name, when they do (EMHP, a top-up...).
            caveat, caveat_sources = next(
                ((words, cited) for question, values, words, cited in funding.uncertain_for
                 if answers.values.get(question) in values), (funding.uncertain, ()))
    elif applies is False:
        state, text, from_date = FundingState.DOES_NOT_APPLY, funding.not_applied, None
        notes = []
    else:
        state = FundingState.UNSURE
        unknown = unknown_questions(rules, req.applies_when, answers.values)
        precise = [t for q, t in funding.if_unsure_about if q in unknown]
        text = " ".join(precise) if precise else funding.if_unsure
    return FundingResult(
        two_year_rule=state, nhs_funding_from=from_date, text=text,
        because=list(res.because), notes=notes, sources=funding.sources, caveat=caveat,
        caveat_sources=caveat_sources,
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
        hcas_pay=_hcas_pay(rules, zone, period, as_of),
    )


def _hcas_pay(
    rules: Rules, zone: HcasZone | None, period: PayPeriod | None, as_of: date
) -> HcasPay | None:
    """The supplement in pounds on the trainee band's entry point: the zone's percentage of
    basic pay, raised to the yearly minimum or capped at the maximum in force on as_of."""
    table = rules.hcas.amounts_on(as_of)
    if zone is None or period is None or table is None or period.pay_year != table.pay_year:
        return None  # amounts of another pay year than the pay table would mislead
    trainee = period.band(rules.terms.trainee_band)
    limit = table.limit(zone.area)
    if trainee is None or limit is None:
        return None
    low, high = limit
    share = round(trainee.entry * zone.percent / 100)
    return HcasPay(pay_year=table.pay_year, minimum=low, maximum=high,
                   trainee_entry=min(max(share, low), high), sources=table.sources)


def assess(rules: Rules, answers: Answers, as_of: date, *, detail: bool = True) -> Assessment:
    """Assess one person's answers against the rules on the date ``as_of``.

    With ``detail=False`` only verdicts, dates, the funding rule and terms are computed (no
    explanations, advice, next steps or timeline): the batch path.
    """
    conflicts = find_conflicts(rules, answers.values, as_of)
    judged = answers
    if conflicts:
        # No verdict rests on answers that cannot both be true: they count as unknown.
        involved = set(questions_in_conflict(conflicts))
        judged = Answers({k: v for k, v in answers.values.items() if k not in involved},
                         answers.month_only - involved)
    reference = reference_date(rules, judged, as_of)
    routes = [_route(rules, r, judged, as_of, reference, detail) for r in rules.routes]
    if conflicts:
        routes = [_in_conflict(rules, spec, r, conflicts)
                  for spec, r in zip(rules.routes, routes, strict=True)]
    if detail:
        # Each open route's first intake and the month training would end.
        chosen = rules.reference_question and judged.values.get(rules.reference_question)
        for i, r in enumerate(routes):
            found = route_intake(rules, r.id, r.verdict, r.eligible_from, as_of,
                                 chosen if isinstance(chosen, date) else None)
            if found is not None:
                routes[i] = r._replace(first_intake=found[0], qualified_by=found[1])
    funding = _funding(rules, judged, as_of, reference, detail)
    brief = Assessment(
        as_of=as_of, reference_date=reference, rules_version=rules.meta.rules_version,
        rules_reviewed=rules.meta.reviewed, data_as_of=rules.meta.data_as_of,
        review_overdue=False, routes=routes, funding=funding,
        # Out of scope only when the answers put the person outside the rules' scope.
        in_scope=evaluate(rules, rules.scope_when, answers.values) is not False,
        terms=_terms(rules, answers, as_of), advice=[], next_steps=[],
        answers=answers, notes=[], conflicts=conflicts, not_before=_not_before(routes, reference),
    )
    if not detail:
        return brief
    open_now = [r for r in routes if r.verdict in OPEN]
    any_unsure = any(r.verdict == Verdict.UNSURE for r in routes)
    context: dict[str, object] = dict(answers.values)
    context[ROUTES_OPEN] = True if open_now else (None if any_unsure else False)

    advice = [Item(a.id, a.topic, a.text, a.sources, one_page=a.one_page) for a in rules.advice
              if evaluate(rules, a.when, context) is True]
    starts = [r.eligible_from or reference for r in open_now]
    first = first_by_intake(routes)
    intake = first.first_intake if first else None
    dated: dict[str, date | None] = {
        "nhs_funding_from": funding.nhs_funding_from,
        "earliest_start": min(starts) if starts else None,
        "first_intake": intake.certain if intake else None,
        "applications_open": (max(intake.advertised_from, as_of)
                              if intake and intake.advertised_from else None),
    }
    steps = []
    for step in rules.next_steps:
        if evaluate(rules, step.when, context) is not True:
            continue
        when = dated.get(step.dated_by) if step.dated_by else None
        if step.dated_by and when is None:
            continue
        if step.dated_by == "nhs_funding_from" and when is not None and when <= as_of:
            continue  # a date already passed is not a task any more
        steps.append(Item(step.id, "next", step.text, step.sources,
                          when if when is None or when > as_of else None))

    # Answers in conflict are in 'conflicts', declared by the rules, not in the notes.
    return brief._replace(
        review_overdue=add_months(rules.meta.reviewed, rules.meta.review_every_months) < as_of,
        advice=advice, next_steps=steps, timeline=_timeline(rules, routes, as_of, reference),
        notes=[Caution("month_only")] if answers.month_only else [])


def _in_conflict(rules: Rules, spec: Route, result: RouteResult,
                 conflicts: list[Conflict]) -> RouteResult:
    """A route that reads answers in conflict is not decided, naming the conflict, unless it is
    ruled out whatever those answers are."""
    if result.verdict == Verdict.NOT_ELIGIBLE:
        return result
    reads = route_reads(rules, spec)
    mine = [c for c in conflicts if reads & set(c.questions)]
    if not mine:
        return result
    deciding = list(dict.fromkeys([*questions_in_conflict(mine), *result.unknown]))
    return result._replace(
        verdict=Verdict.UNSURE, eligible_from=None, unknown=deciding,
        reason="Your answers conflict: " + " ".join(c.text for c in mine),
        conflicts=tuple(c.id for c in mine))


def route_intake(rules: Rules, route_id: str, verdict: Verdict, eligible_from: date | None,
                 as_of: date, chosen: date | None) -> tuple[FirstIntake, date] | None:
    """The first intake an open route lets the person make, applying from as_of, and the
    month training would end: the earliest, if accepted at the first try (None when the route
    is not open or its training has no intakes). ``chosen`` is the start of a course the
    person has in mind: when they can start it (open now), its own month counts."""
    if verdict not in OPEN:
        return None
    programme = next((p for p in rules.trainings.values() if route_id in p.routes), None)
    if programme is None or not programme.calendar.intakes:
        return None
    ready = eligible_from or as_of
    if chosen is not None and eligible_from is None:
        ready = chosen  # a course in mind that the person can start: its own month
    found = first_intake(programme.calendar, ready, applying_from=as_of)
    if found is None:
        return None
    return found, add_months(found.certain, programme.length_months)


def _not_before(routes: list[RouteResult], reference: date) -> date | None:
    """The day no route can open before, whatever the unknown answers turn out to be: every
    route still possible has a known date it cannot beat (None when one could open now)."""
    bounds = []
    for r in routes:
        if r.verdict == Verdict.NOT_ELIGIBLE:
            continue
        if r.verdict == Verdict.ELIGIBLE:
            return None
        if r.verdict == Verdict.ELIGIBLE_FROM and r.eligible_from:
            bounds.append(r.eligible_from)
            continue
        dated = [u.date for u in r.unmet if u.status == Status.DATED and u.date]
        if not dated:
            return None
        bounds.append(max(dated))
    if not bounds or min(bounds) <= reference:
        return None
    return min(bounds)


def _timeline(
    rules: Rules, routes: list[RouteResult], as_of: date, reference: date
) -> list[TimelineEvent]:
    """From today to qualified, along the route with the earliest first intake (the one the
    report's "Your first intake" names): the day the route opens, the intake's month and the
    month training would end, the earliest if accepted at the first try. A route whose training
    has no intake calendar starts on the day it opens. Empty when no route is open."""
    open_routes = [r for r in routes if r.verdict in OPEN]
    if not open_routes:
        return []
    route = first_by_intake(open_routes) or min(
        open_routes, key=lambda r: r.eligible_from or reference)
    terms = rules.terms
    # Labels carry only the rules' own words; reports say the rest (report/words.py).
    events = [TimelineEvent(as_of, "", "today")]
    for res in route.unmet:
        if res.status == Status.DATED and res.date:
            events.append(TimelineEvent(res.date, res.title, "requirement"))
    if route.eligible_from and route.eligible_from > as_of:
        events.append(TimelineEvent(route.eligible_from, route.short_title, "eligible"))
    if route.first_intake is not None and route.qualified_by is not None:
        start, end, kind, month_only = (route.first_intake.certain, route.qualified_by,
                                        "intake", True)
    else:
        start = route.eligible_from or reference
        end, kind, month_only = add_months(start, terms.training.length_months), "start", False
    events += [TimelineEvent(start, route.short_title, kind, month_only),
               TimelineEvent(start, "", "training", month_only),
               TimelineEvent(end, terms.qualifying or "", "qualify", month_only)]
    if terms.qualified:
        events.append(TimelineEvent(None, terms.qualified, "band"))
    events.sort(key=lambda e: (e.date or date.max, e.kind != "today"))
    return events
