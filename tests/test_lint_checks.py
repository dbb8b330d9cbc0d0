"""``hitpath rules check``: each check on a small sound file with one thing changed, and the
shipped rules passing clean."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from hitpath.lint.checks import Finding
from hitpath.lint.commands import check, load_for_lint, run_check
from hitpath.load.ruleset import SHIPPED_RULES
from tests.conftest import ROOT, Run

SOUND = ROOT / "tests" / "fixtures" / "bad_rules" / "sound.yaml"
AS_OF = date(2026, 4, 1)  # for the sound fixture
SHIPPED_AS_OF = date(2026, 11, 30)  # the day of the shipped rules' review


def findings_for(tmp_path: Path, *edits: tuple[str, str], as_of: date = AS_OF) -> list[Finding]:
    text = SOUND.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    found, _ = check(load_for_lint(str(path)), as_of)
    return found


def codes(found: list[Finding]) -> list[str]:
    return [f.code for f in found]


def test_the_sound_file_is_sound(tmp_path: Path) -> None:
    assert findings_for(tmp_path) == []


def test_shipped_rules_pass_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(None, "text", SHIPPED_AS_OF) == 0
    out = capsys.readouterr().out
    assert "sound, no findings" in out and "Reached 15 of 15 questions" in out


def test_shipped_rules_are_due_for_review_six_months_on(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(None, "json", date(2027, 5, 31)) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["sound"] is False
    # The review is due; so are the sources not re-read at the last review (a year on).
    codes = [f["code"] for f in report["findings"]]
    assert codes[0] == "review-overdue"
    stale = {f["key"] for f in report["findings"][1:] if f["code"] == "source-stale"}
    shipped = yaml.safe_load(open(SHIPPED_RULES, encoding="utf-8"))
    assert stale == {f"sources.{sid}.checked" for sid, s in shipped["sources"].items()
                     if s["checked"] < date(2026, 5, 31)}
    # ... and the newest pay table (2026/27) has run its year.
    assert set(codes) == {"review-overdue", "source-stale", "pay-out-of-date"}
    assert report["findings"][0]["line"] and report["findings"][0]["key"] == "meta.reviewed"
    assert report["walk"]["questions_reached"] and report["walk"]["problems"] == 0


def test_unused_named_condition(tmp_path: Path) -> None:
    found = findings_for(tmp_path, ("  is_pwp: {q: roles, contains_any: [pwp]}\n",
                                    "  is_pwp: {q: roles, contains_any: [pwp]}\n"
                                    "  spare: {q: nation, equals: elsewhere}\n"))
    assert codes(found) == ["unused-condition"] and found[0].subject == "named condition 'spare'"


def test_constant_false_and_constant_parts(tmp_path: Path) -> None:
    found = findings_for(tmp_path, (
        "    when: {q: nation, equals: elsewhere}\n",
        "    when:\n      any:\n        - {q: nation, equals: elsewhere}\n"
        "        - {q: experience_months, at_most: -1}\n"))
    assert codes(found) == ["constant-condition"]
    assert "always false" in found[0].message
    assert found[0].path == ("advice", 0, "when", "any", 1)


def test_exclusive_choices_make_a_condition_constant(tmp_path: Path) -> None:
    found = findings_for(tmp_path, ("    when: {routes_open: false}\n",
                                    "    when: {q: roles, contains_all: [nurse, none]}\n"))
    assert "constant-condition" in codes(found)


def test_answered_is_not_constant(tmp_path: Path) -> None:
    found = findings_for(tmp_path, ("    when: {q: nation, equals: elsewhere}\n",
                                    "    when: {q: exam_board, answered: true}\n"))
    assert "constant-condition" not in codes(found)


def test_pay_year_label_must_match_the_date(tmp_path: Path) -> None:
    found = findings_for(tmp_path, ("      pay_year: 2026/27\n", "      pay_year: 2026/28\n"))
    assert codes(found) == ["pay-year-mismatch"]


def test_pay_figure_that_does_not_follow_the_uplift(tmp_path: Path) -> None:
    found = findings_for(tmp_path, ("{band: 6, entry: 39959,", "{band: 6, entry: 3995,"))
    assert codes(found) == ["pay-figure"]
    assert "band 6 entry is 3,995" in found[0].message and found[0].severity == "warning"


def test_newest_pay_table_out_of_date(tmp_path: Path) -> None:
    found = findings_for(tmp_path, as_of=date(2027, 4, 2))
    assert "pay-out-of-date" in codes(found)


def test_unused_source_and_future_checked_date(tmp_path: Path) -> None:
    found = findings_for(
        tmp_path,
        ("  SRC-B:\n", "  SRC-C:\n    title: Spare\n    url: https://example.org/spare\n"
                       "    publisher: Example body\n    checked: 2026-05-01\n  SRC-B:\n"))
    assert sorted(codes(found)) == ["date-in-future", "unused-source"]


def test_data_as_of_must_be_a_month(tmp_path: Path) -> None:
    found = findings_for(tmp_path, ('  data_as_of: "2026-03"\n', '  data_as_of: "March"\n'))
    assert codes(found) == ["data-as-of"]


@pytest.mark.parametrize(("new_text", "code"), [
    ("Other roles are worth a look!", "text-exclamation"),
    ("Other roles are worth a look (TODO, list them).", "text-placeholder"),
    ("You should look at other roles.", "text-judgement"),
    ("Other roles  are worth a look.", "text-spacing"),
    ("Other roles ARE worth a look.", "text-shouting"),
    ("Other roles are worth a look" + ", and more" * 40 + ".", "text-long-sentence"),
])
def test_plain_language(tmp_path: Path, new_text: str, code: str) -> None:
    found = findings_for(tmp_path, (
        "    text: Other roles in psychological therapies are worth a look.\n",
        f"    text: {new_text}\n"))
    assert code in codes(found)


def test_abbreviations_are_not_shouting(tmp_path: Path) -> None:
    found = findings_for(tmp_path, (
        "    text: Other roles in psychological therapies are worth a look.\n",
        "    text: Ask the NMC, the HCPC or a (SCPHN) nurse about PTSD roles.\n"))
    assert found == []


def test_questions_end_with_a_question_mark_and_labels_without_full_stop(
        tmp_path: Path) -> None:
    found = findings_for(
        tmp_path,
        ("    text: Where do you want to work?\n", "    text: Where do you want to work\n"),
        ("      - {value: england, label: England}\n",
         "      - {value: england, label: England.}\n"))
    assert sorted(codes(found)) == ["label-full-stop", "text-full-stop"]


def test_findings_name_subject_line_and_what_to_do(tmp_path: Path) -> None:
    (found,) = findings_for(tmp_path, ("    url: https://example.org/entry\n",
                                       "    url: http://example.org/entry\n"))
    assert (found.code, found.subject, found.line) == ("source-not-https", "source 'SRC-A'", 13)
    assert found.hint.startswith("Use the https:// address")


def test_check_command_text_and_json(run_hitpath: Run) -> None:
    done = run_hitpath("rules", "check", "--rules", str(SOUND), "--as-of", "2026-04-01")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sound, no findings" in done.stdout
    done = run_hitpath("rules", "check", "--rules", str(SOUND), "--as-of", "2026-04-01",
                       "--format", "json")
    report = json.loads(done.stdout)
    assert report["sound"] is True and report["findings"] == []
    assert report["walk"]["paths"] == 31
    done = run_hitpath("rules", "check", "--rules", str(SOUND), "--format", "yaml")
    assert done.returncode == 2 and "not a format" in done.stderr
