"""The intake calendar: certainly made, depends on the exact start of teaching, closed rounds."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from hitpath.core.intakes import (
    ApplicationWindow,
    Calendar,
    Intake,
    applications,
    first_intake,
    intake_starts,
)

ADVERTS = Calendar((Intake(9, 6, 3), Intake(1, 6, 3)))
ROUND = Calendar((Intake(9), Intake(10)), ApplicationWindow(9, 1, 11, 20, 1))


def test_ready_on_the_first_of_the_month_makes_that_intake() -> None:
    found = first_intake(ADVERTS, date(2027, 9, 1))
    assert found is not None
    assert found.certain == date(2027, 9, 1)
    assert found.possible_earlier is None


def test_ready_later_in_the_month_depends_on_the_start_of_teaching() -> None:
    found = first_intake(ADVERTS, date(2027, 9, 2))
    assert found is not None
    assert found.possible_earlier == date(2027, 9, 1)
    assert found.certain == date(2028, 1, 1)


def test_ready_on_the_last_day_before_the_month_is_certain() -> None:
    found = first_intake(ADVERTS, date(2027, 8, 31))
    assert found is not None
    assert (found.certain, found.possible_earlier) == (date(2027, 9, 1), None)


def test_adverts_open_and_close_whole_months_before_the_start() -> None:
    found = first_intake(ADVERTS, date(2027, 5, 10))
    assert found is not None
    assert found.advertised_from == date(2027, 3, 1)
    assert found.advertised_to == date(2027, 6, 30)


def test_an_intake_whose_adverts_closed_before_applying_is_passed_over() -> None:
    # Adverts for January 2027 usually close by 31 October 2026.
    on_time = first_intake(ADVERTS, date(2026, 12, 1), applying_from=date(2026, 10, 31))
    late = first_intake(ADVERTS, date(2026, 12, 1), applying_from=date(2026, 11, 1))
    assert on_time is not None and late is not None
    assert on_time.certain == date(2027, 1, 1) and on_time.closed is None
    assert late.certain == date(2027, 9, 1) and late.closed == date(2027, 1, 1)


def test_application_window_to_the_day() -> None:
    last_day = first_intake(ROUND, date(2027, 1, 1), applying_from=date(2026, 11, 20))
    day_after = first_intake(ROUND, date(2027, 1, 1), applying_from=date(2026, 11, 21))
    assert last_day is not None and day_after is not None
    assert last_day.certain == date(2027, 9, 1)
    assert (last_day.advertised_from, last_day.advertised_to) == (
        date(2026, 9, 1), date(2026, 11, 20))
    assert day_after.certain == date(2028, 9, 1)
    assert day_after.closed == date(2027, 9, 1)


def test_funding_date_inside_october_leaves_october_possible_only() -> None:
    # An exam board on 22 October 2025: funding from 22 October 2027.
    found = first_intake(ROUND, date(2027, 10, 22), applying_from=date(2025, 4, 11))
    assert found is not None
    assert found.possible_earlier == date(2027, 10, 1)
    assert found.certain == date(2028, 9, 1)


def test_year_wraps_to_january() -> None:
    found = first_intake(Calendar((Intake(1),)), date(2027, 2, 1))
    assert found is not None and found.certain == date(2028, 1, 1)


def test_empty_calendar_has_no_intake() -> None:
    assert first_intake(Calendar(()), date(2027, 1, 1)) is None



def test_window_closing_day_is_clamped_to_the_month() -> None:
    cal = Calendar((Intake(9),), ApplicationWindow(9, 1, 11, 30, 1))
    apps = applications(cal, date(2027, 9, 1), Intake(9))
    assert apps.closes == date(2026, 11, 30)


months = st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True)
days = st.dates(min_value=date(2022, 1, 1), max_value=date(2040, 12, 31))


@given(months, days, st.integers(0, 6), st.integers(0, 400))
def test_first_intake_is_the_first_one_made(
    chosen: list[int], ready: date, lead: int, early: int
) -> None:
    cal = Calendar(tuple(Intake(m, lead + 2, lead) for m in chosen))
    applying_from = ready - timedelta(days=early)
    found = first_intake(cal, ready, applying_from)
    assert found is not None
    assert found.certain >= ready and found.certain.day == 1
    assert found.certain.month in chosen
    assert found.advertised_to is not None and found.advertised_to >= applying_from
    # No intake between ready and the certain one was open for applications.
    for start, intake in intake_starts(cal, ready):
        if start >= found.certain:
            break
        closes = applications(cal, start, intake).closes
        assert start < ready or (closes is not None and closes < applying_from)
    if found.possible_earlier is not None:
        assert found.possible_earlier < ready
        assert (found.possible_earlier.year, found.possible_earlier.month) == (
            ready.year, ready.month)
