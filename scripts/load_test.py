"""Load test: many sessions against one local dashboard, for a fixed time.

Default (protocol mode): each session is a :class:`stclient.AtlasTab`, which speaks
Streamlit's websocket protocol as a browser tab does (``tests/browser/stclient.py``) and
plays the map component as ``time_sliced.js`` does. So the server gets the same traffic
as from N visitors, each with a browser on their own machine, while this machine's CPU
goes to the server alone. A session loops, with a think time of 1–3 s between actions
(a person reading the panels):

- 80 %: a **date move**: a drag of 1–4 date reports 0.15–0.3 s apart (the map reports
  after its debounce while the bar is dragged); timed from the last report to the end of
  the first run whose panels, URL, sidebar date and map request all name the last date;
- 12 %: a **layer toggle** in the sidebar; the map's layer list and the URL must follow;
- 8 %: an **export**: GeoJSON picked, "Prepare file" pressed, the file downloaded over
  HTTP; timed from the press to the downloaded file, which must be non-empty GeoJSON of
  the map's date and layers.

Anything out of sync after 30 s, a protocol error or an exception counts as an error.
At the end every session must still be in sync with its own last date (sessions never
see each other's dates: each moves to its own random dates).

One run measures **one session alone, then N together** (same pace, same length) and
prints both and the ratio p95(N)/p95(1); the server's RSS (``/proc``: the process and its
children) before, at peak, after the sessions closed, and per session.

``--browsers K`` adds K real headless Chromium tabs (Playwright) to the N-session phase,
driving the real map by its date bar (the older browser mode; on a 2-core machine the
browsers take the CPU from the server, so keep K small). ``--mode browser`` runs only the
browser mode (N tabs).

Only localhost is contacted: the script starts its own server (``streamlit run serve.py``,
as deployed) on a free loopback port, or uses ``--url``, which must be a loopback URL.
Bounded: ``--seconds`` per phase, then at most ``--settle`` seconds; it stops by itself.

Usage::

    .venv/bin/python scripts/load_test.py                          # 1 then 20 sessions, 60 s each
    .venv/bin/python scripts/load_test.py --sessions 20 --seconds 90 --json bench-results/load.json
    .venv/bin/python scripts/load_test.py --browsers 2             # plus two real tabs
    .venv/bin/python scripts/load_test.py --rounds 3               # the 20 sessions 3 times: memory growth
    .venv/bin/python scripts/load_test.py --mode browser --sessions 4
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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
from stclient import AtlasTab, StSession, SyncError

from layers.dates import from_day, to_day
from layers.viewstate import ATLAS_END, ATLAS_START

START, END = to_day(ATLAS_START), to_day(ATLAS_END)
#: The map's frame, as the browser tests find it.
FRAME_MARK = ("/component/", "fef_map")
JS_READY = "() => !!(window.__fef && window.__fef.ready)"
HEADING = "h3:has-text('On the map on')"
#: A visitor's pace (protocol mode): think time between actions, gap between the reports of a drag.
THINK_S = (1.0, 3.0)
DRAG_GAP_S = (0.15, 0.3)
P_EXPORT, P_TOGGLE = 0.08, 0.12
PACE = ("one action every 1-3 s of think time (uniform): 80 % date moves (a drag of 1-4 reports "
        "0.15-0.3 s apart), 12 % layer toggles, 8 % GeoJSON exports (prepare + download)")


@dataclass
class Stats:
    """What one session measured."""

    moves: list[float] = field(default_factory=list)
    exports: list[float] = field(default_factory=list)
    toggles: int = 0
    runs: int = 0
    errors: list[str] = field(default_factory=list)


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that still exist, from ``/proc``."""
    out, todo, seen = [], [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for t in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(k) for k in (t / "children").read_text().split())
        except (OSError, ValueError):
            continue
        out.append(p)
    return out


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, from ``/proc`` (KiB)."""
    total = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total


def cpu_s(pid: int) -> float:
    """CPU time (user + system, seconds) of ``pid`` and its descendants, from ``/proc``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
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


async def export_geojson(page: Any, timeout_s: float, day_iso: str = "") -> float:
    """Open the export panel, prepare a GeoJSON file, wait for its download button (seconds).

    As a person would with the keyboard (the option list is virtualised, and a rerun started
    by the map's report can re-render it under the pointer): type the format's name, Enter.
    """
    label = "Data at this date — GeoJSON"
    # Streamlit keeps a collapsed expander's content in the page, hidden: "Prepare file" is found
    # (count() == 1) but not visible, so the panel must be opened when the button is not *visible*
    # (testing count() left it closed, and clicking the hidden format box timed out after 30 s).
    exp = page.locator("[data-testid='stExpander']").filter(has_text="Export this map")
    prepare = exp.locator("button", has_text="Prepare file")
    if not await prepare.is_visible():
        await exp.locator("summary").click()
        await prepare.wait_for(state="visible", timeout=timeout_s * 1000)
    box = exp.locator("[data-testid='stSelectbox']").filter(has_text="Format")
    for _ in range(5):
        await box.click()
        await page.keyboard.type(label)
        await page.keyboard.press("Enter")
        await asyncio.sleep(0.3)
        if await box.locator("input").input_value() == label:
            break
        await page.keyboard.press("Escape")
    t0 = time.monotonic()
    await prepare.click()
    # the button names the file, and the file name the date: a button left from an earlier export does not count
    await exp.locator("[data-testid='stDownloadButton'] button", has_text=day_iso).wait_for(timeout=timeout_s * 1000)
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
                    day = from_day(int(await frame.evaluate("() => window.__fef.day"))).isoformat()
                    st.exports.append(await export_geojson(page, 60, day))
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


