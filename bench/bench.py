"""hitpath's benchmark: start-up and in-process timings, medians and ratios side by side.

Run it with `make bench`. Commands are run interleaved (one of each per round), so machine
noise hits them alike; the ratios compare each with the framework's own floor, a one-command
Typer app that does nothing. This is a measurement, not a test: it never fails on a number.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
EXE = str(Path(PY).parent / "hitpath")
SAMPLE = str(ROOT / "examples" / "pwp.yaml")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "21"))


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def startup() -> list[str]:
    """Median wall time of whole commands, interleaved."""
    commands = {
        "python -c pass": [PY, "-c", "pass"],
        "one-command Typer app (floor)": [PY, str(HERE / "noop_typer.py")],
        "hitpath --version": [EXE, "--version"],
        "hitpath check --format json": [EXE, "check", "--answers", SAMPLE, "--as-of",
                                        "2025-01-10", "--format", "json"],
        "hitpath check (text report)": [EXE, "check", "--answers", SAMPLE, "--as-of",
                                        "2025-01-10"],
        "hitpath plan --format json": [EXE, "plan", "--goal", "dclinpsy", "--answers", SAMPLE,
                                       "--as-of", "2025-01-10", "--via", "hit",
                                       "--format", "json"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for cmd in commands.values():  # warm the file cache and .pyc files
        _time(cmd)
    for _ in range(ROUNDS):
        for name, cmd in commands.items():
            times[name].append(_time(cmd))
    floor = statistics.median(times["one-command Typer app (floor)"])
    lines = [f"Start-up, median of {ROUNDS} interleaved runs (ratio to the Typer floor):"]
    for name, values in times.items():
        median = statistics.median(values)
        lines.append(f"  {name:<34} {median * 1000:8.1f} ms   {median / floor:5.2f}x")
    planning = statistics.median(times["hitpath plan --format json"])
    checking = statistics.median(times["hitpath check --format json"])
    lines.append(f"  plan --format json / check --format json: {planning / checking:.2f}x "
                 "(target: within 1.5x)")
    return lines


def _median_ms(fn: Callable[[], object], repeat: int = 50) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def in_process() -> list[str]:
    """Load-and-validate rules and one assessment, inside one process."""
    from datetime import date

    from hitpath.core.engine import assess
    from hitpath.load.answers import load_answers
    from hitpath.load.ruleset import SHIPPED_RULES, load_rules, validate_text

    rules = load_rules()
    answers = load_answers(rules, SAMPLE)
    text = Path(SHIPPED_RULES).read_text(encoding="utf-8")
    validate_text(text, SHIPPED_RULES)  # import pydantic once, outside the timing
    day = date(2025, 1, 10)
    load = _median_ms(load_rules)
    one = _median_ms(lambda: assess(rules, answers, day), 200)
    brief = _median_ms(lambda: assess(rules, answers, day, detail=False), 200)
    source = _median_ms(lambda: validate_text(text, SHIPPED_RULES), 15)
    return [
        "In process, median:",
        f"  load the shipped rules (validated twin)   {load:8.2f} ms",
        f"  one assessment with explanations          {one:8.2f} ms",
        f"  load + one assessment                     {load + one:8.2f} ms",
        f"  one assessment, verdicts only             {brief:8.3f} ms",
        f"  validate rules.yaml from source           {source:8.2f} ms  (edited copies, --rules)",
    ]


def _section(name: str) -> list[str]:
    """Optional sections that live beside this script (bench/NAME.py with run())."""
    path = HERE / f"{name}.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines: list[str] = module.run()
    return lines


def main() -> None:
    # Measure start-up as people run it: with the bytecode caches Python writes by default. An
    # environment that turns them off makes every run compile every module from source.
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        print("(PYTHONDONTWRITEBYTECODE was set: unset for these runs, so bytecode is cached "
              "as by default)")
    print(f"hitpath benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    sections = [startup(), in_process()]
    for name in ("prompt", "walk", "batch", "plan"):
        sections.append(_section(name))
    for lines in sections:
        if lines:
            print()
            print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
