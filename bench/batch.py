"""Batch speed: rows per second for CSV in and out, against plain csv's own floor.

``run()`` returns the report lines (``bench/bench.py`` prints them; run this file alone to see
them too). Every figure is a whole command in its own process, so interpreter start-up is
included and peak memory (ru_maxrss of that process alone, from os.wait4 in a small fresh
parent) is honest:
- hitpath batch on a generated cohort of 200,000 rows, CSV in and out;
- the floor: the same file read and written again by Python's csv module and nothing else;
- how time grows from 2,000 to 20,000 to 200,000 rows;
- where the time goes, measured in process: reading and checking answers, assessing (each row
  in full, and by outcome class as batch does), the whole run.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
AS_OF = "2026-05-01"
SIZES = (2_000, 20_000, 200_000)
REPEAT = int(os.environ.get("BENCH_BATCH_REPEAT", "3"))
PAIRS = max(REPEAT, 5)  # the largest run and the floor, in turn

COLUMNS = ["ref", "nation", "professions", "core_experience_months", "pwp_employment_months",
           "degree", "mental_health_experience_months", "ksa_portfolio", "previous_nhs_training",
           "previous_training_programme", "previous_training_started", "previous_exam_board",
           "course_start", "right_to_work", "modality", "pay_area"]
PROFESSIONS = ["mental_health_nurse", "learning_disability_nurse", "other_nurse",
               "occupational_therapist", "social_worker", "clinical_or_counselling_psychologist",
               "arts_therapist", "accredited_counsellor", "counsellor_not_accredited",
               "ukcp_psychotherapist", "pwp", "occupational_health"]

FLOOR = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as src, \\
        open(sys.argv[2], "w", newline="", encoding="utf-8") as dst:
    csv.writer(dst).writerows(csv.reader(src))
"""


def cohort_rows(count: int, seed: int = 5) -> Iterator[list[str]]:
    """A realistic cohort: mostly England, every route, some blanks and 'not sure' answers."""
    pick = random.Random(seed)
    start = date(2019, 1, 1)

    def day(span: int = 2600) -> str:
        return (start + timedelta(days=pick.randrange(span))).isoformat()

    def maybe(value: str, blank: float = 0.1) -> str:
        return "" if pick.random() < blank else value

    for number in range(count):
        if pick.random() < 0.25:
            professions = "none"
        else:
            professions = ";".join(pick.sample(PROFESSIONS, pick.choice((1, 1, 1, 2))))
        trained = pick.choice(("none", "none", "yes", "yes", "not_sure"))
        yield [
            f"C{number:07d}",
            "england" if pick.random() < 0.93 else pick.choice(("scotland", "wales")),
            maybe(professions, 0.03),
            maybe(str(pick.randrange(0, 60)), 0.2),
            maybe(str(pick.randrange(0, 48)), 0.3),
            maybe(pick.choice(("yes", "yes", "level6_equivalent", "no"))),
            maybe(pick.choice((str(pick.randrange(0, 60)), "not_sure"))),
            maybe(pick.choice(("complete", "in_progress", "not_started", "not_sure"))),
            maybe(trained, 0.05),
            pick.choice(("pwp", "cbt_hit", "emhp", "other")) if trained == "yes" else "",
            maybe(pick.choice((day(), day()[:7])), 0.2) if trained != "none" else "",
            maybe(day(2900), 0.2) if trained != "none" else "",
            maybe(day(1500 + 1000), 0.6),
            maybe(pick.choice(("yes", "no", "not_sure"))),
            maybe(pick.choice(("cbt", "counselling_for_depression", "ipt", "not_sure"))),
            maybe(pick.choice(("inner_london", "outer_london", "fringe", "elsewhere"))),
        ]


def write_cohort(path: str, count: int) -> None:
    """Write a generated cohort of ``count`` rows as CSV."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(cohort_rows(count))


# The kernel counts the memory of the process a command is started from in the command's peak
# (it is carried across fork and exec), so each command is started by a small fresh parent that
# times it and reports its peak: this benchmark's own memory is never counted.
PARENT = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # this parent's output is its figures alone
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, time.perf_counter() - start)
"""


