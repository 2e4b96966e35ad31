"""Historical dates in OpenHistoricalMap style.

Dates are ISO 8601 calendar dates with stated precision (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``). Features exist over the half-open interval ``[start_date, end_date)``.
A reduced-precision *start* means the first day of its period; a reduced-precision *end*
means the feature lasted through the whole period, so the exclusive end is the first day
after it (``end_date = 1945-08`` -> exclusive end ``1945-09-01``).

Internally a date is an integer day number: days since 1970-01-01 (negative before 1970,
which is the normal case here). Integers compare correctly, vectorise in numpy and need no
time zone, unlike ``datetime64`` strings read by pyogrio.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EPOCH",
    "OPEN_END",
    "DateError",
    "HistDate",
    "Precision",
    "day_to_iso",
    "from_day",
    "interval_days",
    "parse_date",
    "to_day",
]

Precision = Literal["year", "month", "day"]

EPOCH = _dt.date(1970, 1, 1)
#: Day number used for a missing end date (feature still exists): 9999-12-31.
OPEN_END = (_dt.date(9999, 12, 31) - EPOCH).days

_DATE_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


class DateError(ValueError):
    """A date string is not a valid ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date."""


@dataclass(frozen=True, slots=True)
class HistDate:
    """A calendar date with its stated precision.

    Parameters
    ----------
    text : str
        The date as written in the data (``"1939"``, ``"1939-08"``, ``"1939-08-20"``).
    precision : {"year", "month", "day"}
        How much of the date is known.
    first : datetime.date
        First day of the period the text denotes.
    after : datetime.date
        First day after that period.
    """

    text: str
    precision: Precision
    first: _dt.date
    after: _dt.date

    @property
    def start_day(self) -> int:
        """Day number to use when this date is a ``start_date`` (inclusive)."""
        return (self.first - EPOCH).days

    @property
    def end_day(self) -> int:
        """Day number to use when this date is an ``end_date`` (exclusive).

        A full day is itself the first day the feature no longer existed; a month or a year
        means the feature lasted through it, so the exclusive end is the day after it.
        """
        return ((self.first if self.precision == "day" else self.after) - EPOCH).days

    def __str__(self) -> str:
        return self.text

    def human(self) -> str:
        """Readable form: ``20 Aug 1939``, ``Aug 1939`` or ``1939``."""
        if self.precision == "year":
            return f"{self.first.year}"
        if self.precision == "month":
            return self.first.strftime("%b %Y")
        return f"{self.first.day} {self.first.strftime('%b %Y')}"


def parse_date(text: str) -> HistDate:
    """Parse an OpenHistoricalMap-style date.

    Parameters
    ----------
    text : str
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Returns
    -------
    HistDate

    Raises
    ------
    DateError
        If the text is not one of the three forms or names a day that does not exist.

    Examples
    --------
    >>> parse_date("1933-03").end_day == parse_date("1933-04-01").start_day
    True
    >>> parse_date("1922-10-25").end_day == parse_date("1922-10-25").start_day
    True
    """
    if not isinstance(text, str):
        raise DateError(f"expected a date string, got {type(text).__name__}")
    m = _DATE_RE.match(text.strip())
    if not m:
        raise DateError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m["y"])
    try:
        if m["d"]:
            first = _dt.date(year, int(m["m"]), int(m["d"]))
            return HistDate(text, "day", first, first + _dt.timedelta(days=1))
        if m["m"]:
            month = int(m["m"])
            first = _dt.date(year, month, 1)
            after = _dt.date(year + (month == 12), month % 12 + 1, 1)
            return HistDate(text, "month", first, after)
        return HistDate(text, "year", _dt.date(year, 1, 1), _dt.date(year + 1, 1, 1))
    except ValueError as exc:
        raise DateError(f"{text!r} is not a real calendar date ({exc})") from None


def to_day(value: str | _dt.date) -> int:
    """Day number (days since 1970-01-01) of a full date.

    Parameters
    ----------
    value : str or datetime.date
        A ``datetime.date`` or a ``YYYY-MM-DD`` string (reduced precision is read as its
        first day).

    Returns
    -------
    int
    """
    if isinstance(value, _dt.date):
        return (value - EPOCH).days
    return parse_date(value).start_day


def from_day(day: int) -> _dt.date:
    """Calendar date of a day number."""
    return EPOCH + _dt.timedelta(days=int(day))


def day_to_iso(day: int) -> str:
    """``YYYY-MM-DD`` string of a day number."""
    return from_day(day).isoformat()


def interval_days(start: str, end: str | None) -> tuple[int, int]:
    """Half-open day interval ``[start, end)`` of a feature.

    Parameters
    ----------
    start : str
        The feature's ``start_date``.
    end : str or None
        The feature's ``end_date``; ``None`` means it still exists.

    Returns
    -------
    tuple of int
        ``(start_day, end_day)``; ``end_day`` is :data:`OPEN_END` for a missing end.
    """
    s = parse_date(start).start_day
    e = OPEN_END if end is None else parse_date(end).end_day
    return s, e
