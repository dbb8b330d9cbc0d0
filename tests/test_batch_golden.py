"""Batch gives what 'hitpath check' gives: for every golden persona and every rule case."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hitpath.core.model import Rules
from hitpath.load.strict import load_file
from tests.conftest import PACKAGE, ROOT, hitpath_exe

PERSONAS = sorted((ROOT / "examples").glob("*.yaml"))
CASES_DIR = PACKAGE / "rules_tests"
# The order of the best route (docs): eligible now, from the earliest date, not yet, not
# decided; never a route that is not for the person.
PROMISE = {"eligible": 4, "eligible_from": 3, "not_yet": 2, "unsure": 1, "not_eligible": 0}


def _cell(value: Any) -> str:
    """An answer as a CSV cell: lists joined by ';', YAML's yes/no back to words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    return "" if value is None else str(value)


def _cohort_csv(path: Path, people: dict[str, dict[str, Any]], rules: Rules) -> None:
    keys = [q.id for q in rules.questions]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ref", *keys])
        for ref, answers in people.items():
            assert set(answers) <= set(keys), set(answers) - set(keys)
            writer.writerow([ref, *(_cell(answers.get(k)) for k in keys)])


def expected_row(report: dict[str, Any], rules: Rules) -> dict[str, str]:
    """The batch columns, worked out from a 'check --format json' report on their own terms."""
    routes = report["routes"]
    row: dict[str, str] = {}
    for route in routes:
        row[f"{route['id']}_verdict"] = route["verdict"]
        row[f"{route['id']}_from"] = route["eligible_from"] or ""
        row[f"{route['id']}_first_intake"] = route["first_intake"] or ""
        row[f"{route['id']}_qualified_by"] = route["qualified_by"] or ""
    row["two_year_rule"] = report["funding"]["two_year_rule"]
    row["nhs_funding_from"] = report["funding"]["nhs_funding_from"] or ""

    def promise(route: dict[str, Any]) -> tuple[int, bool, int]:
        when = route["eligible_from"]
        return (PROMISE[route["verdict"]], bool(route["met"] or route["unmet"]),
                -date.fromisoformat(when).toordinal() if when else 0)

    best = max(routes, key=promise)  # the first of equals
    main = ""
    undecided: list[str] = []
    unmet = best["unmet"]
    if best["verdict"] == "eligible_from":
        main = next(u["id"] for u in unmet
                    if u["status"] == "dated" and u.get("date") == best["eligible_from"])
    elif best["verdict"] == "unsure":
        undecided = best["unknown"]
        main = next((u["id"] for u in unmet if u["status"] == "unknown"
                     and set(u.get("unknown", [])) & set(undecided)), "")
    elif best["verdict"] != "eligible":
        failed = [u["id"] for u in unmet if u["status"] == "unmet"]
        gates = [i for i in failed if rules.requirements[i].kind == "gate"]
        main = (gates or failed or [""])[0]
    applies = bool(best["met"] or best["unmet"])
    # The advisers' guide: best_route is empty when no route is for the person.
    row["best_route"] = best["id"] if applies and best["verdict"] != "not_eligible" else ""
    # The JSON summary names the same route, with its verdict and date.
    summary = report["summary"]
    assert (summary["best_route"] or "") == row["best_route"]
    if summary["best_route"]:
        assert (summary["verdict"], summary["eligible_from"]) == (
            best["verdict"], best["eligible_from"])
    opens = {"eligible": report["as_of"], "eligible_from": best["eligible_from"]}
    row["best_route_from"] = opens.get(best["verdict"], "") if row["best_route"] else ""
    row["main_unmet"] = main if applies else ""
    row["undecided_by"] = ";".join(undecided) if applies else ""
    # The report's answer, after any conflicts: batch's reason leads with its firm date.
    answer = summary["text"].rpartition("Until then: ")[2]
    row["reason"] = (expected_reason(best, row, rules, answer) if applies
                     else row_reason_unjudged(routes))
    if not report["in_scope"]:
        # Outside the rules' scope there is no verdict: the reason is the report's answer.
        row["reason"] = answer
    if report["conflicts"]:
        # Answers that cannot both be true come first, in the words the summary opens with.
        first = ("Check your answers first: " + " ".join(c["text"] for c in report["conflicts"])
                 + " Until then: ")
        assert summary["text"].startswith(first), summary["text"]
        row["reason"] = first + row["reason"]
    row["not_before"] = report["summary"]["not_before"] or ""
    row["conflicts"] = ";".join(c["id"] for c in report["conflicts"])
    row["error"] = ""
    return row


