"""Campaign phases on the date bar and narrative tours (layers/tours.py, the tour part of
layers/viewstate.py, the dashboard's tour panel and the standalone page's tour box).

The fixture is the test dataset with ``tests/data/tours/campaigns.toml`` (a campaign with
three phases) and ``tests/data/tours/sample_1939.toml`` (a four-step tour).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from testpaths import REPO, TEST_DATA

from layers import load_atlas
from layers.dates import to_day
from layers.tours import (
    campaign_span,
    checked_tours,
    nav_config,
    phase_index,
    step_bounds,
    step_citations,
    step_state,
    tour_config,
    tour_lengths,
)
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState
from layers.webmap import build_map, standalone_html

FIXTURE = TEST_DATA / "tours"
D = dt.date.fromisoformat


def make_data(root: Path, tour_text: str | None = None) -> Path:
    """The test dataset plus the fixture campaign and tour, in ``root/geodata``."""
    data = root / "geodata"
    shutil.copytree(TEST_DATA / "geodata", data)
    shutil.copy(FIXTURE / "campaigns.toml", data / "campaigns.toml")
    (data / "tours").mkdir()
    text = tour_text if tour_text is not None else (FIXTURE / "sample_1939.toml").read_text(encoding="utf-8")
    (data / "tours" / "sample_1939.toml").write_text(text, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def tour_data(tmp_path_factory):
    data = make_data(tmp_path_factory.mktemp("tours"))
    atlas = load_atlas(data, TEST_DATA / "sources")
    assert atlas.errors == []
    tours, errors = checked_tours(atlas, data)
    assert errors == []
    return data, atlas, tours


# ---- loading ----


def test_fixture_tour_loads_with_its_steps(tour_data):
    _data, atlas, tours = tour_data
    tour = tours["sample_1939"]
    assert [s.id for s in tour.step] == ["start", "summer", "advance", "end"]
    assert tour_lengths(tours) == {"sample_1939": 4}
    assert [p.id for p in atlas.campaigns["sample_1939"].phases] == ["first", "second", "third"]


@pytest.mark.parametrize(
    "change, needle",
    [
        (('layers = ["sample_sites"]\nphase = "first"', 'layers = ["nope"]\nphase = "first"'), "does not exist"),
        (('phase = "second"', 'phase = "fourth"'), "not a phase"),
        (('phase = "second"', 'phase = "third"'), "outside its phase"),
        (('sources = ["test_web"]', 'sources = ["no_such_key"]'), "not in the bibliography"),
        (('date = "1939-09-10"', 'date = "1939-10-10"'), "outside the campaign"),
        (('date = "1939-09-10"', 'date = "1939-09"'), "one day"),
        (('text = "Second step text.', 'text = "Too short." # "'), "words"),
        (('center = [47.75, 118.55]\nzoom = 11\n', ''), "needs bounds, or center and zoom"),
        (('id = "end"', 'id = "start"'), "used twice"),
        (('title = "The end"', 'title = "The end"\nscript = "<script>"'), "Extra inputs"),
    ],
)
def test_bad_tour_is_refused_by_name(tmp_path, change, needle):
    text = (FIXTURE / "sample_1939.toml").read_text(encoding="utf-8")
    assert change[0] in text
    data = make_data(tmp_path, text.replace(change[0], change[1], 1))
    atlas = load_atlas(data, TEST_DATA / "sources")
    tours, errors = checked_tours(atlas, data)
    assert tours == {}
    assert errors and all(e.startswith("tours/sample_1939.toml") for e in errors) and any(needle in e for e in errors), errors


def test_tour_of_unknown_campaign_and_not_toml_are_refused(tmp_path):
    data = make_data(tmp_path)
    shutil.copy(data / "tours" / "sample_1939.toml", data / "tours" / "elsewhere.toml")
    (data / "tours" / "zz_broken.toml").write_text("title = [", encoding="utf-8")
    atlas = load_atlas(data, TEST_DATA / "sources")
    tours, errors = checked_tours(atlas, data)
    assert list(tours) == ["sample_1939"]
    assert any("elsewhere.toml" in e and "no campaign 'elsewhere'" in e for e in errors)
    assert any("zz_broken.toml" in e for e in errors)


def test_no_tours_folder_is_no_tour(sample_atlas):
    assert checked_tours(sample_atlas, TEST_DATA / "geodata") == ({}, [])


# ---- the date bar's span and phases ----


def test_campaign_span_is_the_campaign_and_overview_is_all_years(tour_data):
    _data, atlas, _tours = tour_data
    assert campaign_span(atlas.campaigns["sample_1939"]) == (D("1939-05-11"), D("1939-09-16"))
    assert campaign_span(atlas.campaigns["overview"]) == (ATLAS_START, ATLAS_END)
    assert campaign_span(None) == (ATLAS_START, ATLAS_END)
    late = atlas.campaigns["sample_1939"].model_copy(update={"start": "1945-08-08", "end": "1945-09-03"})
    assert campaign_span(late) == (D("1945-08-08"), ATLAS_END)  # clipped to the atlas


@pytest.mark.parametrize(
    "day, expected",
    [
        ("1939-05-10", None), ("1939-05-11", 0), ("1939-05-31", 0), ("1939-06-01", None),  # end is exclusive
        ("1939-07-01", 1), ("1939-07-25", 1), ("1939-07-26", None), ("1939-08-20", 2), ("1939-08-31", 2),
        ("1939-09-01", None), ("1939-09-16", None),
    ],
)
def test_phase_lookup_is_half_open(tour_data, day, expected):
    phases = tour_data[1].campaigns["sample_1939"].phases
    assert phase_index(phases, D(day)) == expected


def test_nav_config_gives_spans_and_phases_as_days(tour_data):
    _data, atlas, _tours = tour_data
    cfg = nav_config(atlas, "sample_1939")
    assert cfg["campaign"] == "sample_1939" and cfg["overview"] == "overview"
    assert cfg["campaigns"]["sample_1939"] == {"title": "Sample campaign 1939", "start": to_day("1939-05-11"),
                                               "end": to_day("1939-09-16")}
    assert cfg["all_range"] == [to_day(ATLAS_START), to_day(ATLAS_END)]
    first, second, third = cfg["phases"]["sample_1939"]
    assert (first["s"], first["e"], first["d"]) == (to_day("1939-05-11"), to_day("1939-06-01"), to_day("1939-05-28"))
    assert second["d"] == second["s"] and second["bounds"] == [[47.55, 118.2], [47.9, 118.9]]
    assert third["title"] == "Third phase" and "overview" not in cfg["phases"]
    assert nav_config(atlas, "nope")["campaign"] == "overview"


def test_map_config_spans_the_campaign_or_all_years(tour_data):
    _data, atlas, _tours = tour_data

    def cfg(state):
        m = build_map(atlas, state, inline=False, data_urls={"sample_sites": "x.json"}, basemap_url="b.json")
        return next(c for c in m._children.values() if type(c).__name__ == "TimeSlicedLayers").config

    inside = cfg(ViewState(campaign="sample_1939", date=D("1939-07-03"), layers=("sample_sites",)))
    assert (inside["start"], inside["end"], inside["campaign"]) == (to_day("1939-05-11"), to_day("1939-09-16"),
                                                                     "sample_1939")
    outside = cfg(ViewState(campaign="sample_1939", date=D("1941-01-01"), layers=("sample_sites",)))
    assert (outside["start"], outside["end"], outside["campaign"]) == (to_day(ATLAS_START), to_day(ATLAS_END),
                                                                       "overview")


# ---- a step as a view state, and its link ----


def test_step_state_moves_date_view_layers_and_campaign(tour_data):
    _data, atlas, tours = tour_data
    tour = tours["sample_1939"]
    base = ViewState(date=D("1920-01-01"), layers=(), campaign="overview", center=(1.0, 2.0), zoom=5)
    s2 = step_state(base, tour, 2, atlas)
    assert (s2.date, s2.layers, s2.campaign, s2.center, s2.zoom) == (D("1939-07-03"), ("sample_sites",),
                                                                      "sample_1939", (47.75, 118.55), 11)
    assert (s2.tour, s2.step) == ("sample_1939", 2)
    s3 = step_state(s2, tour, 3, atlas)
    assert s3.center is None and s3.zoom is None  # a bounds step: the map fits its bounds
    assert step_bounds(tour, 3) == [[47.55, 117.9], [47.85, 118.9]] and step_bounds(tour, 2) is None
    assert step_state(base, tour, 99, atlas).step == 4 and step_state(base, tour, -3, atlas).step == 1
    kept = step_state(base, tour, 2, atlas, keep={"date", "view"})
    assert kept.date == base.date and kept.center == base.center and kept.layers == ("sample_sites",)


def parse(params, tours):
    default = ViewState(layers=("sample_sites",))
    return ViewState.from_query(params, known_layers=["sample_sites"], known_campaigns=["overview", "sample_1939"],
                                default=default, known_tours=tour_lengths(tours))


def test_tour_step_round_trips_through_the_url(tour_data):
    _data, atlas, tours = tour_data
    for n in range(1, 5):
        state = step_state(ViewState(layers=("sample_sites",)), tours["sample_1939"], n, atlas)
        q = state.to_query()
        assert (q["tour"], q["step"], q["campaign"]) == ("sample_1939", str(n), "sample_1939")
        again, problems = parse(q, tours)
        assert problems == [] and again == state


def test_short_step_link_gives_the_step(tour_data):
    _data, atlas, tours = tour_data
    state, problems = parse({"tour": "sample_1939", "step": "3"}, tours)
    assert problems == [] and (state.tour, state.step, state.campaign) == ("sample_1939", 3, "sample_1939")
    shown = step_state(state, tours["sample_1939"], state.step or 1, atlas)
    assert shown.date == D("1939-08-20")
    state, problems = parse({"tour": "sample_1939"}, tours)
    assert problems == [] and state.step == 1


@pytest.mark.parametrize(
    "params, needle, tour, step",
    [
        ({"tour": "sample_1939", "step": "0"}, "'step'", "sample_1939", 1),
        ({"tour": "sample_1939", "step": "5"}, "1…4", "sample_1939", 1),
        ({"tour": "sample_1939", "step": "2.5"}, "'step'", "sample_1939", 1),
        ({"tour": "sample_1939", "step": "<b>2</b>"}, "'step'", "sample_1939", 1),
        ({"tour": "sample_1939", "step": ["2", "3"]}, "given 2 times", "sample_1939", 3),
        ({"tour": "nope", "step": "2"}, "not a known tour", None, None),
        ({"step": "2"}, "needs a 'tour'", None, None),
        ({"tour": "sample_1939", "campaign": "overview"}, "does not match the tour", "sample_1939", 1),
    ],
)
def test_bad_tour_parameters_fall_back_with_a_warning(tour_data, params, needle, tour, step):
    state, problems = parse(params, tour_data[2])
    assert any(needle in p for p in problems), problems
    assert (state.tour, state.step) == (tour, step)
    if tour:
        assert state.campaign == "sample_1939"


# ---- the standalone page's tour box ----


def test_standalone_page_has_the_tour_as_inert_text(tour_data):
    _data, atlas, tours = tour_data
    tour = tours["sample_1939"]
    cfg = tour_config(tour, atlas, 2)
    assert cfg["tour_step"] == 2 and len(cfg["tour"]["steps"]) == 4
    assert cfg["tour"]["steps"][1]["sources"] == step_citations(tour.step[1], atlas) == ["Author 1985", "A page"]
    assert cfg["tour"]["steps"][1]["when"] == "3 July 1939"
    state = step_state(ViewState(layers=("sample_sites",)), tour, 1, atlas)
    html = standalone_html(atlas, state, tour=tour)
    assert "campaign_nav" in html and "fef-tour" in html
    assert "<b>not bold</b>" not in html  # the text is JSON inside the script, inserted with textContent
    m = re.search(r"fefTimeSliced\(map_[0-9a-f]+, (\{.*\})\);\n", html)
    assert m is not None
    page_cfg = json.loads(m.group(1))
    first = page_cfg["tour"]["steps"][0]["text"]
    assert first.endswith("<b>not bold</b> [not a link](javascript:alert(1)) {{7*7}}")  # never rendered
    assert page_cfg["campaign"] == "sample_1939" and page_cfg["tour_step"] == 1


# ---- the dashboard's tour panel (AppTest) ----


@pytest.fixture
def tour_app(tour_data, monkeypatch):
    data, _atlas, _tours = tour_data
    monkeypatch.setenv("FEF_DATA_DIR", str(data))
    monkeypatch.setenv("FEF_SOURCES_DIR", str(TEST_DATA / "sources"))
    st.cache_resource.clear()  # the app caches the atlas per process: load the fixture
    yield AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    st.cache_resource.clear()  # and leave no fixture atlas for other tests


def opened(at: AppTest) -> AppTest:
    """Open the dashboard as a browser does: the first run sends the map alone, and the map's
    "painted" report starts the run that sends the rest (app.py). AppTest has no map to report,
    so it runs the script a second time, as that report would."""
    return at.run().run()


def panel_text(at: AppTest) -> str:
    """Markdown and captions as shown (data text is backslash-escaped)."""
    raw = " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)
    return re.sub(r"\\(.)", r"\1", raw)


def test_tour_buttons_move_the_step_and_the_url(tour_app):
    at = tour_app
    at.query_params["campaign"] = "sample_1939"
    opened(at)
    assert not at.exception
    start = at.button(key="tour_start")
    assert "4 steps" in start.label
    start.click().run()
    assert "Step 1 of 4" in panel_text(at) and "The start" in panel_text(at)
    assert at.button(key="tour_back").disabled
    at.button(key="tour_next").click().run()
    assert not at.exception
    text = panel_text(at)
    assert "Step 2 of 4" in text and "Summer" in text and "3 July 1939" in text
    assert "Author 1985; A page" in text  # short citations, in words
    full = " ".join(t.value for t in at.text)
    assert "A Book" in full and "https://example.org/page" in full  # and in full, as plain text
    assert any(s.value == "On the map on 3 July 1939" for s in at.subheader)
    q = at.query_params
    assert (q["tour"], q["step"], q["campaign"]) in ((["sample_1939"], ["2"], ["sample_1939"]),
                                                      ("sample_1939", "2", "sample_1939"))
    at.button(key="tour_next").click().run()
    at.button(key="tour_next").click().run()
    assert "Step 4 of 4" in panel_text(at) and at.button(key="tour_next").disabled
    at.button(key="tour_back").click().run()
    assert "Step 3 of 4" in panel_text(at)
    assert any(s.value == "On the map on 20 August 1939" for s in at.subheader)
    at.button(key="tour_close").click().run()
    assert "Step 3 of 4" not in panel_text(at) and "tour" not in at.query_params


def test_step_link_opens_the_step_and_markup_stays_text(tour_app):
    at = tour_app
    at.query_params["tour"] = "sample_1939"
    at.query_params["step"] = "1"
    opened(at)
    assert not at.exception
    assert "Step 1 of 4" in panel_text(at)
    assert any(s.value == "On the map on 11 May 1939" for s in at.subheader)
    body = next(m.value for m in at.markdown if "First step text" in m.value)
    assert "\\<b\\>" in body and "\\[not a link\\]" in body  # escaped: shown literally, never markup
    assert at.sidebar.selectbox(key="campaign_pick").value == "sample_1939"


def test_bad_step_link_warns_and_shows_step_one(tour_app):
    at = tour_app
    at.query_params["tour"] = "sample_1939"
    at.query_params["step"] = "42"
    opened(at)
    assert not at.exception
    assert any("URL parameter 'step'" in re.sub(r"\\(.)", r"\1", w.value) for w in at.warning)
    assert "Step 1 of 4" in panel_text(at)
