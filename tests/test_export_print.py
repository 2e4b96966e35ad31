"""Print map exports: PNG size and content, legend, vector SVG/PDF with text, labels, credits."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image

from layers.export import ExportError, export_map, page_size, request_from_state
from layers.export.cartography import format_degrees, graticule_step
from layers.export.extent import Bounds, bounds_from_view, fit_frame, parse_bounds, view_for_bounds
from layers.export.fonts import missing_fonts, rc_params
from layers.export.labels import LabelCandidate, place_labels
from layers.export.print_map import PrintMap
from layers.viewstate import ViewState

DAY = dt.date(1939, 8, 20)
STATE = ViewState(date=DAY, campaign="overview")


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_png_has_the_asked_size_and_is_not_blank(sample_atlas):
    res = export_map(sample_atlas, STATE, "png", size=(800, 500))
    img = Image.open(io.BytesIO(res.data))
    assert img.size == (800, 500)
    px = _pixels(res.data)
    colours = np.unique(px.reshape(-1, 3), axis=0)
    assert len(colours) > 50, "a map has many colours (basemap, features, anti-aliased text)"
    assert px.std() > 20
    assert res.mime == "image/png" and res.filename.endswith(".png")


def test_png_paper_size_follows_dpi(sample_atlas):
    res = export_map(sample_atlas, STATE, "png", paper="A5", dpi=100, orientation="portrait")
    w, h = Image.open(io.BytesIO(res.data)).size
    assert (w, h) == page_size(paper="A5", dpi=100, orientation="portrait").pixels
    assert abs(w - 148 / 25.4 * 100) <= 1 and abs(h - 210 / 25.4 * 100) <= 1


def test_features_are_drawn_in_their_colours(sample_atlas):
    """The Soviet arrow (#c0392b) is on the map on its date and gone before it starts."""
    def reddish(data: bytes) -> int:
        px = _pixels(data).astype(int)
        return int(np.sum((abs(px[..., 0] - 0xC0) < 12) & (abs(px[..., 1] - 0x39) < 12) & (abs(px[..., 2] - 0x2B) < 12)))

    bounds = "47.3,117.5,48.1,119.3"  # around the arrow, away from the legend's swatches
    on = export_map(sample_atlas, STATE, "png", size=(800, 500), bounds=bounds, layers=["sample_sites"])
    before = export_map(sample_atlas, STATE, "png", size=(800, 500), bounds=bounds, date="1939-08-01")
    assert reddish(on.data) > reddish(before.data) + 20


def test_legend_lists_the_visible_layers_and_styles(sample_atlas):
    req = request_from_state(sample_atlas, STATE)
    pm = PrintMap(sample_atlas, req, page_size(size=(800, 500)))
    assert "Sample sites" in pm.legend.texts
    assert {"Soviet", "Japanese"} <= set(pm.legend.texts)
    headings = [r.text for r in pm.legend.rows if r.heading]
    assert headings == ["Sample sites"]
    # Before the war only Vladivostok (base style) is on the map: no side rows.
    early = request_from_state(sample_atlas, STATE, date="1938-01-01")
    pm2 = PrintMap(sample_atlas, early, page_size(size=(800, 500)))
    assert pm2.legend.texts == ["Sample sites"]


def test_legend_is_empty_when_no_layer_is_chosen(sample_atlas):
    req = request_from_state(sample_atlas, STATE, layers=[])
    pm = PrintMap(sample_atlas, req, page_size(size=(800, 500)))
    assert pm.legend.rows == []


def test_svg_is_vector_with_text(sample_atlas):
    res = export_map(sample_atlas, STATE, "svg", title="Sample Test Map")
    svg = res.data.decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    assert any("Sample Test Map" in t for t in texts)
    assert any("Sample sites" in t for t in texts), "legend titles are text"
    assert any("20 August 1939" in t for t in texts)
    assert "<image" not in svg, "no raster images in the vector map"


def _pdf_streams(data: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.DOTALL):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out


def test_pdf_is_vector_with_embedded_fonts_and_text(sample_atlas):
    res = export_map(sample_atlas, STATE, "pdf", title="Sample Test Map")
    pdf = res.data
    assert pdf.startswith(b"%PDF")
    assert b"/Title" in pdf
    assert b"Sample Test Map" in pdf or "Sample Test Map".encode("utf-16-be") in pdf, "title in the document info"
    assert b"/FontFile2" in pdf, "TrueType fonts embedded (pdf.fonttype 42)"
    assert b"/Subtype /Image" not in pdf, "no raster image"
    content = b"".join(_pdf_streams(pdf))
    assert b" Tj" in content or b" TJ" in content, "text drawn with text operators"
    assert b"BT" in content


def test_a4_pdf_page_size(sample_atlas):
    pdf = export_map(sample_atlas, STATE, "pdf").data
    m = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert m is not None
    w, h = float(m[1]), float(m[2])
    assert abs(w - 297 / 25.4 * 72) < 1 and abs(h - 210 / 25.4 * 72) < 1


def test_cyrillic_labels_render_without_missing_glyphs(sample_atlas):
    req = request_from_state(sample_atlas, STATE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pm = PrintMap(sample_atlas, req, page_size(size=(800, 500)), label_lang="ru")
        pm.save(None, "png")
    labels = [t.get_text() for t in pm._labels.values() if t.get_visible()]
    assert any("Владивосток" in t for t in labels)
    assert not [w for w in caught if "missing from" in str(w.message)]


@pytest.mark.skipif("Noto Sans CJK JP" in missing_fonts(), reason="fonts-noto-cjk is not installed")
def test_cjk_text_renders_with_the_fallback_font():
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught, rc_context(rc_params()):
        warnings.simplefilter("always")
        fig = Figure(figsize=(3, 1))
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.5, "Nomonhan ノモンハン 諾門罕 Номон-Хан")
        fig.canvas.draw()
    assert not [w for w in caught if "missing from" in str(w.message)]


def test_labels_never_overlap():
    cands = [LabelCandidate(f"p{i}", 100 + i * 3, 100, 60, 12, 5, 0, f"P{i}") for i in range(12)]
    placed = place_labels(cands, (0, 0, 400, 300))
    assert 1 < len(placed) < len(cands), "crowded labels: some placed, some dropped"
    boxes = [p.box for p in placed]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_labels_stay_in_frame_and_avoid_obstacles():
    c = LabelCandidate("edge", 395, 150, 60, 12, 5, 0, "Edge")
    (p,) = place_labels([c], (0, 0, 400, 300))
    assert p.ha == "right" and p.box[2] <= 400
    obstacle = np.array([[300, 100, 400, 200]])
    assert place_labels([c], (0, 0, 400, 300), obstacle) == [] or \
        place_labels([c], (0, 0, 400, 300), obstacle)[0].box[2] <= 300


def test_same_name_twice_is_labelled_once():
    a = LabelCandidate("a", 100, 100, 50, 10, 4, 0, "Hailar")
    b = LabelCandidate("b", 104, 102, 50, 10, 4, 1, "Hailar")
    assert [p.key for p in place_labels([a, b], (0, 0, 400, 300))] == ["a"]


def test_print_labels_do_not_overlap_on_the_real_map(atlas):
    if "places" not in atlas.layers:
        pytest.skip("geodata/ has no places layer yet")
    req = request_from_state(atlas, ViewState(date=DAY, campaign="overview"))
    pm = PrintMap(atlas, req, page_size(size=(1200, 750)))
    pm.set_day(req.date)
    boxes = [p.box for p in pm.placements]
    assert len(boxes) > 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_without_basemap_the_credits_say_so(sample_atlas, tmp_path):
    req = request_from_state(sample_atlas, STATE)
    pm = PrintMap(sample_atlas, req, page_size(size=(800, 500)), basemap_path=tmp_path / "none.geojson")
    assert any("not built" in n for n in pm.notes)
    assert "No base map" in pm.credits_text.replace("\n", " ")
    px = _pixels(pm.save(None, "png"))
    assert px.std() > 10


def test_credits_name_sources_and_licences(sample_atlas):
    req = request_from_state(sample_atlas, STATE)
    pm = PrintMap(sample_atlas, req, page_size(size=(1600, 1000)))
    text = pm.credits_text.replace("\n", " ")
    assert "Author 1985" in text
    assert "CC0-1.0" in text
    if pm.credits.basemap:
        assert "Natural Earth (public domain)" in text


def test_extent_priority_and_projection(sample_atlas):
    req = request_from_state(sample_atlas, STATE)
    assert req.extent_from == "campaign" and req.bounds == Bounds(40.0, 115.0, 50.0, 135.0)
    req2 = request_from_state(sample_atlas, STATE, bounds="47,118,48,119")
    assert req2.extent_from == "bounds" and req2.bounds.north == 48
    view = STATE.model_copy(update={"center": (47.7, 118.6), "zoom": 9})
    req3 = request_from_state(sample_atlas, view)
    assert req3.extent_from == "view"
    lat, lon = req3.bounds.center
    assert abs(lon - 118.6) < 1e-6 and abs(lat - 47.7) < 0.05
    frame = fit_frame(req2.bounds, 1.6)
    assert abs(frame.width_m / frame.height_m - 1.6) < 1e-9
    assert "+proj=lcc" in frame.crs.srs and "+lon_0=118.5000" in frame.crs.srs


def test_view_and_bounds_round_trip():
    b = bounds_from_view((45.0, 125.0), 5)
    center, zoom = view_for_bounds(b)
    assert zoom == 5 and abs(center[0] - 45) < 1e-6 and abs(center[1] - 125) < 1e-6


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "50,100,40,110", "40,110,50,100", "40,0,50,200"])
def test_bad_bounds_are_refused(text):
    with pytest.raises(ExportError):
        parse_bounds(text)


