"""Bad links: a nasty URL shows a warning and a working map, never an exception page.

Each link is opened as a person would paste it; the test then looks for the warning that
names the bad parameter, for Streamlit's exception box (which must be absent), and checks
the map drew its default layers for the date it shows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fefpage import DataSet, MapPage
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NASTY = {
    "empty-layers": ("?layers=", "names no layer"),
    "nan-view": ("?view=nan,inf,99", "URL parameter 'view'"),
    "huge-view": ("?view=" + "9" * 400 + ",1e400,-99999999999999999999", "URL parameter 'view'"),
    "date-out-of-range": ("?date=1850-01-01", "URL parameter 'date'"),
    "date-malformed": ("?date=1939-02-30", "URL parameter 'date'"),
    "unknown-campaign": ("?campaign=" + quote("Халхин-Гол\u202e{{7*7}}"), "URL parameter 'campaign'"),
    "unknown-layers": ("?layers=nope," + quote("<b>x</b>"), "unknown layers"),
    "repeated": ("?date=1939-08-20&date=1938-07-31&date=1945-08-09", "given 3 times"),
    "oversized": ("?date=" + "1" * 3000, "too long"),
    "control-chars": ("?basemap=" + quote("osm\x00\x1b[31m\r\n"), "URL parameter 'basemap'"),
    "unknown-param": ("?zoom=5&%FF%FE=1", "not used by the atlas"),
}


@pytest.mark.parametrize("query, warning", list(NASTY.values()), ids=list(NASTY))
def test_nasty_link_warns_and_the_map_works(page: Any, app_url: str, dataset: DataSet, query: str,
                                            warning: str) -> None:
    page.goto(app_url + "/" + query, wait_until="domcontentloaded")
    mp = MapPage(page)
    mp.wait_ready(60)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text=warning).first).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert "{{" not in query or "49" not in " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    # a working map: the default layers are ticked and drawn for the date it shows
    defaults = [lid for lid, s in dataset.atlas.specs.items() if s.default_visible and lid in dataset.atlas.layers]
    on = [lid for lid in defaults if mp.is_checked(dataset.atlas.layers[lid].spec.title)]
    if "layers=" in query:  # an empty or unknown-only layer list keeps the defaults
        assert on == defaults
    day = mp.state()["day"]
    mp.wait_drawn(dataset.expected_ids(day, on), timeout_s=20)
    expect(mp.heading()).to_be_visible()
