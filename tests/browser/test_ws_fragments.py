"""The map and what follows its date are one ``st.fragment`` (issue 11, load), over the protocol.

A map report reruns only that fragment: the title, the sidebar's layer ticks and selects are
not rebuilt or re-sent. What the sidebar shows must still follow when the fragment changes
it: a campaign chosen in the map, a tour step's layers, a date outside the campaign. Each of
those reruns the whole app. These tests play a browser tab with ``stclient`` and look at what
the server re-sent in each run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from stclient import AtlasTab, Run
from test_ws_sessions import play

TITLE = "Far East Frontiers 1918–1945"


def _sidebar_ticks(tab: AtlasTab) -> set[str]:
    return {lid for lid in tab.layers() if tab.session.value(f"show_{lid}")}


def _resent(run: Run, kind: str) -> list[Any]:
    return [run.elements[p] for p in run.sent if p in run.elements and run.elements[p].kind == kind]


def test_a_date_move_reruns_the_map_fragment_only(app_url: str) -> None:
    async def body(tab: AtlasTab) -> None:
        first = await tab.open("date=1938-07-31")
        assert not first.fragment_ids
        assert any(p[0] == 1 for p in first.sent)  # a full run draws the sidebar
        ticks = _sidebar_ticks(tab)
        await tab.move([dt.date(1939, 8, 20)])
        run = tab.session.last_ok
        assert run is not None and run.fragment_ids, "a map report should rerun only the map fragment"
        assert run.sent and all(p[0] == 0 for p in run.sent), sorted(p for p in run.sent if p[0] != 0)
        assert not [e for e in _resent(run, "checkbox") if (e.key or "").startswith("show_")
                    and e.key != "show_timeline"], "the sidebar's layer ticks were re-sent"
        assert not [e for e in _resent(run, "heading") if e.text == TITLE], "the title was re-sent"
        # what the fragment redraws follows the map; the sidebar stays on the page as it was
        assert not tab.check(run, dt.date(1939, 8, 20))
        assert run.find("selectbox", "campaign_pick") and _sidebar_ticks(tab) == ticks
        # the Go to date is in the fragment: it follows the map on every move
        assert tab.session.value("goto_date") in (["1939-08-20"], ["1939/08/20"])

    play(app_url, body)


def test_a_campaign_chosen_in_the_map_redraws_the_sidebar(app_url: str) -> None:
    async def body(tab: AtlasTab) -> None:
        await tab.open("date=1939-07-01")
        before = tab.session.last_ok
        assert before is not None
        assert "Khalkhin" not in before.one("selectbox", "campaign_pick").proto.raw_value
        report = tab.report(dt.date(1939, 7, 3))
        report |= {"campaign": "khalkhin_gol", "campaign_seq": 1}  # "Khalkhin Gol" picked in the map
        tab.session.set_component_value("fef_map", report)
        t0 = await tab.session.send_rerun()

        def shows(r: Run) -> bool:
            box = r.one("selectbox", "campaign_pick").proto
            return not r.fragment_ids and "Khalkhin" in box.raw_value

        run = await tab.session.wait_run(shows, since=t0, timeout_s=20)
        assert run.component_args("fef_map")["date_request"]["campaign"] == "khalkhin_gol"
        assert not tab.check(run, dt.date(1939, 7, 3))

    play(app_url, body)


def test_a_tour_step_ticks_its_layers_in_the_sidebar(app_url: str) -> None:
    """A tour button is in the fragment; the step's layers must reach the sidebar's ticks too."""

    async def body(tab: AtlasTab) -> None:
        await tab.open("campaign=khalkhin_gol")
        for lid in sorted(_sidebar_ticks(tab)):  # untick everything: the step must tick its own
            await tab.toggle(lid)
        assert not _sidebar_ticks(tab)
        t0 = await tab.session.send_rerun(trigger="tour_start")

        def stepped(r: Run) -> bool:
            return not r.fragment_ids and any("Step 1 of" in t for t in r.texts("markdown"))

        run = await tab.session.wait_run(stepped, since=t0, timeout_s=20)
        on_map = set(run.component_args("fef_map")["visible"])
        assert on_map, "the step shows no layers"
        assert _sidebar_ticks(tab) == on_map
        assert set(",".join(run.query().get("layers", [])).split(",")) == on_map

    play(app_url, body)


def test_a_go_to_date_outside_the_campaign_redraws_the_sidebar(app_url: str) -> None:
    async def body(tab: AtlasTab) -> None:
        await tab.open("campaign=lake_khasan")
        assert "Khasan" in tab.session.last_ok.one("selectbox", "campaign_pick").proto.raw_value  # type: ignore[union-attr]
        tab.session.set_value("goto_date", ["1925-05-15"])  # in the fragment, outside the campaign
        t0 = await tab.session.send_rerun()

        def back_to_all_years(r: Run) -> bool:
            return not r.fragment_ids and "Khasan" not in r.one("selectbox", "campaign_pick").proto.raw_value

        run = await tab.session.wait_run(back_to_all_years, since=t0, timeout_s=20)
        assert tab.obey(run) is not None and tab.date == dt.date(1925, 5, 15)
        assert not tab.check(run, dt.date(1925, 5, 15))

    play(app_url, body)
