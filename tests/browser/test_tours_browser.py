"""Campaign date bar, phases and narrative tours in the browser.

Most tests run a second app on the test dataset plus the fixture campaign and tour of
``tests/data/tours/`` (three phases, four steps), so the dates, views and titles they
expect are fixed. The last test opens the real Khalkhin Gol tour on the session's app
(skipped when that data has no such tour) and saves the screenshot of the dashboard with
the tour open (``test-artifacts/tour_khalkhin_gol.png``; docs/tour_khalkhin_gol.png is a
copy of it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fefpage import ARTIFACTS, JS_VIEW, REPO_ROOT, AppServer, DataSet, MapPage, heading_text, open_app
from playwright.sync_api import expect

from layers import load_atlas
from layers.dates import to_day
from layers.tours import campaign_span, checked_tours, step_day, step_state
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState
from layers.webmap import standalone_html

pytestmark = pytest.mark.browser

FIXTURE = REPO_ROOT / "tests" / "data" / "tours"
TEST_DATA = REPO_ROOT / "tests" / "data"
CAMPAIGN = "sample_1939"


@pytest.fixture(scope="module")
def tour_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DataSet]]:
    """An app on the test dataset with the fixture campaign (phases) and tour."""
    root = tmp_path_factory.mktemp("tourapp")
    data = root / "geodata"
    shutil.copytree(TEST_DATA / "geodata", data)
    shutil.copy(FIXTURE / "campaigns.toml", data / "campaigns.toml")
    (data / "tours").mkdir()
    shutil.copy(FIXTURE / f"{CAMPAIGN}.toml", data / "tours")
    atlas = load_atlas(data, TEST_DATA / "sources")
    assert not atlas.errors
    with AppServer(data, TEST_DATA / "sources", root / "streamlit.log") as server:
        yield server.url, DataSet("tours", data, TEST_DATA / "sources", atlas, "test dataset + fixture tour")


def bar(mp: MapPage) -> dict[str, Any]:
    """What the date bar and the phase bar show."""
    return mp.frame.evaluate("""() => {
      const r = document.querySelector('input.fef-range');
      const pb = document.querySelector('.fef-phasebar');
      return {min: +r.min, max: +r.max, day: window.__fef.day, campaign: window.__fef.campaign,
              phase: window.__fef.phase, title: document.querySelector('.fef-phase-title').textContent,
              phasebar: pb && getComputedStyle(pb).display !== 'none',
              ticks: [...document.querySelectorAll('.fef-phase-tick')].map(t => ({
                day: +t.getAttribute('data-day'), label: t.getAttribute('aria-label'), title: t.title,
                x: t.getBoundingClientRect().left, w: t.getBoundingClientRect().width}))};
    }""")


def query(page: Any) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def wait_query(page: Any, **want: str) -> None:
    """Wait until the page URL carries these parameters (Streamlit writes them after a rerun)."""
    for _ in range(100):
        q = query(page)
        if all(q.get(k) == v for k, v in want.items()):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"URL {page.url} lacks {want}")


def test_campaign_bar_spans_the_campaign_with_phase_ticks(page: Any, tour_app: tuple[str, DataSet]) -> None:
    url, ds = tour_app
    camp = ds.atlas.campaigns[CAMPAIGN]
    mp = open_app(page, url, f"?campaign={CAMPAIGN}&date=1939-07-03", timeout_s=60)
    first, last = campaign_span(camp)
    mp.frame.wait_for_function("(d) => +document.querySelector('input.fef-range').min === d", arg=to_day(first),
                               timeout=10000)
    b = bar(mp)
    assert (b["min"], b["max"]) == (to_day("1939-05-11"), to_day("1939-09-16")) == (to_day(first), to_day(last))
    assert b["campaign"] == CAMPAIGN and b["phasebar"] and b["phase"] == "second"
    assert b["title"] == "Phase 2 of 3: Second phase"
    assert [t["day"] for t in b["ticks"]] == [to_day(p.start) for p in camp.phases]
    assert [t["label"] for t in b["ticks"]] == [
        "Phase 1 of 3: First phase, from 11 May 1939", "Phase 2 of 3: Second phase, from 1 Jul 1939",
        "Phase 3 of 3: Third phase, from 20 Aug 1939"]
    assert all(t["title"] == t["label"] for t in b["ticks"])
    # ticks sit in date order over the bar, the first near its left end
    xs = [t["x"] for t in b["ticks"]]
    assert xs == sorted(xs) and xs[-1] - xs[0] > 100
    buttons = mp.frame.locator(".fef-phasebar button")
    assert buttons.evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")[:2] == [
        "Previous phase", "Next phase"]


def test_choosing_the_campaign_in_the_sidebar_rescales_the_bar(page: Any, tour_app: tuple[str, DataSet]) -> None:
    url, _ds = tour_app
    mp = open_app(page, url, "?date=1939-07-03", timeout_s=60)
    mp.frame.evaluate("() => { window.__marker = 'same frame'; }")
    b = bar(mp)
    assert (b["min"], b["max"]) == (to_day(ATLAS_START), to_day(ATLAS_END)) and not b["phasebar"]
    idle(page)
    page.get_by_role("combobox", name="Campaign preset").click()
    page.get_by_role("option", name="Sample campaign 1939").click()
    mp.frame.wait_for_function("(d) => +document.querySelector('input.fef-range').min === d",
                               arg=to_day("1939-05-11"), timeout=15000)
    b = bar(mp)
    assert b["max"] == to_day("1939-09-16") and b["phasebar"] and len(b["ticks"]) == 3
    mp.wait_day(to_day("1939-08-20"))  # the campaign's default date
    assert bar(mp)["title"] == "Phase 3 of 3: Third phase"
    assert mp.frame.evaluate("() => window.__marker") == "same frame"


def test_next_and_previous_phase_by_keyboard(page: Any, tour_app: tuple[str, DataSet]) -> None:
    url, ds = tour_app
    mp = open_app(page, url, f"?campaign={CAMPAIGN}&date=1939-07-03", timeout_s=60)
    mp.frame.evaluate("() => { window.__marker = 'same frame'; }")
    nxt = mp.frame.locator(".fef-phase-next")
    nxt.focus()
    page.keyboard.press("Enter")
    mp.wait_day(to_day("1939-08-20"))
    assert bar(mp)["title"] == "Phase 3 of 3: Third phase"
    expect(mp.heading()).to_have_text(heading_text(to_day("1939-08-20")), timeout=10000)
    assert nxt.is_disabled()  # no phase after the last
    before = mp.view()
    prev = mp.frame.locator(".fef-phase-prev")
    prev.focus()
    page.keyboard.press("Space")
    mp.wait_day(to_day("1939-07-01"))  # the second phase shows its start (no default_date)
    assert bar(mp)["title"] == "Phase 2 of 3: Second phase"
    after = mp.view()  # the second phase has bounds: the map fits them
    assert 47.55 < after["lat"] < 47.9 and 118.2 < after["lng"] < 118.9 and after != before
    prev.click()
    mp.wait_day(to_day("1939-05-28"))  # the first phase's default_date
    assert prev.is_disabled()
    ids = ds.drawable_layers()
    mp.wait_drawn(ds.expected_ids(to_day("1939-05-28"), ids))
    assert mp.frame.evaluate("() => window.__marker") == "same frame"  # no reload


def test_all_years_is_one_click_and_the_dashboard_follows(page: Any, tour_app: tuple[str, DataSet]) -> None:
    url, _ds = tour_app
    mp = open_app(page, url, f"?campaign={CAMPAIGN}&date=1939-07-03", timeout_s=60)
    mp.frame.evaluate("() => { window.__marker = 'same frame'; }")
    mp.frame.locator(".fef-all-years").click()
    b = bar(mp)
    assert (b["min"], b["max"]) == (to_day(ATLAS_START), to_day(ATLAS_END))
    assert not b["phasebar"] and b["ticks"] == [] and b["day"] == to_day("1939-07-03")
    wait_query(page, campaign="overview", date="1939-07-03")
    expect(page.get_by_role("combobox", name="Campaign preset")).to_match_aria_snapshot(
        '- combobox "Campaign preset": Overview')
    assert mp.frame.evaluate("() => window.__marker") == "same frame"


def tour_panel(page: Any) -> Any:
    return page.locator(".st-key-tour_panel")


def idle(page: Any, quiet_ms: int = 800, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has not been running a script for ``quiet_ms`` (a click during
    a rerun can hit a widget that is being replaced)."""
    status = page.locator('[data-testid="stStatusWidget"]')
    waited = quiet = 0
    while quiet < quiet_ms and waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
        quiet = quiet + 100 if status.count() == 0 else 0


