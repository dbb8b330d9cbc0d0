"""Heavy imports stay out of the paths that do not need them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys
sys.argv = ["hitpath", *json.loads(sys.argv[1])]
from hitpath.cli import main
try:
    main()
except SystemExit:
    pass
loaded = [m for m in ("questionary", "prompt_toolkit", "rich.console", "pydantic",
                      "hitpath.load.validate", "hitpath.load.schema", "hitpath.core.planner",
                      "hitpath.report.text", "hitpath.report.markdown", "hitpath.report.html",
                      "hitpath.report.plan", "hitpath.ask", "hitpath.lint", "hitpath.cohort")
          if m in sys.modules]
sys.stderr.write("LOADED=" + json.dumps(loaded) + "\\n")
"""


def _loaded(args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED="))
    return list(json.loads(line.removeprefix("LOADED=")))


@pytest.mark.parametrize("args", [
    ["--version"],
    ["--help"],
    ["check", "--help"],
    ["check", "--answers", "examples/pwp.yaml", "--format", "json"],
    ["check", "--answers", "examples/pwp.yaml", "--format", "markdown"],
    ["questions"],
])
def test_no_prompt_libraries_without_prompts(args: list[str]) -> None:
    loaded = _loaded(args)
    assert "questionary" not in loaded and "prompt_toolkit" not in loaded, loaded


def test_json_check_needs_no_rich() -> None:
    assert "rich.console" not in _loaded(
        ["check", "--answers", "examples/pwp.yaml", "--format", "json"])


# Typer reads option values through pydantic, which hitpath does for the options these take.
@pytest.mark.parametrize("args", [
    ["--version"],
    ["--help"],
    ["check", "--help"],
    ["check", "--answers", "examples/pwp.yaml", "--format", "json"],
    ["check", "--answers", "examples/pwp.yaml", "--as-of", "2025-01-10", "--format", "markdown"],
    ["check", "--set", "nation=england", "--set", "professions=pwp", "--format", "json"],
    ["plan", "--goal", "dclinpsy", "--answers", "examples/pwp.yaml", "--via", "hit",
     "--format", "json"],
    ["questions"],
    ["sources"],
    ["plan", "--list"],
    ["rules", "--help"],
    ["--as-of", "2025-01-10", "check", "--answers", "examples/pwp.yaml", "--format", "json"],
])
def test_no_pydantic_for_plain_options(args: list[str]) -> None:
    assert "pydantic" not in _loaded(args)


def test_json_check_loads_only_what_it_reports() -> None:
    """No validation models (the compiled rules are used), no planner, no other report format,
    no questionnaire, rules tools or batch."""
    loaded = _loaded(["check", "--answers", "examples/pwp.yaml", "--format", "json"])
    assert loaded == [], loaded


def test_options_read_as_typer_reads_them() -> None:
    """Every option of every command and group, not given or given text, reaches the command
    as Typer's own conversion gives it."""
    import typer.main
    from typer._coercion import build_runtime_param
    from typer.core import TyperGroup

    from hitpath import cli

    def commands(command: object, path: str) -> list[tuple[str, object]]:
        found = [(path, command)]
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                found += commands(sub, f"{path} {name}")
        return found

    tree = commands(typer.main.get_command(cli.app), "hitpath")
    tree += [(f"hitpath {name}", typer.main.get_command(cli._app_for(name)))
             for name in cli._SINGLE]
    compared = 0
    for path, command in tree:
        assert isinstance(command, (cli._Command, cli._Group)), path
        ctx = command.make_context(path, ["--help"], resilient_parsing=True)
        for param in command.get_params(ctx):
            descriptor = param.type_descriptor  # type: ignore[attr-defined]
            typer_reads = build_runtime_param(descriptor)
            values: list[object] = [None]
            if descriptor.annotation is str:
                values += ["x", "", "~/a b.yaml", "é"]
            if descriptor.annotation == list[str]:
                values += [(), ("a=b",), ("a=b", "c=d,e")]
            for value in values:
                ours = cli._TextValue().coerce(value, param=param, ctx=ctx)  # type: ignore[arg-type]
                theirs = typer_reads.coerce(value, param=param, ctx=ctx)
                assert ours == theirs and type(ours) is type(theirs), (path, param.name, value)
                compared += 1
    assert compared > 100, compared
