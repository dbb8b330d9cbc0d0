"""`hitpath plan` from the outside: the JSON contract, the formats, and bad input (exit 2)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import Run

ROOT = Path(__file__).resolve().parent.parent
GRADUATE = str(ROOT / "examples" / "plans" / "psychology-graduate.yaml")
ARGS = ("plan", "--goal", "dclinpsy", "--answers", GRADUATE, "--as-of", "2026-11-30")


def test_json_contract(run_hitpath: Run) -> None:
    done = run_hitpath(*ARGS, "--via", "pwp@2027-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"as_of", "goal", "plans", "via", "notes", "sources"} <= set(data)
    assert data["as_of"] == "2026-11-30" and data["goal"] == "dclinpsy"
    best = data["plans"][0]
    assert {"steps", "goal_start", "qualified", "delay_months", "binding",
            "uncertain"} <= set(best)
    assert best["delay_months"] == 0 and best["goal_start"] == "2028-09-01"
    assert [p["qualified"] for p in data["plans"]] == sorted(p["qualified"]
                                                             for p in data["plans"])
    for step in best["steps"] + data["via"]["steps"]:
        assert {"kind", "training", "start", "end", "exam_board", "band", "nhs_funded",
                "funding_rule", "because"} <= set(step)
        assert step["kind"] in ("work", "training")
        assert step["funding_rule"] in ("applies", "may_apply", "does_not_apply")
        assert step["because"]
        if step["kind"] == "training":
            assert set(step["exam_board"]) == {"earliest", "latest"}
        else:
            assert step["training"] is None and step["exam_board"] is None
    assert data["via"]["delay_months"] == 24
    assert all(set(s) >= {"id", "title", "url"} for s in data["sources"])


@pytest.mark.parametrize(("fmt", "needle"), [
    ("text", "Plan 1: DClinPsy."), ("markdown", "# Plans to Clinical psychology doctorate"),
    ("html", "<h1>Plans to Clinical psychology doctorate (DClinPsy)</h1>")])
def test_formats_show_the_plans_side_by_side(run_hitpath: Run, fmt: str, needle: str) -> None:
    done = run_hitpath(*ARGS, "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert needle in done.stdout
    assert "Because" in done.stdout
    assert "Plan 3" in done.stdout


def test_output_file_is_written_private_and_format_follows_its_ending(
        run_hitpath: Run, tmp_path: Path) -> None:
    done = run_hitpath(*ARGS, "--output", "plans.html")
    assert done.returncode == 0, done.stderr
    written = tmp_path / "plans.html"
    assert written.read_text().startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


@pytest.mark.parametrize(("args", "needle"), [
    (("plan", "--goal", "dclinpsi"), "Did you mean 'dclinpsy'?"),
    (("plan", "--goal", "dclinpsy", "--via", "pwd"), "Did you mean 'pwp'?"),
    (("plan", "--goal", "dclinpsy", "--via", "pwp@2027-03"),
     "no intake in March; its intakes are in January, February, September, October"),
    (("plan", "--goal", "dclinpsy", "--via", "pwp@January"), "not a month"),
    (("plan", "--goal", "dclinpsy", "--via", "pwp@202\u00b2-01"), "not a month"),
    (("plan", "--goal", "dclinpsy", "--via", "pwp@\u0662\u0660\u0662\u0667-\u0660\u0661"),
     "not a month"),
    (("plan", "--goal", "dclinpsy", "--via", "pwp@2027-01-05"), "not a month"),
    (("plan", "--goal", "dclinpsy", "--via", "pwp@1899-01"),
     "the year 1899 is out of range; expected 1900 to 2100"),
    (("plan", "--goal", "dclinpsy", "--format", "pfd"), "not a format"),
    (("plan",), "which goal? pass --goal GOAL"),
])
def test_bad_input_exits_2_with_one_message(run_hitpath: Run, args: tuple[str, ...],
                                            needle: str) -> None:
    done = run_hitpath(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert needle in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_unreachable_goal_says_what_blocks_every_route(run_hitpath: Run) -> None:
    done = run_hitpath(*ARGS, "--set", "right_to_work=no")
    assert done.returncode == 0, done.stderr
    assert "No plan reaches Clinical psychology doctorate (DClinPsy)" in done.stdout
    assert "right to work" in done.stdout


def test_list_names_the_ids_and_the_signposts(run_hitpath: Run) -> None:
    done = run_hitpath("plan", "--list")
    assert done.returncode == 0
    for tid in ("pwp", "emhp", "cwp", "mhwp", "cap", "hit", "dclinpsy"):
        assert f"\n  {tid} " in done.stdout
    assert "Child and adolescent psychotherapy" in done.stdout


@pytest.mark.parametrize("name", ["plans.html", "plans.md", "plans.txt", "plans.json"])
def test_a_plan_report_hitpath_wrote_is_replaced_but_no_other_file(
        run_hitpath: Run, tmp_path: Path, name: str) -> None:
    assert run_hitpath(*ARGS, "--output", name).returncode == 0
    again = run_hitpath(*ARGS, "--output", name)
    assert again.returncode == 0, again.stderr
    other = tmp_path / f"notes-{name}"
    other.write_text("my own notes\n")
    refused = run_hitpath(*ARGS, "--output", other.name)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert other.read_text() == "my own notes\n"


def test_text_from_an_edited_rules_file_is_shown_as_text(run_hitpath: Run,
                                                        tmp_path: Path) -> None:
    from hitpath.load.ruleset import SHIPPED_RULES

    rules = Path(SHIPPED_RULES).read_text(encoding="utf-8")
    old = "    title: Clinical psychology doctorate (DClinPsy)"
    assert rules.count(old) == 1
    (tmp_path / "rules.yaml").write_text(rules.replace(
        old, '    title: "Clinical <b>psychology</b> *doctorate* \\e[31m"'), encoding="utf-8")
    for fmt, raw in (("text", "\x1b[31m"), ("html", "<b>"), ("markdown", " *doctorate*")):
        done = run_hitpath(*ARGS, "--rules", "rules.yaml", "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert raw not in done.stdout, fmt
    html = run_hitpath(*ARGS, "--rules", "rules.yaml", "--format", "html").stdout
    assert "&lt;b&gt;psychology&lt;/b&gt;" in html and "Content-Security-Policy" in html


def test_goal_in_capitals_is_the_same_goal(run_hitpath: Run) -> None:
    done = run_hitpath("plan", "--goal", "HIT", "--answers", GRADUATE, "--as-of", "2026-11-30",
                       "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["goal"] == "hit"


def test_a_goal_without_answers_is_one_message_and_exit_2(run_hitpath: Run) -> None:
    done = run_hitpath("plan", "--goal", "hit")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "no answers given" in done.stderr and done.stdout == ""


def test_a_via_plan_that_is_a_listed_plan_is_shown_once(run_hitpath: Run) -> None:
    done = run_hitpath(*ARGS, "--via", "pwp@2027-01")
    assert done.returncode == 0, done.stderr
    assert "That plan is Plan 2 below." in " ".join(done.stdout.split())
    assert "\nVia:" not in done.stdout and "\nVia " not in done.stdout
    as_json = json.loads(run_hitpath(*ARGS, "--via", "pwp@2027-01", "--format", "json").stdout)
    assert as_json["via_same_as_plan"] == 2 and as_json["via"]["steps"]
