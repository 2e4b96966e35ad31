"""The campaign map as a person sees it: unit symbols, the legend of what is drawn, labels
that never overlap (issue 8).

A second app serves a copy of the session's data plus ``tests/data/campaign_units`` (a
units layer with placeholder positions in the shape of geodata/SCHEMA.md "Campaign maps"),
so these tests have unit symbols and curved movements whatever the state of the real
units layers. Every test also fails on a console error or a request that leaves localhost
(the ``page`` fixture).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fefpage import ARTIFACTS, AppServer, DataSet, MapPage, app_query, open_app

from layers import load_atlas
from layers.dates import to_day

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "campaign_units"
FIXTURE_LAYER = "fixture_units"
#: campaign, its default view date for these checks
VIEWS = [("khalkhin_gol", "1939-08-25"), ("lake_khasan", "1938-08-06")]
KEY_PRIORITY = 85  # labels at or above this (key places of a campaign) must stay readable

JS_UNITS = """() => [...document.querySelectorAll('.fef-unit-box')].map(b => {
  const svg = b.querySelector('svg.fef-unit-svg');
  const fills = svg ? [...svg.querySelectorAll('[fill]')].map(e => e.getAttribute('fill'))
                       .filter(f => f && f !== 'none' && !/^(black|white|#000000|#ffffff|rgb\\(0, ?0, ?0\\))$/i.test(f)) : [];
  return {fid: b.getAttribute('data-fid'), svg: !!svg, paths: svg ? svg.querySelectorAll('path').length : 0,
          fill: fills[0] || null, w: svg ? svg.getBoundingClientRect().width : 0};
})"""
JS_LABELS = """() => {
  const frame = document.querySelector('.leaflet-container').getBoundingClientRect();
  return [...document.querySelectorAll('.fef-label span, .fef-unit-caption')].map(e => {
    const r = e.getBoundingClientRect();
    const shown = e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && r.width > 0;
    const inside = r.right > frame.left && r.left < frame.right && r.bottom > frame.top && r.top < frame.bottom;
    return {text: e.textContent, lp: parseFloat(e.getAttribute('data-lp') || '0'), shown, inside,
            collided: e.classList.contains('fef-collide'), zoomHidden: e.getClientRects().length === 0,
            l: r.left, r: r.right, t: r.top, b: r.bottom};
  });
}"""
JS_LEGEND = """() => {
  const d = document.querySelector('details.fef-legend');
  const out = {open: d.open, layers: [], rows: [], notes: [],
               unitSvgs: d.querySelectorAll('.fef-legend-unit svg').length};
  let layer = null;
  for (const el of d.children) {
    if (el.classList.contains('fef-legend-note')) { layer = null; out.notes.push(el.textContent); }
    else if (el.classList.contains('fef-legend-layer')) { layer = el.textContent; out.layers.push(layer); }
    else if (el.classList.contains('fef-legend-row')) { out.rows.push([layer, el.textContent]); }
  }
  const r = d.getBoundingClientRect(), m = document.querySelector('.leaflet-container').getBoundingClientRect();
  out.box = {w: r.width, h: r.height, mapW: m.width, mapH: m.height};
  return out;
}"""


@pytest.fixture(scope="module")
def units_app(dataset: DataSet, browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DataSet]]:
    """An app on the session's data plus the fixture units layer."""
    root = tmp_path_factory.mktemp("campaign")
    data = root / "geodata"
    shutil.copytree(dataset.data_dir, data, ignore=shutil.ignore_patterns("src", "basemap", "tours"))
    for path in FIXTURE.iterdir():
        shutil.copy2(path, data / path.name)
    atlas = load_atlas(data, dataset.sources_dir)
    if FIXTURE_LAYER not in atlas.layers:
        pytest.fail(f"the fixture units layer did not load: {[e for e in atlas.errors if FIXTURE_LAYER in str(e)]}")
    with AppServer(data, dataset.sources_dir, root / "streamlit.log") as server:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            open_app(ctx.new_page(), server.url, timeout_s=90)
        finally:
            ctx.close()
        yield server.url, DataSet("campaign", data, dataset.sources_dir, atlas, "session data + fixture units")


def unit_ids(ds: DataSet, day: int, layers: list[str]) -> dict[str, str]:
    """``{feature id: side}`` of the located units with a SIDC drawn on ``day``."""
    out: dict[str, str] = {}
    for lid in layers:
        gdf = ds.atlas.layers[lid].gdf
        for row in gdf.itertuples(index=False):
            p = row.properties
            if p["kind"] == "unit" and p.get("sidc") and row.geometry is not None \
                    and row.start_day <= day < row.end_day:
                out[p["id"]] = str(p.get("side"))
    return out


def wait_settled(mp: MapPage) -> None:
    """Wait until legend and labels have been redone after the last redraw and the view is still."""
    mp.frame.wait_for_function("() => window.__fef && window.__fef.labels && window.__fef.labels.runs > 0",
                               timeout=10000)
    last = None
    for _ in range(40):
        now = (mp.view(), mp.frame.evaluate("() => window.__fef.labels.runs"))
        if now == last:
            return
        last = now
        mp.page.wait_for_timeout(250)


def overlapping(labels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of shown labels (inside the map) whose boxes overlap."""
    shown = [x for x in labels if x["shown"] and x["inside"]]
    out = []
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            if a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]:
                out.append((a["text"], b["text"]))
    return out


# ---------------------------------------------------------------------------------------


def test_unit_symbols_render_and_follow_the_date(page: Any, units_app: tuple[str, DataSet]) -> None:
    url, ds = units_app
    camp = ds.atlas.campaigns.get("khalkhin_gol")
    layers = [*(camp.layers if camp else []), FIXTURE_LAYER]
    layers = [lid for lid in layers if lid in ds.atlas.layers]
    day = to_day("1939-08-25")
    # the overview's date bar spans 1918-1945 (a campaign's would clamp the moves below)
    mp = open_app(page, url, app_query(day, layers, campaign="overview"))
    mp.wait_day(day)
    mp.wait_drawn(ds.expected_ids(day, layers))
    want = unit_ids(ds, day, layers)
    assert len(set(want.values())) >= 2, "the fixture draws units of two sides on this day"
    units = mp.frame.evaluate(JS_UNITS)
    assert {u["fid"] for u in units} == set(want)
    assert all(u["svg"] and u["paths"] >= 1 and u["w"] >= 10 for u in units), units
    fills: dict[str, set[str]] = {}
    for u in units:
        assert u["fill"], f"no fill colour in the symbol of {u['fid']}"
        fills.setdefault(want[u["fid"]], set()).add(u["fill"].lower())
    sides = sorted(fills)
    for i, a in enumerate(sides):
        for b in sides[i + 1:]:
            assert not fills[a] & fills[b], f"{a} and {b} symbols share a fill colour: {fills}"

    # a popup names the unit and its parent (as text)
    fid = next(f for f, _ in sorted(want.items()) if ds.atlas.layers[FIXTURE_LAYER].gdf["id"].eq(f).any())
    props = ds.atlas.layers[FIXTURE_LAYER].gdf.set_index("id").loc[fid, "properties"]
    lon, lat = ds.atlas.layers[FIXTURE_LAYER].gdf.set_index("id").loc[fid, "geometry"].coords[0]
    mp.frame.evaluate("([lat, lon]) => { const m = Object.values(window).find(v => v instanceof L.Map); "
                      "m.setView([lat, lon], 11, {animate: false}); }", [lat, lon])
    page.wait_for_timeout(300)
    mp.frame.locator(f'.fef-unit-box[data-fid="{fid}"] svg').click()
    popup = mp.frame.locator(".leaflet-popup-content .fef-popup")
    popup.wait_for(timeout=5000)
    text = popup.inner_text()
    assert props["name"] in text and "Where:" in text

    # symbols vanish and appear with the date
    for other in ("1939-09-05", "1938-08-06", "1939-07-10"):
        d = to_day(other)
        mp.drag_to(d)
        mp.wait_day(d)
        mp.wait_drawn(ds.expected_ids(d, layers))
        got = {u["fid"] for u in mp.frame.evaluate(JS_UNITS)}
        assert got == set(unit_ids(ds, d, layers)), f"on {other}"
    # symbols grow with the zoom
    before = {u["fid"]: u["w"] for u in mp.frame.evaluate(JS_UNITS)}
    assert before, "units drawn on 1939-07-10"
    mp.frame.locator("a.leaflet-control-zoom-in").click()
    mp.frame.wait_for_function("() => window.__fef.labels.runs > 0")
    page.wait_for_timeout(600)
    after = {u["fid"]: u["w"] for u in mp.frame.evaluate(JS_UNITS)}
    assert all(after[f] >= before[f] for f in before) and any(after[f] > before[f] for f in before)
    rec = page.fef_recorder
    assert any("/app/static/vendor/milsymbol/milsymbol.js" in u for u in rec.requests), "milsymbol not served locally"
    assert rec.foreign_requests() == []


def test_legend_lists_only_what_is_drawn(page: Any, units_app: tuple[str, DataSet]) -> None:
    url, ds = units_app
    layers = ds.drawable_layers()
    seen: dict[str, dict[str, Any]] = {}
    mp: MapPage | None = None
    for date in ("1938-08-06", "1945-08-15"):
        day = to_day(date)
        if mp is None:
            mp = open_app(page, url, app_query(day, layers, campaign="overview"))
        else:
            mp.drag_to(day)
        mp.wait_day(day)
        mp.wait_drawn(ds.expected_ids(day, layers))
        wait_settled(mp)
        leg = mp.frame.evaluate(JS_LEGEND)
        seen[date] = leg
        # every row belongs to a layer with a feature drawn on that day
        titles_drawn = {ds.atlas.layers[lid].spec.title for lid in layers if ds.expected_ids(day, [lid])}
        assert set(leg["layers"]) <= titles_drawn, f"{date}: {set(leg['layers']) - titles_drawn}"
        assert leg["rows"], f"{date}: empty legend"
        # never more than a corner
        assert leg["box"]["w"] <= leg["box"]["mapW"] * 0.45 and leg["box"]["h"] <= leg["box"]["mapH"] * 0.45, leg["box"]
    fixture_title = ds.atlas.layers[FIXTURE_LAYER].spec.title
    rows38 = {r[1] for r in seen["1938-08-06"]["rows"] if r[0] == fixture_title}
    rows45 = {r[1] for r in seen["1945-08-15"]["rows"] if r[0] == fixture_title}
    # fixture: in 1938 Japanese and Soviet infantry divisions (Lake Khasan); in 1945 a Soviet
    # armoured army and a Japanese infantry army
    assert "Soviet units: infantry" in rows38 and "Soviet units: armour" not in rows38, rows38
    assert "Soviet units: armour" in rows45 and "Soviet units: infantry" not in rows45, rows45
    assert seen["1938-08-06"]["rows"] != seen["1945-08-15"]["rows"]
    assert seen["1945-08-15"]["unitSvgs"] >= 2, "unit rows show small symbols"
    # a view with nothing of the fixture in it: its rows leave the legend
    assert mp is not None
    mp.frame.evaluate("() => { const m = Object.values(window).find(v => v instanceof L.Map); "
                      "m.setView([55.5, 107.0], 9, {animate: false}); }")
    page.wait_for_timeout(300)
    wait_settled(mp)
    leg = mp.frame.evaluate(JS_LEGEND)
    assert fixture_title not in leg["layers"], leg


def test_legend_is_collapsed_on_a_narrow_map(browser: Any, units_app: tuple[str, DataSet]) -> None:
    url, ds = units_app
    ctx = browser.new_context(viewport={"width": 420, "height": 800})
    try:
        pg = ctx.new_page()
        mp = open_app(pg, url, app_query(to_day("1939-08-25"), ds.drawable_layers()), timeout_s=60)
        wait_settled(mp)
        leg = mp.frame.evaluate(JS_LEGEND)
        assert leg["open"] is False and leg["box"]["mapW"] < 600, leg
    finally:
        ctx.close()


@pytest.mark.parametrize(("campaign", "date"), VIEWS, ids=[c for c, _ in VIEWS])
def test_labels_do_not_overlap_at_the_campaign_view(
    page: Any, units_app: tuple[str, DataSet], campaign: str, date: str
) -> None:
    url, ds = units_app
    camp = ds.atlas.campaigns.get(campaign)
    if camp is None:
        pytest.skip(f"no campaign {campaign} in this data")
    layers = [lid for lid in [*camp.layers, FIXTURE_LAYER] if lid in ds.atlas.layers]
    day = to_day(date)
    mp = open_app(page, url, app_query(day, layers, campaign=campaign))
    mp.wait_day(day)
    mp.wait_drawn(ds.expected_ids(day, layers))
    wait_settled(mp)
    labels = mp.frame.evaluate(JS_LABELS)
    shown = [x for x in labels if x["shown"] and x["inside"]]
    assert len(shown) >= 3, f"too few labels to judge: {shown}"
    assert overlapping(labels) == []
    # the key places of the campaign stay readable
    keys = [x for x in labels if x["lp"] >= KEY_PRIORITY and x["inside"] and not x["zoomHidden"]]
    assert keys, "no key place label in the campaign view"
    assert [x["text"] for x in keys if not x["shown"]] == [], "key place labels hidden"
    ARTIFACTS.mkdir(exist_ok=True)
    mp.iframe.screenshot(path=str(ARTIFACTS / f"campaign_{campaign}.png"))
    # after zooming out and in again, still no overlap
    for sel in ("a.leaflet-control-zoom-out", "a.leaflet-control-zoom-in", "a.leaflet-control-zoom-in"):
        mp.frame.locator(sel).click()
        page.wait_for_timeout(400)
        wait_settled(mp)
        assert overlapping(mp.frame.evaluate(JS_LABELS)) == [], f"after {sel}"


JS_HEADS = """() => {
  const m = Object.values(window).find(v => v instanceof L.Map), out = [];
  for (const st of Object.values(window.__fef.api.states)) {
    if (!st.loaded || !st.bundle || !m.hasLayer(st.group)) { continue; }
    st.feats.forEach((f, i) => {
      const b = st.bundle.features[i];
      if (!f.on || !b || b.k !== 'movement') { return; }
      (function walk(l) {
        if (l instanceof L.Polygon) {
          const p = l.getLatLngs()[0].map(ll => m.latLngToContainerPoint(ll));
          let side = 0;
          for (let a = 0; a < p.length; a++) { side = Math.max(side, p[a].distanceTo(p[(a + 1) % p.length])); }
          out.push({id: b.i, side});
        } else if (l.eachLayer && !(l instanceof L.Polyline)) { l.eachLayer(walk); }
      })(f.layer);
    });
  }
  return out;
}"""


def test_arrowheads_keep_their_size_on_screen(page: Any, units_app: tuple[str, DataSet]) -> None:
    url, ds = units_app
    day = to_day("1939-08-21")
    layers = [lid for lid in ds.drawable_layers() if "khalkhin" in lid] + [FIXTURE_LAYER]
    mp = open_app(page, url, app_query(day, layers, campaign="khalkhin_gol"))
    mp.wait_day(day)
    mp.wait_drawn(ds.expected_ids(day, layers))
    wait_settled(mp)
    sizes = {}
    for step in ("start", "a.leaflet-control-zoom-in", "a.leaflet-control-zoom-in", "a.leaflet-control-zoom-in"):
        if step != "start":
            mp.frame.locator(step).click()
            page.wait_for_timeout(400)
            wait_settled(mp)
        heads = mp.frame.evaluate(JS_HEADS)
        assert heads, "no arrowheads drawn on 21 Aug 1939"
        biggest = max(h["side"] for h in heads)
        assert biggest <= 30, f"an arrowhead grew to {biggest:.0f} px at zoom {mp.view()['zoom']}"
        sizes[mp.view()["zoom"]] = biggest
    assert max(sizes.values()) >= 10, f"arrowheads too small to see: {sizes}"


def test_theatre_plate_names_armies_and_dates_their_arrows(page: Any, units_app: tuple[str, DataSet]) -> None:
    """Manchuria on 9 Aug 1945 at its theatre view (zoom 4–5): as on a printed theatre plate,
    the armies and area armies are named and the armies' arrows carry their name (and their
    days where room allows), with no two labels overlapping."""
    url, ds = units_app
    camp = ds.atlas.campaigns.get("manchuria_1945")
    if camp is None:
        pytest.skip("no manchuria_1945 campaign in this data")
    layers = [lid for lid in camp.layers if lid in ds.atlas.layers]
    day = to_day("1945-08-09")
    mp = open_app(page, url, app_query(day, layers, campaign="manchuria_1945"))
    mp.wait_day(day)
    mp.wait_drawn(ds.expected_ids(day, layers))
    wait_settled(mp)
    assert mp.view()["zoom"] <= 5, mp.view()
    labels = mp.frame.evaluate(JS_LABELS)
    shown = [x["text"] for x in labels if x["shown"] and x["inside"]]
    # unit captions of armies and area armies (higher echelons, lz <= 4)
    assert any(t.endswith("Army") for t in shown), shown
    # the arrows of the armies' axes: "39 A", "6 Gds TA · 9–19 Aug"
    arrows = [t for t in shown if t.split(" · ")[0].endswith((" A", " TA", " RBA"))]
    assert len(arrows) >= 3, shown
    assert any(" · " in t and "Aug" in t for t in arrows), arrows
    assert overlapping(labels) == []


def test_busy_day_events_take_one_line(page: Any, units_app: tuple[str, DataSet]) -> None:
    """9 Aug 1945 has several chronology events: one line under the date bar, then
    '+N more' unfolds them all (and folds them again)."""
    url, ds = units_app
    if "chronology" not in ds.atlas.layers or "manchuria_1945" not in ds.atlas.campaigns:
        pytest.skip("no chronology or manchuria_1945 in this data")
    day = to_day("1945-08-09")
    layers = [lid for lid in ds.atlas.campaigns["manchuria_1945"].layers if lid in ds.atlas.layers]
    mp = open_app(page, url, app_query(day, layers, campaign="manchuria_1945"))
    mp.wait_day(day)
    line = mp.frame.locator(".fef-event-name")
    more = line.locator(".fef-ev-more")
    text = line.locator(".fef-ev-text")
    names = text.get_attribute("title") or ""
    n = len(names.split("; "))
    if n < 2:
        pytest.skip(f"only one event on 9 Aug 1945 in this data: {names!r}")
    one_line = text.evaluate("e => e.getBoundingClientRect().height")
    assert one_line < 20, one_line
    assert more.text_content() == f"+{n - 1} more" and more.get_attribute("aria-expanded") == "false"
    assert names.split("; ")[0] in (text.text_content() or "")
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    assert all(nm in (text.text_content() or "") for nm in names.split("; "))
    assert text.evaluate("e => e.getBoundingClientRect().height") > one_line
    more.click()
    assert more.get_attribute("aria-expanded") == "false"
    assert text.evaluate("e => e.getBoundingClientRect().height") == one_line
