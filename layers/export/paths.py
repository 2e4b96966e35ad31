"""Shapely geometries to projected matplotlib paths.

Vectorised: coordinates of many rings or lines are projected in one call and turned into
one compound :class:`matplotlib.path.Path` per geometry (holes included, so polygons with
holes fill correctly with the even-odd/non-zero rule of Agg, SVG and PDF).
"""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib.path import Path
from pyproj import Transformer

__all__ = ["clip_lonlat", "flat_parts", "line_path", "polygon_path", "project", "to_path"]


def project(geom: shapely.Geometry, fwd: Transformer) -> shapely.Geometry:
    """Project a lon/lat geometry with ``fwd`` (an ``always_xy`` transformer)."""

    def _tx(xy: np.ndarray) -> np.ndarray:
        x, y = fwd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _tx)


def _parts_path(parts: np.ndarray, *, closed: bool) -> Path | None:
    """One path from an array of lines or rings: a MOVETO at each part's start, and a
    CLOSEPOLY at each part's end when ``closed``."""
    if len(parts) == 0:
        return None
    coords, idx = shapely.get_coordinates(parts, return_index=True)
    if len(coords) == 0:
        return None
    codes = np.full(len(coords), Path.LINETO, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(np.diff(idx)) + 1]
    codes[starts] = Path.MOVETO
    if closed:
        codes[np.r_[starts[1:] - 1, len(coords) - 1]] = Path.CLOSEPOLY
    return Path(coords, codes)


def flat_parts(geom: shapely.Geometry) -> np.ndarray:
    """Single-part geometries (points, lines, rings, polygons) of any geometry."""
    parts = shapely.get_parts(np.asarray([geom], dtype=object))
    while len(parts) and np.isin(shapely.get_type_id(parts), (4, 5, 6, 7)).any():
        parts = shapely.get_parts(parts)
    return parts


def polygon_path(geom: shapely.Geometry) -> Path | None:
    """Path of the polygonal parts of ``geom`` (exteriors and holes)."""
    parts = flat_parts(geom)
    polys = parts[shapely.get_type_id(parts) == 3]
    if len(polys) == 0:
        return None
    return _parts_path(shapely.get_rings(polys), closed=True)


def line_path(geom: shapely.Geometry) -> Path | None:
    """Path of the lineal parts of ``geom`` (a separate MOVETO for each line)."""
    parts = flat_parts(geom)
    return _parts_path(parts[np.isin(shapely.get_type_id(parts), (1, 2))], closed=False)


def to_path(geom: shapely.Geometry) -> tuple[Path | None, Path | None, np.ndarray]:
    """Split any geometry into ``(area path, line path, point coordinates)``.

    GeometryCollections (a movement line plus its arrowhead) are split by part type.
    """
    parts = flat_parts(geom)
    types = shapely.get_type_id(parts)
    polys, lines, pts = parts[types == 3], parts[np.isin(types, (1, 2))], parts[types == 0]
    area = _parts_path(shapely.get_rings(polys), closed=True) if len(polys) else None
    line = line_path(shapely.MultiLineString(list(lines))) if len(lines) else None
    points = shapely.get_coordinates(pts) if len(pts) else np.empty((0, 2))
    return area, line, points


def clip_lonlat(geom: shapely.Geometry, box: tuple[float, float, float, float]) -> shapely.Geometry:
    """Clip a lon/lat geometry to a ``(west, south, east, north)`` box (fast rectangle clip)."""
    return shapely.clip_by_rect(geom, *box)
