"""The take-away summary as one self-contained HTML page: no scripts, no outside resources,
semantic headings and lists, readable on screen and on paper."""

from __future__ import annotations

from html import escape

from hitpath.core.model import Assessment, Rules
from hitpath.report.document import Block, build
from hitpath.report.words import SYMBOL

CSS = """
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 46rem;
       margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 1px solid #999; } h3 { font-size: 1.05rem; }
.verdict { font-weight: bold; } .warning { border-left: 4px solid #a00; padding-left: .8rem; }
.v-eligible { color: #075e07; } .v-eligible_from, .v-not_yet { color: #7a4b00; }
.v-unsure { color: #5b2a86; } .v-not_eligible { color: #444; }
a { color: #0645ad; } li, td { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left;
        vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #ccc; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; }
               h2 { break-after: avoid; } li { break-inside: avoid; } }
"""


def render_blocks(doc: list[Block], title: str) -> str:
    """HTML text of a built report."""
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           "<main>"]
    for block in doc:
        if block.kind == "title":
            out.append(f"<h1>{escape(block.text)}</h1>")
        elif block.kind == "heading":
            level = min(block.level, 6)
            out.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif block.kind == "para":
            out.append(f"<p>{escape(block.text)}</p>")
        elif block.kind == "warning":
            out.append(f'<p class="warning"><strong>Warning:</strong> {escape(block.text)}</p>')
        elif block.kind == "routes":
            out.append('<table class="routes"><thead><tr><th scope="col">Route</th>'
                       '<th scope="col">Verdict</th><th scope="col">Main reason</th></tr>'
                       "</thead><tbody>")
            for row in block.rows:
                label = escape(SYMBOL[row.verdict])
                out.append(f'<tr><th scope="row">{escape(row.title)}</th>'
                           f'<td class="verdict v-{escape(row.verdict)}">'
                           f'<span aria-hidden="true">{label}</span> '
                           f"{escape(row.words)}</td><td>{escape(row.reason)}</td></tr>")
            out.append("</tbody></table>")
        elif block.kind in ("items", "timeline"):
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>")
        elif block.kind == "sources":
            out.append("<ul>" + "".join(
                f'<li>{escape(sid)}: <a href="{escape(url)}">{escape(title_)}</a>'
                f" <span>({escape(url)})</span></li>"
                for sid, title_, url in block.links) + "</ul>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def render(assessment: Assessment, rules: Rules) -> str:
    """HTML for one assessment."""
    doc = build(assessment, rules)
    return render_blocks(doc, doc[0].text if doc else "hitpath")