def click_button(page: Any, key: str) -> None:
    """Click the dashboard button with this key once the page is idle."""
    idle(page)
    button = page.locator(f".st-key-{key} button")
    expect(button).to_have_count(1)
    expect(button).to_be_visible()
    button.click()


def test_tour_next_moves_date_view_and_url(page: Any, tour_app: tuple[str, DataSet]) -> None:
    url, ds = tour_app
    tour = checked_tours(ds.atlas, ds.data_dir)[0][CAMPAIGN]
    mp = open_app(page, url, f"?campaign={CAMPAIGN}", timeout_s=60)
    mp.frame.evaluate("() => { window.__marker = 'same frame'; }")
    click_button(page, "tour_start")
    expect(tour_panel(page)).to_contain_text("Step 1 of 4", timeout=10000)
    expect(tour_panel(page)).to_contain_text("The start")
    # text from data is shown as text
    expect(tour_panel(page)).to_contain_text("<b>not bold</b> [not a link](javascript:alert(1)) {{7*7}}")
    assert tour_panel(page).locator("b, a[href^='javascript']").count() == 0
    mp.wait_day(to_day(step_day(tour.step[0])))
    click_button(page, "tour_next")
    expect(tour_panel(page)).to_contain_text("Step 2 of 4", timeout=10000)
    expect(tour_panel(page)).to_contain_text("Sources: Author 1985; A page")
    mp.wait_day(to_day("1939-07-03"))
    for _ in range(50):
        v = mp.view()
        if v["zoom"] == 11:
            break
        page.wait_for_timeout(100)
    assert v["zoom"] == 11 and abs(v["lat"] - 47.75) < 0.01 and abs(v["lng"] - 118.55) < 0.01
    assert bar(mp)["title"] == "Phase 2 of 3: Second phase"
    wait_query(page, tour=CAMPAIGN, step="2", date="1939-07-03", campaign=CAMPAIGN)
    expect(mp.heading()).to_have_text(heading_text(to_day("1939-07-03")))
    # step 3 is given by bounds: the map fits them
    click_button(page, "tour_next")
    mp.wait_day(to_day("1939-08-20"))
    for _ in range(50):
        v = mp.view()
        if 47.55 < v["lat"] < 47.85 and 117.9 < v["lng"] < 118.9 and v["zoom"] != 11:
            break
        page.wait_for_timeout(100)
    assert 47.55 < v["lat"] < 47.85 and 117.9 < v["lng"] < 118.9 and v["zoom"] != 11
    mp.wait_drawn(ds.expected_ids(to_day("1939-08-20"), ["sample_sites"]))
    wait_query(page, tour=CAMPAIGN, step="3")
    assert mp.frame.evaluate("() => window.__marker") == "same frame"  # the map never reloaded


