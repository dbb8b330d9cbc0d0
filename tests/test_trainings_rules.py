"""Trainings in the rules: one truth with check's routes, and clear errors for bad training data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hitpath.core.errors import HitpathError
from hitpath.core.intakes import first_intake
from hitpath.load.ruleset import SHIPPED_RULES, load_rules

SHIPPED = Path(SHIPPED_RULES).read_text(encoding="utf-8")


def test_hit_entry_is_the_checked_routes() -> None:
    rules = load_rules()
    hit = rules.trainings["hit"]
    assert hit.routes == tuple(r.id for r in rules.routes)
    # Length and bands come from the same terms check reports.
    assert hit.length_months == rules.terms.training.length_months
    assert (hit.training_band, hit.qualified_band) == (
        rules.terms.trainee_band, rules.terms.qualified_band)


def test_every_training_has_intakes_and_sourced_facts() -> None:
    rules = load_rules()
    assert rules.trainings
    for training in rules.trainings.values():
        assert training.calendar.intakes, training.id
        assert all(i.sources for i in training.calendar.intakes), training.id
        assert training.length.sources and training.bands_sources, training.id
        assert training.rule.sources and training.funded.sources, training.id
        assert training.lag_from <= training.lag_to, training.id
        assert first_intake(training.calendar, date(2026, 11, 30)) is not None, training.id


HIT_INTAKE = "      - {month: 1, advert_months_before: {from: 6, to: 3}, confidence: consistent"

CASES = [
    ("an unknown route", "    routes: [core_profession, pwp, ksa, counselling]",
     "    routes: [core_profesion, pwp, ksa, counselling]", "trainings.hit.routes",
     "Did you mean 'core_profession'?"),
    ("two intakes in one month", HIT_INTAKE,
     HIT_INTAKE.replace("month: 1,", "month: 9,"), "trainings.hit", "share a month"),
    ("advert months the wrong way round", HIT_INTAKE,
     HIT_INTAKE.replace("from: 6, to: 3", "from: 3, to: 6"), "trainings.hit.intakes",
     "must be >= 'to'"),
    ("no such month", HIT_INTAKE, HIT_INTAKE.replace("month: 1,", "month: 13,"),
     "trainings.hit.intakes", "12"),
    ("an earlier-training answer the question lacks", "    previous_training_value: cbt_hit",
     "    previous_training_value: cbt", "trainings.hit.previous_training_value",
     "Did you mean 'cbt_hit'?"),
    ("an assumed answer the question lacks", "{question: ksa_portfolio, value: in_progress",
     "{question: ksa_portfolio, value: underway", "trainings.hit.plan_assumes",
     "Choices:"),
    ("a misspelt training key", "    exam_board_lag_months: {from: 1, to: 4",
     "    exam_board_lag: {from: 1, to: 4", "trainings.hit",
     "Did you mean 'exam_board_lag_months'?"),
]


@pytest.mark.parametrize(("name", "old", "new", "key", "hint"), CASES,
                         ids=[c[0] for c in CASES])
def test_training_error_names_line_key_and_fix(tmp_path: Path, name: str, old: str, new: str,
                                               key: str, hint: str) -> None:
    assert old in SHIPPED, name
    broken = SHIPPED.replace(old, new, 1)
    path = tmp_path / "rules.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(HitpathError) as caught:
        load_rules(str(path))
    text = caught.value.render()
    assert f"{path}:" in text and caught.value.line, text
    assert key in text, text
    assert hint in text, text


def test_every_training_opens_a_plan_in_its_own_words() -> None:
    """A plan to any goal opens with what that training is, not with another's service."""
    rules = load_rules()
    for tid, training in rules.trainings.items():
        assert training.opening is not None and training.opening.sources, tid
        if tid != "hit":
            assert "Talking Therapies" not in training.opening.text or tid == "pwp", tid
    nation = rules.question_by_id["nation"]
    assert nation.plan_help and "Talking Therapies" not in nation.plan_help
