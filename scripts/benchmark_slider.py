"""Benchmark: moving the date in the atlas vs. a naive page that rebuilds the map.

Usage (from the repository root)::

    .venv/bin/python scripts/benchmark_slider.py --moves 40

Starts the real app (``app.py``) and the naive baseline (``scripts/naive_page.py``: a
``st.slider`` and a folium map rebuilt and re-sent through ``st_folium`` on every rerun),
one after the other, on localhost, on the same data with every layer shown, and drives each
in headless Chromium (Debian's ``/usr/bin/chromium``). For each of ``--moves`` dates on
which the drawn set changes (from ``layers.slicing.change_days``), the date bar is first set
to the day before (not timed), then the right-arrow key is pressed on the focused slider
and the following are recorded:

- key press → map redrawn: the ``keydown`` event's timestamp to, for the atlas, the
  ``fef:rendered`` event for the new day inside the map frame; for the naive page, the
  animation frame after the new map frame's Leaflet map holds exactly the new day's
  features (a MutationObserver triggers the check). Both clocks are
  ``performance.timeOrigin + ...`` (epoch milliseconds) in the same browser.
- map reloads: component frame navigations (a new or reloaded map document) per move.
- bytes per update: websocket frame payloads received, plus HTTP response bodies and
  headers, from the key press until the page is quiet.
- key press → panel heading: until an ``<h3>`` reads "On the map on <new date>".
- cold load → first feature drawn: a new browser context, from navigation start.

Prints a Markdown table and the machine description, writes JSON to ``bench-results/``.
Not a test: it takes a few minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from fefpage import (
    JS_DRAWN_IDS,
    AppServer,
    DataSet,
    choose_dataset,
    heading_text,
    is_local,
    launch_browser,
)

from layers.dates import day_to_iso, to_day
from layers.webmap import bundle_sizes, write_component_dir

TARGETS = {"p95_draw_ms": 30.0, "speedup": 10.0, "reloads": 0.0, "panel_ms": 300.0, "cold_ms": 2000.0, "first_ms": 2500.0}
QUIET_S = 0.5
MOVE_TIMEOUT_S = 60.0
US_PER_DAY = 86_400_000_000  # Streamlit's date slider works in microseconds

#: Run inside each map document, in that document's own JavaScript realm.
FRAME_HOOK_JS = r"""
(() => {
  if (document.__benchDoc) { return; }
  document.__benchDoc = true;
  const top_ = window.top, B = () => top_.__bench;
  const now = () => performance.timeOrigin + performance.now();
  /* the first task after the rendering step that follows the animation frame */
  const afterPaint = (b) => { setTimeout(() => { if (b.painted === null) { b.painted = now(); } }, 0); };
  if (B()) {
    B().loads += 1;
    /* first-map timeline: this document's navigation start, parse end, bundle fetches */
    const b0 = B();
    if (b0.frameStart === null) { b0.frameStart = performance.timeOrigin; }
    document.addEventListener('DOMContentLoaded', () => {
      if (b0.frameParsed === null) { b0.frameParsed = now(); }
    });
  }
  document.addEventListener('keydown', (e) => { B().key = performance.timeOrigin + e.timeStamp; }, true);
  /* the atlas: its own event after each redraw */
  document.addEventListener('fef:rendered', (e) => {
    const b = B(), t = now();
    if (e.detail.count > 0 && b.firstDrawn === null) {
      b.firstDrawn = t;
      /* which fetches the map waited for (epoch ms; this frame's clock) */
      b.frameRes = performance.getEntriesByType('resource').map((r) => ({
        name: r.name, start: performance.timeOrigin + r.startTime, end: performance.timeOrigin + r.responseEnd,
        bytes: r.transferSize }));
    }
    if (b.wantDay !== null && e.detail.day === b.wantDay && b.drawn === null) { b.drawn = t; afterPaint(b); }
  });
  /* st_folium: look at the Leaflet map in the animation frame after the document changes */
  let pending = false;
  const checkMap = () => {
    pending = false;
    const b = B(), m = window.map;
    if (!m || !m._layers || window.__fef) { return; }
    const ids = [];
    for (const k in m._layers) {
      const l = m._layers[k];
      const id = l && l.feature && l.feature.properties && l.feature.properties.id;
      if (id) { ids.push(id); }
    }
    const t = now();
    if (ids.length && b.firstDrawn === null) { b.firstDrawn = t; }
    if (b.want !== null && b.drawn === null) {
      ids.sort();
      if (ids.join('|') === b.want) { b.drawn = t; afterPaint(b); }
    }
  };
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(checkMap); } };
  new MutationObserver(schedule).observe(document, { subtree: true, childList: true });
  schedule();
})();
"""

#: Injected into every frame before any page script runs.
INSTRUMENT_JS = r"""
(() => {
  let top_;
  try { top_ = window.top; void top_.location.href; } catch (e) { return; }
  const now = () => performance.timeOrigin + performance.now();
  if (window === top_) {
    window.__bench = { key: null, drawn: null, painted: null, heading: null, headingWant: null, want: null, wantDay: null,
                       firstDrawn: null, loads: 0, wsOpen: null, wsFirst: null, wsMap: null, iframe: null,
                       frameStart: null, frameParsed: null, frameRes: null };
    /* first-map timeline: the websocket (open, first message, the message that emits the map) */
    const WS = window.WebSocket;
    if (WS) {
      const dec = new TextDecoder('utf-8', { fatal: false });
      window.WebSocket = function (...a) {
        const ws = new WS(...a), b = window.__bench;
        ws.addEventListener('open', () => { if (b.wsOpen === null) { b.wsOpen = now(); } });
        ws.addEventListener('message', (ev) => {
          const t = now();
          if (b.wsFirst === null) { b.wsFirst = t; }
          if (b.wsMap === null && ev.data instanceof ArrayBuffer && dec.decode(ev.data).indexOf('fef_map') >= 0) {
            b.wsMap = t;
          }
        });
        return ws;
      };
      window.WebSocket.prototype = WS.prototype;
      Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    }
    document.addEventListener('keydown', (e) => { window.__bench.key = performance.timeOrigin + e.timeStamp; }, true);
    const check = () => {
      const b = window.__bench;
      if (b.iframe === null) {
        for (const f of document.querySelectorAll('iframe')) {
          if ((f.getAttribute('src') || '').indexOf('fef_map') >= 0) { b.iframe = now(); break; }
        }
      }
      if (!b.headingWant || b.heading !== null) { return; }
      for (const h of document.querySelectorAll('h3')) {
        if (h.textContent.trim() === b.headingWant) { b.heading = now(); return; }
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
    return;
  }
  /* A frame. Chromium keeps the Window of an iframe's initial about:blank document when it
     navigates to a same-origin page, and does not run this script again then; callbacks
     made here would belong to the discarded realm. So the Window gets capturing listeners
     (they do see the new document's events) that add the hook to the new document as a
     <script>, so that it runs in that document's realm, as soon as it delivers any event. */
  if (window.__benchHooked) { return; }
  window.__benchHooked = true;
  const HOOK = __FRAME_HOOK__;
  const hook = () => {
    if (location.pathname.indexOf('/component/') < 0 || document.__benchDoc) { return; }
    const sc = document.createElement('script');
    sc.textContent = HOOK;
    (document.head || document.documentElement).appendChild(sc);
    sc.remove();
  };
  for (const ev of ['DOMContentLoaded', 'readystatechange', 'message', 'load', 'pageshow', 'fef:rendered']) {
    window.addEventListener(ev, hook, true);
  }
  hook();
})();
""".replace("__FRAME_HOOK__", json.dumps(FRAME_HOOK_JS))

NAIVE_IDS_JS = """() => { const m = window.map; if (!m) { return null; } const ids = [];
  for (const k in m._layers) { const l = m._layers[k];
    const id = l && l.feature && l.feature.properties && l.feature.properties.id; if (id) { ids.push(id); } }
  return ids; }"""

SET_RANGE_JS = """([el, v]) => {
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  set.call(el, String(v));
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}"""


@dataclass
class Move:
    """One timed date move."""

    target: str
    draw_ms: float | None
    paint_ms: float | None
    panel_ms: float | None
    reloads: int
    ws_bytes: int
    http_bytes: int
    correct: bool


@dataclass
class AppResult:
    """Everything measured for one page."""

    name: str
    first_load_ms: float | None = None
    cold_ms: list[float] = field(default_factory=list)
    #: where the time of each load went (``first_map_steps``); the first one is the load after start
    timelines: list[dict[str, float | None]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


class Traffic:
    """Websocket frames, HTTP responses and map frame navigations of one page."""

    def __init__(self, page: Any) -> None:
        self.ws_bytes = 0
        self.last_frame = time.monotonic()
        self.navigations = 0
        self.finished: list[Any] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("websocket", self._ws)
        page.on("requestfinished", lambda r: self.finished.append(r))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("framenavigated", self._nav)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _ws(self, ws: Any) -> None:
        self.requests.append(ws.url)
        ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        self.ws_bytes += len(payload.encode("utf-8") if isinstance(payload, str) else payload)
        self.last_frame = time.monotonic()

    def _nav(self, frame: Any) -> None:
        if "/component/" in frame.url:
            self.navigations += 1

    def http_bytes(self, since: int) -> int:
        """Bytes of the HTTP responses finished after the ``since``-th one."""
        total = 0
        for req in self.finished[since:]:
            try:
                s = req.sizes()
                total += int(s.get("responseBodySize", 0)) + int(s.get("responseHeadersSize", 0))
            except Exception:  # noqa: BLE001, S110 - a request whose sizes are gone counts as 0
                pass
        return total


class Driver:
    """How to open, position and move one of the two pages."""

    name = "?"

    def __init__(self, url: str, ds: DataSet, layers: list[str], start_day: int,
                 campaign: str | None = None) -> None:
        self.url, self.ds, self.layers, self.start_day = url, ds, layers, start_day
        self.campaign = campaign  # a campaign preset (its date bar, its view), or the overview

    def page_url(self) -> str:
        return self.url + "/"

    def drawn_ids(self, page: Any) -> set[str] | None:
        raise NotImplementedError

    def map_frame(self, page: Any) -> Any:
        raise NotImplementedError

    def wait_painted(self, page: Any) -> None:
        """Wait until the page renders smoothly again (three animation frames < 50 ms apart).

        A new map's paint and raster can keep the rendering pipeline busy for seconds
        after its DOM is complete; a key pressed meanwhile would be charged for it.
        """
        js = """() => new Promise((resolve) => {
          let last = performance.now(), good = 0;
          const step = () => {
            const t = performance.now();
            good = t - last < 50 ? good + 1 : 0;
            last = t;
            if (good >= 3) { resolve(); } else { requestAnimationFrame(step); }
          };
          requestAnimationFrame(step);
        })"""
        deadline = time.monotonic() + MOVE_TIMEOUT_S
        while time.monotonic() < deadline:
            fr = self.map_frame(page)
            if fr is not None:
                try:
                    fr.evaluate(js)
                    return
                except Exception:  # noqa: BLE001, S110 - replaced while waiting: try the new one
                    pass
            page.wait_for_timeout(50)
        raise TimeoutError("the page never became idle")


class OursDriver(Driver):
    """The atlas: the date bar lives inside the map frame."""

    name = "atlas (this app)"

    def page_url(self) -> str:
        camp = f"&campaign={self.campaign}" if self.campaign else ""
        return f"{self.url}/?date={day_to_iso(self.start_day)}{camp}&layers={','.join(self.layers)}"

    @staticmethod
    def frame(page: Any) -> Any:
        for fr in page.frames:
            if "/component/" in fr.url and "fef_map" in fr.url:
                return fr
        return None

    def map_frame(self, page: Any) -> Any:
        return self.frame(page)

    def drawn_ids(self, page: Any) -> set[str] | None:
        fr = self.frame(page)
        try:
            return set(fr.evaluate(JS_DRAWN_IDS)) if fr else None
        except Exception:  # noqa: BLE001 - frame not ready yet
            return None

    def position(self, page: Any, day: int) -> None:
        self.frame(page).locator("input.fef-range").fill(str(day))

    def press(self, page: Any, key: str) -> None:
        self.frame(page).locator("input.fef-range").focus()
        page.keyboard.press(key)


class NaiveDriver(Driver):
    """The naive page: Streamlit's own slider, a new st_folium map per rerun."""

    name = "naive (st.slider + st_folium)"

    @staticmethod
    def slider(page: Any) -> Any:
        return page.locator('[data-testid="stSlider"] input[type="range"]').first

    def map_frame(self, page: Any) -> Any:
        frames = [fr for fr in page.frames if "st_folium" in fr.url]
        return frames[-1] if frames else None

    def drawn_ids(self, page: Any) -> set[str] | None:
        for fr in page.frames:
            if "st_folium" in fr.url:
                try:
                    ids = fr.evaluate(NAIVE_IDS_JS)
                except Exception:  # noqa: BLE001, S112 - the frame is being replaced
                    continue
                if ids is not None:
                    return set(ids)
        return None

    def position(self, page: Any, day: int) -> None:
        # Streamlit commits a slider value when a move ends (react-aria's onChangeEnd), which
        # an input event alone does not trigger: set the day after, then step back by key.
        page.evaluate(SET_RANGE_JS, [self.slider(page).element_handle(), (day + 1) * US_PER_DAY])
        self.press(page, "ArrowLeft")

    def press(self, page: Any, key: str) -> None:
        self.slider(page).focus()
        page.keyboard.press(key)


def wait_until(cond: Callable[[], bool], timeout_s: float, page: Any, what: str) -> None:
    """Poll ``cond`` (letting Playwright process events) until true."""
    deadline = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s} s waiting for {what}")
        page.wait_for_timeout(25)


def settle(page: Any, drv: Driver, traffic: Traffic, day: int) -> bool:
    """Wait until the page shows ``day`` everywhere and the websocket is quiet.

    Returns
    -------
    bool
        Whether the map draws exactly the expected features.
    """
    want = drv.ds.expected_ids(day, drv.layers)
    heading = heading_text(day)

    def shown() -> bool:
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError("the page shows an exception: "
                               + page.locator('[data-testid="stException"]').first.inner_text()[:500])
        return page.locator("h3", has_text=heading).count() > 0

    wait_until(shown, MOVE_TIMEOUT_S, page, f"heading {heading!r}")
    try:
        wait_until(lambda: drv.drawn_ids(page) == want, MOVE_TIMEOUT_S, page, f"map of {day_to_iso(day)}")
        ok = True
    except TimeoutError:
        ok = False
    wait_until(lambda: time.monotonic() - traffic.last_frame > QUIET_S, MOVE_TIMEOUT_S, page, "quiet websocket")
    return ok


#: Steps of a first load, in order (ms since the top page's navigation start).
FIRST_MAP_STEPS = {
    "page_parsed": "Streamlit's page parsed (DOMContentLoaded)",
    "ws_open": "websocket open",
    "ws_first": "first message from the script run",
    "ws_map": "the message that emits the map component",
    "iframe": "map iframe in the DOM",
    "frame_start": "map page navigation start",
    "frame_parsed": "map page parsed (Leaflet, plugin)",
    "basemap_start": "basemap fetch start",
    "basemap_end": "basemap fetch end",
    "bundles_start": "first layer bundle fetch start",
    "bundles_end": "last layer bundle fetch end",
    "first_drawn": "first feature drawn",
}


def first_map_steps(b: dict[str, Any], origin: float, parsed: float | None) -> dict[str, float | None]:
    """The timeline of one load from ``window.__bench`` (epoch ms) relative to ``origin``."""

    def rel(t: float | None) -> float | None:
        return None if t is None else round(t - origin, 1)

    res = b.get("frameRes") or []
    base = [r for r in res if r["name"].split("?")[0].endswith("/basemap.json")]
    bundles = [r for r in res if "/layers/" in r["name"] and r["name"].split("?")[0].endswith(".json")]
    return {
        "page_parsed": None if parsed is None else round(parsed, 1),
        "ws_open": rel(b.get("wsOpen")), "ws_first": rel(b.get("wsFirst")), "ws_map": rel(b.get("wsMap")),
        "iframe": rel(b.get("iframe")), "frame_start": rel(b.get("frameStart")),
        "frame_parsed": rel(b.get("frameParsed")),
        "basemap_start": rel(min((r["start"] for r in base), default=None)),
        "basemap_end": rel(max((r["end"] for r in base), default=None)),
        "bundles_start": rel(min((r["start"] for r in bundles), default=None)),
        "bundles_end": rel(max((r["end"] for r in bundles), default=None)),
        "first_drawn": rel(b.get("firstDrawn")),
    }


def open_page(ctx: Any, drv: Driver, timelines: list[dict[str, float | None]] | None = None,
              settle_page: bool = True) -> tuple[Any, Traffic, float | None]:
    """Open a page and wait until its first features are drawn; returns the load time (ms).

    With ``timelines``, the load's step times (:func:`first_map_steps`) are appended to it.
    """
    page = ctx.new_page()
    traffic = Traffic(page)
    page.goto(drv.page_url(), wait_until="domcontentloaded")
    wait_until(lambda: page.evaluate("() => window.__bench.firstDrawn") is not None, 120, page, "first feature")
    cold = page.evaluate("() => window.__bench.firstDrawn - performance.timeOrigin")
    if timelines is not None:
        b, origin, parsed = page.evaluate(
            "() => [window.__bench, performance.timeOrigin, "
            "(performance.getEntriesByType('navigation')[0] || {}).domContentLoadedEventEnd || null]")
        timelines.append(first_map_steps(b, origin, parsed))
    if settle_page:
        settle(page, drv, traffic, drv.start_day)
    return page, traffic, cold


def new_context(browser: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(INSTRUMENT_JS)
    return ctx


def measure(browser: Any, drv: Driver, days: list[int], cold_loads: int, log: Callable[[str], None]) -> AppResult:
    """Cold loads (the first one right after the server answers its health check), then the
    timed moves, for one page. Each cold load is a new browser context (empty cache)."""
    res = AppResult(drv.name)
    for i in range(cold_loads + 1):
        ctx = new_context(browser)
        try:
            _, traffic, cold = open_page(ctx, drv, res.timelines)
        finally:
            ctx.close()
        if i == 0:
            res.first_load_ms = cold  # the first visitor after the server start
        elif cold is not None:
            res.cold_ms.append(cold)
        steps = res.timelines[-1]
        log(f"  {drv.name}: {'first' if i == 0 else 'cold'} load {cold:.0f} ms ("
            + ", ".join(f"{k} {v:.0f}" for k, v in steps.items() if v is not None) + ")")
    if not days:
        return res

    ctx = new_context(browser)
    page, traffic, _ = open_page(ctx, drv)
    for n, day in enumerate(days, 1):
        drv.position(page, day - 1)
        settle(page, drv, traffic, day - 1)
        drv.wait_painted(page)
        want = drv.ds.expected_ids(day, drv.layers)
        page.evaluate(
            "([w, d, h]) => Object.assign(window.__bench, {key: null, drawn: null, painted: null, heading: null, "
            "want: w, wantDay: d, headingWant: h})",
            ["|".join(sorted(want)), day, heading_text(day)],
        )
        ws0, nav0, req0 = traffic.ws_bytes, traffic.navigations, len(traffic.finished)
        drv.press(page, "ArrowRight")
        correct = settle(page, drv, traffic, day)
        try:
            wait_until(lambda: page.evaluate("() => window.__bench.painted") is not None, MOVE_TIMEOUT_S, page,
                       "the new map's first paint")
        except TimeoutError:
            correct = False
        b = page.evaluate("() => window.__bench")
        key = b["key"]
        mv = Move(
            target=day_to_iso(day),
            draw_ms=(b["drawn"] - key) if key and b["drawn"] else None,
            paint_ms=(b["painted"] - key) if key and b["painted"] else None,
            panel_ms=(b["heading"] - key) if key and b["heading"] else None,
            reloads=traffic.navigations - nav0,
            ws_bytes=traffic.ws_bytes - ws0,
            http_bytes=traffic.http_bytes(req0),
            correct=correct,
        )
        res.moves.append(mv)
        log(f"  {drv.name} move {n}/{len(days)} → {mv.target}: draw {fmt(mv.draw_ms)} ms, panel "
            f"{fmt(mv.panel_ms)} ms, reloads {mv.reloads}, {mv.ws_bytes + mv.http_bytes:,} B"
            + ("" if correct else "  (WRONG FEATURES)"))
    res.foreign_requests = sorted({u for u in traffic.requests if not is_local(u)})
    res.console_errors = [e for e in traffic.errors if "Unrecognized feature" not in e][:20]
    ctx.close()
    return res


# ---------------------------------------------------------------------------------------
# statistics and report
# ---------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    """Percentile with linear interpolation (``q`` in 0..100)."""
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    k = (len(vals) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (k - lo)


def fmt_load(load: tuple[float, ...]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def fmt(v: float | None, digits: int = 1) -> str:
    return "n/a" if v is None else f"{v:,.{digits}f}"


def summary(res: AppResult) -> dict[str, Any]:
    """The numbers reported for one page."""
    draws = [m.draw_ms for m in res.moves if m.draw_ms is not None]
    paints = [m.paint_ms for m in res.moves if m.paint_ms is not None]
    panels = [m.panel_ms for m in res.moves if m.panel_ms is not None]
    return {
        "moves": len(res.moves),
        "moves_drawn_correctly": sum(m.correct for m in res.moves),
        "draw_p50_ms": pct(draws, 50),
        "draw_p95_ms": pct(draws, 95),
        "draw_max_ms": max(draws) if draws else None,
        "paint_p50_ms": pct(paints, 50),
        "paint_p95_ms": pct(paints, 95),
        "panel_p50_ms": pct(panels, 50),
        "panel_p95_ms": pct(panels, 95),
        "reloads_per_move": statistics.fmean(m.reloads for m in res.moves) if res.moves else None,
        "ws_bytes_per_move": statistics.median(m.ws_bytes for m in res.moves) if res.moves else None,
        "http_bytes_per_move": statistics.median(m.http_bytes for m in res.moves) if res.moves else None,
        "bytes_per_move": statistics.median(m.ws_bytes + m.http_bytes for m in res.moves) if res.moves else None,
        "cold_load_ms": statistics.median(res.cold_ms) if res.cold_ms else None,
        "cold_loads": len(res.cold_ms),
        "first_load_after_start_ms": res.first_load_ms,
        "first_map_steps_median": {
            k: statistics.median(vals) if (vals := [t[k] for t in res.timelines[1:] if t.get(k) is not None]) else None
            for k in FIRST_MAP_STEPS},
        "first_map_steps_after_start": res.timelines[0] if res.timelines else None,
        "foreign_requests": res.foreign_requests,
        "console_errors": res.console_errors,
    }


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:,.0f}×" if a / b >= 10 else f"{a / b:,.1f}×"


def markdown(ours: dict[str, Any], naive: dict[str, Any] | None) -> str:
    """The results table."""
    n = naive or {}
    rows = [
        ("Key press → map redrawn, p50 (ms)", "draw_p50_ms", 1, ""),
        ("Key press → map redrawn, p95 (ms)", "draw_p95_ms", 1, f"≤ {TARGETS['p95_draw_ms']:.0f}, ≥ 10× faster"),
        ("Key press → first task after that frame's paint, p95 (ms)", "paint_p95_ms", 1, ""),
        ("Map (frame) reloads per move", "reloads_per_move", 2, "0"),
        ("Bytes received per move, median (WS + HTTP)", "bytes_per_move", 0, ""),
        ("Key press → panel heading shows the date, p50 (ms)", "panel_p50_ms", 0, ""),
        ("Key press → panel heading shows the date, p95 (ms)", "panel_p95_ms", 0, f"≤ {TARGETS['panel_ms']:.0f}"),
        ("Cold load → first feature drawn, median (ms)", "cold_load_ms", 0, f"≤ {TARGETS['cold_ms']:.0f}"),
        ("First load after server start (ms)", "first_load_after_start_ms", 0, f"≤ {TARGETS['first_ms']:.0f}"),
    ]
    out = ["| Measure | Atlas (ours) | Naive | Naive / ours | Target |", "|---|---:|---:|---:|---|"]
    for label, key, digits, target in rows:
        out.append(f"| {label} | {fmt(ours.get(key), digits)} | {fmt(n.get(key), digits)} | "
                   f"{ratio(n.get(key), ours.get(key)) if key != 'reloads_per_move' else '—'} | {target} |")
    out.append(f"| Moves timed (drawn set correct) | {ours['moves']} ({ours['moves_drawn_correctly']}) | "
               f"{n.get('moves', 'n/a')} ({n.get('moves_drawn_correctly', 'n/a')}) | | ≥ 30 |")
    return "\n".join(out)


def first_map_markdown(results: dict[str, dict[str, Any]]) -> str:
    """Where the time of a first load goes: median of the cold loads, and the load after start."""
    names = list(results)
    head = "| Step (ms since navigation start) | " + " | ".join(
        f"{k}: median of {results[k]['cold_loads']} | {k}: first after start" for k in names) + " |"
    out = [head, "|---|" + "---:|---:|" * len(names)]
    for key, label in FIRST_MAP_STEPS.items():
        cells = []
        for k in names:
            med = (results[k].get("first_map_steps_median") or {}).get(key)
            first = (results[k].get("first_map_steps_after_start") or {}).get(key)
            cells += [fmt(med, 0), fmt(first, 0)]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def verdicts(ours: dict[str, Any], naive: dict[str, Any] | None) -> dict[str, bool | None]:
    """Which targets are met."""
    p95, np95 = ours.get("draw_p95_ms"), (naive or {}).get("draw_p95_ms")
    return {
        "p95_draw_le_30ms": None if p95 is None else p95 <= TARGETS["p95_draw_ms"],
        "ge_10x_faster_than_naive": None if p95 is None or np95 is None else np95 / p95 >= TARGETS["speedup"],
        "zero_reloads_per_move": None if not ours.get("moves") else ours.get("reloads_per_move") == 0,
        "panel_p95_le_300ms": None if ours.get("panel_p95_ms") is None else ours["panel_p95_ms"] <= TARGETS["panel_ms"],
        "cold_load_le_2000ms": None if ours.get("cold_load_ms") is None else ours["cold_load_ms"] <= TARGETS["cold_ms"],
        "first_load_after_start_le_2500ms": None if ours.get("first_load_after_start_ms") is None
        else ours["first_load_after_start_ms"] <= TARGETS["first_ms"],
    }


def machine(browser_version: str) -> dict[str, Any]:
    """Where the numbers come from."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    versions = {}
    for pkg in ("streamlit", "streamlit-folium", "folium", "playwright", "geopandas", "shapely"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = "?"
    return {
        "nproc": nproc, "cpu": cpu, "memory": mem, "os": platform.platform(), "loadavg_start": os.getloadavg(),
        "python": platform.python_version(), "chromium": browser_version, "versions": versions,
    }


def pick_days(ds: DataSet, layers: list[str], n: int, span: tuple[int, int] | None = None) -> list[int]:
    """``n`` change days spread over the whole range, or inside ``span`` (a campaign's date bar:
    the day before each must be on the bar too), chronological."""
    days = ds.change_days(layers)
    if span is not None:
        days = [d for d in days if span[0] < d <= span[1]]
    if len(days) <= n:
        return days
    return [days[round(i * (len(days) - 1) / (n - 1))] for i in range(n)]


def naive_workdir(root: Path) -> Path:
    """A folder to run the naive page from, with the vendored assets beside it.

    Streamlit serves ``static/`` from the main script's folder; ``scripts/`` has none.
    """
    (root / "naive_page.py").symlink_to(REPO_ROOT / "scripts" / "naive_page.py")
    shutil.copytree(REPO_ROOT / "static", root / "static")
    return root / "naive_page.py"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=40, help="timed date moves per page (≥ 30 recommended)")
    ap.add_argument("--cold-loads", type=int, default=5,
                    help="cold loads per page on a warm server (median reported), after the first one after start")
    ap.add_argument("--cold-only", action="store_true",
                    help="only the first-map numbers (cold loads and the first load after start), no moves")
    ap.add_argument("--data", choices=("auto", "real", "test"), default="real",
                    help="real = a snapshot of geodata/ (default); test = tests/data; FEF_DATA_DIR wins")
    ap.add_argument("--only", choices=("both", "ours", "naive"), default="both")
    ap.add_argument("--naive-canvas", action="store_true",
                    help="give the naive page Leaflet's canvas renderer (folium's default is SVG)")
    ap.add_argument("--script", default="serve.py",
                    help="the atlas entry point: serve.py (production: frame headers, warm-up at start; default) "
                    "or app.py (development; the first visitor builds the atlas and map component)")
    ap.add_argument("--campaign", default=None,
                    help="measure on a campaign preset (e.g. khalkhin_gol): its layers only (units included), "
                    "its date bar and view, moves inside its dates; the naive page gets the same layers and view")
    ap.add_argument("--out-dir", type=Path, default=REPO_ROOT / "bench-results")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    if args.naive_canvas:
        os.environ["FEF_NAIVE_CANVAS"] = "1"  # inherited by the naive page's process

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="fef-bench-") as tmp_s:
        tmp = Path(tmp_s)
        ds = choose_dataset(args.data, tmp / "data")
        layers = list(ds.atlas.layers)
        overview = ds.atlas.campaigns.get("overview")
        start_day = to_day(overview.default_date) if overview else to_day(dt.date(1939, 8, 20))
        span = None
        if args.campaign:
            camp = ds.atlas.campaigns[args.campaign]
            layers = [lid for lid in camp.layers if lid in ds.atlas.layers]
            start_day, span = to_day(camp.default_date), (to_day(camp.start), to_day(camp.end))
            os.environ["FEF_NAIVE_CAMPAIGN"] = args.campaign  # inherited by the naive page's process
        days = [] if args.cold_only else pick_days(ds, layers, args.moves, span)
        comp = write_component_dir(ds.atlas, tmp / "component")
        sizes = bundle_sizes(comp)
        log(f"data: {ds.describe()}; {len(days)} moves")
        results: dict[str, AppResult] = {}
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            info = machine(browser.version)
            plan = []
            if args.only in ("both", "ours"):
                plan.append(("ours", args.script, OursDriver))
            if args.only in ("both", "naive"):
                (tmp / "naive").mkdir()
                plan.append(("naive", str(naive_workdir(tmp / "naive")), NaiveDriver))
            for key, script, cls in plan:
                with AppServer(ds.data_dir, ds.sources_dir, tmp / f"{key}.log", script=script,
                               health_timeout_s=90) as server:
                    log(f"{key}: {server.url}")
                    drv = cls(server.url, ds, layers, start_day, args.campaign)
                    try:
                        results[key] = measure(browser, drv, days, args.cold_loads, log)
                    except Exception:
                        log(server.log_tail())
                        raise
            browser.close()

    info["loadavg_end"] = os.getloadavg()  # other work on the machine skews the timings
    ours = summary(results["ours"]) if "ours" in results else None
    naive = summary(results["naive"]) if "naive" in results else None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    data_desc = {
        "label": ds.label, "layers": len(ds.atlas.layers),
        "features": sum(len(layer.gdf) for layer in ds.atlas.layers.values()),
        "bundle_bytes": sum(v for k, v in sizes.items() if k.startswith("layers/")),
        "basemap_bytes": sizes.get("basemap.json", 0), "page_bytes": sizes.get("index.html", 0),
        "moves": [day_to_iso(d) for d in days],
        "campaign": args.campaign, "shown_layers": layers,
    }
    report = {
        "when": stamp, "machine": info, "data": data_desc, "targets": TARGETS,
        "naive_renderer": "canvas" if args.naive_canvas else "svg (folium default)", "ours_script": args.script,
        "ours": ours, "naive": naive, "verdicts": verdicts(ours, naive) if ours else None,
        "moves": {k: [asdict(m) for m in r.moves] for k, r in results.items()},
        "cold_ms": {k: r.cold_ms for k, r in results.items()},
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / f"benchmark-{stamp}.json"
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")

    print(f"## Date-slider benchmark ({stamp})\n")
    print(f"Machine: {info['nproc']} × {info['cpu']}, {info['memory']}, {info['os']}; Python {info['python']}, "
          f"Chromium {info['chromium']}, " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
          + f"; load average (1, 5, 15 min) {fmt_load(info['loadavg_start'])} at start, "
          f"{fmt_load(info['loadavg_end'])} at end\n")
    print(f"Data: {data_desc['label']}, {data_desc['layers']} layers, {data_desc['features']} features "
          f"(layer bundles {data_desc['bundle_bytes']:,} B, basemap {data_desc['basemap_bytes']:,} B), "
          f"{len(days)} moves from {data_desc['moves'][0] if days else '-'} to {data_desc['moves'][-1] if days else '-'}, "
          + (f"campaign {args.campaign}: its {len(layers)} layers on ({', '.join(layers)})" if args.campaign
             else "all layers on")
          + f"; atlas served by {args.script}; naive page renderer: {report['naive_renderer']}\n")
    if ours or naive:
        print(markdown(ours or {"moves": 0, "moves_drawn_correctly": 0}, naive))
        print()
    firsts = {k: v for k, v in (("ours", ours), ("naive", naive)) if v}
    if firsts:
        print("First map (navigation start → first feature drawn; each load a new browser context):\n")
        print(first_map_markdown(firsts))
        print()
    if ours:
        for name, ok in report["verdicts"].items():
            print(f"- {name}: {'met' if ok else 'n/a' if ok is None else 'MISSED'}")
        for key, s in (("ours", ours), ("naive", naive)):
            if s and (s["foreign_requests"] or s["console_errors"]):
                print(f"- {key}: requests off localhost {s['foreign_requests']}; console errors {s['console_errors'][:3]}")
    print(f"\nJSON: {out.relative_to(REPO_ROOT) if out.is_relative_to(REPO_ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
