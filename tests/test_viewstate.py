"""The view state model and its URL form: round trip, and bad parameters reported."""

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from layers.viewstate import ATLAS_END, ATLAS_START, MAX_PARAM_LEN, MAX_PROBLEMS, PARAMS, ViewState

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


# ---- bad links: every parameter fuzzed (hypothesis) ----
FUZZ = settings(max_examples=150, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
# any text, including control characters, surrogate-free unicode and huge numbers
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-0", "0x10", "1_0", "", " ", "٣"]),
)
VIEW = st.one_of(TEXT, st.tuples(NUMBER, NUMBER, NUMBER).map(",".join), st.lists(NUMBER, max_size=5).map(",".join))
DATE = st.one_of(
    TEXT, st.dates().map(dt.date.isoformat),
    st.tuples(st.integers(-99999, 99999), st.integers(-5, 15), st.integers(-5, 40)).map(lambda t: f"{t[0]}-{t[1]}-{t[2]}"),
    st.sampled_from(["1918-01-01", "1945-09-02", "1917-12-31", "1945-09-03", "1939-02-29", "1939-08", "0000-01-01"]),
)
LAYERS_P = st.one_of(TEXT, st.lists(st.one_of(st.sampled_from(LAYERS), TEXT), max_size=6).map(",".join),
                     st.sampled_from(["", ",", ",,, ,"]))
VALUE = {"date": DATE, "campaign": st.one_of(TEXT, st.sampled_from(CAMPS)), "layers": LAYERS_P, "view": VIEW,
         "basemap": st.one_of(TEXT, st.sampled_from(["offline", "osm", "topo"])),
         "tour": TEXT, "step": st.one_of(TEXT, st.integers(-3, 30).map(str)), "compare": DATE}


@st.composite
def queries(draw):
    q: dict[str, str | list[str]] = {}
    for name in draw(st.lists(st.sampled_from(PARAMS), unique=True)):
        if draw(st.booleans()):
            q[name] = draw(VALUE[name])
        else:  # repeated parameter
            q[name] = draw(st.lists(VALUE[name], max_size=4))
    for extra in draw(st.lists(TEXT, max_size=3)):
        q.setdefault(extra, draw(TEXT))
    if draw(st.integers(0, 9)) == 0:  # oversized
        q[draw(st.sampled_from(PARAMS))] = "1" * (MAX_PARAM_LEN + draw(st.integers(1, 5000)))
    return q


@FUZZ
@given(queries())
def test_fuzzed_link_never_raises_and_gives_a_valid_state(params):
    state, problems = parse(params)
    assert isinstance(state, ViewState)
    assert ATLAS_START <= state.date <= ATLAS_END
    assert state.campaign in CAMPS and set(state.layers) <= set(LAYERS)
    assert state.layers, "a link never leaves the map without layers"
    if state.center is not None:
        assert all(math.isfinite(c) for c in state.center) and 2 <= (state.zoom or 0) <= 18
    assert len(problems) <= MAX_PROBLEMS
    assert all(isinstance(p, str) and len(p) < 400 for p in problems)
    # the state writes a link that reads back to itself without complaint
    again, more = parse(state.to_query())
    assert more == [] and again.date == state.date and again.layers == state.layers


@FUZZ
@given(st.sampled_from(PARAMS), TEXT)
def test_a_changed_value_is_used_or_reported(name, raw):
    state, problems = parse({name: raw})
    if not problems:  # accepted: then it must have been a valid value for the parameter
        back = state.to_query()
        assert name in back or name == "view"


@pytest.mark.parametrize(
    "params, needle",
    [
        ({"layers": ""}, "names no layer"),
        ({"layers": ",,"}, "names no layer"),
        ({"view": "inf,118,5"}, "'view'"),
        ({"view": "47,1e400,5"}, "'view'"),
        ({"view": "47,118,99999999999999999999"}, "'view'"),
        ({"date": ["1939-08-20", "1938-07-31"]}, "given 2 times"),
        ({"utm_source": "x"}, "not used by the atlas"),
        ({"date": "1939-08-20\x00\x1b[31m"}, "'date'"),
        ({"campaign": "\u202eevil"}, "'campaign'"),
    ],
)
def test_bad_link_examples_warn(params, needle):
    state, problems = parse(params)
    assert any(needle in p for p in problems), problems
    assert state.layers == DEFAULT.layers or "layers" not in params


def test_empty_layers_keep_the_defaults_and_warn():
    state, problems = parse({"layers": ""})
    assert state.layers == DEFAULT.layers and len(problems) == 1


def test_hundreds_of_bad_parameters_give_a_bounded_report():
    params = {f"p{i}": "x" for i in range(500)} | {"date": "bad", "view": "bad", "basemap": "bad", "campaign": "bad"}
    _state, problems = parse(params)
    assert len(problems) <= MAX_PROBLEMS and "(and 495 more)" in problems[0]
    many = {name: ["bad", "worse"] for name in PARAMS}  # each repeated and bad: 10 problems
    _state, problems = parse(many)
    assert len(problems) == MAX_PROBLEMS and "more URL problems" in problems[-1]


def test_control_characters_are_escaped_in_messages():
    _state, problems = parse({"campaign": "a\x00b\x1bc\nd"})
    assert "\x00" not in problems[0] and "\x1b" not in problems[0] and "\n" not in problems[0]
