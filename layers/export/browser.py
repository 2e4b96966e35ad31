"""Headless Chromium for the browser-based exports, offline.

Uses the system's Chromium (Debian's ``/usr/bin/chromium``, or ``$FEF_CHROMIUM``) through
Playwright; never downloads a browser. Every page opened here has its network cut: only
``file:``, ``data:``, ``blob:`` and ``about:`` requests go through, anything else is
aborted and recorded. Playwright's sync API runs in a worker thread, so it also works
from inside Streamlit (whose script thread may have an event loop).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from layers.export.errors import ExportUnavailable

__all__ = ["CHROMIUM_ARGS", "OfflinePage", "browser_available", "chromium_path", "in_worker", "offline_page"]

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
_LOCAL_SCHEMES = ("file", "data", "blob", "about")
T = TypeVar("T")


def chromium_path() -> str | None:
    """Path of the Chromium to drive, or ``None``."""
    for cand in (os.environ.get("FEF_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return None


def browser_available() -> str | None:
    """``None`` when a browser export can run, else the reason it cannot (one line)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install -r requirements.txt)"
    if chromium_path() is None:
        return "no Chromium found at /usr/bin/chromium (install Debian's 'chromium' package or set FEF_CHROMIUM)"
    return None


@dataclass
class OfflinePage:
    """An open page and what it tried to fetch.

    Parameters
    ----------
    page : playwright.sync_api.Page
    blocked : list of str
        URLs of requests that tried to leave the machine (aborted).
    requests : list of str
        Every request URL.
    errors : list of str
        Uncaught page errors.
    """

    page: Any
    blocked: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def offline_page(viewport: tuple[int, int] = (1600, 1000), scale: float = 1.0) -> Iterator[OfflinePage]:
    """Open a headless Chromium page with all non-file network blocked.

    Raises
    ------
    ExportUnavailable
        When Playwright or Chromium is missing or Chromium does not start.
    """
    reason = browser_available()
    if reason:
        raise ExportUnavailable(f"Browser export unavailable: {reason}.")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        pw_cm = sync_playwright()
        pw = pw_cm.__enter__()
    except PlaywrightError as exc:  # pragma: no cover - depends on the machine
        raise ExportUnavailable(f"Browser export unavailable: Playwright did not start ({_first_line(exc)}).") from None
    try:
        try:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        except PlaywrightError as exc:
            raise ExportUnavailable(f"Browser export unavailable: Chromium did not start ({_first_line(exc)}).") from None
        try:
            ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      device_scale_factor=scale, service_workers="block")
            page = ctx.new_page()
            rec = OfflinePage(page)

            def route(r: Any) -> None:
                url = r.request.url
                if urlsplit(url).scheme in _LOCAL_SCHEMES:
                    r.continue_()
                else:
                    rec.blocked.append(url)
                    r.abort()

            ctx.route("**/*", route)
            page.on("request", lambda r: rec.requests.append(r.url))
            page.on("pageerror", lambda e: rec.errors.append(str(e)))
            yield rec
        finally:
            browser.close()
    finally:
        pw_cm.__exit__(None, None, None)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def in_worker(fn: Callable[[], T]) -> T:
    """Run ``fn`` in a fresh thread (no asyncio loop there) and return its result."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fef-browser") as pool:
        return pool.submit(fn).result()
