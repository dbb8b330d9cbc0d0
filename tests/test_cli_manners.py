"""The manners of the command line: help, options before a command, colour, encodings,
completion, the generated reference, and check --output never clobbering a file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

PWP = str(ROOT / "examples" / "pwp.yaml")


def _commands() -> list[list[str]]:
    """Every command the program has, read from the app (a new one is checked too)."""
    import typer.main

    from hitpath.cli import app

    found: list[list[str]] = []

    def walk(group: object, path: list[str]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            if getattr(command, "commands", None) is not None:
                walk(command, [*path, name])
            else:
                found.append([*path, name])

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def test_root_help_lists_only_global_options(run_hitpath: Run) -> None:
    done = run_hitpath("--help")
    assert done.returncode == 0
    options = re.findall(r"^\s+(-[-\w, ]+?)\s{2,}", done.stdout.split("Options:")[1]
                         .split("Commands:")[0], flags=re.M)
    named = {o.strip() for opt in options for o in opt.split(",")}
    assert named == {"--version", "--install-completion", "--show-completion", "-h", "--help"}
    assert "Exit status:" in done.stdout and "Examples:" in done.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_short_help_examples_and_exit_statuses(run_hitpath: Run,
                                                                 command: list[str]) -> None:
    done = run_hitpath(*command, "-h")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Usage: hitpath {' '.join(command)}")
    examples = done.stdout.split("Examples:")[1].split("Exit status:")[0]
    assert f"hitpath {command[-1]}" in examples or f"hitpath {' '.join(command)}" in examples
    assert re.search(r"Exit status: 0 ", done.stdout)
    # The framework's placeholders never show.
    assert not re.search(r"\{[A-Z]+\}|<(str|int|list\[str\])>", done.stdout), done.stdout


@pytest.mark.parametrize("width", ["60", "100"])
@pytest.mark.parametrize("group", [[], ["rules"]], ids=["hitpath", "rules"])
def test_group_help_shows_each_commands_short_help_whole(run_hitpath: Run, width: str,
                                                         group: list[str]) -> None:
    import inspect

    from hitpath.cli import app, rules_app

    done = run_hitpath(*group, "--help", env={"COLUMNS": width})
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("Commands:")[1].split("\n\n")[0]
    flat = " ".join(listed.split())
    for command in (rules_app if group else app).registered_commands:
        assert command.callback is not None
        first = " ".join(inspect.cleandoc(command.callback.__doc__ or "").split()).split(". ")[0]
        assert first.rstrip(".") + "." in flat, (first, listed)
    assert "..." not in listed


@pytest.mark.parametrize("width", ["60", "100"])
def test_source_urls_in_a_colour_report_are_never_broken(run_hitpath: Run, width: str) -> None:
    import json

    urls = {s["id"]: s["url"] for s in json.loads(run_hitpath("sources", "--format",
                                                                "json").stdout)}
    done = run_hitpath("check", "--set", "nation=england", "--full",
                       env={"FORCE_COLOR": "1", "COLUMNS": width, "NO_COLOR": ""})
    assert done.returncode == 0, done.stderr
    listed = COLOUR.sub("", done.stdout).split("\nSources")[1].splitlines()
    ids = [line.split("•")[1].split(":")[0].strip() for line in listed if "•" in line]
    shown = [line.strip() for line in listed if line.strip().startswith("http")]
    assert ids, "the full report lists its sources"
    # Each source's URL whole, on a line of its own: none cut into pieces.
    assert shown == [urls[i] for i in ids if urls.get(i)]


def test_options_before_the_command_are_used(run_hitpath: Run) -> None:
    import json

    done = run_hitpath("--as-of", "2025-01-10", "check", "--answers", PWP, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["as_of"] == "2025-01-10"
    before = run_hitpath("--as-of=2026-04-01", "rules", "check", "--format", "json")
    after = run_hitpath("rules", "check", "--format", "json", "--as-of=2026-04-01")
    assert before.returncode == after.returncode and before.returncode in (0, 1)
    first, second = json.loads(before.stdout), json.loads(after.stdout)
    assert first["as_of"] == "2026-04-01"
    assert first["findings"] == second["findings"]


def test_an_option_the_command_does_not_take_is_refused_saying_where_it_goes(
        run_hitpath: Run) -> None:
    done = run_hitpath("--save", "x.yaml", "check", "--answers", PWP)
    assert done.returncode == 2
    assert "'hitpath check' has no --save option" in done.stderr
    assert "hitpath ask --save x.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_color_is_about_colour_only() -> None:
    from hitpath.report import plain_wanted

    saved = {k: os.environ.get(k) for k in ("NO_COLOR", "TERM")}
    try:
        os.environ["NO_COLOR"] = "1"
        os.environ["TERM"] = "xterm-256color"
        assert plain_wanted(False) is False  # the arrow-key questions and layout stay
        assert plain_wanted(True) is True
        os.environ["TERM"] = "dumb"
        assert plain_wanted(False) is True
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_force_color_colours_piped_output(run_hitpath: Run) -> None:
    plain = run_hitpath("check", "--answers", PWP, "--as-of", "2025-01-10",
                        env={"NO_COLOR": "", "TERM": "xterm-256color"})
    forced = run_hitpath("check", "--answers", PWP, "--as-of", "2025-01-10",
                         env={"NO_COLOR": "", "FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert plain.returncode == forced.returncode == 0
    assert not COLOUR.search(plain.stdout)
    assert COLOUR.search(forced.stdout)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_encoding_without_pound_or_symbols_falls_back(tmp_path: Path,
                                                                encoding: str) -> None:
    import subprocess

    from tests.conftest import hitpath_exe

    env = {**os.environ, "PYTHONIOENCODING": encoding, "LC_ALL": "C", "LANG": "C"}
    done = subprocess.run([hitpath_exe(), "check", "--answers", PWP, "--as-of", "2025-01-10",
                           "--full"], capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode(encoding)  # everything shown is in the encoding
    assert b"Traceback" not in done.stderr and b"UnicodeEncodeError" not in done.stderr
    # Pounds where the encoding has them (Latin-1), 'GBP' where it has not (ASCII).
    assert ("GBP " in text) == (encoding == "ascii") and ("\u00a3" in text) != (
        encoding == "ascii")


def test_completion_installs_and_completes(run_hitpath: Run, tmp_path: Path) -> None:
    done = run_hitpath("--install-completion", "bash",
                       env={"HOME": str(tmp_path), "SHELL": "/bin/bash"})
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "hitpath.sh"
    assert script.exists() and str(script) in (tmp_path / ".bashrc").read_text()
    words = run_hitpath(env={"_HITPATH_COMPLETE": "complete_bash",
                             "COMP_WORDS": "hitpath check --fo", "COMP_CWORD": "2"})
    assert words.returncode == 0
    assert {"--format", "--force"} <= set(words.stdout.split())


def test_the_command_line_reference_is_fresh() -> None:
    from hitpath.clidoc import render

    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli.md is stale: run 'make cli-docs'"


# check --output never clobbers a file ---------------------------------------------------


def test_check_output_refuses_a_file_it_did_not_write(run_hitpath: Run, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("a client's notes\n")
    done = run_hitpath("check", "--answers", PWP, "--output", str(notes))
    assert done.returncode == 2
    assert "hitpath did not write it" in done.stderr and "--force" in done.stderr
    assert notes.read_text() == "a client's notes\n"
    forced = run_hitpath("check", "--answers", PWP, "--output", str(notes), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Your routes" in notes.read_text()


@pytest.mark.parametrize("name", ["s.txt", "s.md", "s.html", "s.json"])
def test_check_output_replaces_a_report_it_wrote(run_hitpath: Run, tmp_path: Path,
                                                 name: str) -> None:
    target = tmp_path / name
    first = run_hitpath("check", "--answers", PWP, "--output", str(target))
    second = run_hitpath("check", "--answers", PWP, "--output", str(target),
                         "--as-of", "2025-01-10")
    assert first.returncode == second.returncode == 0, second.stderr
    assert "2025" in target.read_text()


def test_a_tilde_in_a_path_is_the_home_folder(run_hitpath: Run, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "me.yaml").write_text("nation: england\n")
    done = run_hitpath("check", "--answers=~/me.yaml", "--output=~/me.md",
                       env={"HOME": str(home)})
    assert done.returncode == 0, done.stderr
    assert (home / "me.md").exists()
