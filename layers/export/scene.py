"""The features of a print map, projected and styled, ready to draw for any day.

A :class:`Scene` holds every feature of the chosen layers that exists at some point in a
day range and touches the frame: its projected paths (movement lines carry their
arrowheads, made with :func:`layers.bundle.arrowhead` as on the web map), its style from
:func:`layers.styling.style_for`, its legend row and its label. Drawing one day is then a
matter of switching features on and off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from matplotlib.path import Path
from shapely.geometry import LineString, MultiLineString

from layers.bundle import arrowhead
from layers.dates import OPEN_END
from layers.export.extent import Frame
from layers.export.labels import KIND_RANK
from layers.export.paths import flat_parts, project, to_path
from layers.loading import Atlas
from layers.schema import LayerSpec, Style
from layers.styling import legend_entries, style_for
from layers.symbols import SIDE_FILL, UNIT_TYPES, parse_sidc

__all__ = ["LegendRow", "Scene", "SceneFeature", "build_scene", "curve_line", "label_text"]


@dataclass
class SceneFeature:
    """One drawable feature.

    Parameters
    ----------
    layer : str
    fid : str
    kind : str
    start, end : int
        Half-open day interval.
    style : Style
    legend_row : int
        Its row in :func:`layers.styling.legend_entries` of its layer (0 = the base style,
        ``i + 1`` = the ``i``-th ``style_by`` value).
    area, line : matplotlib.path.Path or None
        Projected polygon and line paths (a movement's arrowhead is in ``area``).
    points : numpy.ndarray
        ``(n, 2)`` projected points.
    label : str or None
        Label text: every point has one; a line or area only when it has an explicit
        ``label`` property (as on the web map).
    anchor : numpy.ndarray or None
        Projected point the label refers to (the point; the middle of the longest line;
        a point inside the largest polygon).
    rank : int
        Label priority (lower first).
    sources : tuple of str
        Its source keys (features and figures).
    layer_index : int
        Position of its layer in draw order.
    sidc : str or None
        A unit's symbol code (``kind = "unit"``): drawn as an APP-6 symbol, not a circle.
    symbol_fill : str or None
        The symbol's frame fill (:data:`layers.symbols.SIDE_FILL` of its side).
    """

    layer: str
    fid: str
    kind: str
    start: int
    end: int
    style: Style
    legend_row: int
    area: Path | None
    line: Path | None
    points: np.ndarray
    label: str | None
    anchor: np.ndarray | None
    rank: int
    sources: tuple[str, ...]
    layer_index: int
    sidc: str | None = None
    symbol_fill: str | None = None

    def on(self, day: int) -> bool:
        """Whether the feature exists on ``day``."""
        return self.start <= day < self.end

    @property
    def classes(self) -> set[str]:
        """Symbol classes for the legend: ``area``, ``line``, ``arrow``, ``point``, ``unit``."""
        out: set[str] = set()
        if self.sidc is not None:
            return {"unit"}
        if self.kind == "movement" and self.line is not None:
            out.add("arrow")
        else:
            if self.area is not None:
                out.add("area")
            if self.line is not None:
                out.add("line")
        if len(self.points):
            out.add("point")
        return out


@dataclass(frozen=True)
class LegendRow:
    """One row of the legend.

    Parameters
    ----------
    layer : str
    label : str
        The row's label from :func:`layers.styling.legend_entries`.
    text : str
        What the legend shows (the title, or just the value under its layer's heading).
    style : Style
    classes : tuple of str
        Symbols to draw (``area``, ``line``, ``arrow``, ``point``); empty for a bare heading.
    heading : bool
        A layer title row.
    symbol : tuple of (str, str, bool) or None
        For the ``unit`` class: SIDC, frame fill and whether to draw the icon (a side's row
        shows its bare frame, a unit type's row the icon in a white frame).
    """

    layer: str
    label: str
    text: str
    style: Style
    classes: tuple[str, ...]
    heading: bool
    symbol: tuple[str, str, bool] | None = None


@dataclass
class Scene:
    """Projected, styled features of the chosen layers.

    Parameters
    ----------
    features : list of SceneFeature
        In draw order.
    specs : dict of str to LayerSpec
    """

    features: list[SceneFeature] = field(default_factory=list)
    specs: dict[str, LayerSpec] = field(default_factory=dict)

    def visible(self, day: int) -> list[SceneFeature]:
        """Features on the map on ``day``."""
        return [f for f in self.features if f.on(day)]

    def legend(self, features: list[SceneFeature]) -> list[LegendRow]:
        """Legend rows for the given features, layer by layer in draw order.

        Each layer gets a heading (its title, with the symbols of its base-style features)
        and one row per ``style_by`` value in use.
        """
        used: dict[tuple[str, int], set[str]] = {}
        frames: dict[tuple[str, int], tuple[str, str]] = {}
        for f in features:
            used.setdefault((f.layer, f.legend_row), set()).update(f.classes)
            if f.sidc is not None:
                frames.setdefault((f.layer, f.legend_row), (f.sidc, f.symbol_fill or "#ffffff"))
        rows: list[LegendRow] = []
        for lid, spec in self.specs.items():
            if not any(key[0] == lid for key in used):
                continue
            entries = legend_entries(spec)
            base = tuple(c for c in _CLASS_ORDER if c in used.get((lid, 0), ()))
            rows.append(LegendRow(lid, entries[0][0], spec.title, entries[0][1], base, True,
                                  _frame_symbol(frames.get((lid, 0)))))
            for i, (label, style) in enumerate(entries[1:], start=1):
                if (lid, i) not in used:
                    continue
                text = label[len(spec.title) + 2:] if label.startswith(spec.title + ": ") else label
                classes = tuple(c for c in _CLASS_ORDER if c in used[(lid, i)])
                rows.append(LegendRow(lid, label, text[:1].upper() + text[1:], style, classes, False,
                                      _frame_symbol(frames.get((lid, i)))))
            rows += _unit_rows(lid, spec, [f for f in features if f.layer == lid and f.sidc is not None])
        return rows


def _frame_symbol(found: tuple[str, str] | None) -> tuple[str, str, bool] | None:
    return None if found is None else (found[0], found[1], False)


def _unit_rows(lid: str, spec: LayerSpec, units: list[SceneFeature]) -> list[LegendRow]:
    """One row per unit type drawn (its icon in a white frame), then the size marks drawn."""
    if not units:
        return []
    first: dict[str, str] = {}
    marks: dict[str, str] = {}
    for f in units:
        assert f.sidc is not None
        p = parse_sidc(f.sidc)
        first.setdefault(p.unit_type, f.sidc)
        if p.echelon:
            marks[p.echelon] = p.echelon_mark
    rows = []
    for unit_type, code in UNIT_TYPES.items():
        if unit_type in first:
            bare = first[unit_type][:11] + "-" + first[unit_type][12:]
            rows.append(LegendRow(lid, code.label, code.label, spec.style, ("unit",), False, (bare, "#ffffff", True)))
    if marks:
        order = "NMLKJIHGFEDCBA"
        text = " · ".join(f"{marks[e]} {ECHELON_NAME[e]}" for e in order if e in marks)
        rows.append(LegendRow(lid, "Size marks", "Size: " + text, spec.style, (), False))
    return rows


_CLASS_ORDER = ("area", "line", "arrow", "point", "unit")
#: Echelon letter → word for the legend's size-mark row.
ECHELON_NAME = {
    "A": "team", "B": "squad", "C": "section", "D": "platoon", "E": "coy", "F": "bn",
    "G": "rgt", "H": "bde", "I": "div", "J": "corps", "K": "army", "L": "front",
    "M": "region", "N": "command",
}
#: Label priority of a unit by echelon letter: larger formations are labelled first.
UNIT_RANK = {"N": 1, "M": 1, "L": 1, "K": 1, "J": 2, "I": 2, "H": 3, "G": 3}


def label_text(props: dict[str, Any], lang: str | None = None) -> str:
    """A point's label: its ``label`` or ``name``, plus the name in ``lang`` on a second line."""
    text = str(props.get("label") or props["name"])
    if lang:
        other = props.get(f"name:{lang}")
        if isinstance(other, str) and other.strip() and other.strip() != text:
            text += "\n" + other.strip()
    return text


def _legend_row(spec: LayerSpec, props: dict[str, Any]) -> int:
    if spec.style_by is not None:
        value = props.get(spec.style_by.property)
        values = list(spec.style_by.values)
        if value is not None and str(value) in values:
            return 1 + values.index(str(value))
    return 0


def _with_heads(geom: shapely.Geometry, min_head_deg: float, max_head_deg: float) -> shapely.Geometry:
    """The movement line with :func:`layers.bundle.arrowhead` heads, their size kept on the page
    between ``min_head_deg`` and ``max_head_deg`` (the web map's size when it lies between)."""
    lines = list(geom.geoms) if isinstance(geom, MultiLineString) else [geom]
    if not all(isinstance(ln, LineString) and len(ln.coords) >= 2 for ln in lines):
        return geom
    heads = []
    for ln in lines:
        default = arrowhead(ln)
        tip, left, right = np.asarray(default.exterior.coords)[:3]
        k = math.cos(math.radians(tip[1]))
        mid = (left + right) / 2
        size = math.hypot((tip[0] - mid[0]) * k, tip[1] - mid[1])  # the web map's head length
        if min_head_deg <= size <= max_head_deg:
            heads.append(default)
        else:
            heads.append(arrowhead(ln, min(max(size, min_head_deg), max_head_deg)))
    return shapely.GeometryCollection([*lines, *heads])


def curve_line(geom: shapely.Geometry, samples: int = 24) -> shapely.Geometry:
    """A movement drawn as a smooth curve (``curved = true``): quadratic Bézier pieces.

    Two vertices bow to the left of the direction of travel (a sixth of the length); more
    vertices are control points of a quadratic B-spline that starts and ends at the first
    and last vertex and passes the midpoints between. The result is a densely sampled
    LineString, so the arrowhead follows the curve's last tangent.

    Parameters
    ----------
    geom : LineString or MultiLineString
    samples : int
        Points per Bézier piece.

    Returns
    -------
    shapely.Geometry
        Same type; anything else is returned unchanged.
    """
    if isinstance(geom, MultiLineString):
        return MultiLineString([curve_line(g, samples) for g in geom.geoms])
    if not isinstance(geom, LineString) or len(geom.coords) < 2:
        return geom
    pts = np.asarray(geom.coords)[:, :2]
    if len(pts) == 2:
        a, b = pts
        d = b - a
        ctrl = (a + b) / 2 + np.array([-d[1], d[0]]) / 3.0  # left normal, peak at 1/6 of the length
        pieces = [(a, ctrl, b)]
    else:
        mids = (pts[:-1] + pts[1:]) / 2
        starts = [pts[0], *mids[1:-1]]
        ends = [*mids[1:-1], pts[-1]]
        pieces = [(s, c, e) for s, c, e in zip(starts, pts[1:-1], ends)]
    t = np.linspace(0.0, 1.0, samples)[:, None]
    out = [pts[0]]
    for p0, p1, p2 in pieces:
        curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
        out.extend(curve[1:])
    return LineString(np.asarray(out))


def _anchor(geom: shapely.Geometry) -> np.ndarray | None:
    parts = flat_parts(geom)
    types = shapely.get_type_id(parts)
    pts, lines, polys = parts[types == 0], parts[np.isin(types, (1, 2))], parts[types == 3]
    if len(pts):
        return shapely.get_coordinates(pts[0])[0]
    if len(lines):
        longest = lines[int(np.argmax(shapely.length(lines)))]
        return shapely.get_coordinates(shapely.line_interpolate_point(longest, 0.5, normalized=True))[0]
    if len(polys):
        largest = polys[int(np.argmax(shapely.area(polys)))]
        return shapely.get_coordinates(shapely.point_on_surface(largest))[0]
    return None


def build_scene(
    atlas: Atlas,
    layer_ids: tuple[str, ...],
    frame: Frame,
    day_range: tuple[int, int],
    *,
    metres_per_px: float,
    min_head_px: float = 9.0,
    max_head_px: float = 24.0,
    label_lang: str | None = None,
) -> Scene:
    """Prepare the features of ``layer_ids`` that exist in ``day_range`` and touch the frame.

    Parameters
    ----------
    atlas : Atlas
    layer_ids : tuple of str
    frame : Frame
    day_range : tuple of int
        Inclusive first and last day.
    metres_per_px : float
        Map scale at the output resolution (for simplification and arrowhead size).
    min_head_px, max_head_px : float
        Arrowhead length limits on the page, pixels (the web map's size is kept between).
    label_lang : str, optional
        Language code of a second label line (``ru``, ``ja``, ``zh``...).

    Returns
    -------
    Scene
    """
    d0, d1 = day_range
    west, south, east, north = frame.lonlat_box(margin=0.1)
    tol = metres_per_px * 0.4
    min_head_deg = min_head_px * metres_per_px / 111_320.0
    max_head_deg = max_head_px * metres_per_px / 111_320.0
    scene = Scene(specs={lid: atlas.layers[lid].spec for lid in layer_ids if lid in atlas.layers})
    for li, lid in enumerate(scene.specs):
        layer = atlas.layers[lid]
        gdf = layer.gdf
        alive = (gdf["start_day"].to_numpy() <= d1) & (d0 < gdf["end_day"].to_numpy())
        geoms = gdf.geometry.to_numpy()
        has = ~shapely.is_missing(geoms)
        bb = shapely.bounds(geoms)
        touches = has & (bb[:, 0] <= east) & (bb[:, 2] >= west) & (bb[:, 1] <= north) & (bb[:, 3] >= south)
        for i in np.flatnonzero(alive & touches):
            props: dict[str, Any] = gdf["properties"].iat[i]
            geom = geoms[i]
            kind = str(props["kind"])
            if kind == "movement":
                if props.get("curved") is True:
                    geom = curve_line(geom)
                geom = _with_heads(geom, min_head_deg, max_head_deg)
            pgeom = project(geom, frame.forward)
            if pgeom.geom_type not in ("Point", "MultiPoint"):
                pgeom = shapely.simplify(pgeom, tol, preserve_topology=True)
            area, line, pts = to_path(pgeom)
            is_point = geom.geom_type in ("Point", "MultiPoint")
            has_label = is_point or bool(props.get("label"))
            rank = KIND_RANK.get(kind, 8 if is_point else 6)
            if props.get("label") and layer.spec.group == "campaign":
                rank = min(rank, 2 if is_point else 3)
            code = props.get("sidc") if kind == "unit" and is_point else None
            if isinstance(code, str):
                try:
                    rank = UNIT_RANK.get(parse_sidc(code).echelon or "", 4)
                except ValueError:
                    code = None
            keys = tuple(dict.fromkeys(list(props.get("sources") or [])
                                       + [str(f.get("source")) for f in props.get("figures") or []]))
            end = int(gdf["end_day"].iat[i])
            scene.features.append(
                SceneFeature(
                    layer=lid, fid=str(props["id"]), kind=kind, start=int(gdf["start_day"].iat[i]),
                    end=min(OPEN_END, end),
                    style=style_for(layer.spec, props), legend_row=_legend_row(layer.spec, props),
                    area=area, line=line, points=pts,
                    label=label_text(props, label_lang) if has_label else None,
                    anchor=_anchor(pgeom) if has_label else None,
                    rank=rank, sources=keys, layer_index=li,
                    sidc=code if isinstance(code, str) else None,
                    symbol_fill=SIDE_FILL.get(str(props.get("side")), "#ffffff") if isinstance(code, str) else None,
                )
            )
    return scene
