"""Two-date print export (layers/export/compare.py): two panels, one file."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from layers.export import ExportError
from layers.export.compare import RULE_PX, compare_export
from layers.loading import Atlas
from layers.viewstate import ViewState

FRONTIERS = ("manchurian_frontiers", "mongolian_frontiers")


@pytest.fixture(scope="module")
def state() -> ViewState:
    return ViewState(date=dt.date(1938, 6, 1), layers=FRONTIERS, compare=dt.date(1920, 6, 1))


def test_png_has_two_panels_that_differ(atlas: Atlas, state: ViewState) -> None:
    res = compare_export(atlas, state, "png", size=(1600, 700))
    assert res.mime == "image/png"
    assert res.filename == "far-east-frontiers_overview_1938-06-01_vs_1920-06-01.png"
    img = np.asarray(Image.open(io.BytesIO(res.data)).convert("RGB")).astype(int)
    assert img.shape[1] == 1600 + RULE_PX and img.shape[0] == 700
    half = 800
    left, right = img[:, :half], img[:, half + RULE_PX:]
    rule = img[:, half:half + RULE_PX]
    assert (rule < 60).all(), "a dark rule between the panels"
    # same extent and basemap, different features (Manchukuo and the MPR exist in 1938 only)
    differs = np.abs(left - right).sum(axis=2) > 40
    assert 0.01 < differs.mean() < 0.6, differs.mean()


def test_same_date_twice_gives_equal_maps_apart_from_the_text(atlas: Atlas, state: ViewState) -> None:
    # the check above can fail: with the same date on both sides only text differs (sources line)
    res = compare_export(atlas, state, "png", size=(1600, 700), compare=state.date)
    img = np.asarray(Image.open(io.BytesIO(res.data)).convert("RGB")).astype(int)
    left, right = img[:600, :800], img[:600, 800 + RULE_PX:]
    assert (np.abs(left - right).sum(axis=2) > 40).mean() < 0.005


def test_pdf_and_errors(atlas: Atlas, state: ViewState) -> None:
    res = compare_export(atlas, state, "pdf", size=(1200, 500))
    assert res.data.startswith(b"%PDF") and res.filename.endswith(".pdf")
    assert any("images" in n for n in res.notes)
    with pytest.raises(ExportError, match="second date"):
        compare_export(atlas, state.model_copy(update={"compare": None}), "png")
    with pytest.raises(ExportError, match="format"):
        compare_export(atlas, state, "svg")
    with pytest.raises(ExportError):
        compare_export(atlas, state, "png", layers=["no_such_layer"])


def test_html_export_opens_with_the_comparison(atlas: Atlas, state: ViewState) -> None:
    from layers.dates import to_day
    from layers.export import export_map

    html = export_map(atlas, state, "html").data.decode("utf-8")
    assert f'"compare":{to_day(dt.date(1920, 6, 1))}' in html
    assert "L.Control.SideBySide" in html


def test_command_line_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from layers.export.cli import main

    out = tmp_path / "two.png"
    rc = main(["--format", "png", "--date", "1938-06-01", "--compare", "1920-06-01", "--layers", ",".join(FRONTIERS),
               "--size", "1000x500", "-o", str(out)])
    assert rc == 0
    img = Image.open(out)
    assert img.size == (1000 + RULE_PX, 500)
    assert main(["--format", "svg", "--compare", "1920-06-01", "-o", str(tmp_path / "x.svg")]) == 2
    assert main(["--format", "png", "--compare", "1920-02-30", "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "png, pdf" in err and "--compare" in err
    assert not (tmp_path / "x.svg").exists() and not (tmp_path / "x.png").exists()
