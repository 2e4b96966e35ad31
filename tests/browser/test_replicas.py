"""The scaling example works: two replicas behind nginx (deploy/nginx.conf.template).

Fresh browsers are spread over both replicas; every request of one browser (page, static
files, the map component, the websocket, an upload) reaches the same replica; the map works
through the proxy and the frame policy headers pass through it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fefpage import MapPage
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from replicas import Replicas, nginx_exe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(nginx_exe() is None, reason="nginx not installed (scripts/setup_env.sh dev installs it)"),
]


@pytest.fixture(scope="module")
def replicas() -> Iterator[Replicas]:
    with Replicas(2) as r:
        yield r


def test_fresh_browsers_reach_both_replicas_and_stay_on_theirs(replicas: Replicas, browser: Any) -> None:
    seen: dict[str, Any] = {}
    for _ in range(16):  # P(all on one replica) = 2 × 2^-16
        ctx = browser.new_context()
        resp = ctx.request.get(replicas.url + "/")
        assert resp.ok
        who = resp.headers["x-fef-replica"]
        assert "fef_replica=" in resp.headers.get("set-cookie", "")
        # the same browser, again: the cookie keeps it on its replica
        for _ in range(3):
            again = ctx.request.get(replicas.url + "/_stcore/health")
            assert again.headers["x-fef-replica"] == who
        if who in seen:
            ctx.close()
        else:
            seen[who] = ctx
        if len(seen) == 2:
            break
    assert len(seen) == 2, f"16 fresh browsers all went to {list(seen)}"
    ports = {f"127.0.0.1:{p}" for p in replicas.replica_ports}
    assert set(seen) == ports

    for who, ctx in seen.items():
        page = ctx.new_page()
        answered: set[str] = set()
        page.on("response", lambda r, seen=answered: seen.add(r.headers.get("x-fef-replica", "?")))
        page.goto(replicas.url + "/?date=1939-08-20&campaign=khalkhin_gol", wait_until="domcontentloaded")
        mp = MapPage(page)
        mp.wait_ready(90)
        assert mp.state()["visibleCount"] > 0, "the map drew nothing through the proxy"
        expect(mp.heading()).to_contain_text("1939", timeout=30_000)
        # move the date: the report goes over the session's websocket to its replica
        mp.press("ArrowRight")
        page.wait_for_timeout(500)
        expect(mp.heading()).not_to_contain_text("20 August 1939", timeout=30_000)
        assert answered == {who}, f"one browser was served by {answered}"
        ctx.close()


def test_frame_policy_passes_through_the_proxy(replicas: Replicas, browser: Any) -> None:
    ctx = browser.new_context()
    try:
        resp = ctx.request.get(replicas.url + "/")
        assert resp.headers.get("x-frame-options") == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in resp.headers.get("content-security-policy", "")
    finally:
        ctx.close()
