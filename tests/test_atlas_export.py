"""Unit symbols on the print map, curved arrows, and the multi-page campaign atlas (PDF)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import subprocess
import sys
import zlib

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image
from shapely.geometry import LineString
from testpaths import REPO, TEST_DATA

from layers.dates import to_day
from layers.export import ExportError, export_map
from layers.export.atlas_pdf import atlas_pages
from layers.export.fonts import export_style
from layers.export.print_map import PrintMap
from layers.export.request import page_size, request_from_state
from layers.export.scene import curve_line
from layers.loading import load_atlas
from layers.symbols import SIDE_FILL
from layers.viewstate import ViewState

FIXTURE = TEST_DATA / "campaign" / "geodata"
SOURCES = TEST_DATA / "sources"


@pytest.fixture(scope="module")
def fixture_atlas():
    atlas = load_atlas(FIXTURE, SOURCES)
    assert atlas.errors == []
    return atlas


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):  # backslash
            n = raw[i + 1]
            if 0x30 <= n <= 0x37:
                m = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
                assert m is not None
                out.append(int(m.group(), 8) & 0xFF)
                i += 1 + len(m.group())
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def pdf_pages_text(data: bytes) -> list[str]:
    """The text of each content stream that draws text (matplotlib writes one per page)."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        if b"BT" not in content:
            continue
        words = []
        for block in re.findall(rb"BT(.*?)ET", content, re.DOTALL):
            strings = re.findall(rb"\((.*?)(?<!\\)\)", block, re.DOTALL)
            raw = b"".join(_unescape(s) for s in strings)
            words.append(raw.decode("utf-16-be", errors="replace") if raw[:1] == b"\x00" else raw.decode("latin-1"))
        texts.append("\n".join(words))
    return texts


def test_atlas_pdf_pages_and_vector_text(fixture_atlas):
    state = ViewState(date=dt.date(1939, 7, 3), campaign="khalkhin_gol")
    res = export_map(fixture_atlas, state, "atlas")
    assert res.mime == "application/pdf" and res.filename == "far-east-frontiers_khalkhin-gol_atlas.pdf"
    data = res.data
    assert data.startswith(b"%PDF")
    n_pages = len(re.findall(rb"/Type /Page\b", data))
    n_phases = len(fixture_atlas.campaigns["khalkhin_gol"].phases)
    assert n_pages >= 1 + n_phases + 1
    assert b"/FontFile2" in data and b"/Subtype /Type3" not in data  # TrueType embedded: fonttype 42
    pages = pdf_pages_text(data)
    assert len(pages) == n_pages
    squash = [re.sub(r"\s+", " ", p) for p in pages]
    assert "Khalkhin Gol test campaign" in squash[0] and "Test phase one" in squash[0]
    assert "Test phase two" in squash[2] and "3 July 1939" in squash[2]
    assert "which look for the phase title and for this very sentence" in squash[2]
    assert "Test 23rd Division" in squash[2]  # unit label, as text
    assert "Sources" in squash[-1] and "Author" in squash[-1]


def _pixels(fig) -> np.ndarray:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    return np.asarray(Image.open(buf).convert("RGB"))


def test_atlas_phase_pages_differ(fixture_atlas):
    req = request_from_state(fixture_atlas, ViewState(date=dt.date(1939, 7, 3), campaign="khalkhin_gol"))
    with export_style():
        pages = atlas_pages(fixture_atlas, req, page_size(paper="A5", dpi=60))
        titles = [t for t, _ in pages.figures]
        assert titles[0] == "Title" and titles[-1] == "Sources"
        assert titles[1:3] == ["Test phase one", "Test phase two"]
        images = [_pixels(f) for _, f in pages.figures]
    for a, b in itertools.pairwise(images[1:-1]):
        assert a.shape == b.shape
        assert np.abs(a.astype(int) - b.astype(int)).sum(axis=2).astype(bool).mean() > 0.01
    assert "test_book" in pages.source_keys and "test_web" in pages.source_keys


def test_atlas_needs_a_campaign_with_phases(fixture_atlas, atlas):
    with pytest.raises(ExportError, match="needs a campaign with phases"):
        export_map(fixture_atlas, ViewState(date=dt.date(1939, 7, 3), campaign="overview"), "atlas")
    no_phase = next((c for c, camp in atlas.campaigns.items() if not camp.phases and c != "overview"), None)
    if no_phase is not None:
        with pytest.raises(ExportError, match="has no phases"):
            export_map(atlas, ViewState(date=dt.date(1939, 7, 3), campaign=no_phase), "atlas")


