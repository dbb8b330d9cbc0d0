"""Text that came from a file (answers, rules, cohorts, file names), made safe to show.

Every such string is shown as text, never as terminal control or markup. Terminal output goes
through ``for_terminal``; a bad value quoted in a message goes through ``echo`` (a short,
visible prefix); Markdown goes through ``for_markdown`` and ``markdown_link``. HTML is escaped
by the HTML report itself.
"""

from __future__ import annotations

import re

_INVISIBLE = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0),
              0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
              0x2028, 0x2029, 0xFEFF]
"""C0 and C1 controls, DEL, and the marks that reorder or break lines unseen (bidi)."""


_INLINE = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _INVISIBLE}
_INLINE.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})
_BLOCK = {code: text for code, text in _INLINE.items() if code not in (0x09, 0x0A)}

_BRACKET = re.compile(r"(\\*)\[")

ECHO_CHARS = 60
"""How much of a bad value a message quotes: enough to recognise it, never megabytes."""


def for_terminal(text: str, *, markup: bool = False) -> str:
    """``text`` as it may reach a terminal: control characters shown as escapes (``\\x1b``),
    line breaks and tabs kept; with ``markup``, rich markup escaped so it prints as typed."""
    shown = text.translate(_BLOCK)
    if markup:
        # rich reads "[" as the start of a tag unless a backslash escapes it; backslashes
        # already before it are doubled so they stay text too.
        shown = _BRACKET.sub(lambda m: m.group(1) * 2 + "\\[", shown)
        if shown.endswith("\\"):
            shown += " "  # a trailing backslash would escape what rich adds after it
    return shown


_JSON = {code: f"\\u{code:04x}" for code in _INVISIBLE if code >= 0x7F}


def for_json(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with the controls JSON leaves raw
    (DEL, C1, bidi marks) written as \\u escapes: the same data, safe on a terminal."""
    return text.translate(_JSON)


def visible(text: str) -> str:
    """``text`` on one line: every control character, line breaks included, as an escape."""
    return text.translate(_INLINE)


def echo(value: object) -> str:
    """A value from a file as a message quotes it: in quotes, visible, and at most
    ECHO_CHARS characters of it (with its length when cut)."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > ECHO_CHARS:
        return f"'{visible(text[:ECHO_CHARS])}...' ({len(text):,} characters)"
    return f"'{visible(text)}'"


_MARKDOWN_INLINE = re.compile(
    r"[\\`*\[\]<|~]"                              # code, emphasis, links, HTML, tables
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"          # _emphasis_, but not snake_case
    r"|&(?=#?[A-Za-z0-9]+;)")                       # entities such as &lt;
_MARKDOWN_LINE_START = re.compile(r"^(\s*)(?:([#>+=-])|(\d+)([.)]))")


def for_markdown(text: str) -> str:
    """``text`` as Markdown that shows it literally: what Markdown would read as emphasis,
    code, links, images, HTML, entities, table cells, headings, quotes or lists is
    backslash-escaped, and nothing else (so the Markdown still reads plainly); line breaks
    become spaces and controls are shown as escapes."""
    flat = visible(text.replace("\n", " ").replace("\t", " "))
    flat = _MARKDOWN_INLINE.sub(lambda m: "\\" + m.group(0), flat)
    return _MARKDOWN_LINE_START.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2)
                                else m.group(3) + "\\" + m.group(4)), flat)


def safe_link(url: str) -> str | None:
    """``url`` if a report may link to it (an https address with no spaces, quotes, brackets
    or controls), else None: such a URL is shown as text, never made a link."""
    if (url.startswith("https://") and len(url) > len("https://")
            and not re.search(r"[\s<>\"'()\[\]\\`]", url) and visible(url) == url):
        return url
    return None


def markdown_link(title: str, url: str) -> str:
    """A Markdown link to ``url`` (only https), or the title and the URL as plain text."""
    link = safe_link(url)
    if link is None:
        return f"{for_markdown(title)} ({for_markdown(url)})"
    return f"[{for_markdown(title)}]({link})"
