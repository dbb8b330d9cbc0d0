"""hitpath batch, end to end through the installed command: formats, bad rows, bad files."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

AS_OF = "2026-05-01"
HEADER = ["ref", "nation", "professions", "core_experience_months", "pwp_employment_months",
          "degree", "mental_health_experience_months", "ksa_portfolio", "previous_nhs_training",
          "previous_training_programme", "previous_training_started", "previous_exam_board"]

PWP_OPEN = {"ref": "pwp-open", "nation": "england", "professions": "pwp",
            "pwp_employment_months": "30", "degree": "yes", "ksa_portfolio": "in_progress",
            "previous_nhs_training": "yes", "previous_training_programme": "pwp",
            "previous_training_started": "2022-09-05", "previous_exam_board": "2023-07-14"}
NURSE_DATED = {"ref": "nurse-8m", "nation": "england", "professions": "mental_health_nurse",
               "core_experience_months": "8", "previous_nhs_training": "none"}
GRADUATE = {"ref": "grad", "nation": "england", "professions": "none", "degree": "yes",
            "ksa_portfolio": "not_started", "previous_nhs_training": "none",
            "mental_health_experience_months": "30"}
PWP_UNSURE = {"ref": "pwp-unsure", "nation": "england", "professions": "pwp;other_nurse",
              "degree": "yes", "ksa_portfolio": "complete", "previous_nhs_training": "none"}


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)  # \r\n, as spreadsheets write
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_in_csv_out_on_stdout(run_hitpath: Run, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "cohort.csv", [PWP_OPEN, NURSE_DATED, GRADUATE, PWP_UNSURE])
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    rows = read_csv(done.stdout)
    per_route = [f"{route}_{column}"
                 for route in ("core_profession", "pwp", "ksa", "counselling")
                 for column in ("verdict", "from", "first_intake", "qualified_by")]
    assert list(rows[0]) == [
        "row", "ref", *per_route, "two_year_rule", "nhs_funding_from", "best_route",
        "best_route_from", "main_unmet", "undecided_by", "reason", "not_before", "conflicts",
        "error"]
    by_ref = {r["ref"]: r for r in rows}
    assert [r["row"] for r in rows] == ["2", "3", "4", "5"]
    pwp = by_ref["pwp-open"]
    assert (pwp["pwp_verdict"], pwp["two_year_rule"], pwp["nhs_funding_from"]) == (
        "eligible", "applies", "2025-07-14")
    assert (pwp["best_route"], pwp["main_unmet"], pwp["error"]) == ("pwp", "", "")
    nurse = by_ref["nurse-8m"]
    assert (nurse["core_profession_verdict"], nurse["core_profession_from"]) == (
        "eligible_from", "2026-09-01")
    assert (nurse["best_route"], nurse["main_unmet"]) == ("core_profession", "core_experience")
    grad = by_ref["grad"]
    assert (grad["ksa_verdict"], grad["main_unmet"]) == ("not_yet", "ksa_portfolio")
    unsure = by_ref["pwp-unsure"]
    assert (unsure["pwp_verdict"], unsure["main_unmet"], unsure["undecided_by"]) == (
        "unsure", "pwp_experience", "pwp_employment_months")
    # Nothing but the data on stdout; the summary is on stderr.
    assert "assessed" not in done.stdout
    assert done.stderr.strip() == "hitpath: 4 assessed, no errors."


def test_output_file_is_private_and_atomic(run_hitpath: Run, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "cohort.csv", [PWP_OPEN, NURSE_DATED])
    out = tmp_path / "results.csv"
    done = run_hitpath("batch", str(src), "--output", str(out), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"Wrote {out}" in done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert len(read_csv(out.read_text(encoding="utf-8"))) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.csv", "results.csv"]


def test_ref_is_carried_through_untouched(run_hitpath: Run, tmp_path: Path) -> None:
    odd = '  Smith, J. "Jo" – 0042\r\nline two\rthree '
    src = write_csv(tmp_path / "cohort.csv", [dict(PWP_OPEN, ref=odd), NURSE_DATED])
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"results.{fmt}"
        done = run_hitpath("batch", str(src), "--output", str(out), "--as-of", AS_OF)
        assert done.returncode == 0, done.stderr
        with open(out, encoding="utf-8", newline="") as handle:
            if fmt == "csv":
                rows = list(csv.DictReader(handle))
            else:
                rows = [json.loads(line) for line in handle]
        assert [r["ref"] for r in rows] == [odd, "nurse-8m"]
        assert rows[0]["pwp_verdict" if fmt == "csv" else "best_route"] in ("eligible", "pwp")


def test_jsonl_in_and_out(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.jsonl"
    people = [
        {"ref": "a", "nation": "england", "professions": ["pwp"], "pwp_employment_months": 30,
         "degree": "yes", "ksa_portfolio": "in_progress", "previous_nhs_training": "none"},
        {"ref": 7, "nation": "england", "professions": ["mental_health_nurse"],
         "core_experience_months": 8, "course_start": None, "previous_nhs_training": "none"},
    ]
    src.write_text("".join(json.dumps(p) + "\n" for p in people) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    done = run_hitpath("batch", str(src), "--output", str(out), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["row"] for line in lines] == [1, 2]
    assert lines[0]["ref"] == "a" and lines[1]["ref"] == "7"
    # Open now: the September intake, and qualified a year later (the JSON contract's months).
    assert lines[0]["routes"]["pwp"] == {"verdict": "eligible", "from": None,
                                         "first_intake": "2026-09", "qualified_by": "2027-09"}
    # Ready on the 1st of September: that month's intake is made (as check says).
    assert lines[1]["routes"]["core_profession"] == {
        "verdict": "eligible_from", "from": "2026-09-01", "first_intake": "2026-09",
        "qualified_by": "2027-09"}
    assert lines[1]["main_unmet"] == "core_experience"
    assert lines[0]["error"] is None
    # The same input as CSV on stdout.
    as_csv = run_hitpath("batch", str(src), "--format", "csv", "--as-of", AS_OF)
    assert [r["pwp_verdict"] for r in read_csv(as_csv.stdout)] == ["eligible", "not_eligible"]


def test_csv_in_jsonl_out(run_hitpath: Run, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "cohort.csv", [NURSE_DATED, dict(GRADUATE, degree="maybe")])
    done = run_hitpath("batch", str(src), "--format", "jsonl", "--as-of", AS_OF)
    assert done.returncode == 1
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["routes"]["core_profession"]["from"] == "2026-09-01"
    assert first["ref"] == "nurse-8m" and first["error"] is None
    assert second["routes"] is None
    assert second["error"].startswith("row 3: degree: 'maybe' is not a choice")


def test_semicolon_separated_file(run_hitpath: Run, tmp_path: Path) -> None:
    # Spreadsheets in many locales save CSV with semicolons.
    src = tmp_path / "cohort.csv"
    src.write_text('nation;professions;core_experience_months;previous_nhs_training\n'
                   'england;"mental_health_nurse;social_worker";30;none\n', encoding="utf-8")
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert read_csv(done.stdout)[0]["core_profession_verdict"] == "eligible"


# Bad input ---------------------------------------------------------------------------------


def test_empty_file(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "empty.csv"
    src.write_bytes(b"")
    done = run_hitpath("batch", str(src), "--output", str(tmp_path / "out.csv"))
    assert done.returncode == 2
    assert "the file is empty" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_header_only_file(run_hitpath: Run, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "cohort.csv", [])
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 0
    assert read_csv(done.stdout) == []
    assert done.stdout.startswith("row,ref,")
    assert "0 assessed, no errors." in done.stderr


def test_unknown_column_named_once_with_did_you_mean(run_hitpath: Run, tmp_path: Path) -> None:
    header = ["ref", "nation", "profesions", "core_experience_months"]
    rows = [{"ref": f"r{i}", "nation": "england", "profesions": "social_worker",
             "core_experience_months": "20"} for i in range(3)]
    rows.append({"ref": "blank", "nation": "england", "profesions": "",
                 "core_experience_months": "20"})
    src = write_csv(tmp_path / "cohort.csv", rows, header)
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 1
    assert done.stderr.count("Did you mean 'professions'?") == 1
    assert "column 'profesions' is not an answer key" in done.stderr
    result = {r["ref"]: r for r in read_csv(done.stdout)}
    assert result["r0"]["error"] == (
        "row 2: a value in column 'profesions', which is not an answer key")
    assert result["r0"]["core_profession_verdict"] == ""
    # A row that leaves the unknown column empty loses nothing, so it is assessed.
    assert result["blank"]["error"] == "" and result["blank"]["core_profession_verdict"]
    assert "1 assessed, 3 rows with errors: row 2, row 3, row 4" in done.stderr


def test_rows_with_too_many_or_too_few_fields(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    src.write_text("ref,nation,professions\n"
                   "a,england,pwp\n"
                   "b,england\n"
                   "c,england,pwp,extra\n"
                   "d,england,social_worker\n", encoding="utf-8")
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 1
    rows = read_csv(done.stdout)
    assert [r["ref"] for r in rows] == ["a", "b", "c", "d"]
    assert rows[1]["error"] == "row 3: 2 fields, but the header has 3"
    assert rows[2]["error"] == "row 4: 4 fields, but the header has 3"
    assert rows[0]["error"] == rows[3]["error"] == ""
    assert rows[3]["core_profession_verdict"] == "unsure"
    assert done.stderr.startswith("hitpath: 2 assessed, 2 rows with errors: row 3, row 4\n")


@pytest.mark.parametrize(("cell", "reason"), [
    # UK dates are read day first; impossible and ambiguous ones are row errors.
    ("31/02/2024", "'31/02/2024' is not a real date: February 2024 has 29 days"),
    ("01/31/2024", "'01/31/2024' has no month 31; dates with / are read day first"),
    ("31/01/24", "'31/01/24' is ambiguous: write the year in full"),
    ("2024-1-31", "'2024-1-31' is not a date; expected YYYY-MM-DD"),
    ("2024-02-31", "'2024-02-31' is not a real date: February 2024 has 29 days"),
    ("2023-13", "'2023-13' has no month 13"),
])
def test_impossible_dates(run_hitpath: Run, tmp_path: Path, cell: str, reason: str) -> None:
    rows = [PWP_OPEN, dict(PWP_OPEN, ref="bad", previous_exam_board=cell), NURSE_DATED]
    src = write_csv(tmp_path / "cohort.csv", rows)
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 1
    result = read_csv(done.stdout)
    assert result[1]["error"].startswith(f"row 3: previous_exam_board: {reason}")
    assert result[0]["pwp_verdict"] == "eligible"
    assert result[2]["core_profession_verdict"] == "eligible_from"
    assert "2 assessed, 1 row with errors: row 3" in done.stderr


def test_every_problem_in_a_row_is_named(run_hitpath: Run, tmp_path: Path) -> None:
    bad = dict(GRADUATE, degree="yse", mental_health_experience_months="-3")
    src = write_csv(tmp_path / "cohort.csv", [bad])
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    error = read_csv(done.stdout)[0]["error"]
    assert "degree: 'yse' is not a choice. Did you mean 'yes'?" in error
    assert "mental_health_experience_months: expected a whole number of at least 0" in error


def test_non_utf8_rows_are_refused_and_the_rest_assessed(run_hitpath: Run,
                                                         tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    src.write_bytes(b"ref,nation,professions\n"
                    b"ok1,england,pwp\n"
                    b"Ren\xe9e,england,pwp\n"  # Latin-1, as an old spreadsheet saves it
                    b"ok2,england,social_worker\n")
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 1
    rows = read_csv(done.stdout)
    assert [r["ref"] for r in rows] == ["ok1", "", "ok2"]  # a garbled ref is not carried
    assert rows[1]["error"] == "row 3: this row is not UTF-8 text; save the file as UTF-8"
    assert rows[2]["core_profession_verdict"] == "unsure"


def test_non_utf8_header_stops_with_exit_2(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    src.write_bytes("nation,r\u00e9f\n".encode("latin-1") + b"england,x\n")
    done = run_hitpath("batch", str(src))
    assert done.returncode == 2
    assert "the header row is not UTF-8 text" in done.stderr


def test_utf8_with_byte_order_mark(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    src.write_bytes("\ufeffref,nation,professions\nJos\u00e9,england,pwp\n".encode())
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert read_csv(done.stdout)[0]["ref"] == "Jos\u00e9"


def test_malformed_csv_row_does_not_stop_the_run(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    huge = '"' + "x" * 200_000 + '"'
    src.write_text(f"ref,nation\na,england\n{huge},england\nb,scotland\n", encoding="utf-8")
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 1
    rows = read_csv(done.stdout)
    assert rows[1]["error"].startswith("row 3: this row is not valid CSV")
    assert rows[2]["ref"] == "b" and rows[2]["error"] == ""


def test_bad_jsonl_lines(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.jsonl"
    src.write_bytes(b'{"nation": "england", "professions": ["pwp"]}\n'
                    b'{"nation": "england", "profesions": ["pwp"]}\n'
                    b'{"nation": \n'
                    b'["england"]\n'
                    b'{"ref": "ok", "nation": "wales"}\n'
                    b'{"ref": "Ren\xe9e", "nation": "wales"}\n')
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 1
    errors = [r["error"] for r in read_csv(done.stdout)]
    assert errors[0] == errors[4] == ""
    assert errors[5] == "row 6: this line is not UTF-8 text; save the file as UTF-8"
    assert errors[1] == "row 2: 'profesions' is not an answer key (Did you mean 'professions'?)"
    assert errors[2].startswith("row 3: not valid JSON")
    assert errors[3].startswith("row 4: expected a mapping of answer keys")


@pytest.mark.parametrize(("args", "needle"), [
    (["missing.csv"], "the input file does not exist"),
    (["."], "this folder holds no answers files"),  # a folder of answers files is input
    (["cohort.csv", "--output", "no/such/folder/out.csv"], "the folder to write into"),
    (["cohort.csv", "--output", "cohort.csv"], "the output would overwrite an input file"),
    (["cohort.csv", "--format", "xlsx"], "'xlsx' is not a format"),
    (["cohort.csv", "--as-of", "2026-02-30"], "not a real date"),
])
def test_bad_arguments_exit_2(run_hitpath: Run, tmp_path: Path, args: list[str],
                              needle: str) -> None:
    write_csv(tmp_path / "cohort.csv", [PWP_OPEN])
    done = run_hitpath("batch", *args)
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert read_csv((tmp_path / "cohort.csv").read_text(encoding="utf-8"))[0]["ref"] == (
        "pwp-open")


@pytest.mark.parametrize("name", ["cohort.xlsx", "cohort.csv"])  # whatever its name says
def test_a_spreadsheet_file_is_asked_for_as_csv(run_hitpath: Run, tmp_path: Path,
                                                name: str) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / name, "w") as book:  # how an xlsx or ods file begins
        book.writestr("xl/workbook.xml", "<workbook/>")
    done = run_hitpath("batch", str(tmp_path / name), "--output", str(tmp_path / "out.csv"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "not CSV text" in done.stderr and "CSV UTF-8" in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_no_column_is_an_answer_key(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    src.write_text("name,nhs_number\nJo,123\n", encoding="utf-8")
    done = run_hitpath("batch", str(src))
    assert done.returncode == 2
    assert "no column is named by an answer key" in done.stderr


def test_duplicate_column(run_hitpath: Run, tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    src.write_text("nation,nation\nengland,wales\n", encoding="utf-8")
    done = run_hitpath("batch", str(src))
    assert done.returncode == 2
    assert "the column 'nation' appears twice" in done.stderr


def test_summary_names_at_most_ten_rows(run_hitpath: Run, tmp_path: Path) -> None:
    rows = [dict(NURSE_DATED, ref=str(i), core_experience_months="many") for i in range(25)]
    src = write_csv(tmp_path / "cohort.csv", [PWP_OPEN, *rows])
    done = run_hitpath("batch", str(src), "--as-of", AS_OF)
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first.startswith("hitpath: 1 assessed, 25 rows with errors: row 3, row 4")
    assert first.endswith("row 12 and 15 more")
    assert "every one is named in the error column" in done.stderr
    assert sum(1 for r in read_csv(done.stdout) if r["error"]) == 25


def test_nothing_is_written_without_an_output_path(run_hitpath: Run, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "cohort.csv", [PWP_OPEN, NURSE_DATED])
    home = tmp_path / "home"
    home.mkdir()
    before = {p for p in tmp_path.rglob("*")}
    done = run_hitpath("batch", str(src), env={"HOME": str(home), "XDG_CACHE_HOME": str(home)})
    assert done.returncode == 0
    assert {p for p in tmp_path.rglob("*")} == before
    # No answer is echoed to stderr for good rows: only the counts.
    assert "pwp" not in done.stderr and "england" not in done.stderr


def _outcome_cells(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("row", "ref")}


def test_same_results_whatever_the_input_order(run_hitpath: Run, tmp_path: Path) -> None:
    people = [PWP_OPEN, NURSE_DATED, GRADUATE, PWP_UNSURE]
    one = run_hitpath("batch", str(write_csv(tmp_path / "a.csv", people)), "--as-of", AS_OF)
    two = run_hitpath("batch", str(write_csv(tmp_path / "b.csv", people[::-1])),
                      "--as-of", AS_OF)
    forward = {r["ref"]: _outcome_cells(r) for r in read_csv(one.stdout)}
    backward = {r["ref"]: _outcome_cells(r) for r in read_csv(two.stdout)}
    assert forward == backward


def test_output_written_by_the_temp_file_in_the_target_folder(tmp_path: Path) -> None:
    # The temporary file is made beside the target, so the final rename is atomic.
    from hitpath.load.output import AtomicOutput

    src = write_csv(tmp_path / "cohort.csv", [PWP_OPEN])
    sink = AtomicOutput(str(tmp_path / "out.csv"), (str(src),))
    tmp = sink.tmp
    assert tmp is not None
    try:
        assert os.path.dirname(tmp) == str(tmp_path)
        assert os.path.basename(tmp).startswith(".hitpath-")
        assert stat.S_IMODE(os.stat(tmp).st_mode) == 0o600
    finally:
        sink.discard()
    assert not os.path.exists(tmp) and not (tmp_path / "out.csv").exists()


def test_advisers_guide_example_is_a_real_run(run_hitpath: Run, tmp_path: Path) -> None:
    """The advisers' guide's batch example shows exactly what the command gives."""
    from tests.conftest import ROOT

    guide = (ROOT / "docs" / "advisers.md").read_text(encoding="utf-8")
    section = guide.split("## Batch checks for a cohort", 1)[1]
    shown = section.split("$ cat results.csv\n", 1)[1].split("```", 1)[0]
    summary = section.split("--as-of 2026-05-01\n", 1)[1].split("Wrote results.csv", 1)[0]
    out = tmp_path / "results.csv"
    done = run_hitpath("batch", str(ROOT / "tests" / "fixtures" / "batch" / "cohort.csv"),
                       "--output", str(out), "--as-of", "2026-05-01")
    assert done.returncode == 1
    assert out.read_text(encoding="utf-8") == shown
    assert done.stderr.startswith(summary)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_clear_message(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import hitpath_exe

    src = write_csv(tmp_path / "cohort.csv", [PWP_OPEN])
    with open("/dev/full", "w") as full:
        done = subprocess.run([hitpath_exe(), "batch", str(src)], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 2
    assert "cannot write to standard output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
