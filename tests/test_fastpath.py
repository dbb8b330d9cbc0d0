"""The fast path must give exactly what the engine gives, for any valid answers and date."""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hitpath.cohort.fastpath import compile_rules, outcome_of
from hitpath.core.engine import assess
from hitpath.core.model import Answers, Question, Rules
from hitpath.load.answers import coerce
from hitpath.load.ruleset import SHIPPED_RULES, load_rules

SHIPPED = load_rules(None)

# Values near every threshold the rules use, plus the rest of the range.
NUMBERS = st.one_of(st.sampled_from([0, 1, 11, 12, 13, 17, 18, 23, 24, 25, 30, 36]),
                    st.integers(min_value=0, max_value=720))
DATES = st.one_of(
    st.sampled_from([date(2022, 3, 31), date(2022, 4, 1), date(2024, 2, 29), date(2023, 2, 28),
                     date(2025, 4, 1), date(2026, 3, 31)]),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)),
)


def raw_answer(question: Question) -> st.SearchStrategy[Any]:
    """A raw answer as a file or a CSV cell could give it."""
    unsure = [st.just("not_sure")] if question.unsure_allowed else []
    if question.type == "choice":
        return st.sampled_from(question.values)
    if question.type == "multi":
        plain = [v for v in question.values if not any(
            c.exclusive and c.value == v for c in question.choices)]
        exclusive = [[c.value] for c in question.choices if c.exclusive]
        return st.one_of(st.lists(st.sampled_from(plain), min_size=1, max_size=4, unique=True),
                         *[st.just(e) for e in exclusive])
    if question.type == "number":
        return st.one_of(NUMBERS, *unsure)
    month_only = DATES.map(lambda d: d.isoformat()[:7])
    return st.one_of(DATES.map(date.isoformat), month_only, *unsure)


@st.composite
def answers_for(draw: st.DrawFn, rules: Rules) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for question in rules.questions:
        # Leave about a third unanswered, to reach the undecided verdicts. Batch runs give an
        # unanswered question as None (a blank cell), so half of them come that way.
        if draw(st.integers(0, 2)) == 0:
            if draw(st.booleans()):
                values[question.id] = None
            continue
        raw = draw(raw_answer(question))
        try:
            value, _ = coerce(question, raw)
        except ValueError:
            assume(False)
        values[question.id] = value
    return values


AS_OF = st.one_of(st.sampled_from([date(2026, 3, 31), date(2024, 2, 29)]),
                  st.dates(min_value=date(2018, 1, 1), max_value=date(2032, 12, 31)))


def check_equal(rules: Rules, values: dict[str, Any], as_of: date) -> None:
    fast = compile_rules(rules).assessor(as_of)(dict(values))
    given = {k: v for k, v in values.items() if v is not None}
    # The full assessment, as check makes it: its first intakes too.
    slow = outcome_of(assess(rules, Answers(given), as_of), rules)
    assert fast == slow, (values, as_of)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), as_of=AS_OF)
def test_fast_path_equals_engine_on_shipped_rules(data: st.DataObject, as_of: date) -> None:
    check_equal(SHIPPED, data.draw(answers_for(SHIPPED)), as_of)


