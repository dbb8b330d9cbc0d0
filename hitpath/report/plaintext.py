"""ASCII stand-ins for the few characters hitpath prints beyond ASCII, for output encodings
that cannot show them (an ASCII or Latin-1 locale): 'GBP 39,959', '[+]', '->'."""

from __future__ import annotations

import codecs

ERRORS = "hitpath-ascii"

STAND_INS = {
    "£": "GBP ", "€": "EUR ", "✓": "[+]", "◷": "[~]", "…": "...", "–": "-", "—": "-",
    "‑": "-", "←": "<-", "→": "->", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "*",
    "·": "*", "≥": ">=", "≤": "<=", "×": "x", "µ": "u", "\u00a0": " ", "✗": "[x]",
    "☐": "[ ]", "☑": "[x]", "│": "|", "─": "-", "━": "-", "┃": "|", "╭": "+", "╮": "+",
    "╰": "+", "╯": "+", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+",
    "┬": "+", "┴": "+", "┼": "+",
}


def _stand_in(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(STAND_INS.get(char, "?") for char in text), error.end


def register() -> None:
    """Make ``errors="hitpath-ascii"`` available to streams (idempotent)."""
    try:
        codecs.lookup_error(ERRORS)
    except LookupError:
        codecs.register_error(ERRORS, _stand_in)
