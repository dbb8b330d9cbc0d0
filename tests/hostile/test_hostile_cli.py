"""Hostile cohorts, values and pipes: formula injection, huge values, closed pipes, full
disks, odd digits, standard input and output, and what each exit status means."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import hitpath_exe
from tests.hostile.helpers import (
    AS_OF,
    ENGLAND_PWP,
    no_traceback,
    run_exe,
    run_main,
    run_measured,
    sound_copy,
)

# Row 2: spreadsheet formula injection -----------------------------------------------------

FORMULAS = ["=HYPERLINK(\"https://example.org\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _formula_cohort(tmp_path: Path, form: str) -> Path:
    path = tmp_path / f"c.{form}"
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["ref", "nation"])
        writer.writerows([ref, "england"] for ref in FORMULAS)
        writer.writerow(["=bad", "=cmd|' /C calc'!A0"])
        path.write_text(out.getvalue())
    else:
        lines = [json.dumps({"ref": ref, "nation": "england"}) for ref in FORMULAS]
        lines.append(json.dumps({"ref": "=bad", "nation": "=cmd|' /C calc'!A0"}))
        path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("form", ["csv", "jsonl"])
@pytest.mark.parametrize("out_form", ["csv", "jsonl"])
def test_no_cell_written_starts_a_formula(tmp_path: Path, form: str, out_form: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "batch", str(_formula_cohort(tmp_path, form)),
                              "--as-of", AS_OF, "--format", out_form)
    assert code == 1  # the last row has a bad value
    if out_form == "csv":
        cells = [cell for row in csv.reader(io.StringIO(out, newline="")) for cell in row]
    else:
        cells = [str(v) for line in out.splitlines() for v in json.loads(line).values()
                 if isinstance(v, str)]
    risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert risky == []
    # The ref is still there to read, after the quote that makes it text.
    assert "'=HYPERLINK(\"https://example.org\")" in cells
    assert "'-2+3" in cells


# Row 10: memory is bounded on a single value ----------------------------------------------

@pytest.mark.slow
def test_a_huge_value_is_not_compared_or_echoed_whole(tmp_path: Path) -> None:
    cohort = tmp_path / "c.jsonl"
    cohort.write_text(json.dumps({"ref": "r1", "nation": "englandx" * 7_500_000}) + "\n")
    done, peak_kib = run_measured("batch", str(cohort), "--as-of", AS_OF, "--output",
                                  str(tmp_path / "out.csv"), cwd=tmp_path)
    assert done.returncode == 1
    assert len(done.stderr) < 10_000  # a short prefix, not 60 MB
    assert len((tmp_path / "out.csv").read_bytes()) < 10_000
    # The file's line and its one value are held a few times over; never gigabytes.
    assert peak_kib < 800_000, f"{peak_kib} KiB"
    no_traceback(done.stderr)


def test_a_long_bad_answer_is_echoed_as_a_short_prefix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("nation: " + "x" * 500_000 + "\n")
    code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF)
    assert code == 2 and len(err) < 2_000 and "500,000 characters" in err


def test_did_you_mean_still_helps_for_short_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "check", "--set", "nation=englnd", "--as-of", AS_OF)
    assert code == 2 and "Did you mean 'england'" in err


# Row 12: a failed write to standard output ------------------------------------------------

@pytest.mark.parametrize("args", [
    ["check", "--set", "nation=england", "--as-of", AS_OF],
    ["check", "--set", "nation=england", "--as-of", AS_OF, "--format", "json"],
    ["questions"], ["sources"], ["rules", "check", "--as-of", AS_OF],
    ["rules", "walk", "--as-of", AS_OF], ["rules", "schema"],
    ["recheck", "ANSWERS", "--old-rules", "RULES", "--as-of", AS_OF],
    ["batch", "COHORT", "--as-of", AS_OF],
])
def test_a_full_disk_on_standard_output_is_one_line(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "a.yaml").write_text(ENGLAND_PWP)
    (tmp_path / "c.csv").write_text("ref,nation\nr1,england\n")
    rules = sound_copy(tmp_path)
    args = [{"ANSWERS": "a.yaml", "RULES": str(rules), "COHORT": "c.csv"}.get(a, a)
            for a in args]
    with open("/dev/full", "wb") as full:
        done = subprocess.run([hitpath_exe(), *args], stdout=full, stderr=subprocess.PIPE,
                              cwd=tmp_path, timeout=120, check=False,
                              env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.decode().strip().splitlines()
    assert lines and "standard output" in lines[-1] and "No space left" in lines[-1]
    assert not [line for line in lines if "Traceback" in line or "Exception" in line]


# Row 13: a closed pipe ends quietly -------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["batch", "COHORT", "--as-of", AS_OF],
    ["rules", "walk", "--as-of", AS_OF],
    ["questions"],
])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("ref,nation\n" + "".join(f"r{i},england\n" for i in range(50_000)))
    args = [str(cohort) if a == "COHORT" else a for a in args]
    proc = subprocess.Popen([hitpath_exe(), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path,
                            env={**os.environ, "NO_COLOR": "1"})
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err and b"Exception ignored" not in err
    assert b"BrokenPipe" not in err and b"Broken pipe" not in err


# Row 17: - is standard input and output ---------------------------------------------------

def test_answers_from_standard_input(tmp_path: Path) -> None:
    done = run_exe("check", "--answers", "-", "--as-of", AS_OF, "--format", "json",
                   cwd=tmp_path, stdin=ENGLAND_PWP.encode())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["as_of"] == AS_OF


def test_bad_answers_from_standard_input_are_named_so(tmp_path: Path) -> None:
    done = run_exe("check", "--answers", "-", "--as-of", AS_OF, cwd=tmp_path,
                   stdin=b"nation: atlantis\n")
    assert done.returncode == 2 and b"<stdin>:1" in done.stderr


def test_report_to_standard_output_by_dash(tmp_path: Path) -> None:
    done = run_exe("check", "--set", "nation=england", "--as-of", AS_OF, "--output", "-",
                   "--format", "html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"<!DOCTYPE html>")
    assert not (tmp_path / "-").exists()


def test_batch_from_standard_input_to_standard_output(tmp_path: Path) -> None:
    done = run_exe("batch", "-", "--as-of", AS_OF, "--output", "-", cwd=tmp_path,
                   stdin=b"ref,nation\nr1,england\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"row,ref,") and b"r1" in done.stdout
    assert not (tmp_path / "-").exists()


def test_batch_jsonl_from_standard_input(tmp_path: Path) -> None:
    done = run_exe("batch", "-", "--as-of", AS_OF, "--format", "jsonl", cwd=tmp_path,
                   stdin=b'{"ref": "r1", "nation": "england"}\n')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["ref"] == "r1"


def test_rules_from_standard_input(tmp_path: Path) -> None:
    rules = sound_copy(tmp_path)
    done = run_exe("rules", "check", "--rules", "-", "--as-of", AS_OF, cwd=tmp_path,
                   stdin=rules.read_bytes())
    assert done.returncode == 0, done.stdout + done.stderr
    assert b"sound" in done.stdout


def test_standard_input_is_read_once(tmp_path: Path) -> None:
    done = run_exe("check", "--answers", "-", "--rules", "-", "--as-of", AS_OF, cwd=tmp_path,
                   stdin=b"")
    assert done.returncode == 2 and b"standard input" in done.stderr


def test_walk_transcript_to_standard_output(tmp_path: Path) -> None:
    rules = sound_copy(tmp_path)
    done = run_exe("rules", "walk", "--summary", "--rules", str(rules), "--as-of", AS_OF,
                   "--transcript", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"# hitpath rules walk")
    assert not (tmp_path / "-").exists()


# Row 18: digits in dates and numbers are ASCII only ---------------------------------------

@pytest.mark.parametrize("value", ["２０２３-07-14", "٢٠٢٣-07-14", "²⁰²³-07-14", "2023-０7-14",
                                   "2023-07-1４"])
def test_only_ascii_digits_in_dates(tmp_path: Path, value: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--set", f"previous_exam_board={value}"], ["--as-of-only"]):
        if args == ["--as-of-only"]:
            code, out, err = run_main(capsys, "check", "--set", "nation=england",
                                      "--as-of", value)
        else:
            code, out, err = run_main(capsys, "check", "--set", "nation=england", *args,
                                      "--as-of", AS_OF)
        assert code == 2, out
        assert "YYYY-MM-DD" in err and "invalid literal" not in err
        no_traceback(out, err)


@pytest.mark.parametrize("value", ["２４", "٢٤", "²⁴", "1_2"])
def test_only_ascii_digits_in_numbers(tmp_path: Path, value: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "check", "--set", f"pwp_employment_months={value}",
                              "--as-of", AS_OF)
    assert code == 2 and "whole number" in err and "invalid literal" not in err
    no_traceback(out, err)


def test_only_ascii_digits_in_a_batch(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("ref,nation,professions,pwp_employment_months,previous_exam_board\n"
                      "r1,england,pwp,２４,\nr2,england,pwp,24,٢٠٢٣-07-14\n"
                      "r3,england,pwp,24,2023-07-14\n")
    code, out, err = run_main(capsys, "batch", str(cohort), "--as-of", AS_OF)
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows[0]["error"] and rows[1]["error"] and not rows[2]["error"]


# Also: a refused non-UTF-8 row keeps its ref where it can be read -------------------------

def test_a_non_utf8_row_keeps_its_ref(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_bytes(b"ref,nation\nclient-7,engl\xe9nd\nclient-8,england\n")
    code, out, err = run_main(capsys, "batch", str(cohort), "--as-of", AS_OF)
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows[0]["ref"] == "client-7" and "UTF-8" in rows[0]["error"]
    assert rows[1]["ref"] == "client-8" and not rows[1]["error"]


# Exit statuses mean one thing each --------------------------------------------------------

def test_exit_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "c.csv"
    good.write_text("ref,nation\nr1,england\n")
    bad_row = tmp_path / "d.csv"
    bad_row.write_text("ref,nation\nr1,atlantis\n")
    assert run_main(capsys, "batch", str(good), "--as-of", AS_OF)[0] == 0
    assert run_main(capsys, "batch", str(bad_row), "--as-of", AS_OF)[0] == 1
    assert run_main(capsys, "batch", str(tmp_path / "none.csv"), "--as-of", AS_OF)[0] == 2
    assert run_main(capsys, "check", "--no-such-option")[0] == 2
    assert run_main(capsys, "check", "--set", "nation=england", "--as-of", AS_OF)[0] == 0


def test_help_names_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "--help")
    assert code == 0
    flat = " ".join(out.split())
    for status in ("0", "1", "2", "130"):
        assert f"{status} " in flat
    assert "Exit status" in flat or "exit status" in flat


# The review's passing case: a million rows in flat memory --------------------------------

@pytest.mark.slow
def test_a_million_rows_in_flat_memory(tmp_path: Path) -> None:
    cohort = tmp_path / "million.csv"
    with cohort.open("w") as handle:
        handle.write("ref,nation,professions,pwp_employment_months,degree\n")
        for i in range(1_000_000):
            handle.write(f"r{i},england,pwp,{i % 60},yes\n")
    out = tmp_path / "results.csv"
    done, peak_kib = run_measured("batch", str(cohort), "--as-of", AS_OF, "--output",
                                  str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert peak_kib < 300_000, f"{peak_kib} KiB"
    with out.open(newline="") as handle:
        assert sum(1 for _ in handle) == 1_000_001
