"""Places of issue 9 that were named only in text and are now located (sources/audit_places2.csv).

Each point is checked against what the sources say about it, using references that are
independent of the point itself: the detail basemap's river (WDB-II) for the Holsten
confluence, the stated distances and directions from located places for Tamsag Bulag and
Kanchuur Miao, the Chinese Eastern Railway as drawn and GeoNames' Boketu for the Khingan
tunnel, and the units and battle features that the sources put at the confluence. Where the
research gazetteer in ../shared has a point for a reference place it is compared too (tests
only; nothing from ../shared ships).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, Point, shape

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"
GAZETTEER = REPO.parent / "shared" / "reference" / "research" / "gazetteer.csv"

NEW_PLACES = ("pl_tamsag_bulag", "pl_holsten_confluence", "pl_kanchuur_miao", "pl_khingan_tunnel")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (spherical Earth, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing in degrees from point 1 to point 2."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360


def features(layer: str) -> dict[str, dict]:
    data = json.loads((GEODATA / f"{layer}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in data["features"]}


PLACES = features("places")


def latlon(fid: str, layer: dict[str, dict] = PLACES) -> tuple[float, float]:
    lon, lat = layer[fid]["geometry"]["coordinates"][:2]
    return lat, lon


def precision_km(fid: str, layer: dict[str, dict] = PLACES) -> float:
    return float(layer[fid]["properties"]["location_precision_m"]) / 1000


def river_km(lat: float, lon: float) -> float:
    """Distance in km from a point to the detail basemap's Khalkhin Gol."""
    data = json.loads((GEODATA / "basemap" / "detail" / "khalkhin_gol.geojson").read_text(encoding="utf-8"))
    river = next(shape(f["geometry"]) for f in data["features"] if f["properties"]["name"] == "Khalkhin Gol (Halha)")
    near = river.interpolate(river.project(Point(lon, lat)))
    return km(lat, lon, near.y, near.x)


def china_mongolia_crossings(lat: float, lon: float) -> int:
    """How often the straight line from Choibalsan (Mongolia) to the point crosses the border."""
    data = json.loads((GEODATA / "basemap" / "basemap.geojson").read_text(encoding="utf-8"))
    border = next(shape(f["geometry"]) for f in data["features"] if f["properties"].get("name") == "China – Mongolia (modern)")
    c_lat, c_lon = latlon("pl_choibalsan")
    hit = LineString([(c_lon, c_lat), (lon, lat)]).intersection(border)
    return len(shapely.get_parts(hit)) if not hit.is_empty else 0


# ------------------------------------------------------------------ all four

@pytest.mark.parametrize("fid", NEW_PLACES)
def test_place_is_drawn_with_honest_precision(fid):
    p = PLACES[fid]["properties"]
    assert PLACES[fid]["geometry"]["type"] == "Point"
    assert p["certainty"] in {"estimated", "approximate"}, "none of these points is surveyed"
    assert p["location_precision_m"] >= 3000
    assert p["sources"], fid


