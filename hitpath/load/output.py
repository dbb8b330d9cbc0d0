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


# Replacing files: a report file hitpath wrote may be replaced; anything else needs --force.

_GENERATOR = '<meta name="generator" content="hitpath">'
_MARKDOWN_MARK = "<!-- written by hitpath -->"
_TEXT_MARK = "(Written by hitpath.)"


def stamp(text: str, fmt: str) -> str:
    """A report with the mark that tells a later run it may replace this file."""
    if fmt == "html":
        return text.replace("<head>\n", f"<head>\n{_GENERATOR}\n", 1)
    if fmt == "markdown":
        return text.rstrip("\n") + f"\n\n{_MARKDOWN_MARK}\n"
    if fmt == "text":
        return text.rstrip("\n") + f"\n\n{_TEXT_MARK}\n"
    return text  # JSON is known by its own shape


def written_by_hitpath(path: str) -> bool:
    """Whether ``path`` holds a report hitpath wrote (by its mark, or for JSON its shape)."""
    import json

    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 12)
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 256))
            tail = handle.read()
            if head.lstrip().startswith(b"{") and size <= 16 << 20:
                handle.seek(0)
                data = json.loads(handle.read().decode("utf-8"))
                return isinstance(data, dict) and "rules_version" in data and (
                    "routes" in data or "plans" in data)  # a check or a plan report
    except (OSError, ValueError):
        return False
    return (_GENERATOR.encode() in head or tail.rstrip().endswith(_MARKDOWN_MARK.encode())
            or tail.rstrip().endswith(_TEXT_MARK.encode()))


def refuse_foreign(path: str) -> None:
    """Refuse to replace an existing file that is not a report hitpath wrote."""
    if not os.path.exists(path) or os.path.isdir(path):
        return  # nothing to lose (a folder is refused by check_target)
    try:
        empty = os.path.isfile(path) and os.path.getsize(path) == 0
    except OSError:
        empty = False
    if empty or written_by_hitpath(path):
        return
    raise HitpathError(
        "this file exists and hitpath did not write it, so it is left as it is", file=path,
        hint="Choose another name, or add --force to replace it.")
