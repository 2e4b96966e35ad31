"""Load test: N browser sessions against one local dashboard, for a fixed time.

Each session (its own Playwright browser context, so its own Streamlit session) loops:
a burst of fast date moves on the map's date bar, then waits until the panel heading under
the map shows the map's date (that wait is the "date move" latency); now and then it toggles
a layer or prepares a GeoJSON export (the "export" latency). At the end every session stops
and, after a settle time, its panel date must equal its map date: a session whose panels no
longer follow its map is an error (issue 11: under 7–10 sessions they stayed wrong).

Only localhost is contacted: the script starts its own ``streamlit run app.py`` on a free
loopback port (or uses ``--url``, which must be a loopback URL). Bounded: ``--seconds`` of
load, then at most ``--settle`` seconds per session; it stops by itself.

Usage::

    .venv/bin/python scripts/load_test.py                 # 20 sessions, 120 s
    .venv/bin/python scripts/load_test.py --sessions 1 --seconds 60   # the single-session baseline
    .venv/bin/python scripts/load_test.py --json bench-results/load.json

Prints errors, p50/p95 of date moves and exports, and the server's RSS (``/proc``: the
server process and its children) before the sessions, with all sessions open, and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "browser"))

from fefpage import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, AppServer, heading_text

from layers.dates import to_day
from layers.viewstate import ATLAS_END, ATLAS_START

START, END = to_day(ATLAS_START), to_day(ATLAS_END)
#: The map's frame, as the browser tests find it.
FRAME_MARK = ("/component/", "fef_map")
JS_READY = "() => !!(window.__fef && window.__fef.ready)"
HEADING = "h3:has-text('On the map on')"


@dataclass
class Stats:
    """What one session measured."""

    moves: list[float] = field(default_factory=list)
    exports: list[float] = field(default_factory=list)
    toggles: int = 0
    errors: list[str] = field(default_factory=list)


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, from ``/proc`` (KiB)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for t in Path(f"/proc/{p}/task").iterdir():
                kids = (t / "children").read_text().split()
                todo.extend(int(k) for k in kids)
        except (OSError, ValueError):
            continue
    return total


def pct(xs: list[float], q: float) -> float | None:
    """The q-quantile (nearest rank) of ``xs``, or None when empty."""
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


async def map_frame(page: Any, timeout_s: float = 60.0) -> Any:
    """The map component's frame once its first layers are drawn."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for fr in page.frames:
            if all(m in fr.url for m in FRAME_MARK):
                try:
                    if await fr.evaluate(JS_READY):
                        return fr
                except Exception:  # noqa: BLE001, S112 - frame still navigating: look again
                    continue
        await asyncio.sleep(0.2)
    raise TimeoutError(f"map not ready after {timeout_s} s")


async def panel_follows(page: Any, frame: Any, timeout_s: float) -> tuple[bool, str, str]:
    """Wait until the panel heading shows the map's date. Returns (ok, map text, panel text)."""
    deadline = time.monotonic() + timeout_s
    want = got = ""
    while True:
        day = await frame.evaluate("() => window.__fef.day")
        want = heading_text(int(day))
        loc = page.locator(HEADING)
        got = (await loc.first.inner_text()) if await loc.count() else ""
        if got == want:
            return True, want, got
        if time.monotonic() > deadline:
            return False, want, got
        await asyncio.sleep(0.05)


async def export_geojson(page: Any, timeout_s: float) -> float:
    """Open the export panel, prepare a GeoJSON file, wait for its download button (seconds).

    As a person would with the keyboard (the option list is virtualised, and a rerun started
    by the map's report can re-render it under the pointer): type the format's name, Enter.
    """
    label = "Data at this date — GeoJSON"
    if not await page.locator("button", has_text="Prepare file").count():
        await page.get_by_text("Export this map", exact=True).click()
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Format")
    for _ in range(5):
        await box.click()
        await page.keyboard.type(label)
        await page.keyboard.press("Enter")
        await asyncio.sleep(0.3)
        if await box.locator("input").input_value() == label:
            break
        await page.keyboard.press("Escape")
    t0 = time.monotonic()
    await page.locator("button", has_text="Prepare file").click()
    await page.locator("[data-testid='stDownloadButton'] button").wait_for(timeout=timeout_s * 1000)
    return time.monotonic() - t0


@dataclass
class Clock:
    """Sessions open first; the load phase starts for all of them together."""

    n: int
    seconds: float
    opened: int = 0
    go: asyncio.Event = field(default_factory=asyncio.Event)
    until: float = 0.0

    async def ready(self) -> None:
        self.opened += 1
        if self.opened == self.n:
            self.until = time.monotonic() + self.seconds
            self.go.set()
        await self.go.wait()


