"""Renderers of an Assessment: text (rich), markdown, json, html. They only show; never compute."""

import os


def plain_wanted(plain: bool) -> bool:
    """--plain or TERM=dumb: linear text, numbered choices, no colour, symbols or drawing.

    NO_COLOR is about colour alone: the layout and the arrow-key questions stay, and the
    libraries that draw them leave the colour out themselves.
    """
    return plain or os.environ.get("TERM") == "dumb"
