"""Shared pieces of the hostile-input suite: running hitpath, and crafted rules files.

Crafted rules are made from the small sound rules file the lint fixtures share, by replacing
one piece of its text, so they follow that file when it changes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hitpath.cli import main
from tests.conftest import hitpath_exe

SOUND = Path(__file__).resolve().parent.parent / "fixtures" / "bad_rules" / "sound.yaml"
AS_OF = "2026-04-01"

ENGLAND_PWP = "nation: england\nprofessions: [pwp]\n"


def sound_text() -> str:
    """The sound rules file's text."""
    return SOUND.read_text(encoding="utf-8")


def crafted(tmp_path: Path, old: str, new: str, name: str = "rules.yaml") -> Path:
    """A copy of the sound rules with ``old`` replaced by ``new`` (which must be there)."""
    text = sound_text()
    assert old in text, f"the sound rules no longer hold {old!r}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """hitpath in this process: (exit status, stdout, stderr)."""
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    captured = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1,
            captured.out, captured.err)


def run_exe(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 120,
            env: dict[str, str] | None = None, **kwargs: object
            ) -> subprocess.CompletedProcess[bytes]:
    """The installed console script, as bytes (so raw control characters can be seen)."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
    return subprocess.run([hitpath_exe(), *args], input=stdin, capture_output=True,
                          env=full_env, timeout=timeout, cwd=cwd, check=False,
                          **kwargs)  # type: ignore[call-overload]


def no_traceback(*texts: str | bytes) -> None:
    """No Python traceback in any of the outputs."""
    for text in texts:
        shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        assert "Traceback" not in shown, shown


CONTROL = "\x1b]52;c;aGVsbG8=\x07\x1b[2J"
"""An OSC 52 clipboard write, then clear screen: what the review smuggled in."""


def raw_controls(text: str | bytes) -> list[str]:
    """Terminal control characters (other than newline and tab) in an output."""
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    shown = shown.replace("\r\n", "\n")  # CSV's own line ends
    return [c for c in shown if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0]


def sound_copy(tmp_path: Path, name: str = "rules.yaml") -> Path:
    """An unchanged copy of the sound rules."""
    path = tmp_path / name
    path.write_text(sound_text(), encoding="utf-8")
    return path


def run_measured(*args: str, cwd: Path, timeout: float = 900
                 ) -> tuple[subprocess.CompletedProcess[bytes], int]:
    """Run hitpath and return its peak resident memory in KiB, measured by a fresh parent
    (so no other child of the test run is counted)."""
    import sys

    probe = ("import resource, subprocess, sys\n"
             "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
             "sys.stderr.buffer.write(done.stderr)\n"
             "sys.stdout.write(f'{done.returncode} "
             "{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}')\n")
    done = subprocess.run([sys.executable, "-c", probe, hitpath_exe(), *args],
                          capture_output=True, cwd=cwd, timeout=timeout, check=False,
                          env={**os.environ, "NO_COLOR": "1"})
    code, peak = done.stdout.split()
    return subprocess.CompletedProcess(args, int(code), b"", done.stderr), int(peak)