async def session(i: int, browser: Any, url: str, clock: Clock, settle_s: float, seed: int) -> Stats:
    """One user: bursts of date moves, a few layer toggles and exports, then a final check."""
    rnd = random.Random(seed + i)
    st = Stats()
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    page.on("pageerror", lambda e: st.errors.append(f"s{i}: page error {e}"))
    try:
        await asyncio.sleep(i * 0.5)  # a ramp, as people arrive
        try:
            await page.goto(url + "/", wait_until="domcontentloaded", timeout=240000)
            frame = await map_frame(page, 240)
        finally:
            await clock.ready()
        while time.monotonic() < clock.until:
            r = rnd.random()
            if r < 0.08:
                try:
                    st.exports.append(await export_geojson(page, 60))
                except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                    st.errors.append(f"s{i}: export failed: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            if r < 0.16:
                boxes = page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox'] label")
                n = await boxes.count()
                if n:
                    await boxes.nth(rnd.randrange(n)).click()
                    st.toggles += 1
                    await asyncio.sleep(0.3)
                continue
            for _ in range(rnd.randint(2, 8)):  # a burst, faster than the debounce
                await frame.evaluate("(d) => window.__fef.goto(d)", rnd.randint(START, END))
                await asyncio.sleep(rnd.uniform(0.02, 0.25))
            t0 = time.monotonic()
            ok, want, got = await panel_follows(page, frame, 20.0)
            if ok:
                st.moves.append(time.monotonic() - t0)
            else:
                st.errors.append(f"s{i}: panel did not follow within 20 s (map {want!r}, panel {got!r})")
            await asyncio.sleep(rnd.uniform(0.1, 0.6))
        ok, want, got = await panel_follows(page, frame, settle_s)
        if not ok:
            st.errors.append(f"s{i}: after input stopped the panel stayed wrong (map {want!r}, panel {got!r})")
        if await page.locator("[data-testid='stException']").count():
            st.errors.append(f"s{i}: the page shows an exception")
    except Exception as exc:  # noqa: BLE001 - a session that breaks is an error of the run
        st.errors.append(f"s{i}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await ctx.close()
    return st


async def run(args: argparse.Namespace, url: str, pid: int | None) -> dict[str, Any]:
    """Start the sessions, wait for them, gather the numbers."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # warm-up: the first session loads the atlas and writes the component folder
        warm = await browser.new_context()
        wp = await warm.new_page()
        await wp.goto(url + "/", wait_until="domcontentloaded", timeout=90000)
        await map_frame(wp, 90)
        await warm.close()
        rss0 = rss_kib(pid) if pid else None
        clock = Clock(args.sessions, args.seconds)
        peak = [0]

        async def watch() -> None:
            await clock.go.wait()
            while time.monotonic() < clock.until:
                if pid:
                    peak[0] = max(peak[0], rss_kib(pid))
                await asyncio.sleep(1.0)

        t_start = time.monotonic()
        results = await asyncio.gather(
            watch(), *(session(i, browser, url, clock, args.settle, args.seed) for i in range(args.sessions))
        )
        wall = time.monotonic() - t_start
        await browser.close()
    stats: list[Stats] = [r for r in results if isinstance(r, Stats)]
    await asyncio.sleep(1.0)
    rss_end = rss_kib(pid) if pid else None
    moves = [m for s in stats for m in s.moves]
    exports = [e for s in stats for e in s.exports]
    errors = [e for s in stats for e in s.errors]
    return {
        "sessions": args.sessions, "seconds": args.seconds, "wall_s": round(wall, 1),
        "errors": errors, "date_moves": len(moves), "exports": len(exports),
        "toggles": sum(s.toggles for s in stats),
        "move_p50_s": pct(moves, 0.5), "move_p95_s": pct(moves, 0.95), "move_max_s": max(moves, default=None),
        "export_p50_s": pct(exports, 0.5), "export_p95_s": pct(exports, 0.95),
        "rss_before_mib": rss0 and round(rss0 / 1024), "rss_peak_mib": peak[0] and round(peak[0] / 1024),
        "rss_end_mib": rss_end and round(rss_end / 1024),
        "rss_per_session_mib": (round((peak[0] - rss0) / 1024 / args.sessions, 1) if rss0 and peak[0] else None),
        "move_mean_s": statistics.fmean(moves) if moves else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    ap.add_argument("--seconds", type=float, default=120.0, help="length of the load phase (default 120)")
    ap.add_argument("--settle", type=float, default=15.0, help="time a session's panel has to catch up at the end")
    ap.add_argument("--url", help="an already running app (loopback only); default: start one")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 40 or not 1 <= args.seconds <= 900:
        ap.error("--sessions must be 1..40 and --seconds 1..900 (this is a bounded test)")
    if args.url:
        host = urlsplit(args.url).hostname or ""
        if host not in LOCAL_HOSTS and not host.startswith("127."):
            ap.error("--url must be a loopback address: this script never loads other machines")
        out = asyncio.run(run(args, args.url.rstrip("/"), None))
    else:
        with tempfile.TemporaryDirectory(prefix="fef-load-") as tmp, \
                AppServer(None, None, Path(tmp) / "streamlit.log") as server:
            assert server.proc is not None
            out = asyncio.run(run(args, server.url, server.proc.pid))
    for k, v in out.items():
        if k != "errors":
            print(f"{k:>22}: {round(v, 3) if isinstance(v, float) else v}")
    print(f"{'errors':>22}: {len(out['errors'])}")
    for e in out["errors"][:30]:
        print("   ", e)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
