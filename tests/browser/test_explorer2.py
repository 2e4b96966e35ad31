"""The explorer, part 2, as a person uses it: chronology event buttons, playback speed and
loop, two dates side by side, the link to a view, the phone layout, keyboard access, the
full-width map and full screen, and the picker for overlapping features.

``FEF_DOC_SHOTS=1`` also writes docs/compare.png and docs/phone.png (for the README).
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fefpage import REPO_ROOT, DataSet, MapPage, open_app
from playwright.sync_api import expect

from layers.dates import to_day
from layers.explorer import chronology_days

pytestmark = pytest.mark.browser

FRONTIERS = ("manchurian_frontiers", "mongolian_frontiers")
DOC_SHOTS = bool(os.environ.get("FEF_DOC_SHOTS"))
BAR = ".fef-timebar"
SECOND = "Second date (right of the divider)"


@pytest.fixture
def real(dataset: DataSet) -> DataSet:
    if "chronology" not in dataset.atlas.layers or not set(FRONTIERS) <= set(dataset.atlas.layers):
        pytest.skip("needs the real atlas (chronology and frontier layers)")
    return dataset


def frame_focus_outline(mp: MapPage) -> dict[str, Any]:
    """Tag, label and outline of the focused element in the map frame."""
    return mp.frame.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e); return {tag: e.tagName, "
        "label: e.getAttribute('aria-label') || '', act: e.getAttribute('data-act') || '', cls: e.className || '', "
        "width: parseFloat(s.outlineWidth) || 0, style: s.outlineStyle}; }")


# ---------------------------------------------------------------------------------------
# 1. date bar: events, speed, loop, keyboard
# ---------------------------------------------------------------------------------------


def test_event_buttons_step_through_the_chronology_by_keyboard(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?campaign=overview&date=1938-07-01&layers=chronology")
    mp.wait_day(to_day("1938-07-01"))
    lo, hi = mp.frame.evaluate("() => [__fef.api.cfg.start, __fef.api.cfg.end]")
    days = chronology_days(real.atlas, lo, hi)
    start = to_day("1938-07-01")
    nxt = next(d for d, _ in days if d > start)
    prv = max(d for d, _ in days if d < nxt)
    names = dict(days)
    # Tab from the slider to "event ›" and press Enter: the next chronology event
    nextb = mp.frame.locator(f'{BAR} [data-act="next-event"]')
    expect(nextb).to_have_attribute("aria-label", "Next event in the chronology")
    nextb.focus()
    page.keyboard.press("Enter")
    mp.wait_day(nxt)
    line = mp.frame.locator(".fef-event-name")
    expect(line).to_contain_text(names[nxt].split(";")[0])
    # Space on "‹ event": back to the event before
    prevb = mp.frame.locator(f'{BAR} [data-act="prev-event"]')
    prevb.focus()
    page.keyboard.press("Space")
    mp.wait_day(prv)
    line_prev = names[prv].split(";")[0]
    expect(line).to_contain_text(line_prev)
    # the change buttons are still there and different from the event buttons
    assert mp.frame.locator(f'{BAR} [data-act="next"]').count() == 1


def test_every_date_bar_control_has_a_name_and_a_visible_focus(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?date=1938-07-01")
    controls = mp.frame.locator(f"{BAR} button, {BAR} select, {BAR} input")
    n = controls.count()
    assert n >= 9
    unnamed = [controls.nth(i).evaluate("e => e.outerHTML.slice(0, 80)") for i in range(n)
               if not (controls.nth(i).get_attribute("aria-label") or "").strip()]
    assert not unnamed, unnamed
    # keyboard focus walks through the bar, and each stop shows an outline
    mp.range.focus()
    seen = set()
    for _ in range(n + 2):
        page.keyboard.press("Tab")
        f = frame_focus_outline(mp)
        if f["tag"] == "BODY":
            break
        seen.add(f["label"])
        if mp.frame.evaluate("() => !!document.activeElement.closest('.fef-timebar')"):
            assert f["width"] >= 2 and f["style"] != "none", f
    for label in ("Next event in the chronology", "Play or pause the animation", "Playback speed", "Loop the animation"):
        assert label in seen, (label, seen)
    # range value spoken as a date, not a day number
    expect(mp.range).to_have_attribute("aria-valuetext", "1 Jul 1938")


def test_speed_and_loop_change_playback(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?date=1945-08-01&campaign=overview")
    end = mp.frame.evaluate("() => __fef.api.cfg.end")
    mp.frame.locator(".fef-speed").select_option("8")
    assert mp.frame.evaluate("() => __fef.api.cfg.play_ms") == 50
    # without loop: playing stops at the end of the bar
    mp.frame.evaluate(f"() => __fef.goto({end - 3})")
    play = mp.frame.locator(".fef-play")
    play.focus()
    page.keyboard.press("Enter")
    mp.wait_day(end, timeout_s=10)
    expect(play).to_have_text("Play", timeout=5000)
    expect(play).to_have_attribute("aria-pressed", "false")
    # with loop: it goes on from the start
    loop = mp.frame.locator(".fef-loop")
    loop.focus()
    page.keyboard.press("Space")
    expect(loop).to_have_attribute("aria-pressed", "true")
    start = mp.frame.evaluate("() => __fef.api.cfg.start")
    mp.frame.evaluate(f"() => __fef.goto({end - 2})")
    play.click()
    mp.frame.wait_for_function(f"() => __fef.day < {start + 400}", timeout=10000)
    play.click()  # pause
    expect(play).to_have_text("Play")
    # a faster speed means shorter ticks: ×1 is 8 times slower than ×8
    mp.frame.locator(".fef-speed").select_option("1")
    assert mp.frame.evaluate("() => __fef.api.cfg.play_ms") == 400


# ---------------------------------------------------------------------------------------
# 2. two dates side by side
# ---------------------------------------------------------------------------------------


def test_compare_1920_with_1938_frontiers(page: Any, app_url: str, real: DataSet) -> None:
    q = "?date=1938-06-01&compare=1920-06-01&campaign=overview&layers=" + ",".join(FRONTIERS)
    mp = open_app(page, app_url, q)
    left_day, right_day = to_day("1938-06-01"), to_day("1920-06-01")
    mp.wait_day(left_day)
    mp.frame.wait_for_function(f"() => __fef.compare && __fef.compare.active && __fef.compare.day === {right_day}",
                               timeout=10000)
    want_left = real.expected_ids(left_day, FRONTIERS)
    want_right = real.expected_ids(right_day, FRONTIERS)
    assert want_left != want_right, "the data should differ between 1920 and 1938"
    mp.wait_drawn(want_left)
    right = set(mp.frame.evaluate("() => { const ids = []; const m = __fef.api.map; "
                                  "m.eachLayer(l => { if (l.fefCompareId) { ids.push(l.fefCompareId); } }); return ids; }"))
    assert right == want_right
    # each side is clipped to its half of the map
    clips = mp.frame.evaluate("() => [document.querySelector('.leaflet-overlay-pane').style.clip, "
                              "document.querySelector('.leaflet-fefCompare-pane').style.clip, __fef.api.map.getSize().x]")
    assert clips[0].startswith("rect(") and clips[1].startswith("rect("), clips
    # the right side's canvas has drawn pixels
    from fefpage import JS_CANVASES, canvas_stats
    assert canvas_stats(mp.frame.evaluate(JS_CANVASES, ".leaflet-fefCompare-pane canvas")).drawn > 500
    expect(mp.frame.locator(".fef-cmp-right")).to_have_text("1 Jun 1920 \u25b6")
    expect(mp.frame.locator(".fef-cmp-left")).to_have_text("\u25c0 1 Jun 1938")
    # the URL keeps it, the sidebar shows it
    page.wait_for_function("() => location.search.includes('compare=1920-06-01')", timeout=10000)
    side = page.locator('[data-testid="stSidebar"]')
    for part, value in (("year", "1920"), ("month", "6"), ("day", "1")):
        expect(side.get_by_role("spinbutton", name=f"{part}, {SECOND}")).to_have_attribute("aria-valuenow", value)
    if DOC_SHOTS:
        mp.iframe.screenshot(path=str(REPO_ROOT / "docs" / "compare.png"))
    # moving the map date moves the left side only
    mp.frame.evaluate(f"() => __fef.goto({to_day('1945-08-20')})")
    mp.wait_drawn(real.expected_ids(to_day("1945-08-20"), FRONTIERS))
    assert mp.frame.evaluate("() => __fef.compare.day") == right_day
    # turning it off in the sidebar removes the second side and the parameter
    side.get_by_text("Compare with a second date").click()
    mp.frame.wait_for_function("() => !__fef.compare.active", timeout=10000)
    assert mp.frame.evaluate("() => { let n = 0; __fef.api.map.eachLayer(l => { if (l.fefCompareId) { n++; } }); "
                             "return n; }") == 0
    page.wait_for_function("() => !location.search.includes('compare=')", timeout=10000)
    assert mp.frame.evaluate("() => document.querySelector('.leaflet-overlay-pane').style.clip") == ""


def test_compare_turned_on_in_the_sidebar(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?date=1938-06-01&layers=" + ",".join(FRONTIERS))
    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_text("Compare with a second date").click()
    year = side.get_by_role("spinbutton", name=f"year, {SECOND}")
    expect(year).to_be_visible(timeout=10000)
    # the default second date is a year before the map date; type another year
    expect(year).to_have_attribute("aria-valuenow", "1937")
    year.focus()
    page.keyboard.type("1920")
    expect(year).to_have_attribute("aria-valuenow", "1920")
    page.locator("h1").first.click()  # leaving the field commits the date
    mp.frame.wait_for_function(f"() => __fef.compare.active && __fef.compare.day === {to_day('1920-06-01')}",
                               timeout=10000)
    page.wait_for_function("() => location.search.includes('compare=1920-06-01')", timeout=10000)


def test_a_bad_compare_date_warns_and_shows_one_map(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?compare=1999-02-30")
    expect(page.get_by_text("URL parameter 'compare'")).to_be_visible(timeout=10000)
    assert mp.frame.evaluate("() => __fef.compare.active") is False


# ---------------------------------------------------------------------------------------
# 3. the link to a view
# ---------------------------------------------------------------------------------------


def _params(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def test_copy_link_round_trips_every_view_parameter(browser: Any, page: Any, app_url: str, real: DataSet) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    layers = ",".join(FRONTIERS)
    q = f"?date=1938-08-11&campaign=lake_khasan&layers={layers}&view=42.5000,130.6000,9&compare=1920-06-01"
    mp = open_app(page, app_url, q)
    mp.wait_day(to_day("1938-08-11"))
    mp.frame.wait_for_function("() => __fef.compare.active", timeout=10000)
    # move the date in the map, then copy at once (before Python has heard of the move)
    mp.frame.evaluate(f"() => __fef.goto({to_day('1938-08-06')})")
    mp.frame.locator(".fef-link").click()
    expect(mp.frame.locator(".fef-link-status")).to_have_text("Link copied", timeout=5000)
    link = mp.frame.evaluate("() => __fef.lastLink")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == link
    p = _params(link)
    assert p["date"] == "1938-08-06" and p["compare"] == "1920-06-01" and p["campaign"] == "lake_khasan"
    assert p["layers"] == layers
    lat, lon, zoom = p["view"].split(",")
    assert abs(float(lat) - 42.5) < 0.01 and abs(float(lon) - 130.6) < 0.01 and zoom == "9"
    # the "Link to this view" box shows the same view once Python caught up
    page.get_by_text("Link to this view").click()
    code = page.locator('[data-testid="stCode"]').filter(has_text="date=1938-08-06")
    expect(code).to_be_visible(timeout=10000)
    # opening the link reproduces the view
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pg2 = other.new_page()
        mp2 = open_app(pg2, app_url, "?" + urlsplit(link).query)
        mp2.wait_day(to_day("1938-08-06"))
        mp2.frame.wait_for_function(f"() => __fef.compare.active && __fef.compare.day === {to_day('1920-06-01')}",
                                    timeout=10000)
        v = mp2.view()
        assert abs(v["lat"] - 42.5) < 0.01 and abs(v["lng"] - 130.6) < 0.01 and v["zoom"] == 9, v
        assert mp2.is_checked("Manchurian frontiers") and mp2.is_checked("Mongolian frontiers")
        pg2.wait_for_timeout(800)
        back = _params(pg2.url)
        for k in ("date", "campaign", "layers", "compare"):
            assert back[k] == p[k], (k, back, p)
    finally:
        other.close()


def test_basemap_parameter_reaches_the_map_and_comes_back(page: Any, app_url: str, real: DataSet) -> None:
    # the online basemap's tiles are answered here, so nothing leaves the machine
    page.route("**/*tile*/**", lambda route: route.fulfill(status=204, body=b""))
    page.route("https://**", lambda route: route.fulfill(status=204, body=b""))
    mp = open_app(page, app_url, "?date=1938-08-11&basemap=topo")
    mp.frame.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-control-layers-base label')].some("
        "l => l.textContent.includes('OpenTopoMap') && l.querySelector('input').checked)", timeout=10000)
    page.wait_for_timeout(600)
    assert _params(page.url).get("basemap") == "topo"
    # back to the offline map in the map's own control: the URL follows
    mp.frame.evaluate("() => { const i = [...document.querySelectorAll('.leaflet-control-layers-base label')]"
                      ".find(l => l.textContent.includes('Offline')).querySelector('input'); i.click(); }")
    page.wait_for_function("() => !location.search.includes('basemap=')", timeout=10000)
    rec = page.fef_recorder  # the fulfilled tile requests never left; do not count them
    rec.requests[:] = [u for u in rec.requests if "localhost" in u or u.startswith(("data:", "blob:", "about:"))]


# ---------------------------------------------------------------------------------------
# 4. phone
# ---------------------------------------------------------------------------------------


def test_phone_layout_at_390_by_844(browser: Any, app_url: str, real: DataSet) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True)
    try:
        pg = ctx.new_page()
        from fefpage import PageRecorder
        rec = PageRecorder(pg)
        mp = open_app(pg, app_url, "?date=1939-08-20&campaign=overview")
        pg.wait_for_timeout(800)
        # sidebar closed
        side = pg.locator('[data-testid="stSidebar"]')
        assert side.get_attribute("aria-expanded") == "false" or not side.is_visible() or \
            (side.bounding_box() or {"x": -999})["x"] < -100
        # no horizontal overflow of the page or of the date bar
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
        box = mp.iframe.bounding_box()
        bar = mp.frame.evaluate(f"() => {{ const r = document.querySelector('{BAR}').getBoundingClientRect(); "
                                f"const b = document.querySelector('{BAR}'); return {{x: r.x, y: r.y, w: r.width, "
                                "h: r.height, sw: b.scrollWidth, cw: b.clientWidth}; }")
        assert bar["sw"] <= bar["cw"] + 1, bar
        assert box["x"] + bar["x"] >= 0 and box["x"] + bar["x"] + bar["w"] <= 390, (box, bar)
        # Play and the date are on the first screen
        for sel in (".fef-play", ".fef-date"):
            r = mp.frame.evaluate(f"() => {{ const r = document.querySelector('{sel}').getBoundingClientRect(); "
                                  "return {x: r.x, y: r.y, w: r.width, h: r.height}; }")
            top = box["y"] + r["y"]
            assert r["w"] > 0 and 0 <= top and top + r["h"] <= 844, (sel, box, r)
            assert 0 <= box["x"] + r["x"] and box["x"] + r["x"] + r["w"] <= 390, (sel, box, r)
        # legend folded
        assert mp.frame.evaluate("() => document.querySelector('.fef-legend').open") is False
        # the cut height holds: no resize → report → rerun → resize loop
        h0 = mp.iframe.evaluate("e => e.getBoundingClientRect().height")
        mp.frame.evaluate("() => { window.__resizes = 0; __fef.api.map.on('resize', () => { window.__resizes++; }); }")
        pg.wait_for_timeout(2500)
        assert mp.iframe.evaluate("e => e.getBoundingClientRect().height") == h0
        assert abs(h0 - mp.frame.evaluate("() => __fef.phoneHeight")) < 1
        assert mp.frame.evaluate("() => window.__resizes") == 0
        if DOC_SHOTS:  # (Playwright's screenshot waits for fonts forever with is_mobile; CDP does not)
            import base64
            shot = ctx.new_cdp_session(pg).send("Page.captureScreenshot", {"format": "png"})
            (REPO_ROOT / "docs" / "phone.png").write_bytes(base64.b64decode(shot["data"]))
        assert not rec.problems(), rec.problems()
    finally:
        ctx.close()


# ---------------------------------------------------------------------------------------
# 5. keyboard: layer ticks
# ---------------------------------------------------------------------------------------


def test_layer_ticks_work_from_the_keyboard(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?date=1938-06-01&layers=" + ",".join(FRONTIERS))
    day = to_day("1938-06-01")
    mp.wait_drawn(real.expected_ids(day, FRONTIERS))
    box = mp.layer_checkbox("Mongolian frontiers").locator("input")
    box.focus()
    page.keyboard.press("Space")
    mp.wait_drawn(real.expected_ids(day, ["manchurian_frontiers"]))
    assert not mp.is_checked("Mongolian frontiers")
    page.keyboard.press("Space")
    mp.wait_drawn(real.expected_ids(day, FRONTIERS))


# ---------------------------------------------------------------------------------------
# 6. width, full screen, overlapping features
# ---------------------------------------------------------------------------------------


def test_map_fills_the_width_and_goes_full_screen(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?date=1938-06-01")
    frame_w = mp.iframe.bounding_box()["width"]
    main_w = page.locator('[data-testid="stMainBlockContainer"]').evaluate(
        "e => e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft) - parseFloat(getComputedStyle(e).paddingRight)")
    assert frame_w >= main_w - 2, (frame_w, main_w)
    full = mp.frame.locator(".fef-full")
    expect(full).to_have_attribute("aria-label", "Show the map full screen")
    full.focus()
    page.keyboard.press("Enter")
    mp.frame.wait_for_function("() => __fef.fullscreen === true", timeout=5000)
    size = mp.frame.evaluate("() => { const s = __fef.api.map.getSize(); return [s.x, s.y, innerWidth, innerHeight]; }")
    page.wait_for_timeout(200)
    size = mp.frame.evaluate("() => { const s = __fef.api.map.getSize(); return [s.x, s.y, innerWidth, innerHeight]; }")
    assert size[0] >= size[2] - 2 and size[1] >= size[3] - 2, size
    expect(full).to_have_attribute("aria-pressed", "true")
    full.click()
    mp.frame.wait_for_function("() => __fef.fullscreen === false", timeout=5000)


def test_a_click_on_overlapping_features_offers_a_choice(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?date=1938-06-01&campaign=overview&layers=" + ",".join(FRONTIERS)
                  + "&view=47.0000,118.0000,6")
    mp.wait_drawn(real.expected_ids(to_day("1938-06-01"), FRONTIERS))
    # a point on the map where at least two drawn features meet (a frontier line over a territory)
    pt = mp.frame.evaluate("""() => {
      const m = __fef.api.map, s = m.getSize();
      for (let y = 0.25; y <= 0.75; y += 0.025) {
        for (let x = 0.25; x <= 0.75; x += 0.0125) {
          const p = L.point(s.x * x, s.y * y);
          if (__fef.explorer.hitsAt(p).length >= 2) { return [p.x, p.y]; }
        }
      }
      return null; }""")
    assert pt is not None, "no place where two features overlap in view"
    box = mp.iframe.bounding_box()
    page.mouse.click(box["x"] + pt[0], box["y"] + pt[1])
    picker = mp.frame.locator(".fef-picker")
    expect(picker).to_be_visible(timeout=5000)
    buttons = picker.locator("button")
    n = buttons.count()
    assert n >= 2
    hits = mp.frame.evaluate("() => __fef.lastHits")
    assert len(hits) == n
    names = [buttons.nth(i).locator(".fef-picker-name").inner_text() for i in range(n)]
    assert all(nm.strip() for nm in names) and not any("<" in nm for nm in names), names
    # the list has keyboard focus; choose the second entry with the keyboard
    buttons.nth(1).focus()
    page.keyboard.press("Enter")
    expect(mp.frame.locator(".fef-popup").first).to_be_visible(timeout=5000)
    assert mp.frame.evaluate("() => __fef.picked") == hits[1]
    expect(picker).to_have_count(0)


def test_two_date_print_export_from_the_dashboard(page: Any, app_url: str, real: DataSet) -> None:
    import io

    import numpy as np
    from PIL import Image
    from test_dashboard_exports import _download

    mp = open_app(page, app_url, "?date=1938-06-01&compare=1920-06-01&layers=" + ",".join(FRONTIERS))
    mp.frame.wait_for_function("() => __fef.compare.active", timeout=10000)
    data = _download(page, "Two dates side by side (1938-06-01 | 1920-06-01) — PNG")
    # still comparing after choosing the format (a lost compare= once made this a single map)
    assert "compare=1920-06-01" in page.url, page.url
    assert mp.frame.evaluate("() => __fef.compare.active")
    img = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    h, w, _ = img.shape
    assert w > 2 * h  # two landscape panels
    half = (w - 4) // 2
    assert (np.abs(img[:, :half] - img[:, half + 4:half + 4 + half]).sum(axis=2) > 40).mean() > 0.01


def test_standalone_html_compares_two_dates_and_the_divider_moves_by_keyboard(page: Any, real: DataSet) -> None:
    import datetime as dt

    from layers.viewstate import ViewState
    from layers.webmap import standalone_html

    html = standalone_html(real.atlas, ViewState(date=dt.date(1938, 6, 1), layers=FRONTIERS, campaign="overview"))
    page.set_content(html, wait_until="domcontentloaded")
    page.wait_for_function("() => window.__fef && __fef.ready", timeout=30000)
    assert page.evaluate("() => __fef.compare.active") is False
    date_box = page.locator(".fef-cmp-date")
    date_box.fill("1920-06-01")  # fires change: the comparison starts at that date
    page.wait_for_function(f"() => __fef.compare.active && __fef.compare.day === {to_day('1920-06-01')}",
                           timeout=10000)
    right = set(page.evaluate("() => { const ids = []; __fef.api.map.eachLayer(l => { if (l.fefCompareId) "
                              "{ ids.push(l.fefCompareId); } }); return ids; }"))
    assert right == real.expected_ids(to_day("1920-06-01"), FRONTIERS)
    expect(page.locator(".fef-cmp-toggle")).to_have_attribute("aria-pressed", "true")
    # the divider is a labelled range: arrow keys move it and the clip follows
    divider = page.locator(".leaflet-sbs-range")
    expect(divider).to_have_attribute("aria-label", re.compile("Divider between the two dates"))
    before = page.evaluate("() => document.querySelector('.leaflet-fefCompare-pane').style.clip")
    divider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    after = page.evaluate("() => document.querySelector('.leaflet-fefCompare-pane').style.clip")
    assert before != after, (before, after)
    outline = page.evaluate("() => parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert outline >= 2
    # the toggle turns it off again, by keyboard
    page.locator(".fef-cmp-toggle").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !__fef.compare.active", timeout=5000)


def test_unit_symbols_are_split_by_the_divider_too(page: Any, real: DataSet) -> None:
    import datetime as dt

    from layers.viewstate import ViewState
    from layers.webmap import standalone_html

    lid = "khalkhin_gol_1939_units"
    if lid not in real.atlas.layers:
        pytest.skip("no Khalkhin Gol units layer")
    left, right = dt.date(1939, 8, 25), dt.date(1939, 7, 3)
    want_l, want_r = real.expected_ids(to_day(left), [lid]), real.expected_ids(to_day(right), [lid])
    if not want_l or not want_r:
        pytest.skip("no units drawn on the chosen days")
    state = ViewState(date=left, layers=(lid,), campaign="khalkhin_gol", compare=right)
    page.set_content(standalone_html(real.atlas, state), wait_until="domcontentloaded")
    page.wait_for_function("() => window.__fef && __fef.ready && __fef.compare.active", timeout=30000)
    got_r = set(page.evaluate("() => __fef.compare.ids"))
    assert got_r == want_r
    panes = page.evaluate("""() => ({
      units: document.querySelectorAll('.leaflet-fefUnits-pane .fef-unit').length,
      cmpUnits: document.querySelectorAll('.leaflet-fefCompareUnits-pane .fef-unit').length,
      clipL: document.querySelector('.leaflet-fefUnits-pane').style.clip,
      clipR: document.querySelector('.leaflet-fefCompareUnits-pane').style.clip})""")
    assert panes["units"] > 0 and panes["cmpUnits"] > 0, panes
    assert panes["clipL"].startswith("rect(") and panes["clipR"].startswith("rect(") and panes["clipL"] != panes["clipR"]
