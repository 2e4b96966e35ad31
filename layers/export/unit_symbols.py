"""APP-6 unit symbols for the print maps, drawn with matplotlib from the unit's SIDC.

The same code the web map hands to milsymbol (:func:`layers.symbols.sidc`) is read back
(:func:`layers.symbols.parse_sidc`) and drawn as vector paths:

- the frame by standard identity and dimension: friend = rectangle (sea: circle),
  hostile = diamond, neutral = square; filled with the side's pale tint
  (:data:`layers.symbols.SIDE_FILL`), outlined dark;
- the echelon mark above the frame (dots, bars, ``X``\\ s, ``++`` for a command);
- the icon inside: infantry cross, armour ellipse, cavalry/reconnaissance diagonal,
  artillery dot, mechanised cross and ellipse, motorised cross and vertical line, anti-tank
  inverted V, air propeller, naval anchor, engineer bridge, supply bar, airborne wings under
  the cross, ``SEC`` for border guards and security troops; headquarters get the staff
  (a line down from the frame's lower left corner).

Symbols are sized in inches on the page (:func:`symbol_artists`), so they keep their size on the page
whatever the map scale and the output resolution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy as np
from matplotlib.artist import Artist
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, ScaledTranslation, Transform

from layers.export.fonts import font_families
from layers.symbols import ParsedSidc, parse_sidc

__all__ = ["INK", "SymbolGeometry", "symbol_artists", "symbol_extent", "symbol_geometry"]

#: Frame and icon colour.
INK = "#1a1a1a"
_MOVE, _LINE = Path.MOVETO, Path.LINETO


@dataclass(frozen=True)
class SymbolGeometry:
    """A symbol as paths in symbol units (frame height of a friend ground unit = 1).

    Parameters
    ----------
    frame : Path
        Closed outline (filled).
    strokes : Path
        Icon and echelon lines (stroked, not filled).
    solids : Path
        Filled icon parts (artillery dot, propeller, text, echelon dots).
    extent : tuple of float
        ``(x0, y0, x1, y1)`` of everything drawn.
    """

    frame: Path
    strokes: Path
    solids: Path
    extent: tuple[float, float, float, float]


def _poly(points: list[tuple[float, float]], closed: bool = False) -> Path:
    verts = list(points) + ([points[0]] if closed else [])
    codes = [_MOVE] + [_LINE] * (len(verts) - 1)
    if closed:
        codes[-1] = Path.CLOSEPOLY
    return Path(verts, codes)


def _n(path: Path) -> int:
    return int(np.asarray(path.vertices).shape[0])


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 48) -> Path:
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return _poly([(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in t], closed=True)


def _join(paths: list[Path]) -> Path:
    paths = [p for p in paths if _n(p)]
    if not paths:
        return Path(np.empty((0, 2)))
    return Path.make_compound_path(*paths)


def _frame(identity: str, dimension: str) -> tuple[Path, tuple[float, float, float, float], tuple[float, float]]:
    """Outline, its box and the half-size of the box icons are drawn in."""
    if identity == "H":
        r = 0.72
        return _poly([(0, r), (r, 0), (0, -r), (-r, 0)], closed=True), (-r, -r, r, r), (0.36, 0.36)
    if identity == "N":
        h = 0.55
        return _poly([(-h, -h), (h, -h), (h, h), (-h, h)], closed=True), (-h, -h, h, h), (h, h)
    if dimension == "S":
        r = 0.6
        return _ellipse(0, 0, r, r, 64), (-r, -r, r, r), (0.42, 0.42)
    w, h = 0.75, 0.5
    return _poly([(-w, -h), (w, -h), (w, h), (-w, h)], closed=True), (-w, -h, w, h), (w, h)


@lru_cache(maxsize=8)
def _sec_text() -> Path:
    tp = TextPath((0, 0), "SEC", size=1.0, prop=FontProperties(family=font_families(), weight="bold"))
    v = tp.vertices
    x0, y0 = v.min(axis=0)
    x1, y1 = v.max(axis=0)
    return Path((v - [(x0 + x1) / 2, (y0 + y1) / 2]) / max(x1 - x0, 1e-9), tp.codes)


def _anchor(s: float) -> tuple[list[Path], list[Path]]:
    """An anchor of height ``2 s`` centred on the origin: (strokes, solids)."""
    shaft = _poly([(0, 0.75 * s), (0, -0.85 * s)])
    bar = _poly([(-0.4 * s, 0.45 * s), (0.4 * s, 0.45 * s)])
    t = np.linspace(math.pi * 1.05, math.pi * 1.95, 24)
    arc = _poly([(0.65 * s * math.cos(a), -0.2 * s + 0.65 * s * math.sin(a)) for a in t])
    ring = _ellipse(0, 0.88 * s, 0.13 * s, 0.13 * s, 24)
    return [shaft, bar, arc, ring], []


def _icon(unit_type: str, bw: float, bh: float, identity: str) -> tuple[list[Path], list[Path]]:
    """Strokes and solids of the icon, in a box of half-size ``bw`` × ``bh``."""
    cross = [_poly([(-bw, -bh), (bw, bh)]), _poly([(-bw, bh), (bw, -bh)])]
    diag = [_poly([(-bw, -bh), (bw, bh)])]
    ell = [_ellipse(0, 0, 0.6 * bw, 0.5 * bh)]
    m = min(bw, bh)
    if unit_type == "infantry":
        return cross, []
    if unit_type in ("cavalry", "reconnaissance"):
        return diag, []
    if unit_type == "armour":
        return ell, []
    if unit_type == "mechanised":
        return cross + ell, []
    if unit_type == "motorised_infantry":
        return [*cross, _poly([(0, -bh), (0, bh)])], []
    if unit_type == "artillery":
        return [], [_ellipse(0, 0, 0.22 * m, 0.22 * m, 32)]
    if unit_type == "anti_tank":
        return [_poly([(-bw, -bh), (0, bh), (bw, -bh)])], []
    if unit_type == "air":
        lobe = 0.42 * bw
        return [], [_ellipse(-lobe, 0, lobe, 0.16 * bh + 0.04, 32), _ellipse(lobe, 0, lobe, 0.16 * bh + 0.04, 32)]
    if unit_type == "naval":
        return _anchor(0.55 * m)
    if unit_type == "naval_infantry":
        strokes, solids = _anchor(0.32 * m)
        return cross + strokes, solids
    if unit_type == "engineer":
        w, h = 0.55 * bw, 0.36 * bh
        return [_poly([(-w, -h), (-w, h), (w, h), (w, -h)]), _poly([(0, h), (0, -0.6 * h)])], []
    if unit_type == "airborne":
        t = np.linspace(math.pi, 0, 16)
        r = 0.18 * bw
        wing = [_poly([(-r + r * math.cos(a), -0.78 * bh + 0.8 * r * math.sin(a)) for a in t]),
                _poly([(r + r * math.cos(a), -0.78 * bh + 0.8 * r * math.sin(a)) for a in t])]
        return cross + wing, []
    if unit_type == "supply":
        return [_poly([(-bw, -0.4 * bh), (bw, -0.4 * bh)])], []
    if unit_type == "border_guard":
        text = _sec_text()
        k = 1.2 * bw
        return [], [Path(np.asarray(text.vertices) * k, text.codes)]
    return [], []  # headquarters: the staff only


def _echelon(mark: str, top: float) -> tuple[list[Path], list[Path]]:
    """The echelon mark centred above ``top``."""
    strokes: list[Path] = []
    solids: list[Path] = []
    if not mark:
        return strokes, solids
    y0, hgt = top + 0.08, 0.26
    cy = y0 + hgt / 2
    if mark == "++":
        for cx in (-0.11, 0.11):
            strokes += [_poly([(cx - 0.08, cy), (cx + 0.08, cy)]), _poly([(cx, cy - 0.08), (cx, cy + 0.08)])]
    elif mark == "ø":
        strokes += [_ellipse(0, cy, 0.08, 0.08, 24), _poly([(-0.11, cy - 0.11), (0.11, cy + 0.11)])]
    elif set(mark) == {"o"}:
        n, step = len(mark), 0.2
        for i in range(n):
            solids.append(_ellipse((i - (n - 1) / 2) * step, cy, 0.065, 0.065, 20))
    elif set(mark) == {"I"}:
        n, step = len(mark), 0.12
        for i in range(n):
            x = (i - (n - 1) / 2) * step
            strokes.append(_poly([(x, y0), (x, y0 + hgt)]))
    else:  # X…
        n, w = len(mark), 0.17
        step = w * 1.12
        for i in range(n):
            x = (i - (n - 1) / 2) * step
            strokes += [_poly([(x - w / 2, y0), (x + w / 2, y0 + hgt)]), _poly([(x - w / 2, y0 + hgt), (x + w / 2, y0)])]
    return strokes, solids


def symbol_geometry(sidc: str, *, icon: bool = True, echelon: bool = True) -> SymbolGeometry:
    """The paths of a symbol.

    Parameters
    ----------
    sidc : str
        A code made by :func:`layers.symbols.sidc`.
    icon : bool
        Draw the icon (a legend's side row shows the bare frame).
    echelon : bool
        Draw the echelon mark and the headquarters staff.

    Returns
    -------
    SymbolGeometry

    Raises
    ------
    layers.symbols.SymbolError
        For a code the atlas does not make.
    """
    return _geometry(sidc, icon, echelon)


@lru_cache(maxsize=512)
def _geometry(sidc: str, icon: bool, echelon: bool) -> SymbolGeometry:
    p: ParsedSidc = parse_sidc(sidc)
    frame, (x0, y0, x1, y1), (bw, bh) = _frame(p.identity, p.dimension)
    strokes: list[Path] = []
    solids: list[Path] = []
    if icon:
        s, f = _icon(p.unit_type, bw, bh, p.identity)
        strokes += s
        solids += f
    top = y1
    if echelon:
        s, f = _echelon(p.echelon_mark, y1)
        strokes += s
        solids += f
        if p.echelon_mark:
            top = y1 + 0.36
        if p.headquarters:
            # the staff: down from the lower left corner of the frame (the diamond's left vertex)
            sx, sy = (x0, 0.0) if p.identity == "H" else (x0, y0)
            strokes.append(_poly([(sx, sy), (sx, sy - 0.75)]))
            y0 = min(y0, sy - 0.75)
    return SymbolGeometry(frame, _join(strokes), _join(solids), (x0, y0, x1, top))


def symbol_extent(sidc: str) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` of a symbol in symbol units (see :class:`SymbolGeometry`)."""
    return symbol_geometry(sidc).extent


def symbol_artists(
    sidc: str,
    x: float,
    y: float,
    *,
    fill: str,
    size_in: float,
    dpi_trans: Transform,
    data_trans: Transform,
    linewidth: float = 0.8,
    zorder: float = 50,
    icon: bool = True,
    echelon: bool = True,
    offset: Affine2D | None = None,
) -> list[Artist]:
    """Patches drawing one symbol at data ``(x, y)``.

    Parameters
    ----------
    sidc : str
    x, y : float
        Data coordinates (projected metres on a print map, inches in a legend).
    fill : str
        Frame fill colour (``#rrggbb``).
    size_in : float
        Inches per symbol unit.
    dpi_trans, data_trans : Transform
        The figure's ``dpi_scale_trans`` and the axes' ``transData``.
    linewidth : float
        Frame line width, points (icons use 85 % of it).
    zorder : float
    icon, echelon : bool
        See :func:`symbol_geometry`.
    offset : Affine2D, optional
        A translation in inches applied after scaling; changing it later moves the symbol
        (the print map moves crowded symbols aside this way).

    Returns
    -------
    list of matplotlib.artist.Artist
        Frame, strokes, solids; not yet added to an axes.
    """
    g = symbol_geometry(sidc, icon=icon, echelon=echelon)
    # ScaledTranslation moves by the display position of data (x, y); it only calls
    # transform(), so any transform (the projected map's transData too) will do.
    tr: Transform = Affine2D().scale(size_in)
    if offset is not None:
        tr = tr + offset
    tr = tr + dpi_trans + ScaledTranslation(x, y, cast(Any, data_trans))
    out: list[Artist] = [PathPatch(g.frame, facecolor=fill, edgecolor=INK, linewidth=linewidth, zorder=zorder,
                                   joinstyle="miter", transform=tr)]
    if _n(g.strokes):
        out.append(PathPatch(g.strokes, facecolor="none", edgecolor=INK, linewidth=linewidth * 0.85,
                             zorder=zorder + 0.01, capstyle="butt", joinstyle="miter", transform=tr))
    if _n(g.solids):
        out.append(PathPatch(g.solids, facecolor=INK, edgecolor="none", zorder=zorder + 0.02, transform=tr))
    return out
