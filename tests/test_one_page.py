"""The one-page answer in the terminal: it fits one screen at 100 columns, leads with the
answer, and never cuts a word in two, down to 40 columns."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from hitpath.core.engine import assess
from hitpath.core.model import Assessment, Rules
from hitpath.load.answers import load_answers
from hitpath.report import text
from hitpath.report.document import build

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))
# One screen of a 100-column terminal: about 40 lines, with the prompt still in view.
ONE_SCREEN = 42


def _assess(rules: Rules, persona: str) -> Assessment:
    answers = load_answers(rules, str(ROOT / "examples" / f"{persona}.yaml"))
    return assess(rules, answers, date(2025, 1, 10))


def _plain(rules: Rules, persona: str, width: int | None, full: bool = False) -> str:
    buffer = io.StringIO()
    text.render(_assess(rules, persona), rules, file=buffer, plain=True, width=width, full=full)
    return buffer.getvalue()


def _rich(rules: Rules, persona: str, width: int) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, color_system=None,
                      highlight=False, emoji=False)
    assessment = _assess(rules, persona)
    text._Printer(console).blocks(build(assessment, rules), assessment)
    return buffer.getvalue()


@pytest.mark.parametrize("persona", PERSONAS)
def test_one_page_fits_one_screen_at_100_columns(rules: Rules, persona: str) -> None:
    for shown in (_plain(rules, persona, 100), _rich(rules, persona, 100)):
        lines = shown.splitlines()
        assert len(lines) <= ONE_SCREEN, f"{persona}: {len(lines)} lines"
        assert max(len(line.rstrip()) for line in lines) <= 100


@pytest.mark.parametrize("persona", PERSONAS)
def test_one_page_leads_with_the_answer_and_full_has_the_rest(rules: Rules,
                                                             persona: str) -> None:
    short = _plain(rules, persona, None)
    full = _plain(rules, persona, None, full=True)
    first = short.splitlines()[:6]
    assert "Your answer" in first
    if not _assess(rules, persona).in_scope:
        return  # the short report outside England: see the test below
    for heading in ("Why", "Trainee terms and pay", "Your answers", "Sources"):
        assert heading in full.splitlines()
        assert heading not in short.splitlines()
    assert "the same command with --full" in short and "with --full" not in full
    assert "[ ]" not in short + full, "steps are numbered, not drawn as empty brackets"


@pytest.mark.parametrize("nation", ["scotland", "wales", "northern_ireland"])
def test_outside_england_the_report_is_short_and_names_the_body_to_contact(
        rules: Rules, nation: str) -> None:
    from hitpath.core.model import Answers
    from hitpath.report import html, markdown

    assessment = assess(rules, Answers({"nation": nation}), date(2026, 11, 30))
    body = {"scotland": "NHS Education for Scotland", "wales": "Health Education and "
            "Improvement Wales", "northern_ireland": "Department of Health NI"}[nation]
    link = {"scotland": "https://nes.scot.nhs.uk/", "wales": "https://heiw.nhs.wales/",
            "northern_ireland": "https://hscboard.hscni.net/"}[nation]
    others = [b for n, b in (("scotland", "NES"), ("wales", "HEIW"),
                             ("northern_ireland", "HSC")) if n != nation]
    for full in (False, True):
        buffer = io.StringIO()
        text.render(assessment, rules, file=buffer, plain=True, width=100, full=full)
        for shown in (buffer.getvalue(), markdown.render(assessment, rules, full=full),
                      html.render(assessment, rules, full=full)):
            assert "Who to contact" in shown and body in shown and link in shown
            # Nothing of England's routes, pay or the questions only England asks.
            for word in ("Agenda for Change", "£", "band 6", "not answered", "Not for you",
                         "Routes", "--full", *others):
                assert word not in shown, (nation, full, word)


def _words(shown: str) -> set[str]:
    return {w.strip("│╭╮╰╯─•–…◷✓?.,:;()[]") for w in shown.split()} - {""}


@pytest.mark.parametrize("width", [40, 60, 100])
@pytest.mark.parametrize("persona", PERSONAS)
def test_terminal_never_cuts_a_word_in_two(rules: Rules, persona: str, width: int) -> None:
    # Every piece of text on screen is a whole word of the report: a word folded at the
    # column edge ("answer|s") would leave pieces that are not.
    whole = _words(_plain(rules, persona, None))
    shown = _rich(rules, persona, width)
    # A source's URL stands whole on a line of its own, however narrow the terminal: cut, it
    # could not be clicked (the short report outside England shows its links on one page).
    assert max(len(line.rstrip()) for line in shown.splitlines()
               if not line.strip().startswith("https://")) <= width
    pieces = _words(shown) - whole
    assert not pieces, f"{persona} at {width} columns: cut words {sorted(pieces)[:10]}"
    plain_pieces = _words(_plain(rules, persona, width)) - whole
    assert not plain_pieces, f"{persona} plain at {width}: {sorted(plain_pieces)[:10]}"
