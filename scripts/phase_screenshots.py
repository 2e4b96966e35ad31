"""Contact sheets of every campaign phase, and the timeline chart, for the README.

Usage (from the repository root)::

    .venv/bin/python scripts/phase_screenshots.py                 # all four campaigns + timeline
    .venv/bin/python scripts/phase_screenshots.py --campaign lake_khasan --keep-tiles

Starts the dashboard (``app.py``, on a free local port, on a snapshot of ``geodata/`` and
``sources/`` like the browser tests) and drives it in Debian's headless Chromium
(``/usr/bin/chromium``; never a downloaded browser). For each campaign it opens
``?campaign=<id>``, then for each phase, in order, presses the phase's tick on the date bar,
which is what a reader does: the map moves to the phase's date (``default_date``, else its
start) and, when the phase has ``bounds`` in ``geodata/campaigns.toml``, to its view. Once
the map has drawn that day, the labels have been placed and the view is still, the map frame
is photographed. The phases are then laid out two by two on one sheet, each captioned with
its number, title, dates (``start`` to the day before ``end``: phases are half-open) and
the day shown, and written as an indexed-colour PNG to ``docs/phases/<campaign>.png``.

``docs/timeline.png`` is the timeline of events under the map (overview, all years).

``--readme`` instead retakes the README's top pictures: ``docs/screenshot.png`` (the whole
dashboard, 1440 × 900, on Khalkhin Gol on 20 Aug 1939), ``docs/campaign_khalkhin_gol.png``
(the map on 26 Aug 1939) and ``docs/campaign_lake_khasan.png`` (the map on 6 Aug 1938), each
at the view of the phase of that date (:data:`README_SHOTS`).

Deterministic: fixed viewport, fixed days and views from the data, no animation; the same
data gives the same pictures (up to font hinting). The page fails the run on a console
error or on any request that leaves localhost. Takes about three minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from fefpage import AppServer, MapPage, PageRecorder, choose_dataset, launch_browser
from PIL import Image, ImageDraw, ImageFont

from layers.dates import to_day

CAMPAIGNS = ("siberian_intervention", "lake_khasan", "khalkhin_gol", "manchuria_1945")
OUT_DIR = REPO_ROOT / "docs" / "phases"
#: the browser window: the map frame comes out about 1000 × 740 px
VIEWPORT = {"width": 1320, "height": 1000}
TILE_W = 760  # each phase on the sheet (scaled from the frame; labels stay legible)
GAP, CAPTION_H, MARGIN, HEADER_H = 14, 44, 16, 40
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
COLOURS = 112  # palette of the written PNGs (maps use few colours; keeps each sheet small)

#: the README's pictures: (file in docs/, campaign, date, what is photographed)
README_SHOTS = (
    ("screenshot.png", "khalkhin_gol", "1939-08-20", "page"),
    ("campaign_khalkhin_gol.png", "khalkhin_gol", "1939-08-26", "map"),
    ("campaign_lake_khasan.png", "lake_khasan", "1938-08-06", "map"),
)
README_VIEWPORT = {"width": 1440, "height": 900}  # the map frame comes out about 980 × 640 px

JS_SETTLE = "() => window.__fef && window.__fef.labels ? [window.__fef.labels.runs, window.__fef.day] : null"


@dataclass
class Shot:
    """One phase, photographed."""

    n: int
    title: str
    start: dt.date
    last: dt.date
    shown: dt.date
    image: Image.Image


def human(d: dt.date) -> str:
    """``20 Aug 1939``."""
    return f"{d.day} {d:%b %Y}"


def span_text(a: dt.date, b: dt.date) -> str:
    """``20–23 Aug 1939``, ``28 Jul – 10 Aug 1938``, ``1918 – 1919``."""
    if a == b:
        return human(a)
    if a.year == b.year and a.month == b.month:
        return f"{a.day}–{b.day} {b:%b %Y}"
    if a.year == b.year:
        return f"{a.day} {a:%b} – {human(b)}"
    return f"{human(a)} – {human(b)}"


def settle(mp: MapPage, day: int, timeout_ms: int = 20000) -> None:
    """Wait until the map shows ``day``, the labels have been placed and nothing moves."""
    mp.frame.wait_for_function("(d) => window.__fef && window.__fef.day === d", arg=day, timeout=timeout_ms)
    mp.page.wait_for_load_state("networkidle")
    last, still = None, 0
    for _ in range(80):
        now = (mp.view(), mp.frame.evaluate(JS_SETTLE))
        still = still + 1 if now == last else 0
        if still >= 3:
            return
        last = now
        mp.page.wait_for_timeout(250)


def open_campaign(page: Any, url: str, campaign: str, date: str) -> MapPage:
    """The dashboard on a campaign, waiting until its map is drawn."""
    page.goto(f"{url}/?campaign={campaign}&date={date}", wait_until="domcontentloaded")
    mp = MapPage(page)
    mp.wait_ready(90)
    settle(mp, to_day(dt.date.fromisoformat(date)))
    return mp


def shoot_campaign(page: Any, url: str, campaign: Any) -> list[Shot]:
    """Every phase of ``campaign`` (a :class:`layers.schema.Campaign`) as the reader sees it."""
    mp = open_campaign(page, url, campaign.id, campaign.default_date)
    shots = []
    for i, ph in enumerate(campaign.phases):
        tick = mp.frame.locator(f'.fef-phase-tick[data-phase="{ph.id}"]')
        tick.click()
        shown = dt.date.fromisoformat(ph.default_date or ph.start)
        settle(mp, to_day(shown))
        png = mp.iframe.screenshot(animations="disabled")
        start, end = dt.date.fromisoformat(ph.start), dt.date.fromisoformat(ph.end)
        shots.append(Shot(i + 1, ph.title, start, end - dt.timedelta(days=1), shown,
                          Image.open(io.BytesIO(png)).convert("RGB")))
        print(f"  {campaign.id} phase {i + 1}: {ph.id} on {shown}", file=sys.stderr, flush=True)
    return shots


def fit_text(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> str:
    """``text`` cut with an ellipsis to ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def contact_sheet(title: str, shots: list[Shot]) -> Image.Image:
    """Phases two by two, in order, each with its caption above it."""
    tiles = []
    for s in shots:
        h = round(s.image.height * TILE_W / s.image.width)
        tiles.append(s.image.resize((TILE_W, h), Image.Resampling.LANCZOS))
    tile_h = max(t.height for t in tiles)
    cols = 2 if len(tiles) > 1 else 1
    rows = (len(tiles) + cols - 1) // cols
    width = MARGIN * 2 + cols * TILE_W + (cols - 1) * GAP
    height = HEADER_H + MARGIN + rows * (CAPTION_H + tile_h) + (rows - 1) * GAP + MARGIN
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    f_head = ImageFont.truetype(FONT_BOLD, 22)
    f_title = ImageFont.truetype(FONT_BOLD, 15)
    f_date = ImageFont.truetype(FONT, 13)
    draw.text((MARGIN, MARGIN), title, font=f_head, fill="#222222")
    for k, (s, tile) in enumerate(zip(shots, tiles, strict=True)):
        r, c = divmod(k, cols)
        x = MARGIN + c * (TILE_W + GAP)
        y = HEADER_H + MARGIN + r * (CAPTION_H + tile_h + GAP)
        head = fit_text(draw, f"{s.n}. {s.title}", f_title, TILE_W)
        draw.text((x, y), head, font=f_title, fill="#222222")
        when = f"{span_text(s.start, s.last)} · map on {human(s.shown)}"
        draw.text((x, y + 21), when, font=f_date, fill="#555555")
        sheet.paste(tile, (x, y + CAPTION_H))
        draw.rectangle((x - 1, y + CAPTION_H - 1, x + TILE_W, y + CAPTION_H + tile.height), outline="#999999")
    return sheet


