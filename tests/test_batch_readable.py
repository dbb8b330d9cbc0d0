"""A cohort table people can read: what spreadsheets hold as input (labels in any case, UK
dates, a folder of answers files) and tables to read and print (HTML, Markdown)."""

from __future__ import annotations

import html.parser
import json
from pathlib import Path

import pytest

from hitpath.core.model import Rules
from hitpath.load.answers import spreadsheet_answer
from tests.conftest import ROOT, Run
from tests.test_batch import AS_OF, NURSE_DATED, PWP_OPEN, read_csv, write_csv


@pytest.mark.parametrize(("key", "cell", "value"), [
    ("nation", "England", "england"),
    ("nation", "NORTHERN IRELAND", "northern_ireland"),
    ("nation", "northern ireland", "northern_ireland"),
    ("previous_nhs_training", "No", "none"),  # the label of the id 'none'
    ("previous_nhs_training", "Not sure", "not_sure"),
    ("right_to_work", "yes", "yes"),
    ("modality", "Not Sure", "not_sure"),
    ("professions", "None", ["none"]),
    ("professions", "None of these", ["none"]),
    ("professions", "Mental health nurse (RMN), NMC-registered; Qualified psychological "
                    "wellbeing practitioner (PWP)", ["mental_health_nurse", "pwp"]),
    ("professions", "pwp,other_nurse", ["pwp", "other_nurse"]),
    ("core_experience_months", "Not sure", "not_sure"),
    ("previous_exam_board", "31/01/2024", "2024-01-31"),
    ("previous_exam_board", "1/2/2024", "2024-02-01"),  # day first: 1 February
    ("previous_exam_board", "31.01.2024", "2024-01-31"),
    ("previous_exam_board", "07/2023", "2023-07"),
    ("previous_exam_board", "2024-01-31", "2024-01-31"),
])
def test_what_spreadsheets_hold_reads_as_the_answer_it_spells(
        rules: Rules, key: str, cell: str, value: object) -> None:
    assert spreadsheet_answer(rules.question_by_id[key], cell) == value


@pytest.mark.parametrize(("cell", "words"), [
    ("31/02/2024", "February 2024 has 29 days"),
    ("29/02/2023", "February 2023 has 28 days"),
    ("01/31/2024", "no month 31"),
    ("31/01/24", "ambiguous"),
    ("13/2024", "no month 13"),
])
def test_ambiguous_or_impossible_uk_dates_are_refused(rules: Rules, cell: str,
                                                      words: str) -> None:
    with pytest.raises(ValueError, match=words):
        spreadsheet_answer(rules.question_by_id["previous_exam_board"], cell)


def test_labels_and_uk_dates_give_the_same_results_as_ids(run_hitpath: Run,
                                                         tmp_path: Path) -> None:
    as_labels = dict(PWP_OPEN, nation="England", professions="Qualified psychological "
                     "wellbeing practitioner (PWP)", degree="Yes, a degree",
                     ksa_portfolio="In progress", previous_nhs_training="YES",
                     previous_training_programme="Psychological wellbeing practitioner (PWP)",
                     previous_training_started="05/09/2022", previous_exam_board="14/07/2023")
    ids = run_hitpath("batch", str(write_csv(tmp_path / "ids.csv", [PWP_OPEN])), "--as-of", AS_OF)
    labels = run_hitpath("batch", str(write_csv(tmp_path / "labels.csv", [as_labels])),
                         "--as-of", AS_OF)
    assert ids.returncode == labels.returncode == 0, labels.stdout
    assert read_csv(ids.stdout) == read_csv(labels.stdout)


def test_column_names_in_any_case_name_their_answer_keys(run_hitpath: Run,
                                                        tmp_path: Path) -> None:
    """A header as a spreadsheet may write it ('Nation', 'Previous NHS training', 'Ref') names
    the same answers as the keys themselves; the same name twice is still refused."""
    ids = run_hitpath("batch", str(write_csv(tmp_path / "ids.csv", [PWP_OPEN])), "--as-of", AS_OF)
    spelt = {key.replace("_", " ").title(): value for key, value in PWP_OPEN.items()}
    assert "Previous Nhs Training" in spelt and "Ref" in spelt
    named = run_hitpath("batch", str(write_csv(tmp_path / "named.csv", [spelt], list(spelt))),
                        "--as-of", AS_OF)
    assert ids.returncode == named.returncode == 0, named.stderr
    assert read_csv(ids.stdout) == read_csv(named.stdout)
    assert "not an answer key" not in named.stderr
    twice = tmp_path / "twice.csv"
    twice.write_text("ref,nation,Nation\nA,england,england\n", encoding="utf-8")
    done = run_hitpath("batch", str(twice), "--as-of", AS_OF)
    assert done.returncode == 2 and "appears twice" in done.stderr


def test_a_bad_date_is_a_row_error_and_the_other_rows_are_kept(run_hitpath: Run,
                                                               tmp_path: Path) -> None:
    rows = [PWP_OPEN, dict(PWP_OPEN, ref="us", previous_exam_board="07/14/2023"), NURSE_DATED]
    done = run_hitpath("batch", str(write_csv(tmp_path / "c.csv", rows)), "--as-of", AS_OF)
    assert done.returncode == 1
    got = read_csv(done.stdout)
    assert got[1]["error"].startswith("row 3: previous_exam_board: '07/14/2023' has no month 14")
    assert got[0]["error"] == got[2]["error"] == "" and got[2]["reason"]


