"""Batch remembers outcomes by class (``fastpath.OutcomeClasses``): every row's class must
carry exactly the outcome the plain fast path gives that row (which a property test holds to
the engine), however many rows came before it and in whatever order."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hitpath.cohort import fastpath
from hitpath.cohort.batch import Reasons, _CellReader, _Columns, csv_line
from hitpath.cohort.fastpath import compile_rules
from hitpath.core.model import Rules
from hitpath.load.ruleset import SHIPPED_RULES, load_rules
from tests.test_batch_streaming import BENCH
from tests.test_fastpath import AS_OF, SHIPPED, _every_operator_rules, answers_for


def check_cohort(rules: Rules, people: list[dict[str, Any]], as_of: date) -> int:
    """Every person through one set of classes, each against the plain fast path; returns
    how many rows found their class already made (so the test knows classes were shared)."""
    fast = compile_rules(rules)
    plain = fast.assessor(as_of)
    classes = fast.classes(as_of)
    shared = 0
    seen: set[int] = set()
    for values in people:
        known = classes(dict(values))
        assert known.outcome == plain(dict(values)), (values, as_of)
        shared += id(known) in seen
        seen.add(id(known))
    return shared


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), as_of=AS_OF)
def test_classes_equal_the_fast_path_on_shipped_rules(data: st.DataObject, as_of: date) -> None:
    people = data.draw(st.lists(answers_for(SHIPPED), min_size=1, max_size=30))
    check_cohort(SHIPPED, people, as_of)


@pytest.fixture(scope="module")
def every_operator(tmp_path_factory: pytest.TempPathFactory) -> Rules:
    return _every_operator_rules(str(tmp_path_factory.mktemp("rules")))


@settings(max_examples=200, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), as_of=AS_OF)
def test_classes_equal_the_fast_path_for_every_operator(
    every_operator: Rules, data: st.DataObject, as_of: date
) -> None:
    # Here the dated requirements count from two different dates, so none is carried.
    people = data.draw(st.lists(answers_for(every_operator), min_size=1, max_size=30))
    check_cohort(every_operator, people, as_of)


@pytest.fixture(scope="module")
def no_reference(tmp_path_factory: pytest.TempPathFactory) -> Rules:
    """The shipped rules without a reference date (no course start counted to)."""
    with open(SHIPPED_RULES, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    del data["reference_question"]
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    plain = json.loads(json.dumps(data, default=str))
    path.write_text(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_rules(str(path))


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), as_of=AS_OF)
def test_classes_equal_the_fast_path_without_a_reference_date(
    no_reference: Rules, data: st.DataObject, as_of: date
) -> None:
    assert no_reference.reference_question is None
    people = data.draw(st.lists(answers_for(no_reference), min_size=1, max_size=30))
    check_cohort(no_reference, people, as_of)


def _cohort(count: int) -> list[dict[str, Any]]:
    """The benchmark's cohort as answer values, as batch reads them."""
    rows = [BENCH.COLUMNS, *BENCH.cohort_rows(count, seed=11)]
    reader = _CellReader(rows[0], SHIPPED)
    people = []
    for row in rows[1:]:
        values, problems = reader.slow(reader.pick(row))
        assert not problems
        people.append(dict(zip(reader.keys, values, strict=True)))
    return people


# Judged late (course starts in the past: conflicts), early (course starts still to come: the
# reference date counts experience on) and between; the carried exam board date moves in all.
@pytest.mark.parametrize("as_of", [date(2026, 5, 1), date(2020, 1, 10), date(2023, 2, 28)],
                         ids=str)
def test_classes_equal_the_fast_path_on_a_cohort(as_of: date) -> None:
    people = _cohort(6_000)
    shared = check_cohort(SHIPPED, people, as_of)
    assert shared > len(people) // 4  # classes are shared, so sharing is what is tested


def _kept(tree: dict[Any, Any]) -> int:
    """How many classes a tree holds (those moved to other dates included)."""
    return sum(1 + len(known.moved or ()) for known in fastpath._classes(tree))


