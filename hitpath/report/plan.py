"""Renderers of Plans: a timeline picture side by side, then each plan's dated steps with their
because-lines and what is uncertain; as text, Markdown, HTML and JSON. They only show."""

from __future__ import annotations

import html
import shutil
import sys
import textwrap
from datetime import date

from hitpath.core.dates import MONTHS, long_date, month_year, months_between
from hitpath.core.model import Json, Rules
from hitpath.core.plans import Plan, Plans, PlanStep
from hitpath.core.untrusted import for_markdown as _md  # rules text shown as text
from hitpath.core.untrusted import (
    for_terminal,
    markdown_link,
    visible,
)
from hitpath.report.html import inset, page, sources_list
from hitpath.report.json_report import iso, json_text

WIDTH = 60
"""The timeline picture's width in characters."""

WORK = "-"
QUALIFIED = "*"


def _letters(plans: list[Plan], rules: Rules) -> dict[str, str]:
    """One letter per training (its short title's first letter, else a digit)."""
    letters: dict[str, str] = {}
    for p in plans:
        for tid in p.trainings:
            if tid in letters:
                continue
            title = rules.trainings[tid].short_title if tid in rules.trainings else tid
            wanted = next((c.upper() for c in title if c.isalpha() and c.upper() not in
                           letters.values() and c.upper() != "W"), None)
            letters[tid] = wanted or str(len(letters) + 1)
    return letters


def via_same_as(plans: Plans) -> int | None:
    """The number of the listed plan the ``--via`` plan is (its cost aside), if any."""
    if plans.via is None:
        return None
    via = plans.via._replace(delay_months=0)
    return next((i for i, p in enumerate(plans.plans, 1)
                 if p._replace(delay_months=0) == via), None)


def _via_text(plans: Plans) -> str | None:
    same = via_same_as(plans)
    if plans.via_text and same is not None:
        return f"{plans.via_text} That plan is Plan {same} below."
    return plans.via_text


def _all(plans: Plans) -> list[tuple[str, Plan]]:
    """The plans to show: the listed ones, then the via plan unless it is one of them."""
    shown = [(f"Plan {i}", p) for i, p in enumerate(plans.plans, 1)]
    if plans.via is not None and via_same_as(plans) is None:
        shown.append(("Via", plans.via))
    return shown


