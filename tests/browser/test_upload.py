"""Uploading a user layer in the dashboard: what a person sees.

A good file becomes a layer with its own checkbox, legend entry and features on the map;
a bad file shows an error naming the file, feature and field, and changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fefpage import _JS_MAP, open_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

UPLOAD = '[data-testid="stSidebar"] [data-testid="stFileUploader"] input[type="file"]'


def _fc(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _pt(lon: float, lat: float, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


GOOD = _fc(
    _pt(121.0, 46.0, name="Upload fort one"),
    _pt(122.0, 46.5, name="Upload fort two", start_date="1918-01-01", end_date="1945-09-02"),
    {"type": "Feature", "properties": {"name": "Upload zone"},
     "geometry": {"type": "Polygon", "coordinates": [[[120, 44], [123, 44], [123, 45], [120, 45], [120, 44]]]}},
)


def _upload(page: Any, path: Path) -> None:
    page.locator(UPLOAD).set_input_files(str(path))


def test_upload_adds_a_layer_with_legend_and_features(page, app_url, tmp_path):
    mp = open_app(page, app_url)
    before = mp.drawn_ids()
    src = tmp_path / "my_forts.geojson"
    src.write_text(GOOD, encoding="utf-8")
    _upload(page, src)
    # its own checkbox, ticked
    box = mp.layer_checkbox("Your layer: my_forts")
    expect(box).to_be_visible(timeout=20_000)
    assert mp.is_checked("Your layer: my_forts")
    expect(page.get_by_text("my_forts.geojson: 3 feature(s) added")).to_be_visible()
    # on the map: the three features (undated ones too), and the atlas' features unchanged
    mp.frame.wait_for_function(
        "() => { const l = window.__fef.loaded; return Object.keys(l).some(k => k.startsWith('user_my_forts_')"
        " && l[k] === 3); }", timeout=15_000)
    page.wait_for_timeout(300)
    drawn = mp.drawn_ids()
    mine = {i for i in drawn if i not in before}
    assert len(mine) == 3, (mine, drawn)
    assert before <= drawn
    # the legend names it
    legend = mp.frame.locator(".fef-legend")
    expect(legend.locator(".fef-legend-layer", has_text="Your layer: my_forts")).to_be_visible()
    # the popups carry the badge; an undated feature says so
    popups = mp.frame.evaluate(
        "(ids) => { const m = " + _JS_MAP + "; const out = {}; m.eachLayer(l => { if (ids.includes(l.fefId) && "
        "l.getPopup && l.getPopup()) { out[l.fefId] = l.getPopup().getContent(); } }); return out; }", sorted(mine))
    assert len(popups) == 3
    assert all("Your upload" in p and "fef-user-badge" in p for p in popups.values())
    assert sum("undated: shown at every date" in p for p in popups.values()) == 2
    # in the shareable URL of this session
    assert "user_my_forts_" in page.url
    # unticking hides it
    box.click()
    mp.wait_drawn(before, timeout_s=10)


def test_bad_upload_shows_the_error_and_changes_nothing(page, app_url, tmp_path):
    mp = open_app(page, app_url)
    before = mp.drawn_ids()
    boxes = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').count()
    bad = tmp_path / "bad_layer.geojson"
    bad.write_text(_fc(_pt(121.0, 46.0, name="ok"), _pt(2.35, 48.85, name="Paris")), encoding="utf-8")
    _upload(page, bad)
    err = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]', has_text="Not added")
    expect(err).to_be_visible(timeout=20_000)
    text = err.inner_text()
    assert "bad_layer.geojson" in text and "feature #2" in text and "geometry" in text and "outside" in text
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').count() == boxes
    assert mp.drawn_ids() == before
    assert not any(k.startswith("user_") for k in mp.state()["loaded"])
    assert "user_" not in page.url
