"""Strict loading of every YAML or JSON input hitpath reads (rules and answers).

PyYAML's C parser composes the node graph; we then build plain Python data ourselves so that
we can refuse what a data file must never contain (aliases, custom tags, duplicate keys),
keep dates as text for our own strict date parser, and remember the line of every key.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from hitpath.core.errors import HitpathError

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 1_000_000

Path = tuple[str | int, ...]
LineMap = dict[Path, int]

_YAML_TAG = "tag:yaml.org,2002:"
# A timestamp is kept as text: our own parser checks the date.
_PLAIN_TAGS = {_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}


_STDIN_READ = {"done": False}


def _read_stdin(what: str) -> bytes:
    """Standard input (the file name ``-``), which can be read once."""
    import sys

    if _STDIN_READ["done"]:
        raise HitpathError(f"standard input can be read only once; give the {what} as a file",
                           file="-")
    _STDIN_READ["done"] = True
    try:
        return sys.stdin.buffer.read(MAX_BYTES + 1)
    except OSError as exc:
        raise HitpathError(f"cannot read standard input: {exc.strerror}", file="-") from None


def read_input(path: str, what: str) -> str:
    """Read a user's file as UTF-8 text, refusing folders, huge files and other encodings;
    ``-`` is standard input."""
    if path == "-":
        return _decode(_read_stdin(what), path, what)
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise HitpathError(f"the {what} file does not exist", file=path) from None
    except OSError as exc:
        raise HitpathError(f"cannot read the {what} file: {exc.strerror}", file=path) from None
    if os.path.isdir(path):
        article = "an" if what[:1] in "aeiou" else "a"
        raise HitpathError(f"this is a folder; expected {article} {what} file", file=path)
    if size > MAX_BYTES:
        raise HitpathError(
            f"the file is {size:,} bytes; hitpath reads {what} files of at most "
            f"{MAX_BYTES:,} bytes",
            file=path,
        )
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise HitpathError(f"cannot read the {what} file: {exc.strerror}", file=path) from None
    return _decode(raw, path, what)


def _decode(raw: bytes, path: str, what: str) -> str:
    # Standard input has no size to check first, and a file may grow after its size was read.
    if len(raw) > MAX_BYTES:
        raise HitpathError(f"hitpath reads {what} files of at most {MAX_BYTES:,} bytes",
                           file=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise HitpathError(
            "the file is not UTF-8 text", file=path, line=line,
            hint="Save it as UTF-8 and try again.",
        ) from None


def parse_yaml(text: str, filename: str) -> tuple[object, LineMap]:
    """Parse YAML (JSON is YAML too) into plain data and a map of each key's line number."""
    import yaml

    if len(text) > MAX_BYTES:
        raise HitpathError(f"the text is longer than {MAX_BYTES:,} characters", file=filename)
    loader_cls: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        _check_depth(loader_cls, text, filename)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # Some libyaml releases stop deep input while scanning, before any event reaches the
        # depth check; the pure-Python parser has no such limit, so ask it whether depth is
        # the real problem and say so in hitpath's own words (error path only).
        _check_depth(yaml.SafeLoader, text, filename, quiet=True)
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "malformed YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise HitpathError(
            f"this is not valid YAML: {problem}",
            file=filename,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise HitpathError(f"this is not valid YAML: {exc}", file=filename) from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    lines: LineMap = {}
    return _Builder(filename, lines).build(node, ()), lines


MAX_DEPTH = 64
"""Deeper nesting is refused before composing: libyaml's composer recurses in C."""


def _check_depth(loader_cls: type[yaml.SafeLoader], text: str, filename: str,
                 quiet: bool = False) -> None:
    """Walk the parser's events (no recursion) and refuse absurd nesting with its line.

    With ``quiet``, a parse error is left for the caller to report: only depth is judged.
    """
    import yaml

    depth = 0
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=loader_cls):
            if isinstance(event, starts):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise HitpathError(
                        f"the data is nested more than {MAX_DEPTH} levels deep",
                        file=filename, line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None,
                        hint="Answers and rules are shallow mappings and lists.")
            elif isinstance(event, ends):
                depth -= 1
    except yaml.YAMLError:
        if not quiet:
            raise


class _Builder:
    """Turns a composed node graph into plain data, refusing what data files must not hold."""

    def __init__(self, filename: str, lines: LineMap) -> None:
        self.filename = filename
        self.lines = lines
        self.seen: set[int] = set()

    def _fail(self, node: yaml.Node, message: str, hint: str | None = None) -> HitpathError:
        mark = node.start_mark
        return HitpathError(
            message, file=self.filename, line=mark.line + 1, column=mark.column + 1, hint=hint
        )

    def _alias(self, node: yaml.Node) -> HitpathError:
        return self._fail(node, "YAML aliases and anchors (&name, *name) are not allowed",
                          "Write the value out in full.")

    def build(self, node: yaml.Node, path: Path) -> object:
        import yaml

        # The C composer hands back the same node object for every use of an anchor.
        if id(node) in self.seen:
            raise self._alias(node)
        self.seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _YAML_TAG + "map":
                raise self._fail(node, f"the tag {_tag(node.tag)} is not allowed in a data file")
            result: dict[str, object] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _YAML_TAG + "merge":
                    raise self._fail(key_node, "YAML merge keys (<<) are not allowed")
                word = self.build(key_node, path)
                if not isinstance(word, (str, int, bool)):
                    raise self._fail(key_node, "a key must be a plain word")
                key = str(word) if not isinstance(word, bool) else "yes" if word else "no"
                if id(value_node) in self.seen:
                    raise self._alias(key_node)
                if key in result:
                    raise self._fail(
                        key_node,
                        f"the key '{key}' appears twice",
                        "Keep one of them: YAML would silently use the last.",
                    )
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _YAML_TAG + "seq":
                raise self._fail(node, f"the tag {_tag(node.tag)} is not allowed in a data file")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag not in _PLAIN_TAGS:
            raise self._fail(
                node,
                f"the tag {_tag(node.tag)} is not allowed: rules and answers are plain data",
                "Remove the '!' tag.",
            )
        assert isinstance(node, yaml.ScalarNode)  # mappings and sequences are done above
        return _scalar(node)


def _tag(tag: str) -> str:
    return tag.replace(_YAML_TAG, "!!")


_BOOL = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


def _scalar(node: yaml.ScalarNode) -> str | int | float | bool | None:
    kind = node.tag.removeprefix(_YAML_TAG)
    value: str = node.value
    if kind in ("str", "timestamp"):
        return value
    if kind == "null":
        return None
    if kind == "bool":
        return _BOOL[value.lower()]
    if kind == "int":
        text = value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("+-")
        if ":" in text or len(text) > 30:  # sexagesimal or absurdly long: keep as text
            return value
        bases = {"0x": 16, "0o": 8, "0b": 2}
        try:
            if text[:2] in bases:
                return sign * int(text[2:], bases[text[:2]])
            return sign * int(text)
        except ValueError:
            return value  # the validators then say what was expected
    # float
    text = value.replace("_", "").lower()
    if text == ".nan":
        return float("nan")
    if text.lstrip("+-") == ".inf":
        return float("-inf") if text.startswith("-") else float("inf")
    try:
        return float(text)
    except ValueError:
        return value


def load_file(path: str, what: str) -> tuple[object, LineMap]:
    """Read and parse one YAML or JSON file strictly."""
    return parse_yaml(read_input(path, what), path)


def line_of(lines: LineMap, path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get(())
