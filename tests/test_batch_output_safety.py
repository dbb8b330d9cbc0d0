"""Batch's --output: never replaces a file hitpath did not write, never writes its results
under an ending that says they are something else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run

COHORT = "nation,professions\nengland,pwp\n"


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.csv"
    path.write_text(COHORT)
    return path


@pytest.mark.parametrize("name", ["notes", "notes.csv", "results.jsonl", "table.html",
                                  "table.md"])
def test_a_file_hitpath_did_not_write_is_left_as_it_is(run_hitpath: Run, cohort: Path,
                                                       tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("a client's own notes\n")
    done = run_hitpath("batch", str(cohort), "--output", name)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "did not write" in done.stderr and "--force" in done.stderr
    assert (tmp_path / name).read_text() == "a client's own notes\n"


def test_force_replaces_it(run_hitpath: Run, cohort: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a client's own notes\n")
    done = run_hitpath("batch", str(cohort), "--output", "notes.csv", "--force")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "notes.csv").read_text().startswith("row,ref,")


@pytest.mark.parametrize(("name", "third_row"), [("results.csv", "\n3,"),
                                                 ("results.jsonl", '{"row": 3,'),
                                                 ("results.html", '"num">3</td>'),
                                                 ("results.md", "| 3 |")])
def test_its_own_results_are_written_again_without_force(run_hitpath: Run, cohort: Path,
                                                         tmp_path: Path, name: str,
                                                         third_row: str) -> None:
    assert run_hitpath("batch", str(cohort), "--output", name).returncode == 0
    cohort.write_text(COHORT + "wales,pwp\n")
    again = run_hitpath("batch", str(cohort), "--output", name)
    assert again.returncode == 0, again.stderr
    assert third_row in (tmp_path / name).read_text()


@pytest.mark.parametrize("name", ["results.xlsx", "results.ods", "results.json",
                                  "results.yaml", "notes.txt"])
def test_an_ending_batch_cannot_write_is_refused(run_hitpath: Run, cohort: Path,
                                                 tmp_path: Path, name: str) -> None:
    done = run_hitpath("batch", str(cohort), "--output", name)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert ".csv" in done.stderr and not (tmp_path / name).exists()


def test_a_format_the_ending_contradicts_is_refused(run_hitpath: Run, cohort: Path,
                                                   tmp_path: Path) -> None:
    done = run_hitpath("batch", str(cohort), "--output", "results.csv", "--format", "html")
    assert done.returncode == 2 and "does not match" in done.stderr
    assert not (tmp_path / "results.csv").exists()
