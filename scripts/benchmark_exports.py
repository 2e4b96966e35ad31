"""Time the exports on the real atlas and print a Markdown table (median of a few runs).

Usage::

    .venv/bin/python scripts/benchmark_exports.py [--runs 3] [--campaign khalkhin_gol] [--skip-browser]

Targets on a 2-core machine: print PNG 1600×1000 ≤ 1 s, PDF A4 ≤ 1.5 s, a 100-frame
animation ≤ 30 s. The atlas is loaded once, before timing (the app keeps it cached).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from layers import load_atlas
from layers.export import ExportUnavailable, export_map
from layers.export.animation import animation_days
from layers.viewstate import ViewState

TARGETS = {"print PNG 1600×1000": 1.0, "print PNG 1600×1000, overview": 1.0, "PDF A4": 1.5,
           "PDF A4, overview": 1.5, "animation GIF, 100 frames": 30.0, "animation MP4, 100 frames": 30.0,
           "animation GIF, 100 frames, overview": 30.0, "animation MP4, 100 frames, overview": 30.0}


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (or the platform's guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def time_it(fn: Callable[[], bytes], runs: int) -> tuple[float, int]:
    """Median seconds over ``runs`` calls, and the output size of the last."""
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - t0)
    return statistics.median(times), size


def main() -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--campaign", default="khalkhin_gol")
    ap.add_argument("--skip-browser", action="store_true", help="leave out the as-seen PNG")
    args = ap.parse_args()

    t0 = time.perf_counter()
    atlas = load_atlas()
    load_s = time.perf_counter() - t0
    if not atlas.layers:
        print("geodata/ has no layers: nothing to benchmark", file=sys.stderr)
        return 1
    camp = atlas.campaigns[args.campaign]
    date = dt.date.fromisoformat(camp.default_date)
    state = ViewState(date=date, campaign=args.campaign)
    overview = ViewState(date=date, campaign="overview")
    start = dt.date.fromisoformat(camp.start)
    layers = tuple(lid for lid in atlas.layers if lid in camp.layers)
    days = animation_days(atlas, layers, start, start + dt.timedelta(days=99), "day")
    assert len(days) == 100
    end = start + dt.timedelta(days=99)

    jobs: list[tuple[str, Callable[[], bytes], int]] = [
        ("print PNG 1600×1000", lambda: export_map(atlas, state, "png", size=(1600, 1000)).data, args.runs),
        ("print PNG 1600×1000, overview", lambda: export_map(atlas, overview, "png", size=(1600, 1000)).data,
         args.runs),
        ("PDF A4", lambda: export_map(atlas, state, "pdf", paper="A4").data, args.runs),
        ("PDF A4, overview", lambda: export_map(atlas, overview, "pdf", paper="A4").data, args.runs),
        ("SVG 1600×1000", lambda: export_map(atlas, state, "svg").data, args.runs),
        ("animation GIF, 100 frames", lambda: export_map(atlas, state, "gif", start=start, end=end).data, 1),
        ("animation MP4, 100 frames", lambda: export_map(atlas, state, "mp4", start=start, end=end).data, 1),
        ("animation GIF, 100 frames, overview",
         lambda: export_map(atlas, overview, "gif", start=start, end=end).data, 1),
        ("animation MP4, 100 frames, overview",
         lambda: export_map(atlas, overview, "mp4", start=start, end=end).data, 1),
        ("standalone HTML", lambda: export_map(atlas, overview, "html").data, args.runs),
        ("GeoJSON slice (overview)", lambda: export_map(atlas, overview, "geojson").data, args.runs),
        ("GeoPackage slice (overview)", lambda: export_map(atlas, overview, "gpkg").data, args.runs),
    ]
    if not args.skip_browser:
        jobs.append(("as-seen PNG (Chromium)", lambda: export_map(atlas, state, "asseen").data, 1))

    export_map(atlas, state, "png", size=(400, 250))  # warm caches (fonts, basemap) once
    rows = []
    for name, fn, runs in jobs:
        try:
            sec, size = time_it(fn, runs)
        except ExportUnavailable as exc:
            rows.append((name, "—", "—", str(exc), runs))
            continue
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if sec <= target else f"over {target:g} s")
        rows.append((name, f"{sec:.2f}", f"{size / 1024:,.0f}", verdict, runs))

    print(f"Machine: {os.cpu_count()} cores (nproc), {cpu_model()}, Python {platform.python_version()}")
    print(f"Atlas: {len(atlas.layers)} layers, {sum(len(l.gdf) for l in atlas.layers.values())} features, "
          f"loaded in {load_s:.2f} s (not timed below). Campaign: {args.campaign}, {date}.")
    print()
    print("| export | median s | size KiB | target | runs |")
    print("|---|---:|---:|---|---:|")
    for name, sec, size, verdict, runs in rows:
        print(f"| {name} | {sec} | {size} | {verdict} | {runs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
