"""End-to-end through the installed `hitpath` in a real pseudo-terminal (pexpect).

Each key sequence goes in one write, every wait is bounded, and prompt_toolkit's cursor
position request is switched off so it never waits for a reply the test cannot give.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import hitpath_exe

DOWN, UP, ENTER, SPACE, CTRL_C = "\x1b[B", "\x1b[A", "\r", " ", "\x03"
TIMEOUT = 20


def spawn(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    full_env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
                "COLUMNS": "120", "LINES": "40", **(env or {})}
    full_env.pop("NO_COLOR", None)
    child = pexpect.spawn(hitpath_exe(), ["ask", "--as-of", "2025-01-10", *args],
                          cwd=str(tmp_path), env=full_env, encoding="utf-8",
                          timeout=TIMEOUT, dimensions=(40, 120))
    return child


@pytest.fixture
def children() -> Iterator[list[pexpect.spawn]]:
    started: list[pexpect.spawn] = []
    yield started
    for child in started:
        if child.isalive():
            child.terminate(force=True)


def key(child: pexpect.spawn, keys: str) -> None:
    child.send(keys)


def expect(child: pexpect.spawn, text: str) -> None:
    child.expect_exact(text)


def up_to_degree(child: pexpect.spawn) -> None:
    """England, a PWP, 18 months: stops at the degree question."""
    expect(child, "stores nothing unless you ask")
    expect(child, "Where do you want to work?")
    key(child, ENTER)
    expect(child, "Which of these professional qualifications")
    expect(child, "None of these")
    key(child, DOWN * 13)
    key(child, SPACE)
    key(child, ENTER)
    expect(child, "How many months have you worked continuously as a qualified PWP?")
    key(child, "18" + ENTER)
    expect(child, "Do you have a degree")
    expect(child, "Back")


def up_to_training_start(child: pexpect.spawn) -> None:
    """From the degree question (yes; KSA in progress; an earlier PWP training) to the
    question of when that training started."""
    key(child, ENTER)  # yes, a degree
    expect(child, "How far along is your KSA")
    key(child, DOWN + ENTER)  # in progress
    expect(child, "ever started an NHS-funded psychological professions training")
    key(child, DOWN + ENTER)  # yes
    expect(child, "Which training was it?")
    key(child, ENTER)  # PWP
    expect(child, "On what date did that training start?")


def rest_of_pwp_path(child: pexpect.spawn, exam_board: str = "2023-07-14") -> None:
    """From the degree question to the review."""
    up_to_training_start(child)
    key(child, "2022-09-05" + ENTER)
    expect(child, "qualifying exam board")
    key(child, exam_board + ENTER)
    expect(child, "on what date does its teaching start?")
    key(child, ENTER)  # skip
    expect(child, "Which therapy would you like to train in?")
    key(child, ENTER)
    expect(child, "right to work")
    key(child, ENTER)
    expect(child, "Where in England would you work?")
    key(child, DOWN * 3 + ENTER)  # elsewhere
    expect(child, "Check your answers:")


def quit_from_results(child: pexpect.spawn, *shown: str) -> None:
    expect(child, "What would you like to do?")
    for choice in shown:
        expect(child, choice)
    expect(child, "Quit")
    key(child, DOWN * 6 + ENTER)
    child.expect(pexpect.EOF)
    child.close()


def test_full_path_by_keystrokes(tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    rest_of_pwp_path(child)
    expect(child, "What next?")
    key(child, ENTER)  # show my results
    expect(child, "Not yet: NHS-funded training from 14 July 2025 by the PWP route.")
    expect(child, "Next steps")
    expect(child, "What would you like to do?")
    assert "Timeline" not in (child.before or ""), "the first screen is the one-page answer"
    key(child, DOWN * 4 + ENTER)  # show everything
    expect(child, "Timeline")
    expect(child, "Sources")
    quit_from_results(child, "Show the short answer again")
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    assert os.listdir(tmp_path) == [], "nothing is written unless asked"


def test_back_then_change_the_earlier_answer(tmp_path: Path,
                                            children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    key(child, DOWN * 3 + ENTER)  # Back
    expect(child, "How many months have you worked continuously as a qualified PWP?")
    key(child, "\x15" + "12" + ENTER)  # clear the pre-filled 18, type 12
    expect(child, "Do you have a degree")
    rest_of_pwp_path(child)
    expect(child, "Months as a qualified PWP: 12 months")
    expect(child, "What next?")
    key(child, ENTER)
    expect(child, "Not yet")
    expect(child, "2 years' continuous employment as a qualified PWP")
    quit_from_results(child)


def test_not_sure_names_the_deciding_answer(tmp_path: Path,
                                            children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    rest_of_pwp_path(child, exam_board="?")
    expect(child, "The exam board date: not sure")
    expect(child, "What next?")
    key(child, ENTER)
    expect(child, "Not before 10 July 2025 (if you keep working as a PWP); after that it "
                  "depends on the exam board date.")
    # Beside what is missing, as one sentence: the exam board decides the funding date.
    expect(child, "Not known yet whether you meet this: two years after the exam board")
    quit_from_results(child)


def test_review_and_change_one_answer(tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    rest_of_pwp_path(child)
    expect(child, "What next?")
    key(child, DOWN + ENTER)  # change an answer
    expect(child, "Which answer do you want to change?")
    expect(child, "Never mind")
    key(child, DOWN * 8 + ENTER)  # the exam board
    expect(child, "qualifying exam board")
    key(child, "\x15" + "2022-12-01" + ENTER)
    expect(child, "Check your answers:")
    expect(child, "The exam board date: 1 December 2022")
    expect(child, "What next?")
    key(child, ENTER)
    # 2 years as a PWP by then, if they keep working as one
    expect(child, "Not yet: from 10 July 2025 by the PWP route, if you keep working as a PWP.")
    quit_from_results(child)


def test_what_if_and_exports(tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    rest_of_pwp_path(child)
    expect(child, "What next?")
    key(child, ENTER)
    expect(child, "What would you like to do?")
    key(child, ENTER)  # what-if
    expect(child, "Which answer do you want to try changing?")
    expect(child, "Never mind")
    key(child, DOWN * 8 + ENTER)
    expect(child, "qualifying exam board")
    key(child, "\x15" + "2022-12-01" + ENTER)
    expect(child, "With that change:")
    expect(child, "Not yet: from 14 July 2025 -> Not yet: from 10 July 2025")
    expect(child, "Keep this change?")
    key(child, "n")
    expect(child, "What would you like to do?")
    key(child, DOWN + ENTER)  # markdown
    expect(child, "Write the summary to:")
    key(child, ENTER)
    expect(child, "Wrote hitpath-summary.md")
    expect(child, "What would you like to do?")
    key(child, DOWN * 2 + ENTER)  # html
    expect(child, "Write the summary to:")
    key(child, ENTER)
    expect(child, "Wrote hitpath-summary.html")
    quit_from_results(child)
    summary = (tmp_path / "hitpath-summary.md").read_text()
    assert "Not yet: NHS-funded training from 14 July 2025" in summary
    assert "<h1>Your routes" in (tmp_path / "hitpath-summary.html").read_text()
    for name in ("hitpath-summary.md", "hitpath-summary.html"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_ctrl_c_with_save_keeps_answers_and_resumes_at_the_same_question(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path, "--save", "me.yaml")
    children.append(child)
    up_to_degree(child)
    key(child, CTRL_C)
    expect(child, "Saved your answers to me.yaml.")
    expect(child, "hitpath ask --answers me.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    saved = tmp_path / "me.yaml"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "pwp_employment_months: 18" in saved.read_text()
    again = spawn(tmp_path, "--answers", "me.yaml")
    children.append(again)
    expect(again, "Question 4")
    expect(again, "Do you have a degree")
    key(again, CTRL_C)
    # With no --save this time, the file resumed from is offered: Enter keeps it up to date.
    expect(again, "Save your answers so far?")
    expect(again, "me.yaml")
    key(again, ENTER)
    expect(again, "Saved your answers to me.yaml.")
    again.expect(pexpect.EOF)


def test_ctrl_c_offers_to_save(tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    key(child, CTRL_C)
    expect(child, "Save your answers so far?")
    key(child, "later.yaml" + ENTER)
    expect(child, "Saved your answers to later.yaml.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert (tmp_path / "later.yaml").exists()


def test_plain_mode_numbered_choices(tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path, "--plain")
    children.append(child)
    expect(child, "1. England")
    expect(child, "Where do you want to work? (type a number from 1 to 5)")
    key(child, "9" + ENTER)  # out of range: refused with the reason
    expect(child, "Please type a number from 1 to 5")
    key(child, "\x15" + "2" + ENTER)  # Scotland
    expect(child, "Check your answers:")
    key(child, "1" + ENTER)  # show my results
    # Outside England, the short report: the body to contact with its link, no routes.
    expect(child, "This tool covers England only")
    expect(child, "Who to contact")
    expect(child, "NHS Education for Scotland (NES)")
    expect(child, "https://nes.scot.nhs.uk/")
    expect(child, "What would you like to do?")
    expect(child, "(type a number from 1 to 5)")  # no "Show everything" and no England plans
    shown = child.before or ""
    assert "Core profession route" not in shown and "Show everything" not in shown
    key(child, "5" + ENTER)  # quit
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not colours(child.before or ""), "no colour in plain mode"


def colours(text: str) -> list[str]:
    """Foreground or background colour codes among the SGR sequences of ``text``."""
    import re

    found = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        codes = [int(p) for p in params.split(";") if p]
        found += [str(c) for c in codes if 30 <= c <= 49 or 90 <= c <= 107]
    return found


def test_no_terminal_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run([hitpath_exe()], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=tmp_path)
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr
    assert "hitpath check --answers FILE" in done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_d_at_a_typed_prompt_is_like_ctrl_c(tmp_path: Path,
                                                 children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path, "--save", "me.yaml")
    children.append(child)
    expect(child, "Where do you want to work?")
    key(child, ENTER)
    expect(child, "None of these")
    key(child, DOWN * 13 + SPACE)
    key(child, ENTER)
    expect(child, "How many months have you worked continuously as a qualified PWP?")
    key(child, "\x04")
    expect(child, "Saved your answers to me.yaml.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")


def test_plan_a_path_after_the_results(tmp_path: Path, children: list[pexpect.spawn]) -> None:
    """After the HIT results: pick a goal, answer only what it still needs, see the plans."""
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    rest_of_pwp_path(child)
    expect(child, "What next?")
    key(child, ENTER)
    expect(child, "What would you like to do?")
    expect(child, "Plan a path to another profession")
    key(child, DOWN * 5 + ENTER)
    expect(child, "Which profession's training do you want to reach?")
    expect(child, "Clinical psychology doctorate (DClinPsy)")
    key(child, DOWN * 2 + ENTER)
    expect(child, "Graduate Basis for Chartership")
    key(child, ENTER)  # yes
    expect(child, "What class is your degree?")
    key(child, DOWN + ENTER)  # 2:1
    expect(child, "Plans to Clinical psychology doctorate (DClinPsy)")
    expect(child, "Plan 1: DClinPsy")
    expect(child, "Because:")
    expect(child, "What would you like to do?")
    key(child, DOWN * 4 + ENTER)  # quit the plans
    expect(child, "What would you like to do?")
    quit_from_results(child)
    assert child.exitstatus == 0
    assert os.listdir(tmp_path) == [], "nothing is written unless asked"


def test_bare_plan_asks_the_goal_then_ctrl_c_offers_to_save(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color"}
    child = pexpect.spawn(hitpath_exe(), ["plan", "--as-of", "2026-11-30"], cwd=str(tmp_path),
                          env=env, encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 120))
    children.append(child)
    expect(child, "funding rule applied to the day")
    expect(child, "Which profession's training do you want to reach?")
    key(child, DOWN * 2 + ENTER)
    # The opening fits the goal (the rules' words for it), not HIT's service.
    expect(child, "Where do you want to work?")
    opening = " ".join((child.before or "").split())
    assert "The clinical psychology doctorate" in opening and "Plans here are for" in opening
    assert "Talking Therapies" not in opening
    key(child, ENTER)
    expect(child, "Which of these professional qualifications")
    key(child, CTRL_C)
    expect(child, "Save your answers so far?")
    key(child, "mine.yaml" + ENTER)
    expect(child, "plan --answers mine.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "nation: england" in (tmp_path / "mine.yaml").read_text()


def test_uk_dates_at_the_prompt_and_a_refused_date_is_cleared(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    up_to_training_start(child)
    key(child, "01/09/20222" + ENTER)
    expect(child, "is not a date")
    # The refused text is gone: what is typed next is the whole reply, not added to it.
    key(child, "09/2022" + ENTER)
    expect(child, "qualifying exam board")
    key(child, "14/07/2023" + ENTER)
    expect(child, "on what date does its teaching start?")
    key(child, ENTER)
    expect(child, "Which therapy would you like to train in?")
    key(child, ENTER)
    expect(child, "right to work")
    key(child, ENTER)
    expect(child, "Where in England would you work?")
    key(child, DOWN * 3 + ENTER)
    expect(child, "Check your answers:")
    # A month is shown as the month given, not as the day it is read as.
    expect(child, "The start date of your earlier training: September 2022")
    expect(child, "The exam board date: 14 July 2023")
    expect(child, "What next?")
    key(child, ENTER)
    expect(child, "Not yet: NHS-funded training from 14 July 2025 by the PWP route.")
    quit_from_results(child)
    assert child.exitstatus == 0


def test_resuming_says_what_was_loaded_and_can_go_back_into_it(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    (tmp_path / "part.yaml").write_text(
        "nation: england\nprofessions: [pwp]\npwp_employment_months: 30\n")
    child = spawn(tmp_path, "--answers", "part.yaml")
    children.append(child)
    expect(child, "Loaded 3 earlier answers from part.yaml")
    expect(child, "Do you have a degree")
    expect(child, "Back")
    key(child, DOWN * 3 + ENTER)  # Back, into the file's answers
    expect(child, "How many months have you worked continuously as a qualified PWP?")
    key(child, "\x15" + "12" + ENTER)
    expect(child, "Do you have a degree")
    rest_of_pwp_path(child)
    expect(child, "Months as a qualified PWP: 12 months")
    expect(child, "What next?")
    key(child, ENTER)
    quit_from_results(child)
    assert child.exitstatus == 0


def test_what_if_lines_wrap_between_words_at_60_columns(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
           "COLUMNS": "60", "LINES": "40"}
    env.pop("NO_COLOR", None)
    (tmp_path / "pwp.yaml").write_text(
        "nation: england\nprofessions: [pwp]\npwp_employment_months: 18\ndegree: yes\n"
        "ksa_portfolio: in_progress\nprevious_nhs_training: yes\n"
        "previous_training_programme: pwp\nprevious_training_started: 2022-09-05\n"
        "previous_exam_board: 2023-07-14\nmodality: cbt\nright_to_work: yes\n"
        "pay_area: elsewhere\n")
    child = pexpect.spawn(hitpath_exe(), ["ask", "--as-of", "2026-11-30", "--answers",
                                          "pwp.yaml"], cwd=str(tmp_path),
                          env=env, encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 60))
    children.append(child)
    expect(child, "to go back)")  # the course's start, left empty
    key(child, ENTER)
    expect(child, "What next?")
    key(child, ENTER)
    expect(child, "What would you like to do?")
    key(child, ENTER)  # what-if
    expect(child, "Which answer do you want to try changing?")
    expect(child, "Never mind")
    key(child, DOWN * 2 + ENTER)  # months as a qualified PWP: 18 -> 24 opens the route now
    expect(child, "qualified PWP")
    key(child, "\x15" + "24" + ENTER)
    expect(child, "With that change:")
    expect(child, "Keep this change?")
    moved = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before or "")
    lines = [line for line in moved.replace("\r", "").split("\n") if line.strip()]
    assert any("Eligible now" in line for line in lines), lines
    # Each line fits, so the terminal never splits a word ("-> El" / "igible now").
    assert all(len(line) <= 60 for line in lines), lines
    key(child, "n")
    quit_from_results(child)


def test_a_typo_in_the_exam_board_is_refused_at_the_prompt(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    """An exam board before its training started cannot be right: refused in one line, with
    the question asked again, and the corrected answer taken."""
    child = spawn(tmp_path)
    children.append(child)
    up_to_degree(child)
    up_to_training_start(child)
    key(child, "2022-09-05" + ENTER)
    expect(child, "qualifying exam board")
    key(child, "2021-07-14" + ENTER)  # one digit wrong
    expect(child, "Not accepted: The exam board date you gave is before the start of that "
                  "training")
    expect(child, "qualifying exam board")
    key(child, "2023-07-14" + ENTER)
    expect(child, "on what date does its teaching start?")
    key(child, CTRL_C)
    expect(child, "Save your answers so far?")
    key(child, ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in (child.before or "")


def test_choices_are_echoed_whole_in_a_narrow_terminal(tmp_path: Path,
                                                       children: list[pexpect.spawn]) -> None:
    """At 60 columns the labels chosen are echoed on word boundaries, every one named."""
    child = pexpect.spawn(hitpath_exe(), ["ask", "--as-of", "2025-01-10"], cwd=str(tmp_path),
                          env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1",
                               "TERM": "xterm-256color", "COLUMNS": "60", "LINES": "40"},
                          encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 60))
    children.append(child)
    expect(child, "Where do you want to work?")
    key(child, ENTER)
    expect(child, "None of these")
    key(child, DOWN * 6 + SPACE + DOWN + SPACE + ENTER)  # two psychologist labels
    expect(child, "how many")
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)
    words = shown.split()
    # The echo names every label chosen, whole, in one list (the prompt library's own echo,
    # which may flash by before it is erased, gives only a count).
    assert ("Clinical or counselling psychologist (doctorate, HCPC-registered); "
            "Educational or health psychologist") in " ".join(words), shown
    for line in shown.splitlines():  # and no line ends inside a word of a label
        assert not re.search(r"(ps|regis|Educa)$", line.strip()), shown
    child.terminate(force=True)
