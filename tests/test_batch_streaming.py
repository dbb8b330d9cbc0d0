"""Batch at scale: streamed input, flat memory, Ctrl-C, and the progress bar."""

from __future__ import annotations

import csv
import importlib.util
import io
import itertools
import os
import random
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, hitpath_exe
from tests.hostile.helpers import run_measured

AS_OF = "2026-05-01"
GIGABYTE = 1 << 30


def _bench() -> ModuleType:
    """The benchmark's cohort generator (one source of realistic rows for both)."""
    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "bench" / "batch.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


def _row_bytes() -> Iterator[bytes]:
    """An endless stream of valid cohort rows, as CSV bytes, header first."""
    yield (",".join(BENCH.COLUMNS) + "\n").encode()
    rows = []
    for row in BENCH.cohort_rows(2000):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(row)
        rows.append(out.getvalue().encode())
    yield from itertools.cycle(rows)


class GeneratedFile(io.RawIOBase):
    """A read-only binary file of about 1 GB whose bytes are made only when read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.given = 0
        self.rows = _row_bytes()
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self.size - self.given)
        while len(self.pending) < want:
            self.pending += next(self.rows)
        data, self.pending = self.pending[:want], self.pending[want:]
        buffer[:want] = data
        self.given += want
        return want


def test_a_gigabyte_stream_is_read_a_chunk_at_a_time() -> None:
    """The batch pulls input only as fast as it assesses: never the whole 1 GB."""
    from hitpath.cohort.batch import CHUNK_BYTES, _Columns, _csv_rows, _header, _LineSource, _Tally
    from hitpath.cohort.fastpath import compile_rules
    from hitpath.load.ruleset import load_rules

    rules = load_rules()
    big = GeneratedFile(GIGABYTE)
    source = _LineSource(io.BufferedReader(big))
    lines = source.lines()
    names, delimiter, header_line, number = _header(lines, rules, "<generated>")
    reader = csv.reader(itertools.chain([header_line], lines), delimiter=delimiter)
    next(reader)
    columns = _Columns(tuple(r.id for r in rules.routes))
    tally = _Tally()
    rows = _csv_rows(reader, names, rules, compile_rules(rules).classes(date(2026, 5, 1)),
                     columns, source, tally, None, number)
    taken = list(itertools.islice(rows, 20_000))
    assert len(taken) == 20_000 and tally.failed == 0
    # About 2 MB of rows assessed; at most one chunk read ahead of them.
    assert source.bytes_read <= 20_000 * 200 + 2 * CHUNK_BYTES
    assert big.given == source.bytes_read < GIGABYTE // 100


def _peaks_mb(tmp_path: Path, *cohorts: Path) -> list[float]:
    """Each batch run's own peak memory in MB, from a fresh parent: a child's peak counts the
    process it was started from, so one started by the test run would show the test run's
    size."""
    peaks = []
    for number, cohort in enumerate(cohorts):
        done, peak_kib = run_measured("batch", "--as-of", AS_OF, "--output", f"{number}.csv",
                                      str(cohort), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        peaks.append(peak_kib / 1024)
    return peaks


def test_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    BENCH.write_cohort(str(small), 10_000)
    BENCH.write_cohort(str(large), 80_000)
    growth = large.stat().st_size - small.stat().st_size
    small_mb, large_mb = _peaks_mb(tmp_path, small, large)
    # The input grows by about 8 MB (and held as Python rows it would take ten times that);
    # memory grows only by what the bounded caches hold.
    assert growth > 7_000_000
    assert large_mb - small_mb < 6, (small_mb, large_mb)


def _dated_cohort(path: Path, count: int) -> None:
    """A cohort in which nearly every row has dates of its own: course starts (the reference
    date), earlier trainings and exam boards anywhere in thirty years."""
    pick = random.Random(3)

    def day() -> str:
        return "" if pick.random() < 0.2 else (
            date(2000, 1, 1) + timedelta(days=pick.randrange(11_000))).isoformat()

    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["ref", "nation", "professions", "core_experience_months",
                      "mental_health_experience_months", "previous_nhs_training",
                      "previous_training_programme", "previous_training_started",
                      "previous_exam_board", "course_start"])
        for number in range(count):
            out.writerow([f"D{number}", "england", pick.choice(BENCH.PROFESSIONS),
                          str(pick.randrange(100)), str(pick.randrange(100)),
                          pick.choice(("yes", "none", "not_sure")),
                          pick.choice(("pwp", "cbt_hit", "emhp", "other")), day(), day(),
                          day()])


def test_rows_with_dates_of_their_own_take_no_more_memory(tmp_path: Path) -> None:
    """Answers are seen alike at reference dates the same months away, so a cohort whose
    course starts are spread over the years peaks about where an ordinary one does (it once
    took more than twice as much)."""
    ordinary, dated = tmp_path / "ordinary.csv", tmp_path / "dated.csv"
    BENCH.write_cohort(str(ordinary), 80_000)
    _dated_cohort(dated, 80_000)
    ordinary_mb, dated_mb = _peaks_mb(tmp_path, ordinary, dated)
    assert dated_mb - ordinary_mb < 8, (ordinary_mb, dated_mb)


def _wait_for(predicate: object, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_stopping_midway_leaves_no_complete_looking_file(tmp_path: Path,
                                                          stop: signal.Signals) -> None:
    fifo = tmp_path / "cohort.csv"
    os.mkfifo(fifo)
    out = tmp_path / "results.csv"
    child = subprocess.Popen([hitpath_exe(), "batch", str(fifo), "--output", str(out),
                              "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    writer = open(fifo, "wb")  # noqa: SIM115 - held open while the run is stopped
    try:
        rows = _row_bytes()
        for chunk in itertools.islice(rows, 3000):
            writer.write(chunk)
        writer.flush()

        def temporary() -> list[str]:
            return [p.name for p in tmp_path.iterdir() if p.name.startswith(".hitpath-")]

        _wait_for(lambda: temporary() and os.path.getsize(tmp_path / temporary()[0]) > 0)
        child.send_signal(stop)
        _, err = child.communicate(timeout=20)
    finally:
        try:
            writer.close()
        except BrokenPipeError:
            pass
    assert child.returncode == 130, err
    assert b"stopped" in err and b"Traceback" not in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.csv"]


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    BENCH.write_cohort(str(src), 20_000)
    out = tmp_path / "results.csv"
    child = pexpect.spawn(hitpath_exe(), ["batch", str(src), "--output", str(out),
                                          "--as-of", AS_OF],
                          encoding="utf-8", timeout=60, dimensions=(24, 100),
                          env={**os.environ, "TERM": "xterm"})
    screen = child.read()
    child.close()
    assert child.exitstatus == 0
    assert "Assessing" in screen and "━" in screen
    assert "20,000 assessed, no errors." in screen
    # Not a terminal: no bar, no control codes, only the summary.
    piped = subprocess.run([hitpath_exe(), "batch", str(src), "--output", str(out),
                            "--as-of", AS_OF], capture_output=True, text=True, timeout=60)
    # The generated cohort holds impossible answer pairs (random dates): named, not errors.
    first, clash, wrote = piped.stderr.split("\n")[:3]
    assert (first, wrote) == ("hitpath: 20,000 assessed, no errors.", f"Wrote {out}")
    assert re.fullmatch(r"[\d,]+ rows with answers that cannot both be true \(rows [\d, ]+ "
                        r"and [\d,]+ more\): not decided on them; see the conflicts column\.",
                        clash), clash
    assert piped.stderr.count("\n") == 3 and "\x1b" not in piped.stderr


def test_stdout_holds_only_data_even_on_a_terminal_stderr(tmp_path: Path) -> None:
    src = tmp_path / "cohort.csv"
    BENCH.write_cohort(str(src), 50)
    out = tmp_path / "stdout.csv"
    # stderr is the terminal, stdout a file: the bar may show, but never in the data.
    child = pexpect.spawn("/bin/sh", ["-c", f"'{hitpath_exe()}' batch '{src}' --as-of {AS_OF} "
                                            f"> '{out}'"],
                          encoding="utf-8", timeout=60)
    child.read()
    child.close()
    assert child.exitstatus == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 50 and rows[0]["row"] == "2"
    assert "\x1b" not in out.read_text(encoding="utf-8")


def test_interrupt_in_process_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Ctrl-C at any row: the temporary file goes, the target is never created."""
    import hitpath.cohort.batch as batch
    from hitpath.cohort.fastpath import OutcomeClass, OutcomeClasses

    src = tmp_path / "cohort.csv"
    BENCH.write_cohort(str(src), 5_000)
    seen = {"rows": 0}
    real = OutcomeClasses.of_row

    def interrupting(self: OutcomeClasses, row: list[object]) -> OutcomeClass:
        seen["rows"] += 1  # once per row assessed
        if seen["rows"] == 2_500:
            raise KeyboardInterrupt
        return real(self, row)

    monkeypatch.setattr(OutcomeClasses, "of_row", interrupting)
    code = batch.run_batch(str(src), str(tmp_path / "out.csv"), date(2026, 5, 1), None, "csv")
    assert code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.csv"]
    assert "stopped after 2,499 rows; no results file was written." in capsys.readouterr().err


