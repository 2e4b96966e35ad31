"""Exports from the dashboard, as a person makes them: open the export panel, prepare the
file, click download, and check what arrives is a real, non-blank file."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from fefpage import DataSet, app_query, open_app
from PIL import Image

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def layers_on(dataset: DataSet) -> list[str]:
    """Every layer that has something to draw."""
    ids = dataset.drawable_layers()
    if not ids:
        pytest.skip("the data has no located feature inside 1918-1945")
    return ids


def _idle(page: Any, quiet_ms: int = 800, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has not been running a script for ``quiet_ms``.

    The map reports its date and view back to Python, and each report reruns the script;
    clicking while a rerun re-renders the widgets can lose the click.
    """
    status = page.locator('[data-testid="stStatusWidget"]')
    waited = quiet = 0
    while quiet < quiet_ms and waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
        quiet = quiet + 100 if status.count() == 0 else 0


def _download(page: Any, fmt_label: str | None = None) -> bytes:
    _idle(page)
    page.get_by_text("Export this map", exact=True).click()
    _idle(page)
    if fmt_label:
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Format")
        # The option list is virtualised (filter it by typing) and a rerun started by the
        # map's view report can re-render it under the pointer: choose by keyboard, retry.
        # The text goes into the select's own input (fill, press on that locator), never to
        # whatever has the focus: typed at the page, a label's spaces once reached a focused
        # sidebar toggle (the "Compare" switch turned off: a one-in-ten flake).
        for _ in range(5):
            inp = box.locator("input")
            inp.click()
            inp.fill(fmt_label)
            inp.press("Enter")
            page.wait_for_timeout(300)
            if inp.input_value() == fmt_label:
                break
            inp.press("Escape")
        assert box.locator("input").input_value() == fmt_label, f"could not choose {fmt_label}"
    _idle(page)
    button = page.get_by_role("button", name="Download", exact=False).filter(has_text="Download ")
    for _ in range(3):
        page.get_by_role("button", name="Prepare file").click()
        try:
            button.wait_for(timeout=30_000)
            break
        except Exception:  # noqa: BLE001 - a click lost in a rerun: prepare again
            _idle(page)
    button.wait_for(timeout=5_000)
    with page.expect_download(timeout=30_000) as info:
        button.click()
    path = info.value.path()
    return open(path, "rb").read()


def test_print_png_downloads_and_is_not_blank(page: Any, app_url: str, dataset: DataSet, layers_on: list[str]) -> None:
    open_app(page, app_url, app_query(layers=layers_on))
    data = _download(page)
    img = Image.open(io.BytesIO(data)).convert("RGB")
    assert img.size == (1600, 1000)
    arr = np.asarray(img).astype(int)
    assert arr.std() > 20
    assert len(np.unique(arr.reshape(-1, 3), axis=0)) > 50


def test_geojson_downloads_the_current_slice(page: Any, app_url: str, dataset: DataSet, layers_on: list[str]) -> None:
    open_app(page, app_url, app_query(layers=layers_on))
    data = _download(page, "Data at this date — GeoJSON")
    doc = json.loads(data)
    assert doc["type"] == "FeatureCollection" and doc["features"]
    assert all(f["properties"]["sources"] for f in doc["features"])
