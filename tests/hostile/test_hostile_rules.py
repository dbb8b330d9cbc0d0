"""Crafted rules files: bounded numbers and dates, bounded work, no deep recursion, choices
that can be typed, and YAML that is only data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.helpers import (
    AS_OF,
    crafted,
    no_traceback,
    run_main,
    sound_text,
)

# Row 6: out-of-range numbers and dates are refused when the rules are read ----------------

OUT_OF_RANGE = [
    ("plus_years: 2", "plus_years: 8000"),
    ("at_least: 12", "at_least: 100000"),
    ("reviewed: 2026-03-31", "reviewed: 9999-12-31"),
    ("checked: 2026-03-31", "checked: 0001-01-01"),
    ("length_months: 12", "length_months: 100000000"),
    ("review_every_months: 6", "review_every_months: 100000"),
    ("uplift_percent: 3.6", "uplift_percent: 5000"),
    ("max: 600", "max: 10000000000000000000000"),
    ("{band: 6, entry: 38682,", "{band: 6, entry: 3868200000000000000000000,"),
    ("when: {q: nation, equals: elsewhere}", "when: {q: exam_board, before: 9999-12-31}"),
]


@pytest.mark.parametrize("old, new", OUT_OF_RANGE, ids=[n for _, n in OUT_OF_RANGE])
@pytest.mark.parametrize("command", ["check", "batch", "rules"])
def test_out_of_range_rules_are_bad_input(tmp_path: Path, old: str, new: str, command: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rules = crafted(tmp_path, old, new)
    if command == "check":
        args = ["check", "--set", "nation=england", "--as-of", AS_OF]
    elif command == "batch":
        cohort = tmp_path / "c.csv"
        cohort.write_text("ref,nation\nr1,england\n")
        args = ["batch", str(cohort), "--as-of", AS_OF]
    else:
        args = ["rules", "check", "--as-of", AS_OF]
    code, out, err = run_main(capsys, *args, "--rules", str(rules))
    assert code == 2, out + err
    assert "rules.yaml:" in err
    no_traceback(out, err)


# Row 14: NaN and infinity are not numbers a rules file may hold ---------------------------

@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e999"])
def test_non_finite_numbers_are_refused(tmp_path: Path, value: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rules = crafted(tmp_path, "hours_per_week: 37.5", f"hours_per_week: {value}")
    code, out, err = run_main(capsys, "rules", "check", "--rules", str(rules), "--as-of", AS_OF)
    assert code == 2 and "hours_per_week" in err
    code, out, err = run_main(capsys, "check", "--rules", str(rules), "--set", "nation=england",
                              "--as-of", AS_OF, "--format", "json")
    assert code == 2 and "Infinity" not in out and "NaN" not in out


def test_json_reports_are_strict_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "check", "--set", "nation=england", "--as-of", AS_OF,
                              "--format", "json")
    assert code == 0
    json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))


# Row 19: choice values that cannot be typed, and min above max ----------------------------

@pytest.mark.parametrize("value", ['"x,y;z"', '" padded "', '""', '"tab\\there"'])
def test_rules_check_flags_choice_values_that_cannot_be_typed(
        tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    rules = crafted(tmp_path, "{value: elsewhere, label: Somewhere else}",
                    f"{{value: elsewhere, label: Somewhere else}}\n      - {{value: {value}, "
                    "label: Odd}")
    code, out, err = run_main(capsys, "rules", "check", "--rules", str(rules), "--as-of", AS_OF)
    assert code in (1, 2), out
    assert "choice" in (out + err) and "rules.yaml:" in (out + err)
    no_traceback(out, err)


def test_rules_check_flags_min_above_max(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    rules = crafted(tmp_path, "min: 0\n    max: 600", "min: 700\n    max: 600")
    code, out, err = run_main(capsys, "rules", "check", "--rules", str(rules), "--as-of", AS_OF)
    assert code in (1, 2)
    assert "min" in (out + err) and "max" in (out + err) and "rules.yaml:" in (out + err)
    no_traceback(out, err)


# Row 8: no recursion a file can drive past Python's limit ---------------------------------

def _chain_of_conditions(tmp_path: Path, length: int) -> Path:
    names = "\n".join(f"  c{i}: {{ref: c{i + 1}}}" for i in range(length))
    return crafted(tmp_path, "conditions:\n",
                   f"conditions:\n{names}\n  c{length}: {{q: nation, equals: england}}\n"
                   "  in_scope_chain: {ref: c0}\n")


@pytest.mark.parametrize("command", ["rules", "check"])
def test_a_long_chain_of_named_conditions(tmp_path: Path, command: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rules = _chain_of_conditions(tmp_path, 600)
    text = rules.read_text().replace("when: {ref: in_england}\n    choices",
                                     "when: {ref: in_scope_chain}\n    choices", 1)
    rules.write_text(text)
    args = (["rules", "check"] if command == "rules"
            else ["check", "--set", "nation=england"])
    code, out, err = run_main(capsys, *args, "--rules", str(rules), "--as-of", AS_OF)
    assert code == 2, out + err
    assert "deep" in err and "rules.yaml:" in err
    no_traceback(out, err)


def test_a_diamond_of_named_conditions_is_bounded(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # Each condition uses the next twice: 2**40 leaves once expanded, in a few lines.
    names = "\n".join(f"  d{i}: {{any: [{{ref: d{i + 1}}}, {{not: {{ref: d{i + 1}}}}}]}}"
                      for i in range(40))
    rules = crafted(tmp_path, "conditions:\n",
                    f"conditions:\n{names}\n  d40: {{q: nation, equals: england}}\n")
    rules.write_text(rules.read_text().replace("when: {ref: in_england}\n    choices",
                                               "when: {ref: d0}\n    choices", 1))
    code, out, err = run_main(capsys, "rules", "check", "--rules", str(rules), "--as-of", AS_OF)
    assert code == 2 and "rules.yaml:" in err
    no_traceback(out, err)


def test_very_many_questions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = "".join(
        f"  - id: q{i}\n    text: Question {i}?\n    fact: answer {i}\n    type: choice\n"
        "    choices:\n      - {value: a, label: A}\n      - {value: b, label: B}\n"
        for i in range(1000))
    rules = crafted(tmp_path, "questions:\n", "questions:\n" + extra)
    code, out, err = run_main(capsys, "rules", "check", "--rules", str(rules), "--as-of", AS_OF)
    assert code in (1, 2), out + err
    no_traceback(out, err)


# Row 5: the walk, the check and the diff finish within a stated budget --------------------

def exploding_rules(tmp_path: Path, questions: int, name: str = "rules.yaml") -> Path:
    """Yes/no questions that each gate a requirement of one route: each doubles the walk."""
    asked = "".join(
        f"  - id: x{i}\n    text: Is point {i} true?\n    fact: point {i}\n    type: choice\n"
        "    choices:\n      - {value: yes_, label: It holds}\n"
        "      - {value: no_, label: It does not}\n"
        for i in range(questions))
    reqs = "".join(
        f"  - id: r{i}\n    kind: need\n    title: Point {i}\n"
        f"    met_when: {{q: x{i}, equals: yes_}}\n    met: Point {i} holds.\n"
        f"    unmet: Point {i} does not hold.\n    how_to_meet: Make point {i} hold.\n"
        "    sources: [SRC-A]\n" for i in range(questions))
    text = sound_text()
    text = text.replace("\nrequirements:\n", "\n" + asked + "\nrequirements:\n" + reqs, 1)
    text = text.replace("requirements: [in_england, experience]",
                        "requirements: [in_england, experience, "
                        + ", ".join(f"r{i}" for i in range(questions)) + "]", 1)
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "walk", "diff"])
def test_an_exploding_walk_stops_within_its_budget(tmp_path: Path, command: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rules = exploding_rules(tmp_path, 40)
    if command == "check":
        args = ["rules", "check", "--rules", str(rules)]
    elif command == "walk":
        args = ["rules", "walk", "--summary", "--rules", str(rules)]
    else:
        args = ["rules", "diff", str(tmp_path / "sound.yaml"), str(rules)]
        (tmp_path / "sound.yaml").write_text(sound_text())
    code, out, err = run_main(capsys, *args, "--as-of", AS_OF)
    assert code == 2, out + err
    assert "budget" in err and "--budget" in err  # what was exceeded, and how to raise it
    no_traceback(out, err)


def test_the_budget_can_be_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = exploding_rules(tmp_path, 6)
    code, out, err = run_main(capsys, "rules", "walk", "--summary", "--rules", str(rules),
                              "--as-of", AS_OF, "--budget", "50")
    assert code == 2 and "50" in err and "--budget" in err
    code, out, err = run_main(capsys, "rules", "walk", "--summary", "--rules", str(rules),
                              "--as-of", AS_OF, "--budget", "100000")
    assert code in (0, 1), err
    assert "Walked" in out


def test_the_shipped_rules_walk_well_within_the_default_budget() -> None:
    from datetime import date

    from hitpath.lint.walk import DEFAULT_BUDGET, walk
    from hitpath.load.ruleset import load_rules

    result = walk(load_rules(), date(2026, 4, 1))
    assert result.runs * 3 <= DEFAULT_BUDGET  # room to grow before anyone meets it


# Hostile YAML (the review's passing cases) ------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("a: &a [x, x]\nb: [*a, *a]\n", "alias"),
    ("a: !!python/object/apply:os.system [echo hi]\n", "tag"),
    ("a: 1\na: 2\n", "twice"),
    ("a: " + "[" * 200 + "]" * 200 + "\n", "nested"),
    ("a: <<: {b: 1}\n", "YAML"),
])
def test_hostile_yaml_is_refused_as_data(tmp_path: Path, text: str, words: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    for kind in ("answers", "rules"):
        path = tmp_path / f"{kind}.yaml"
        path.write_text(text)
        args = (["check", "--answers", str(path)] if kind == "answers"
                else ["rules", "check", "--rules", str(path)])
        code, out, err = run_main(capsys, *args, "--as-of", AS_OF)
        assert code == 2, (kind, out + err)
        assert f"{path.name}:" in err and words.lower() in err.lower()
        no_traceback(out, err)


def test_a_rules_file_that_grows_while_it_is_read(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Its size is checked before reading, and what was read is checked again: a file that
    grew in between is refused in words, not stopped on an internal check."""
    from hitpath.core.errors import HitpathError
    from hitpath.load import strict
    from hitpath.load.ruleset import load_rules

    rules = tmp_path / "rules.yaml"
    rules.write_bytes(b"#" * (strict.MAX_BYTES + 10))
    monkeypatch.setattr(strict.os.path, "getsize", lambda path: 100)
    with pytest.raises(HitpathError, match="at most 1,000,000 bytes"):
        load_rules(str(rules))
