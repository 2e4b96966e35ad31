"""Helpers for the browser tests: the app process, the data they share, and a driver for
the map component as a person uses it (date bar, sidebar, mouse).

Nothing here asserts; the tests do.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import numpy as np
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from layers import load_atlas
from layers.dates import day_to_iso, from_day, to_day
from layers.loading import Atlas
from layers.slicing import change_days
from layers.viewstate import ATLAS_END, ATLAS_START

ARTIFACTS = REPO_ROOT / "test-artifacts"
TEST_DATA = REPO_ROOT / "tests" / "data" / "geodata"
TEST_SOURCES = REPO_ROOT / "tests" / "data" / "sources"
START_DAY = to_day(ATLAS_START)
END_DAY = to_day(ATLAS_END)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
#: Chromium console noise that is not an error of the app.
IGNORED_CONSOLE = ("Unrecognized feature", "allow-scripts and allow-same-origin")
#: Background colour of the map container behind the vector basemap (the sea).
SEA_RGB = (0xCF, 0xE0, 0xEC)


# ---------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------


@dataclass
class DataSet:
    """The data the app under test serves, and the same data loaded in the test process.

    Parameters
    ----------
    label : str
        ``real``, ``test`` or ``env``.
    data_dir, sources_dir : Path
    atlas : Atlas
    note : str
        Why this dataset was chosen.
    """

    label: str
    data_dir: Path
    sources_dir: Path
    atlas: Atlas
    note: str = ""

    def describe(self) -> str:
        """One line for the test summary."""
        n = sum(len(layer.gdf) for layer in self.atlas.layers.values())
        return (
            f"data={self.label} ({self.data_dir}), {len(self.atlas.layers)} layers, {n} features, "
            f"{len(self.atlas.errors)} data problems" + (f"; {self.note}" if self.note else "")
        )

    def drawable_layers(self) -> list[str]:
        """Loaded layers with at least one located feature inside the atlas' dates."""
        out = []
        for lid, layer in self.atlas.layers.items():
            gdf = layer.gdf
            ok = (~gdf.geometry.isna()) & (gdf["start_day"] <= END_DAY) & (gdf["end_day"] > START_DAY)
            if bool(ok.any()):
                out.append(lid)
        return out

    def _arrays(self, lid: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(start_day, end_day, id)`` of the located features of a layer (cached)."""
        cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = self.__dict__.setdefault("_cache", {})
        if lid not in cache:
            gdf = self.atlas.layers[lid].gdf
            located = ~gdf.geometry.isna().to_numpy()
            cache[lid] = (gdf["start_day"].to_numpy()[located], gdf["end_day"].to_numpy()[located],
                          gdf["id"].to_numpy()[located])
        return cache[lid]

    def expected_ids(self, day: int, layer_ids: Iterable[str]) -> set[str]:
        """Ids of the located features of ``layer_ids`` that exist on ``day``.

        The same rule as :func:`layers.slicing.mask_at` (half-open ``[start, end)``);
        unlocated features are listed in the panels but never drawn.
        """
        out: set[str] = set()
        for lid in layer_ids:
            start, end, ids = self._arrays(lid)
            out.update(ids[(start <= day) & (day < end)].tolist())
        return out

    def layer_of(self, feature_id: str) -> str:
        """Layer id holding a feature."""
        for lid, layer in self.atlas.layers.items():
            if (layer.gdf["id"] == feature_id).any():
                return lid
        raise KeyError(feature_id)

    def change_days(self, layer_ids: Iterable[str]) -> list[int]:
        """Days inside the date bar's range on which the drawn set of ``layer_ids`` changes."""
        ids = list(layer_ids)
        days = [int(d) for d in change_days(self.atlas, ids) if START_DAY < d <= END_DAY]
        return [d for d in days if self.expected_ids(d, ids) != self.expected_ids(d - 1, ids)]

    def busy_day(self, layer_ids: Iterable[str]) -> int:
        """A day on which many features of ``layer_ids`` are drawn (ties: the earliest)."""
        ids = list(layer_ids)
        candidates = sorted({START_DAY, END_DAY, *self.change_days(ids)})
        return max(candidates, key=lambda d: (len(self.expected_ids(d, ids)), -d))


def _has_drawable(atlas: Atlas) -> bool:
    return bool(DataSet("x", Path(), Path(), atlas).drawable_layers())


def snapshot_real_data(dest: Path) -> tuple[Path, Path]:
    """Copy ``geodata/*.{geojson,toml}``, ``geodata/tours/`` and ``sources/`` to ``dest``.

    Other helpers may be writing ``geodata/`` while the tests run; the app and the tests
    both read the copy, so they always agree. (The basemap is read from its fixed path.)
    """
    data, sources = dest / "geodata", dest / "sources"
    data.mkdir(parents=True, exist_ok=True)
    for path in sorted((REPO_ROOT / "geodata").iterdir()):
        if path.is_file() and path.suffix in (".geojson", ".toml"):
            shutil.copy2(path, data / path.name)
    if (REPO_ROOT / "geodata" / "tours").is_dir():  # narrative tours (geodata/tours/<campaign>.toml)
        shutil.copytree(REPO_ROOT / "geodata" / "tours", data / "tours", dirs_exist_ok=True)
    shutil.copytree(REPO_ROOT / "sources", sources, dirs_exist_ok=True)
    return data, sources


def choose_dataset(mode: str, scratch: Path) -> DataSet:
    """Pick the data for the session (see ``conftest.py``).

    Parameters
    ----------
    mode : {"auto", "real", "test"}
    scratch : Path
        Empty folder for the snapshot of the real data.
    """
    env_data = os.environ.get("FEF_DATA_DIR")
    if env_data:
        data = Path(env_data).resolve()
        sources = Path(os.environ.get("FEF_SOURCES_DIR") or REPO_ROOT / "sources").resolve()
        return DataSet("env", data, sources, load_atlas(data, sources), "from FEF_DATA_DIR")
    if mode != "test":
        data, sources = snapshot_real_data(scratch)
        atlas = load_atlas(data, sources)
        if mode == "real" or _has_drawable(atlas):
            return DataSet("real", data, sources, atlas, "snapshot of geodata/ at session start")
        note = "geodata/ has no drawable feature yet, so the test dataset is used"
    else:
        note = "--fef-data=test"
    return DataSet("test", TEST_DATA, TEST_SOURCES, load_atlas(TEST_DATA, TEST_SOURCES), note)


# ---------------------------------------------------------------------------------------
# the app process
# ---------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def python_exe() -> str:
    """The project's venv Python (the one running the tests, normally)."""
    venv = REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


class AppServer:
    """``streamlit run app.py`` on a free local port, as a context manager.

    Parameters
    ----------
    data_dir, sources_dir : Path
        Passed as ``FEF_DATA_DIR`` / ``FEF_SOURCES_DIR``.
    log_path : Path
        Streamlit's output (shown when it fails to start).
    script : str
        The page to run (relative to the repository root).
    health_timeout_s : float
    """

    def __init__(
        self,
        data_dir: Path | None,
        sources_dir: Path | None,
        log_path: Path,
        *,
        script: str = "app.py",
        health_timeout_s: float = 60.0,
    ) -> None:
        self.data_dir, self.sources_dir, self.log_path = data_dir, sources_dir, Path(log_path)
        self.script, self.health_timeout_s = script, health_timeout_s
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.died: tuple[int | None, str] | None = None

    def __enter__(self) -> Self:
        env = dict(os.environ)
        if self.data_dir is not None:
            env["FEF_DATA_DIR"] = str(self.data_dir)
        if self.sources_dir is not None:
            env["FEF_SOURCES_DIR"] = str(self.sources_dir)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [python_exe(), "-m", "streamlit", "run", self.script, "--server.port", str(self.port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.health_timeout_s
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"streamlit not healthy after {self.health_timeout_s} s:\n{self.log_tail()}")

    def ensure_running(self) -> bool:
        """Restart the app if its process has gone (e.g. killed from outside).

        Returns
        -------
        bool
            True when it had to be restarted (the caller should say so).
        """
        if self.proc is not None and self.proc.poll() is None:
            return False
        self.died = (self.proc.returncode if self.proc else None, self.log_tail(5))
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.__enter__()
        return True

    def log_tail(self, n: int = 40) -> str:
        """Last lines of Streamlit's output."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the process group this object started (and only that one)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------
# the browser
# ---------------------------------------------------------------------------------------


def launch_browser(pw: Any) -> Any:
    """Debian's Chromium, headless, with no background traffic."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def is_local(url: str) -> bool:
    """Whether a request URL stays on this machine (or inside the page)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class PageRecorder:
    """Records what a page logs and requests (all frames)."""

    page: Any
    console: list[tuple[str, str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        pg = self.page
        pg.on("console", lambda m: self.console.append((m.type, m.text, (m.location or {}).get("url", ""))))
        pg.on("pageerror", lambda e: self.page_errors.append(str(e)))
        pg.on("request", lambda r: self.requests.append(r.url))
        pg.on("websocket", lambda ws: self.requests.append(ws.url))
        pg.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))

    def console_errors(self) -> list[str]:
        """Console errors that are the app's (not Chromium's feature-policy noise)."""
        return [
            f"console {t}: {text} [{url}]" for t, text, url in self.console
            if t == "error" and not any(s in text for s in IGNORED_CONSOLE)
        ]

    def foreign_requests(self) -> list[str]:
        """Requests that left localhost."""
        return [u for u in self.requests if not is_local(u)]

    def problems(self) -> list[str]:
        """Everything that makes a test fail regardless of its own checks."""
        out = self.console_errors()
        out += [f"uncaught exception: {e}" for e in self.page_errors]
        out += [f"request left localhost: {u}" for u in self.foreign_requests()]
        return out


# JavaScript run inside the map frame.
_JS_MAP = """(() => {
  for (const k of Object.keys(window)) {
    if (k.startsWith('map_') && window.L && window[k] instanceof L.Map) { return window[k]; }
  }
  return null;
})()"""
JS_DRAWN_IDS = "() => { const m = " + _JS_MAP + "; const ids = []; " \
    "m.eachLayer(l => { if (l.fefId) { ids.push(l.fefId); } }); return ids; }"
JS_VIEW = "() => { const m = " + _JS_MAP + "; const c = m.getCenter(); " \
    "return {lat: c.lat, lng: c.lng, zoom: m.getZoom()}; }"
JS_STATE = "() => { const f = window.__fef; return f && {ready: f.ready, day: f.day, renders: f.renders, " \
    "visibleCount: f.visibleCount, loaded: f.loaded, errors: f.errors, " \
    "iso: document.querySelector('.fef-date').getAttribute('data-iso')}; }"
JS_CANVASES = "(sel) => [...document.querySelectorAll(sel)].map(c => c.toDataURL('image/png'))"
JS_WATCH_MOVES = "() => { const m = " + _JS_MAP + "; window.__moves = 0; " \
    "m.on('moveend', () => { window.__moves += 1; }); }"


@dataclass
class PixelStats:
    """What a picture contains: how many pixels are drawn and in how many colours."""

    pixels: int
    drawn: int
    colours: int

    @property
    def drawn_fraction(self) -> float:
        """Share of drawn pixels."""
        return self.drawn / self.pixels if self.pixels else 0.0


def canvas_stats(data_urls: list[str]) -> PixelStats:
    """Pixel statistics of canvases (drawn = not fully transparent), summed."""
    pixels = drawn = 0
    colours: set[tuple[int, ...]] = set()
    for url in data_urls:
        img = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA")
        arr = np.asarray(img)
        mask = arr[..., 3] > 0
        pixels += mask.size
        drawn += int(mask.sum())
        colours |= {tuple(c) for c in np.unique(arr[mask][:, :3], axis=0)[:5000]}
    return PixelStats(pixels, drawn, len(colours))


def image_stats(png: bytes, background: tuple[int, int, int]) -> PixelStats:
    """Pixel statistics of a screenshot (drawn = differs from ``background``)."""
    arr = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    diff = np.abs(arr - np.array(background)).sum(axis=2) > 12
    colours = len(np.unique(arr.reshape(-1, 3), axis=0))
    return PixelStats(int(diff.size), int(diff.sum()), colours)


def app_query(day: int | None = None, layers: Iterable[str] | None = None, **extra: str) -> str:
    """``?date=...&layers=...`` for a state."""
    q: dict[str, str] = {}
    if day is not None:
        q["date"] = day_to_iso(day)
    if layers is not None:
        q["layers"] = ",".join(layers)
    q.update(extra)
    return "?" + urlencode(q, quote_via=quote) if q else ""


def heading_text(day: int) -> str:
    """The side panel heading the app shows for ``day``."""
    d = from_day(day)
    return f"On the map on {d.day} {d:%B %Y}"


class MapPage:
    """The dashboard in a page, driven the way a person would.

    Parameters
    ----------
    page : playwright Page
    """

    def __init__(self, page: Any) -> None:
        self.page = page

    # -- frames and state --
    @property
    def frame(self) -> Any:
        """The map component's frame (URL contains ``/component/`` and ``fef_map``)."""
        for fr in self.page.frames:
            if "/component/" in fr.url and "fef_map" in fr.url:
                return fr
        raise LookupError("no map component frame")

    @property
    def iframe(self) -> Any:
        """Locator of the map's ``<iframe>`` element."""
        return self.page.locator('iframe[src*="/component/"][src*="fef_map"]')

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        """Wait until the map frame exists, its first layers are drawn and the rest of the page came."""
        from playwright.sync_api import Error as PlaywrightError

        deadline = time.monotonic() + timeout_s
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                if self.frame.evaluate("() => !!(window.__fef && window.__fef.ready)"):
                    # the first run sends the map alone; the run its "painted" report starts sends
                    # the rest, the sidebar last (app.py): wait for that too
                    self.page.locator('[data-testid="stSidebar"] [data-testid="stFileUploader"]').wait_for(
                        state="attached", timeout=max(1.0, deadline - time.monotonic()) * 1000)
                    return
            except (LookupError, PlaywrightError) as exc:  # frame not there yet, or navigating
                last = exc
            self.page.wait_for_timeout(100)  # (also lets Playwright process frame events)
        raise TimeoutError(f"map not ready after {timeout_s} s ({last})")

    def state(self) -> dict[str, Any]:
        """``window.__fef`` plus the date the bar shows."""
        return self.frame.evaluate(JS_STATE)

    def drawn_ids(self) -> set[str]:
        """Ids of the features on the Leaflet map right now."""
        return set(self.frame.evaluate(JS_DRAWN_IDS))

    def view(self) -> dict[str, float]:
        """Map centre and zoom."""
        return self.frame.evaluate(JS_VIEW)

    def wait_drawn(self, expected: Iterable[str], timeout_s: float = 10.0) -> None:
        """Wait until exactly ``expected`` features are on the map (layer bundles load lazily).

        Raises
        ------
        AssertionError
            With what is missing and what is extra, on timeout.
        """
        from playwright.sync_api import Error as PlaywrightError

        want = sorted(expected)
        js = "(want) => { const m = " + _JS_MAP + "; if (!m) { return false; } const ids = []; " \
            "m.eachLayer(l => { if (l.fefId) { ids.push(l.fefId); } }); ids.sort(); " \
            "return ids.length === want.length && ids.every((v, i) => v === want[i]); }"
        try:
            self.frame.wait_for_function(js, arg=want, timeout=timeout_s * 1000)
        except (LookupError, PlaywrightError) as exc:  # no frame yet, or playwright TimeoutError
            got = self.drawn_ids()
            raise AssertionError(
                f"map does not draw the expected features after {timeout_s} s ({type(exc).__name__}): "
                f"missing {sorted(set(want) - got)[:10]}, extra {sorted(got - set(want))[:10]}, "
                f"state {self.state()}"
            ) from None
        self.page.wait_for_timeout(50)  # the canvas is redrawn on the next animation frame

    def wait_day(self, day: int, timeout_s: float = 5.0) -> None:
        """Wait until the map has been redrawn for ``day``."""
        self.frame.wait_for_function(
            "(d) => window.__fef && window.__fef.day === d", arg=day, timeout=timeout_s * 1000
        )
        self.page.wait_for_timeout(50)  # the redraw itself happens on the next frame

    # -- the date bar --
    @property
    def range(self) -> Any:
        """The date bar's ``<input type=range>``."""
        return self.frame.locator("input.fef-range")

    def press(self, key: str) -> None:
        """Focus the date bar's range and press a key."""
        self.range.focus()
        self.page.keyboard.press(key)

    def drag_to(self, day: int) -> None:
        """Set the range as a drag would (value + ``input`` event)."""
        self.range.fill(str(day))

    # -- what is seen --
    def overlay_pixels(self) -> PixelStats:
        """Pixels drawn on the feature canvases."""
        return canvas_stats(self.frame.evaluate(JS_CANVASES, ".leaflet-overlay-pane canvas"))

    def basemap_pixels(self) -> PixelStats:
        """Pixels drawn on the basemap canvas."""
        return canvas_stats(self.frame.evaluate(JS_CANVASES, ".leaflet-fefBase-pane canvas"))

    def screenshot_stats(self) -> PixelStats:
        """Screenshot of the map iframe, compared with the sea colour."""
        return image_stats(self.iframe.screenshot(), SEA_RGB)

    def heading(self) -> Any:
        """Locator of the panel heading under the map."""
        return self.page.locator("h3", has_text="On the map on")

    def layer_checkbox(self, title: str) -> Any:
        """Locator of a sidebar layer checkbox's label."""
        return self.page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]', has_text=title).locator(
            "label"
        )

    def is_checked(self, title: str) -> bool:
        """Whether the sidebar checkbox of a layer is ticked."""
        return bool(self.layer_checkbox(title).locator("input").is_checked())

    # -- the mouse --
    def pan(self, dx: float, dy: float) -> None:
        """Drag the map by ``(dx, dy)`` pixels and wait until it stops moving."""
        self.frame.evaluate(JS_WATCH_MOVES)
        box = self.iframe.bounding_box()
        x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.35
        mouse = self.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y + dy, steps=12)
        mouse.up()
        self.frame.wait_for_function("() => window.__moves > 0", timeout=5000)

    def url_view(self) -> tuple[float, float, int] | None:
        """The ``view`` parameter of the page URL (``lat, lon, zoom``)."""
        raw = parse_qs(urlsplit(self.page.url).query).get("view")
        if not raw:
            return None
        lat, lon, zoom = raw[-1].split(",")
        return float(lat), float(lon), int(zoom)


def open_app(page: Any, base_url: str, query: str = "", *, timeout_s: float = 30.0) -> MapPage:
    """Load the dashboard and wait until the map has drawn its first layers."""
    page.goto(base_url + "/" + query, wait_until="domcontentloaded")
    mp = MapPage(page)
    mp.wait_ready(timeout_s)
    return mp
