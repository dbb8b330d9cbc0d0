"""The take-away summary as Markdown: paste into an email or print."""

from __future__ import annotations

from hitpath.core.model import Assessment, Rules
from hitpath.report.document import Block, build
from hitpath.report.words import ASCII_SYMBOL


def render_blocks(doc: list[Block]) -> str:
    """Markdown text of a built report."""
    out: list[str] = []
    for block in doc:
        if block.kind == "title":
            out.append(f"# {block.text}\n")
        elif block.kind == "heading":
            out.append(f"{'#' * block.level} {block.text}\n")
        elif block.kind == "para":
            out.append(f"{block.text}\n")
        elif block.kind == "warning":
            out.append(f"> **Warning:** {block.text}\n")
        elif block.kind == "routes":
            out.append("| Route | Verdict | Main reason |\n|---|---|---|")
            out.append("\n".join(
                f"| {row.title} | **{ASCII_SYMBOL[row.verdict]}** {row.words} | {row.reason} |"
                for row in block.rows) + "\n")
        elif block.kind in ("items", "timeline"):
            out.append("\n".join(f"- {item}" for item in block.items) + "\n")
        elif block.kind == "sources":
            out.append("\n".join(f"- {sid}: [{title}]({url})"
                                 for sid, title, url in block.links) + "\n")
    return "\n".join(out).rstrip() + "\n"


def render(assessment: Assessment, rules: Rules) -> str:
    """Markdown for one assessment."""
    return render_blocks(build(assessment, rules))
