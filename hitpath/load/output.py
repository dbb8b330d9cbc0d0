"""Writing files the user asked for: whole or not at all, with the mode asked for, and only
where writing is safe.

A regular file (or a file a link points to) is written under a temporary name in its folder
and renamed over it at the end, so an interrupted run never leaves a file that looks complete.
Nothing that is not a regular file is ever replaced: a character device such as /dev/null is
written into as it is, standard output (``-``, or /dev/stdout) is written to, and a folder,
named pipe, socket or disk is refused. No output may be one of the run's inputs, the rules
included, whatever name it is given. Temporary files are removed on Ctrl-C, SIGTERM and SIGHUP,
and hitpath's own temporary files left for more than a day by a killed run are removed when it
next writes in that folder.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import IO, NamedTuple

from hitpath.core.errors import HitpathError
from hitpath.core.untrusted import for_terminal

STDIO = "-"
"""The name that means standard input or standard output where a file is expected."""

TMP_PREFIX, TMP_SUFFIX = ".hitpath-", ".tmp"
STALE_SECONDS = 24 * 3600
"""A temporary file of hitpath's this old was left by a killed run: no run takes a day."""

FORMULA_STARTS = frozenset("=+-@\t\r")
"""What a spreadsheet reads as the start of a formula (OWASP's list): =SUM(...), +1, -1,
@SUM(...), and a tab or carriage return before one of them."""

_LIVE: set[str] = set()
"""Temporary files this process is writing now (removed if a signal ends it)."""
_STOPS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class Target(NamedTuple):
    """Where an output goes: ``kind`` is "file" (renamed into place), "device" (written
    into) or "stdout"; ``path`` is the file to replace (a link's target); ``seen`` is what was
    there when the run started, to notice another run writing the same file meanwhile."""

    path: str
    kind: str
    folder: str
    seen: tuple[int, int, int] | None


