"""Page layout of the print map: where the map frame, title, legend and credits go.

Landscape pages put the title, date, legend, scale bar and north arrow in a panel to the
right of the map; portrait pages put the title above the map and the legend below it.
Nothing is drawn over the map except its own labels, so the legend never hides a feature.
All boxes are in inches from the lower-left corner of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Box", "Layout", "make_layout", "type_scale"]


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, inches: lower-left ``(x, y)``, ``w``, ``h``."""

    x: float
    y: float
    w: float
    h: float

    def fraction(self, page_w: float, page_h: float) -> tuple[float, float, float, float]:
        """``(left, bottom, width, height)`` as fractions of the page (for ``add_axes``)."""
        return self.x / page_w, self.y / page_h, self.w / page_w, self.h / page_h

    @property
    def top(self) -> float:
        """Upper edge."""
        return self.y + self.h


@dataclass(frozen=True)
class Layout:
    """Boxes of the page elements.

    Parameters
    ----------
    width, height : float
        Page size, inches.
    k : float
        Type scale: multiply point sizes by it.
    portrait : bool
    map : Box
        The map frame.
    header : Box
        Title, date (and the animation's progress bar).
    legend : Box
    furniture : Box
        Scale bar and north arrow.
    credits : Box
        Sources and licences line(s), under the map.
    """

    width: float
    height: float
    k: float
    portrait: bool
    map: Box
    header: Box
    legend: Box
    furniture: Box
    credits: Box


def type_scale(width_in: float, height_in: float) -> float:
    """Point-size multiplier: 1 near an A4/16:10 screen page, larger on big paper."""
    short = min(width_in, height_in)
    return max(0.8, min(1.35, (short / 7.0) ** 0.5))


def make_layout(width_in: float, height_in: float, *, header_h: float, credits_h: float) -> Layout:
    """Lay out a page.

    Parameters
    ----------
    width_in, height_in : float
        Page size.
    header_h : float
        Height the title block needs (inches, at this page's type scale).
    credits_h : float
        Height the credits need.

    Returns
    -------
    Layout
    """
    k = type_scale(width_in, height_in)
    m = 0.16 * k
    gut_left, gut_bottom, gut_top = 0.30 * k, 0.20 * k, 0.20 * k
    furn_h = 0.62 * k
    portrait = width_in / height_in < 1.15
    credits = Box(m, m, width_in - 2 * m, credits_h)
    if not portrait:
        panel_w = max(2.2 * k, min(3.4 * k, 0.25 * width_in))
        px = width_in - m - panel_w
        map_box = Box(m + gut_left, m + credits_h + gut_bottom,
                      px - 0.22 * k - (m + gut_left), height_in - m - gut_top - (m + credits_h + gut_bottom))
        header = Box(px, height_in - m - header_h, panel_w, header_h)
        furniture = Box(px, map_box.y, panel_w, furn_h)
        legend = Box(px, furniture.top + 0.12 * k, panel_w, header.y - 0.12 * k - (furniture.top + 0.12 * k))
        credits = Box(map_box.x, m, width_in - m - map_box.x, credits_h)
    else:
        header = Box(m, height_in - m - header_h, width_in - 2 * m, header_h)
        band_h = max(1.3 * k, 0.2 * height_in)
        band_y = m + credits_h + 0.1 * k
        legend = Box(m, band_y, (width_in - 2 * m) * 0.7, band_h)
        furniture = Box(m + legend.w + 0.1 * k, band_y, width_in - 2 * m - legend.w - 0.1 * k, furn_h)
        map_y = band_y + band_h + gut_bottom + 0.05 * k
        map_box = Box(m + gut_left, map_y, width_in - 2 * m - gut_left - 0.12 * k,
                      header.y - gut_top - map_y)
    map_box = Box(map_box.x, map_box.y, max(0.5, map_box.w), max(0.5, map_box.h))
    legend = Box(legend.x, legend.y, max(0.3, legend.w), max(0.2, legend.h))
    return Layout(width_in, height_in, k, portrait, map_box, header, legend, furniture, credits)
