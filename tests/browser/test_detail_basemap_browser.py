"""The battle sectors' detail basemap in the dashboard (issue 8 item 8).

The overview must not fetch any sector file (its first load must not grow); zoomed in on a
campaign the sector files the view overlaps are fetched and drawn above the coarse basemap.
Every test also fails on a console error or on a request that leaves localhost (the
``page`` fixture).
"""

from __future__ import annotations

from typing import Any

import pytest
from fefpage import JS_CANVASES, DataSet, canvas_stats, open_app

from layers.detail_basemap import MIN_ZOOM, sectors

pytestmark = pytest.mark.browser

JS_DETAIL = "() => JSON.parse(JSON.stringify(window.__fef.detail || null))"
JS_ZOOM = ("() => { for (const k in window) { const m = window[k]; "
           "if (k.startsWith('map_') && m && m.getZoom) { return m.getZoom(); } } return null; }")
DETAIL_CANVAS = ".leaflet-fefBaseDetail-pane canvas"


def detail_requests(page: Any) -> list[str]:
    return [u for u in page.fef_recorder.requests if "/detail/" in u and u.endswith(".json")]


def test_overview_fetches_no_sector_file(page: Any, app_url: str) -> None:
    assert sectors(), "geodata/basemap/detail/ is not built"
    mp = open_app(page, app_url)
    page.wait_for_timeout(1500)  # moveend and the view report have happened
    fr = mp.frame
    assert fr.evaluate(JS_ZOOM) < MIN_ZOOM
    state = fr.evaluate(JS_DETAIL)
    assert state is not None, "the detail_basemap extension is not in the page"
    assert state["requested"] == [] and state["shown"] == []
    assert detail_requests(page) == []
    assert fr.evaluate(JS_CANVASES, DETAIL_CANVAS) == []  # nothing drawn in its pane


def test_khasan_campaign_fetches_and_draws_its_sector(page: Any, app_url: str, dataset: DataSet) -> None:
    if "lake_khasan" not in dataset.atlas.campaigns:
        pytest.skip("the data under test has no lake_khasan campaign")
    mp = open_app(page, app_url, "?campaign=lake_khasan&date=1938-08-06")
    fr = mp.frame
    fr.wait_for_function("() => window.__fef.detail && window.__fef.detail.shown.indexOf('khasan') >= 0",
                         timeout=20000)
    page.wait_for_timeout(300)  # the canvas is drawn on the next animation frame
    assert fr.evaluate(JS_ZOOM) >= MIN_ZOOM
    state = fr.evaluate(JS_DETAIL)
    assert "khasan" in state["requested"] and state["errors"] == []
    assert "khalkhin_gol" not in state["requested"] and "nikolayevsk" not in state["requested"]
    assert state["paths"]["khasan"] >= 5  # water box, land, lakes, shore, rivers, borders
    urls = detail_requests(page)
    assert any(u.endswith("/detail/khasan.json") for u in urls), urls
    assert all(u.startswith(app_url) for u in urls)
    stats = canvas_stats(fr.evaluate(JS_CANVASES, DETAIL_CANVAS))
    assert stats.drawn_fraction > 0.5 and stats.colours >= 3, stats  # land, water, lines

    # zooming out to the overview hides it again (and fetches nothing more)
    before = len(detail_requests(page))
    fr.evaluate("() => { for (const k in window) { const m = window[k]; "
                "if (k.startsWith('map_') && m && m.setZoom) { m.setZoom(5, {animate: false}); } } }")
    fr.wait_for_function("() => window.__fef.detail.shown.length === 0", timeout=5000)
    assert len(detail_requests(page)) == before
