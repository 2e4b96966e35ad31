"""The view state model and its URL form: round trip, and bad parameters reported."""

import datetime as dt

import pytest
from pydantic import ValidationError

from layers.viewstate import ViewState

LAYERS = ["a_layer", "b_layer"]
CAMPS = ["overview", "khalkhin_gol"]
DEFAULT = ViewState(date=dt.date(1939, 8, 20), layers=("a_layer",), campaign="overview")


def parse(params):
    return ViewState.from_query(params, known_layers=LAYERS, known_campaigns=CAMPS, default=DEFAULT)


def test_round_trip():
    s = ViewState(date=dt.date(1938, 7, 31), layers=("a_layer", "b_layer"), campaign="khalkhin_gol",
                  center=(47.75, 118.6), zoom=9, basemap="topo")
    back, problems = parse(s.to_query())
    assert problems == [] and back == s


@pytest.mark.parametrize(
    "params, name",
    [
        ({"date": "1999-99-99"}, "date"),
        ({"date": "1950-01-01"}, "date"),
        ({"date": "1939"}, "date"),
        ({"campaign": "<script>alert(1)</script>"}, "campaign"),
        ({"layers": "a_layer,<img src=x onerror=alert(1)>"}, "layers"),
        ({"view": "47,118"}, "view"),
        ({"view": "nan,118,5"}, "view"),
        ({"basemap": "google"}, "basemap"),
        ({"date": "x" * 5000}, "date"),
    ],
)
def test_bad_parameter_reported_and_defaulted(params, name):
    state, problems = parse(params)
    assert len(problems) == 1 and f"'{name}'" in problems[0]
    assert len(problems[0]) < 300
    assert state.date == DEFAULT.date and state.campaign == "overview"


def test_unknown_layers_dropped_known_kept():
    state, problems = parse({"layers": "b_layer,zzz"})
    assert state.layers == ("b_layer",) and "zzz" in problems[0]


def test_model_rejects_out_of_range_date():
    with pytest.raises(ValidationError):
        ViewState(date=dt.date(1950, 1, 1))


def test_only_unknown_layers_keep_the_defaults():
    state, problems = parse({"layers": "zzz,yyy"})
    assert state.layers == DEFAULT.layers and problems
