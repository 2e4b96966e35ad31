"""Faster first map (issue 10, item 8): a session's first run sends the map alone; the map's
"painted" report starts the run that sends the rest of the page (app.py, time_sliced.js).

These tests check the mechanism, not the time (scripts/benchmark_slider.py --cold-only
measures that): the map reports once, after its first draw, with a value Python accepts
quietly, and that report, not the 10 s fallback timer, brings the panels and the sidebar.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from fefpage import MapPage
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

UPLOADER = '[data-testid="stSidebar"] [data-testid="stFileUploader"]'


def _ready(mp: MapPage) -> bool:
    try:
        return bool(mp.frame.evaluate("() => !!(window.__fef && window.__fef.ready)"))
    except (LookupError, PlaywrightError):  # no frame yet, or navigating
        return False


def test_the_maps_painted_report_brings_the_rest_of_the_page(page: Any, app_url: str) -> None:
    sent: list[bytes] = []

    def on_ws(ws: Any) -> None:
        ws.on("framesent", lambda payload: sent.append(payload if isinstance(payload, bytes) else payload.encode()))

    page.on("websocket", on_ws)
    page.goto(app_url + "/?date=1939-08-20", wait_until="domcontentloaded")
    mp = MapPage(page)
    deadline = time.monotonic() + 60
    while not _ready(mp):
        assert time.monotonic() < deadline, "map not ready after 60 s"
        page.wait_for_timeout(50)
    mp.frame.evaluate("() => { window.__sameDocument = true; }")  # gone if the map page reloads
    # the rest of the page comes well before the fallback timer (10 s after the first run) could fire
    page.locator(UPLOADER).wait_for(state="attached", timeout=9000)
    expect(page.locator("h3").filter(has_text="On the map on 20 August 1939")).to_have_count(1)
    # the report goes to the server as a rerun request carrying the component's value
    reports = [p for p in sent if b'{"ready":true,"seq":1}' in p]
    assert len(reports) == 1, f"{len(reports)} rerun requests carry the painted report"
    # Python takes it quietly: no "could not read" warning, and the page's placeholders are gone
    expect(page.locator('[data-testid="stAlert"]')).to_have_count(0)
    expect(page.get_by_text("Loading the controls")).to_have_count(0)
    expect(page.get_by_text("Loading the timeline and the tables")).to_have_count(0)
    # and the map was not reloaded by that run
    assert mp.frame.evaluate("() => window.__sameDocument === true && window.__fef.ready")