@pytest.mark.parametrize("as_of", [date(2026, 5, 1), date(2020, 1, 10)], ids=str)
def test_classes_are_pruned_past_their_limit(monkeypatch: pytest.MonkeyPatch,
                                             as_of: date) -> None:
    """Memory stays flat: past the limit only the classes rows found most are kept, and
    outcomes stay right."""
    monkeypatch.setattr(fastpath, "CLASS_LIMIT", 50)
    people = _cohort(3_000)
    classes = compile_rules(SHIPPED).classes(as_of)
    plain = compile_rules(SHIPPED).assessor(as_of)
    pruned = 0
    for values in people:
        before = classes.size
        assert classes(dict(values)).outcome == plain(dict(values))
        pruned += classes.size < before
        assert classes.size == _kept(classes.roots) <= 50
    assert pruned  # the limit was reached, and rows went on finding the classes kept


def test_a_list_answer_is_judged_alone() -> None:
    """A value that cannot be remembered (a list) is judged on its own, rightly."""
    values: dict[str, Any] = {"nation": "england", "professions": ["pwp"],
                              "pwp_employment_months": 30, "degree": "yes",
                              "ksa_portfolio": "complete"}
    as_of = date(2026, 5, 1)
    got = compile_rules(SHIPPED).classes(as_of)(dict(values))
    assert got.outcome == compile_rules(SHIPPED).assessor(as_of)(dict(values))
    assert got.outcome.best_route == "pwp"


CELLS = st.lists(st.text(st.characters(codec="utf-8"), max_size=12), min_size=2, max_size=6)


@settings(max_examples=400, deadline=None)
@given(cells=CELLS)
def test_csv_lines_are_what_the_csv_writer_writes(cells: list[str]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    assert csv_line(cells) == out.getvalue()
    assert next(csv.reader(io.StringIO(csv_line(cells), newline=""))) == cells


@pytest.mark.parametrize("as_of", [date(2026, 5, 1), date(2020, 1, 10)], ids=str)
def test_csv_text_is_the_csv_line_of_the_cells(as_of: date) -> None:
    """Batch's quick CSV text of an outcome is exactly what the csv writer makes of its cells,
    route pieces remembered across outcomes included."""
    columns = _Columns(tuple(r.id for r in SHIPPED.routes), Reasons(SHIPPED, as_of))
    plain = compile_rules(SHIPPED).assessor(as_of)
    outcomes = {plain(dict(values)) for values in _cohort(3_000)}
    assert len(outcomes) > 500
    for outcome in outcomes:
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerow(columns._cells(outcome))
        assert columns.csv_text(outcome) == out.getvalue()


CARRIED = ("core_experience_months", "pwp_employment_months", "mental_health_experience_months",
           "previous_exam_board")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), as_of=AS_OF)
def test_rows_alike_but_for_their_dates_share_a_class_rightly(data: st.DataObject,
                                                              as_of: date) -> None:
    """The dates a class carries: people who differ only in the months and exam boards the
    dates come from (near every need and around the judging date) get the outcome the plain
    fast path gives them, however the classes were first met."""
    base = data.draw(answers_for(SHIPPED))
    months = st.one_of(st.none(), st.integers(0, 30))
    boards = st.one_of(st.none(), st.dates(min_value=as_of.replace(day=1) - timedelta(days=1200),
                                           max_value=as_of + timedelta(days=60)))
    variants = data.draw(st.lists(st.fixed_dictionaries({
        "core_experience_months": months, "pwp_employment_months": months,
        "mental_health_experience_months": months, "previous_exam_board": boards,
    }), min_size=2, max_size=25))
    assert all(q in SHIPPED.question_by_id for q in CARRIED)
    people = [{**base, **variant} for variant in variants]
    check_cohort(SHIPPED, people + people[::-1], as_of)


def test_classes_met_once_are_marked_until_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A class is kept the second time it is judged: its mark says so, until the marks start
    afresh after ``CLASS_LIMIT`` new ones."""
    monkeypatch.setattr(fastpath, "CLASS_LIMIT", 3)
    marks = fastpath._Marks()
    assert marks.first_sight(11) and not marks.first_sight(11)
    assert marks.first_sight(12) and marks.first_sight(13)
    assert not marks.first_sight(12) and not marks.first_sight(13)
    assert marks.first_sight(14)  # the fourth new mark: the others are forgotten
    assert marks.first_sight(11) and not marks.first_sight(14)
