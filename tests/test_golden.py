"""Golden reports: text, Markdown and HTML for a handful of personas (examples/*.yaml), as
the one-page answer (NAME.txt) and in full (NAME.full.txt).

A change to any report shows up as a reviewable diff. To accept intended changes:
    make rules
(which runs this file with UPDATE_GOLDEN=1) and review `git diff tests/golden`.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest

from hitpath.core.engine import assess
from hitpath.core.model import Rules
from hitpath.load.answers import load_answers
from hitpath.report import html, markdown, text

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = sorted((ROOT / "examples").glob("*.yaml"))
GOLDEN = ROOT / "tests" / "golden" / "reports"
AS_OF = date(2025, 1, 10)


def _render(rules: Rules, persona: Path, fmt: str, full: bool) -> str:
    assessment = assess(rules, load_answers(rules, str(persona)), AS_OF)
    if fmt == "md":
        return markdown.render(assessment, rules, full=full)
    if fmt == "html":
        return html.render(assessment, rules, full=full)
    buffer = io.StringIO()
    text.render(assessment, rules, file=buffer, plain=True, width=100, full=full)
    return buffer.getvalue()


@pytest.mark.parametrize("full", [False, True], ids=["one-page", "full"])
@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
@pytest.mark.parametrize("persona", PERSONAS, ids=[p.stem for p in PERSONAS])
def test_report_matches_golden(rules: Rules, persona: Path, fmt: str, full: bool) -> None:
    rendered = _render(rules, persona, fmt, full)
    target = GOLDEN / f"{persona.stem}{'.full' if full else ''}.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rendered, encoding="utf-8")
    assert target.exists(), f"no golden file {target.name}: run 'make rules'"
    assert rendered == target.read_text(encoding="utf-8"), (
        f"{target.name} changed: review, then run 'make rules' to accept")


def test_there_are_personas() -> None:
    assert len(PERSONAS) >= 5