def test_a_steps_link_reproduces_the_step(page: Any, tour_app: tuple[str, DataSet]) -> None:
    url, ds = tour_app
    mp = open_app(page, url, f"?tour={CAMPAIGN}&step=2", timeout_s=60)
    mp.wait_day(to_day("1939-07-03"))
    expect(tour_panel(page)).to_contain_text("Step 2 of 4", timeout=10000)
    for _ in range(50):
        v = mp.view()
        if v["zoom"] == 11:
            break
        page.wait_for_timeout(100)
    assert v["zoom"] == 11 and abs(v["lat"] - 47.75) < 0.01 and abs(v["lng"] - 118.55) < 0.01
    b = bar(mp)
    assert (b["min"], b["max"], b["campaign"]) == (to_day("1939-05-11"), to_day("1939-09-16"), CAMPAIGN)
    mp.wait_drawn(ds.expected_ids(to_day("1939-07-03"), ["sample_sites"]))
    # the full link the dashboard writes opens the same step in a fresh page
    wait_query(page, tour=CAMPAIGN, step="2")
    full = page.url
    other = page.context.new_page()
    mp2 = open_app(other, url, "?" + full.split("?", 1)[1], timeout_s=60)
    mp2.wait_day(to_day("1939-07-03"))
    expect(tour_panel(other)).to_contain_text("Step 2 of 4", timeout=10000)
    v2 = mp2.view()
    assert v2["zoom"] == v["zoom"] and abs(v2["lat"] - v["lat"]) < 0.01 and abs(v2["lng"] - v["lng"]) < 0.01
    other.close()


