"""The intake calendar: which teaching start a person can make, for check and plan alike.

Pure: no clock, no I/O; every date is an argument. A training's rules give its usual
teaching-start months and, for each, either the months in which posts are usually advertised
(NHS Jobs style recruitment) or one application window a year (Clearing House style). The exact
day teaching starts is not known, so an intake in month M is *certainly made* when the person
is ready on or before the 1st of M; when they are ready later in month M it *depends on the
course's exact start of teaching*, and the first certain intake is the next one.
"""


from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from hitpath.core.dates import add_months, days_in

# How far ahead the calendar looks before giving up (a plan never needs more).
HORIZON_YEARS = 25


class Intake(NamedTuple):
    """One usual teaching-start month, with the months its posts are usually advertised."""

    month: int
    advert_from: int | None = None  # months before the start that adverts usually open
    advert_to: int | None = None  # months before the start that adverts usually close
    sources: tuple[str, ...] = ()


class ApplicationWindow(NamedTuple):
    """One application round a year, for intakes ``years_before`` years later."""

    opens_month: int
    opens_day: int
    closes_month: int
    closes_day: int
    years_before: int
    sources: tuple[str, ...] = ()


class Calendar(NamedTuple):
    """A training's intakes and, when recruitment runs in rounds, its application window."""

    intakes: tuple[Intake, ...]
    window: ApplicationWindow | None = None


class Applications(NamedTuple):
    """When applications (or adverts) for one intake usually open and close (None: not known)."""

    opens: date | None
    closes: date | None


class FirstIntake(NamedTuple):
    """The first intake a person ready on a given day makes.

    ``certain`` is the first day of the month of the first intake certainly made;
    ``possible_earlier`` the first day of an earlier intake month that is made only if that
    course's teaching starts on or after the ready day; ``closed`` the first day of an intake
    that would have been made but whose applications close before the person applies.
    """

    certain: date
    possible_earlier: date | None
    advertised_from: date | None
    advertised_to: date | None
    closed: date | None = None


def _day_in(year: int, month: int, day: int) -> date:
    """That day of that month, or the month's last day when it has fewer."""
    return date(year, month, min(day, days_in(year, month)))


def applications(cal: Calendar, start: date, intake: Intake) -> Applications:
    """When applications for the intake starting in ``start``'s month usually open and close."""
    if cal.window is not None:
        w = cal.window
        year = start.year - w.years_before
        return Applications(_day_in(year, w.opens_month, w.opens_day),
                            _day_in(year, w.closes_month, w.closes_day))
    opens = add_months(start, -intake.advert_from) if intake.advert_from is not None else None
    closes = None
    if intake.advert_to is not None:
        last = add_months(start, -intake.advert_to)
        closes = date(last.year, last.month, days_in(last.year, last.month))
    return Applications(opens, closes)


def intake_starts(cal: Calendar, first_month: date) -> Iterator[tuple[date, Intake]]:
    """Every intake from ``first_month``'s month on, in date order, as (1st of month, intake)."""
    by_month: dict[int, Intake] = {}
    for intake in cal.intakes:
        by_month.setdefault(intake.month, intake)
    if not by_month:
        return
    year, month = first_month.year, first_month.month
    for _ in range(HORIZON_YEARS * 12):
        if month in by_month:
            yield date(year, month, 1), by_month[month]
        month += 1
        if month == 13:
            year, month = year + 1, 1


def open_intakes(cal: Calendar, ready: date, applying_from: date | None
                 ) -> Iterator[tuple[date, Applications, date | None, date | None]]:
    """Every intake someone ready on ``ready`` makes and can still apply for from
    ``applying_from``, in date order, as (1st of month, applications, the first intake passed
    over because its applications close before ``applying_from``, an earlier intake in the
    month of ``ready`` that depends on the day teaching starts)."""
    possible: date | None = None
    closed: date | None = None
    for start, intake in intake_starts(cal, ready):
        apps = applications(cal, start, intake)
        if applying_from is not None and apps.closes is not None and apps.closes < applying_from:
            if closed is None and start >= ready:
                closed = start
            continue
        if start < ready:  # ready later in this very month: depends on the day teaching starts
            possible = start
            continue
        yield start, apps, closed, possible


def first_intake(
    cal: Calendar, ready: date, applying_from: date | None = None
) -> FirstIntake | None:
    """The first intake made by someone ready on ``ready`` who can apply from ``applying_from``.

    An intake whose applications usually close before ``applying_from`` is passed over (the
    first such one is kept in ``closed``); None when the calendar has no intake at all.
    """
    for start, apps, closed, possible in open_intakes(cal, ready, applying_from):
        return FirstIntake(start, possible, apps.opens, apps.closes, closed)
    return None
