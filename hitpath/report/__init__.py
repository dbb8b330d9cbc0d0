"""Renderers of an Assessment: text (rich), markdown, json, html. They only show; never compute."""

import os


def plain_wanted(plain: bool) -> bool:
    """--plain or TERM=dumb: linear text, numbered choices, no colour, symbols or drawing.

    NO_COLOR is about colour alone: the layout and the arrow-key questions stay, and the
    libraries that draw them leave the colour out themselves.
    """
    return plain or os.environ.get("TERM") == "dumb"


def colour_forced() -> bool:
    """FORCE_COLOR: the drawn, coloured report even when the output is not a terminal."""
    return bool(os.environ.get("FORCE_COLOR")) and not os.environ.get("NO_COLOR")
