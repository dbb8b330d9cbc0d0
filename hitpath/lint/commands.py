"""``hitpath rules check | walk | schema | diff``: rules that can be trusted.

``check`` runs the load-time validation, the static checks (``lint.checks``) and the exhaustive
path walk (``lint.walk``), and reports every finding with its line and what to do. Exit status:
0 when the file is sound, 1 when it has findings (warnings included), 2 when it cannot be read.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date

from hitpath.core.model import Json, Rules
from hitpath.core.untrusted import for_terminal
from hitpath.lint.checks import (
    ERROR,
    WARNING,
    Finding,
    Loaded,
    display_path,
    static_findings,
)
from hitpath.lint.schema import answers_schema, rules_schema
from hitpath.lint.walk import WalkResult, format_answer, transcript, walk
from hitpath.load.ruleset import SHIPPED_RULES, build_rules, load_rules
from hitpath.load.strict import parse_yaml, read_input
from hitpath.load.validate import validate_rules

GOLDEN = "tests/golden/walk.txt"
"""The golden transcript of the shipped rules, checked by tests/test_lint_walk.py."""


def load_for_lint(path: str | None) -> Loaded:
    """Read, validate and build a rules file (default: the shipped one), keeping its lines."""
    path = path or SHIPPED_RULES
    shown = display_path(path)
    data, lines = parse_yaml(read_input(path, "rules"), shown)
    plain = validate_rules(data, lines, shown)
    return Loaded(shown, plain, lines, build_rules(plain, path))


# rules check --------------------------------------------------------------------------

def _checked_questions(rules: Rules) -> int:
    """How many questions check can ask (those only plans ask are walked by plan checks)."""
    return sum(1 for q in rules.questions if not q.plan_only)


def walk_findings(loaded: Loaded, result: WalkResult) -> list[Finding]:
    """What the walk proves wrong: unreachable questions, advice and routes, engine failures."""
    data = loaded.data
    found: list[Finding] = []
    for i, q in enumerate(data["questions"]):
        # Questions only plans ask are walked by the plan checks, not by check's walk.
        if q["id"] not in result.asked and not q.get("plan_only"):
            found.append(loaded.finding(
                "unreachable-question", ERROR, f"question '{q['id']}'",
                "no path through the questions asks it",
                "Check its 'when' condition: it must be true for some answers to the earlier "
                "questions.", ("questions", i, "when") if "when" in q else ("questions", i)))
    for section, what, fired in (("advice", "advice item", result.advice_fired),
                                 ("next_steps", "next step", result.steps_fired)):
        for i, item in enumerate(data[section]):
            if item["id"] not in fired:
                found.append(loaded.finding(
                    "never-shown", ERROR, f"{what} '{item['id']}'",
                    "no answers show it",
                    "Check its 'when' condition (and 'dated_by' for next steps) against the "
                    "questions' choices.", (section, i, "when") if "when" in item
                    else (section, i)))
    for i, conflict in enumerate(data.get("conflicts", [])):
        if conflict["id"] not in result.conflicts_fired:
            found.append(loaded.finding(
                "never-shown", ERROR, f"conflict '{conflict['id']}'",
                "no answers walked fall into it",
                "Check the questions it names and its 'when' condition.", ("conflicts", i)))
    for i, route in enumerate(data["routes"]):
        counts = result.verdicts.get(route["id"], Counter())
        is_open = counts.get("eligible", 0) + counts.get("eligible_from", 0)
        closed = counts.get("not_eligible", 0) + counts.get("not_yet", 0)
        if not is_open:
            found.append(loaded.finding(
                "route-never-open", ERROR, f"route '{route['id']}'",
                "no answers make it open (eligible now or from a date)",
                "Check that its requirements can all be met together, and its 'applies_when'.",
                ("routes", i, "requirements")))
        if not closed:
            found.append(loaded.finding(
                "route-never-closed", ERROR, f"route '{route['id']}'",
                "no answers rule it out or leave it 'not yet'; it is open or undecided for "
                "everyone", "Check its 'applies_when' and requirements: some answers must be able "
                "to fail them.", ("routes", i, "applies_when")))
    for problem in result.problems:
        example = " ".join(f"--set {k}={format_answer(v)}" for k, v in problem.answers.items())
        subject, path, hint = _problem_place(loaded, problem.about)
        on = f" (on {problem.paths:,} paths)" if problem.paths > 1 else ""
        found.append(loaded.finding(
            "walk-problem", ERROR, subject, problem.message + on,
            f"{hint} For example: hitpath check {example}".rstrip(), path))
    shown = sum(p.paths for p in result.problems)
    if result.problem_count > shown:
        found.append(Finding("walk-problem", ERROR, "the path walk",
                             f"{result.problem_count - shown:,} more paths had other problems",
                             "Fix the ones shown, then check again."))
    return found


def _problem_place(loaded: Loaded, about: str) -> tuple[str, tuple[str | int, ...], str]:
    """The subject, place in the file and advice for a walk problem."""
    data = loaded.data
    if about == "funding":
        rid = data["funding"]["requirement"]
        index = next(i for i, r in enumerate(data["requirements"]) if r["id"] == rid)
        return ("the funding rule", ("requirements", index, "applies_when"),
                "Make its 'applies_when' decided on every path: false (or true) wherever that "
                "question is not asked.")
    if about.startswith("route:"):
        rid = about.split(":", 1)[1]
        index = next(i for i, r in enumerate(data["routes"]) if r["id"] == rid)
        return (f"route '{rid}'", ("routes", index),
                "Make the route decidable from the questions asked on this path.")
    return ("the engine", (), "This is a fault in the engine, not the rules; report it.")


def check(loaded: Loaded, as_of: date, budget: int | None = None
          ) -> tuple[list[Finding], WalkResult]:
    """Every finding for a loaded rules file, with the walk that found some of them."""
    from hitpath.lint.plans import plan_checks

    result = walk(loaded.rules, as_of, budget)
    planned = plan_checks(loaded, result, as_of)
    result.plans = planned
    findings = static_findings(loaded, as_of) + walk_findings(loaded, result) + planned.findings
    findings.sort(key=lambda f: (f.line is None, f.line or 0, f.code))
    return findings, result


def changelog_findings(loaded: Loaded) -> list[Finding]:
    """Whether the rules changelog shipped beside these rules has their version, reviewed on
    the same day (that it covers every change needs the previous rules: rules changes --check)."""
    from hitpath.lint.changes import load_changes

    log = load_changes()
    meta = loaded.data["meta"]
    entry = next((v for v in log.versions if v.version == meta["rules_version"]), None)
    if entry is None:
        return [loaded.finding(
            "changelog-missing", WARNING, f"rules {meta['rules_version']}",
            f"the rules changelog ({log.path}) has no entry for this version",
            "Write what changed for people, and from which date, as its first version; then "
            "check it with: hitpath rules changes --check PREVIOUS-RULES-FILE",
            ("meta", "rules_version"))]
    if entry.reviewed.isoformat() != str(meta["reviewed"]):
        return [loaded.finding(
            "changelog-date", WARNING, f"rules {meta['rules_version']}",
            f"the rules changelog says reviewed {entry.reviewed.isoformat()}, the rules "
            f"{meta['reviewed']}", "Give both the same review date.", ("meta", "reviewed"))]
    return []


def walk_summary(result: WalkResult, loaded: Loaded) -> list[str]:
    """The walk's coverage figures, as lines of text."""
    rules = loaded.rules
    lines = [
        f"Walked {result.paths:,} paths through the questions ({result.runs:,} engine runs) "
        f"in {result.seconds:.1f} s, judged on {result.as_of.isoformat()}.",
        f"Reached {len(result.asked)} of {_checked_questions(rules)} questions; showed "
        f"{len(result.advice_fired)} of {len(rules.advice)} advice items and "
        f"{len(result.steps_fired)} of {len(rules.next_steps)} next steps and "
        f"{len(result.conflicts_fired)} of {len(rules.conflicts)} conflicts; "
        f"{len(result.classes):,} distinct outcomes.",
    ]
    if result.plans is not None:
        from hitpath.lint.plans import plan_summary

        lines.append(plan_summary(result.plans))
    verdicts = ("eligible", "eligible_from", "not_yet", "not_eligible", "unsure")
    rows = [[f"{result.verdicts.get(r.id, Counter()).get(v, 0):,}" for v in verdicts]
            for r in rules.routes]
    first = max([len(r.id) + 2 for r in rules.routes] + [len("Paths by verdict")])
    widths = [max([len(v)] + [len(row[i]) for row in rows]) for i, v in enumerate(verdicts)]
    lines.append("Paths by verdict".ljust(first)
                 + "".join("  " + v.rjust(w) for v, w in zip(verdicts, widths, strict=True)))
    for route, row in zip(rules.routes, rows, strict=True):
        lines.append(f"  {route.id}".ljust(first)
                     + "".join("  " + n.rjust(w) for n, w in zip(row, widths, strict=True)))
    lines += [f"Note: {note}." for note in result.notes]
    return lines