def test_a_stop_as_the_results_file_is_made_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C just after the temporary file is made, before batch holds it: it still goes."""
    import hitpath.cohort.batch as batch
    from hitpath.load.output import AtomicOutput

    class Interrupted(AtomicOutput):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            raise KeyboardInterrupt

    src = tmp_path / "cohort.csv"
    BENCH.write_cohort(str(src), 10)
    monkeypatch.setattr(batch, "AtomicOutput", Interrupted)
    code = batch.run_batch(str(src), str(tmp_path / "out.csv"), date(2026, 5, 1), None, "csv")
    assert code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.csv"]
    assert "no results file was written" in capsys.readouterr().err


def test_a_thread_can_run_a_batch(tmp_path: Path) -> None:
    """Off the main thread no signal handler is set, and the run still works."""
    import contextlib

    from hitpath.cohort.batch import run_batch

    src = tmp_path / "cohort.csv"
    BENCH.write_cohort(str(src), 100)
    result: list[int] = []
    with contextlib.redirect_stderr(io.StringIO()):
        worker = threading.Thread(target=lambda: result.append(run_batch(
            str(src), str(tmp_path / "out.csv"), date(2026, 5, 1), None, None)))
        worker.start()
        worker.join(60)
    assert result == [0]


class _Trickle(io.RawIOBase):
    """A file that gives at most a few bytes a read, as a pipe may."""

    def __init__(self, data: bytes, most: int) -> None:
        self.data, self.most, self.at = data, most, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        got = self.data[self.at:self.at + min(len(buffer), self.most)]
        buffer[:len(got)] = got
        self.at += len(got)
        return len(got)


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(st.tuples(st.text(st.sampled_from("ab,\"é\u2028\x85"), max_size=40),
                                st.sampled_from(["\n", "\r\n", "\r", ""])), max_size=12),
       piece=st.integers(1, 24), most=st.integers(1, 24), bom=st.booleans(),
       bad=st.one_of(st.none(), st.integers(0, 11)))
def test_lines_are_whole_however_the_input_is_cut(lines: list[tuple[str, str]], piece: int,
                                                  most: int, bom: bool, bad: int | None) -> None:
    """Read in pieces of any size, with a pipe giving any number of bytes a read (the byte
    order mark alone, say), the lines are those a whole read gives (split only at \\n, \\r\\n
    or \\r, never inside a \\r\\n pair), and a line that is not UTF-8 is named by its number."""
    from hitpath.cohort import batch

    texts = [text.encode() for text, _ in lines]
    if bad is not None and bad < len(texts):
        texts[bad] = b"\xff" + texts[bad]
    data = b"".join(text + end.encode() for text, (_, end) in zip(texts, lines, strict=True))
    expected = io.StringIO(data.decode("utf-8", "replace"), newline="").readlines()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "CHUNK_BYTES", piece)
        mark = b"\xef\xbb\xbf" if bom else b""
        source = batch._LineSource(io.BufferedReader(_Trickle(mark + data, most), piece))
        assert list(source.lines()) == expected
    assert source.bad_lines == {n for n, line in enumerate(expected, 1) if "\ufffd" in line}


def test_a_line_longer_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line longer than the limit, however it is cut into pieces, is one clear refusal."""
    from hitpath.cohort import batch
    from hitpath.core.errors import HitpathError

    monkeypatch.setattr(batch, "CHUNK_BYTES", 7)
    monkeypatch.setattr(batch, "MAX_LINE_BYTES", 50)
    fits = b"ref,nation\n" + b"r" * 35 + b",england\n"
    assert len(list(batch._LineSource(io.BytesIO(fits)).lines())) == 2
    with pytest.raises(HitpathError, match="longer than"):
        list(batch._LineSource(io.BytesIO(b"ref,nation\n" + b"r" * 60 + b",england\n")).lines())
