"""The HTML take-away in a real browser: headless Chromium prints every persona's one-page
answer on at most two A4 pages (and the full report on a sensible number), nothing overflows
or breaks mid-word at 320 pixels, and axe-core finds no WCAG 2.2 A/AA violation at 1200, 390
and 320 pixels.

The browser tests are skipped (with the reason shown) where Chromium and poppler are not
installed, and the axe-core test where axe-core is not: .ci/run installs all three
(`npm install axe-core` in the project folder, or set AXE_CORE_JS to its axe.min.js).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hitpath.core.engine import assess
from hitpath.core.model import Rules
from hitpath.load.answers import load_answers
from hitpath.report.html import render

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
AXE = Path(os.environ.get("AXE_CORE_JS")
           or ROOT / "node_modules" / "axe-core" / "axe.min.js")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT and PDFINFO),
    reason="needs chromium, pdftotext and pdfinfo (Debian: chromium, poppler-utils)")
needs_axe = pytest.mark.skipif(not AXE.is_file(),
                               reason="needs axe-core (npm install axe-core, or AXE_CORE_JS)")
# The full report holds everything, sources included; more than this is no longer a handout.
FULL_REPORT_MAX_PAGES = 8


def _html(rules: Rules, persona: str, full: bool = False) -> str:
    answers = load_answers(rules, str(ROOT / "examples" / f"{persona}.yaml"))
    return render(assess(rules, answers, date(2025, 1, 10)), rules, full=full)


def _plan_html() -> str:
    """A plan report (psychology graduate to clinical psychology), built with the same page."""
    from tests.conftest import hitpath_exe

    graduate = ROOT / "examples" / "plans" / "psychology-graduate.yaml"
    return subprocess.run(
        [hitpath_exe(), "plan", "--goal", "dclinpsy", "--answers", str(graduate), "--as-of",
         "2026-11-30", "--format", "html"],
        check=True, capture_output=True, text=True, timeout=120).stdout


class _Anchors(HTMLParser):
    """The fragment links, element ids, list items and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.checklist_items = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and (found.get("href") or "").startswith("#"):
            self.hrefs.append((found["href"] or "")[1:])
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag == "li" and self.stack and self.stack[-1] == "checklist":
            self.checklist_items += 1
        if tag in ("ul", "ol"):
            self.stack.append(found.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained(rules: Rules) -> None:
    page = _html(rules, "pwp")
    assert "<script" not in page.lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"url\(", page), "no outside resources from CSS"
    assert page.count("<h1>") == 1
    assert "@media print" in page


@pytest.mark.parametrize("full", [False, True], ids=["one-page", "full"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_citations_link_to_their_sources_and_checklists_are_lists(
        rules: Rules, persona: str, full: bool) -> None:
    parsed = _Anchors()
    parsed.feed(_html(rules, persona, full))
    assert len(parsed.ids) == len(set(parsed.ids)), "ids are unique"
    assert parsed.hrefs, "citations are links"
    missing = set(parsed.hrefs) - set(parsed.ids)
    assert not missing, f"citations without an entry in the sources list: {missing}"
    text = "".join(parsed.text)
    assert "[ ]" not in text, "a checklist is a list, not brackets read aloud"
    if "Next steps" in text:
        assert parsed.checklist_items >= 1


def test_one_page_leads_with_the_answer_and_full_adds_the_rest(rules: Rules) -> None:
    short, full = _html(rules, "pwp"), _html(rules, "pwp", full=True)
    answer = "Not yet: NHS-funded training from 14 July 2025 by the PWP route."
    for page in (short, full):
        # The answer comes before every section, in the banner, with each route's tag.
        assert page.index(answer) < page.index("<h2>Routes</h2>")
        assert 'class="banner"' in page
        assert '<strong class="tag tag-yellow">Not yet</strong> from 14 July 2025' in page
        assert '<strong class="tag tag-grey">Not for you</strong>' in page
        assert '<dl class="summary-list">' in page
    for section in ("Why", "Trainee terms and pay", "Timeline", "Your answers"):
        assert f"<h2>{section}</h2>" in full and f"<h2>{section}</h2>" not in short
    steps = re.search(r'<ul class="checklist">(.*?)</ul>', short, re.S)
    assert steps and steps.group(1).count("<li>") == 3, "the next three steps"


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}", *args],
        check=True, capture_output=True, text=True, timeout=180,
    )