def _measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one command, in its own process."""
    done = subprocess.run([PY, "-c", PARENT, *cmd], capture_output=True, text=True,
                          check=False)
    code, peak_kib, wall = done.stdout.split()
    if done.returncode != 0 or code != "0":
        raise RuntimeError(f"{cmd} failed ({code}): {done.stderr}")
    return float(wall), int(peak_kib) / 1024


def _best(cmd: list[str]) -> tuple[float, float]:
    runs = [_measure(cmd) for _ in range(REPEAT)]
    return min(w for w, _ in runs), max(m for _, m in runs)


def _one_core() -> list[str]:
    """taskset keeps a command on one core, as the target says, where the machine has it."""
    from shutil import which

    return ["taskset", "-c", "0"] if which("taskset") else []


def _batch_cmd(src: str, dst: str) -> list[str]:
    return [*_one_core(), PY, "-m", "hitpath", "batch", src, "--output", dst, "--as-of", AS_OF]


def _stages(path: str) -> list[str]:
    """Where the time goes, in process (CPU time per row, best of three)."""
    import contextlib
    import io
    import itertools
    from datetime import date as day

    from hitpath.cohort import batch
    from hitpath.cohort.fastpath import compile_rules
    from hitpath.load.ruleset import load_rules

    rules = load_rules()
    as_of = day.fromisoformat(AS_OF)
    fast = compile_rules(rules)
    assess = fast.assessor(as_of)
    columns = batch._Columns(tuple(r.id for r in rules.routes))
    with open(path, newline="", encoding="utf-8") as handle:
        count = sum(1 for _ in handle) - 1
    people: list[list[object]] = []  # each row's answer values, as batch reads them
    with open(path, newline="", encoding="utf-8") as handle:
        asked = [n for n in next(csv.reader(handle)) if n in rules.question_by_id]
    laid_out = fast.classes(as_of, asked)
    keys = laid_out.keys

    class Keeping:
        """Stands in for the outcome classes: keeps each row, and gives it a blank class."""

        def __init__(self) -> None:
            self.given, self.keys, self.absent = laid_out.given, keys, laid_out.absent
            self.blank = fast.classes(as_of)({})

        def of_row(self, row: list[object]) -> object:
            people.append(row)
            return self.blank

    def best(step: Callable[[], object]) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            step()
            times.append(time.process_time() - start)
        return min(times) * 1e6 / count

    def floor() -> None:
        with open(path, newline="", encoding="utf-8") as src:
            csv.writer(io.StringIO()).writerows(csv.reader(src))

    def read_and_check() -> None:
        # The batch's own reader, with an assessment that only keeps the checked answers.
        people.clear()
        with open(path, "rb") as handle:
            source = batch._LineSource(handle)
            lines = source.lines()
            names, delimiter, header, number = batch._header(lines, rules, path)
            reader = csv.reader(itertools.chain([header], lines), delimiter=delimiter)
            next(reader)
            for _ in batch._csv_rows(reader, names, rules, Keeping(),
                                     columns, source, batch._Tally(), None, number):
                pass

    def assess_all() -> None:
        for row in people:
            assess(dict(zip(keys, row, strict=True)))

    def classes_all() -> None:
        classes = fast.classes(as_of, asked)  # made afresh, as each run does
        for row in people:
            classes.of_row(list(row))  # a row's own copy (the classes take conflicts out)

    def whole() -> None:
        with tempfile.TemporaryDirectory() as folder, \
                contextlib.redirect_stderr(io.StringIO()):
            batch.run_batch(path, os.path.join(folder, "out.csv"), as_of, None, "csv")

    floor_us = best(floor)
    check_us = best(read_and_check)
    assess_us = best(assess_all)
    classes_us = best(classes_all)
    whole_us = best(whole)
    return [
        f"Where the time goes ({count:,} rows, in process, CPU µs per row):",
        f"  plain csv read + write (floor)               {floor_us:6.1f}",
        f"  read and check every answer                  {check_us:6.1f}",
        f"  assess every row in full                     {assess_us:6.1f}",
        f"  assess by outcome class (as batch does)      {classes_us:6.1f}",
        f"  whole run: read, check, assess, write         {whole_us:6.1f}",
    ]


def run() -> list[str]:
    """The batch section of the benchmark report."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for size in SIZES:
            paths[size] = os.path.join(folder, f"cohort-{size}.csv")
            write_cohort(paths[size], size)
        out = os.path.join(folder, "results.csv")
        floor_out = os.path.join(folder, "floor.csv")
        big = paths[SIZES[-1]]
        empty = os.path.join(folder, "cohort-0.csv")
        write_cohort(empty, 0)
        _measure(_batch_cmd(paths[SIZES[0]], out))  # warm the caches and .pyc files
        start_up, _ = _best(_batch_cmd(empty, out))
        timings = {size: _best(_batch_cmd(paths[size], out)) for size in SIZES[:-1]}
        # The largest run and the floor in turn, so that each ratio compares two runs made
        # side by side in time: a busy moment on the machine slows both, not one.
        pairs = [(_measure(_batch_cmd(big, out)), _measure(
            [*_one_core(), PY, "-c", FLOOR, big, floor_out])) for _ in range(PAIRS)]
        ratios = sorted(batch[0] / floor[0] for batch, floor in pairs)
        timings[SIZES[-1]] = (min(b[0] for b, _ in pairs), max(b[1] for b, _ in pairs))
        floor, floor_mem = min(f[0] for _, f in pairs), max(f[1] for _, f in pairs)
        wall, memory = timings[SIZES[-1]]
        size_mb = os.path.getsize(big) / 1e6
        lines = [
            f"Batch, CSV in and out (best of {REPEAT} runs, of {PAIRS} for the largest; whole "
            "commands incl. start-up):",
            f"  hitpath batch, {SIZES[-1]:,} rows ({size_mb:.0f} MB)   {wall:7.2f} s  "
            f"{SIZES[-1] / wall:9,.0f} rows/s  peak {memory:5.0f} MB",
            f"  plain csv read + write (floor)       {floor:7.2f} s  "
            f"{SIZES[-1] / floor:9,.0f} rows/s  peak {floor_mem:5.0f} MB",
            f"  ratio to the floor, {PAIRS} pairs run in turn: median "
            f"{ratios[len(ratios) // 2]:.1f}x (from {ratios[0]:.1f}x to {ratios[-1]:.1f}x)",
            f"  growth (start-up alone, a header-only file: {start_up:.2f} s):",
        ]
        for size in SIZES:
            seconds, mem = timings[size]
            net = (seconds - start_up) / size * 1e6
            lines.append(f"    {size:>9,} rows: {seconds:7.3f} s  {size / seconds:9,.0f} rows/s  "
                         f"{net:5.1f} µs/row after start-up  peak {mem:4.0f} MB")
        lines += _stages(paths[SIZES[1]])
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
