"""The web map as rendered HTML: local assets only, data escaped, bundles compact."""

import json
import re

from shapely.geometry import LineString, Point

from layers.assets import VENDOR_DIR
from layers.bundle import arrowhead, layer_bundle, round_coords
from layers.plugins.time_sliced import safe_json
from layers.viewstate import ViewState
from layers.webmap import build_map, standalone_html, write_component_dir

CDN = re.compile(r"(cdn\.jsdelivr|cdnjs|code\.jquery|unpkg|netdna|bootstrapcdn|googleapis)")


def test_served_map_uses_only_vendored_assets(sample_atlas):
    html = build_map(sample_atlas, ViewState(layers=("sample_sites",))).get_root().render()
    assert not CDN.search(html)
    srcs = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert srcs and all(s.startswith("/app/static/vendor/") for s in srcs), srcs
    for s in srcs:
        assert (VENDOR_DIR / s.removeprefix("/app/static/vendor/")).exists()


def test_standalone_html_is_self_contained(sample_atlas):
    html = standalone_html(sample_atlas, ViewState(layers=("sample_sites",)))
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    assert "fefTimeSliced(" in html and "Leaflet" in html
    assert "images/layers.png" not in html  # inlined as data URI


def test_hostile_text_cannot_close_the_script(sample_atlas):
    html = standalone_html(sample_atlas, ViewState(layers=("sample_sites",)))
    assert "<script>alert(1)</script>" not in html
    assert safe_json({"x": "</script><!--"}).count("<") == 0


def test_bundle_has_days_styles_and_escaped_popups(sample_atlas):
    b = layer_bundle(sample_atlas, sample_atlas.layers["sample_sites"])
    f = {x["i"]: x for x in b["features"]}
    assert f["ts_vladivostok"]["e"] is None and f["ts_advance"]["s"] < 0
    assert f["ts_advance"]["g"]["type"] == "GeometryCollection"  # line + arrowhead
    assert "&lt;script&gt;" in f["ts_zone"]["p"]
    assert b["styles"][f["ts_advance"]["y"]]["color"] == "#c0392b"
    assert b["styles"][f["ts_zone"]["y"]]["color"] == "#1f3a93"


def test_arrowhead_points_along_last_segment():
    head = arrowhead(LineString([(118.0, 47.0), (119.0, 47.0)]))
    assert head.is_valid and head.exterior.coords[0] == (119.0, 47.0)
    assert head.centroid.x < 119.0 and abs(head.centroid.y - 47.0) < 1e-9
    assert head.contains(Point(118.95, 47.0)) or head.buffer(1e-9).contains(Point(118.95, 47.0))


def test_round_coords_five_decimals():
    assert round_coords({"coordinates": [[118.123456789, 47.987654321]]}) == {"coordinates": [[118.12346, 47.98765]]}


def test_component_dir_is_content_addressed(sample_atlas, tmp_path):
    a = write_component_dir(sample_atlas, tmp_path)
    b = write_component_dir(sample_atlas, tmp_path)
    assert a == b and (a / "index.html").exists() and (a / "layers" / "sample_sites.json").exists()
    page = (a / "index.html").read_text()
    assert '"streamlit":true' in page and "../../app/static/vendor/leaflet/leaflet.js" in page
    assert json.loads((a / "layers" / "sample_sites.json").read_text())["id"] == "sample_sites"


def test_basemap_bundle_has_kinds_and_coverage():
    from layers.bundle import basemap_bundle

    b = basemap_bundle()
    kinds = {f["k"] for f in b["features"]}
    assert {"land", "coastline", "lake", "river", "border"} <= kinds
    assert b["bbox"] == [95.0, 30.0, 160.0, 62.0]
    names = {f.get("n") for f in b["features"]}
    assert {"Amur", "Argun", "Ussuri", "Tumen", "Shilka", "Zeya", "Khalkhin Gol (Halha)", "Lake Baikal", "Lake Khanka", "Buir Nur"} <= names


def test_layers_library_never_imports_streamlit():
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, layers\n"
        "for m in pkgutil.walk_packages(layers.__path__, 'layers.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')]\n"
        "print(len(bad)); sys.exit(1 if bad else 0)\n"
    )
    from testpaths import REPO

    res = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr


def test_old_component_folders_are_pruned(sample_atlas, tmp_path):
    import os
    import time

    old = tmp_path / "0123456789ab"
    old.mkdir()
    past = time.time() - 30 * 86400
    os.utime(old, (past, past))
    recent = tmp_path / "ba9876543210"
    recent.mkdir()
    out = write_component_dir(sample_atlas, tmp_path)
    assert out.exists() and recent.exists() and not old.exists()