def _print(page: str, tmp_path: Path, name: str) -> tuple[int, str]:
    """Print a page to PDF in Chromium: its number of pages and its text."""
    assert PDFINFO and PDFTOTEXT
    source = tmp_path / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", source.as_uri(),
              profile=tmp_path / "profile")
    info = subprocess.run([PDFINFO, str(pdf)], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert pages, info
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    return int(pages.group(1)), " ".join(text.split())


@needs_browser
def test_html_renders_in_headless_chromium(rules: Rules, tmp_path: Path) -> None:
    pages, flat = _print(_html(rules, "pwp", full=True), tmp_path, "pwp")
    for needle in ("Your routes to High Intensity Therapist training",
                   "Not yet: NHS-funded training from 14 July 2025 by the PWP route.",
                   "Psychological wellbeing practitioner (PWP) route",
                   "The two-year NHS funding rule", "Next steps", "Sources", "HEE-2022"):
        assert needle in flat, f"missing from the printed page: {needle}"
    assert 1 <= pages <= FULL_REPORT_MAX_PAGES


@needs_browser
@pytest.mark.parametrize("persona", PERSONAS)
def test_one_page_answer_prints_on_at_most_two_pages(rules: Rules, tmp_path: Path,
                                                     persona: str) -> None:
    page = _html(rules, persona)
    pages, flat = _print(page, tmp_path, persona)
    assert pages <= 2, f"{persona}: the one-page answer printed on {pages} A4 pages"
    answers = load_answers(rules, str(ROOT / "examples" / f"{persona}.yaml"))
    in_scope = assess(rules, answers, date(2025, 1, 10)).in_scope
    # Outside England the short report names the body to contact instead of England's routes.
    assert "Your answer" in flat and ("Routes" if in_scope else "Who to contact") in flat


@needs_browser
@pytest.mark.parametrize("persona", PERSONAS)
def test_full_report_prints_on_a_sensible_number_of_pages(rules: Rules, tmp_path: Path,
                                                          persona: str) -> None:
    pages, _ = _print(_html(rules, persona, full=True), tmp_path, persona)
    assert pages <= FULL_REPORT_MAX_PAGES, f"{persona}: the full report took {pages} pages"


def _probe(frames: dict[str, tuple[str, int]], script: str, tmp_path: Path) -> dict[str, str]:
    """Lay out each page (name -> (html, width in CSS pixels)) with a test script added, all
    in one Chromium; what the script reported in each.

    Each page is shown in a frame of its width (headless Chromium will not open a window
    narrower than 500 pixels, and one browser for every page keeps the test quick). The
    report itself has no scripts (and may forbid them), so the framed copy drops any
    Content-Security-Policy and adds the script; the script writes its answer into an
    attribute of its frame element, read back from the DOM Chromium dumps.
    """
    parts = []
    for name, (page, width) in frames.items():
        page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
        page = page.replace("</body>", f"<script>{script}</script></body>")
        parts.append(f'<iframe name="{name}" title="{name}" style="border:0;display:block" '
                     f'width="{width}" height="900" srcdoc="{html.escape(page, quote=True)}">'
                     "</iframe>")
    outer = ('<!DOCTYPE html><html lang="en"><head><title>probe</title></head>'
             f'<body style="margin:0">{"".join(parts)}</body></html>')
    source = tmp_path / "probe.html"
    source.write_text(outer, encoding="utf-8")
    widest = max(width for _, width in frames.values())
    dom = _chromium(f"--window-size={max(widest + 40, 600)},1000",
                    "--virtual-time-budget=120000", "--dump-dom", source.as_uri(),
                    profile=tmp_path / "profile").stdout
    reports = _Reports()
    reports.feed(dom)
    return reports.found


class _Reports(HTMLParser):
    """Each frame's name and the report its script left on it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "iframe" and found.get("data-probe") is not None:
            self.found[found.get("name") or ""] = found["data-probe"] or ""


# Every run of letters between spaces, hyphens and slashes must sit on one line: a word cut
# in two ("answer|s") is the fault; breaking after a hyphen or at a <wbr> in a URL is not.
WORD_PROBE = """
(function () {
  var problems = [], range = document.createRange();
  var width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width)
    problems.push('wider than the screen: ' + document.documentElement.scrollWidth);
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), node, m;
  while ((node = walker.nextNode())) {
    var re = /[^\\s\\-\\/]+[\\-\\/]?/g;
    while ((m = re.exec(node.data))) {
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      var tops = {}, count = 0, rects = range.getClientRects();
      for (var i = 0; i < rects.length; i++) {
        if (rects[i].width > 1 && !tops[Math.round(rects[i].top)]) {
          tops[Math.round(rects[i].top)] = 1; count++;
        }
      }
      if (count > 1) problems.push(m[0]);
    }
  }
  window.frameElement.setAttribute('data-probe',
                                   JSON.stringify({width: width, problems: problems}));
})();
"""
NARROW = ["pwp", "counsellor", "emhp-not-sure", "scotland"]


@pytest.fixture(scope="module")
def narrow_layout(rules: Rules, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    frames = {f"{persona}-{'full' if full else 'one-page'}": (_html(rules, persona, full), 320)
              for persona in NARROW for full in (False, True)}
    frames["plan"] = (_plan_html(), 320)
    return _probe(frames, WORD_PROBE, tmp_path_factory.mktemp("narrow"))


@needs_browser
@pytest.mark.parametrize("full", [False, True], ids=["one-page", "full"])
@pytest.mark.parametrize("persona", NARROW)
def test_nothing_breaks_mid_word_at_320_pixels(narrow_layout: dict[str, str], persona: str,
                                               full: bool) -> None:
    name = f"{persona}-{'full' if full else 'one-page'}"
    assert name in narrow_layout, f"the probe did not run on {name}"
    found = json.loads(narrow_layout[name])
    assert found["width"] <= 320, "the page was laid out at phone width"
    assert found["problems"] == [], f"{name}: cut mid-word or too wide: {found['problems']}"


@needs_browser
def test_plan_report_shares_the_page_and_keeps_words_whole(
        narrow_layout: dict[str, str]) -> None:
    found = json.loads(narrow_layout["plan"])
    assert found["problems"] == [], f"plan report at 320 px: {found['problems']}"


AXE_PROBE = """
axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
  .then(function (result) {
    window.frameElement.setAttribute('data-probe', JSON.stringify(result.violations.map(
      function (v) { return v.id + ': ' + v.nodes.map(function (n) {
        return n.target.join(' '); }).join(', '); })));
  }, function (error) {
    window.frameElement.setAttribute('data-probe', JSON.stringify(['axe failed: ' + error]));
  });
