"""The dashboard's "Find" box: a name in any spelling flies the map there and sets the date."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest
from testpaths import REPO

APP = str(REPO / "app.py")


def opened(at: AppTest) -> AppTest:
    """Open the dashboard as a browser does: the first run sends the map alone, and the map's
    "painted" report starts the run that sends the rest (app.py). AppTest has no map to report,
    so it runs the script a second time, as that report would."""
    return at.run().run()


def hits(at: AppTest) -> list:
    return [b for b in at.sidebar.button if b.key and b.key.startswith("find_hit_")]


def test_changkufeng_flies_to_lake_khasan_in_1938():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "1925-01-01"
    opened(at)
    at.text_input(key="find_q").input("Changkufeng").run()
    found = hits(at)
    assert found and "Changkufeng" in found[0].label
    nonce = at.session_state["view_nonce"]
    found[0].click().run()
    assert not at.exception
    view = at.session_state["view"]
    assert view.date.year == 1938 and dt.date(1938, 7, 1) <= view.date <= dt.date(1938, 8, 16)
    assert view.center is not None and abs(view.center[0] - 42.45) < 0.2 and abs(view.center[1] - 130.59) < 0.2
    assert view.zoom >= 10 and at.session_state["view_nonce"] == nonce + 1
    assert at.session_state["show_lake_khasan_1938"]
    assert any(s.value.startswith("On the map on ") and "1938" in s.value for s in at.subheader)


def test_cyrillic_typo_and_no_match():
    at = opened(AppTest.from_file(APP, default_timeout=60))
    at.text_input(key="find_q").input("Хасан").run()
    assert hits(at)
    at.text_input(key="find_q").input("qwertzuiop").run()
    assert not hits(at) and any("Nothing of that name" in c.value for c in at.sidebar.caption)


def test_result_labels_are_escaped_markdown():
    at = opened(AppTest.from_file(APP, default_timeout=60))
    at.text_input(key="find_q").input("Zaozernaya").run()
    label = hits(at)[0].label
    assert "\\(" in label  # brackets from the data are escaped, never a Markdown link
