"""Frame policy: the app refuses to be framed by other sites, and the map frame obeys
render messages only from the Streamlit page that embeds it.

The app is served the way it is deployed, ``streamlit run serve.py`` (``app.py`` wrapped
in a middleware that adds ``Content-Security-Policy: frame-ancestors 'self'`` and
``X-Frame-Options: SAMEORIGIN``). The "other site" is a page served from another port
(another origin) on this machine.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fefpage import AppServer, MapPage, free_port

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TEST_DATA = REPO / "tests" / "data"


@pytest.fixture(scope="module")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run serve.py`` on the small test dataset."""
    log = tmp_path_factory.mktemp("framelog") / "streamlit.log"
    with AppServer(TEST_DATA / "geodata", TEST_DATA / "sources", log, script="serve.py") as server:
        yield server.url


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory, served_app: str) -> Iterator[str]:
    """A page on another origin (127.0.0.1, another port) that frames the app."""
    root = tmp_path_factory.mktemp("othersite")
    (root / "frame.html").write_text(
        f'<!doctype html><title>other site</title><iframe id="victim" src="{served_app}/" '
        'width="900" height="600"></iframe>', encoding="utf-8")
    (root / "blank.html").write_text("<!doctype html><title>other site</title><p>attacker</p>", encoding="utf-8")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()
    httpd.server_close()


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=20) as resp:
        return {k.lower(): v for k, v in resp.headers.items()}


def test_app_and_component_send_the_frame_policy(served_app):
    for path in ("/", "/_stcore/health"):
        h = _headers(served_app + path)
        assert h.get("content-security-policy") == "frame-ancestors 'self'", (path, h)
        assert h.get("x-frame-options") == "SAMEORIGIN", (path, h)


def test_another_site_cannot_frame_the_app(browser, served_app, other_site):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        pg = ctx.new_page()
        refused: list[str] = []
        pg.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
        pg.goto(other_site + "/frame.html", wait_until="load")
        pg.wait_for_timeout(2000)
        frame = pg.frame_locator("#victim")
        assert frame.locator('[data-testid="stApp"]').count() == 0
        assert not any("/component/" in f.url for f in pg.frames)
        assert refused, "Chromium did not report the refused frame"
    finally:
        ctx.close()


def _post_render(day: int, nonce: int) -> str:
    return ("{type: 'streamlit:render', isStreamlitMessage: true, args: {visible: ['sample_sites'], "
            f"date_request: {{day: {day}, nonce: {nonce}}}, view_request: {{nonce: {nonce}, center: [60, 100], "
            "zoom: 3}}}")


def test_messages_from_another_origin_do_not_move_the_map(browser, served_app, other_site):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        attacker = ctx.new_page()
        attacker.goto(other_site + "/blank.html")
        with ctx.expect_page() as popup_info:
            attacker.evaluate("(u) => { window.victim = window.open(u); }", served_app + "/")
        victim = popup_info.value
        mp = MapPage(victim)
        mp.wait_ready(60)
        before = mp.state()
        view0 = mp.view()
        target = before["day"] - 400
        # the other site holds a reference to the app's window and posts to every frame in it
        n = attacker.evaluate(
            "() => { const w = window.victim; for (let i = 0; i < w.frames.length; i++) { w.frames[i].postMessage("
            + _post_render(target, 9001) + ", '*'); } return w.frames.length; }")
        assert n >= 1
        victim.wait_for_timeout(1500)
        after = mp.state()
        assert after["day"] == before["day"] and after["iso"] == before["iso"]
        assert mp.view() == view0
        assert mp.frame.evaluate("() => window.__fef.rejectedMessages") >= 1
        # control: the same message from the embedding Streamlit page is obeyed (the test can fail)
        victim.evaluate(
            "() => { const f = [...document.querySelectorAll('iframe')].find(e => e.src.includes('fef_map'));"
            " f.contentWindow.postMessage(" + _post_render(target, 9002) + ", window.location.origin); }")
        mp.wait_day(target, timeout_s=5)
    finally:
        ctx.close()
