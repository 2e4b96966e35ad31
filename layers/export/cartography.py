"""Map furniture: graticule with degree labels, scale bar and north arrow.

All functions draw with plain matplotlib artists so the output stays vector in SVG/PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle

from layers.export.extent import Frame
from layers.export.typeset import text_width_pt

__all__ = [
    "GRATICULE_STEPS",
    "GraticuleLine",
    "draw_graticule",
    "draw_north_arrow",
    "draw_scale_bar",
    "format_degrees",
    "graticule_lines",
    "graticule_step",
    "nice_distance",
]

#: Candidate graticule intervals, degrees.
GRATICULE_STEPS = (1 / 60, 2 / 60, 5 / 60, 10 / 60, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0)
_INK = "#333333"


def graticule_step(lon_span: float, lat_span: float, max_lon: int = 7, max_lat: int = 7) -> float:
    """Smallest interval from :data:`GRATICULE_STEPS` giving at most ``max_lon`` meridians
    and ``max_lat`` parallels."""
    for step in GRATICULE_STEPS:
        if lon_span / step <= max_lon and lat_span / step <= max_lat:
            return step
    return GRATICULE_STEPS[-1]


def format_degrees(value: float, axis: str, step: float) -> str:
    """``120°E``, ``47°30′N``; minutes are shown only when the step needs them."""
    if axis == "lon":
        value = (value + 180.0) % 360.0 - 180.0
        if abs(abs(value) - 180.0) < 1e-9:
            return "180°"
    hemi = ("E" if value >= 0 else "W") if axis == "lon" else ("N" if value >= 0 else "S")
    v = abs(value)
    if step >= 1 - 1e-9:
        return f"{round(v):d}°{hemi}"
    deg = math.floor(v + 1e-9)
    minutes = round((v - deg) * 60)
    if minutes == 60:
        deg, minutes = deg + 1, 0
    return f"{deg}°{minutes:02d}′{hemi}"


@dataclass(frozen=True)
class GraticuleLine:
    """One meridian or parallel, projected.

    Parameters
    ----------
    axis : {"lon", "lat"}
        ``lon`` for a meridian, ``lat`` for a parallel.
    value : float
        Its longitude or latitude.
    xy : numpy.ndarray
        ``(n, 2)`` projected vertices.
    label : str
    """

    axis: str
    value: float
    xy: np.ndarray
    label: str


def graticule_lines(frame: Frame, max_lon: int = 7, max_lat: int = 7) -> tuple[list[GraticuleLine], float]:
    """Meridians and parallels crossing the frame (at most about ``max_lon`` and ``max_lat``).

    Returns
    -------
    lines : list of GraticuleLine
    step : float
        The interval used, degrees.
    """
    w, s, e, n = frame.lonlat_box(margin=0.02)
    (x0, x1), (y0, y1) = frame.xlim, frame.ylim
    t = np.linspace(0.0, 1.0, 50)
    lon_bottom, _ = frame.inverse.transform(x0 + (x1 - x0) * t, np.full(50, y0))
    _, lat_left = frame.inverse.transform(np.full(50, x0), y0 + (y1 - y0) * t)
    step = graticule_step(float(np.ptp(lon_bottom)), float(np.ptp(lat_left)), max_lon, max_lat)
    out: list[GraticuleLine] = []
    lats = np.linspace(s, n, 120)
    lons = np.linspace(w, e, 240)
    for lon in np.arange(math.ceil(w / step - 1e-9) * step, e + 1e-9, step):
        x, y = frame.forward.transform(np.full_like(lats, lon), lats)
        out.append(GraticuleLine("lon", float(lon), np.column_stack([x, y]), format_degrees(lon, "lon", step)))
    for lat in np.arange(math.ceil(s / step - 1e-9) * step, n + 1e-9, step):
        x, y = frame.forward.transform(lons, np.full_like(lons, lat))
        out.append(GraticuleLine("lat", float(lat), np.column_stack([x, y]), format_degrees(lat, "lat", step)))
    return out, step


def _crossing(xy: np.ndarray, coord: int, value: float) -> float | None:
    """The other coordinate where a polyline crosses ``xy[:, coord] == value``."""
    a = xy[:, coord] - value
    idx = np.flatnonzero(np.sign(a[:-1]) * np.sign(a[1:]) <= 0)
    if len(idx) == 0:
        return None
    i = int(idx[0])
    t = a[i] / (a[i] - a[i + 1]) if a[i] != a[i + 1] else 0.0
    return float(xy[i, 1 - coord] + t * (xy[i + 1, 1 - coord] - xy[i, 1 - coord]))


def draw_graticule(ax: Axes, frame: Frame, *, fontsize: float, linewidth: float, zorder: float = 6) -> float:
    """Draw the graticule and label it outside the frame (meridians below, parallels left).

    A meridian that does not reach the bottom edge is labelled at the top; a parallel that
    does not reach the left edge, at the right.

    Returns
    -------
    float
        The graticule interval in degrees.
    """
    bb = ax.get_window_extent()
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ValueError("the graticule needs axes placed on a figure")
    dpi = fig.dpi
    w_pt, h_pt = bb.width / dpi * 72, bb.height / dpi * 72
    label_pt = text_width_pt("118°50′E", fontsize) * 1.7
    lines, step = graticule_lines(frame, max(2, min(8, int(w_pt / label_pt))), max(2, min(7, int(h_pt / label_pt))))
    (x0, x1), (y0, y1) = frame.xlim, frame.ylim
    style: dict[str, Any] = {"color": "#6d7f8e", "lw": linewidth, "alpha": 0.55, "zorder": zorder}
    text: dict[str, Any] = {"fontsize": fontsize, "color": _INK, "clip_on": False}
    cx, cy = (x1 - x0) * 0.035, (y1 - y0) * 0.035  # keep labels out of the corners
    for g in lines:
        ln = Line2D(g.xy[:, 0], g.xy[:, 1], transform=ax.transData, **style)
        ax.add_artist(ln)
        if g.axis == "lon":
            for yy, va, off in ((y0, "top", -2.5), (y1, "bottom", 2.5)):
                x = _crossing(g.xy, 1, yy)
                if x is not None and x0 + cx <= x <= x1 - cx:
                    ax.annotate(g.label, (x, yy), xytext=(0, off), textcoords="offset points",
                                ha="center", va=va, **text)
                    break
        else:
            for xx, ha, off in ((x0, "right", -2.5), (x1, "left", 2.5)):
                y = _crossing(g.xy, 0, xx)
                if y is not None and y0 + cy <= y <= y1 - cy:
                    ax.annotate(g.label, (xx, y), xytext=(off, 0), textcoords="offset points",
                                ha=ha, va="center", rotation=90, rotation_mode="anchor", **text)
                    break
    return step


def nice_distance(max_m: float) -> float:
    """Largest 1, 2 or 5 × 10ⁿ metres not above ``max_m``."""
    if max_m <= 0:
        return 1.0
    exp = math.floor(math.log10(max_m))
    for m in (5, 2, 1):
        d = m * 10**exp
        if d <= max_m:
            return float(d)
    return float(10**exp)


def _fmt_km(m: float) -> str:
    return f"{m / 1000:g}" if m >= 1000 else f"{m:g}"


def draw_scale_bar(
    ax: Axes, x: float, y: float, max_len: float, metres_per_unit: float, *, fontsize: float, height: float,
    lat: float,
) -> float:
    """Draw an alternating black/white scale bar in ``ax`` data units (inches).

    Parameters
    ----------
    ax : Axes
        An axes whose data units are inches on the page.
    x, y : float
        Lower-left corner of the bar.
    max_len : float
        Longest bar allowed, in axes units.
    metres_per_unit : float
        Ground metres per axes unit at the map centre.
    fontsize, height : float
    lat : float
        Latitude the scale is true at (printed under the bar).

    Returns
    -------
    float
        Bar length in axes units.
    """
    dist = nice_distance(max_len * metres_per_unit)
    length = dist / metres_per_unit
    nseg = 4 if str(int(dist / 10 ** math.floor(math.log10(dist))))[0] in "24" else 5
    seg = length / nseg
    for i in range(nseg):
        ax.add_patch(Rectangle((x + i * seg, y), seg, height, facecolor=_INK if i % 2 == 0 else "white",
                               edgecolor=_INK, lw=0.5, clip_on=False))
    unit = "km" if dist >= 1000 else "m"
    for pos, val in ((0, 0.0), (length / 2, dist / 2), (length, dist)):
        lab = _fmt_km(val) + (f" {unit}" if pos == length else "")
        ax.text(x + pos, y + height * 1.6, lab, fontsize=fontsize, ha="center", va="bottom", color=_INK)
    ax.text(x, y - height * 0.8, f"Scale true near {abs(lat):.1f}°{'N' if lat >= 0 else 'S'}",
            fontsize=fontsize * 0.85, ha="left", va="top", color="#555555")
    return length


def draw_north_arrow(ax: Axes, x: float, y: float, size: float, *, fontsize: float) -> None:
    """A north arrow (half-filled head and an ``N``) with its foot at ``(x, y)``."""
    w = size * 0.32
    ax.add_patch(MplPolygon([(x, y + size), (x - w, y), (x, y + size * 0.3)], closed=True,
                            facecolor=_INK, edgecolor=_INK, lw=0.6, clip_on=False))
    ax.add_patch(MplPolygon([(x, y + size), (x + w, y), (x, y + size * 0.3)], closed=True,
                            facecolor="white", edgecolor=_INK, lw=0.6, clip_on=False))
    ax.text(x, y + size * 1.08, "N", fontsize=fontsize, ha="center", va="bottom", fontweight="bold",
            color=_INK)
