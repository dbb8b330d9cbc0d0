"""End-to-end in a pseudo-terminal: files are never lost or clobbered, and the questionnaire's
manners (NO_COLOR, --plain, TERM=dumb), through the installed `hitpath` (pexpect).

Menus are answered in plain mode by the number shown beside the wanted label, so a new menu
entry elsewhere does not change what these tests choose.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import ROOT, hitpath_exe
from tests.test_pty import CTRL_C, DOWN, ENTER, SPACE, colours

TIMEOUT = 20
PWP = (ROOT / "examples" / "pwp.yaml").read_text() + (
    "course_start: 2025-09-01\nmodality: cbt\nright_to_work: 'yes'\npay_area: elsewhere\n")


def spawn(tmp_path: Path, *args: str, env: dict[str, str] | None = None,
          command: str = "ask") -> pexpect.spawn:
    full_env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
                "COLUMNS": "120", "LINES": "40", "HOME": str(tmp_path), **(env or {})}
    for name in ("NO_COLOR", "FORCE_COLOR"):
        if name not in (env or {}):
            full_env.pop(name, None)
    full_env["PATH"] = os.pathsep.join(
        p for p in full_env.get("PATH", "").split(os.pathsep)
        if p and not (Path(p) / "hitpath").exists())  # as after 'make run': not on PATH
    if env and "PATH" in env:
        full_env["PATH"] = env["PATH"]
    args_all = [command, "--as-of", "2025-01-10", *args] if command else list(args)
    return pexpect.spawn(hitpath_exe(), args_all, cwd=str(tmp_path), env=full_env,
                         encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 120))


@pytest.fixture
def children() -> Iterator[list[pexpect.spawn]]:
    started: list[pexpect.spawn] = []
    yield started
    for child in started:
        if child.isalive():
            child.terminate(force=True)


def choose(child: pexpect.spawn, label: str) -> None:
    """In a plain numbered menu, type the number shown beside ``label``."""
    child.expect(r"(\d+)\. " + re.escape(label))
    number = child.match.group(1)
    child.expect_exact("(type a number")
    child.send(number + ENTER)


def to_results(child: pexpect.spawn) -> None:
    """From a complete answers file, straight to the review: show the results."""
    child.expect_exact("Check your answers:")
    choose(child, "Show my results")


def stopped_with_answers(tmp_path: Path, children: list[pexpect.spawn],
                         *args: str) -> pexpect.spawn:
    """A questionnaire with one answer given, stopped with Ctrl-C."""
    child = spawn(tmp_path, *args)
    children.append(child)
    child.expect_exact("Where do you want to work?")
    child.send(ENTER)
    child.expect_exact("None of these")
    child.send(CTRL_C)
    child.expect_exact("Stopped.")
    return child


def finish(child: pexpect.spawn, status: int) -> str:
    child.expect(pexpect.EOF)
    before = child.before or ""
    child.close()
    assert child.exitstatus == status
    assert "Traceback" not in before
    return before


def test_export_asks_before_replacing_a_file(tmp_path: Path,
                                             children: list[pexpect.spawn]) -> None:
    (tmp_path / "client.yaml").write_text(PWP)
    notes = tmp_path / "hitpath-summary.md"
    notes.write_text("my own notes\n")
    child = spawn(tmp_path, "--plain", "--answers", "client.yaml")
    children.append(child)
    to_results(child)
    choose(child, "Export a Markdown summary")
    child.expect_exact("Write the summary to:")
    child.send(ENTER)  # the offered name, which is taken
    child.expect_exact("hitpath-summary.md already exists. Replace it?")
    child.send("n")
    child.expect_exact("Choose another name")
    child.send("~/summary.md" + ENTER)  # ~ is the home folder
    child.expect_exact("Wrote ")
    assert notes.read_text() == "my own notes\n"
    assert "# Your routes" in (tmp_path / "summary.md").read_text()
    # Agreeing replaces it.
    choose(child, "Export a Markdown summary")
    child.expect_exact("Write the summary to:")
    child.send(ENTER)
    child.expect_exact("Replace it?")
    child.send("y")
    child.expect_exact("Wrote hitpath-summary.md")
    choose(child, "Quit")
    finish(child, 0)
    assert "# Your routes" in notes.read_text()


def test_save_asks_before_replacing_but_not_the_file_resumed_from(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    client = tmp_path / "client.yaml"
    client.write_text(PWP)
    child = spawn(tmp_path, "--plain", "--answers", "client.yaml")
    children.append(child)
    to_results(child)
    choose(child, "Save my answers to a file")
    child.expect_exact("Save your answers to:")
    child.expect_exact("client.yaml")  # the file resumed from is offered
    child.send(ENTER)
    child.expect_exact("Wrote client.yaml")
    choose(child, "Quit")
    before = finish(child, 0)
    assert "Replace it?" not in before
    assert "pwp_employment_months: 18" in client.read_text()  # as in examples/pwp.yaml
    assert stat.S_IMODE(client.stat().st_mode) == 0o600


def test_save_option_naming_an_existing_file_asks_first(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("a client's notes\n")
    child = spawn(tmp_path, "--save", "notes.txt")
    children.append(child)
    child.expect_exact("notes.txt already exists. Replace it?")
    child.send("n")
    child.expect_exact("Save your answers as you go to")
    child.send(ENTER)  # no saving
    child.expect_exact("Where do you want to work?")
    child.send(ENTER)
    child.expect_exact("None of these")
    child.send(CTRL_C)
    child.expect_exact("Save your answers so far?")
    child.send(ENTER)
    finish(child, 130)
    assert notes.read_text() == "a client's notes\n"


def test_plan_save_naming_an_existing_file_asks_first(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("a client's notes\n")
    child = spawn(tmp_path, "plan", "--as-of", "2026-11-30", "--save", "notes.txt", command="")
    children.append(child)
    child.expect_exact("notes.txt already exists. Replace it?")
    child.send("n")
    child.expect_exact("Save your answers as you go to")
    child.send(ENTER)  # no saving
    child.expect_exact("Which profession's training do you want to reach?")
    child.send(CTRL_C)
    child.expect(r"Nothing was saved\. To carry on later, start again with: \S+ plan\r")
    finish(child, 130)
    assert notes.read_text() == "a client's notes\n"


def test_failed_save_after_ctrl_c_says_why_and_asks_again(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = stopped_with_answers(tmp_path, children)
    child.expect_exact("Save your answers so far?")
    child.send("no-such-folder/me.yaml" + ENTER)
    child.expect_exact("Not saved:")
    child.expect_exact("does not exist")
    child.expect_exact("Type another file name")
    child.send("~/me.yaml" + ENTER)
    child.expect_exact("Saved your answers to")
    child.expect(r"To carry on later: (.+)\r\n")
    hint = child.match.group(1)
    finish(child, 130)
    saved = tmp_path / "me.yaml"
    assert "nation: england" in saved.read_text()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    # The hint is a command this shell can run: here hitpath is not on PATH, so it is the
    # full path of the one that ran. (Run as 'check', which needs no terminal.)
    words = shlex.split(hint)
    assert os.path.isabs(words[0]) and os.access(words[0], os.X_OK)
    assert words[1:3] == ["ask", "--answers"]
    done = subprocess.run([words[0], "check", *words[2:], "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"nation": "england"' in done.stdout


def test_failed_save_after_ctrl_c_can_be_declined(tmp_path: Path,
                                                  children: list[pexpect.spawn]) -> None:
    child = stopped_with_answers(tmp_path, children)
    child.expect_exact("Save your answers so far?")
    child.send("gone/me.yaml" + ENTER)
    child.expect_exact("Not saved:")
    child.expect_exact("press Enter to leave without saving")
    child.send(ENTER)
    before = finish(child, 130)
    assert "Nothing was saved" in before
    assert os.listdir(tmp_path) == []


def test_resume_hint_is_plain_hitpath_when_that_is_on_path(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    folder = str(Path(hitpath_exe()).parent)
    child = spawn(tmp_path, env={"PATH": folder + os.pathsep + "/usr/bin:/bin"})
    children.append(child)
    child.expect_exact("Where do you want to work?")
    child.send(ENTER)
    child.expect_exact("None of these")
    child.send(CTRL_C)
    child.expect_exact("Save your answers so far?")
    child.send("my answers.yaml" + ENTER)
    child.expect_exact("To carry on later: hitpath ask --answers 'my answers.yaml'")
    finish(child, 130)


def test_resumed_session_stopped_again_offers_the_same_file(
        tmp_path: Path, children: list[pexpect.spawn]) -> None:
    child = stopped_with_answers(tmp_path, children)
    child.expect_exact("Save your answers so far?")
    child.send("me.yaml" + ENTER)
    child.expect_exact("Saved your answers to me.yaml.")
    finish(child, 130)
    again = spawn(tmp_path, "--answers", "me.yaml")
    children.append(again)
    again.expect_exact("Which of these professional qualifications")
    again.expect_exact("None of these")
    again.send(DOWN * 13 + SPACE + ENTER)  # PWP
    again.expect_exact("How many months")
    again.send(CTRL_C)
    again.expect_exact("Save your answers so far?")
    again.expect_exact("me.yaml")  # offered, so Enter keeps the same file
    again.send(ENTER)
    again.expect_exact("Saved your answers to me.yaml.")
    finish(again, 130)
    assert "pwp" in (tmp_path / "me.yaml").read_text()


def test_no_color_keeps_the_arrow_key_questionnaire(tmp_path: Path,
                                                    children: list[pexpect.spawn]) -> None:
    child = spawn(tmp_path, env={"NO_COLOR": "1"})
    children.append(child)
    child.expect_exact("Where do you want to work?")
    child.expect_exact("(arrow keys, then Enter)")
    child.send(DOWN + ENTER)  # Scotland, chosen by arrow key
    child.expect_exact("Check your answers:")
    child.send(ENTER)  # show my results
    child.expect_exact("What would you like to do?")
    child.send(CTRL_C)
    child.expect_exact("Save your answers so far?")
    child.send(ENTER)
    before = finish(child, 130)
    assert "(type a number" not in before
    assert not colours(before), "no colour under NO_COLOR"


@pytest.mark.parametrize("how", ["--plain", "TERM=dumb"])
def test_plain_or_dumb_terminal_gives_numbered_choices(
        tmp_path: Path, children: list[pexpect.spawn], how: str) -> None:
    if how == "--plain":
        child = spawn(tmp_path, "--plain")
    else:
        child = spawn(tmp_path, env={"TERM": "dumb"})
    children.append(child)
    child.expect_exact("1. England")
    child.expect_exact("(type a number from 1 to")
    child.send(CTRL_C)
    finish(child, 130)
