"""Placeholder replaced by the questionnaire."""

from __future__ import annotations

from datetime import date

from hitpath.errors import HitpathError


def run_ask(*, answers_path: str | None, save_path: str | None, as_of: date,
            rules_path: str | None, plain: bool, ask_all: bool) -> int:
    raise HitpathError("the questionnaire needs a terminal", file="<stdin>",
                       hint="Use 'hitpath check --answers FILE' instead.")
