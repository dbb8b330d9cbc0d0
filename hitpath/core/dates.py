"""Calendar arithmetic in whole years and months, with the conservative leap-day rule.

A date that does not exist in the target month (29 February in a common year, 31 April...)
rolls forward to the first day of the next month, so a "minimum of N years" is always met
under any reading of the rule.
"""

from __future__ import annotations

import calendar
from datetime import date

from hitpath.core.untrusted import echo

MONTHS = (
    "January February March April May June July August September October November December"
).split()


FIRST_YEAR, LAST_YEAR = 1900, 2100
"""The years a date may fall in: generous for anyone's dates, and later arithmetic (a date plus
years) cannot overflow."""

MEMO_LIMIT = 20_000
"""Remembered calendar arithmetic is cleared past this many values: memory stays flat."""

_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in(year: int, month: int) -> int:
    """The number of days in a month (without the weekday work of calendar.monthrange)."""
    if month == 2 and calendar.isleap(year):
        return 29
    return _DAYS[month]


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months; a missing day rolls to the 1st of the next month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = days_in(year, month)
    if start.day <= last:
        return date(year, month, start.day)
    if month == 12:
        return date(year + 1, 1, 1)
    return date(year, month + 1, 1)


def rolled(start: date, months: int) -> bool:
    """Whether adding ``months`` to ``start`` had to roll a missing day forward."""
    return add_months(start, months).day != start.day


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (0 when ``later`` is not after it)."""
    if later <= earlier:
        return 0
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    if add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)


class YearOutOfRange(ValueError):
    """A date written rightly, in a year hitpath does not take."""


def parse_iso(text: str) -> tuple[date, bool]:
    """Parse ``YYYY-MM-DD`` (or ``YYYY-MM``, read as that month's last day).

    Returns the date and whether only the month was given. Raises ValueError with a
    message a person can act on.
    """
    text = text.strip()
    parts = text.split("-")
    # ASCII digits only: str.isdigit also takes fullwidth, Arabic-Indic and superscript ones.
    if (len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts)
            or len(parts[0]) != 4
            or any(len(p) != 2 for p in parts[1:])):
        raise ValueError(f"{echo(text)} is not a date; expected YYYY-MM-DD, for example "
                         "2025-07-14")
    year, month = int(parts[0]), int(parts[1])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(f"the year {year} is out of range; expected {FIRST_YEAR} to "
                             f"{LAST_YEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"{echo(text)} has no month {month}; expected YYYY-MM-DD")
    last = calendar.monthrange(year, month)[1]
    if len(parts) == 2:
        return date(year, month, last), True
    day = int(parts[2])
    if not 1 <= day <= last:
        raise ValueError(
            f"{echo(text)} is not a real date: {MONTHS[month - 1]} {year} has {last} days"
        )
    return date(year, month, day), False


def month_year(day: date) -> str:
    """'January 2027'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def long_date(day: date) -> str:
    """14 July 2025."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
