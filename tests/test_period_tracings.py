"""Territories drawn from Konrad Lawson's CC0 tracings of period sheets (Kwantung 1935, Tuva 1940), as built."""

from __future__ import annotations

import json
import tomllib

import shapely
from shapely.geometry import Point, shape
from testpaths import REPO

TRACINGS = tomllib.loads((REPO / "geodata" / "src" / "frontier_tracings.toml").read_text(encoding="utf-8"))


def feature(lid: str, fid: str) -> tuple[dict, shapely.Geometry]:
    fc = json.loads((REPO / "geodata" / f"{lid}.geojson").read_text(encoding="utf-8"))
    f = next(f for f in fc["features"] if f["properties"]["id"] == fid)
    return f["properties"], shape(f["geometry"])


def test_kwantung_land_limit_is_the_traced_1935_line():
    props, g = feature("manchurian_frontiers", "mf_kwantung")
    line = shapely.LineString(TRACINGS["kwantung_north"]["coords"])
    # every traced vertex that falls on the drawn land lies on the drawn outline (simplified to ~1 km)
    on_land = [Point(c) for c in line.coords if g.buffer(0.001).contains(Point(c))]
    assert len(on_land) >= 12
    assert max(g.boundary.distance(p) for p in on_land) * 111 < 1.2
    assert abs(g.bounds[3] - 39.556) < 0.01  # the sheet's northernmost reach, near 122.06E
    assert g.contains(Point(121.25694, 38.85083)) and g.contains(Point(121.63917, 38.92083))  # Port Arthur, Dairen
    assert not g.contains(Point(121.99, 39.63))  # Wafangdian, a railway town of Manchukuo north of the lease
    assert props["location_precision_m"] == 5000 and "kmlawson_kwantung_1935" in props["sources"]
    # Manchukuo ends where the lease begins
    _, mk = feature("manchurian_frontiers", "mf_manchukuo_1933")
    assert mk.intersection(g).area < 0.002


def test_tuva_outline_is_the_traced_1940_ring_east_of_95e():
    props, g = feature("territories", "tr_tuva_tpr")
    ring = shapely.Polygon(TRACINGS["tuva"]["coords"])
    east = shapely.clip_by_rect(ring, 95.0, 30.0, 160.0, 62.0)
    assert g.symmetric_difference(east).area / east.area < 0.02
    assert "kmlawson_tuva_1940" in props["sources"] and props["certainty"] == "approximate"
