"""The take-away summary as Markdown: paste into an email or print."""

from __future__ import annotations

from hitpath.model import Assessment, Rules
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
        elif block.kind == "verdict":
            out.append(f"- **{ASCII_SYMBOL[block.verdict]}** {block.text}")
        elif block.kind == "items":
            out.append("\n".join(f"- {item}" for item in block.items) + "\n")
        elif block.kind == "sources":
            out.append("\n".join(f"- {sid}: [{title}]({url})"
                                 for sid, title, url in block.links) + "\n")
    text = "\n".join(out)
    # A verdict list runs on until the next block; give it its closing blank line.
    return text.replace(")\n#", ")\n\n#").rstrip() + "\n"


def render(assessment: Assessment, rules: Rules) -> str:
    """Markdown for one assessment."""
    return render_blocks(build(assessment, rules))