def _identity(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_dev, info.st_ino, info.st_mtime_ns


def check_target(path: str, inputs: Iterable[str | None] = ()) -> Target:
    """Where ``path`` may be written, or a HitpathError saying why not: it is a folder, FIFO,
    socket or disk, one of the ``inputs`` (or the shipped rules), or in a folder that does not
    exist or cannot be written."""
    if path == STDIO:
        return Target(path, "stdout", "", None)
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
        if os.path.islink(path):
            raise HitpathError("this is a link to a file that does not exist", file=path,
                               hint="Write to the file itself, or choose another name.") from None
    except OSError as exc:
        raise HitpathError(f"cannot write here: {exc.strerror}", file=path) from None
    if info is not None:
        from hitpath.load.ruleset import SHIPPED_RULES

        # The shipped rules are never written, whatever the command.
        for given in [p for p in (*inputs, SHIPPED_RULES) if p and p != STDIO]:
            try:
                same = os.path.samestat(info, os.stat(given))
            except OSError:
                continue
            if same:
                raise HitpathError("the output would overwrite an input file" + (
                    f" ({given})" if os.path.abspath(given) != os.path.abspath(path) else ""),
                    file=path, hint="Choose another name to write to.")
        kind = _kind(info, path)
        if kind != "file":
            return Target(path, kind, "", None)
        path = os.path.realpath(path)  # a link is kept; the file it points to is written
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise HitpathError(
            "the folder to write into does not exist", file=path,
            hint=f"Create {folder} first, or choose another path.",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise HitpathError("cannot write in this folder: permission denied", file=path,
                           hint="Choose a folder you can write in.")
    return Target(path, "file", folder, _identity(info) if info is not None else None)


def _kind(info: os.stat_result, path: str) -> str:
    """How an existing path is written: "file", "device" or "stdout"; else refused."""
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise HitpathError("this is a folder; expected a file name to write", file=path)
    with suppress(OSError, ValueError, AttributeError):
        if os.path.samestat(info, os.fstat(sys.stdout.fileno())):
            return "stdout"  # e.g. /dev/stdout redirected to a file: write where it goes
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISCHR(mode):
        return "device"
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket"
            if stat.S_ISSOCK(mode) else "a disk (block device)" if stat.S_ISBLK(mode)
            else "not a regular file")
    raise HitpathError(f"this is {what}; hitpath writes only to files, character devices "
                       "such as /dev/null, and standard output (-)", file=path)


class AtomicOutput:
    """A text output opened for writing: a temporary file renamed into place by ``commit``,
    or a device or standard output written directly.

    Until ``commit`` a file's target is untouched; ``discard`` (on any failure or
    interruption) removes the temporary file.
    """

    def __init__(self, path: str, inputs: Iterable[str | None] = (), mode: int = 0o600,
                 buffering: int = -1) -> None:
        self.target = check_target(path, inputs)
        self.path = path
        self.mode = mode
        self.tmp: str | None = None
        kind = self.target.kind
        if kind == "stdout":
            self.handle: IO[str] = sys.stdout
            return
        if kind == "device":
            try:
                fd = os.open(self.target.path, os.O_WRONLY | os.O_NOCTTY)
            except OSError as exc:
                raise HitpathError(f"cannot write here: {exc.strerror}", file=path) from None
            self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=buffering)
            return
        import tempfile

        remove_stale(self.target.folder)
        # A stop signal between making the file and noting it would strand it: hold them
        # until it is noted (then the handler removes it).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX,
                                            dir=self.target.folder)
            _LIVE.add(self.tmp)
        except OSError as exc:
            raise HitpathError(f"cannot write here: {exc.strerror}", file=path) from None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.fchmod(fd, mode)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=buffering)

    def commit(self) -> None:
        """Finish: flush, and rename the temporary file over the target."""
        try:
            self.handle.flush()
            if self.target.kind == "stdout":
                return
            if self.tmp is not None:
                os.fsync(self.handle.fileno())
            self.handle.close()
            if self.tmp is None:
                return
            os.chmod(self.tmp, self.mode)
            self._note_other_writer()
            os.replace(self.tmp, self.target.path)
            _LIVE.discard(self.tmp)
            self.tmp = None
        except OSError as exc:
            self.discard()
            if self.target.kind == "stdout":
                raise
            raise HitpathError(f"cannot write the file: {exc.strerror}", file=self.path) from None

    def _note_other_writer(self) -> None:
        try:
            now: tuple[int, int, int] | None = _identity(os.stat(self.target.path))
        except OSError:
            now = None
        if now is not None and now != self.target.seen:
            sys.stderr.write(for_terminal(
                f"hitpath: {self.path} was written by another run while this one ran; this "
                "run's output replaces it.\n"))

    def discard(self) -> None:
        """Give up: close, and remove the temporary file (a device or stdout is left open)."""
        if self.target.kind == "stdout":
            return
        with suppress(OSError):
            self.handle.close()
        if self.tmp is not None:
            with suppress(OSError):
                os.unlink(self.tmp)
            _LIVE.discard(self.tmp)
            self.tmp = None


