"""The HTML export renders in a real browser: headless Chromium prints it to PDF and the text
is all there. Skipped (with the reason shown) where Chromium or pdftotext is not installed;
.ci/run installs both."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from hitpath.core.engine import assess
from hitpath.core.model import Rules
from hitpath.load.answers import load_answers
from hitpath.report.html import render

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")


def _html(rules: Rules, persona: str) -> str:
    answers = load_answers(rules, str(ROOT / "examples" / f"{persona}.yaml"))
    return render(assess(rules, answers, date(2025, 1, 10)), rules)


def test_html_is_self_contained(rules: Rules) -> None:
    page = _html(rules, "pwp")
    assert "<script" not in page.lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"url\(", page), "no outside resources from CSS"
    assert page.count("<h1>") == 1 and "<h2>Summary</h2>" in page
    assert '<th scope="col">Verdict</th>' in page
    assert "@media print" in page


@pytest.mark.skipif(not (CHROMIUM and PDFTOTEXT),
                    reason="needs chromium and pdftotext (Debian: chromium, poppler-utils)")
def test_html_renders_in_headless_chromium(rules: Rules, tmp_path: Path) -> None:
    assert CHROMIUM and PDFTOTEXT
    page = tmp_path / "summary.html"
    page.write_text(_html(rules, "pwp"), encoding="utf-8")
    pdf = tmp_path / "summary.pdf"
    profile = tmp_path / "profile"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    assert pdf.exists() and pdf.stat().st_size > 1000
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    flat = " ".join(text.split())
    for needle in ("Your routes to High Intensity Therapist training",
                   "Not yet: NHS-funded training from 14 July 2025 by the PWP route.",
                   "Psychological wellbeing practitioner (PWP) route",
                   "The two-year NHS funding rule", "Next steps", "Sources", "HEE-2022"):
        assert needle in flat, f"missing from the printed page: {needle}"
