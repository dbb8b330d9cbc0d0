"""The terminal report, through rich: linear text, symbols and words, colour only as a bonus."""

from __future__ import annotations

from typing import IO

from hitpath.model import Assessment, Rules
from hitpath.report.document import Block, build
from hitpath.report.words import ASCII_SYMBOL, SYMBOL

STYLE = {
    "eligible": "bold green",
    "eligible_from": "bold yellow",
    "not_yet": "bold yellow",
    "not_eligible": "dim",
    "unsure": "bold magenta",
}


def render(
    assessment: Assessment, rules: Rules, file: IO[str] | None = None, plain: bool = False
) -> None:
    """Print the report; ``plain`` drops colour and non-ASCII symbols for screen readers."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=file, no_color=plain or None, highlight=False, emoji=False,
                      soft_wrap=False)
    plain = plain or not console.is_terminal or console.no_color
    symbols = ASCII_SYMBOL if plain else SYMBOL
    doc: list[Block] = build(assessment, rules)
    for block in doc:
        if block.kind == "title":
            console.print(f"[bold]{escape(block.text)}[/bold]")
        elif block.kind == "heading":
            if block.level == 2:
                console.print()
                console.print(f"[bold underline]{escape(block.text)}[/]")
            else:
                console.print(f"[bold]{escape(block.text)}[/bold]")
        elif block.kind == "para":
            console.print(escape(block.text))
        elif block.kind == "warning":
            console.print(f"[bold red]Warning:[/] {escape(block.text)}")
        elif block.kind == "verdict":
            style = STYLE[block.verdict]
            console.print(f"[{style}]{escape(symbols[block.verdict])} {escape(block.text)}[/]")
        elif block.kind == "items":
            for item in block.items:
                console.print(f"  - {escape(item)}")
        elif block.kind == "sources":
            for sid, title, url in block.links:
                console.print(f"  - {escape(sid)}: {escape(title)} {escape(url)}")
