"""End-to-end: the installed `hitpath` on good and bad input, as a user or script runs it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Run

PWP = """\
nation: england
professions: [pwp]
pwp_employment_months: 18
degree: yes
ksa_portfolio: in_progress
previous_nhs_training: yes
previous_training_programme: pwp
previous_training_started: 2022-09-05
previous_exam_board: 2023-07-14
"""


@pytest.fixture
def pwp_file(tmp_path: Path) -> Path:
    path = tmp_path / "pwp.yaml"
    path.write_text(PWP)
    return path


def test_json_contract(run_hitpath: Run, pwp_file: Path) -> None:
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", "2025-01-10",
                       "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["as_of"] == "2025-01-10"
    assert {"rules_version", "rules_reviewed", "in_scope", "routes", "funding", "terms",
            "advice", "next_steps"} <= set(data)
    routes = {r["id"]: r for r in data["routes"]}
    assert set(routes) == {"core_profession", "pwp", "ksa", "counselling"}
    assert routes["pwp"]["verdict"] == "eligible_from"
    assert routes["pwp"]["eligible_from"] == "2025-07-14"
    unmet = routes["pwp"]["unmet"][0]
    assert {"id", "text", "source"} <= set(unmet) and unmet["source"]
    assert data["funding"] == {**data["funding"], "two_year_rule": "applies",
                               "nhs_funding_from": "2025-07-14"}
    terms = data["terms"]
    assert terms["trainee_band"] == 6 and terms["qualified_band"] == 7
    assert terms["hours_per_week"] == 37.5 and terms["pay_year"] == "2024/25"
    assert terms["trainee_pay"]["min"] == 37338 and terms["qualified_pay"]["max"] == 52809
    assert all(a["sources"] for a in data["advice"])
    assert all(isinstance(s, str) for s in data["next_steps"])


def test_text_report_reads_plainly_when_piped(run_hitpath: Run, pwp_file: Path) -> None:
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", "2025-01-10")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Not yet: NHS-funded training from 14 July 2025 by the PWP route." in out
    assert "\x1b[" not in out  # no colour codes when piped
    assert "INELIGIBLE" not in out.upper().replace("NOT ELIGIBLE", "")
    assert "[~] Psychological wellbeing practitioner (PWP) route" in out


def test_set_is_a_what_if(run_hitpath: Run, pwp_file: Path) -> None:
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", "2025-01-10",
                       "--set", "previous_exam_board=2022-12-01", "--format", "json")
    assert json.loads(done.stdout)["funding"]["nhs_funding_from"] == "2024-12-01"


def test_markdown_output_file_is_atomic_and_private(run_hitpath: Run, pwp_file: Path,
                                                   tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", "2025-01-10",
                       "--format", "markdown", "--output", str(target))
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert text.startswith("# Your routes to High Intensity Therapist training")
    assert "## Next steps" in text and "## Sources" in text
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".hitpath-")]


def test_questions_lists_every_key(run_hitpath: Run) -> None:
    done = run_hitpath("questions", "--format", "json")
    keys = {q["id"] for q in json.loads(done.stdout)}
    assert {"nation", "professions", "core_experience_months", "degree",
            "mental_health_experience_months", "ksa_portfolio", "pwp_employment_months",
            "previous_nhs_training", "previous_training_programme", "previous_training_started",
            "previous_exam_board", "course_start", "right_to_work", "modality",
            "pay_area"} <= keys
    text = run_hitpath("questions").stdout
    assert "previous_exam_board  (date)" in text


def test_version_and_sources(run_hitpath: Run) -> None:
    assert run_hitpath("--version").stdout.startswith("hitpath ")
    out = run_hitpath("sources").stdout
    assert "HEE-2022: NHS funding for psychological professions training programmes" in out
    assert "used by: " in out


BAD_ANSWERS = [
    ("missing", None, "does not exist"),
    ("broken.yaml", "nation: england\nprofessions: [pwp\n", "not valid YAML"),
    ("dup.yaml", "nation: england\nnation: wales\n", "appears twice"),
    ("unknown.yaml", "nation: england\nprofesions: [pwp]\n", "Did you mean 'professions'"),
    ("choice.yaml", "nation: englnd\n", "Allowed: england"),
    ("date.yaml", "previous_exam_board: 2023-02-30\n", "February 2023 has 28 days"),
    ("negative.yaml", "pwp_employment_months: -1\n", "at least 0"),
    ("list.yaml", "- nation\n- england\n", "mapping"),
    ("tag.yaml", "nation: !!python/object/apply:os.system [echo hi]\n", "!!python"),
    ("alias.yaml", "a: &x [1, 2]\nb: *x\n", "aliases"),
    ("latin1.yaml", b"nation: \xe9ngland\n", "not UTF-8"),
    ("binary.yaml", "pwp_employment_months: 0b1111111111111111\n", "at most 720"),
    ("huge.yaml", "pwp_employment_months: " + "9" * 5000 + "\n", "at most 720"),
    ("deep.yaml", "a: " + "[" * 20000 + "]" * 20000 + "\n", "nested more than 64 levels"),
    ("month.yaml", "course_start: 2025-07\n", "needs the exact day"),
]


@pytest.mark.parametrize(("name", "content", "needle"), BAD_ANSWERS,
                         ids=[b[0] for b in BAD_ANSWERS])
def test_bad_answers_exit_2_with_one_clear_message(run_hitpath: Run, tmp_path: Path,
                                                   name: str, content: str | bytes | None,
                                                   needle: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    done = run_hitpath("check", "--answers", str(path))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert needle in done.stderr
    assert name in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_oversized_file(run_hitpath: Run, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * 1_100_000 + "\n")
    done = run_hitpath("check", "--answers", str(path))
    assert done.returncode == 2 and "at most 1,000,000 bytes" in done.stderr


def test_alias_bomb_is_refused_fast(run_hitpath: Run, tmp_path: Path) -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 700
    done = run_hitpath("check", "--answers", str(path), timeout=10)
    assert done.returncode == 2 and "aliases" in done.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["--as-of", "2023-02-30"], "February 2023 has 28 days"),
    (["--as-of", "tomorrow"], "not a date"),
    (["--format", "jsn"], "Did you mean 'json'"),
    (["--format", "nonsense"], "expected one of: text, markdown, json, html"),
    (["--output", "no/such/folder/out.md"], "folder to write into does not exist"),
    (["--set", "nation"], "KEY=VALUE"),
    (["--set", "natoin=england"], "Did you mean 'nation'"),
    (["--rules", "missing-rules.yaml"], "does not exist"),
    (["--frmat", "json"], "No such option"),
])
def test_bad_options_exit_2(run_hitpath: Run, args: list[str], needle: str) -> None:
    done = run_hitpath("check", *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert needle in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_rules_file_names_line_and_key(run_hitpath: Run, tmp_path: Path) -> None:
    from hitpath.load.ruleset import SHIPPED_RULES

    text = Path(SHIPPED_RULES).read_text()
    broken = text.replace("{q: nation, equals: england}", "{q: natoin, equals: england}", 1)
    assert broken != text
    path = tmp_path / "rules.yaml"
    path.write_text(broken)
    done = run_hitpath("check", "--rules", str(path))
    assert done.returncode == 2
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "natoin" in row)
    assert f"rules.yaml:{line}" in done.stderr
    assert "Did you mean 'nation'" in done.stderr


def test_ctrl_c_during_check_says_so_and_exits_130(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   pwp_file: Path) -> None:
    import hitpath.core.engine
    from hitpath.cli import main

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(hitpath.core.engine, "assess", interrupted)
    with pytest.raises(SystemExit) as stop:
        main(["check", "--answers", str(pwp_file)])
    assert stop.value.code == 130
    err = capsys.readouterr().err
    assert "stopped (Ctrl-C); nothing was written" in err and "Traceback" not in err


def test_null_means_not_answered(run_hitpath: Run, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"nation": "england", "degree": null}')
    done = run_hitpath("check", "--answers", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "degree" not in json.loads(done.stdout)["answers"]


def test_output_never_overwrites_the_answers(run_hitpath: Run, pwp_file: Path) -> None:
    before = pwp_file.read_text()
    done = run_hitpath("check", "--answers", str(pwp_file), "--output", str(pwp_file))
    assert done.returncode == 2 and "overwrite an input file" in done.stderr
    assert pwp_file.read_text() == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_as_of_out_of_range(run_hitpath: Run, pwp_file: Path, day: str) -> None:
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", day)
    assert done.returncode == 2 and "out of range" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("name", "start"), [("s.html", "<!DOCTYPE html>"),
                                             ("s.md", "# Your routes"), ("s.json", "{")])
def test_format_follows_the_output_name(run_hitpath: Run, pwp_file: Path, tmp_path: Path,
                                        name: str, start: str) -> None:
    target = tmp_path / name
    assert run_hitpath("check", "--answers", str(pwp_file), "--output", str(target)
                       ).returncode == 0
    assert target.read_text().startswith(start)


def test_no_answers_gets_a_hint(run_hitpath: Run) -> None:
    done = run_hitpath("check")
    assert done.returncode == 0 and "no answers given" in done.stderr


@pytest.mark.parametrize(("typed", "read"), [
    ("05/09/2022", "2022-09-05"), ("5.9.2022", "2022-09-05"), ("2022/09/05", "2022-09-05"),
    ("09/2022", "2022-09")])
def test_set_reads_dates_as_batch_does(run_hitpath: Run, typed: str, read: str) -> None:
    done = run_hitpath("check", "--set", "nation=england", "--set", "professions=pwp",
                       "--set", "previous_nhs_training=yes",
                       "--set", "previous_training_programme=pwp",
                       "--set", f"previous_training_started={typed}",
                       "--as-of", "2025-01-10", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answers"]["previous_training_started"] == read


def test_set_reads_choice_labels_as_batch_does(run_hitpath: Run) -> None:
    """--set takes what the questionnaire shows and a spreadsheet holds, in any case, and gives
    what the ids give; a value that is neither is still refused with a 'did you mean'."""
    as_ids = ["nation=england", "professions=pwp", "previous_nhs_training=none", "degree=yes"]
    as_labels = ["nation=England", "professions=Qualified psychological wellbeing practitioner "
                 "(PWP)", "previous_nhs_training=No", "degree=YES, A DEGREE"]
    got = [run_hitpath("check", *[a for pair in pairs for a in ("--set", pair)], "--as-of",
                       "2026-11-30", "--format", "json") for pairs in (as_ids, as_labels)]
    assert got[0].returncode == got[1].returncode == 0, got[1].stderr
    assert json.loads(got[0].stdout) == json.loads(got[1].stdout)
    wrong = run_hitpath("check", "--set", "nation=Englnd")
    assert wrong.returncode == 2 and "Did you mean 'england'?" in wrong.stderr


@pytest.mark.parametrize(("typed", "reason"), [
    ("01/09/22", "is ambiguous"), ("31/02/2024", "is not a real date"),
    ("09/31/2024", "has no month 31")])
def test_set_refuses_an_ambiguous_or_impossible_date_in_one_line(
        run_hitpath: Run, typed: str, reason: str) -> None:
    done = run_hitpath("check", "--set", "nation=england", "--set", "professions=pwp",
                       "--set", "previous_nhs_training=yes",
                       "--set", "previous_training_programme=pwp",
                       "--set", f"previous_training_started={typed}")
    assert done.returncode == 2
    assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_an_empty_answers_file_is_said_to_hold_none(run_hitpath: Run, tmp_path: Path) -> None:
    empty = tmp_path / "part.yaml"
    empty.write_text("")
    for command in ("check", "plan"):
        extra = ("--goal", "hit") if command == "plan" else ()
        done = run_hitpath(command, "--answers", str(empty), *extra)
        # check reports every route as not answered; a plan without answers is no report,
        # so plan stops with the one message (exit 2) outside a terminal.
        assert done.returncode == (2 if command == "plan" else 0), done.stderr
        if command == "plan":
            assert done.stdout == ""
        assert f"{empty} holds no answers" in done.stderr
        assert "no answers given" not in done.stderr and "pass --answers" not in done.stderr


@pytest.mark.parametrize(("fmt", "name"), [
    ("markdown", "out.csv"), ("json", "out.html"), ("html", "out.md"), ("markdown", "out.txt"),
    (None, "out.csv"), (None, "out.xlsx")])
def test_a_format_the_output_name_contradicts_is_refused(
        run_hitpath: Run, pwp_file: Path, tmp_path: Path, fmt: str | None, name: str) -> None:
    target = tmp_path / name
    extra = ("--format", fmt) if fmt else ()
    done = run_hitpath("check", "--answers", str(pwp_file), "--output", str(target), *extra)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--output" in done.stderr
    assert "Traceback" not in done.stderr and not target.exists()


@pytest.mark.parametrize(("fmt", "name", "start"), [
    ("markdown", "out.md", "# "), ("json", "out.report", "{"), ("text", "out.txt", "")])
def test_a_format_the_output_name_allows_is_written(
        run_hitpath: Run, pwp_file: Path, tmp_path: Path, fmt: str, name: str,
        start: str) -> None:
    target = tmp_path / name
    done = run_hitpath("check", "--answers", str(pwp_file), "--output", str(target),
                       "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith(start)


def test_bare_hitpath_takes_the_questionnaire_options(run_hitpath: Run) -> None:
    done = run_hitpath("--plain", "--as-of", "2025-01-10")
    assert done.returncode == 2 and "needs a terminal" in done.stderr


def test_answers_that_cannot_both_be_right_are_flagged(run_hitpath: Run, pwp_file: Path) -> None:
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", "2026-11-22",
                       "--set", "course_start=2025-01-13",
                       "--set", "previous_exam_board=2021-01-01", "--format", "json")
    data = json.loads(done.stdout)
    conflicts = {c["id"]: c for c in data["conflicts"]}
    assert set(conflicts) == {"course_start_in_past", "exam_board_before_training"}
    assert conflicts["course_start_in_past"]["questions"] == ["course_start"]
    assert conflicts["exam_board_before_training"]["questions"] == [
        "previous_training_started", "previous_exam_board"]
    assert "before the date of this check" in conflicts["course_start_in_past"]["text"]
    # No verdict rests on them: the PWP route waits, and the summary names the conflict first.
    pwp = next(r for r in data["routes"] if r["id"] == "pwp")
    assert pwp["verdict"] == "unsure" and pwp["eligible_from"] is None
    assert {"course_start", "previous_exam_board"} <= set(pwp["unknown"])
    assert data["summary"]["text"].startswith("Check your answers first: ")
    assert data["summary"]["verdict"] == "unsure"


def test_pay_past_the_newest_table_is_flagged(run_hitpath: Run, pwp_file: Path) -> None:
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", "2028-06-01",
                       "--format", "json")
    assert "newer pay award may apply" in json.loads(done.stdout)["terms"]["pay_note"]
    done = run_hitpath("check", "--answers", str(pwp_file), "--as-of", "2026-06-01",
                       "--format", "json")
    assert "newer pay award" not in (json.loads(done.stdout)["terms"]["pay_note"] or "")


def test_outside_england_every_route_says_england_only(run_hitpath: Run) -> None:
    done = run_hitpath("check", "--set", "nation=scotland", "--format", "json")
    for route in json.loads(done.stdout)["routes"]:
        assert route["reason"].startswith("NHS Talking Therapies and its trainee posts are in "
                                          "England only"), route
    terms = json.loads(done.stdout)["terms"]
    assert (terms["jurisdiction"], terms["applies"]) == ("England", False)
    done = run_hitpath("check", "--set", "nation=england", "--format", "json")
    assert json.loads(done.stdout)["terms"]["applies"] is True


def test_outside_england_the_installed_command_gives_the_short_report(run_hitpath: Run,
                                                                      tmp_path: Path) -> None:
    done = run_hitpath("check", "--set", "nation=wales", "--as-of", "2026-11-30")
    assert done.returncode == 0, done.stderr
    assert "Who to contact" in done.stdout
    assert "Health Education and Improvement Wales (HEIW)" in done.stdout
    assert "https://heiw.nhs.wales/" in done.stdout
    for england_only in ("Agenda for Change", "not answered", "Routes", "NES", "--full"):
        assert england_only not in done.stdout, england_only
    page = tmp_path / "wales.html"
    done = run_hitpath("check", "--set", "nation=wales", "--full", "--output", str(page))
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert 'href="https://heiw.nhs.wales/about-us/background/"' in html
    assert "Agenda for Change" not in html and "Trainee terms and pay" not in html


def test_a_route_resting_on_an_unsettled_point_says_so(run_hitpath: Run) -> None:
    done = run_hitpath("check", "--as-of", "2025-01-10", "--format", "json",
                       "--set", "nation=england", "--set", "professions=accredited_counsellor",
                       "--set", "core_experience_months=24", "--set", "previous_nhs_training=yes",
                       "--set", "previous_training_started=2022-10-03",
                       "--set", "previous_exam_board=2023-11-20")
    routes = {r["id"]: r for r in json.loads(done.stdout)["routes"]}
    assert routes["counselling"]["verdict"] == "eligible"
    assert "can't confirm" in routes["counselling"]["caveat"]
    assert routes["core_profession"]["caveat"] is None
