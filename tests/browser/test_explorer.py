"""The explorer: the events timeline under the map and the Find box, as a person uses them."""

from __future__ import annotations

from typing import Any

import pytest
from fefpage import DataSet, open_app
from playwright.sync_api import expect

from layers.dates import to_day

pytestmark = pytest.mark.browser

TIMELINE_MARKS = "[data-testid='stVegaLiteChart'] path[role='graphics-symbol']"


@pytest.fixture
def real(dataset: DataSet) -> DataSet:
    if "lake_khasan" not in dataset.atlas.campaigns or "chronology" not in dataset.atlas.layers:
        pytest.skip("needs the real atlas (Lake Khasan campaign and chronology)")
    return dataset


def test_clicking_a_timeline_event_moves_the_map_to_its_date(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?campaign=lake_khasan&date=1938-07-01")
    mp.wait_day(to_day("1938-07-01"))
    marks = page.locator(TIMELINE_MARKS)
    expect(marks.first).to_be_visible(timeout=15000)
    labels = [marks.nth(i).get_attribute("aria-label") or "" for i in range(marks.count())]
    # the campaign's range: only Khasan events, none of 1945
    assert labels and all("1938" in lab for lab in labels), labels
    target = next(i for i, lab in enumerate(labels) if "Ceasefire at Lake Khasan" in lab)
    marks.nth(target).click()
    mp.wait_day(to_day("1938-08-11"), timeout_s=10)
    expect(mp.heading()).to_have_text("On the map on 11 August 1938", timeout=10000)


def test_find_changkufeng_flies_to_lake_khasan_and_sets_1938(page: Any, app_url: str, real: DataSet) -> None:
    mp = open_app(page, app_url, "?date=1925-06-01")
    box = page.get_by_label("Place, unit or event, in any spelling")
    box.fill("Changkufeng")
    box.press("Enter")
    first = page.locator('[data-testid="stSidebar"] button', has_text="Changkufeng").first
    expect(first).to_be_visible(timeout=10000)
    first.click()
    mp.frame.wait_for_function(
        f"() => {{ const f = window.__fef; return f && f.day >= {to_day('1938-07-01')} "
        f"&& f.day <= {to_day('1938-08-16')}; }}", timeout=10000)
    page.wait_for_timeout(500)
    v = mp.view()
    assert abs(v["lat"] - 42.45) < 0.3 and abs(v["lng"] - 130.59) < 0.3 and v["zoom"] >= 10, v
    expect(mp.heading()).to_contain_text("1938", timeout=10000)
