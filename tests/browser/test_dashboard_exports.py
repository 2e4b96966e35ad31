"""Exports from the dashboard, as a person makes them: open the export panel, prepare the
file, click download, and check what arrives is a real, non-blank file."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from PIL import Image

from fefpage import DataSet, app_query, open_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def layers_on(dataset: DataSet) -> list[str]:
    """Every layer that has something to draw."""
    ids = dataset.drawable_layers()
    if not ids:
        pytest.skip("the data has no located feature inside 1918-1945")
    return ids


def _download(page: Any, fmt_label: str | None = None) -> bytes:
    page.get_by_text("Export this map", exact=True).click()
    if fmt_label:
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Format")
        box.click()
        page.keyboard.type(fmt_label)  # the option list is virtualised: filter it by typing
        page.get_by_role("option", name=fmt_label).click()
    page.get_by_role("button", name="Prepare file").click()
    button = page.get_by_role("button", name="Download", exact=False).filter(has_text="Download ")
    button.wait_for(timeout=60_000)
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
