"""The JSON contract (documented in docs/developers.md): fields may be added, never renamed."""

from __future__ import annotations

import json
from datetime import date

from hitpath.core.model import (
    Assessment,
    BandPay,
    Json,
    RequirementResult,
    Rules,
    Verdict,
    to_plain,
)
from hitpath.core.untrusted import for_json
from hitpath.core.verdicts import best_of
from hitpath.report.words import caution_text, headline


def _month(value: date | None) -> str | None:
    """YYYY-MM, or None."""
    return f"{value.year:04d}-{value.month:02d}" if value else None


def iso(value: date | None) -> str | None:
    """YYYY-MM-DD, or None."""
    return value.isoformat() if value else None


def _pay(band: BandPay | None) -> dict[str, int] | None:
    if band is None:
        return None
    return {"min": band.entry, "max": band.top, "entry": band.entry,
            "after_2_years": band.after_2_years, "top": band.top}


def _requirement(res: RequirementResult, caveat: str | None = None) -> dict[str, Json]:
    optional: dict[str, Json] = {"how_to_meet": res.how_to_meet, "date": iso(res.date),
                                 "unknown": list(res.unknown), "notes": list(res.notes),
                                 "caveat": caveat}
    return {
        "id": res.id, "title": res.title, "status": res.status, "text": res.text,
        "source": ", ".join(res.sources), "sources": list(res.sources),
        **{key: value for key, value in optional.items() if value},  # only when there are any
    }


def to_dict(assessment: Assessment, rules: Rules) -> dict[str, Json]:
    """The assessment as the public JSON structure."""
    a = assessment
    t = a.terms
    used: list[str] = []

    def cite(ids: tuple[str, ...] | list[str]) -> list[str]:
        used.extend(i for i in ids if i not in used)
        return list(ids)

    routes = []
    for r in a.routes:
        cite(r.sources)
        for res in [*r.met, *r.unmet]:
            cite(res.sources)
        routes.append({
            "id": r.id, "title": r.title, "verdict": r.verdict,
            "eligible_from": iso(r.eligible_from),
            "met": [_requirement(m) for m in r.met],
            "unmet": [_requirement(u, rules.requirements[u.id].caveat) for u in r.unmet],
            "unknown": list(r.unknown), "reason": r.reason, "because": list(r.because),
            "caveat": r.caveat,
            "first_intake": _month(r.first_intake.certain) if r.first_intake else None,
            "qualified_by": _month(r.qualified_by),
            "intake": None if r.first_intake is None else {
                "possible_earlier": _month(r.first_intake.possible_earlier),
                "advertised_from": _month(r.first_intake.advertised_from),
                "advertised_to": _month(r.first_intake.advertised_to),
                "closed_before_now": _month(r.first_intake.closed),
            },
            "conflicts": list(r.conflicts),
        })
    best = best_of(a.routes)
    return {
        "summary": {
            "best_route": best.id if best else None,
            "verdict": best.verdict if best else Verdict.NOT_ELIGIBLE,
            "eligible_from": iso(best.eligible_from) if best else None,
            "not_before": iso(a.not_before),
            "text": headline(a, rules),
        },
        "conflicts": [{"id": c.id, "questions": list(c.questions), "text": c.text}
                      for c in a.conflicts],
        "as_of": a.as_of.isoformat(),
        "reference_date": a.reference_date.isoformat(),
        "rules_version": a.rules_version,
        "rules_reviewed": a.rules_reviewed.isoformat(),
        "data_as_of": a.data_as_of,
        "review_overdue": a.review_overdue,
        "in_scope": a.in_scope,
        "answers": to_plain(a.answers, rules),
        "routes": routes,
        "funding": {
            "two_year_rule": a.funding.two_year_rule,
            "nhs_funding_from": iso(a.funding.nhs_funding_from),
            "source": ", ".join(cite(a.funding.sources)),
            "text": a.funding.text, "because": a.funding.because, "notes": a.funding.notes,
            "caveat": a.funding.caveat,
        },
        "terms": {
            # The terms and pay are the jurisdiction's; outside it they do not apply.
            "jurisdiction": rules.meta.jurisdiction, "applies": a.in_scope,
            "trainee_band": t.trainee_band, "qualified_band": t.qualified_band,
            "hours_per_week": t.hours_per_week, "pay_year": t.pay_year,
            "pay_from": iso(t.pay_from), "pay_note": t.pay_note,
            # Said only of figures that are estimates, never "false" beside published ones.
            **({"pay_estimated": True} if t.estimated else {}),
            "trainee_pay": _pay(t.trainee_pay), "qualified_pay": _pay(t.qualified_pay),
            "training": {"months": t.training.length_months,
                         "university_days": t.training.university_days,
                         "service_days": t.training.service_days},
            "hcas_percent": t.hcas.percent if t.hcas else None,
            "hcas": None if t.hcas_pay is None else {
                "area": t.hcas.area if t.hcas else None, "pay_year": t.hcas_pay.pay_year,
                "minimum": t.hcas_pay.minimum, "maximum": t.hcas_pay.maximum,
                "trainee_entry": t.hcas_pay.trainee_entry,
                "sources": cite(t.hcas_pay.sources)},
            "sources": cite(t.sources),
        },
        "advice": [{"id": i.id, "topic": i.topic, "text": i.text, "sources": cite(i.sources)}
                   for i in a.advice],
        "next_steps": [(f"From {i.date.isoformat()}: " if i.date else "") + i.text
                       for i in a.next_steps if cite(i.sources) is not None],
        "notes": [caution_text(note) for note in a.notes],
        "sources": {sid: {"title": rules.sources[sid].title, "url": rules.sources[sid].url}
                    for sid in used if sid in rules.sources},
    }


def json_text(data: Json) -> str:
    """JSON text, two-space indented, with the rules' words as written (and shown as text)."""
    return for_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def render(assessment: Assessment, rules: Rules) -> str:
    return json_text(to_dict(assessment, rules))
