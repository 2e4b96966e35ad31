"""Fixtures for the browser tests: one Streamlit app per session, headless Chromium, pages
that fail the test on console errors or on any request that leaves localhost.

Data: ``$FEF_DATA_DIR``/``$FEF_SOURCES_DIR`` when set; otherwise ``--fef-data`` picks
``real`` (a snapshot of ``geodata/`` and ``sources/`` taken at session start, so that
helpers still writing data cannot change it under the tests), ``test`` (``tests/data``)
or ``auto`` (default: real, or the test dataset while ``geodata/`` has no drawable
feature). The app and the tests read the same snapshot, so the tests can compare what the
browser draws with what ``layers.slicing`` says should be there.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from fefpage import (
    ARTIFACTS,
    AppServer,
    DataSet,
    PageRecorder,
    choose_dataset,
    launch_browser,
    open_app,
)

from layers import load_atlas

_CHOSEN: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fef-data",
        choices=("auto", "real", "test"),
        default="auto",
        help="data for the browser tests (ignored when FEF_DATA_DIR is set)",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """Keep each phase's report on the item so fixtures can tell a failed test."""
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in _CHOSEN:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    """The data the app under test serves, loaded once here as well."""
    ds = choose_dataset(request.config.getoption("--fef-data"), tmp_path_factory.mktemp("fefdata"))
    _CHOSEN.append(f"browser tests: {ds.describe()}")
    return ds


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        br = launch_browser(pw)
        yield br
        br.close()


def _warm_up(browser: Any, url: str) -> None:
    # The first session loads the atlas and writes the component folder: do it once,
    # outside any test's timing.
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        open_app(ctx.new_page(), url, timeout_s=90)
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def app_server(dataset: DataSet, browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """Start ``streamlit run app.py`` once for the session and warm it up."""
    log = tmp_path_factory.mktemp("applog") / "streamlit.log"
    with AppServer(dataset.data_dir, dataset.sources_dir, log) as server:
        _warm_up(browser, server.url)
        yield server


@pytest.fixture
def app_url(app_server: AppServer, browser: Any, request: pytest.FixtureRequest) -> str:
    """URL of the session's app.

    Other processes on a shared machine have been seen killing Streamlit servers by name;
    if the app has gone, it is restarted (and the summary says so) rather than failing
    every remaining test with "connection refused".
    """
    if app_server.ensure_running():
        _CHOSEN.append(f"WARNING: the app process had exited ({app_server.died}) before "
                       f"{request.node.nodeid}; restarted it")
        _warm_up(browser, app_server.url)
    return app_server.url


@pytest.fixture(scope="session")
def broken_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DataSet]]:
    """A second app on a copy of the test dataset plus a layer whose file is not JSON."""
    root = tmp_path_factory.mktemp("broken")
    data = root / "geodata"
    shutil.copytree(REPO_ROOT / "tests" / "data" / "geodata", data)
    shutil.copytree(REPO_ROOT / "tests" / "data" / "sources", root / "sources")
    spec = (data / "sample_sites.toml").read_text(encoding="utf-8")
    spec = spec.replace('title = "Sample sites"', 'title = "Broken layer"')
    spec = spec.replace('prefix = "ts_"', 'prefix = "bl_"')
    (data / "broken_layer.toml").write_text(spec, encoding="utf-8")
    (data / "broken_layer.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    atlas = load_atlas(data, root / "sources")
    with AppServer(data, root / "sources", root / "streamlit.log") as server:
        yield server.url, DataSet("broken", data, root / "sources", atlas, "test dataset + a broken layer")


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page that records console messages and requests.

    At teardown the test fails on any console error or uncaught exception (Chromium's
    "Unrecognized feature" and iframe-sandbox warnings are warnings and ignored) and on
    any request to a host other than localhost. A failed test leaves a screenshot in
    ``test-artifacts/`` (every test does with ``FEF_SCREENSHOTS=1``).
    """
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    rec = PageRecorder(pg)
    pg.fef_recorder = rec  # type: ignore[attr-defined]
    yield pg
    failed = any(getattr(request.node, f"rep_{w}", None) and getattr(request.node, f"rep_{w}").failed
                 for w in ("setup", "call"))
    problems = rec.problems()
    if failed or problems or os.environ.get("FEF_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-120:]
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception:  # noqa: BLE001, S110 - a screenshot must never hide the real failure
            pass
    ctx.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
