"""Dates: OpenHistoricalMap precision and half-open intervals, pre-1970 included."""

import datetime as dt

import pytest

from layers.dates import OPEN_END, DateError, day_to_iso, from_day, interval_days, parse_date, to_day


@pytest.mark.parametrize(
    "text, precision, first, after",
    [
        ("1939", "year", "1939-01-01", "1940-01-01"),
        ("1939-08", "month", "1939-08-01", "1939-09-01"),
        ("1939-12", "month", "1939-12-01", "1940-01-01"),
        ("1939-08-20", "day", "1939-08-20", "1939-08-21"),
        ("1920-02-29", "day", "1920-02-29", "1920-03-01"),
    ],
)
def test_parse_precision(text, precision, first, after):
    d = parse_date(text)
    assert d.precision == precision
    assert d.first == dt.date.fromisoformat(first)
    assert d.after == dt.date.fromisoformat(after)


@pytest.mark.parametrize("bad", ["1939-13", "1939-02-30", "1921-02-29", "39-08-20", "1939/08/20", "", "1939-8-2", "c. 1939"])
def test_bad_dates_are_named(bad):
    with pytest.raises(DateError, match="1939|not a|real"):
        parse_date(bad)


def test_pre_1970_days_are_negative_and_ordered():
    assert to_day("1969-12-31") == -1
    assert to_day("1918-01-01") < to_day("1939-08-20") < to_day("1945-09-02") < 0
    assert day_to_iso(to_day("1904-02-08")) == "1904-02-08"
    assert from_day(0) == dt.date(1970, 1, 1)


def test_interval_reduced_precision_end_covers_whole_period():
    s, e = interval_days("1932-03-01", "1945-08")
    assert s == to_day("1932-03-01")
    assert e == to_day("1945-09-01")


def test_interval_open_end():
    assert interval_days("1860", None) == (to_day("1860-01-01"), OPEN_END)