def test_bad_requests_raise_export_error(sample_atlas):
    with pytest.raises(ExportError, match="unknown layer"):
        export_map(sample_atlas, STATE, "png", layers=["nope"])
    with pytest.raises(ExportError, match="dpi"):
        export_map(sample_atlas, STATE, "png", dpi=600)
    with pytest.raises(ExportError, match="format"):
        export_map(sample_atlas, STATE, "jpeg")
    with pytest.raises(ExportError, match="outside"):
        export_map(sample_atlas, STATE, "png", date="1960-01-01")


def test_graticule_steps_and_labels():
    assert graticule_step(40, 20, 7, 7) == 10.0
    assert graticule_step(1.0, 0.6, 7, 7) == pytest.approx(10 / 60)
    assert graticule_step(1.7, 0.9, 7, 7) == 0.25
    assert format_degrees(120, "lon", 5) == "120°E"
    assert format_degrees(47.5, "lat", 0.5) == "47°30′N"


def test_real_atlas_print_smoke(atlas):
    if "khalkhin_gol_1939" not in atlas.layers:
        pytest.skip("geodata/ has no khalkhin_gol_1939 layer yet")
    state = ViewState(date=DAY, campaign="khalkhin_gol")
    res = export_map(atlas, state, "png", size=(1600, 1000))
    assert Image.open(io.BytesIO(res.data)).size == (1600, 1000)
    req = request_from_state(atlas, state)
    pm = PrintMap(atlas, req, page_size(paper="A4"), vector=True)
    assert atlas.layers["khalkhin_gol_1939"].spec.title in pm.legend.texts
    assert pm.save(None, "pdf").startswith(b"%PDF")


def test_extent_is_cut_to_the_atlas_region(sample_atlas):
    far = STATE.model_copy(update={"center": (45.0, 125.0), "zoom": 2})
    req = request_from_state(sample_atlas, far)
    assert req.bounds == Bounds(30.0, 95.0, 62.0, 160.0)
    with pytest.raises(ExportError, match="outside the atlas region"):
        request_from_state(sample_atlas, STATE, bounds="-80,0,-70,79")
    assert format_degrees(180, "lon", 10) == format_degrees(-180, "lon", 10) == "180°"
