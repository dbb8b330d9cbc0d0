"""The terminal report, through rich: summary first, a table of routes, then the reasons.

Meaning is carried by words and symbols; colour only adds to them. In plain mode (--plain,
TERM=dumb, or output that is not a terminal unless FORCE_COLOR is set) it is linear text
with no drawn table, picture or colour, for screen readers and for pasting.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from dataclasses import replace
from typing import IO, TYPE_CHECKING

from hitpath.core.dates import long_date
from hitpath.core.model import Assessment, Rules
from hitpath.core.untrusted import for_terminal
from hitpath.report.document import (
    ANSWER_HEADING,
    FULL_HINT,
    FULL_HINT_ASKED,
    Block,
    Line,
    build,
    cite_text,
)
from hitpath.report.words import ASCII_SYMBOL, SYMBOL, timeline_when

if TYPE_CHECKING:  # rich is imported only when a colour report is drawn
    from rich.console import Console

STYLE = {
    "eligible": "bold green",
    "eligible_from": "bold yellow",
    "not_yet": "bold yellow",
    "not_eligible": "dim",
    "unsure": "bold magenta",
}


def render(
    assessment: Assessment, rules: Rules, file: IO[str] | None = None, plain: bool = False,
    width: int | None = None, full: bool = False, asked: bool = False,
) -> None:
    """Print the one-page answer (everything with ``full``); ``plain`` gives linear
    ASCII-symbol text with no colour; ``asked``: the questionnaire's results, whose way to
    everything is its menu, not a command.

    Output that is not a terminal is always plain; it is wrapped only when ``width`` is given,
    so a screen reader or a paste gets one line per item.
    """
    out = file or sys.stdout
    tty = hasattr(out, "isatty") and out.isatty()
    # FORCE_COLOR: the drawn, coloured report even when standard output is not a terminal.
    forced = file is None and bool(os.environ.get("FORCE_COLOR")) and not os.environ.get("NO_COLOR")
    plain = plain or not (tty or forced)
    doc = build(assessment, rules, full=full)
    if asked:
        doc = [replace(b, terminal=FULL_HINT_ASKED) if b.terminal == FULL_HINT else b
               for b in doc]
    if plain:
        if width is None and tty:
            width = shutil.get_terminal_size((100, 24)).columns - 1
        out.write(for_terminal(plain_text(doc, width)))
        return
    from rich.console import Console

    console = Console(file=file, highlight=False, emoji=False, width=width)
    _Printer(console).blocks(doc, assessment)


def plain_text(doc: list[Block], width: int | None = None) -> str:
    """The report as linear text: headings, lines and '-' items, no colour or drawing."""
    lines: list[str] = []

    def put(text: str, indent: str = "", hang: str = "") -> None:
        if width:
            # Never break a word, a URL or a source id such as AD-NELFT across lines.
            lines.extend(textwrap.wrap(text, width, initial_indent=indent,
                                       subsequent_indent=hang or indent,
                                       break_on_hyphens=False, break_long_words=False)
                         or [indent])
        else:
            lines.append(indent + text)

    for block in doc:
        if block.kind in ("title", "meta", "para"):
            put(block.text)
        elif block.kind == "answer":
            lines.append("")
            put(ANSWER_HEADING)
            put(block.text, "  ")
        elif block.kind == "heading":
            if block.level == 2:
                lines.append("")
            put(block.text)
        elif block.kind == "inset":
            lines.append("")
            put(block.terminal or block.text)
        elif block.kind == "warning":
            put("Warning: " + block.text)
        elif block.kind == "routes":
            for row in block.rows:
                put(f"{ASCII_SYMBOL[row.verdict]} {row.title}: {row.words}.", "", "    ")
                if row.caveat:
                    put(f"Not settled: {row.caveat}", "    ")
        elif block.kind in ("items", "timeline"):
            for item in block.items:
                put(cite_text(item), "  - ", "    ")
        elif block.kind == "steps":
            for number, item in enumerate(block.items, 1):
                put(cite_text(item), f"  {number}. ", "     ")
        elif block.kind == "sources" and not block.brief:
            lines.append("")
            put(block.text)
            for sid, title, url in block.links:
                put(f"{sid}: {title} {url}", "  - ", "    ")
    return "\n".join(lines) + "\n"


class _Printer:
    """Rich output for a colour terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def out(self, text: str, style: str | None = None) -> None:
        from rich.text import Text

        self.console.print(Text(for_terminal(text), style=style or ""))

    def blocks(self, doc: list[Block], assessment: Assessment) -> None:
        for block in doc:
            kind = block.kind
            if kind in ("title", "meta", "para"):
                self.out(block.text, {"title": "bold", "meta": "dim"}.get(kind))
            elif kind == "answer":
                self.answer(block.text)
            elif kind == "heading":
                if block.level == 2:
                    self.console.print()
                    self.out(block.text, "bold underline")
                else:
                    self.out(block.text, "bold")
            elif kind == "inset":
                self.console.print()
                self.out(block.terminal or block.text, "italic")
            elif kind == "warning":
                self.out("Warning: " + block.text, "bold red")
            elif kind == "routes":
                self.routes(block)
            elif kind in ("items", "timeline", "steps"):
                if kind == "timeline":
                    self.picture(assessment)
                self.items(block.items, numbered=kind == "steps")
            elif kind == "sources" and not block.brief:
                self.console.print()
                self.out(block.text, "bold underline")
                self.items([Line(f"{sid}: {title}") for sid, title, _ in block.links],
                           urls=[url for _, _, url in block.links])

    def answer(self, text: str) -> None:
        """The summary line, set apart in a box: the most important thing on the screen."""
        from rich.panel import Panel
        from rich.text import Text

        self.console.print()
        self.console.print(Panel(Text(for_terminal(text), style="bold"), title=ANSWER_HEADING,
                                 title_align="left", border_style="bold", expand=False))

    def items(self, items: list[Line], numbered: bool = False,
              urls: list[str] | None = None) -> None:
        """Bulleted or numbered lines; each of ``urls`` goes whole on a line of its own under
        its item (a URL broken across lines could not be clicked or copied)."""
        from rich.table import Table
        from rich.text import Text

        if urls is not None:
            for item, url in zip(items, urls, strict=True):
                self.items([item], numbered)
                if url:
                    self.console.print(Text("    " + for_terminal(url)), overflow="ignore",
                                       no_wrap=True, crop=False)
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=3, justify="right")
        grid.add_column(ratio=1, overflow="fold")
        for number, item in enumerate(items, 1):
            grid.add_row(f"{number}." if numbered else "•",
                         for_terminal(cite_text(item), markup=True))
        self.console.print(grid)

    def routes(self, block: Block) -> None:
        """A table of routes and verdicts; stacked lines when a column would split words."""
        from rich.table import Table
        from rich.text import Text

        verdicts = [f"{SYMBOL[row.verdict]} {for_terminal(row.words)}"
                    for row in block.rows]
        longest = max((len(w) for row in block.rows for w in row.title.split()), default=0)
        widest_verdict = max((len(w) for v in verdicts for w in v.split()), default=0)
        # Two columns of about 2:3 plus a gap; below this a column would cut words in two.
        if self.console.width < max(longest * 5 // 2, widest_verdict * 5 // 3) + 2 \
                or self.console.width < 60:
            for row, verdict in zip(block.rows, verdicts, strict=True):
                self.out(row.title, "bold")
                self.out("  " + verdict, STYLE[row.verdict])
                if row.caveat:
                    self.out(f"  Not settled: {row.caveat}")
            return
        table = Table(box=None, show_header=False, show_edge=False, pad_edge=False,
                      padding=(0, 2))
        table.add_column("Route")
        table.add_column("Verdict")
        for row, verdict in zip(block.rows, verdicts, strict=True):
            cell = Text(verdict, style=STYLE[row.verdict])
            if row.caveat:
                cell.append(f"\nNot settled: {for_terminal(row.caveat)}", style="")
            table.add_row(for_terminal(row.title, markup=True), cell)
        self.console.print(table)

    def picture(self, assessment: Assessment) -> None:
        """Today to qualified, drawn to scale: waiting, then the training year."""
        from rich.text import Text

        events = {e.kind: e for e in assessment.timeline if e.date}
        begins = events.get("intake") or events.get("start")
        today, start, qualify = (events["today"].date if "today" in events else None,
                                 begins.date if begins else None,
                                 events["qualify"].date if "qualify" in events else None)
        if not (today and begins and start and qualify):
            return
        width = max(30, min(self.console.width, 100) - 14)
        wait_days = max((start - today).days, 0)
        train_days = max((qualify - start).days, 1)
        total = wait_days + train_days
        wait = round(width * wait_days / total) if wait_days else 0
        train = width - wait
        bar = Text("  ")
        bar.append("●", style="bold")
        bar.append("─" * max(wait - 1, 0), style="yellow")
        bar.append("█" * train, style="green")
        bar.append("◆ qualified", style="bold")
        self.console.print(bar)
        labels = _labels([(0, f"Today {long_date(today)}"),
                          (wait, f"Start {timeline_when(begins)}"),
                          (wait + train, timeline_when(events["qualify"]))], width + 12)
        self.console.print(Text("  " + labels, style="dim"))
        terms = assessment.terms
        self.out(f"  {'waiting' if wait_days else ''}{' ' * max(wait - 7, 1) if wait_days else ''}"
                 f"training at band {terms.trainee_band}")


def _labels(marks: list[tuple[int, str]], width: int) -> str:
    """Place each label at its column, pushing right when they would overlap."""
    line = ""
    for column, text in marks:
        column = max(column, len(line) + 1 if line else 0)
        column = min(column, max(width - len(text), len(line) + 1 if line else 0))
        line = line.ljust(column) + text
    return line
