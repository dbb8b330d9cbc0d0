"""The cohort as a table people read and print: HTML or Markdown, one row per person.

Fed the same result rows as the CSV (streamed, so memory stays flat), it shows what an adviser
acts on: the reason in words, the best route and the date it is open from, the NHS funding
date, and any problem with the row. Every cell is text from the input or the rules, escaped
for the format, never markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import IO, TYPE_CHECKING

from hitpath.core.dates import long_date, month_year
from hitpath.core.model import Rules
from hitpath.load.output import GENERATOR_MARK, MARKDOWN_MARK
from hitpath.report.html import CSP

if TYPE_CHECKING:
    from hitpath.cohort.batch import _Tally

REF = "ref"
HEADINGS = ("Row", "Ref", "In short", "Best route", "Open from", "First intake",
            "NHS funding from", "Problem with the row")

STYLE = """body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
  margin: 1.5rem; color: #0b0c0c; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
p.meta { margin: 0 0 1rem; color: #484949; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: bold; margin-bottom: .4rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: .4rem .5rem; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
th { border-bottom: 2px solid #0b0c0c; }
td.num, td.day { white-space: nowrap; }
th:nth-child(3), td:nth-child(3) { width: 34%; }
th:nth-child(8), td:nth-child(8) { width: 24%; }
td:nth-child(8) { font-size: .9em; }
tr.problem td { background: #fdf3e7; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 10pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"""


def _iso_words(text: str) -> str:
    return long_date(date.fromisoformat(text)) if text else ""


def _month_words(text: str) -> str:
    """'2026-09' as 'September 2026'."""
    return month_year(date.fromisoformat(text + "-01")) if text else ""


_MD_ESCAPES = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|#!~"})


def _md(text: str) -> str:
    """A Markdown table cell that shows ``text`` as text: no markup, no cell breaks."""
    return " ".join(text.split()).translate(_MD_ESCAPES)


def write_table(
    out: IO[str], fmt: str, rows: Iterable[list[str]], names: list[str], rules: Rules,
    as_of: date, tally: _Tally,
) -> None:
    """Write the cohort table as ``fmt`` (html or markdown) from result rows' cells (the refs
    as given: the formula guard is for spreadsheets, and these are escaped for the format)."""
    at = {name: index for index, name in enumerate(names)}
    titles = {r.id: r.short_title[:1].upper() + r.short_title[1:] for r in rules.routes}
    title = "Cohort check: routes to High Intensity Therapist training"
    meta = (f"Judged on {long_date(as_of)}, by the rules of {rules.meta.rules_version}. "
            "'Open from' is the day the best route opens (the judging day when it is open "
            "now); 'First intake' is the first intake that route lets the person make "
            "(the earliest, if accepted at the first try).")

    def cells(row: list[str]) -> tuple[str, ...]:
        error = row[at["error"]]
        best = row[at["best_route"]]
        first = row[at[f"{best}_first_intake"]] if best else ""
        return (row[at["row"]], row[at[REF]], row[at["reason"]], titles.get(best, best),
                _iso_words(row[at["best_route_from"]]), _month_words(first),
                _iso_words(row[at["nhs_funding_from"]]), error)

    if fmt == "markdown":
        out.write(f"# {title}\n\n{meta}\n\n")
        out.write("| " + " | ".join(HEADINGS) + " |\n")
        out.write("|" + "---|" * len(HEADINGS) + "\n")
        for row in rows:
            out.write("| " + " | ".join(_md(c) for c in cells(row)) + " |\n")
        out.write(f"\n{_md(tally.summary().splitlines()[0])}\n\n{MARKDOWN_MARK}\n")
        return
    escape = html.escape
    out.write("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
              f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
              f"{GENERATOR_MARK}\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              f"<title>{escape(title)}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
              f"<main>\n<h1>{escape(title)}</h1>\n<p class=\"meta\">{escape(meta)}</p>\n"
              "<table>\n<caption>One row per person, in the order given</caption>\n<thead>\n"
              "<tr>" + "".join(f"<th scope=\"col\">{h}</th>" for h in HEADINGS)
              + "</tr>\n</thead>\n<tbody>\n")
    for row in rows:
        shown = cells(row)
        problem = ' class="problem"' if shown[-1] else ""
        out.write(f"<tr{problem}><td class=\"num\">{escape(shown[0])}</td>"
                  + "".join(f"<td>{escape(c)}</td>" for c in shown[1:4])
                  + "".join(f"<td class=\"day\">{escape(c)}</td>" for c in shown[4:7])
                  + f"<td>{escape(shown[7])}</td></tr>\n")
    out.write(f"</tbody>\n</table>\n<p>{escape(tally.summary().splitlines()[0])}</p>\n"
              "</main>\n</body>\n</html>\n")

