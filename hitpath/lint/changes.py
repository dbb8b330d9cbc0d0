"""``hitpath rules changes``: what changed in the advice, and from when, for careers advisers.

The changelog of the rules is data (``hitpath/rules_changes.yaml``, shipped in the package): per
rules version, newest first, entries in plain words, each with the date from which it applies
and its sources. Each entry also names the places in the rules it covers, as ``rules diff``
numbers them, so ``--check OLD`` can prove mechanically that the entries cover every change
between the previous version's rules and these. The Rules section of CHANGELOG.md is written
from the same data (``python -m hitpath.lint.changes CHANGELOG.md``, run by ``make rules``).
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hitpath.core.dates import MONTHS, long_date, parse_iso
from hitpath.core.errors import HitpathError, did_you_mean
from hitpath.core.model import Json
from hitpath.core.untrusted import echo, for_json, for_markdown, for_terminal
from hitpath.lint.checks import display_path
from hitpath.load.strict import line_of, parse_yaml, read_input

Where = tuple[str | int, ...]

SHIPPED_CHANGES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                               "rules_changes.yaml")
VERSION_RE = re.compile(r"\d{4}\.\d{2}\.\d{1,3}")
WIDTH = 100
# Bookkeeping every version changes; its heading (version, review date, data date) says it.
SAID_BY_HEADING = frozenset({"meta.rules_version", "meta.reviewed", "meta.data_as_of"})
BEGIN = ("<!-- Written from hitpath/rules_changes.yaml by `make rules` "
         "(hitpath rules changes --format markdown): edit that file, not this section. -->")
END = "<!-- End of the rules changes. -->"

_VERSION_KEYS = ("version", "reviewed", "data_as_of", "summary", "changes")
_ENTRY_KEYS = ("title", "applies_from", "text", "sources", "covers")


@dataclass(frozen=True)
class Entry:
    """One change in the advice, as an adviser reads it, and the places in the rules it covers."""

    title: str
    applies_from: date
    text: str
    sources: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()
    where: Where = ()  # its place in the changelog file, for messages


@dataclass(frozen=True)
class Version:
    """One rules version's changes."""

    version: str
    reviewed: date
    data_as_of: str
    summary: str
    changes: tuple[Entry, ...]


@dataclass
class Changelog:
    """The whole changelog, newest version first, with the file's lines for messages."""

    path: str
    versions: list[Version]
    lines: dict[Where, int] = field(default_factory=dict)

    def error(self, where: Where, message: str, hint: str | None = None) -> HitpathError:
        """The error for a place in the file."""
        key = ".".join(str(p) for p in where) or None
        return HitpathError(message, file=self.path, line=line_of(self.lines, where), key=key,
                            hint=hint)


def version_key(version: str) -> tuple[int, ...]:
    """A rules version as numbers, so 2026.11.1 sorts after 2026.03.2."""
    return tuple(int(p) for p in version.split("."))


def parse_version(text: str, what: str) -> str:
    """A rules version such as 2026.11.1, strictly checked."""
    if not VERSION_RE.fullmatch(text):
        raise HitpathError(f"{echo(text)} is not a rules version; expected YEAR.MONTH.N, for "
                           "example 2026.03.1", file=what)
    return text


# Reading -------------------------------------------------------------------------------

def load_changes(path: str | None = None) -> Changelog:
    """Read and check a changelog file (default: the shipped one); exit 2 on any problem."""
    path = path or SHIPPED_CHANGES
    shown = display_path(path)
    data, lines = parse_yaml(read_input(path, "rules changes"), shown)
    log = Changelog(shown, [], dict(lines))
    if not isinstance(data, dict) or set(data) != {"versions"}:
        raise log.error((), "expected a mapping with one key, 'versions'")
    if not isinstance(data["versions"], list) or not data["versions"]:
        raise log.error(("versions",), "expected a list of rules versions, newest first")
    for i, raw in enumerate(data["versions"]):
        log.versions.append(_version(raw, ("versions", i), log))
    for i, (newer, older) in enumerate(zip(log.versions, log.versions[1:], strict=False), 1):
        if version_key(newer.version) <= version_key(older.version):
            raise log.error(("versions", i, "version"),
                            f"'{older.version}' comes after '{newer.version}'; list the versions "
                            "newest first, each once")
    return log


