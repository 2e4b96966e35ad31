"""Tests of the base-data build helpers and of the built basemap and frontier layers.

The helpers are tested on tiny synthetic networks (no download). The built files are
checked as committed. Cross-checks against the independent reference tracings in
``../shared/reference/geometry`` run only where that folder exists (CI has it).
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, shape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import basedata as bd

BASEMAP = REPO / "geodata" / "basemap" / "basemap.geojson"
REFERENCE = REPO.parent / "shared" / "reference" / "geometry"
KM_PER_DEG_47N = 111.2 * 0.68  # rough km per degree for mixed lon/lat offsets near 47N


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def by_id(layer: str) -> dict[str, object]:
    fc = load(REPO / "geodata" / f"{layer}.geojson")
    return {f["properties"]["id"]: shape(f["geometry"]) for f in fc["features"]}


def src_point(key: str) -> Point:
    with open(REPO / "geodata" / "src" / "frontiers.toml", "rb") as fh:
        p = tomllib.load(fh)["points"][key]
    return Point(p["lon"], p["lat"])


def km_profile(line, ref, n: int = 100) -> np.ndarray:
    pts = [line.interpolate(t, normalized=True) for t in np.linspace(0, 1, n)]
    return np.array([p.distance(ref) * KM_PER_DEG_47N for p in pts])


# ----------------------------------------------------------------------------- helpers

def test_node_network_splits_main_stem_where_tributary_ends():
    main = LineString([(0, 0), (10, 0)])
    trib = LineString([(5, 5), (5, 0.005)])  # ends just short of the main stem
    pieces = bd.node_network([main, trib], snap_deg=0.01)
    assert len(pieces) == 3
    assert any(p.coords[-1] == (5.0, 0.0) for p in pieces)


def test_river_path_follows_tributary_then_main_stem_downstream():
    main = LineString([(0, 0), (10, 0)])
    trib = LineString([(5, 5), (5, 0)])
    net = bd.node_network([main, trib])
    path = bd.river_path(net, [(5, 5), (10, 0)])
    assert path.length == pytest.approx(10.0)  # 5 down the tributary, 5 along the stem
    assert path.distance(Point(0, 0)) > 4


def test_river_path_bridges_small_gap_and_lakes():
    a = LineString([(0, 0), (1, 0)])
    b = LineString([(1.02, 0), (2, 0)])  # 0.02 degree gap (e.g. a dam)
    path = bd.river_path([a, b], [(0, 0), (2, 0)], gap_deg=0.03)
    assert path.length == pytest.approx(1.98)
    c = LineString([(2.5, 0), (3, 0)])
    lake = Point(2.25, 0).buffer(0.3)
    path = bd.river_path([a, b, c], [(0, 0), (3, 0)], lakes=[lake])
    assert path.length == pytest.approx(2.48)


def test_round_geom_keeps_polygons_valid():
    poly = Point(0, 0).buffer(0.001)
    out = bd.round_geom(poly, 4)
    assert out.is_valid and not out.is_empty


# ----------------------------------------------------------------------------- basemap file

def test_basemap_contract():
    raw = BASEMAP.read_bytes()
    assert len(raw) <= 1_500_000
    fc = json.loads(raw)
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    kinds = {"land", "coastline", "lake", "river", "border", "province_border"}
    for f in fc["features"]:
        props = f["properties"]
        assert set(props) == {"kind", "name", "source"}
        assert props["kind"] in kinds
        assert props["source"] in {"naturalearth_10m", "gshhg_wdb2"}
        g = shape(f["geometry"])
        assert shapely.is_valid_reason(g) == "Valid Geometry", props
        x0, y0, x1, y1 = g.bounds
        assert 95 <= x0 and x1 <= 160 and 30 <= y0 and y1 <= 62, props
        coords = shapely.get_coordinates(g)
        assert np.allclose(coords, np.round(coords, 4)), props
    assert {f["properties"]["kind"] for f in fc["features"]} == kinds


def test_basemap_has_named_rivers_and_lakes():
    fc = load(BASEMAP)
    names = {(f["properties"]["kind"], f["properties"]["name"]) for f in fc["features"]}
    for river in ("Amur", "Argun", "Ussuri", "Songhua (Sungari)", "Tumen", "Shilka", "Zeya",
                  "Khalkhin Gol (Halha)"):
        assert ("river", river) in names
    for lake in ("Lake Baikal", "Lake Khanka", "Buir Nur", "Hulun Nur (Dalai Nur)"):
        assert ("lake", lake) in names


def test_khalkhin_gol_passes_its_checked_points():
    fc = load(BASEMAP)
    kg = next(shape(f["geometry"]) for f in fc["features"] if f["properties"]["name"] == "Khalkhin Gol (Halha)")
    for key, km in (("khalkhin_gol_source", 4), ("khalkhin_gol_battlefield", 5),
                    ("khalkhin_gol_buir_mouth", 7), ("khalkhin_gol_bifurcation", 3)):
        assert kg.distance(src_point(key)) * KM_PER_DEG_47N < km, key


# ----------------------------------------------------------------------------- frontier layers

def test_manchurian_sections_join_at_checked_points():
    f = by_id("manchurian_frontiers")
    assert Point(f["mf_mk_su_land_argun"].coords[0]).distance(src_point("tripoint_cn_mn_ru")) < 1e-4
    assert f["mf_mk_su_argun"].distance(src_point("amur_source")) * 111 < 1.5
    assert f["mf_mk_su_amur"].distance(src_point("ussuri_mouth")) * 111 < 15
    assert Point(f["mf_mk_su_khasan"].coords[-1]).distance(src_point("tripoint_cn_kp_ru")) < 1e-4
    assert Point(f["mf_su_kr_tumen"].coords[0]).distance(src_point("tripoint_cn_kp_ru")) < 1e-4
    assert Point(f["mf_su_kr_tumen"].coords[-1]).distance(src_point("tumen_mouth")) < 1e-4
    for a, b in (("land_argun", "argun"), ("argun", "amur"), ("amur", "ussuri"), ("ussuri", "sungacha_khanka"),
                 ("sungacha_khanka", "land_south_khanka"), ("land_south_khanka", "khasan")):
        end, start = Point(f[f"mf_mk_su_{a}"].coords[-1]), Point(f[f"mf_mk_su_{b}"].coords[0])
        assert end.distance(start) < 0.002, (a, b)


def test_manchukuo_polygons_cover_capital_and_exclude_kwantung():
    f = by_id("manchurian_frontiers")
    hsinking, dairen = src_point("hsinking"), Point(121.63917, 38.92083)
    for key in ("mf_manchukuo_1932", "mf_manchukuo_1933"):
        assert f[key].contains(hsinking)
        assert not f[key].contains(dairen)
    assert f["mf_kwantung"].contains(dairen)
    chengde = Point(117.93, 40.97)  # Rehe's capital: only in the 1933 extent
    assert f["mf_manchukuo_1933"].contains(chengde) and not f["mf_manchukuo_1932"].contains(chengde)


def test_nomonhan_claims():
    f = by_id("mongolian_frontiers")
    jp, mpr, strip = f["mn_claim_manchukuo_khalkhin_gol"], f["mn_claim_mpr_nomonhan"], f["mn_nomonhan_strip"]
    nomonhan = src_point("nomonhan")
    # the claim ran through Nomonhan Burd Obo (a boundary cairn): within the point's 3 km precision
    assert mpr.distance(nomonhan) * KM_PER_DEG_47N < 3
    gap = jp.distance(mpr.interpolate(mpr.project(nomonhan))) * KM_PER_DEG_47N
    assert 10 <= gap <= 22
    assert strip.is_valid and strip.area > 0
    assert jp.coords[0] == mpr.coords[0] and jp.coords[-1] == mpr.coords[-1]


# ----------------------------------------------------------------------------- reference cross-checks

needs_reference = pytest.mark.skipif(not REFERENCE.exists(), reason="../shared reference geometry not present")


@needs_reference
def test_japanese_claim_matches_independent_1940_japanese_tracing():
    """Konrad Lawson's tracing of a 1940 Japanese map puts the border on the Khalkhin Gol."""
    ref = shapely.union_all([shape(x["geometry"]) for x in
                             load(REFERENCE / "kmlawson_outer_mongolia_1940_CC0.geojson")["features"]]).boundary
    f = by_id("mongolian_frontiers")
    jp = km_profile(f["mn_claim_manchukuo_khalkhin_gol"], ref)
    assert np.median(jp) < 6 and jp.max() < 12
    mpr = km_profile(f["mn_claim_mpr_nomonhan"], ref)
    assert np.median(mpr) > 8  # the Mongolian claim is clearly not the Japanese one


@needs_reference
def test_soviet_frontier_close_to_independent_1930_tracing():
    """Coarse GPL tracing (stated faults: median 4.5 km, up to 15 km off the river line)."""
    feats = load(REFERENCE / "aourednik_world_1930_neasia_GPL3.geojson")["features"]
    geoms = {x["properties"]["NAME"]: shape(x["geometry"]) for x in feats}
    soviet = shapely.union_all([geoms["USSR"], geoms["Far Eastern SSR"]])
    ref = soviet.boundary.intersection(geoms["Manchuria"].buffer(0.05))
    f = by_id("manchurian_frontiers")
    for key in ("land_argun", "argun", "amur", "ussuri", "sungacha_khanka", "land_south_khanka"):
        d = km_profile(f[f"mf_cn_su_{key}"], ref)
        assert np.median(d) < 9 and d.max() < 20, key
