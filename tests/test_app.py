"""Widget logic of the dashboard, with Streamlit's AppTest (the map itself is a custom
component AppTest cannot see; the browser tests cover it)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from testpaths import REPO

APP = str(REPO / "app.py")


def opened(at: AppTest) -> AppTest:
    """Open the dashboard as a browser does: the first run sends the map alone, and the map's
    "painted" report starts the run that sends the rest (app.py). AppTest has no map to report,
    so it runs the script a second time, as that report would."""
    return at.run().run()


def export_open(at: AppTest) -> AppTest:
    """Open "Export this map" (lazy: its controls are built only while it is open)."""
    at.session_state["exp_export"] = True
    return at.run()


@pytest.fixture
def app(atlas) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    return at


def shown(label: str) -> str:
    """What Markdown shows of a widget label (data text in labels is backslash-escaped)."""
    return re.sub(r"\\(.)", r"\1", label)


def checkbox_for(at: AppTest, title: str):
    return next(c for c in at.sidebar.checkbox if shown(c.label) == title)


def test_starts_without_exceptions_and_shows_layers(app, atlas):
    opened(app)
    assert not app.exception
    labels = {shown(c.label) for c in app.sidebar.checkbox}
    assert {l.spec.title for l in atlas.layers.values()} <= labels
    assert app.title[0].value.startswith("Far East Frontiers")
    assert any(s.value.startswith("On the map on ") for s in app.subheader)


def test_first_run_sends_the_map_alone_and_the_next_run_the_rest():
    """Faster first map (issue 10, item 8): nothing below the map and no sidebar controls in a
    session's first run (their element code would queue before the map frame's scripts); the
    URL is already normalised, and the next run sends everything."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not any(s.value.startswith("On the map on ") for s in at.subheader)
    assert not at.sidebar.checkbox and not at.dataframe and not at.toggle and not at.expander
    assert any("Loading" in c.value for c in at.caption)
    assert at.query_params["date"]
    at.run()
    assert not at.exception
    assert any(s.value.startswith("On the map on ") for s in at.subheader)
    assert at.sidebar.checkbox and at.dataframe
    assert not any("Loading" in c.value for c in at.caption)

def test_url_parameters_set_the_state(atlas):
    lid = next(iter(atlas.layers))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "1938-08-06"
    at.query_params["layers"] = lid
    opened(at)
    assert not at.exception
    assert any(s.value == "On the map on 6 August 1938" for s in at.subheader)
    on = [shown(c.label) for c in at.sidebar.checkbox if c.value]
    assert on == [atlas.layers[lid].spec.title]
    assert at.query_params["date"] == ["1938-08-06"] or at.query_params["date"] == "1938-08-06"


def test_bad_url_parameters_warn_and_do_not_crash():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "1999-99-99"
    at.query_params["layers"] = "<script>alert(1)</script>"
    opened(at)
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "date" in warnings and "layers" in warnings
    assert "<script>" not in warnings  # shown escaped, never as markup


def test_campaign_preset_sets_date_and_layers(atlas):
    if "khalkhin_gol" not in atlas.campaigns:
        pytest.skip("no khalkhin_gol campaign")
    camp = atlas.campaigns["khalkhin_gol"]
    at = opened(AppTest.from_file(APP, default_timeout=60))
    at.sidebar.selectbox(key="campaign_pick").set_value("khalkhin_gol").run()
    assert not at.exception
    on = {shown(c.label) for c in at.sidebar.checkbox if c.value}
    assert on == {atlas.layers[l].spec.title for l in camp.layers if l in atlas.layers}
    d = camp.default_date
    import datetime as dt

    day = dt.date.fromisoformat(d)
    assert any(s.value == f"On the map on {day.day} {day:%B %Y}" for s in at.subheader)


def test_unticking_a_layer_removes_its_features_from_the_panel(atlas):
    at = opened(AppTest.from_file(APP, default_timeout=60))
    before = at.dataframe[0].value
    ticked = [c for c in at.sidebar.checkbox if c.value]
    assert ticked
    title = shown(ticked[0].label)
    assert (before["layer"] == title).any() or len(before) == 0
    ticked[0].uncheck().run()
    after = at.dataframe[0].value
    assert not (after["layer"] == title).any()


def test_goto_date_moves_the_panels():
    at = opened(AppTest.from_file(APP, default_timeout=60))
    import datetime as dt

    at.date_input(key="goto_date").set_value(dt.date(1922, 10, 25)).run()
    assert not at.exception
    assert any(s.value == "On the map on 25 October 1922" for s in at.subheader)


def test_chronology_search_and_jump(atlas):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["exp_chronology"] = True  # the panel renders only when opened
    opened(at)
    at.text_input[0].input("ceasefire Khasan").run()
    assert not at.exception
    pick = at.selectbox(key="event_pick")
    assert len(pick.options) >= 2  # "—" plus at least one match
    pick.set_value(0).run()
    assert not at.exception
    assert any(s.value == "On the map on 11 August 1938" for s in at.subheader)


def test_jumping_to_an_event_before_1918_clamps_to_the_time_line(atlas):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["exp_chronology"] = True
    opened(at)
    at.text_input[0].input("Portsmouth").run()
    at.selectbox(key="event_pick").set_value(0).run()
    assert not at.exception
    assert any(s.value == "On the map on 1 January 1918" for s in at.subheader)


@pytest.mark.parametrize("fmt", ["png", "geojson"])
def test_export_prepares_a_download(fmt):
    at = export_open(opened(AppTest.from_file(APP, default_timeout=120)))
    at.selectbox(key="export_fmt").set_value(fmt).run()
    at.button(key="export_go").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    res = at.session_state["export_result"][1]
    assert res.data and len(res.data) > 1000


def test_closed_panels_send_nothing():
    at = opened(AppTest.from_file(APP, default_timeout=60))
    # chronology search not built while its panel is closed
    assert not any(t.label == "Search events" for t in at.text_input)
    assert not any("the seed says" in df.value.columns for df in at.dataframe)
    # nor the export controls while "Export this map" is closed
    assert not [b for b in at.selectbox if b.key == "export_fmt"] and not [b for b in at.button if b.key == "export_go"]
    at.session_state["exp_corrections"] = True
    at.run()
    assert any("the seed says" in df.value.columns for df in at.dataframe)


def test_campaign_atlas_is_offered_and_prepared_for_a_campaign_with_phases(atlas):
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["campaign"] = "lake_khasan"
    export_open(opened(at))
    assert any(o.startswith("Campaign atlas — Lake Khasan") for o in at.selectbox(key="export_fmt").options)
    at.selectbox(key="export_fmt").set_value("atlas").run()
    at.button(key="export_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    res = at.session_state["export_result"][1]
    assert res.filename.endswith(".pdf") and res.data.startswith(b"%PDF")
    phases = len(atlas.campaigns["lake_khasan"].phases)
    assert res.data.count(b"/Type /Page\n") + res.data.count(b"/Type /Page ") + res.data.count(b"/Type/Page") \
        >= 1 + phases


def test_no_atlas_for_the_overview():
    at = export_open(opened(AppTest.from_file(APP, default_timeout=60)))
    assert not any(o.startswith("Campaign atlas") for o in at.selectbox(key="export_fmt").options)
