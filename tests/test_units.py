"""Unit tests of the pieces under the engine: dates, the strict loader, answers, conditions."""

from __future__ import annotations

from datetime import date

import pytest

from hitpath.core.conditions import evaluate
from hitpath.core.dates import add_months, long_date, months_between, parse_iso
from hitpath.core.errors import HitpathError
from hitpath.core.model import UNSURE, Answers, Rules, to_plain
from hitpath.load.answers import apply_sets, coerce, from_mapping
from hitpath.load.strict import parse_yaml


class TestDates:
    def test_two_years_same_day(self) -> None:
        assert add_months(date(2023, 7, 14), 24) == date(2025, 7, 14)

    def test_leap_day_maps_to_first_of_march(self) -> None:
        assert add_months(date(2024, 2, 29), 24) == date(2026, 3, 1)
        assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)

    def test_month_end_rolls_forward(self) -> None:
        assert add_months(date(2025, 1, 31), 1) == date(2025, 3, 1)
        assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
        assert add_months(date(2025, 3, 31), -1) == date(2025, 3, 1)

    def test_months_between(self) -> None:
        assert months_between(date(2025, 1, 15), date(2025, 4, 14)) == 2
        assert months_between(date(2025, 1, 15), date(2025, 4, 15)) == 3
        assert months_between(date(2025, 4, 15), date(2025, 1, 15)) == 0

    def test_parse_iso(self) -> None:
        assert parse_iso("2025-07-14") == (date(2025, 7, 14), False)
        assert parse_iso("2024-02") == (date(2024, 2, 29), True)

    @pytest.mark.parametrize("text", ["2023-02-30", "2023-13-01", "14/07/2025", "2025-7", "x"])
    def test_parse_iso_refuses(self, text: str) -> None:
        with pytest.raises(ValueError):
            parse_iso(text)

    def test_years_on_both_sides_of_the_range(self) -> None:
        assert parse_iso("1900-01-01") == (date(1900, 1, 1), False)
        assert parse_iso("2100-12") == (date(2100, 12, 31), True)
        for text in ("1899-12-31", "2101-01"):
            with pytest.raises(ValueError, match="out of range; expected 1900 to 2100"):
                parse_iso(text)

    def test_impossible_day_message_names_the_month(self) -> None:
        with pytest.raises(ValueError, match="February 2023 has 28 days"):
            parse_iso("2023-02-30")

    def test_long_date(self) -> None:
        assert long_date(date(2025, 7, 14)) == "14 July 2025"


class TestStrictLoader:
    def test_plain_data_and_lines(self) -> None:
        data, lines = parse_yaml("a: 1\nb:\n  - x\n  - 2024-02-30\n", "f.yaml")
        assert data == {"a": 1, "b": ["x", "2024-02-30"]}
        assert lines[("b",)] == 2 and lines[("b", 1)] == 4

    @pytest.mark.parametrize(("text", "needle", "line"), [
        ("a: &x [1]\nb: *x\n", "aliases", 2),
        ("a: &x 1\nb: *x\n", "aliases", 2),
        ("a: 1\nb: 2\na: 3\n", "appears twice", 3),
        ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply", 1),
        ("a: !custom 1\n", "!custom", 1),
        ("a: [1\n", "not valid YAML", 2),
        ("<<: {a: 1}\n", "merge", 1),
        ("a: !!binary aGk=\n", "!!binary", 1),
    ])
    def test_refusals_name_the_line(self, text: str, needle: str, line: int) -> None:
        with pytest.raises(HitpathError) as caught:
            parse_yaml(text, "f.yaml")
        assert needle in caught.value.render()
        assert caught.value.line == line

    def test_billion_laughs_is_refused_at_once(self) -> None:
        bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
            f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
            f"*{chr(97 + i)}]\n" for i in range(8))
        assert len(bomb) < 1000
        with pytest.raises(HitpathError, match="aliases"):
            parse_yaml(bomb, "bomb.yaml")

    def test_json_is_read_too(self) -> None:
        data, _ = parse_yaml('{"nation": "england", "professions": ["pwp"]}', "a.json")
        assert data == {"nation": "england", "professions": ["pwp"]}


