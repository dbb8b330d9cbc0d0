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
loaded = [m for m in ("questionary", "prompt_toolkit", "rich.console", "pydantic.main")
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