def spreadsheet_text(text: str) -> str:
    """A cell of a CSV or JSONL file hitpath writes: as given, unless a spreadsheet would run
    it as a formula, when a leading ' makes it text (and shows it was changed)."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def write_atomic(path: str, text: str, mode: int = 0o600,
                 inputs: Iterable[str | None] = ()) -> None:
    """Write ``text`` to ``path`` whole or not at all (see AtomicOutput)."""
    sink = AtomicOutput(path, inputs, mode)
    try:
        sink.handle.write(text)
    except BaseException as exc:
        sink.discard()
        if isinstance(exc, OSError) and sink.target.kind != "stdout":
            raise HitpathError(f"cannot write the file: {exc.strerror}", file=path) from None
        raise
    sink.commit()


def remove_stale(folder: str) -> None:
    """Remove hitpath's own temporary files older than a day from ``folder``, saying so."""
    try:
        names = [n for n in os.listdir(folder)
                 if n.startswith(TMP_PREFIX) and n.endswith(TMP_SUFFIX)]
    except OSError:
        return
    cutoff = time.time() - STALE_SECONDS
    for name in names:
        path = os.path.join(folder, name)
        try:
            info = os.lstat(path)
            if not (stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff
                    and info.st_uid == os.getuid()):
                continue
            os.unlink(path)
        except OSError:
            continue
        sys.stderr.write(for_terminal(
            f"hitpath: removed {path}, a temporary file left more than a day ago by a run "
            "that was killed.\n"))


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, turned into the same clean stop as Ctrl-C."""


def remove_temporary_files() -> None:
    """Remove this run's temporary files: a stop can come before the output that made one
    is noted anywhere a cleanup would find it."""
    for tmp in list(_LIVE):
        with suppress(OSError):
            os.unlink(tmp)
        _LIVE.discard(tmp)


def on_stop_signal(signum: int, frame: FrameType | None) -> None:
    """A signal handler: remove this run's temporary files, then stop like Ctrl-C."""
    remove_temporary_files()  # in case the stop is caught where no cleanup runs
    raise Stopped()


@contextmanager
def stops_cleanly() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP stop the run like Ctrl-C: temporary files removed."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, on_stop_signal)
                for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# Replacing files: a report file hitpath wrote may be replaced; anything else needs --force.

GENERATOR_MARK = '<meta name="generator" content="hitpath">'
MARKDOWN_MARK = "<!-- written by hitpath -->"
_TEXT_MARK = "(Written by hitpath.)"
"""The marks by which hitpath knows a page or a Markdown file as its own (batch's tables are
written as they stream, so they put the marks in themselves)."""


def stamp(text: str, fmt: str) -> str:
    """A report with the mark that tells a later run it may replace this file."""
    if fmt == "html":
        return text.replace("<head>\n", f"<head>\n{GENERATOR_MARK}\n", 1)
    mark = {"markdown": MARKDOWN_MARK, "text": _TEXT_MARK}.get(fmt)  # JSON: known by its shape
    return text if mark is None else text.rstrip("\n") + f"\n\n{mark}\n"


def written_by_hitpath(path: str) -> bool:
    """Whether ``path`` holds a report or batch results hitpath wrote (by its mark, or for
    JSON and batch's CSV by their shape)."""
    import json

    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 12)
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 256))
            tail = handle.read()
            data: object = None
            if head.lstrip().startswith(b"{") and size <= 16 << 20:
                handle.seek(0)
                with suppress(ValueError):  # not one JSON document: batch's JSONL, perhaps
                    data = json.loads(handle.read().decode("utf-8"))
            if isinstance(data, dict) and "rules_version" in data and (
                    "routes" in data or "plans" in data):
                return True  # a check or a plan report
    except OSError:
        return False
    return (GENERATOR_MARK.encode() in head or _batch_results(head)
            or tail.rstrip().endswith((MARKDOWN_MARK.encode(), _TEXT_MARK.encode())))


def _batch_results(head: bytes) -> bool:
    """Whether a file starts as batch's CSV or JSONL results do (their first line is
    batch's own header, or a JSON record of a row with its routes or its error)."""
    import json

    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    if first.startswith(b"row,ref,") and b",best_route," in first:
        return True
    try:
        record = json.loads(first.decode("utf-8"))
    except ValueError:
        return False
    return isinstance(record, dict) and "row" in record and ("routes" in record
                                                             or "error" in record)


def refuse_foreign(path: str) -> None:
    """Refuse to replace an existing file that is not a report hitpath wrote."""
    if not os.path.isfile(path):
        return  # nothing to lose: no file, or a device written into (others are refused)
    try:
        empty = os.path.getsize(path) == 0
    except OSError:
        empty = False
    if empty or written_by_hitpath(path):
        return
    raise HitpathError(
        "this file exists and hitpath did not write it, so it is left as it is", file=path,
        hint="Choose another name, or add --force to replace it.")
