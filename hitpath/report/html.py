"""The take-away summary as one self-contained HTML page in the GOV.UK Design System's
patterns (a notification banner for the answer, a summary list with tags for the routes, inset
and warning text), in plain HTML and CSS: no scripts, no outside resources, readable on a
phone, and printable on paper (the one-page answer on at most two A4 pages).

The building blocks (``page``, ``summary_list``, ``tag``, ``inset``, ``warning``, ``bullets``,
``cited``, ``sources_list``) are public so other reports (plans) look the same.
"""

from __future__ import annotations

from html import escape

from hitpath.core.model import Assessment, Rules
from hitpath.core.untrusted import safe_link
from hitpath.report.document import ANSWER_HEADING, Block, Line, anchor, build

# Colours are GOV.UK's; each pair of text and background passes WCAG AA contrast.
CSS = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: arial, sans-serif; font-size: 1.1875rem; line-height: 1.3; color: #0b0c0c;
       margin: 0; background: #fff; }
main { max-width: 960px; margin: 0 auto; padding: 1rem 1rem 2rem; }
h1 { font-size: 2rem; line-height: 1.1; margin: 1rem 0 .5rem; }
h2 { font-size: 1.5rem; margin: 1.75rem 0 .75rem; }
h3 { font-size: 1.1875rem; margin: 1.25rem 0 .5rem; }
p, ul, ol, dl { margin: 0 0 1rem; }
ul, ol { padding-left: 1.25rem; } li { margin-bottom: .35rem; }
a { color: #1d70b8; text-decoration-thickness: max(1px, .0625rem); text-underline-offset: .1em; }
a:visited { color: #4c2c92; }
a:focus { outline: 3px solid transparent; color: #0b0c0c; background-color: #fd0;
          box-shadow: 0 -2px #fd0, 0 4px #0b0c0c; text-decoration: none; }
.meta { color: #484949; font-size: 1rem; }
.cite { font-size: .875em; } .cite a { white-space: nowrap; }
.banner { border: 5px solid #1d70b8; margin: 1.25rem 0 1.5rem; }
.banner h2 { margin: 0; padding: .15rem .75rem .35rem; font-size: 1rem; font-weight: normal;
             color: #fff; background: #1d70b8; }
.banner p { margin: 0; padding: .75rem; font-size: 1.5rem; font-weight: bold; }
.summary-list { margin: 0 0 1.5rem; }
.summary-list div { border-bottom: 1px solid #b1b4b6; padding: .6rem 0; }
.summary-list dt { font-weight: bold; margin-bottom: .3rem; }
.summary-list dd { margin: 0; }
.tag { display: inline-block; padding: .15rem .5rem .2rem; font-weight: bold;
       font-size: 1rem; line-height: 1.25; }
.tag-green { color: #005a30; background: #cce2d8; }
.tag-yellow { color: #594d00; background: #fff7bf; }
.tag-purple { color: #3d2375; background: #dbd5e9; }
.tag-grey { color: #282d30; background: #eeefef; }
.inset { padding: .75rem 1rem; margin: 1.25rem 0; border-left: 10px solid #b1b4b6; }
.warning { position: relative; padding: .5rem 0 .5rem 3.25rem; margin: 1rem 0;
           font-weight: bold; }
.warning-icon { position: absolute; left: 0; top: .35rem; width: 2.2rem; height: 2.2rem;
                border-radius: 50%; color: #fff; background: #0b0c0c; font-size: 1.6rem;
                line-height: 2.2rem; text-align: center; }
.visually-hidden { position: absolute !important; width: 1px !important;
                   height: 1px !important; margin: 0 !important; padding: 0 !important;
                   overflow: hidden !important; clip: rect(0 0 0 0) !important;
                   clip-path: inset(50%) !important; border: 0 !important;
                   white-space: nowrap !important; }
.checklist { list-style: none; padding-left: 0; }
.checklist li { position: relative; padding-left: 2em; margin-bottom: .5em; }
.checklist li::before { content: ""; position: absolute; left: 0; top: .05em; width: 1.1em;
                        height: 1.1em; border: 2px solid #0b0c0c; }
.sources { font-size: 1rem; }
.url { color: #484949; }
@media (min-width: 40.0625em) {
  .summary-list { display: table; width: 100%; table-layout: fixed; border-collapse: collapse; }
  .summary-list div { display: table-row; }
  .summary-list dt, .summary-list dd { display: table-cell; padding: .6rem 1.25rem .6rem 0;
                                       border-bottom: 1px solid #b1b4b6; vertical-align: top; }
  .summary-list dt { width: 45%; margin: 0; }
}
@media print {
  @page { size: A4; margin: 14mm 15mm; }
  body { font-size: 10.5pt; line-height: 1.3; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 17pt; margin-top: 0; } h2 { font-size: 13pt; margin: 12pt 0 5pt; }
  h3 { font-size: 11pt; margin: 8pt 0 4pt; }
  p, ul, ol, dl { margin-bottom: 6pt; } li { margin-bottom: 2pt; }
  .banner p { font-size: 13pt; } .tag { font-size: 10pt; }
  .banner, .banner h2, .tag, .warning-icon { -webkit-print-color-adjust: exact;
                                              print-color-adjust: exact; }
  a, a:visited { color: inherit; }
  .sources { font-size: 9pt; }
  h2, h3 { break-after: avoid; } li, .summary-list div, .banner, .inset { break-inside: avoid; }
}
"""

TAG_COLOUR = {
    "eligible": "green",
    "eligible_from": "yellow",
    "not_yet": "yellow",
    "unsure": "purple",
    "not_eligible": "grey",
}


CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _link(title: str, url: str) -> str:
    """A link to an https address; any other address is shown as text only."""
    link = safe_link(url)
    if link is None:
        return escape(title)
    return f'<a href="{escape(link)}">{escape(title)}</a>'


def page(title: str, body: list[str], extra_css: str = "") -> str:
    """A whole HTML page around already-escaped body parts, with the shared style (and a
    report's own rules after it, such as a plan's timeline)."""
    head = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
            # Defence in depth: even if something slipped past escaping, nothing may load
            # or run: no scripts, images, frames or outside styles, only the page's own CSS.
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>", f"<style>{CSS}{extra_css}</style>", "</head>",
            "<body>", "<main>"]
    return "\n".join([*head, *body, "</main>", "</body>", "</html>", ""])


def tag(words: str, colour: str) -> str:
    """A GOV.UK-style tag: the words carry the meaning, the colour only adds to it."""
    return f'<strong class="tag tag-{escape(colour)}">{escape(words)}</strong>'


def summary_list(rows: list[tuple[str, str]]) -> str:
    """A summary list of (key text, value HTML) rows."""
    return ('<dl class="summary-list">' + "".join(
        f"<div><dt>{escape(key)}</dt><dd>{value}</dd></div>" for key, value in rows) + "</dl>")


def inset(inner: str) -> str:
    """Inset text: something set apart from what is around it (HTML inside)."""
    return f'<div class="inset">{inner}</div>'


def warning(text: str) -> str:
    """Warning text: bold, with a "!" icon that screen readers hear as 'Warning'."""
    return ('<div class="warning"><span class="warning-icon" aria-hidden="true">!</span>'
            f'<strong><span class="visually-hidden">Warning: </span>{escape(text)}</strong>'
            "</div>")


def cited(line: Line) -> str:
    """A line's text, then its citations as links to their entries in the sources list."""
    if not line.sources:
        return escape(line.text)
    links = ", ".join(f'<a href="#{anchor(sid)}">{escape(sid)}</a>' for sid in line.sources)
    return f'{escape(line.text)} <span class="cite">[{links}]</span>'


def bullets(items: list[Line], checklist: bool = False) -> str:
    """A bulleted list of cited lines; a ``checklist`` has an empty box to tick on paper
    instead of each bullet (drawn, so nothing is read aloud but the steps)."""
    opening = '<ul class="checklist">' if checklist else "<ul>"
    return opening + "".join(f"<li>{cited(i)}</li>" for i in items) + "</ul>"


def breakable_url(url: str) -> str:
    """A URL that may wrap after '/', '.', '-', '?', '&' or '=' but never inside a word."""
    return "".join(escape(char) + ("<wbr>" if char in "/.-?&=_" else "") for char in url)


def sources_list(links: list[tuple[str, str, str]]) -> str:
    """Every cited source, each the target of its citations, with its address for paper."""
    return '<ul class="sources">' + "".join(
        f'<li id="{anchor(sid)}">{escape(sid)}: {_link(title, url)} '
        f'<span class="url">{breakable_url(url)}</span></li>'
        for sid, title, url in links) + "</ul>"


def render_blocks(doc: list[Block], title: str) -> str:
    """HTML text of a built report."""
    body: list[str] = []
    for block in doc:
        if block.kind == "title":
            body.append(f"<h1>{escape(block.text)}</h1>")
        elif block.kind == "meta":
            body.append(f'<p class="meta">{escape(block.text)}</p>')
        elif block.kind == "answer":
            body.append('<div class="banner" role="region" aria-labelledby="answer-title">'
                        f'<h2 id="answer-title">{escape(ANSWER_HEADING)}</h2>'
                        f"<p>{escape(block.text)}</p></div>")
        elif block.kind == "heading":
            level = min(block.level, 6)
            body.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif block.kind == "para":
            body.append(f"<p>{escape(block.text)}</p>")
        elif block.kind == "inset":
            body.append(inset(f"<p>{escape(block.text)}</p>"))
        elif block.kind == "warning":
            body.append(warning(block.text))
        elif block.kind == "routes":
            body.append(summary_list([
                (row.title, tag(row.tag, TAG_COLOUR[row.verdict])
                 + (f" {escape(row.detail)}" if row.detail else "")
                 + (f"<br>Not settled: {escape(row.caveat)}" if row.caveat else ""))
                for row in block.rows]))
        elif block.kind in ("items", "timeline"):
            body.append(bullets(block.items))
        elif block.kind == "steps":
            body.append(bullets(block.items, checklist=True))
        elif block.kind == "sources":
            body.append(f"<h2>{escape(block.text)}</h2>")
            body.append(sources_list(block.links))
    return page(title, body)


def render(assessment: Assessment, rules: Rules, full: bool = False) -> str:
    """HTML for one assessment: the one-page answer, or everything with ``full``."""
    doc = build(assessment, rules, full=full)
    return render_blocks(doc, doc[0].text if doc else "hitpath")