async def ws_session(i: int, url: str, clock: Clock, args: argparse.Namespace) -> Stats:
    """One visitor over the protocol: open, then think–act until the clock stops, then a final check."""
    rnd = random.Random(args.seed * 1000 + i)
    st = Stats()
    tab = AtlasTab(StSession(url), timeout_s=args.timeout)
    try:
        await asyncio.sleep(i * args.ramp)  # people arrive one after another
        try:
            await tab.open(f"date={from_day(rnd.randint(START, END)).isoformat()}")
        finally:
            await clock.ready()
        layers = tab.layers()
        while time.monotonic() < clock.until:
            await asyncio.sleep(rnd.uniform(*THINK_S))
            if time.monotonic() >= clock.until:
                break
            r = rnd.random()
            try:
                if r < P_EXPORT:
                    took, _size = await tab.export_geojson()
                    st.exports.append(took)
                elif r < P_EXPORT + P_TOGGLE and layers:
                    await tab.toggle(rnd.choice(layers))
                    st.toggles += 1
                else:
                    n = rnd.randint(1, 4)
                    first = rnd.randint(START, END)
                    days = [from_day(min(END, max(START, first + k * rnd.randint(-40, 40)))) for k in range(n)]
                    st.moves.append(await tab.move(days, gap_s=rnd.uniform(*DRAG_GAP_S)))
            except (SyncError, TimeoutError) as exc:
                st.errors.append(f"s{i}: {exc}")
        # the last word: once input stops, the session must show its own last date
        last = await tab.session.wait_idle(args.settle)
        if last is None or tab.date is None:
            st.errors.append(f"s{i}: no run finished")
        elif bad := tab.check(last, tab.date):
            st.errors.append(f"s{i}: after input stopped, out of sync with {tab.date}: {'; '.join(bad)}")
        st.errors += [f"s{i}: {e}" for e in tab.session.errors]
        st.runs = tab.session.runs_ok
    except Exception as exc:  # noqa: BLE001 - a session that breaks is an error of the run
        st.errors.append(f"s{i}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await tab.session.close()
    return st


def summary(stats: list[Stats]) -> dict[str, Any]:
    """Counts and percentiles over the sessions of one phase."""
    moves = [m for s in stats for m in s.moves]
    exports = [e for s in stats for e in s.exports]
    return {
        "errors": [e for s in stats for e in s.errors], "date_moves": len(moves), "exports": len(exports),
        "toggles": sum(s.toggles for s in stats), "script_runs": sum(s.runs for s in stats),
        "move_p50_s": pct(moves, 0.5), "move_p95_s": pct(moves, 0.95), "move_max_s": max(moves, default=None),
        "export_p50_s": pct(exports, 0.5), "export_p95_s": pct(exports, 0.95),
        "move_mean_s": statistics.fmean(moves) if moves else None,
    }


async def phase(args: argparse.Namespace, url: str, pid: int | None, n: int, browsers: int) -> dict[str, Any]:
    """``n`` protocol sessions (plus ``browsers`` real tabs) for ``args.seconds``; their numbers."""
    rss0 = rss_kib(pid) if pid else None
    cpu0 = cpu_s(pid) if pid else None
    clock = Clock(n + browsers, args.seconds)
    peak = [rss0 or 0]

    async def watch() -> None:
        await clock.go.wait()
        while time.monotonic() < clock.until + args.settle:
            if pid:
                peak[0] = max(peak[0], rss_kib(pid))
            await asyncio.sleep(1.0)

    t_start, driver0 = time.monotonic(), time.process_time()
    jobs: list[Any] = [ws_session(i, url, clock, args) for i in range(n)]
    pw_ctx = None
    if browsers:
        from playwright.async_api import async_playwright

        pw_ctx = async_playwright()
        pw = await pw_ctx.__aenter__()
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        jobs += [session(n + i, browser, url, clock, args.settle, args.seed) for i in range(browsers)]
    try:
        watcher = asyncio.create_task(watch())
        results = await asyncio.gather(*jobs)
        watcher.cancel()
    finally:
        if pw_ctx is not None:
            await browser.close()
            await pw_ctx.__aexit__(None, None, None)
    wall, driver = time.monotonic() - t_start, time.process_time() - driver0
    cpu = cpu_s(pid) - cpu0 if pid and cpu0 is not None else None
    await asyncio.sleep(5.0)  # closed sessions are dropped by the server
    rss_end = rss_kib(pid) if pid else None
    out = {"sessions": n, "browser_tabs": browsers, "seconds": args.seconds, "wall_s": round(wall, 1)}
    out |= summary(list(results))
    out |= {"server_cpu_s": cpu and round(cpu, 1),
            "server_cpu_ms_per_run": (round(1000 * cpu / out["script_runs"]) if cpu and out["script_runs"] else None),
            # this driver shares the machine: its own CPU, to see whether it (not the server) was the bottleneck
            "driver_cpu_s": round(driver, 1)}
    out |= {
        "rss_before_mib": rss0 and round(rss0 / 1024), "rss_peak_mib": peak[0] and round(peak[0] / 1024),
        "rss_after_mib": rss_end and round(rss_end / 1024),
        "rss_per_session_mib": (round((peak[0] - rss0) / 1024 / (n + browsers), 2) if rss0 and peak[0] else None),
    }
    return out


async def run(args: argparse.Namespace, url: str, pid: int | None) -> dict[str, Any]:
    """Warm up, then one session alone, then N together (or the browser mode alone)."""
    warm = AtlasTab(StSession(url), timeout_s=120)
    await warm.open()
    await warm.session.close()
    await asyncio.sleep(2.0)
    if args.mode == "browser":
        return {"mode": "browser", "many": await phase(args, url, pid, 0, args.sessions)}
    one = await phase(args, url, pid, 1, 0)
    many = await phase(args, url, pid, args.sessions, args.browsers)
    ratio = {k: (round(many[k] / one[k], 2) if many.get(k) and one.get(k) else None)
             for k in ("move_p95_s", "export_p95_s")}
    out = {"mode": "protocol", "pace": PACE, "one": one, "many": many, "p95_ratio_many_over_one": ratio}
    for r in range(2, args.rounds + 1):  # the same load again with new sessions: does memory keep growing?
        out[f"many_round{r}"] = await phase(args, url, pid, args.sessions, args.browsers)
    return out


def load_average() -> str:
    """``/proc/loadavg`` (1, 5, 15 min), to say how busy the machine was."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def show(name: str, res: dict[str, Any]) -> None:
    print(f"--- {name}")
    for k, v in res.items():
        if k != "errors":
            print(f"{k:>22}: {round(v, 3) if isinstance(v, float) else v}")
    print(f"{'errors':>22}: {len(res['errors'])}")
    for e in res["errors"][:30]:
        print("   ", e)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent sessions in the second phase (default 20)")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of each phase (default 60)")
    ap.add_argument("--mode", choices=("protocol", "browser"), default="protocol")
    ap.add_argument("--browsers", type=int, default=0, help="real Chromium tabs on top of the N sessions")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the N-session phase this many times, new sessions each time (memory growth)")
    ap.add_argument("--settle", type=float, default=30.0, help="time a session has to get in sync at the end")
    ap.add_argument("--timeout", type=float, default=30.0, help="a move/toggle/export slower than this is an error")
    ap.add_argument("--ramp", type=float, default=0.25, help="seconds between session arrivals")
    ap.add_argument("--script", default="serve.py", help="page the started server runs (serve.py as deployed)")
    ap.add_argument("--url", help="an already running app (loopback only); default: start one")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 60 or not 1 <= args.seconds <= 900 or not 0 <= args.browsers <= 10 \
            or not 1 <= args.rounds <= 5:
        ap.error("--sessions must be 1..60, --seconds 1..900, --browsers 0..10, --rounds 1..5 (a bounded test)")
    load0 = load_average()
    if args.url:
        host = urlsplit(args.url).hostname or ""
        if host not in LOCAL_HOSTS and not host.startswith("127."):
            ap.error("--url must be a loopback address: this script never loads other machines")
        out = asyncio.run(run(args, args.url.rstrip("/"), None))
    else:
        with tempfile.TemporaryDirectory(prefix="fef-load-") as tmp, \
                AppServer(None, None, Path(tmp) / "streamlit.log", script=args.script,
                          health_timeout_s=180) as server:
            assert server.proc is not None
            out = asyncio.run(run(args, server.url, server.proc.pid))
    out["load_average_before_after"] = [load0, load_average()]
    out["cpus"] = os.cpu_count()
    errors = 0
    for name in ("one", "many", *(f"many_round{r}" for r in range(2, args.rounds + 1))):
        if name in out:
            show(f"{name}: {out[name]['sessions']} session(s) + {out[name]['browser_tabs']} tab(s)", out[name])
            errors += len(out[name]["errors"])
    for k in ("pace", "p95_ratio_many_over_one", "load_average_before_after", "cpus"):
        if k in out:
            print(f"{k}: {out[k]}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