def save_small(img: Image.Image, path: Path) -> int:
    """Write ``img`` as an indexed-colour PNG; returns its size in bytes."""
    pal = img.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    pal.save(path, optimize=True)
    return path.stat().st_size


def shoot_timeline(page: Any, url: str, out: Path) -> int:
    """The timeline of events under the overview map."""
    page.goto(url + "/", wait_until="domcontentloaded")
    mp = MapPage(page)
    mp.wait_ready(90)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(state="visible", timeout=30000)
    chart.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # vega draws after the data arrives
    png = chart.screenshot(animations="disabled")
    return save_small(Image.open(io.BytesIO(png)).convert("RGB"), out)


def shoot_readme(page: Any, url: str, out_dir: Path, atlas: Any) -> None:
    """The README's top pictures (:data:`README_SHOTS`), written to ``out_dir``.

    A map picture whose date is its phase's ``default_date`` is taken at the phase's view
    (its tick pressed), as a reader who follows the phases sees it.
    """
    for name, campaign, date, what in README_SHOTS:
        mp = open_campaign(page, url, campaign, date)
        day = dt.date.fromisoformat(date)
        phase = next((ph for ph in atlas.campaigns[campaign].phases
                      if dt.date.fromisoformat(ph.start) <= day < dt.date.fromisoformat(ph.end)), None)
        if what == "map" and phase is not None and (phase.default_date or phase.start) == date:
            mp.frame.locator(f'.fef-phase-tick[data-phase="{phase.id}"]').click()
            settle(mp, to_day(day))
        if what == "page":
            page.evaluate("() => window.scrollTo(0, 0)")
            page.wait_for_timeout(300)
            png = page.screenshot(animations="disabled")
        else:
            png = mp.iframe.screenshot(animations="disabled")
        size = save_small(Image.open(io.BytesIO(png)).convert("RGB"), out_dir / name)
        print(f"{out_dir / name}: {size // 1024} KiB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--campaign", action="append", choices=CAMPAIGNS,
                    help="only this campaign (repeatable); default: all four and the timeline")
    ap.add_argument("--no-timeline", action="store_true", help="skip docs/timeline.png")
    ap.add_argument("--keep-tiles", action="store_true",
                    help="also write each phase at full size to test-artifacts/phases/ (for checking)")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    ap.add_argument("--readme", action="store_true",
                    help="only retake the README's top pictures (docs/screenshot.png, docs/campaign_*.png)")
    args = ap.parse_args(argv)
    wanted = args.campaign or list(CAMPAIGNS)

    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fef-phases-") as tmp_s:
        tmp = Path(tmp_s)
        ds = choose_dataset("real", tmp / "data")
        with sync_playwright() as pw, AppServer(ds.data_dir, ds.sources_dir, tmp / "app.log",
                                                 health_timeout_s=90) as server:
            browser = launch_browser(pw)
            ctx = browser.new_context(viewport=README_VIEWPORT if args.readme else VIEWPORT,
                                      device_scale_factor=1, reduced_motion="reduce")
            page = ctx.new_page()
            rec = PageRecorder(page)
            if args.readme:
                shoot_readme(page, server.url, args.out_dir.parent, ds.atlas)
                wanted, args.no_timeline = [], True
            for cid in wanted:
                camp = ds.atlas.campaigns[cid]
                shots = shoot_campaign(page, server.url, camp)
                if args.keep_tiles:
                    for s in shots:
                        tile = REPO_ROOT / "test-artifacts" / "phases" / f"{cid}_{s.n}.png"
                        tile.parent.mkdir(parents=True, exist_ok=True)
                        s.image.save(tile)
                size = save_small(contact_sheet(camp.title, shots), args.out_dir / f"{cid}.png")
                print(f"{args.out_dir / (cid + '.png')}: {len(shots)} phases, {size // 1024} KiB")
            if not args.no_timeline and not args.campaign:
                out = args.out_dir.parent / "timeline.png"
                print(f"{out}: {shoot_timeline(page, server.url, out) // 1024} KiB")
            problems = rec.problems()
            ctx.close()
            browser.close()
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
