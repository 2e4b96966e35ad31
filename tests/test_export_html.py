"""Browser exports: the standalone HTML works offline in Chromium; the as-seen PNG; no browser → clear error."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from layers.dates import to_day
from layers.export import ExportUnavailable, export_map, request_from_state
from layers.export.as_seen import as_seen_png
from layers.export.browser import CHROMIUM_ARGS, browser_available, chromium_path, in_worker
from layers.viewstate import ViewState

STATE = ViewState(date=dt.date(1939, 8, 20), campaign="overview")
needs_browser = pytest.mark.skipif(
    browser_available() is not None, reason=f"no headless browser: {browser_available()}"
)


def test_html_is_one_self_contained_file(sample_atlas):
    res = export_map(sample_atlas, STATE, "html")
    html = res.data.decode("utf-8")
    assert res.mime.startswith("text/html")
    assert "<title>Far East Frontiers 1918–1945 — 1939-08-20</title>" in html
    assert "fefTimeSliced(" in html and "L.map(" in html
    assert not re.findall(r"<script[^>]*\ssrc=[\"']?https?:", html), "scripts are inline"
    assert not re.findall(r"<link[^>]*\shref=[\"']?https?:", html), "styles are inline"
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


@pytest.mark.browser
@needs_browser
def test_html_export_works_offline_in_chromium(sample_atlas, tmp_path):
    path = tmp_path / "map.html"
    path.write_bytes(export_map(sample_atlas, STATE, "html").data)
    requests: list[str] = []
    blocked: list[str] = []
    errors: list[str] = []
    # in a worker thread: the browser tests' session-wide Playwright may own this one
    before, after, shown = in_worker(lambda: _drive(path, requests, blocked, errors))
    assert before == 3, "Vladivostok, the arrow and the zone on 20 Aug 1939"
    assert after == 1, "only Vladivostok on 1 Jan 1938"
    assert shown == "1 Jan 1938"
    assert not errors, errors
    assert not blocked, f"the export tried to reach the network: {blocked}"
    assert all(urlsplit(u).scheme in ("file", "data", "blob", "about") for u in requests), requests


def _drive(path, requests, blocked, errors):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 640})

            def route(r):  # every request that is not the file itself (or data:) is cut
                if urlsplit(r.request.url).scheme in ("file", "data", "blob", "about"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_function("window.__fef && window.__fef.ready === true", timeout=20000)
            before = page.evaluate("window.__fef.visibleCount")
            page.evaluate(
                """(day) => new Promise((resolve) => {
                     document.addEventListener("fef:rendered", () => resolve(), {once: true});
                     window.__fef.goto(day);
                   })""",
                to_day("1938-01-01"),
            )
            after = page.evaluate("window.__fef.visibleCount")
            shown = page.locator(".fef-date").text_content()
        finally:
            browser.close()
    return before, after, shown


@pytest.mark.browser
@needs_browser
def test_as_seen_png(sample_atlas):
    req = request_from_state(sample_atlas, STATE)
    png = as_seen_png(sample_atlas, req, size=(900, 560))
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (900, 560)
    px = np.asarray(img)
    assert len(np.unique(px.reshape(-1, 3), axis=0)) > 30 and px.std() > 10
    # the offline basemap's sea colour shows (the map drew, not a blank page)
    sea = np.all(np.abs(px.astype(int) - (0xCF, 0xE0, 0xEC)) < 4, axis=2)
    assert sea.mean() > 0.02


def test_as_seen_without_chromium_raises_a_clear_error(sample_atlas, monkeypatch):
    monkeypatch.setattr("layers.export.browser.chromium_path", lambda: None)
    req = request_from_state(sample_atlas, STATE)
    with pytest.raises(ExportUnavailable, match="no Chromium found"):
        as_seen_png(sample_atlas, req)


def test_browser_check_names_the_missing_piece(monkeypatch):
    monkeypatch.setenv("FEF_CHROMIUM", os.devnull)
    monkeypatch.setattr("os.path.isfile", lambda p: False)
    assert "Chromium" in (browser_available() or "")
    assert Path is not None
