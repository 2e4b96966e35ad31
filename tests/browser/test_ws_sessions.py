"""Concurrent sessions against one server, over Streamlit's own protocol (issue 11, load and sync).

Five sessions (``stclient.AtlasTab``: what a browser tab sends, without the browser) move
their maps for about ten seconds, faster than a person, so that map reports keep arriving
while the previous run is still going (the case that lost reports: an older run wrote its
date over the newer one, or a widget the script sets echoed an old date back and moved the
map). Each session keeps to its own years, so a panel showing another session's date would
show. After every move, toggle and export, the session's panels, sidebar date, URL and the
map's date request must name the date its map shows, and the exported GeoJSON must be of
that date; at the end every session must still show its own last date.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from stclient import AtlasTab, StSession, SyncError

SESSIONS = 5
SECONDS = 10.0
#: Each session's own years (disjoint), so a date leaking between sessions cannot go unseen.
BAND_YEARS = 5
T = TypeVar("T")


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on its own event loop in a thread (Playwright's sync API holds this thread's loop)."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = asyncio.run(main())  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            out["error"] = exc

    th = threading.Thread(target=target, name="ws-sessions")
    th.start()
    th.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def play(url: str, body: Callable[[AtlasTab], Awaitable[None]]) -> None:
    """Open one tab (``stclient.AtlasTab``) on ``url``, run ``body`` with it, close it."""

    async def main() -> None:
        tab = AtlasTab(StSession(url), timeout_s=20.0)
        try:
            await body(tab)
        finally:
            await tab.session.close()

    run_async(main)


async def _user(url: str, i: int, until: float) -> tuple[AtlasTab, list[str], int]:
    rnd = random.Random(1000 + i)
    lo = dt.date(1918 + BAND_YEARS * i, 1, 1)
    span = (dt.date(1918 + BAND_YEARS * (i + 1), 1, 1) - lo).days - 1
    tab = AtlasTab(StSession(url), timeout_s=20.0)
    errors: list[str] = []
    moves = 0
    try:
        await tab.open(f"date={lo.isoformat()}")
        layers = tab.layers()
        exported = False
        while time.monotonic() < until:
            try:
                r = rnd.random()
                if not exported and r < 0.15:
                    _took, size = await tab.export_geojson()
                    exported = size > 0
                elif r < 0.3:
                    await tab.toggle(rnd.choice(layers))
                else:
                    days = [lo + dt.timedelta(days=rnd.randint(0, span)) for _ in range(rnd.randint(2, 4))]
                    await tab.move(days, gap_s=rnd.uniform(0.03, 0.12))  # reports faster than runs
                    moves += 1
            except SyncError as exc:
                errors.append(f"session {i}: {exc}")
            await asyncio.sleep(rnd.uniform(0.05, 0.3))
        last = await tab.session.wait_idle(20.0)
        assert last is not None and tab.date is not None
        if bad := tab.check(last, tab.date):
            errors.append(f"session {i}: after input stopped, not showing its map's {tab.date}: {bad}")
        if not lo <= tab.date < lo.replace(year=lo.year + BAND_YEARS):
            errors.append(f"session {i}: its map ended on {tab.date}, outside its own years")
        errors += [f"session {i}: {e}" for e in tab.session.errors]
    finally:
        await tab.session.close()
    return tab, errors, moves


def test_sessions_stay_in_sync_with_their_own_maps(app_url: str) -> None:
    async def main() -> list[tuple[AtlasTab, list[str], int]]:
        until = time.monotonic() + SECONDS
        return await asyncio.gather(*(_user(app_url, i, until) for i in range(SESSIONS)))

    t0 = time.monotonic()
    results = run_async(main)
    errors = [e for _, errs, _ in results for e in errs]
    assert not errors, "\n".join(errors)
    assert all(moves >= 3 for _, _, moves in results), [m for _, _, m in results]  # the load really ran
    assert time.monotonic() - t0 < 60


def test_a_cut_short_run_does_not_move_the_map_back(app_url: str) -> None:
    """The browser repeating an older "Go to" date is not a pick (what lost sync under load).

    A run cut short by the next map report may set the sidebar's date without the browser
    ever getting it; the browser then sends its older date with the next report, and the app
    took that for a person's pick: the map was sent back, or the panels showed the old date.
    Here the browser's side is played exactly: it sends the date it held before.
    """

    async def body(tab: AtlasTab) -> None:
        await tab.open("date=1930-01-01")
        d1, d2, d3 = dt.date(1931, 5, 1), dt.date(1932, 6, 2), dt.date(1933, 7, 3)
        await tab.move([d1])
        held = tab.session.value("goto_date")
        await tab.move([d2])
        tab.session.set_value("goto_date", held)  # as if the run for d2 never reached the browser
        await tab.move([d3])  # raises SyncError if the app moves the map back to d1
        tab.session.set_value("goto_date", [d1.isoformat()])  # the same, with a layer toggle
        await tab.toggle(tab.layers()[0])
        last = tab.session.last_ok
        assert last is not None and not tab.check(last, d3)
        # a real pick still moves the map (and the panels) there
        pick = dt.date(1936, 2, 26)
        tab.session.set_value("goto_date", [pick.isoformat()])
        t0 = await tab.session.send_rerun()
        run = await tab.session.wait_run(lambda r: tab.heading(r) == "On the map on 26 February 1936",
                                         since=t0, timeout_s=20)
        assert tab.obey(run) is not None and tab.date == pick
        assert not tab.check(run, pick)

    play(app_url, body)


def test_protocol_client_sees_what_a_tab_sees(app_url: str) -> None:
    """The client itself: a link's date opens the panels on it, and a report moves them."""

    async def body(tab: AtlasTab) -> None:
        run = await tab.open("date=1938-07-31")
        assert tab.date == dt.date(1938, 7, 31)
        assert tab.heading(run) == "On the map on 31 July 1938"
        assert not tab.check(run, tab.date)
        assert tab.check(run, dt.date(1938, 8, 1))  # the check can fail
        await tab.move([dt.date(1945, 8, 9)])
        last = tab.session.last_ok
        assert last is not None and last.query()["date"] == ["1945-08-09"]
        assert tab.session.value("goto_date") in (["1945-08-09"], ["1945/08/09"])

    play(app_url, body)
