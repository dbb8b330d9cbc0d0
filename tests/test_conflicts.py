"""Answers that cannot both be true have one definition (``conflicts.clash_compare``), read
two ways: by answer key for the engine and the questionnaire, by position for a cohort's rows.
Both ways must find the same conflicts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hitpath.core.conflicts import conflict_test, find
from tests.test_fastpath import AS_OF, SHIPPED, answers_for


def _near(as_of: date) -> st.SearchStrategy[Any]:
    """Values for a conflict's questions that fall on both sides of its comparison."""
    return st.one_of(st.none(), st.integers(0, 60),
                     st.integers(-900, 900).map(lambda days: as_of + timedelta(days=days)))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), as_of=AS_OF)
def test_a_row_falls_into_the_conflicts_its_answers_do(data: st.DataObject, as_of: date) -> None:
    values = data.draw(answers_for(SHIPPED))
    # Most drawn answers fall into no conflict: give the conflicts' own answers values near
    # the date of the check, so that each comparison goes both ways.
    for rule in SHIPPED.conflicts:
        for q in rule.questions:
            if data.draw(st.booleans()):
                kind = SHIPPED.question_by_id[q].type
                wanted = (st.integers(0, 60) if kind == "number" else
                          _near(as_of).filter(lambda v: isinstance(v, date) or v is None))
                values[q] = data.draw(wanted)
    keys = data.draw(st.permutations(list(SHIPPED.question_by_id)))  # any order of columns
    test = conflict_test(SHIPPED, as_of, tuple(keys))
    assert test is not None
    found = test([values.get(k) for k in keys])
    assert [r.id for r in found] == [c.id for c in find(SHIPPED, values, as_of)]
