"""``hitpath rules diff OLD NEW``: rule changes in the domain's words, and whose outcomes move."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hitpath.lint.commands import run_diff
from hitpath.lint.diff import rule_changes
from hitpath.load.ruleset import SHIPPED_RULES, validate_text
from tests.conftest import ROOT, Run

SOUND = ROOT / "tests" / "fixtures" / "bad_rules" / "sound.yaml"
AS_OF = date(2026, 4, 1)


def edited(tmp_path: Path, source: Path, *edits: tuple[str, str], name: str = "new.yaml") -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_identical_files_differ_in_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_diff(str(SOUND), str(SOUND), [], AS_OF) == 0
    out = capsys.readouterr().out
    assert "What changed in the rules:\n  nothing" in out
    assert "0 of 24 walked people change outcome" in out


def test_pay_figure_and_threshold_changes(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    new = edited(tmp_path, SOUND, ("{band: 6, entry: 39959,", "{band: 6, entry: 40100,"),
                 ("    at_least: 12\n", "    at_least: 18\n"))
    assert run_diff(str(SOUND), str(new), [], AS_OF) == 1
    out = capsys.readouterr().out
    assert "  pay 2026/27: band 6 entry 39,959 -> 40,100\n" in out
    assert "  requirement 'experience': at_least: 12 -> 18\n" in out
    # 12 months was enough; now it is not, and the date is worked out from 18.
    assert "nurse: eligible -> eligible from 2026-10-01" in out


def test_answers_files_show_who_moves(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    person = tmp_path / "me.yaml"
    person.write_text("nation: england\nroles: [nurse]\nexperience_months: 14\n",
                      encoding="utf-8")
    unchanged = tmp_path / "pwp.yaml"
    unchanged.write_text("nation: england\nroles: pwp\nexam_board: 2023-01-10\n",
                         encoding="utf-8")
    new = edited(tmp_path, SOUND, ("    at_least: 12\n", "    at_least: 18\n"))
    assert run_diff(str(SOUND), str(new), [str(person), str(unchanged)], AS_OF) == 1
    out = capsys.readouterr().out
    assert "me.yaml: nurse: eligible -> eligible from 2026-08-01" in out
    assert "pwp.yaml: no change" in out


def test_answers_no_longer_valid_are_named(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    person = tmp_path / "me.yaml"
    person.write_text("nation: elsewhere\n", encoding="utf-8")
    new = edited(tmp_path, SOUND, ("      - {value: elsewhere, label: Somewhere else}\n",
                                   "      - {value: wales, label: Wales}\n"),
                 ("    when: {q: nation, equals: elsewhere}\n",
                  "    when: {q: nation, equals: wales}\n"))
    assert run_diff(str(SOUND), str(new), [str(person)], AS_OF) == 1
    out = capsys.readouterr().out
    assert "question 'nation': choices: now also wales" in out
    assert "question 'nation': choices: no longer elsewhere" in out
    assert "me.yaml: not valid under the NEW rules: nation: 'elsewhere' is not a choice" in out


def test_a_new_choice_is_tried_on_walked_people(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    new = edited(tmp_path, SOUND,
                 ("  is_nurse: {q: roles, contains_any: [nurse]}\n",
                  "  is_nurse: {q: roles, contains_any: [nurse, ld_nurse]}\n"),
                 ("      - {value: pwp, label: Psychological wellbeing practitioner}\n",
                  "      - {value: pwp, label: Psychological wellbeing practitioner}\n"
                  "      - {value: ld_nurse, label: Learning disability nurse}\n"))
    person = tmp_path / "me.yaml"
    person.write_text("nation: england\nroles: [ld_nurse]\nexperience_months: 20\n",
                      encoding="utf-8")
    assert run_diff(str(SOUND), str(new), [str(person)], AS_OF) == 1
    out = capsys.readouterr().out
    assert "me.yaml: not valid under the OLD rules: roles: 'ld_nurse' is not a choice" in out
    assert "me.yaml: under the NEW rules: nurse: eligible; pwp: not eligible; funding: rule " \
           "does not apply" in out
    assert run_diff(str(SOUND), str(new), [], AS_OF) == 1
    out = capsys.readouterr().out
    assert "question 'roles': choices: now also ld_nurse" in out
    assert "nurse: unsure -> eligible from 2026-05-01" in out
    assert "example: nation=england roles=ld_nurse experience_months=11" in out


def test_adding_a_core_profession_to_the_shipped_rules() -> None:
    old = validate_text(Path(SHIPPED_RULES).read_text(encoding="utf-8"), SHIPPED_RULES)
    text = Path(SHIPPED_RULES).read_text(encoding="utf-8").replace(
        "      - ukcp_psychotherapist\n  is_pwp:",
        "      - ukcp_psychotherapist\n      - other_nurse\n  is_pwp:")
    new = validate_text(text, "new.yaml")
    assert rule_changes(old, new) == [
        "named condition 'core_profession': professions contains any: now also other_nurse"]


def test_diff_command(run_hitpath: Run, tmp_path: Path) -> None:
    new = edited(tmp_path, SOUND, ("    text: Read the entry requirements of each course you "
                                   "might apply to.\n",
                                   "    text: Read each course's entry requirements.\n"))
    done = run_hitpath("rules", "diff", str(SOUND), str(new), "--as-of", "2026-04-01")
    assert done.returncode == 1, done.stderr
    assert "next step 'check_courses': text reworded: Read each course's entry" in done.stdout
    assert "0 of 24 walked people change outcome" in done.stdout
    done = run_hitpath("rules", "diff", str(SOUND), str(tmp_path / "missing.yaml"))
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert "Traceback" not in done.stderr
