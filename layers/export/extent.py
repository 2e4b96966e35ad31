"""Map extents and the print projection.

An extent is a lon/lat box (:class:`Bounds`). It comes from explicit bounds, from a web
map view (centre and zoom, as the interactive map shows it) or from a campaign preset.
The print map draws it in a Lambert conformal conic projection centred on the box, with
standard parallels at one sixth and five sixths of its height (the usual rule for
mid-latitude regions; for the overview this gives about 41°N and 53°N), and widens the
projected box to the shape of the map frame so no part of the frame is left blank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pyproj import CRS, Transformer

from layers.export.errors import ExportError

__all__ = [
    "ATLAS_REGION",
    "DEFAULT_VIEWPORT",
    "Bounds",
    "Frame",
    "bounds_from_view",
    "clamp_bounds",
    "fit_frame",
    "lcc_crs",
    "parse_bounds",
    "view_for_bounds",
]

#: Size in CSS pixels of the web map a ``ViewState`` centre/zoom is read against.
DEFAULT_VIEWPORT = (1000, 640)
_MERC_MAX_LAT = 85.05112878


@dataclass(frozen=True)
class Bounds:
    """A lon/lat box in degrees (EPSG:4326).

    Parameters
    ----------
    south, west, north, east : float
    """

    south: float
    west: float
    north: float
    east: float

    def __post_init__(self) -> None:
        vals = (self.south, self.west, self.north, self.east)
        if not all(math.isfinite(v) for v in vals):
            raise ExportError("bounds must be finite numbers")
        if not (-90 <= self.south < self.north <= 90):
            raise ExportError(
                f"bounds: south ({self.south:g}) must be below north ({self.north:g}), both within ±90°"
            )
        if not (-180 <= self.west < self.east <= 360) or self.east - self.west > 180:
            raise ExportError(
                f"bounds: west ({self.west:g}) must be left of east ({self.east:g}), at most 180° apart"
            )

    @property
    def center(self) -> tuple[float, float]:
        """``(lat, lon)`` of the box centre."""
        return (self.south + self.north) / 2, (self.west + self.east) / 2

    def as_leaflet(self) -> list[list[float]]:
        """``[[south, west], [north, east]]`` (Leaflet / campaign preset order)."""
        return [[self.south, self.west], [self.north, self.east]]

    def outline(self, n: int = 64) -> np.ndarray:
        """Densified box outline, ``(4n, 2)`` array of lon, lat."""
        t = np.linspace(0.0, 1.0, n, endpoint=False)
        w, s, e, nn = self.west, self.south, self.east, self.north
        xs = np.concatenate([w + (e - w) * t, np.full(n, e), e - (e - w) * t, np.full(n, w)])
        ys = np.concatenate([np.full(n, s), s + (nn - s) * t, np.full(n, nn), nn - (nn - s) * t])
        return np.column_stack([xs, ys])


#: The atlas region (every feature lies in it, and the basemap covers it): print extents stay inside.
ATLAS_REGION = Bounds(30.0, 95.0, 62.0, 160.0)


def clamp_bounds(bounds: Bounds, region: Bounds = ATLAS_REGION) -> Bounds:
    """``bounds`` cut to ``region``.

    Raises
    ------
    ExportError
        When they do not overlap.
    """
    s, w = max(bounds.south, region.south), max(bounds.west, region.west)
    n, e = min(bounds.north, region.north), min(bounds.east, region.east)
    if not (s < n and w < e):
        raise ExportError(
            f"bounds {bounds.south:g},{bounds.west:g},{bounds.north:g},{bounds.east:g} lie outside the atlas region "
            f"{region.south:g}–{region.north:g}°N, {region.west:g}–{region.east:g}°E"
        )
    return Bounds(s, w, n, e)


def parse_bounds(text: str) -> Bounds:
    """Read ``"south,west,north,east"`` (degrees).

    Raises
    ------
    ExportError
        If there are not four numbers or they do not make a box.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise ExportError(f"bounds {text!r} must be four numbers: south,west,north,east")
    try:
        s, w, n, e = (float(p) for p in parts)
    except ValueError:
        raise ExportError(f"bounds {text!r} must be four numbers: south,west,north,east") from None
    return Bounds(s, w, n, e)


