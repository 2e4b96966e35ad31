"""What a person sees in the dashboard, checked in headless Chromium.

Dates and layers come from the loaded data (see ``conftest.py``), so the same tests run on
the real atlas and on the small test dataset. Every test also fails on a console error or
on a request that leaves localhost (the ``page`` fixture).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fefpage import (
    END_DAY,
    JS_CANVASES,
    START_DAY,
    DataSet,
    MapPage,
    app_query,
    heading_text,
    open_app,
)
from playwright.sync_api import expect

from layers.dates import day_to_iso, to_day

pytestmark = pytest.mark.browser

HEADING_TIMEOUT_MS = 2500
COMPONENT_SELECTOR = 'iframe[src*="/component/"][src*="fef_map"]'


# ---------------------------------------------------------------------------------------
# what to look at, chosen from the data
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def layers_on(dataset: DataSet) -> list[str]:
    """Every layer that has something to draw (all ticked)."""
    ids = dataset.drawable_layers()
    if not ids:
        pytest.skip("the data has no located feature inside 1918-1945")
    return ids


@pytest.fixture(scope="session")
def step(dataset: DataSet, layers_on: list[str]) -> tuple[int, int]:
    """``(day - 1, day)`` where one day forward changes what is drawn (both non-empty if possible)."""
    days = dataset.change_days(layers_on)
    if not days:
        pytest.skip("nothing changes on the map between 1918 and 1945")
    full = [d for d in days if dataset.expected_ids(d - 1, layers_on) and dataset.expected_ids(d, layers_on)]
    d = (full or days)[len(full or days) // 2]
    return d - 1, d


@pytest.fixture(scope="session")
def hide(dataset: DataSet, layers_on: list[str]) -> tuple[int, str, list[str]]:
    """``(day, layer to untick, layers left)``: the layer draws on ``day``; preferably others do too."""
    day = dataset.busy_day(layers_on)
    drawn = [lid for lid in layers_on if dataset.expected_ids(day, [lid])]
    assert drawn, "busy_day must draw something"
    best = max(drawn, key=lambda lid: (bool(dataset.expected_ids(day, [x for x in layers_on if x != lid])),
                                       len(dataset.expected_ids(day, [lid]))))
    return day, best, [lid for lid in layers_on if lid != best]


def other_day(dataset: DataSet, layers: list[str], current: int) -> int:
    """A change day whose drawn set differs from the one on ``current``."""
    now = dataset.expected_ids(current, layers)
    for d in dataset.change_days(layers) + [START_DAY, END_DAY]:
        if dataset.expected_ids(d, layers) != now:
            return d
    pytest.skip("the drawn set never changes")
    raise AssertionError  # unreachable


def overlay_pngs(mp: MapPage) -> list[str]:
    """The feature canvases as PNG data URLs."""
    return mp.frame.evaluate(JS_CANVASES, ".leaflet-overlay-pane canvas")


# ---------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------


def test_map_draws_features_and_basemap(page: Any, app_url: str, dataset: DataSet, layers_on: list[str]) -> None:
    day = dataset.busy_day(layers_on)
    expected = dataset.expected_ids(day, layers_on)
    mp = open_app(page, app_url, app_query(day, layers_on))
    mp.wait_day(day)
    mp.wait_drawn(expected)
    state = mp.state()
    assert state["errors"] == []
    assert state["iso"] == day_to_iso(day)
    assert state["visibleCount"] == len(expected) > 0

    overlay = mp.overlay_pixels()
    assert overlay.drawn >= 20, f"feature canvas is blank: {overlay}"
    # The basemap canvas is larger than the view (Leaflet pads it), so a modest share of
    # drawn pixels is enough; the screenshot checks what is actually in view.
    deadline = time.monotonic() + 15
    while (base := mp.basemap_pixels()).drawn_fraction < 0.05 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert base.drawn_fraction >= 0.05 and base.colours >= 3, f"basemap canvas looks empty: {base}"
    shot = mp.screenshot_stats()
    assert shot.drawn_fraction >= 0.2 and shot.colours >= 20, f"the map area looks empty: {shot}"


def test_no_request_leaves_localhost(page: Any, app_url: str, dataset: DataSet, layers_on: list[str]) -> None:
    mp = open_app(page, app_url, app_query(dataset.busy_day(layers_on), layers_on))
    mp.frame.locator("a.leaflet-control-zoom-in").click()
    mp.press("End")
    mp.wait_day(END_DAY)
    mp.frame.locator(".leaflet-control-layers").hover()  # shows the basemap choice; picks none
    mp.frame.locator("a.leaflet-control-zoom-out").click()
    page.wait_for_timeout(1000)
    rec = page.fef_recorder
    urls = rec.requests
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in urls), "Leaflet not served locally"
    assert any(u.endswith("basemap.json") for u in urls), "basemap bundle not fetched"
    assert any(u.startswith("ws://localhost") for u in urls), "no Streamlit websocket seen"
    assert rec.foreign_requests() == []


def test_slider_moves_change_the_drawn_features(
    page: Any, app_url: str, dataset: DataSet, layers_on: list[str], step: tuple[int, int]
) -> None:
    before, after = step
    mp = open_app(page, app_url, app_query(before, layers_on))
    mp.wait_day(before)
    mp.wait_drawn(dataset.expected_ids(before, layers_on))
    pngs = overlay_pngs(mp)

    mp.press("ArrowRight")
    mp.wait_day(after)
    drawn = mp.drawn_ids()
    assert drawn == dataset.expected_ids(after, layers_on) != dataset.expected_ids(before, layers_on)
    assert mp.state()["visibleCount"] == len(drawn)
    assert mp.state()["iso"] == day_to_iso(after)
    assert overlay_pngs(mp) != pngs, "the canvas did not change although the features did"

    mp.press("End")
    mp.wait_day(END_DAY)
    assert mp.drawn_ids() == dataset.expected_ids(END_DAY, layers_on)

    mp.press("PageDown")
    # the key is handled asynchronously: wait for the bar to leave the end before reading it
    mp.frame.wait_for_function(f"() => window.__fef && window.__fef.day !== {END_DAY}", timeout=10_000)
    day = mp.state()["day"]
    assert START_DAY < day < END_DAY
    mp.wait_day(day)
    mp.wait_drawn(dataset.expected_ids(day, layers_on))

    target = other_day(dataset, layers_on, day)
    mp.drag_to(target)
    mp.wait_day(target)
    mp.wait_drawn(dataset.expected_ids(target, layers_on))
    assert mp.state()["iso"] == day_to_iso(target), "the map left the dragged date by itself"


def test_unticking_a_layer_hides_its_features(
    page: Any, app_url: str, dataset: DataSet, layers_on: list[str], hide: tuple[int, str, list[str]]
) -> None:
    day, lid, rest = hide
    title = dataset.atlas.layers[lid].spec.title
    mine, others = dataset.expected_ids(day, [lid]), dataset.expected_ids(day, rest)
    mp = open_app(page, app_url, app_query(day, layers_on))
    mp.wait_day(day)
    mp.wait_drawn(mine | others)
    pixels_before = mp.overlay_pixels().drawn
    assert mp.is_checked(title)

    mp.layer_checkbox(title).click()
    mp.wait_drawn(others)
    assert not mp.is_checked(title)
    pixels_after = mp.overlay_pixels().drawn
    assert pixels_after < pixels_before
    if not others:
        assert pixels_after == 0

    mp.layer_checkbox(title).click()
    mp.wait_drawn(mine | others)
    assert mp.is_checked(title)


def test_view_layers_and_frame_survive_date_moves(
    page: Any, app_url: str, dataset: DataSet, layers_on: list[str], hide: tuple[int, str, list[str]]
) -> None:
    day, lid, rest = hide
    title = dataset.atlas.layers[lid].spec.title
    mp = open_app(page, app_url, app_query(day, layers_on))
    mp.wait_day(day)
    mp.wait_drawn(dataset.expected_ids(day, layers_on))
    expect(mp.heading()).to_have_text(heading_text(day), timeout=HEADING_TIMEOUT_MS)
    navigations: list[str] = []
    page.on("framenavigated", lambda fr: navigations.append(fr.url) if "/component/" in fr.url else None)
    handle = mp.iframe.element_handle()
    mp.frame.evaluate("() => { window.__marker = 1; }")

    start_view = mp.view()
    mp.pan(-140, 90)
    view = mp.view()
    assert (view["lat"], view["lng"]) != (start_view["lat"], start_view["lng"]), "the drag did not pan the map"
    # the app receives the new view (it writes it to the URL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        uv = mp.url_view()
        if uv and abs(uv[0] - view["lat"]) < 1e-3 and abs(uv[1] - view["lng"]) < 1e-3:
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail(f"the app never got the panned view {view}; URL {page.url}")

    mp.layer_checkbox(title).click()
    mp.wait_drawn(dataset.expected_ids(day, rest))

    days = dataset.change_days(layers_on)
    picks = [days[len(days) // 4], days[(3 * len(days)) // 4]] if days else [START_DAY + 400, END_DAY - 400]
    moves: list[tuple[str, Any]] = [("drag", picks[0]), ("key", "ArrowRight"), ("key", "PageDown"),
                                    ("drag", picks[1]), ("key", "End")]
    for kind, arg in moves:
        if kind == "drag":
            mp.drag_to(arg)
            target = arg
        else:
            prev = mp.state()["day"]
            mp.press(arg)
            mp.frame.wait_for_function("(p) => window.__fef.day !== p", arg=prev, timeout=5000)
            target = mp.state()["day"]
        mp.wait_day(target)
        expect(mp.heading()).to_have_text(heading_text(target), timeout=HEADING_TIMEOUT_MS)
        assert mp.drawn_ids() == dataset.expected_ids(target, rest), f"after {kind} {arg}"
        now = mp.view()
        assert now == view, f"the view moved after {kind} {arg}: {view} -> {now}"
        assert not mp.is_checked(title), f"layer choice lost after {kind} {arg}"
        assert mp.frame.evaluate("() => window.__marker") == 1, f"map frame reloaded after {kind} {arg}"
        assert page.evaluate("([h, s]) => h === document.querySelector(s)", [handle, COMPONENT_SELECTOR])
    assert navigations == [], f"the map frame navigated: {navigations}"
    query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    shown = [x for x in query.get("layers", [""])[-1].split(",") if x]
    assert lid not in shown and set(shown) <= set(rest), f"URL layers {shown}"


def test_panel_heading_follows_the_date(
    page: Any, app_url: str, dataset: DataSet, layers_on: list[str], step: tuple[int, int]
) -> None:
    before, after = step
    mp = open_app(page, app_url, app_query(before, layers_on))
    heading = mp.heading()
    expect(heading).to_have_text(heading_text(before), timeout=HEADING_TIMEOUT_MS)
    mp.press("ArrowRight")
    expect(heading).to_have_text(heading_text(after), timeout=HEADING_TIMEOUT_MS)
    mp.press("Home")
    expect(heading).to_have_text(heading_text(START_DAY), timeout=HEADING_TIMEOUT_MS)
    target = other_day(dataset, layers_on, START_DAY)
    mp.drag_to(target)
    expect(heading).to_have_text(heading_text(target), timeout=HEADING_TIMEOUT_MS)


@pytest.mark.parametrize(
    "query",
    [
        "?date=1999-99-99&layers=" + quote("<script>x</script>"),
        "?date=" + quote("<script>window.__pwned=1</script>") + "&layers="
        + quote('<img src=x onerror="window.__pwned=1">') + "&view=" + quote("<b>1</b>"),
    ],
    ids=["script-tag", "img-onerror"],
)
def test_bad_url_parameters_warn_and_run_no_script(page: Any, app_url: str, dataset: DataSet, query: str) -> None:
    page.goto(app_url + "/" + query, wait_until="domcontentloaded")
    mp = MapPage(page)
    mp.wait_ready()
    alerts = page.locator('[data-testid="stAlert"]')
    expect(alerts.filter(has_text="URL parameter 'date'")).to_have_count(1)
    expect(alerts.filter(has_text="URL parameter 'layers'")).to_have_count(1)
    text = " ".join(alerts.all_inner_texts())
    assert "<script>" in text or "<img" in text, "the bad value should be shown as text"
    overview = dataset.atlas.campaigns.get("overview")
    if overview is not None:  # a bad date falls back to the default one
        assert mp.state()["day"] == to_day(overview.default_date)
    for where in (page, mp.frame):
        assert where.evaluate("() => window.__pwned") is None
        assert where.evaluate(
            "() => [...document.querySelectorAll('script')].filter(s => /^x$|__pwned/.test(s.textContent.trim())).length"
        ) == 0
        assert where.evaluate("() => document.querySelectorAll('img[src=\"x\"], b').length") == 0
    assert not [u for u in page.fef_recorder.requests if u.rstrip("/").endswith("/x")]


def test_malformed_layer_warns_and_the_other_layer_draws(page: Any, broken_app: tuple[str, DataSet]) -> None:
    url, data = broken_app
    mp = open_app(page, url, "", timeout_s=60)
    alert = page.locator('[data-testid="stAlert"]', has_text="broken_layer.geojson")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("not valid JSON")
    assert "broken_layer" not in data.atlas.layers
    lid = next(iter(data.atlas.layers))
    assert mp.is_checked(data.atlas.layers[lid].spec.title)
    expect(page.locator('[data-testid="stSidebar"]')).not_to_contain_text("Broken layer")
    day = mp.state()["day"]
    expected = data.expected_ids(day, [lid])
    assert expected, "the test dataset draws something on the default day"
    mp.wait_drawn(expected)
    assert mp.overlay_pixels().drawn >= 20


def test_go_to_date_follows_the_map(
    page: Any, app_url: str, dataset: DataSet, layers_on: list[str], step: tuple[int, int]
) -> None:
    """The "Go to date" box beside the panels' heading shows the map's date after a move (it
    once lagged a rerun; it left the sidebar so that a move reruns only the map's fragment)."""
    before, after = step
    mp = open_app(page, app_url, app_query(before, layers_on))
    date_box = page.locator('[data-testid="stMain"] [data-testid="stDateInput"]').filter(
        has_text="Go to date").locator("input")
    expect(mp.heading()).to_have_text(heading_text(before), timeout=HEADING_TIMEOUT_MS)
    expect(date_box).to_have_value(day_to_iso(before))
    mp.press("ArrowRight")
    expect(mp.heading()).to_have_text(heading_text(after), timeout=HEADING_TIMEOUT_MS)
    expect(date_box).to_have_value(day_to_iso(after), timeout=HEADING_TIMEOUT_MS)