"""
WIDTHS = [1200, 390, 320]


@pytest.fixture(scope="module")
def axe_results(rules: Rules, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    script = AXE.read_text(encoding="utf-8").replace("</script", "<\\/script") + AXE_PROBE
    frames = {f"{persona}-{'full' if full else 'one-page'}-{width}":
              (_html(rules, persona, full), width)
              for persona in PERSONAS for full in (False, True) for width in WIDTHS}
    plan = _plan_html()
    frames.update({f"plan-{width}": (plan, width) for width in WIDTHS})
    return _probe(frames, script, tmp_path_factory.mktemp("axe"))


@needs_browser
@needs_axe
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("full", [False, True], ids=["one-page", "full"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_axe_finds_no_wcag_violation(axe_results: dict[str, str], persona: str, full: bool,
                                     width: int) -> None:
    name = f"{persona}-{'full' if full else 'one-page'}-{width}"
    assert name in axe_results, f"axe did not report on {name}"
    assert json.loads(axe_results[name]) == [], f"{name}: {axe_results[name]}"


@needs_browser
@needs_axe
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_wcag_violation_in_a_plan(axe_results: dict[str, str], width: int) -> None:
    name = f"plan-{width}"
    assert name in axe_results, f"axe did not report on {name}"
    assert json.loads(axe_results[name]) == [], f"{name}: {axe_results[name]}"
