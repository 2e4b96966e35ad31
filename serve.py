"""Serve the dashboard with the atlas' frame policy: ``streamlit run serve.py``.

Streamlit's own options cannot add response headers, but its ASGI entry point
(``st.App``, Streamlit ≥ 1.53) takes Starlette middleware. This file wraps ``app.py`` in
a small middleware that sends, on every HTTP response:

- ``Content-Security-Policy: frame-ancestors 'self'`` — browsers refuse to show the app
  inside a frame of another site (clickjacking); the map component, served by the app
  itself, may still be framed by the app;
- ``X-Frame-Options: SAMEORIGIN`` — the same for browsers that predate CSP level 2.

``streamlit run app.py`` still works (for development) but sends neither header.

It also warms the process before it answers (``lifespan``): imports, the atlas and the map
component folder are built at start (:func:`layers.startup.warm`), and ``app.py`` is compiled
into Streamlit's script cache (:func:`compile_app_script`), so the first visitor after a
start gets the map as fast as the next ones instead of waiting ≈ 3 s for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

from layers.startup import warm

FRAME_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-frame-options", b"SAMEORIGIN"),
)


class FramePolicyMiddleware:
    """Pure ASGI middleware adding :data:`FRAME_HEADERS` to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message.get("type") == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in FRAME_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: The page ``st.App`` runs, by the path Streamlit keys its script cache with (absolute, links kept).
APP_SCRIPT = Path(os.path.abspath(__file__)).with_name("app.py")


def compile_app_script() -> bool:
    """Put ``app.py``'s bytecode in Streamlit's script cache, as the first run would.

    Streamlit compiles the page script (with its "magic" AST pass) on a process's first run:
    ≈ 0.1 s, more on a busy machine, paid by the first visitor after a start. The cache is
    the runtime's (a private attribute); if a Streamlit release moves it, nothing is warmed
    and the first run compiles as before.

    Returns
    -------
    bool
        Whether the script was compiled into the runtime's cache.
    """
    from streamlit.runtime import Runtime

    cache = getattr(Runtime.instance(), "_script_cache", None) if Runtime.exists() else None
    if cache is None or not hasattr(cache, "get_bytecode"):
        return False
    cache.get_bytecode(str(APP_SCRIPT))
    return True


@contextlib.asynccontextmanager
async def warm_at_start(_app: Any) -> AsyncIterator[None]:
    """Build what the first script run needs before the server answers (see layers/startup.py)."""
    log = logging.getLogger(__name__)
    try:
        await asyncio.to_thread(warm)
    except Exception:  # a broken dataset must not stop the server: the first session shows the error
        log.exception("warm-up at start failed")
    try:
        if not await asyncio.to_thread(compile_app_script):
            log.info("app.py not precompiled: no Streamlit script cache found")
    except Exception:  # a syntax error: the first session shows it, as without the warm-up
        log.exception("compiling app.py at start failed")
    # The atlas, modules and tables live as long as the process: out of the collector's sight, a full
    # collection no longer walks them (≈ 170,000 objects, 0.2-0.3 s of GIL each time; issue 11, load).
    gc.freeze()
    yield


app = st.App("app.py", lifespan=warm_at_start, middleware=[Middleware(FramePolicyMiddleware)])