def _every_operator_rules(tmp: str) -> Rules:
    """The shipped rules plus requirements that use every operator and every condition form."""
    with open(SHIPPED_RULES, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    data["conditions"]["odd_mix"] = {"any": [
        {"q": "core_experience_months", "at_most": 30},
        {"q": "pay_area", "not_in": ["fringe", "elsewhere"]},
        {"q": "professions", "contains_all": ["pwp", "other_nurse"]},
    ]}
    base = {"met": "m", "unmet": "u", "how_to_meet": "h", "sources": ["NHSE-TT"]}
    extra = [
        {"id": "x_mix", "kind": "need", "title": "mix", **base,
         "applies_when": {"q": "right_to_work", "in": ["yes", "not_sure"]},
         "met_when": {"all": [{"ref": "odd_mix"},
                              {"q": "professions", "contains_none": ["none"]},
                              {"q": "modality", "not_equals": "cbt"}]}},
        {"id": "x_gate", "kind": "gate", "title": "gate", **base,
         "applies_when": {"any": [{"q": "course_start", "answered": True},
                                  {"q": "right_to_work", "equals": "not_sure"}]},
         "met_when": {"not": {"all": [{"q": "previous_exam_board", "before": "2024-01-01"},
                                      {"q": "pwp_employment_months", "equals": 24},
                                      {"q": "degree", "answered": False}]}}},
        {"id": "x_months", "kind": "months", "title": "months", **base,
         "applies_when": {"q": "right_to_work", "not_equals": "no"},
         "question": "mental_health_experience_months", "at_least": 6},
        {"id": "x_date", "kind": "date", "title": "date", **base,
         "applies_when": {"q": "modality", "in": ["cbt", "ipt"]},
         "question": "previous_training_started", "plus_years": 1, "plus_months": 6},
    ]
    data["requirements"].extend(extra)
    added = (["x_mix", "x_date"], ["x_gate"], ["x_months", "x_mix"], ["x_gate", "x_date"])
    for route, ids in zip(data["routes"], added, strict=True):
        route["requirements"] = ids + route["requirements"]
    path = os.path.join(tmp, "rules.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        # Through JSON first, so shared parts are written out in full (no YAML anchors).
        plain = json.loads(json.dumps(data, default=str))
        yaml.safe_dump(plain, handle, sort_keys=False, allow_unicode=True)
    return load_rules(path)


@pytest.fixture(scope="module")
def every_operator(tmp_path_factory: pytest.TempPathFactory) -> Rules:
    return _every_operator_rules(str(tmp_path_factory.mktemp("rules")))


@settings(max_examples=500, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), as_of=AS_OF)
def test_fast_path_equals_engine_for_every_operator(
    every_operator: Rules, data: st.DataObject, as_of: date
) -> None:
    check_equal(every_operator, data.draw(answers_for(every_operator)), as_of)


PWP = {"nation": "england", "professions": ("pwp",), "pwp_employment_months": 30,
       "degree": "yes", "ksa_portfolio": "in_progress", "previous_nhs_training": "yes",
       "previous_training_programme": "pwp", "previous_training_started": date(2022, 9, 5),
       "previous_exam_board": date(2023, 7, 14)}


def test_known_person_outcome() -> None:
    # A PWP with 30 months in post, whose funding clock ran out in July 2025.
    outcome = compile_rules(SHIPPED).assessor(date(2026, 5, 1))(dict(PWP))
    verdicts, dates, rule, funding_from, best, main, undecided, *_ = outcome
    assert dict(zip((r.id for r in SHIPPED.routes), verdicts, strict=True))["pwp"] == "eligible"
    assert rule == "applies" and funding_from == date(2025, 7, 14)
    assert (best, main, undecided) == ("pwp", "", ())


def test_dated_requirement_is_the_main_unmet() -> None:
    values = dict(PWP, previous_exam_board=date(2025, 7, 14), pwp_employment_months=12)
    outcome = compile_rules(SHIPPED).assessor(date(2026, 5, 1))(values)
    assert outcome[4:7] == ("pwp", "nhs_funding_gap", ())
    assert outcome[1][[r.id for r in SHIPPED.routes].index("pwp")] == date(2027, 7, 14)


def test_undecided_names_the_deciding_answers() -> None:
    values = {k: v for k, v in PWP.items() if k != "pwp_employment_months"}
    outcome = compile_rules(SHIPPED).assessor(date(2026, 5, 1))(values)
    assert outcome[4:7] == ("pwp", "pwp_experience", ("pwp_employment_months",))


def test_no_route_applies() -> None:
    outcome = compile_rules(SHIPPED).assessor(date(2026, 5, 1))(
        {"nation": "scotland", "professions": ("none",)})
    assert set(outcome[0]) == {"not_eligible"}
    assert outcome[4:7] == ("", "", ())
