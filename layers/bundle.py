"""Display bundles: what the browser receives for each layer.

A bundle is a compact JSON document per layer: geometries simplified for display and
rounded to 5 decimals (about 1 m), movement arrows given their arrowheads, each feature's
half-open day interval, style index and pre-rendered (escaped) tooltip and popup HTML.
The browser only filters by day and draws; it never builds HTML from data.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, mapping

from layers.catalog import REPO_ROOT
from layers.dates import OPEN_END
from layers.loading import Atlas, Layer
from layers.popups import popup_html, tooltip_html
from layers.styling import leaflet_options, style_for

__all__ = [
    "BASEMAP_PATH",
    "LABEL_ZOOM",
    "SIMPLIFY_DEG",
    "arrowhead",
    "basemap_bundle",
    "bundle_json",
    "label_rule",
    "layer_bundle",
    "legend_label",
    "round_coords",
    "with_arrowheads",
]

#: Display simplification tolerance in degrees (≈ 100 m); keeps hand-digitised detail.
SIMPLIFY_DEG = 0.001
BASEMAP_PATH = REPO_ROOT / "geodata" / "basemap" / "basemap.geojson"


def round_coords(obj: Any, ndigits: int = 5) -> Any:
    """Round every float in a GeoJSON geometry mapping (recursively)."""
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, (list, tuple)):
        return [round_coords(v, ndigits) for v in obj]
    if isinstance(obj, dict):
        return {k: round_coords(v, ndigits) for k, v in obj.items()}
    return obj


def arrowhead(line: LineString, size_deg: float | None = None) -> Polygon:
    """Triangle at the end of ``line``, pointing along its last segment.

    The size scales with the line's length (a fifth of it, 0.02°–0.6°) and is corrected
    for the convergence of meridians so the head looks symmetric on the map.

    Parameters
    ----------
    line : shapely.LineString
        In lon/lat degrees, running from origin to objective.
    size_deg : float, optional
        Head length in degrees of latitude.

    Returns
    -------
    shapely.Polygon
    """
    coords = np.asarray(line.coords)
    (x0, y0), (x1, y1) = coords[-2], coords[-1]
    k = math.cos(math.radians(y1)) or 1e-6
    dx, dy = (x1 - x0) * k, (y1 - y0)
    n = math.hypot(dx, dy) or 1e-9
    ux, uy = dx / n, dy / n
    if size_deg is None:
        total = sum(
            math.hypot((b[0] - a[0]) * k, b[1] - a[1]) for a, b in itertools.pairwise(coords)
        )
        size_deg = min(0.6, max(0.02, total / 5))
    half = size_deg * 0.45
    bx, by = -ux * size_deg, -uy * size_deg
    left = (x1 + (bx - uy * half) / k, y1 + (by + ux * half))
    right = (x1 + (bx + uy * half) / k, y1 + (by - ux * half))
    return Polygon([(x1, y1), left, right, (x1, y1)])


def with_arrowheads(geom: shapely.Geometry) -> shapely.Geometry:
    """A movement line plus arrowhead(s) at its end(s), as a GeometryCollection."""
    lines = list(geom.geoms) if isinstance(geom, MultiLineString) else [geom]
    if not all(isinstance(line, LineString) for line in lines):
        return geom
    heads = [arrowhead(line) for line in lines]
    return shapely.GeometryCollection([*lines, *heads])


def _display_geometry(geom: shapely.Geometry | None, kind: str) -> dict[str, Any] | None:
    if geom is None:
        return None
    if geom.geom_type not in ("Point", "MultiPoint"):
        geom = shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True)
    if kind == "movement":
        geom = with_arrowheads(geom)
    return round_coords(mapping(geom))


#: Minimum zoom at which a point of this kind is labelled on the web map.
LABEL_ZOOM = {
    "capital": 4, "city": 5, "town": 6, "port": 6, "lake": 7, "island": 7, "battle_site": 7,
    "village": 8, "settlement": 8, "rail_station": 8, "hill": 9,
}
_SHAPES = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


def label_rule(spec_group: str, props: dict[str, Any], geom_type: str | None) -> tuple[str, int] | None:
    """The map label of a feature and the zoom from which it shows, if it has one.

    Features with an explicit ``label`` are labelled from zoom 6; points of the reference
    layers (places) by their kind (:data:`LABEL_ZOOM`).
    """
    if props.get("label"):
        return str(props["label"]), 6
    if spec_group == "reference" and geom_type in ("Point", "MultiPoint") and props["kind"] in LABEL_ZOOM:
        return str(props["name"]), LABEL_ZOOM[props["kind"]]
    return None


def legend_label(layer: Layer, props: dict[str, Any]) -> str:
    """Legend text of the style a feature is drawn with."""
    by = layer.spec.style_by
    if by is not None:
        value = props.get(by.property)
        override = by.values.get(str(value)) if value is not None else None
        if override is not None:
            return override.label or str(value).replace("_", " ").capitalize()
    return layer.spec.title


def layer_bundle(atlas: Atlas, layer: Layer) -> dict[str, Any]:
    """The display bundle of one layer.

    Returns
    -------
    dict
        ``{"id", "title", "order", "styles": [leaflet options], "features": [...]}``;
        each feature is ``{"g": geometry, "s": start_day, "e": end_day or None,
        "y": style index, "k": kind, "t": tooltip html, "p": popup html}``.
    """
    spec = layer.spec
    styles: list[dict[str, Any]] = []
    style_index: dict[str, int] = {}
    feats: list[dict[str, Any]] = []
    legend: dict[tuple[str, str], int] = {}
    for row in layer.gdf.itertuples(index=False):
        props: dict[str, Any] = row.properties
        opts = leaflet_options(style_for(spec, props))
        if props["kind"] == "movement":
            opts = {**opts, "fillColor": opts["color"], "fillOpacity": 0.9}
        key = json.dumps(opts, sort_keys=True)
        if key not in style_index:
            style_index[key] = len(styles)
            styles.append(opts)
        geom = _display_geometry(row.geometry, props["kind"])
        if geom is None:
            continue
        end = int(row.end_day)
        gtype = row.geometry.geom_type if row.geometry is not None else None
        shape = "arrow" if props["kind"] == "movement" else _SHAPES.get(gtype or "", "area")
        legend.setdefault((legend_label(layer, props), shape), style_index[key])
        lab = label_rule(spec.group, props, gtype)
        extra = {"l": lab[0], "lz": lab[1]} if lab else {}
        feats.append(
            {
                **extra,
                "i": props["id"],
                "g": geom,
                "s": int(row.start_day),
                "e": None if end >= OPEN_END else end,
                "y": style_index[key],
                "k": props["kind"],
                "t": tooltip_html(props),
                "p": popup_html(props, atlas.bibliography, spec.title),
            }
        )
    return {
        "id": spec.id, "title": spec.title, "order": spec.order, "styles": styles, "features": feats,
        "legend": [[label, shape, y] for (label, shape), y in legend.items()],
    }


_BASE_STYLE = {
    "land": {"color": "#b8ae98", "weight": 0.6, "fillColor": "#f3efe4", "fillOpacity": 1.0},
    "coastline": {"color": "#7b9cb5", "weight": 0.8},
    "lake": {"color": "#7b9cb5", "weight": 0.6, "fillColor": "#cfe0ec", "fillOpacity": 1.0},
    "river": {"color": "#86add0", "weight": 1.0},
    "border": {"color": "#a09a8c", "weight": 0.8, "dashArray": "4 3"},
    "province_border": {"color": "#c9c2b2", "weight": 0.5, "dashArray": "2 3"},
}


def basemap_bundle(path: Path = BASEMAP_PATH) -> dict[str, Any]:
    """The bundled vector basemap, with per-kind styles, as a display bundle.

    Returns an empty bundle when the basemap file has not been built.
    """
    if not path.exists():
        return {"id": "basemap", "styles": [], "features": []}
    doc = json.loads(path.read_text(encoding="utf-8"))
    kinds = list(_BASE_STYLE)
    feats = []
    for f in doc.get("features", []):
        kind = f.get("properties", {}).get("kind")
        if kind not in _BASE_STYLE or not f.get("geometry"):
            continue
        name = f["properties"].get("name")
        feats.append({"g": f["geometry"], "y": kinds.index(kind), "k": kind, "n": name})
    order = {k: i for i, k in enumerate(["land", "lake", "province_border", "border", "river", "coastline"])}
    feats.sort(key=lambda f: order[f["k"]])
    geoms = shapely.from_geojson([json.dumps(f["g"]) for f in feats]) if feats else []
    bbox = [round(float(v), 4) for v in shapely.total_bounds(geoms)] if len(geoms) else None
    return {"id": "basemap", "styles": [_BASE_STYLE[k] for k in kinds], "features": feats, "bbox": bbox}


def bundle_json(bundle: dict[str, Any]) -> str:
    """Compact, deterministic JSON text of a bundle."""
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def content_hash(*texts: str) -> str:
    """Short hash of some texts (cache-busting names for written bundles)."""
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
    return h.hexdigest()[:12]
