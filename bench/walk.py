"""Walk speed: the exhaustive path walk of the shipped rules, median of a few runs.

``run()`` returns the report lines (``bench/bench.py`` prints them; run this file alone to see
them too). The walk runs in process, after one warm-up walk, so the figures are the walk itself
and not interpreter start-up. "Paths" counts every answer combination the walk covers; "engine
runs" counts the assessments it actually made (the others are proven to give the same outcome).
"""

from __future__ import annotations

import os
import statistics
import sys
from datetime import date

AS_OF = date(2026, 4, 1)
REPEAT = int(os.environ.get("BENCH_WALK_REPEAT", "5"))


def run() -> list[str]:
    """Median walk time, paths and engine runs per second, for the shipped rules."""
    from hitpath.lint.walk import walk
    from hitpath.load.ruleset import load_rules

    rules = load_rules()
    walk(rules, AS_OF)  # warm-up: compiles the conditions once, as the real command does
    results = [walk(load_rules(), AS_OF) for _ in range(REPEAT)]
    seconds = statistics.median(r.seconds for r in results)
    last = results[-1]
    return [
        f"Exhaustive path walk of the shipped rules, median of {REPEAT} runs "
        f"(as of {AS_OF.isoformat()}):",
        f"  walk time                                 {seconds * 1000:8.0f} ms   "
        f"(fastest {min(r.seconds for r in results) * 1000:.0f} ms; the issue asks < 5000 ms)",
        f"  paths covered                             {last.paths:>12,}   "
        f"{last.paths / seconds:,.0f} paths/s",
        f"  engine runs                               {last.runs:>12,}   "
        f"{last.runs / seconds:,.0f} runs/s",
        f"  distinct outcomes                         {len(last.classes):>12,}",
        *_fixture_times(),
    ]


def _fixture_times() -> list[str]:
    """The slowest 'rules check' of a broken-rules fixture, in process (the issue asks < 1 s)."""
    import contextlib
    import io
    import time
    from pathlib import Path

    from hitpath.cli import main

    fixtures = sorted((Path(__file__).resolve().parent.parent / "tests" / "fixtures"
                       / "bad_rules").glob("*.yaml"))
    slowest, name = 0.0, ""
    for path in fixtures:
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            with contextlib.suppress(SystemExit):
                main(["rules", "check", "--rules", str(path), "--as-of", AS_OF.isoformat()])
        took = time.perf_counter() - start
        if took > slowest:
            slowest, name = took, path.stem
    return [f"  slowest broken-rules fixture check        {slowest * 1000:8.0f} ms   "
            f"({name}; {len(fixtures)} fixtures; the issue asks < 1000 ms)"]


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    print("\n".join(run()))