def expected_reason(best: dict[str, Any], row: dict[str, str], rules: Rules,
                    answer: str) -> str:
    """The reason column in the reports' words: the verdict on the best route, then what
    sets its date, is missing, or decides it; led by the report's answer's firm date ('Not
    before ...'), when it has one."""
    from hitpath.report.words import verdict_text

    firm = answer.split(";", 1)[0] if answer.startswith("Not before") else ""
    main = row["main_unmet"]
    title = rules.requirements[main].title if main else ""
    if not row["best_route"]:
        return f"Not for you on these answers. In the way: {title}."
    short = next(r.short_title for r in rules.routes if r.id == best["id"])
    if best["verdict"] == "unsure":
        facts = [rules.question_by_id[q].fact for q in best["unknown"]]
        said = facts[0] if len(facts) == 1 else ", ".join(facts[:-1]) + " and " + facts[-1]
        if firm:
            return f"{firm}; after that the {short} depends on {said}."
        return f"Not decided: the {short} depends on {said}."
    if best["verdict"] == "not_yet" and firm:
        return f"{answer} Missing: {title}."
    when = date.fromisoformat(best["eligible_from"]) if best["eligible_from"] else None
    head = f"{verdict_text(best['verdict'], when)} by the {short}."
    if best["verdict"] == "eligible_from":
        return f"{head} Sets the date: {title}."
    if best["verdict"] == "not_yet":
        return f"{head} Missing: {title}."
    return head


def row_reason_unjudged(routes: list[dict[str, Any]]) -> str:
    if any(r["verdict"] == "unsure" for r in routes):
        return "Not decided: too few answers to judge any route."
    return "Not for you on these answers."


def _batch_rows(text: str) -> dict[str, dict[str, str]]:
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        ref = row.pop("ref")
        row.pop("row")
        rows[ref] = row
    return rows


def _run(args: list[str]) -> str:
    done = subprocess.run([hitpath_exe(), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("as_of", ["2025-01-10", "2026-05-01", "2027-09-01"])
def test_batch_equals_check_for_every_golden_persona(rules: Rules, tmp_path: Path,
                                                     as_of: str) -> None:
    assert len(PERSONAS) >= 5
    people = {p.stem: load_file(str(p), "answers")[0] for p in PERSONAS}
    src = tmp_path / "personas.csv"
    _cohort_csv(src, people, rules)
    with ThreadPoolExecutor(max_workers=4) as pool:
        batch = pool.submit(_run, ["batch", str(src), "--as-of", as_of])
        checks = {p.stem: pool.submit(_run, ["check", "--answers", str(p), "--as-of", as_of,
                                             "--format", "json"]) for p in PERSONAS}
        got = _batch_rows(batch.result())
        for stem, check in checks.items():
            assert got[stem] == expected_row(json.loads(check.result()), rules), stem


def _rule_cases() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Every YAML rule case's answers, grouped by its date."""
    by_date: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data, _ = load_file(str(path), "rule cases")
        for number, case in enumerate(data["cases"]):
            answers = {**data.get("base", {}), **case.get("answers", {})}
            for key in case.get("drop", []):
                answers.pop(key, None)
            by_date.setdefault(case["as_of"], []).append((f"{path.stem}-{number}", answers))
    return by_date


def test_batch_equals_check_for_every_rule_case(rules: Rules, tmp_path: Path) -> None:
    """In process, through the same functions the two commands call."""
    from hitpath.cohort.batch import run_batch
    from hitpath.core.engine import assess
    from hitpath.load.answers import from_mapping
    from hitpath.report.json_report import to_dict

    cases = _rule_cases()
    assert sum(len(v) for v in cases.values()) >= 40
    for as_of, people in cases.items():
        src, out = tmp_path / f"{as_of}.csv", tmp_path / f"{as_of}-results.csv"
        _cohort_csv(src, dict(people), rules)
        with contextlib.redirect_stderr(io.StringIO()):
            assert run_batch(str(src), str(out), date.fromisoformat(as_of), None, None) == 0
        got = _batch_rows(out.read_text(encoding="utf-8"))
        for ref, answers in people:
            report = to_dict(assess(rules, from_mapping(rules, answers, ref),
                                    date.fromisoformat(as_of)), rules)
            assert got[ref] == expected_row(report, rules), (ref, as_of)