class TestAnswers:
    def test_yes_and_no_booleans_are_the_choices(self, rules: Rules) -> None:
        answers = from_mapping(rules, {"degree": True, "right_to_work": False}, "a.yaml")
        assert answers.values == {"degree": "yes", "right_to_work": "no"}

    def test_single_profession_as_a_string(self, rules: Rules) -> None:
        answers = from_mapping(rules, {"professions": "pwp"}, "a.yaml")
        assert answers.values["professions"] == ("pwp",)

    def test_unknown_key_did_you_mean(self, rules: Rules) -> None:
        with pytest.raises(HitpathError) as caught:
            from_mapping(rules, {"profesions": ["pwp"]}, "a.yaml", {("profesions",): 3})
        text = caught.value.render()
        assert "a.yaml:3" in text and "profesions" in text and "Did you mean 'professions'" in text

    def test_value_outside_choices_lists_allowed(self, rules: Rules) -> None:
        with pytest.raises(HitpathError, match="Allowed: england, scotland"):
            from_mapping(rules, {"nation": "englnd"}, "a.yaml")

    def test_negative_months(self, rules: Rules) -> None:
        with pytest.raises(HitpathError, match="at least 0"):
            from_mapping(rules, {"pwp_employment_months": -3}, "a.yaml")

    def test_fractional_months(self, rules: Rules) -> None:
        with pytest.raises(HitpathError, match="whole number"):
            from_mapping(rules, {"pwp_employment_months": 2.5}, "a.yaml")

    def test_impossible_date(self, rules: Rules) -> None:
        with pytest.raises(HitpathError, match="February 2023 has 28 days"):
            from_mapping(rules, {"previous_exam_board": "2023-02-30"}, "a.yaml")

    def test_none_is_exclusive(self, rules: Rules) -> None:
        with pytest.raises(HitpathError, match="cannot be combined"):
            from_mapping(rules, {"professions": ["none", "pwp"]}, "a.yaml")

    def test_not_a_mapping(self, rules: Rules) -> None:
        with pytest.raises(HitpathError, match="mapping"):
            from_mapping(rules, ["nation", "england"], "a.yaml")

    def test_not_sure_only_where_allowed(self, rules: Rules) -> None:
        q = rules.question_by_id["previous_exam_board"]
        assert coerce(q, "not_sure") == (UNSURE, False)
        with pytest.raises(ValueError):
            coerce(rules.question_by_id["course_start"], "not_sure")

    def test_set_overrides_and_clears(self, rules: Rules) -> None:
        base = from_mapping(rules, {"nation": "england", "course_start": "2025-09-01"}, "a")
        changed = apply_sets(rules, base, ["professions=pwp,mental_health_nurse",
                                           "course_start="])
        assert changed.values == {"nation": "england",
                                  "professions": ("pwp", "mental_health_nurse")}

    def test_set_needs_key_value(self, rules: Rules) -> None:
        with pytest.raises(HitpathError, match="KEY=VALUE"):
            apply_sets(rules, Answers(), ["nation"])

    def test_round_trip_keeps_month_only(self, rules: Rules) -> None:
        answers = from_mapping(rules, {"previous_exam_board": "2023-07",
                                       "professions": ["pwp"]}, "a")
        assert to_plain(answers, rules) == {"professions": ["pwp"],
                                            "previous_exam_board": "2023-07"}


class TestConditions:
    def test_three_valued_all_any_not(self, rules: Rules) -> None:
        cond = {"all": [{"q": "nation", "equals": "england"},
                        {"q": "degree", "equals": "yes"}]}
        assert evaluate(rules, cond, {"nation": "england", "degree": "yes"}) is True
        assert evaluate(rules, cond, {"nation": "wales"}) is False
        assert evaluate(rules, cond, {"nation": "england"}) is None
        assert evaluate(rules, {"any": cond["all"]}, {"degree": "yes"}) is True
        assert evaluate(rules, {"not": cond}, {"nation": "england"}) is None

    def test_not_sure_is_unknown_unless_named(self, rules: Rules) -> None:
        yes = {"q": "previous_nhs_training", "equals": "yes"}
        unsure = {"q": "previous_nhs_training", "equals": "not_sure"}
        answers = {"previous_nhs_training": "not_sure"}
        assert evaluate(rules, yes, answers) is None
        assert evaluate(rules, unsure, answers) is True

    def test_dates(self, rules: Rules) -> None:
        cond = {"q": "previous_training_started", "on_or_after": "2022-04-01"}
        assert evaluate(rules, cond, {"previous_training_started": date(2022, 4, 1)}) is True
        assert evaluate(rules, cond, {"previous_training_started": date(2022, 3, 31)}) is False


def test_what_if_names_a_requirement_that_moved_under_the_same_verdict(rules: Rules) -> None:
    from hitpath.core.engine import assess
    from hitpath.report.words import changes

    base = {"nation": "england", "professions": ["pwp"], "pwp_employment_months": "not_sure",
            "degree": "yes", "ksa_portfolio": "complete", "previous_nhs_training": "yes",
            "previous_training_programme": "pwp", "previous_training_started": "2022-05-03",
            "previous_exam_board": "2023-07-14", "course_start": "2025-01-13"}
    old = assess(rules, from_mapping(rules, base, "a"), date(2024, 11, 1))
    new = assess(rules, from_mapping(rules, {**base, "course_start": "2025-09-22"}, "b"),
                 date(2024, 11, 1))
    assert old.routes[1].verdict == new.routes[1].verdict == "unsure"
    moved = changes(old, new, rules)
    assert any("now met" in line and "Two years after the exam board" in line
               for line in moved), moved
