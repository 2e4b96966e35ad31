"""The bundled vector basemap, clipped and projected for a print frame.

Reads the same file and per-kind styles as the web map (:func:`layers.bundle.basemap_bundle`)
once per file version, then clips each kind to the frame (in lon/lat, with a margin),
projects and simplifies it to the output resolution. Small extents take the battle
sectors' detail basemap in (:func:`layers.detail_basemap.merge_detail`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from matplotlib.path import Path as MplPath

from layers.bundle import BASEMAP_PATH, basemap_bundle
from layers.detail_basemap import DETAIL_MAX_M_PER_PX, merge_detail, sectors_in
from layers.export.extent import Frame
from layers.export.paths import line_path, polygon_path, project

__all__ = ["DRAW_ORDER", "SEA_COLOUR", "BaseLayer", "basemap_layers", "detail_files", "load_basemap"]

#: Sea / background colour, as behind the web map's offline basemap.
SEA_COLOUR = "#cfe0ec"
DRAW_ORDER = ("land", "lake", "province_border", "border", "river", "coastline")
_AREAS = {"land", "lake"}


@dataclass(frozen=True)
class BaseLayer:
    """One basemap kind, ready to draw.

    Parameters
    ----------
    kind : str
    path : matplotlib.path.Path
        Projected, clipped, simplified.
    style : dict
        Leaflet style of the web map (``color``, ``weight``, ``fillColor``...).
    names : tuple of (str, matplotlib.path.Path)
        Named lines (rivers) with their own paths, for labels.
    minor : matplotlib.path.Path or None
        The unnamed lines of the kind (the minor river network).
    """

    kind: str
    path: MplPath
    style: dict[str, Any]
    names: tuple[tuple[str, MplPath], ...] = ()
    minor: MplPath | None = None


@lru_cache(maxsize=2)
def _load(path: str, mtime: float) -> dict[str, Any]:
    bundle = basemap_bundle(Path(path))
    kinds: dict[str, list[tuple[shapely.Geometry, str | None]]] = {}
    styles: dict[str, dict[str, Any]] = {}
    for f in bundle["features"]:
        geom = shapely.from_geojson(json.dumps(f["g"]))
        kinds.setdefault(f["k"], []).append((geom, f.get("n")))
        styles[f["k"]] = bundle["styles"][f["y"]]
    return {"kinds": kinds, "styles": styles}


def load_basemap(path: Path = BASEMAP_PATH) -> dict[str, Any] | None:
    """Geometries and styles per kind, or ``None`` when the file is absent."""
    if not path.exists():
        return None
    return _load(str(path), path.stat().st_mtime)


def detail_files(frame: Frame, metres_per_px: float, path: Path = BASEMAP_PATH) -> tuple[Path, ...]:
    """The detail basemap files :func:`basemap_layers` draws for ``frame`` (their data is credited too).

    The battle sectors' full-resolution files are drawn when the map is at most
    ``DETAIL_MAX_M_PER_PX`` metres per pixel, the base map is the project's own, and a sector
    overlaps the frame.
    """
    if metres_per_px > DETAIL_MAX_M_PER_PX or path != BASEMAP_PATH:
        return ()
    return tuple(s.path for s in sectors_in(frame.lonlat_box(margin=0.08)))


def basemap_layers(frame: Frame, metres_per_px: float, path: Path = BASEMAP_PATH) -> list[BaseLayer] | None:
    """The basemap for ``frame``, in draw order; ``None`` when the file is absent.

    Parameters
    ----------
    frame : Frame
    metres_per_px : float
        Output resolution; geometry is simplified to about half a pixel.
    path : Path
    """
    data = load_basemap(path)
    if data is None:
        return None
    box = frame.lonlat_box(margin=0.08)
    tol = metres_per_px * 0.5
    kinds = data["kinds"]
    if detail_files(frame, metres_per_px, path):
        # a small extent: the battle sectors' full-resolution shore, lakes and rivers
        kinds = merge_detail(kinds, box) or kinds
    out: list[BaseLayer] = []
    for kind in DRAW_ORDER:
        items = kinds.get(kind)
        if not items:
            continue
        geoms = np.array([g for g, _ in items], dtype=object)
        clipped = shapely.clip_by_rect(geoms, *box)
        keep = ~shapely.is_empty(clipped)
        if not keep.any():
            continue
        projected = [shapely.simplify(project(g, frame.forward), tol, preserve_topology=kind in _AREAS)
                     for g in clipped[keep]]
        merged = shapely.GeometryCollection(projected)
        mpath = polygon_path(merged) if kind in _AREAS else line_path(merged)
        if mpath is None:
            continue
        names = tuple(
            (str(n), p) for (g, n), pg in zip([it for it, k in zip(items, keep) if k], projected)
            if n and kind == "river" and (p := line_path(pg)) is not None
        )
        kept = [it for it, k in zip(items, keep) if k]
        unnamed = [pg for (_, n), pg in zip(kept, projected) if not n]
        minor = line_path(shapely.GeometryCollection(unnamed)) if unnamed and kind == "river" else None
        out.append(BaseLayer(kind, mpath, data["styles"][kind], names, minor))
    return out
