"""The "as seen" PNG: the interactive map exactly as the browser draws it.

Renders :func:`layers.export.html.html_document` (the standalone web map, same view state)
in headless Chromium with the network cut, waits until the map reports it is ready
(``window.__fef.ready``) and has drawn the requested date (a ``fef:rendered`` event),
then screenshots the map element, date bar and layer control included.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from layers.dates import to_day
from layers.export.browser import in_worker, offline_page
from layers.export.errors import ExportUnavailable
from layers.export.html import html_document
from layers.export.request import MapRequest
from layers.loading import Atlas

__all__ = ["DRAWN_JS", "as_seen_png"]

#: Resolves once the map has drawn ``day`` (called after ``__fef.ready``).
DRAWN_JS = """
(day) => new Promise((resolve) => {
  const done = (e) => {
    document.removeEventListener("fef:rendered", done);
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(window.__fef.visibleCount)));
  };
  document.addEventListener("fef:rendered", done);
  window.__fef.goto(day);
})
"""


def as_seen_png(
    atlas: Atlas, req: MapRequest, *, size: tuple[int, int] = (1600, 1000), scale: float = 1.0,
    timeout_s: float = 30.0,
) -> bytes:
    """Screenshot of the interactive map for ``req``.

    Parameters
    ----------
    atlas : Atlas
    req : MapRequest
    size : tuple of int
        Browser viewport in CSS pixels (the map fills it).
    scale : float
        Device pixel ratio (2 gives a sharper, twice as large PNG).
    timeout_s : float
        Give up when the map has not drawn within this time.

    Returns
    -------
    bytes
        PNG.

    Raises
    ------
    ExportUnavailable
        When Playwright or Chromium is missing, or the map does not finish drawing.
    """
    html = html_document(atlas, req)
    day = to_day(req.date)

    def run() -> bytes:
        with tempfile.TemporaryDirectory(prefix="fef-asseen-") as tmp:
            page_path = Path(tmp) / "map.html"
            page_path.write_text(html, encoding="utf-8")
            with offline_page(viewport=size, scale=scale) as op:
                from playwright.sync_api import Error as PlaywrightError  # present: offline_page started

                page = op.page
                try:
                    page.goto(page_path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
                    page.wait_for_function("window.__fef && window.__fef.ready === true",
                                           timeout=timeout_s * 1000)
                    page.evaluate(DRAWN_JS, day)
                    return page.locator(".folium-map").first.screenshot(type="png", timeout=timeout_s * 1000)
                except PlaywrightError as exc:  # (TimeoutError is a subclass)
                    detail = "; ".join(op.errors[:2]) or str(exc).strip().splitlines()[0][:160]
                    raise ExportUnavailable(f"The interactive map did not finish drawing: {detail}") from None

    return in_worker(run)
