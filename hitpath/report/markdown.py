"""The take-away summary as Markdown: paste into an email or print."""

from __future__ import annotations

from hitpath.core.model import Assessment, Rules
from hitpath.core.untrusted import for_markdown, markdown_link
from hitpath.report.document import ANSWER_HEADING, Block, Line, anchor, build
from hitpath.report.words import ASCII_SYMBOL

# What comes before the text of a block that is one paragraph.
LEAD = {"title": "# ", "para": "", "meta": "", "inset": "> ", "warning": "> **Warning:** "}


def render_blocks(doc: list[Block]) -> str:
    """Markdown text of a built report; citations link to their entries under Sources.

    Every text from the rules is shown literally (what Markdown would read as syntax is
    escaped) and only https addresses become links.
    """
    md = for_markdown
    out: list[str] = []
    for block in doc:
        if block.kind in LEAD:
            out.append(f"{LEAD[block.kind]}{md(block.text)}\n")
        elif block.kind == "answer":
            out.append(f"## {md(ANSWER_HEADING)}\n\n**{md(block.text)}**\n")
        elif block.kind == "heading":
            out.append(f"{'#' * block.level} {md(block.text)}\n")
        elif block.kind == "routes":
            out.append("| Route | Verdict |\n|---|---|")
            out.append("\n".join(
                f"| {md(row.title)} | **{ASCII_SYMBOL[row.verdict]} {md(row.tag)}**"
                f"{md(row.words[len(row.tag):])}"
                + (f"<br>Not settled: {md(row.caveat)}" if row.caveat else "") + " |"
                for row in block.rows) + "\n")
        elif block.kind in ("items", "timeline"):
            out.append("\n".join(f"- {_cited(item)}" for item in block.items) + "\n")
        elif block.kind == "steps":
            out.append("\n".join(f"{n}. {_cited(item)}"
                                 for n, item in enumerate(block.items, 1)) + "\n")
        elif block.kind == "sources":
            out.append(f"## {md(block.text)}\n")
            out.append("\n".join(f'- <a id="{anchor(sid)}"></a>{md(sid)}: '
                                 f"{markdown_link(title, url)}"
                                 for sid, title, url in block.links) + "\n")
    return "\n".join(out).rstrip() + "\n"


def _cited(line: Line) -> str:
    if not line.sources:
        return for_markdown(line.text)
    links = ", ".join(f"[{for_markdown(sid)}](#{anchor(sid)})" for sid in line.sources)
    return f"{for_markdown(line.text)} \\[{links}\\]"


def render(assessment: Assessment, rules: Rules, full: bool = False) -> str:
    """Markdown for one assessment: the one-page answer, or everything with ``full``."""
    return render_blocks(build(assessment, rules, full=full))
