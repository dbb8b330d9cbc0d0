"""Writing files the user asked for: whole or not at all, with the mode asked for."""

from __future__ import annotations

import os
import tempfile

from hitpath.core.errors import HitpathError


def check_target(path: str, inputs: tuple[str, ...] = ()) -> str:
    """Refuse a path that cannot be written, or that is one of the inputs; returns its folder."""
    for given in inputs:
        if os.path.exists(path) and os.path.exists(given) and os.path.samefile(path, given):
            raise HitpathError("the output would overwrite an input file", file=path,
                               hint="Choose another name to write to.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise HitpathError(
            "the folder to write into does not exist", file=path,
            hint=f"Create {folder} first, or choose another path.",
        )
    if os.path.isdir(path):
        raise HitpathError("this is a folder; expected a file name to write", file=path)
    return folder


def write_atomic(path: str, text: str, mode: int = 0o600) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    folder = check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".hitpath-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise HitpathError(f"cannot write here: {exc.strerror}", file=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise HitpathError(f"cannot write the file: {exc.strerror}", file=path) from None
        raise
