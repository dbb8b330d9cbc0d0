"""Text from files is shown as text: never terminal control, rich markup, Markdown or HTML."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.hostile.helpers import (
    AS_OF,
    CONTROL,
    crafted,
    no_traceback,
    raw_controls,
    run_exe,
    run_main,
    sound_copy,
)

ADVICE = "This tool covers England; ask the training body of your nation."
"""An advice text of the sound rules, shown to anyone who answers nation=elsewhere."""


def _rules_saying(tmp_path: Path, text: str) -> Path:
    return crafted(tmp_path, ADVICE, json.dumps(text))


# Row 3: terminal control characters -------------------------------------------------------

def test_an_answers_value_cannot_drive_the_terminal(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f"nation: {json.dumps(CONTROL)}\n")
    done = run_exe("check", "--answers", str(answers), "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 2
    assert raw_controls(done.stderr) == [] and raw_controls(done.stdout) == []
    assert b"\\x1b" in done.stderr  # made visible, so the person sees what the file holds
    no_traceback(done.stderr)


def test_set_value_cannot_drive_the_terminal(tmp_path: Path) -> None:
    done = run_exe("check", "--set", f"nation={CONTROL}", "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 2 and raw_controls(done.stderr) == []


@pytest.mark.parametrize("form", ["csv", "jsonl"])
def test_batch_errors_cannot_drive_the_terminal(tmp_path: Path, form: str) -> None:
    cohort = tmp_path / f"c.{form}"
    if form == "csv":
        cohort.write_text(f"ref,nation\nr1,{CONTROL}\n")
    else:
        cohort.write_text(json.dumps({"ref": "r1", "nation": CONTROL}) + "\n")
    done = run_exe("batch", str(cohort), "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 1
    assert raw_controls(done.stderr) == []
    assert raw_controls(done.stdout) == []  # the error column echoes it made visible
    no_traceback(done.stderr)


@pytest.mark.parametrize("form", ["csv", "jsonl", "markdown", "html"])
def test_rules_words_in_batch_results_cannot_drive_the_terminal(tmp_path: Path,
                                                                form: str) -> None:
    """A reason quotes a requirement's title: C1 controls and bidi marks in it come out as
    escapes, in every output form."""
    rules = crafted(tmp_path, "title: 12 months' experience",
                    'title: "12 months\\x9b2J\\u202e experience"')
    cohort = tmp_path / "c.jsonl"
    cohort.write_text('{"nation": "england", "roles": ["nurse"], "experience_months": 3}\n')
    done = run_exe("batch", str(cohort), "--rules", str(rules), "--as-of", AS_OF,
                   "--format", form, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = done.stdout.decode("utf-8")
    assert "12 months" in shown
    assert raw_controls(shown) == [] and "\u202e" not in shown
    if form == "jsonl":  # JSON escapes them, so a reader gets the rules' own words back
        assert "12 months\x9b2J\u202e experience" in json.loads(shown)["reason"]


def test_questions_in_json_keep_the_rules_words_and_show_them_as_text(tmp_path: Path) -> None:
    rules = crafted(tmp_path, "text: How many months have you worked in mental health since",
                    "text: How many months (\u00a3, \u202e) have you worked in mental health since")
    done = run_exe("questions", "--format", "json", "--rules", str(rules), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = done.stdout.decode("utf-8")
    assert "\u202e" not in shown and raw_controls(shown) == []
    assert "How many months (\u00a3, \\u202e)" in shown  # the pound sign as written
    assert any(q["text"].startswith("How many months (\u00a3, \u202e)") for q in json.loads(shown))


def test_an_unknown_column_name_cannot_drive_the_terminal(tmp_path: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text(f"ref,nation,{CONTROL}\nr1,england,\n")
    done = run_exe("batch", str(cohort), "--as-of", AS_OF, cwd=tmp_path)
    assert raw_controls(done.stderr) == []


def test_rules_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    rules = _rules_saying(tmp_path, f"Ask the body of your nation{CONTROL}.")
    for args in (["check", "--set", "nation=elsewhere"], ["questions"], ["sources"],
                 ["rules", "check"], ["rules", "walk"]):
        done = run_exe(*args, "--rules", str(rules), "--as-of", AS_OF, cwd=tmp_path) \
            if args[0] in ("check", "rules") else run_exe(*args, "--rules", str(rules),
                                                          cwd=tmp_path)
        assert raw_controls(done.stdout) == [], args
        assert raw_controls(done.stderr) == [], args
        no_traceback(done.stderr)


def test_a_source_id_cannot_drive_the_terminal(tmp_path: Path) -> None:
    rules = sound_copy(tmp_path)
    text = rules.read_text().replace("SRC-A", "SRC-\\e[2JA")
    rules.write_text(text.replace("  SRC-\\e[2JA:", '  "SRC-\\e[2JA":').replace(
        "[SRC-\\e[2JA]", '["SRC-\\e[2JA"]'))
    for args in (["sources"], ["check", "--set", "nation=england", "--as-of", AS_OF],
                 ["rules", "check", "--as-of", AS_OF]):
        done = run_exe(*args, "--rules", str(rules), cwd=tmp_path)
        assert raw_controls(done.stdout + done.stderr) == [], args
        no_traceback(done.stderr)


def test_recheck_file_names_cannot_drive_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / f"client{CONTROL}.yaml").write_text("nation: [not, a, choice]\n")
    (folder / "b\x1b[31m.yaml").write_text("nation: england\n")
    rules = sound_copy(tmp_path)
    done = run_exe("recheck", str(folder), "--old-rules", str(rules), "--as-of", AS_OF,
                   cwd=tmp_path)
    assert raw_controls(done.stdout + done.stderr) == []
    no_traceback(done.stderr)


def test_edge_function_makes_controls_visible_and_escapes_markup() -> None:
    from hitpath.core.untrusted import for_terminal

    shown = for_terminal(f"a{CONTROL}b\u202ec\x9bd", markup=True)
    assert raw_controls(shown) == [] and "\u202e" not in shown
    assert "\\x1b" in shown and "\\u202e" in shown
    assert for_terminal("[bold]x[/]", markup=True) != "[bold]x[/]"
    assert for_terminal("line one\nline two\tend") == "line one\nline two\tend"
    assert for_terminal("[bold]x[/]") == "[bold]x[/]"


# Row 4: rich markup in a colour terminal --------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("text", [
    "Ask [the Scottish body] of your nation.",
    "Ask the body [/] of your nation.",
    "Ask [link=https://example.org/x]the body[/link] of your nation.",
    "Ask [bold red]the body of your nation.",
])
def test_rules_text_is_never_rich_markup(tmp_path: Path, text: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from hitpath.core.engine import assess
    from hitpath.core.model import Answers
    from hitpath.load.answers import apply_sets
    from hitpath.load.ruleset import load_rules
    from hitpath.report.text import render

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    rules = load_rules(str(_rules_saying(tmp_path, text)))
    from datetime import date

    assessment = assess(rules, apply_sets(rules, Answers(), ["nation=elsewhere"]),
                        date(2026, 4, 1))
    screen = _Terminal()
    render(assessment, rules, file=screen, plain=False, width=200)
    shown = screen.getvalue()
    assert "\x1b[" in shown, "expected a colour terminal"
    assert "\x1b]8;" not in shown, "a hidden hyperlink was made"
    import re

    visible = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert text in visible


# Row 9: Markdown escapes what Markdown would interpret, and links only https -------------

HOSTILE_MD = ("Read <img src=x onerror=alert(1)> and [this](javascript:alert(1)) or "
              "![x](https://example.org/t.png) *now* `code` <script>alert(1)</script>.")


def _markdown_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(markdown)


def test_markdown_report_escapes_rules_text(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    rules = _rules_saying(tmp_path, HOSTILE_MD)
    rules.write_text(rules.read_text().replace(
        "url: https://example.org/pay", "url: http://example.org/pay)[y](javascript:alert(2)"))
    code, out, err = run_main(capsys, "check", "--rules", str(rules), "--set",
                              "nation=elsewhere", "--as-of", AS_OF, "--format", "markdown")
    assert code == 0, err
    html = _markdown_html(out)
    for bad in ("<img", "<script", 'href="javascript:', "<em>", "<code>"):
        assert bad not in html, (bad, html)
    import re

    links = re.findall(r'href="([^"]*)"', html)
    # Only https addresses, and the report's own links to its sources list.
    assert links and all(link.startswith(("https://", "#src-")) for link in links), links
    assert "http://example.org/pay" not in links
    assert "onerror=alert(1)" in html  # the words are still there, as text


def test_markdown_keeps_ordinary_text_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "check", "--set", "nation=england", "--as-of", AS_OF,
                              "--format", "markdown")
    assert code == 0
    html = _markdown_html(out)
    assert "\\" not in html  # nothing escaped shows its backslash once rendered
    assert '<a href="https://' in html


# HTML: escaped (the review's passing case) and a Content-Security-Policy ------------------

def test_html_report_escapes_and_has_a_content_security_policy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = _rules_saying(tmp_path, HOSTILE_MD)
    code, out, err = run_main(capsys, "check", "--rules", str(rules), "--set",
                              "nation=elsewhere", "--as-of", AS_OF, "--format", "html")
    assert code == 0, err
    assert "<img" not in out and "<script" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert ('<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">") in out


# rules check flags what would mislead a reader --------------------------------------------

@pytest.mark.parametrize("text, code", [
    (f"Ask the body of your nation{CONTROL}.", "text-control"),
    ("Ask [the Scottish body] of your nation.", "text-markup"),
    ("Ask the body [/] of your nation.", "text-markup"),
    ("Read <img src=x onerror=alert(1)> first.", "text-markup"),
    ("Read [this](javascript:alert(1)) first.", "text-link"),
    ("Read http://example.org/page first.", "text-link"),
])
def test_rules_check_flags_hostile_text(tmp_path: Path, text: str, code: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rules = _rules_saying(tmp_path, text)
    status, out, err = run_main(capsys, "rules", "check", "--rules", str(rules),
                                "--as-of", AS_OF)
    assert status == 1, out + err
    assert f"[{code}]" in out and "rules.yaml:" in out
    assert raw_controls(out) == []


def test_rules_check_accepts_https_links_in_text(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rules = _rules_saying(tmp_path, "Read https://example.org/page first (in England).")
    status, out, err = run_main(capsys, "rules", "check", "--rules", str(rules),
                                "--as-of", AS_OF)
    assert "text-link" not in out and "text-markup" not in out
