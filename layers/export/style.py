"""Leaflet path options (the web map's styles) as matplotlib properties.

Leaflet sizes are CSS pixels (1/96 inch); matplotlib's are points (1/72 inch). A weight
of 2 px is therefore 1.5 pt, times the page's type scale.
"""

from __future__ import annotations

from typing import Any

from layers.schema import Style

__all__ = ["PX_TO_PT", "dashes", "line_kwargs", "line_width", "marker_size", "patch_kwargs", "rgba"]

PX_TO_PT = 0.75


def rgba(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """``#rrggbb`` and an opacity as an RGBA tuple."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b, float(alpha)


def line_width(weight_px: float, k: float = 1.0) -> float:
    """Line width in points of a Leaflet ``weight``."""
    return max(0.25, weight_px * PX_TO_PT * k)


def dashes(dash_array: str | None, lw: float) -> Any:
    """Matplotlib line style of a Leaflet ``dashArray`` (``"6 4"``, pixels).

    Matplotlib scales dash patterns by the line width, so the pattern is divided by it.
    """
    if not dash_array:
        return "solid"
    try:
        vals = [float(v) for v in dash_array.replace(",", " ").split()]
    except ValueError:
        return "solid"
    vals = [v for v in vals if v > 0]
    if not vals:
        return "solid"
    if len(vals) % 2:
        vals = vals * 2
    return (0, tuple(v * PX_TO_PT / max(lw, 0.25) for v in vals))


def marker_size(radius_px: float, k: float = 1.0) -> float:
    """Marker size (diameter, points) of a Leaflet circle marker's ``radius``."""
    return 2 * radius_px * PX_TO_PT * k


def patch_kwargs(style: Style, k: float, *, fill: bool = True, movement: bool = False) -> dict[str, Any]:
    """PathPatch properties for an area (or, with ``fill=False``, a line)."""
    lw = line_width(style.weight, k)
    face: tuple[float, float, float, float] | str
    if movement:
        face = rgba(style.color, 0.9)
    elif fill:
        face = rgba(style.fill_color or style.color, style.fill_opacity)
    else:
        face = "none"
    return {
        "facecolor": face,
        "edgecolor": rgba(style.color, style.opacity),
        "linewidth": lw * 0.5 if movement else lw,
        "linestyle": dashes(style.dash_array, lw),
        "joinstyle": "round",
        "capstyle": "round",
    }


def line_kwargs(style: Style, k: float) -> dict[str, Any]:
    """PathPatch properties for a line (no fill)."""
    return patch_kwargs(style, k, fill=False)