def test_reason_and_best_route_date_beside_the_ids(run_hitpath: Run, tmp_path: Path) -> None:
    done = run_hitpath("batch", str(write_csv(tmp_path / "c.csv", [PWP_OPEN, NURSE_DATED])),
                       "--as-of", AS_OF)
    pwp, nurse = read_csv(done.stdout)
    assert (pwp["best_route"], pwp["best_route_from"]) == ("pwp", AS_OF)
    assert pwp["reason"] == "Eligible now by the PWP route."
    assert nurse["best_route_from"] == nurse["core_profession_from"] != ""
    assert nurse["reason"].startswith("Not yet: from ")
    assert "by the core profession route" in nurse["reason"]


def test_a_folder_of_answers_files_is_one_row_each(run_hitpath: Run, tmp_path: Path) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    for name in ("pwp.yaml", "mental-health-nurse.yaml", "scotland.yaml"):
        (folder / name).write_text((ROOT / "examples" / name).read_text())
    (folder / "broken.yaml").write_text("nation: englnd\n")
    (folder / "notes.txt").write_text("not an answers file\n")
    done = run_hitpath("batch", str(folder), "--as-of", AS_OF, "--format", "jsonl")
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["ref"] for line in lines] == [
        "broken.yaml", "mental-health-nurse.yaml", "pwp.yaml", "scotland.yaml"]
    assert lines[0]["error"].startswith("row 1: ") and "englnd" in lines[0]["error"]
    assert lines[2]["best_route"] == "pwp" and lines[2]["error"] is None
    check = run_hitpath("check", "--answers", str(folder / "pwp.yaml"), "--as-of", AS_OF,
                        "--format", "json")
    routes = {r["id"]: r["verdict"] for r in json.loads(check.stdout)["routes"]}
    assert {k: v["verdict"] for k, v in lines[2]["routes"].items()} == routes


class _Table(html.parser.HTMLParser):
    """The cells of every table row, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


HOSTILE_REF = "<b>x</b> | *y* [z](http://e)"


def test_html_table_to_read_and_print(run_hitpath: Run, tmp_path: Path) -> None:
    rows = [dict(PWP_OPEN, ref=HOSTILE_REF), NURSE_DATED,
            dict(PWP_OPEN, ref="bad", degree="maybe")]
    out = tmp_path / "cohort.html"
    done = run_hitpath("batch", str(write_csv(tmp_path / "c.csv", rows)), "--output", str(out),
                       "--as-of", AS_OF)
    assert done.returncode == 1
    parser = _Table()
    parser.feed(out.read_text(encoding="utf-8"))
    head, *body = parser.rows
    assert head[:6] == ["Row", "Ref", "In short", "Best route", "Open from", "First intake"]
    assert len(body) == 3
    assert body[0][:6] == ["2", HOSTILE_REF, "Eligible now by the PWP route.", "PWP route",
                           "1 May 2026", "September 2026"]
    assert "b" not in parser.tags, "text from the file is shown as text"
    assert body[2][-1].startswith("row 4: degree: 'maybe' is not a choice")
    assert "<script" not in out.read_text()


def test_markdown_table_escapes_cells(run_hitpath: Run, tmp_path: Path) -> None:
    rows = [dict(PWP_OPEN, ref=HOSTILE_REF), NURSE_DATED]
    done = run_hitpath("batch", str(write_csv(tmp_path / "c.csv", rows)), "--format",
                       "markdown", "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 2
    widths = {line.replace("\\|", "").count("|") for line in table}
    assert widths == {9}, "no cell breaks the table"
    assert "\\<b\\>x\\</b\\> \\| \\*y\\* \\[z\\](http://e)" in table[2]


FORMULA_REF = '=HYPERLINK("https://example.org")'


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_tables_show_refs_as_given(run_hitpath: Run, tmp_path: Path, fmt: str) -> None:
    """The ' that keeps a spreadsheet from running a ref as a formula belongs to CSV cells;
    a table to read shows the ref as given (escaped as text), refused rows' refs too."""
    rows = [dict(PWP_OPEN, ref=FORMULA_REF), dict(PWP_OPEN, ref="-2+3", degree="maybe")]
    done = run_hitpath("batch", str(write_csv(tmp_path / "c.csv", rows)), "--format", fmt,
                       "--as-of", AS_OF)
    assert done.returncode == 1
    if fmt == "html":
        parser = _Table()
        parser.feed(done.stdout)
        refs = [row[1] for row in parser.rows[1:]]
        assert refs == [FORMULA_REF, "-2+3"]
    else:
        table = [line for line in done.stdout.splitlines() if line.startswith("| ")][1:]
        assert [line.split(" | ")[1] for line in table] == [
            '=HYPERLINK("https://example.org")', "-2+3"]
    assert "'=" not in done.stdout and "'-" not in done.stdout
