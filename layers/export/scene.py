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

__all__ = ["LegendRow", "Scene", "SceneFeature", "build_scene", "label_text"]


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

    def on(self, day: int) -> bool:
        """Whether the feature exists on ``day``."""
        return self.start <= day < self.end

    @property
    def classes(self) -> set[str]:
        """Symbol classes for the legend: ``area``, ``line``, ``arrow``, ``point``."""
        out: set[str] = set()
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
    """

    layer: str
    label: str
    text: str
    style: Style
    classes: tuple[str, ...]
    heading: bool


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
        for f in features:
            used.setdefault((f.layer, f.legend_row), set()).update(f.classes)
        rows: list[LegendRow] = []
        for lid, spec in self.specs.items():
            if not any(key[0] == lid for key in used):
                continue
            entries = legend_entries(spec)
            base = tuple(c for c in _CLASS_ORDER if c in used.get((lid, 0), ()))
            rows.append(LegendRow(lid, entries[0][0], spec.title, entries[0][1], base, True))
            for i, (label, style) in enumerate(entries[1:], start=1):
                if (lid, i) not in used:
                    continue
                text = label[len(spec.title) + 2:] if label.startswith(spec.title + ": ") else label
                classes = tuple(c for c in _CLASS_ORDER if c in used[(lid, i)])
                rows.append(LegendRow(lid, label, text[:1].upper() + text[1:], style, classes, False))
        return rows


_CLASS_ORDER = ("area", "line", "arrow", "point")


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
                )
            )
    return scene
