"""Listings of the rules for people writing answers files or checking sources."""

from __future__ import annotations

from hitpath.core.model import Condition, Json, Question, Rules
from hitpath.report.json_report import json_text


def condition_text(node: Condition | None) -> str:
    """A condition in words, for listings ('always' when there is none)."""
    if node is None:
        return "always"
    if "all" in node:
        return " and ".join(_wrap(condition_text(p)) for p in node["all"])
    if "any" in node:
        return " or ".join(_wrap(condition_text(p)) for p in node["any"])
    if "not" in node:
        return "not " + _wrap(condition_text(node["not"]))
    if "ref" in node:
        return str(node["ref"])
    if "routes_open" in node:
        return "some route is open" if node["routes_open"] else "no route is open"
    op, value = next((k, v) for k, v in node.items() if k != "q")
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return f"{node['q']} {op.replace('_', ' ')} {shown}"


def _wrap(text: str) -> str:
    return f"({text})" if " and " in text or " or " in text else text


def _question(q: Question) -> dict[str, Json]:
    out: dict[str, Json] = {"id": q.id, "type": q.type, "text": q.text}
    if q.choices:
        out["values"] = list(q.values)
    if q.type == "number":
        out |= {"min": q.min, "max": q.max, "unit": q.unit}
    if q.type == "date":
        out["format"] = ("YYYY-MM-DD or DD/MM/YYYY"
                         + (" (YYYY-MM for a month only)" if q.month_only_allowed else ""))
        out["month_only_allowed"] = q.month_only_allowed
    return out | {"unsure_allowed": q.unsure_allowed, "optional": q.optional,
                  "asked_when": condition_text(q.when), "plan_only": q.plan_only}


def questions_json(rules: Rules) -> str:
    """Every question as JSON."""
    return json_text([_question(q) for q in rules.questions])


def questions_text(rules: Rules) -> str:
    """Every question as plain text, the keys of an answers file."""
    lines = ["Answers-file keys (every key is optional), in the order they are asked:", ""]
    for q in rules.questions:
        lines += [f"{q.id}  ({q.type}{', list' if q.type == 'multi' else ''})", f"  {q.text}"]
        if q.choices:
            lines.append("  values: " + ", ".join(q.values))
        if q.type == "number":
            lines.append(f"  a whole number of {q.unit or 'units'}, {q.min} or more")
        if q.type == "date":
            lines.append("  a date: YYYY-MM-DD or DD/MM/YYYY" + (
                " (YYYY-MM if only the month is known)" if q.month_only_allowed
                else " (the exact day: a month alone is not enough here)"))
        if q.unsure_allowed and q.type in ("number", "date"):
            lines.append("  or: not_sure")
        only = " (only by hitpath plan)" if q.plan_only else ""
        lines += [f"  asked when: {condition_text(q.when)}{only}", ""]
    return "\n".join(lines)


def source_uses(rules: Rules) -> dict[str, list[str]]:
    """Which parts of the rules rely on each source."""
    uses: dict[str, list[str]] = {sid: [] for sid in rules.sources}

    def add(ids: tuple[str, ...], what: str) -> None:
        for sid in ids:
            uses.setdefault(sid, []).append(what)

    for req in rules.requirements.values():
        add(req.sources, f"requirement {req.id}")
    for route in rules.routes:
        add(route.sources, f"route {route.id}")
    add(rules.funding.sources, "funding rule")
    add(rules.terms.hours_sources, "terms: hours")
    add(rules.terms.bands_sources, "terms: bands")
    add(rules.terms.training.sources, "terms: training pattern")
    for period in rules.terms.pay:
        add(period.sources, f"pay {period.pay_year}")
    add(rules.hcas.sources, "high cost area supplement")
    for table in rules.hcas.amounts:
        add(table.sources, f"high cost area supplement {table.pay_year}")
    for item in rules.advice:
        add(item.sources, f"advice {item.id}")
    for step in rules.next_steps:
        add(step.sources, f"next step {step.id}")
    add(rules.meta.care_sources, "care signpost")
    if rules.between:
        add(rules.between.sources, "funding rule between trainings")
    for t in rules.trainings.values():
        add(t.sources, f"training {t.id}")
        for entry in t.entry:
            add(entry.sources, f"training {t.id}: entry {entry.id}")
        add(t.length.sources, f"training {t.id}: length")
        add(t.bands_sources, f"training {t.id}: bands")
        add(t.funded.sources, f"training {t.id}: funding")
        add(t.rule.sources, f"training {t.id}: funding rule")
        for intake in t.calendar.intakes:
            add(intake.sources, f"training {t.id}: intakes")
        if t.calendar.window:
            add(t.calendar.window.sources, f"training {t.id}: application window")
        add(t.lag_sources, f"training {t.id}: exam board")
        add(t.apply_via.sources, f"training {t.id}: where to apply")
        for assumed in t.assumes:
            add(assumed.sources, f"training {t.id}: assumed")
        if t.competition:
            add(t.competition.sources, f"training {t.id}: competition")
        if t.opening:
            add(t.opening.sources, f"training {t.id}: opening")
        for note in t.notes:
            add(note.sources, f"training {t.id}: notes")
    for role in rules.experience_roles:
        add(role.sources, f"experience role {role.id}")
    if rules.experience:
        add(rules.experience.sources, "experience")
    for sign in rules.signposts:
        add(sign.sources, f"signpost {sign.id}")
    return uses


def sources_json(rules: Rules) -> str:
    """Every source and what relies on it, as JSON."""
    uses = source_uses(rules)
    out = [{"id": s.id, "title": s.title, "url": s.url, "publisher": s.publisher,
            "published": s.published, "checked": s.checked.isoformat(),
            "confidence": s.confidence, "used_by": uses.get(s.id, [])}
           for s in rules.sources.values()]
    return json_text(out)


def sources_text(rules: Rules) -> str:
    """Every source and what relies on it, as plain text."""
    uses = source_uses(rules)
    lines = []
    for s in rules.sources.values():
        extra = f", published {s.published}" if s.published else ""
        used = uses.get(s.id) or ["nothing (unused)"]
        lines += [f"{s.id}: {s.title}", f"  {s.url}",
                  f"  {s.publisher}{extra}; checked {s.checked.isoformat()}",
                  "  used by: " + ", ".join(used), ""]
    return "\n".join(lines)
