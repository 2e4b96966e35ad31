"""The detail basemap of the battle sectors (``geodata/basemap/detail/``).

The bundled basemap is simplified to about 1 km; at 5-20 km map scales the battle sectors
need more. ``scripts/build_detail_basemap.py`` cuts full-resolution GSHHG land and lakes,
WDB-II rivers and Natural Earth borders to a few sector boxes (``sectors.toml``), one small
GeoJSON file each. The web map fetches a sector's file only when the view is zoomed in on
it (``layers/plugins/detail_basemap.js``); print exports use it when the frame is small
(:mod:`layers.export.basemap`).

The files hold no coastline: inside a box the shore is the land polygon's boundary where it
does not run along the box edge (:func:`shore_lines`, and the same rule in the browser).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from layers.catalog import REPO_ROOT

__all__ = [
    "DETAIL_DIR",
    "DETAIL_MAX_M_PER_PX",
    "DETAIL_STYLES",
    "MIN_ZOOM",
    "Sector",
    "detail_bundle",
    "detail_config",
    "merge_detail",
    "sectors",
    "shore_lines",
]

DETAIL_DIR = REPO_ROOT / "geodata" / "basemap" / "detail"
SECTORS_TOML = DETAIL_DIR / "sectors.toml"
#: The web map loads a sector's file from this zoom level on (about 1:1 000 000 and closer).
MIN_ZOOM = 9
#: Standalone pages inline the sectors their campaign view overlaps up to this many bytes in all.
INLINE_MAX_BYTES = 300_000

#: Styles per kind (Leaflet path options). Areas have no stroke: their edges along the box
#: would show; the shore is drawn as lines (``shore``) instead. Colours as the bundled basemap.
DETAIL_STYLES: dict[str, dict[str, Any]] = {
    "land": {"stroke": False, "fillColor": "#f3efe4", "fillOpacity": 1.0},
    "lake": {"stroke": False, "fillColor": "#cfe0ec", "fillOpacity": 1.0},
    "shore": {"color": "#7b9cb5", "weight": 0.9},
    "river": {"color": "#86add0", "weight": 1.2},
    # the rivers the battles were fought along (named: Khalkhin Gol, Tumen, Amur) stand out,
    # wide enough to show on both sides of a claim or frontier line drawn along them (at
    # Nomonhan the Japanese claim *is* the river, and its dashed edge used to hide it)
    "named_river": {"color": "#5f95c8", "weight": 4.0},
    "province_border": {"color": "#c9c2b2", "weight": 0.5, "dashArray": "2 3"},
    "border": {"color": "#a09a8c", "weight": 0.8, "dashArray": "4 3"},
}
_KINDS = list(DETAIL_STYLES)


@dataclass(frozen=True)
class Sector:
    """One detail sector.

    Parameters
    ----------
    id : str
    name : str
    bbox : tuple of float
        ``(west, south, east, north)`` in degrees.
    path : Path
        Its GeoJSON file (may be missing when not built).
    """

    id: str
    name: str
    bbox: tuple[float, float, float, float]
    path: Path


def sectors(path: Path = SECTORS_TOML) -> list[Sector]:
    """The sectors of ``sectors.toml`` whose file is built, sorted by id."""
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)
    out = []
    for sid in sorted(doc.get("sectors", {})):
        spec = doc["sectors"][sid]
        w, s, e, n = (float(v) for v in spec["bbox"])
        file = path.parent / f"{sid}.geojson"
        if file.exists():
            out.append(Sector(sid, str(spec.get("name", sid)), (w, s, e, n), file))
    return out


@lru_cache(maxsize=8)
def _bundle(path: str, mtime: float, sid: str, bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    feats = []
    for f in doc.get("features", []):
        props = f.get("properties") or {}
        kind = props.get("kind")
        if kind not in DETAIL_STYLES or not f.get("geometry"):
            continue
        style = "named_river" if kind == "river" and props.get("name") else kind
        feats.append({"g": f["geometry"], "y": _KINDS.index(style), "k": kind, "n": props.get("name")})
    return {"id": sid, "bbox": list(bbox), "styles": [DETAIL_STYLES[k] for k in _KINDS],
            "shore": _KINDS.index("shore"), "features": feats}


def detail_bundle(sector: Sector) -> dict[str, Any]:
    """A sector as a display bundle (``features`` with ``g``, ``y``, ``k``, ``n``; ``styles``; ``bbox``).

    ``shore`` is the style index the browser draws the land's shore lines with.
    """
    return _bundle(str(sector.path), sector.path.stat().st_mtime, sector.id, sector.bbox)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def sectors_in(box: tuple[float, float, float, float]) -> list[Sector]:
    """The built sectors overlapping ``box`` (``(west, south, east, north)``), sorted by id."""
    return [s for s in sectors() if _overlaps(s.bbox, box)]


def detail_config(
    *, urls: dict[str, str] | None = None, inline_bounds: tuple[float, float, float, float] | None = None
) -> dict[str, Any]:
    """The ``detail`` entry of the map page's config.

    Parameters
    ----------
    urls : dict of str to str, optional
        Bundle URL per sector id (the Streamlit component serves the bundles as files).
    inline_bounds : tuple of float, optional
        For a standalone page: embed the bundles of the sectors overlapping these
        ``(west, south, east, north)`` bounds, while they stay under
        :data:`INLINE_MAX_BYTES` in all; the other sectors are left out of the page.

    Returns
    -------
    dict
        ``{"min_zoom", "sectors": [{"id", "name", "bbox", "url" | "data"}]}``.
    """
    out: list[dict[str, Any]] = []
    budget = INLINE_MAX_BYTES
    for s in sectors():
        entry: dict[str, Any] = {"id": s.id, "name": s.name, "bbox": list(s.bbox)}
        if urls is not None:
            if s.id not in urls:
                continue
            entry["url"] = urls[s.id]
        else:
            if inline_bounds is None or not _overlaps(s.bbox, inline_bounds):
                continue
            size = s.path.stat().st_size
            if size > budget:
                continue
            budget -= size
            entry["data"] = detail_bundle(s)
        out.append(entry)
    return {"min_zoom": MIN_ZOOM, "sectors": out}


def shore_lines(land: BaseGeometry, bbox: tuple[float, float, float, float], eps: float = 1e-6) -> BaseGeometry:
    """The shore inside a sector: the land's boundary without the pieces along the box edge.

    Parameters
    ----------
    land : BaseGeometry
        The sector's land (Multi)Polygon.
    bbox : tuple of float
        The sector box.
    eps : float
        How close to the box edge (degrees) a segment counts as lying on it.

    Returns
    -------
    BaseGeometry
        A MultiLineString (empty when the land fills the box).
    """
    w, s, e, n = bbox
    edge = shapely.box(w, s, e, n).boundary.buffer(eps)
    return shapely.line_merge(shapely.difference(land.boundary, edge))


#: Print exports use the detail files when one output pixel is at most this many metres.
DETAIL_MAX_M_PER_PX = 250.0

_Items = list[tuple[BaseGeometry, str | None]]


@lru_cache(maxsize=8)
def _features(path: str, mtime: float) -> tuple[tuple[str, BaseGeometry, str | None], ...]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for f in doc.get("features", []):
        props = f.get("properties") or {}
        if f.get("geometry") and props.get("kind"):
            out.append((str(props["kind"]), shapely.from_geojson(json.dumps(f["geometry"])), props.get("name")))
    return tuple(out)


def merge_detail(
    kinds: dict[str, _Items], box: tuple[float, float, float, float]
) -> dict[str, _Items] | None:
    """The coarse basemap's geometries with the sectors overlapping ``box`` put in.

    Inside the sector boxes the coarse geometry is cut away and the sector's takes its
    place; land is dissolved across the box edges (no seam is stroked), the sector's shore
    becomes ``coastline``. Where sectors overlap, the first (by id) is used.

    Parameters
    ----------
    kinds : dict
        Kind -> list of (geometry, name) of the coarse basemap (lon/lat).
    box : tuple of float
        ``(west, south, east, north)`` of the print frame (with its margin).

    Returns
    -------
    dict or None
        The same shape as ``kinds``, clipped to ``box``; ``None`` when no sector overlaps.
    """
    secs = sectors_in(box)
    if not secs:
        return None
    region = shapely.union_all([shapely.box(*s.bbox) for s in secs])
    frame = shapely.box(*box)
    out: dict[str, _Items] = {}
    for kind, items in kinds.items():
        kept: _Items = []
        for g, name in items:
            cut = shapely.difference(shapely.clip_by_rect(g, *box), region)
            if not cut.is_empty:
                kept.append((cut, name))
        out[kind] = kept
    land: list[BaseGeometry] = [g for g, _ in out.get("land", [])]
    done: BaseGeometry = shapely.Polygon()
    for s in secs:
        own = shapely.intersection(shapely.box(*s.bbox).difference(done), frame)
        done = shapely.union(done, shapely.box(*s.bbox))
        if own.is_empty:
            continue
        for kind, geom, name in _features(str(s.path), s.path.stat().st_mtime):
            if kind == "land":
                land.append(shapely.intersection(geom, own))
                shore = shapely.intersection(shore_lines(geom, s.bbox), own)
                if not shore.is_empty:
                    out.setdefault("coastline", []).append((shore, None))
                continue
            part = shapely.intersection(geom, own)
            if not part.is_empty:
                out.setdefault(kind, []).append((part, name))
    merged = shapely.union_all([g for g in land if not g.is_empty])
    out["land"] = [(merged, None)] if not merged.is_empty else []
    return out
