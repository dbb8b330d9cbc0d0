"""Property tests: random answers never break the engine; more experience never hurts and a
later exam board never helps; random bytes never get past the loaders as anything but a clean
error."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hitpath.core.engine import assess
from hitpath.core.errors import HitpathError
from hitpath.core.model import UNSURE, Answers, Rules
from hitpath.load.answers import from_mapping
from hitpath.load.ruleset import load_rules
from hitpath.load.strict import parse_yaml

RULES = load_rules()
RANK = {"not_eligible": 0, "not_yet": 1, "eligible_from": 2, "eligible": 3}
DATES = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31))


def _value(question: Any) -> st.SearchStrategy[Any]:
    if question.type == "choice":
        return st.sampled_from(question.values)
    if question.type == "multi":
        plain = [v for v in question.values if v != "none"]
        return st.one_of(st.just(["none"]),
                         st.lists(st.sampled_from(plain), min_size=1, max_size=4, unique=True))
    if question.type == "number":
        numbers = st.integers(min_value=0, max_value=120)
        return st.one_of(numbers, st.just(UNSURE)) if question.unsure_allowed else numbers
    dates = DATES.map(lambda d: d.isoformat())
    return st.one_of(dates, st.just(UNSURE)) if question.unsure_allowed else dates


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    out = {}
    for question in RULES.questions:
        if draw(st.booleans()):
            out[question.id] = draw(_value(question))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answers(), as_of=DATES)
def test_any_answers_yield_four_routes(raw: dict[str, Any], as_of: date) -> None:
    result = assess(RULES, from_mapping(RULES, raw, "random"), as_of)
    assert [r.id for r in result.routes] == ["core_profession", "pwp", "ksa", "counselling"]
    for route in result.routes:
        assert route.verdict in ("eligible", "eligible_from", "not_yet", "not_eligible",
                                 "unsure")
        assert (route.eligible_from is not None) == (route.verdict == "eligible_from")
        if route.eligible_from:
            assert route.eligible_from > result.reference_date
        if route.verdict == "unsure":
            assert route.unknown, "an undecided route must name the answers that decide it"
        for unmet in route.unmet:
            assert unmet.sources and unmet.text
    brief = assess(RULES, from_mapping(RULES, raw, "random"), as_of, detail=False)
    assert [(r.verdict, r.eligible_from) for r in brief.routes] == [
        (r.verdict, r.eligible_from) for r in result.routes]


@settings(max_examples=200, deadline=None)
@given(raw=answers(), as_of=DATES,
       key=st.sampled_from(["core_experience_months", "pwp_employment_months",
                            "mental_health_experience_months"]),
       more=st.integers(min_value=1, max_value=60))
def test_more_experience_never_makes_a_verdict_worse(raw: dict[str, Any], as_of: date,
                                                     key: str, more: int) -> None:
    if not isinstance(raw.get(key), int):
        raw[key] = 0
    before = assess(RULES, from_mapping(RULES, raw, "a"), as_of)
    raw[key] += more
    after = assess(RULES, from_mapping(RULES, raw, "b"), as_of)
    for old, new in zip(before.routes, after.routes, strict=True):
        if "unsure" in (old.verdict, new.verdict):
            continue
        assert RANK[new.verdict] >= RANK[old.verdict], (old.id, old.verdict, new.verdict)
        if old.verdict == new.verdict == "eligible_from":
            assert new.eligible_from and old.eligible_from
            assert new.eligible_from <= old.eligible_from


@settings(max_examples=100, deadline=None)
@given(raw=answers(), as_of=DATES, days=st.integers(min_value=1, max_value=800))
def test_a_later_exam_board_never_makes_a_route_better(raw: dict[str, Any], as_of: date,
                                                       days: int) -> None:
    board = date(2023, 7, 14)
    raw["previous_exam_board"] = board.isoformat()
    before = assess(RULES, from_mapping(RULES, raw, "a"), as_of)
    raw["previous_exam_board"] = (board + timedelta(days=days)).isoformat()
    after = assess(RULES, from_mapping(RULES, raw, "b"), as_of)
    for old, new in zip(before.routes, after.routes, strict=True):
        if "unsure" in (old.verdict, new.verdict):
            assert old.verdict == new.verdict == "unsure" or old.verdict != new.verdict
            continue
        assert RANK[new.verdict] <= RANK[old.verdict], (old.id, old.verdict, new.verdict)
        if old.verdict == new.verdict == "eligible_from":
            assert new.eligible_from and old.eligible_from
            assert new.eligible_from >= old.eligible_from


@settings(max_examples=300, deadline=None)
@given(blob=st.binary(max_size=400))
def test_random_bytes_as_an_answers_file_give_a_clean_error_or_answers(blob: bytes) -> None:
    import tempfile

    from hitpath.load.strict import load_file

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/answers.yaml"
        with open(path, "wb") as handle:
            handle.write(blob)
        try:
            data, lines = load_file(path, "answers")
            result = from_mapping(RULES, data, path, lines)
        except HitpathError as exc:
            assert exc.render()
            return
    assert isinstance(result, Answers)


YAMLISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(st.sampled_from([q.id for q in RULES.questions] + ["other"]),
                            YAMLISH, max_size=6))
def test_random_structures_as_answers_give_a_clean_error_or_answers(data: dict[str, Any]) -> None:
    import yaml

    text = yaml.safe_dump(data)
    try:
        parsed, lines = parse_yaml(text, "random.yaml")
        result = from_mapping(RULES, parsed, "random.yaml", lines)
    except HitpathError as exc:
        assert exc.render()
        return
    assert isinstance(result, Answers)


@settings(max_examples=60, deadline=None)
@given(blob=st.text(max_size=300))
def test_random_text_as_rules_gives_a_clean_error(blob: str) -> None:
    from hitpath.load.ruleset import validate_text

    with pytest.raises(HitpathError) as refused:  # random text is never a whole rules file
        validate_text(blob, "rules.yaml")
    assert refused.value.render()


def test_rules_fixture_is_the_shipped_rules(rules: Rules) -> None:
    assert rules.origin == RULES.origin
    assert (rules.questions, rules.routes) == (RULES.questions, RULES.routes)