def format_finding(finding: Finding, path: str) -> str:
    """One finding as text: where, what and what to do."""
    where = f"{path}:{finding.line}" if finding.line else path
    return (f"{where}: {finding.severity} [{finding.code}]: {finding.subject}: "
            f"{finding.message}.\n  {finding.hint}")


def run_check(rules_path: str | None, fmt: str, as_of: date,
              budget: int | None = None) -> int:
    """``hitpath rules check``: 0 sound, 1 findings; unreadable files raise (exit 2)."""
    loaded = load_for_lint(rules_path)
    findings, result = check(loaded, as_of, budget)
    if rules_path is None:  # the changelog ships with the shipped rules only
        findings += changelog_findings(loaded)
    errors = sum(f.severity == ERROR for f in findings)
    warnings = sum(f.severity == WARNING for f in findings)
    if fmt == "json":
        payload = {
            "file": loaded.path, "as_of": as_of.isoformat(), "sound": not findings,
            "errors": errors, "warnings": warnings,
            "findings": [{"code": f.code, "severity": f.severity, "subject": f.subject,
                          "line": f.line, "key": ".".join(str(p) for p in f.path) or None,
                          "message": f.message, "hint": f.hint} for f in findings],
            "walk": walk_json(result, loaded),
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return 1 if findings else 0
    out = [format_finding(f, loaded.path) for f in findings]
    if findings:
        out.append(f"{loaded.path}: {len(findings)} finding{'s' if len(findings) > 1 else ''} "
                   f"({errors} error{'s' if errors != 1 else ''}, {warnings} "
                   f"warning{'s' if warnings != 1 else ''}).")
    else:
        out.append(f"{loaded.path}: sound, no findings (checked as of {as_of.isoformat()}).")
    out += walk_summary(result, loaded)
    sys.stdout.write(for_terminal("\n".join(out) + "\n"))
    return 1 if findings else 0


def walk_json(result: WalkResult, loaded: Loaded) -> dict[str, Json]:
    """The walk's figures as JSON."""
    rules = loaded.rules
    return {
        "as_of": result.as_of.isoformat(), "paths": result.paths, "engine_runs": result.runs,
        "seconds": round(result.seconds, 3), "outcomes": len(result.classes),
        "questions_reached": sorted(result.asked), "questions": _checked_questions(rules),
        "advice_shown": sorted(result.advice_fired), "advice": len(rules.advice),
        "next_steps_shown": sorted(result.steps_fired), "next_steps": len(rules.next_steps),
        "conflicts_shown": sorted(result.conflicts_fired), "conflicts": len(rules.conflicts),
        "verdicts": {rid: dict(counts) for rid, counts in result.verdicts.items()},
        "problems": result.problem_count,
        "plans": None if result.plans is None else {
            "trainings": result.plans.trainings, "reachable": result.plans.reachable,
            "entry_routes": result.plans.routes, "open_and_closed": result.plans.both_ways},
    }


# rules walk ---------------------------------------------------------------------------

def run_walk(rules_path: str | None, summary: bool, transcript: str | None, as_of: date,
             budget: int | None = None) -> int:
    """``hitpath rules walk``: coverage and verdict counts; 1 when the walk finds problems."""
    from hitpath.load.output import check_target, write_atomic

    loaded = load_for_lint(rules_path)
    if transcript:
        check_target(transcript, (rules_path,))  # before the walk, not after it
    result = walk(loaded.rules, as_of, budget)
    text = transcript_text(result, loaded, rules_path, transcript or GOLDEN)
    if transcript:
        write_atomic(transcript, text, mode=0o644, inputs=(rules_path,))
    elif not summary:
        sys.stdout.write(for_terminal(text))
    problems = walk_findings(loaded, result)
    out = walk_summary(result, loaded)
    if transcript:
        out.append(f"Wrote {len(result.classes):,} outcomes to {transcript}.")
    out += [format_finding(f, loaded.path) for f in problems]
    sys.stdout.write(for_terminal("\n".join(out) + "\n"))
    return 1 if problems else 0


def transcript_text(
    result: WalkResult, loaded: Loaded, rules_path: str | None = None, target: str = GOLDEN
) -> str:
    """The transcript of a walk, with the command that writes it again in its header."""
    rules = f" --rules {rules_path}" if rules_path else ""
    command = (f"hitpath rules walk --summary{rules} --as-of {result.as_of.isoformat()} "
               f"--transcript {target}")
    return transcript(result, loaded.rules, command)


# rules schema -------------------------------------------------------------------------

def run_schema(kind: str) -> int:
    """``hitpath rules schema --for rules|answers``: print the JSON Schema."""
    schema = rules_schema() if kind == "rules" else answers_schema(load_rules())
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return 0


# rules diff ---------------------------------------------------------------------------

def run_diff(old: str, new: str, answers: list[str], as_of: date,
             budget: int | None = None) -> int:
    """``hitpath rules diff``: 0 when nothing differs, 1 when something does (like diff)."""
    from hitpath.lint.diff import diff_rules

    before = load_for_lint(old)
    after = load_for_lint(new)
    if not answers:
        sys.stderr.write("Walking both rules files to compare outcomes...\n")
    lines, changed = diff_rules(before, after, answers, as_of, budget)
    sys.stdout.write(for_terminal("\n".join(lines) + "\n"))
    return 1 if changed else 0