def _mapping(raw: object, where: Where, keys: tuple[str, ...], required: tuple[str, ...],
             log: Changelog) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise log.error(where, f"expected a mapping with {', '.join(keys)}")
    for key in raw:
        if key not in keys:
            raise log.error((*where, key), f"'{key}' is not a key here; expected one of: "
                            f"{', '.join(keys)}", did_you_mean(str(key), keys))
    for key in required:
        if key not in raw:
            raise log.error(where, f"the required key '{key}' is missing")
    return raw


def _text(raw: dict[str, object], key: str, where: Where, log: Changelog) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise log.error((*where, key), "expected text")
    return " ".join(value.split())


def _date(raw: dict[str, object], key: str, where: Where, log: Changelog) -> date:
    value = raw[key]
    try:
        day, month_only = parse_iso(str(value))
    except ValueError as exc:
        raise log.error((*where, key), str(exc)) from None
    if month_only:
        raise log.error((*where, key), "expected a full date YYYY-MM-DD")
    return day


def _ids(raw: dict[str, object], key: str, where: Where, log: Changelog) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise log.error((*where, key), "expected a list of names, for example [HEE-2022]")
    return tuple(value)


def _version(given: object, where: Where, log: Changelog) -> Version:
    raw = _mapping(given, where, _VERSION_KEYS, _VERSION_KEYS, log)
    version = raw["version"]
    if not isinstance(version, str) or not VERSION_RE.fullmatch(version):
        raise log.error((*where, "version"), "expected a rules version in quotes, for example "
                        "\"2026.03.1\"")
    as_of = raw["data_as_of"]
    if not isinstance(as_of, str) or not re.fullmatch(r"\d{4}-\d{2}", as_of):
        raise log.error((*where, "data_as_of"),
                        "expected a month in quotes, for example \"2026-03\"")
    changes = raw["changes"]
    if not isinstance(changes, list) or not changes:
        raise log.error((*where, "changes"), "expected a list of changes")
    entries = []
    for j, item in enumerate(changes):
        at = (*where, "changes", j)
        entry = _mapping(item, at, _ENTRY_KEYS, ("title", "applies_from", "text"), log)
        entries.append(Entry(_text(entry, "title", at, log),
                             _date(entry, "applies_from", at, log),
                             _text(entry, "text", at, log), _ids(entry, "sources", at, log),
                             _ids(entry, "covers", at, log), at))
        for k, cover in enumerate(entries[-1].covers):
            if cover.startswith("*") or any(not part for part in cover.split(".")):
                raise log.error((*at, "covers", k), f"'{cover}' is not a place in the rules; "
                                "expected a dotted path such as advice.wales or sources.*.checked")
    return Version(version, _date(raw, "reviewed", where, log), as_of,
                   _text(raw, "summary", where, log), tuple(entries))


# Choosing and showing ------------------------------------------------------------------

def since(versions: list[Version], after: str | None) -> list[Version]:
    """The versions newer than ``after`` (all of them when None)."""
    if after is None:
        return list(versions)
    return [v for v in versions if version_key(v.version) > version_key(after)]


def _month(text: str) -> str:
    """'2026-11' as 'November 2026'."""
    year, month = text.split("-")
    return f"{MONTHS[int(month) - 1]} {year}" if 1 <= int(month) <= 12 else text


SOURCES_NOTE = "Each [ID] is a source: 'hitpath sources' gives its title, publisher and link."


