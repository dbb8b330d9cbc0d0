"""The README's report example is a real run, line for line, as far as it shows it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Run

ROOT = Path(__file__).resolve().parent.parent


def test_readme_check_example_is_real(run_hitpath: Run) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n\$ (hitpath check --answers examples/pwp\.yaml[^\n]*)\n(.*?)"
                      r"\n\.\.\.\n```", readme, re.S)
    assert block, "the README's check example is missing"
    args = block.group(1).split()[1:]
    args[args.index("examples/pwp.yaml")] = str(ROOT / "examples" / "pwp.yaml")
    done = run_hitpath(*args)
    assert done.returncode == 0, done.stderr
    shown = block.group(2).splitlines()
    assert done.stdout.splitlines()[:len(shown)] == shown
