"""Properties of batch runs: any cells give one result row each, and good rows equal the engine."""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hitpath.cohort.batch import run_batch
from hitpath.cohort.fastpath import outcome_of
from hitpath.core.engine import assess
from hitpath.load.answers import from_mapping, spreadsheet_answer
from hitpath.load.ruleset import load_rules

RULES = load_rules()
KEYS = [q.id for q in RULES.questions]
AS_OF = date(2026, 5, 1)

# Cells as people type them: valid values, near misses, blanks, odd text.
GOOD_CELLS = {
    q.id: [*q.values, *(["not_sure"] if q.unsure_allowed else [])] for q in RULES.questions
}
ODD = st.sampled_from(["", " ", "yes", "no", "not_sure", "12", "-1", "3.5", "2024-02-29",
                       "2023-02-29", "31/02/2024", "2024-13", "pwp;none", "pwp,,social_worker",
                       "england ", "ENGLAND", "Not sure", "None", "Yes", "31/01/2024", "1/2/2024",
                       "01/31/2024", "31/01/24", "02/2024", "No", '"', "a\nb", "\u00e9", "0",
                       "720", "721"])


def cell_for(key: str) -> st.SearchStrategy[str]:
    question = RULES.question_by_id[key]
    if question.type == "number":
        good = st.integers(0, 80).map(str)
    elif question.type == "date":
        good = st.dates(date(2018, 1, 1), date(2030, 12, 31)).map(date.isoformat)
    elif question.type == "multi":
        good = st.lists(st.sampled_from([v for v in question.values if v != "none"]),
                        min_size=1, max_size=3, unique=True).map(";".join)
    else:
        good = st.sampled_from(GOOD_CELLS[key])
    return st.one_of(good, ODD, st.text(max_size=8))


ROW = st.fixed_dictionaries({key: cell_for(key) for key in KEYS})


def _run(rows: list[dict[str, str]], folder: str) -> list[dict[str, str]]:
    src, out = Path(folder) / "in.csv", Path(folder) / "out.csv"
    with open(src, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["ref", *KEYS])
        writer.writeheader()
        for number, row in enumerate(rows):
            writer.writerow({"ref": f"r{number}", **row})
    with contextlib.redirect_stderr(io.StringIO()):
        code = run_batch(str(src), str(out), AS_OF, None, "csv")
    result = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert code == (1 if any(r["error"] for r in result) else 0)
    return result


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=12))
def test_every_row_gives_one_result_and_good_rows_equal_the_engine(
    rows: list[dict[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = _run(rows, folder)
    assert [r["ref"] for r in result] == [f"r{n}" for n in range(len(rows))]
    for given_row, got in zip(rows, result, strict=True):
        try:
            # Cells as spreadsheets hold them (labels, UK dates) read as the answers they
            # spell (tested on their own in test_batch.py), then the answers contract.
            answers: dict[str, Any] = {
                k: spreadsheet_answer(RULES.question_by_id[k], v.strip())
                for k, v in given_row.items() if v.strip()}
            parsed = from_mapping(RULES, answers, "row")
        except Exception:  # the answers contract refuses it: so must batch
            assert got["error"].startswith(f"row {got['row']}: "), got
            continue
        assert got["error"] == "", (given_row, got["error"])
        # The full assessment, as check makes it: its first intakes too.
        expected = outcome_of(assess(RULES, parsed, AS_OF), RULES)
        (verdicts, dates, rule, funding_from, best, main, undecided, firm, clash, first,
         ends, _, _) = expected
        for route, verdict, when, intake, end in zip(RULES.routes, verdicts, dates, first,
                                                     ends, strict=True):
            assert got[f"{route.id}_verdict"] == verdict
            assert got[f"{route.id}_from"] == (when.isoformat() if when else "")
            assert got[f"{route.id}_first_intake"] == (intake.isoformat()[:7] if intake else "")
            assert got[f"{route.id}_qualified_by"] == (end.isoformat()[:7] if end else "")
        assert (got["two_year_rule"], got["nhs_funding_from"]) == (
            rule, funding_from.isoformat() if funding_from else "")
        assert (got["best_route"], got["main_unmet"], got["undecided_by"]) == (
            best, main, ";".join(undecided))
        assert (got["not_before"], got["conflicts"]) == (
            firm.isoformat() if firm else "", ";".join(clash))