def render_text(versions: list[Version], after: str | None = None, width: int = WIDTH) -> str:
    """The changelog as plain text, for a terminal (text from the file shown as text)."""
    out = textwrap.wrap("What changed in the advice hitpath gives, and from when, newest "
                        "first.", width)
    if not versions:
        out.append(f"No rules version is newer than {after}." if after
                   else "No rules changes are recorded.")
    for v in versions:
        out += ["", *textwrap.wrap(f"Rules {v.version}, reviewed {long_date(v.reviewed)} "
                                   f"(data as of {_month(v.data_as_of)})", width)]
        out += textwrap.wrap(v.summary, width, initial_indent="  ", subsequent_indent="  ")
        for entry in v.changes:
            out.append("")
            out += textwrap.wrap(f"{entry.title}: from {long_date(entry.applies_from)}", width,
                                 initial_indent="  ", subsequent_indent="  ")
            cited = f" [{', '.join(entry.sources)}]" if entry.sources else ""
            out += textwrap.wrap(entry.text + cited, width,
                                 initial_indent="    ", subsequent_indent="    ",
                                 break_long_words=False, break_on_hyphens=False)
    if any(e.sources for v in versions for e in v.changes):
        out += ["", *textwrap.wrap(SOURCES_NOTE, width)]
    return for_terminal("\n".join(out) + "\n")


def render_markdown(versions: list[Version], level: int = 2) -> str:
    """The changelog as Markdown: one heading per version at ``level``, one item per change."""
    md = for_markdown
    out: list[str] = []
    for v in versions:
        # The version is digits and dots (checked on reading); escaped, a backslash would show.
        out.append(f"{'#' * level} {v.version} - reviewed {long_date(v.reviewed)}\n")
        out.append(f"{md(v.summary)}\n")
        items = []
        for entry in v.changes:
            cited = f" Sources: {', '.join(md(s) for s in entry.sources)}." if entry.sources else ""
            items.append(f"- **{md(entry.title)}** (from {long_date(entry.applies_from)}). "
                         f"{md(entry.text)}{cited}")
        out.append("\n".join(items) + "\n")
    return "\n".join(out)


def to_json(versions: list[Version], after: str | None) -> dict[str, Json]:
    """The changelog as JSON: versions newest first, each change with what it covers."""
    return {
        "since": after,
        "versions": [{
            "version": v.version, "reviewed": v.reviewed.isoformat(),
            "data_as_of": v.data_as_of, "summary": v.summary,
            "changes": [{"title": e.title, "applies_from": e.applies_from.isoformat(),
                         "text": e.text, "sources": list(e.sources), "covers": list(e.covers)}
                        for e in v.changes],
        } for v in versions],
    }


# Completeness ----------------------------------------------------------------------------

def covers(pattern: str, subject: str) -> bool:
    """Whether a cover names a change's place: the same path, or a path it contains.

    ``*`` stands for any one name. A section name alone (``next_steps``) names only the
    change to the section itself (its order), never everything in it.
    """
    want, have = pattern.split("."), subject.split(".")
    if len(want) == 1:
        return want == have
    return len(have) >= len(want) and all(w in ("*", h) for w, h in zip(want, have, strict=False))


@dataclass
class Coverage:
    """What ``--check`` found: changes no entry covers, covers that name nothing, and more."""

    old_version: str
    new_version: str
    problems: list[str] = field(default_factory=list)
    changes: int = 0


def check_coverage(log: Changelog, old: dict[str, Any], new: dict[str, Any]) -> Coverage:
    """Whether the entries of the versions after OLD's, up to NEW's, cover every rule change."""
    from hitpath.lint.diff import rule_change_items

    old_version, new_version = old["meta"]["rules_version"], new["meta"]["rules_version"]
    result = Coverage(old_version, new_version)
    if version_key(new_version) not in {version_key(v.version) for v in log.versions}:
        result.problems.append(
            f"{log.path}: rules {new_version} has no entry; add it first in 'versions', with "
            "what changed for people")
        return result
    if version_key(old_version) >= version_key(new_version):
        result.problems.append(f"the old rules ({old_version}) are not older than the new "
                               f"({new_version})")
        return result
    versions = [v for v in log.versions
                if version_key(old_version) < version_key(v.version) <= version_key(new_version)]
    entries = [e for v in versions for e in v.changes]
    changes = [c for c in rule_change_items(old, new) if c.subject not in SAID_BY_HEADING]
    result.changes = len(changes)
    reviewed = versions[0].reviewed.isoformat()  # NEW's own entry: the versions are newest first
    if reviewed != str(new["meta"]["reviewed"]):
        result.problems.append(f"{log.path}: rules {new_version} are reviewed "
                               f"{new['meta']['reviewed']}, but the changelog says {reviewed}")
    for change in changes:
        if not any(covers(p, change.subject) for e in entries
                   for p in (*e.covers, *(f"sources.{s}" for s in e.sources))):
            result.problems.append(
                f"not covered: {change.subject}: {change.text}\n  Say what this changes for "
                f"people in an entry of rules {new_version}, and add '{change.subject}' (or "
                "the item it is part of) to that entry's covers.")
    subjects = [c.subject for c in changes]
    for entry in entries:
        where = f"{log.path}:{line_of(log.lines, entry.where)}"
        for cover in entry.covers:
            if not any(covers(cover, s) for s in subjects):
                hint = did_you_mean(cover, sorted(set(subjects)))
                result.problems.append(
                    f"{where}: '{entry.title}' covers '{cover}', which names no change between "
                    f"rules {old_version} and {new_version}" + (f"\n  {hint}" if hint else ""))
        for source in entry.sources:
            if source not in new["sources"]:
                hint = did_you_mean(source, list(new["sources"]))
                result.problems.append(
                    f"{where}: '{entry.title}' cites '{source}', which is not a source in the "
                    f"rules {new_version}" + (f"\n  {hint}" if hint else ""))
    return result