def picture(plans: Plans, rules: Rules, columns: int = WIDTH + 20) -> list[str]:
    """The plans on one time axis, one row each: a letter per training, '-' for work, '*'
    when qualified, then the key; no row wider than ``columns`` (the axis shortens, each
    character standing for more months, so nothing is ever cut or wrapped)."""
    shown = _all(plans)
    if not shown:
        return []
    start = plans.as_of
    last = max(p.qualified for _, p in shown)
    span = months_between(start, last) + 2
    axis_width = max(min(WIDTH, columns - 8), 12)
    per = max(1, -(-span // axis_width))  # months per character
    letters = _letters([p for _, p in shown], rules)
    width = -(-span // per)
    axis = [" "] * width
    marks = [" "] * width
    year = start.year + 1
    while True:
        at = months_between(start, date(year, 1, 1)) // per
        if at >= width:
            break
        label = str(year)
        # A space on both sides, so years never run together on a short axis.
        if all(c == " " for c in axis[max(at - 1, 0):at + len(label) + 1]):
            axis[at:at + len(label)] = list(label)
            marks[at] = "|"
        year += 1
    rows = [f"{'':8}{''.join(axis).rstrip()}", f"{'':8}{''.join(marks).rstrip()}"]
    for name, p in shown:
        cells = [" "] * width
        for step in p.steps:
            first = months_between(start, step.start) // per
            end = min(step.end, p.qualified)
            final = months_between(start, end) // per
            char = letters.get(step.training or "", WORK) if step.kind == "training" else WORK
            for i in range(first, min(final, width - 1) + 1):
                cells[i] = char
        cells[min(months_between(start, p.qualified) // per, width - 1)] = QUALIFIED
        rows.append(f"{name:8}{''.join(cells).rstrip()}")
    key = [f"{letter} {rules.trainings[tid].short_title if tid in rules.trainings else tid}"
           for tid, letter in letters.items()] + [f"{WORK} work", f"{QUALIFIED} qualified"]
    each = "a month" if per == 1 else f"{per} months"
    line = f"{'':8}Each character is {each}."
    for item in key:  # wrapped between items, never inside one
        if len(line) + 2 + len(item) > min(columns, WIDTH + 20):
            rows.append(line)
            line = " " * 8 + item
        else:
            line += "  " + item
    rows.append(line)
    return rows


def _period(step: PlanStep) -> str:
    return f"{long_date(step.start)} to {long_date(step.end)}"


def _step_line(step: PlanStep) -> str:
    band = f", band {step.band}" if step.band is not None else ""
    line = f"{_period(step)}: {step.title}{band}"
    if step.kind == "training":
        funded = "NHS-funded" if step.nhs_funded else "not NHS-funded"
        line += f" ({funded})"
        if step.exam_board:
            earliest, latest = step.exam_board
            board = (long_date(earliest) if earliest == latest
                     else f"between {long_date(earliest)} and {long_date(latest)}")
            line += f"; exam board {board}"
    return line


def _headline(name: str, p: Plan, rules: Rules) -> str:
    titles = [rules.trainings[t].short_title if t in rules.trainings else t for t in p.trainings]
    delay = ("the soonest" if p.delay_months == 0
             else f"{p.delay_months} months later than the soonest")
    return (f"{name}: {' then '.join(titles)}. Qualified from {long_date(p.qualified)} at the "
            f"earliest ({delay}); starts {month_year(p.goal_start)}.")


# What starting a training does to the funding rule's clock, by the training's funding rule.
REACH = {"applies": "Starting it starts the funding rule's clock for later trainings.",
         "may_apply": "Starting it may start the funding rule's clock (not confirmed)."}


TEXT_WIDTH = 88
"""The text's width in a file or a pipe; a terminal gets its own (``terminal_width``)."""
MIN_WIDTH, MAX_WIDTH = 40, 100


def terminal_width() -> int | None:
    """The width to wrap at on standard output: the terminal's, from 40 to 100 columns (None
    when standard output is not a terminal)."""
    if not sys.stdout.isatty():
        return None
    columns = shutil.get_terminal_size((TEXT_WIDTH + 1, 24)).columns - 1
    return max(MIN_WIDTH, min(columns, MAX_WIDTH))


def _wrapped(lines: list[str], width: int = TEXT_WIDTH) -> list[str]:
    """Long lines wrapped at ``width`` on word boundaries, carrying on under their own indent
    (and under a list dash); the picture's rows are never wrapped."""
    out: list[str] = []
    for line in lines:
        if len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        hang = indent + ("  " if body.startswith("- ") else "    ")
        out += textwrap.wrap(body, width, initial_indent=indent, subsequent_indent=hang,
                             break_on_hyphens=False, break_long_words=False)
    return out


def render_text(plans: Plans, rules: Rules, width: int | None = None) -> str:
    """Plain text: the picture, then each plan's steps, because-lines and uncertainties,
    wrapped at ``width`` (default TEXT_WIDTH; from 40 to 100)."""
    width = max(MIN_WIDTH, min(width or TEXT_WIDTH, MAX_WIDTH))
    out = [f"Plans to {plans.goal_title}",
           f"From {long_date(plans.as_of)}. Rules {plans.rules_version}.", ""]
    if not plans.plans:
        out += [f"No plan reaches {plans.goal_title} on your answers. What stops each way in:",
                *(f"  - {line}" for line in plans.blocked), ""]
    rows = picture(plans, rules, width)
    out = _wrapped(out, width)
    if rows:
        out += rows + [""]
    body: list[str] = []
    if plans.via_text:
        body += [_via_text(plans) or "", ""]
    for name, p in _all(plans):
        body.append(_headline(name, p, rules))
        for step in p.steps:
            body += [f"  {_step_line(step)}", f"      Because: {step.because}"]
            reach = REACH.get(str(step.funding_rule)) if step.kind == "training" else None
            if reach:
                body.append(f"      {reach}")
        if p.uncertain:
            body += ["  Not certain:", *(f"    - {line}" for line in p.uncertain)]
        body.append("")
    body += ["What the planner cannot know", *(f"  - {line}" for line in plans.notes), "",
             "Sources: " + ", ".join(plans.sources)]
    # Text from the rules file reaches the terminal only as text.
    return for_terminal("\n".join(out + _wrapped(body, width))) + "\n"


def render_markdown(plans: Plans, rules: Rules) -> str:
    """Markdown: the same picture in a code block, then a section per plan."""
    out = [f"# Plans to {_md(plans.goal_title)}", "",
           f"From {long_date(plans.as_of)}. Rules {plans.rules_version}.", ""]
    if not plans.plans:
        out += [f"No plan reaches {_md(plans.goal_title)} on your answers. What stops each way "
                "in:", "", *(f"- {_md(line)}" for line in plans.blocked), ""]
    rows = picture(plans, rules)
    if rows:
        out += ["```text", *(visible(row).replace("`", "'") for row in rows), "```", ""]
    if plans.via_text:
        out += [_md(_via_text(plans) or ""), ""]
    for name, p in _all(plans):
        out += [f"## {_md(_headline(name, p, rules))}", ""]
        for step in p.steps:
            out += [f"- **{_md(_step_line(step))}**  ", f"  Because: {_md(step.because)}"]
        if p.uncertain:
            out += ["", "Not certain:", ""] + [f"- {_md(line)}" for line in p.uncertain]
        out.append("")
    out += ["## What the planner cannot know", ""] + [f"- {_md(n)}" for n in plans.notes]
    out += ["", "## Sources", ""]
    for sid in plans.sources:
        source = rules.sources[sid]
        out.append(f"- {sid}: {markdown_link(source.title, source.url)}")
    return "\n".join(out) + "\n"


def render_html(plans: Plans, rules: Rules) -> str:
    """HTML: each plan a bar of periods on one scale, then its steps (no scripts)."""
    e = html.escape
    start = plans.as_of
    shown = _all(plans)
    last = max((p.qualified for _, p in shown), default=start)
    span = max(1, (last - start).days)
    body = [f"<h1>Plans to {e(plans.goal_title)}</h1>",
            f"<p>From {e(long_date(plans.as_of))}. Rules {e(plans.rules_version)}.</p>"]
    if not plans.plans:
        body += [f"<p>No plan reaches {e(plans.goal_title)} on your answers. "
                 "What stops each way in:</p><ul>",
                 *(f"<li>{e(line)}</li>" for line in plans.blocked), "</ul>"]
    if shown:
        body += ['<div class="timeline" role="img" aria-label="The plans on one time axis">',
                 '<div class="row"><span class="name"></span><span class="bar axis">']
        for year in range(start.year + 1, last.year + 1):
            at = 100 * (date(year, 1, 1) - start).days / span
            body.append(f'<span class="year" style="left:{at:.2f}%">{year}</span>')
        body.append("</span></div>")
        for name, p in shown:
            body.append(f'<div class="row"><span class="name">{e(name)}</span>'
                        '<span class="bar">')
            for step in p.steps:
                left = 100 * (step.start - start).days / span
                width = 100 * ((min(step.end, p.qualified) - step.start).days + 1) / span
                label = (rules.trainings[step.training].short_title
                         if step.training in rules.trainings else "work")
                body.append(
                    f'<span class="seg {e(step.kind)}" style="left:{left:.2f}%;'
                    f'width:{max(width, 0.5):.2f}%" title="{e(label)}: {e(_period(step))}">'
                    f'{e(label) if step.kind == "training" else ""}</span>')
            body.append("</span></div>")
        body.append("</div>")
    if plans.via_text:
        body.append(inset(f"<p>{e(_via_text(plans) or '')}</p>"))
    for name, p in shown:
        body.append(f"<h2>{e(_headline(name, p, rules))}</h2><ol>")
        for step in p.steps:
            body.append(f"<li><strong>{e(_step_line(step))}</strong><br>"
                        f"Because: {e(step.because)}</li>")
        body.append("</ol>")
        if p.uncertain:
            body += ["<p>Not certain:</p><ul>", *(f"<li>{e(line)}</li>" for line in p.uncertain),
                     "</ul>"]
    body += ["<h2>What the planner cannot know</h2><ul>",
             *(f"<li>{e(n)}</li>" for n in plans.notes), "</ul><h2>Sources</h2>"]
    # The same sources list as check's (only https addresses become links).
    body.append(sources_list([(sid, rules.sources[sid].title, rules.sources[sid].url)
                              for sid in plans.sources]))
    # The timeline's own rules, after the style every hitpath page shares.
    style = (
        ".row{display:flex;align-items:center;margin:.3rem 0}"
        ".name{width:4.5rem;flex:none}.bar{position:relative;flex:1;height:1.6rem;"
        "background:#f3f2f1}.seg{position:absolute;top:0;bottom:0;overflow:hidden;"
        "white-space:nowrap;font-size:.8rem;color:#fff;padding-left:2px}"
        ".seg.work{background:#b1b4b6}.seg.training{background:#1d70b8}"
        ".bar.axis{background:none;height:1.2rem}.year{position:absolute;font-size:.75rem;"
        "border-left:1px solid #505a5f;padding-left:2px}"
        "@media print{.seg{print-color-adjust:exact;-webkit-print-color-adjust:exact}}")
    return page(f"Plans to {plans.goal_title}", body, extra_css=style)


def _step_json(step: PlanStep) -> dict[str, Json]:
    return {
        "kind": step.kind, "training": step.training, "title": step.title,
        "start": step.start.isoformat(), "end": step.end.isoformat(),
        "exam_board": ({"earliest": step.exam_board[0].isoformat(),
                        "latest": step.exam_board[1].isoformat()} if step.exam_board else None),
        "band": step.band, "nhs_funded": step.nhs_funded,
        "funding_rule": str(step.funding_rule), "because": step.because,
        "binding": str(step.binding) if step.binding else None,
        "applications": {"open": iso(step.applications[0]),
                         "close": iso(step.applications[1])},
    }


def _plan_json(p: Plan) -> dict[str, Json]:
    return {
        "trainings": list(p.trainings), "steps": [_step_json(s) for s in p.steps],
        "goal_start": p.goal_start.isoformat(), "qualified": p.qualified.isoformat(),
        "delay_months": p.delay_months, "binding": str(p.binding),
        "uncertain": list(p.uncertain), "band_months": p.band_months,
    }


def to_json(plans: Plans, rules: Rules) -> dict[str, Json]:
    """The JSON contract: as_of, goal, plans (best first), via, notes, sources, and more."""
    return {
        "as_of": plans.as_of.isoformat(), "goal": plans.goal, "goal_title": plans.goal_title,
        "rules_version": plans.rules_version,
        "plans": [_plan_json(p) for p in plans.plans],
        "via": _plan_json(plans.via) if plans.via else None,
        "via_training": plans.via_training, "via_text": plans.via_text,
        "via_same_as_plan": via_same_as(plans),
        "blocked": list(plans.blocked), "notes": list(plans.notes),
        "sources": [{"id": sid, "title": rules.sources[sid].title,
                     "url": rules.sources[sid].url} for sid in plans.sources],
    }


def list_trainings(rules: Rules) -> str:
    """``hitpath plan --list``: the goal ids with their titles, then the signposts."""
    out = ["Trainings you can plan to (use the id with --goal or --via):"]
    width = max((len(t) for t in rules.trainings), default=0)
    for tid, t in rules.trainings.items():
        months = ", ".join(MONTHS[i.month - 1][:3] for i in
                           sorted(t.calendar.intakes, key=lambda i: i.month))
        out.append(f"  {tid:<{width}}  {t.title} (intakes: {months})")
    if rules.signposts:
        out += ["", "Also worth knowing (shown for information, not planned):"]
        for sign in rules.signposts:
            out.append(f"  {sign.title}: {sign.needs} [{', '.join(sign.sources)}]")
    return "\n".join(out) + "\n"


def render_plans(plans: Plans, rules: Rules, fmt: str, width: int | None = None) -> str:
    """Plans in one of the report formats: text, markdown, html or json (text wrapped at
    ``width``, see ``render_text``)."""
    if fmt == "json":
        return json_text(to_json(plans, rules))
    if fmt == "markdown":
        return render_markdown(plans, rules)
    if fmt == "html":
        return render_html(plans, rules)
    return render_text(plans, rules, width)