def test_bad_step_link_warns_and_shows_step_one(page: Any, tour_app: tuple[str, DataSet]) -> None:
    url, _ds = tour_app
    mp = open_app(page, url, f"?tour={CAMPAIGN}&step=%3Cb%3E9%3C%2Fb%3E", timeout_s=60)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="URL parameter 'step'").first).to_be_visible()
    expect(tour_panel(page)).to_contain_text("Step 1 of 4", timeout=10000)
    mp.wait_day(to_day("1939-05-11"))


def test_standalone_page_tour_box(page: Any, tour_app: tuple[str, DataSet]) -> None:
    """The exported HTML page: a tour box whose next/back move date, view and layers."""
    _url, ds = tour_app
    tour = checked_tours(ds.atlas, ds.data_dir)[0][CAMPAIGN]
    state = step_state(ViewState(layers=("sample_sites",)), tour, 1, ds.atlas)
    page.set_content(standalone_html(ds.atlas, state, tour=tour), wait_until="load")
    page.wait_for_function("() => window.__fef && window.__fef.ready", timeout=20000)
    box = page.locator(".fef-tour")
    expect(box.locator(".fef-tour-progress")).to_have_text("Step 1 of 4")
    expect(box.locator(".fef-tour-title")).to_have_text("The start")
    # the text is text: the markup in it is shown, not made into elements
    expect(box.locator(".fef-tour-text")).to_contain_text("<b>not bold</b> [not a link](javascript:alert(1)) {{7*7}}")
    assert box.locator("b, a").count() == 0
    assert page.evaluate("() => window.__fef.day") == to_day("1939-05-11")
    assert page.evaluate("() => +document.querySelector('input.fef-range').max") == to_day("1939-09-16")
    box.locator(".fef-tour-next").click()
    expect(box.locator(".fef-tour-progress")).to_have_text("Step 2 of 4")
    expect(box.locator(".fef-tour-sources")).to_have_text("Sources: Author 1985; A page")
    page.wait_for_function("(d) => window.__fef.day === d", arg=to_day("1939-07-03"))
    v = page.evaluate(JS_VIEW)
    assert v["zoom"] == 11 and abs(v["lat"] - 47.75) < 0.01 and abs(v["lng"] - 118.55) < 0.01
    assert page.evaluate("() => window.__fef.phase") == "second"
    box.locator(".fef-tour-back").focus()
    page.keyboard.press("Enter")
    expect(box.locator(".fef-tour-progress")).to_have_text("Step 1 of 4")
    page.wait_for_function("(d) => window.__fef.day === d", arg=to_day("1939-05-11"))
    assert box.locator(".fef-tour-back").is_disabled()


def test_khalkhin_gol_tour_screenshot(page: Any, app_url: str, dataset: DataSet) -> None:
    tours, _errors = checked_tours(dataset.atlas, dataset.data_dir)
    if "khalkhin_gol" not in tours or "khalkhin_gol" not in dataset.atlas.campaigns:
        pytest.skip("this dataset has no Khalkhin Gol tour")
    camp = dataset.atlas.campaigns["khalkhin_gol"]
    tour = tours["khalkhin_gol"]
    n = min(3, len(tour.step))
    page.set_viewport_size({"width": 1400, "height": 1250})
    mp = open_app(page, app_url, f"?tour=khalkhin_gol&step={n}", timeout_s=60)
    mp.wait_day(to_day(step_day(tour.step[n - 1])))
    expect(tour_panel(page)).to_contain_text(f"Step {n} of {len(tour.step)}", timeout=10000)
    first, last = campaign_span(camp)
    b = bar(mp)
    assert (b["min"], b["max"]) == (to_day(first), to_day(last))
    assert len(b["ticks"]) == len(camp.phases)
    page.wait_for_timeout(1500)  # the view fit and the symbols settle
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "tour_khalkhin_gol.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 50_000

