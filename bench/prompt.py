"""Time from start to the first question on screen, through a pseudo-terminal.

Compared in the same run with the floor of the libraries a prompt needs
(`python -c "import typer, questionary"`) and with copier's time to the first question of a
one-question template (copier comes with `make bench`).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

PY = sys.executable
BIN = Path(PY).parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "21"))
ENV = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color"}


def _first_prompt(cmd: list[str], text: str, cwd: str) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(cmd[0], cmd[1:], cwd=cwd, env=ENV, encoding="utf-8", timeout=30,
                          dimensions=(40, 120))
    child.expect_exact(text)
    elapsed = time.perf_counter() - start
    child.terminate(force=True)
    return elapsed


def _import_floor() -> float:
    start = time.perf_counter()
    subprocess.run([PY, "-c", "import typer, questionary"], check=True)
    return time.perf_counter() - start


def run() -> list[str]:
    """Lines for the benchmark report."""
    work = tempfile.mkdtemp(prefix="hitpath-bench-")
    try:
        template = Path(work) / "template"
        template.mkdir()
        (template / "copier.yml").write_text(
            "project_name:\n  type: str\n  help: What is the project called?\n")
        (template / "README.md.jinja").write_text("{{ project_name }}\n")
        copier = shutil.which("copier", path=str(BIN))
        cases: dict[str, object] = {
            'python -c "import typer, questionary" (floor)': _import_floor,
            "hitpath to its first question": lambda: _first_prompt(
                [str(BIN / "hitpath")], "Where do you want", work),
            "hitpath ask (options parsed by Typer) to its first": lambda: _first_prompt(
                [str(BIN / "hitpath"), "ask"], "Where do you want", work),
        }
        if copier:
            counter = iter(range(10_000))
            cases["copier to its first question (1-question template)"] = lambda: _first_prompt(
                [copier, "copy", "--trust", str(template),
                 str(Path(work) / f"out{next(counter)}")],
                "What is the project called?", work)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for fn in cases.values():
            fn()  # type: ignore[operator]  # warm-up
        for _ in range(ROUNDS):
            for name, fn in cases.items():
                times[name].append(fn())  # type: ignore[operator]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(times['python -c "import typer, questionary" (floor)'])
    lines = [f"Time to the first question, median of {ROUNDS} interleaved runs "
             "(ratio to the import floor):"]
    for name, values in times.items():
        median = statistics.median(values)
        lines.append(f"  {name:<52} {median * 1000:8.1f} ms   {median / floor:5.2f}x")
    if copier:
        ours = statistics.median(times["hitpath to its first question"])
        theirs = statistics.median(times["copier to its first question (1-question template)"])
        lines.append(f"  hitpath / copier: {ours / theirs:.2f}")
    else:
        lines.append("  (copier is not installed: run 'make bench' to include it)")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
