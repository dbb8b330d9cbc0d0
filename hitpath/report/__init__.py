"""Renderers of an Assessment: text (rich), markdown, json, html. They only show; never compute."""

import os


def plain_wanted(plain: bool) -> bool:
    """--plain, NO_COLOR or TERM=dumb: linear text, no colour, symbols or drawing."""
    return plain or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