def _merc_y(lat: float) -> float:
    lat = max(-_MERC_MAX_LAT, min(_MERC_MAX_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _merc_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def bounds_from_view(
    center: tuple[float, float], zoom: float, viewport: tuple[int, int] = DEFAULT_VIEWPORT
) -> Bounds:
    """The box a web map (Web Mercator, 256-px tiles) shows at ``center`` and ``zoom``.

    Parameters
    ----------
    center : tuple of float
        ``(lat, lon)``.
    zoom : float
        Leaflet zoom level.
    viewport : tuple of int
        Map size in CSS pixels, ``(width, height)``.

    Returns
    -------
    Bounds
    """
    lat, lon = center
    world_px = 256.0 * 2.0**zoom
    half_w_deg = viewport[0] / 2 * 360.0 / world_px
    half_h_rad = viewport[1] / 2 * 2 * math.pi / world_px
    y = _merc_y(lat)
    south, north = _merc_lat(y - half_h_rad), _merc_lat(y + half_h_rad)
    half_w_deg = min(half_w_deg, 89.9)
    return Bounds(south, lon - half_w_deg, north, lon + half_w_deg)


def view_for_bounds(bounds: Bounds, viewport: tuple[int, int] = DEFAULT_VIEWPORT) -> tuple[tuple[float, float], int]:
    """Centre ``(lat, lon)`` and the largest whole zoom at which a web map shows all of ``bounds``."""
    lat_c = _merc_lat((_merc_y(bounds.south) + _merc_y(bounds.north)) / 2)
    lon_c = (bounds.west + bounds.east) / 2
    zx = math.log2(viewport[0] * 360.0 / (256.0 * (bounds.east - bounds.west)))
    zy = math.log2(viewport[1] * 2 * math.pi / (256.0 * (_merc_y(bounds.north) - _merc_y(bounds.south))))
    zoom = int(max(2, min(16, math.floor(min(zx, zy) + 1e-9))))
    return (lat_c, lon_c), zoom


def lcc_crs(bounds: Bounds) -> CRS:
    """Lambert conformal conic centred on ``bounds`` (WGS 84, metres).

    Standard parallels at 1/6 and 5/6 of the box height; origin at the box centre.
    """
    lat0, lon0 = bounds.center
    h = bounds.north - bounds.south
    lat1, lat2 = bounds.south + h / 6, bounds.north - h / 6
    return CRS.from_proj4(
        f"+proj=lcc +lat_1={lat1:.4f} +lat_2={lat2:.4f} +lat_0={lat0:.4f} +lon_0={lon0:.4f} "
        "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


@dataclass(frozen=True)
class Frame:
    """The map frame: projection and projected limits.

    Parameters
    ----------
    bounds : Bounds
        The box asked for (the frame holds all of it).
    crs : pyproj.CRS
        The print projection.
    xlim, ylim : tuple of float
        Projected limits of the frame (metres), widened to the frame's aspect ratio.
    """

    bounds: Bounds
    crs: CRS
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    @cached_property
    def forward(self) -> Transformer:
        """lon/lat → projected metres."""
        return Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)

    @cached_property
    def inverse(self) -> Transformer:
        """projected metres → lon/lat."""
        return Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

    @property
    def width_m(self) -> float:
        """Frame width in projected metres."""
        return self.xlim[1] - self.xlim[0]

    @property
    def height_m(self) -> float:
        """Frame height in projected metres."""
        return self.ylim[1] - self.ylim[0]

    def outline_lonlat(self, n: int = 48) -> np.ndarray:
        """The frame rectangle, densified, in lon/lat."""
        t = np.linspace(0.0, 1.0, n, endpoint=False)
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        xs = np.concatenate([x0 + (x1 - x0) * t, np.full(n, x1), x1 - (x1 - x0) * t, np.full(n, x0)])
        ys = np.concatenate([np.full(n, y0), y0 + (y1 - y0) * t, np.full(n, y1), y1 - (y1 - y0) * t])
        lon, lat = self.inverse.transform(xs, ys)
        lon0 = self.bounds.center[1]
        lon = (np.asarray(lon) - lon0 + 180.0) % 360.0 - 180.0 + lon0  # no jump at the antimeridian
        return np.column_stack([lon, lat])

    def lonlat_box(self, margin: float = 0.05) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` around the frame, widened by ``margin`` of its size."""
        pts = self.outline_lonlat()
        w, s = pts.min(axis=0)
        e, n = pts.max(axis=0)
        dx, dy = (e - w) * margin, (n - s) * margin
        return float(w - dx), float(s - dy), float(e + dx), float(n + dy)


def fit_frame(bounds: Bounds, aspect: float) -> Frame:
    """Project ``bounds`` and widen the projected box to ``aspect`` (width / height).

    Parameters
    ----------
    bounds : Bounds
    aspect : float
        Width over height of the map frame on the page.

    Returns
    -------
    Frame
    """
    crs = lcc_crs(bounds)
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    pts = bounds.outline()
    x, y = fwd.transform(pts[:, 0], pts[:, 1])
    x0, x1, y0, y1 = float(np.min(x)), float(np.max(x)), float(np.min(y)), float(np.max(y))
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return Frame(bounds, crs, (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2))