@pytest.mark.parametrize("fid", NEW_PLACES)
def test_place_has_audit_rows(fid):
    with open(REPO / "sources" / "audit_places2.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["feature_id"] == fid]
    assert any(r["field"] == "geometry" for r in rows), f"{fid} has no geometry audit row"
    assert PLACES[fid]["properties"].get("sources_agree"), "the build should carry the audit"


# ------------------------------------------------------------------ Holsten confluence

def test_holsten_confluence_lies_on_the_khalkhin_gol():
    lat, lon = latlon("pl_holsten_confluence")
    assert river_km(lat, lon) <= precision_km("pl_holsten_confluence")
    # it is placed on the river itself, not merely within the precision
    assert river_km(lat, lon) < 0.5


def test_holsten_confluence_is_west_of_nomonhan():
    """The sources have the Holsten run (roughly) west from the Nomonhan area to the river."""
    lat, lon = latlon("pl_holsten_confluence")
    n_lat, n_lon = latlon("pl_nomonhan")
    assert 250 <= bearing(n_lat, n_lon, lat, lon) <= 290
    assert 8 <= km(n_lat, n_lon, lat, lon) <= 25


def test_bain_tsagan_is_north_of_the_confluence():
    """Bain Tsagan is on the west bank north of the Holsten confluence in every account read."""
    battles = features("khalkhin_gol_1939")
    lat, lon = latlon("pl_holsten_confluence")
    b_lat, b_lon = latlon("kg_bain_tsagan", battles)
    assert b_lat > lat
    assert km(lat, lon, b_lat, b_lon) <= precision_km("pl_holsten_confluence") + precision_km("kg_bain_tsagan", battles)


@pytest.mark.parametrize(("fid", "max_km"), [
    ("kgu_so_bykov_19390528", 1.0),   # at the bridge, on the east bank
    ("kgu_ja_azuma_19390528", 3.0),   # about 2 km short of the bridge (Drea)
])
def test_units_at_the_confluence_use_the_new_point(fid, max_km):
    units = features("khalkhin_gol_1939_units")
    lat, lon = latlon("pl_holsten_confluence")
    u_lat, u_lon = latlon(fid, units)
    assert km(lat, lon, u_lat, u_lon) <= max_km
    assert u_lon >= lon, "the sources put them on the east bank"


def test_azuma_battle_area_follows_the_confluence():
    battles = features("khalkhin_gol_1939")
    geom = shape(battles["kg_azuma_destroyed"]["geometry"])
    lat, lon = latlon("pl_holsten_confluence")
    c = geom.centroid
    assert km(lat, lon, c.y, c.x) <= 3.0


# ------------------------------------------------------------------ Tamsag Bulag

def test_tamsag_bulag_meets_both_stated_distances():
    lat, lon = latlon("pl_tamsag_bulag")
    prec = precision_km("pl_tamsag_bulag")
    c_lat, c_lon = latlon("pl_choibalsan")
    b_lat, b_lon = latlon("pl_khalkhin_gol_battlefield")
    assert abs(km(c_lat, c_lon, lat, lon) - 258) <= prec      # Mongolian tourist office
    assert abs(km(b_lat, b_lon, lat, lon) - 120) <= prec      # Vorotnikov
    assert 90 <= bearing(c_lat, c_lon, lat, lon) <= 180       # "south-east" of Choibalsan, loosely


def test_tamsag_bulag_is_in_mongolia():
    assert china_mongolia_crossings(*latlon("pl_tamsag_bulag")) % 2 == 0


def test_tamsag_bulag_reference_points_match_the_gazetteer():
    """The two reference places of the estimate agree with the research gazetteer."""
    if not GAZETTEER.exists():
        pytest.skip("../shared research gazetteer not present")
    with open(GAZETTEER, encoding="utf-8", newline="") as fh:
        gaz = {r["id"]: r for r in csv.DictReader(fh)}
    g = gaz["choibalsan"]
    assert km(float(g["lat"]), float(g["lon"]), *latlon("pl_choibalsan")) <= 3.0
    # the gazetteer still lists Tamsag Bulag without a coordinate: the estimate is ours
    assert not gaz["tamsag_bulag"]["lat"]


# ------------------------------------------------------------------ Kanchuur Miao

def test_kanchuur_miao_is_20_km_north_west_of_amgalang():
    lat, lon = latlon("pl_kanchuur_miao")
    a_lat, a_lon = 48.2153, 118.2653          # Amgalang, German Wikipedia (dewiki_amgulang)
    assert abs(km(a_lat, a_lon, lat, lon) - 20) <= 1.0
    assert 300 <= bearing(a_lat, a_lon, lat, lon) <= 330


def test_kanchuur_miao_precision_covers_the_other_coordinate():
    lat, lon = latlon("pl_kanchuur_miao")
    assert km(48 + 10 / 60, 118 + 10 / 60, lat, lon) <= precision_km("pl_kanchuur_miao")  # tianjiaozhilv_ganjur


def test_kanchuur_miao_is_inside_ganzhuur_sumu_and_china():
    lat, lon = latlon("pl_kanchuur_miao")
    assert 117 + 34 / 60 <= lon <= 118 + 29 / 60 and 48.0 <= lat <= 48 + 38 / 60   # hedaxin_ganzhuur_sumu
    assert china_mongolia_crossings(lat, lon) % 2 == 1


# ------------------------------------------------------------------ Khingan tunnel

def test_khingan_tunnel_is_west_of_boketu_in_the_mountains():
    lat, lon = latlon("pl_khingan_tunnel")
    b_lat, b_lon = 48.75723, 121.90991        # Boketu, GeoNames 8541935
    assert 8 <= km(b_lat, b_lon, lat, lon) <= 25
    assert 250 <= bearing(b_lat, b_lon, lat, lon) <= 310


def test_khingan_tunnel_lies_on_the_cer_as_drawn():
    """The railway layer draws the CER western line straight between towns (stated precision 20 km)."""
    rail = features("railways")["rw_cer_western_cer_company"]
    line = shape(rail["geometry"])
    lat, lon = latlon("pl_khingan_tunnel")
    near = line.interpolate(line.project(Point(lon, lat)))
    assert km(lat, lon, near.y, near.x) <= float(rail["properties"]["location_precision_m"]) / 1000