def test_atlas_cli(tmp_path):
    out = tmp_path / "kg_atlas.pdf"
    res = subprocess.run(
        [sys.executable, "-m", "layers.export", "--format", "atlas", "--campaign", "khalkhin_gol",
         "--data-dir", str(FIXTURE), "--sources-dir", str(SOURCES), "-o", str(out), "--paper", "A5"],
        check=False, capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert out.read_bytes().startswith(b"%PDF")
    res = subprocess.run([sys.executable, "-m", "layers.export", "--format", "atlas", "-o", str(out),
                          "--data-dir", str(FIXTURE), "--sources-dir", str(SOURCES)],
                         check=False, capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 2 and "needs a campaign with phases" in res.stderr


def _print_map(atlas, day: str, campaign: str = "khalkhin_gol") -> PrintMap:
    req = request_from_state(atlas, ViewState(date=dt.date.fromisoformat(day), campaign=campaign))
    pm = PrintMap(atlas, req, page_size(size="1200x800"))
    pm.set_day(req.date)
    return pm


def _has_colour(png: bytes, hex_colour: str, tol: int = 6, min_px: int = 20) -> int:
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    n = int((np.abs(img - rgb).max(axis=2) <= tol).sum())
    assert n >= min_px, (hex_colour, n)
    return n


def test_fixture_symbols_labels_and_legend(fixture_atlas):
    pm = _print_map(fixture_atlas, "1939-07-03")
    units = [f for f in pm.scene.features if f.sidc is not None and f.on(pm.day or 0)]
    assert {f.sidc for f in units} == {"SHGPUCI----I---", "SFGPUCA----H---"}
    png = pm.save(None, "png")
    _has_colour(png, SIDE_FILL["japanese"])
    _has_colour(png, SIDE_FILL["soviet"])
    placed = {p.key for p in pm.placements}
    assert {"kgu_ja_23div_19390701", "kgu_su_11tbde_19390703"} <= placed
    texts = pm.legend.texts
    assert "Infantry" in texts and "Armour (tanks)" in texts and "Japanese" in texts and "Soviet" in texts
    assert "Cavalry" not in texts and "Artillery" not in texts  # only what is drawn
    assert any(t.startswith("Size: XX div") for t in texts)
    _symbols_apart(pm, units)
    # a label never covers a symbol
    boxes = [pm._unit_box_px(f) for f in units]
    for f, (bx0, by0, bx1, by1) in zip(units, boxes):
        x, y = pm.ax.transData.transform(f.points[0])
        for p in pm.placements:
            lx0, ly0, lx1, ly1 = p.box
            assert not (lx0 < x + bx1 and x + bx0 < lx1 and ly0 < y + by1 and y + by0 < ly1), (f.fid, p.key)


def test_fixture_no_units_no_unit_legend(fixture_atlas):
    pm = _print_map(fixture_atlas, "1939-05-28")
    assert not any(f.sidc and f.on(pm.day or 0) for f in pm.scene.features)
    pm2 = PrintMap(fixture_atlas, request_from_state(
        fixture_atlas, ViewState(date=dt.date(1939, 5, 28), campaign="khalkhin_gol")), page_size(size="1200x800"))
    assert "Infantry" not in pm2.legend.texts


def test_real_khalkhin_gol_print_has_symbols(atlas):
    if "khalkhin_gol_1939_units" not in atlas.layers:
        pytest.fail("the khalkhin_gol_1939_units layer did not load: " + "; ".join(map(str, atlas.errors[:3])))
    pm = _print_map(atlas, "1939-08-25")
    drawn = [f for f in pm.scene.features if f.sidc is not None and f.on(pm.day or 0)]
    assert len(drawn) >= 2
    assert {f.sidc[1] for f in drawn} >= {"F", "H"}  # both sides' frames
    png = pm.save(None, "png")
    _has_colour(png, SIDE_FILL["soviet"])
    _has_colour(png, SIDE_FILL["japanese"])
    _symbols_apart(pm, drawn)


def _symbols_apart(pm: PrintMap, units) -> None:
    """Crowded symbols are moved aside: no two symbol boxes overlap, leaders show the moves."""
    boxes = []
    for f in units:
        x, y = pm.ax.transData.transform(f.points[0])
        dx, dy = pm._unit_offsets_px[f.fid]
        bx0, by0, bx1, by1 = pm._unit_box_px(f)
        boxes.append((x + dx + bx0, y + dy + by0, x + dx + bx1, y + dy + by1))
        _, leader = pm._unit_moves[f.fid]
        assert leader.get_visible() == ((dx, dy) != (0.0, 0.0))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_crowded_symbols_moved_aside(fixture_atlas):
    # both fixture units placed at one point: one keeps it, the other moves and gets a leader
    req = request_from_state(fixture_atlas, ViewState(date=dt.date(1939, 7, 3), campaign="khalkhin_gol"))
    pm = PrintMap(fixture_atlas, req, page_size(size="1200x800"))
    units = [f for f in pm.scene.features if f.sidc is not None and f.on(to_day("1939-07-03"))]
    assert len(units) == 2
    units[1].points[:] = units[0].points
    units[1].anchor = units[0].anchor
    pm.set_day(req.date)
    moved = [f for f in units if pm._unit_offsets_px[f.fid] != (0.0, 0.0)]
    assert len(moved) == 1
    _symbols_apart(pm, units)
    assert {p.key for p in pm.placements} >= {f.fid for f in units}


def test_curve_line_bows_left_and_keeps_ends():
    line = LineString([(0, 0), (10, 0)])
    c = curve_line(line)
    coords = np.asarray(c.coords)
    assert tuple(coords[0]) == (0, 0) and tuple(coords[-1]) == (10, 0)
    assert coords[:, 1].max() == pytest.approx(10 / 6, rel=0.02)  # left of travel, a sixth of the length
    three = curve_line(LineString([(0, 0), (5, 5), (10, 0)]))
    pts = np.asarray(three.coords)
    assert tuple(pts[0]) == (0, 0) and tuple(pts[-1]) == (10, 0)
    assert 0 < pts[:, 1].max() < 5  # a smooth curve under the control vertex
    # last tangent points down-right, so the arrowhead follows the curve
    dx, dy = pts[-1] - pts[-2]
    assert dx > 0 and dy < 0