# The command ---------------------------------------------------------------------------

def run_changes(fmt: str, after: str | None, check_old: str | None, rules_path: str | None,
                changes_path: str | None) -> int:
    """``hitpath rules changes``: 0 shown (or, with a check, complete); 1 the check fails."""
    log = load_changes(changes_path)
    if check_old is not None:
        return _run_check(log, check_old, rules_path, fmt)
    shown = since(log.versions, after)
    if fmt == "json":
        sys.stdout.write(for_json(json.dumps(to_json(shown, after), indent=2,
                                             ensure_ascii=False)) + "\n")
    elif fmt == "markdown":
        title = "# What changed in the advice, newest first\n\n"
        body = render_markdown(shown) or (f"No rules version is newer than "
                                          f"{for_markdown(after or '')}.\n")
        sys.stdout.write(title + body)
    else:
        import shutil

        # As wide as the terminal, up to the reports' 100 columns.
        width = max(40, min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns))
        sys.stdout.write(render_text(shown, after, width))
    return 0


def _run_check(log: Changelog, old_path: str, rules_path: str | None, fmt: str) -> int:
    from hitpath.lint.commands import load_for_lint

    before, after = load_for_lint(old_path), load_for_lint(rules_path)
    result = check_coverage(log, before.data, after.data)
    if fmt == "json":
        payload = {"old_version": result.old_version, "new_version": result.new_version,
                   "changes": result.changes, "complete": not result.problems,
                   "problems": result.problems}
        sys.stdout.write(for_json(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n")
    else:
        out = list(result.problems)
        if result.problems:
            out.append(f"{log.path}: {len(result.problems)} problem"
                       f"{'s' if len(result.problems) != 1 else ''} between rules "
                       f"{result.old_version} and {result.new_version}.")
        else:
            out.append(f"{log.path}: the entries cover all {result.changes} changes between "
                       f"rules {result.old_version} ({before.path}) and {result.new_version} "
                       f"({after.path}).")
        sys.stdout.write(for_terminal("\n".join(out) + "\n"))
    return 1 if result.problems else 0


# The Rules section of CHANGELOG.md -------------------------------------------------------

def changelog_section(log: Changelog) -> str:
    """The generated part of CHANGELOG.md's Rules section, markers included."""
    return f"{BEGIN}\n\n{render_markdown(log.versions, level=3)}\n{END}"


def update_changelog(path: str) -> bool:
    """Rewrite the generated part of the Rules section in ``path``; whether it changed."""
    from pathlib import Path

    target = Path(path)
    text = target.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise HitpathError("the Rules section's markers are missing", file=path,
                           hint=f"Put these two lines where the rules changes go:\n  {BEGIN}"
                                f"\n  {END}")
    new = text[:start] + changelog_section(load_changes()) + text[end + len(END):]
    if new != text:
        target.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # make rules: python -m hitpath.lint.changes CHANGELOG.md
    for name in sys.argv[1:]:
        if update_changelog(name):
            sys.stderr.write(f"Rewrote the rules changes in {name}\n")
