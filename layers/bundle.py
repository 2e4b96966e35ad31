"""Display bundles: what the browser receives for each layer.

A bundle is a compact JSON document per layer: geometries simplified for display and
rounded to 5 decimals (about 1 m), movement arrows given their arrowheads, each feature's
half-open day interval, style index and pre-rendered (escaped) tooltip and popup HTML.
The browser only filters by day and draws; it never builds HTML from data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, mapping

from layers.catalog import REPO_ROOT
from layers.dates import OPEN_END
from layers.loading import Atlas, Layer
from layers.popups import popup_html, tooltip_html
from layers.safetext import html_text
from layers.styling import CERTAINTY, certainty_legend, certainty_options, leaflet_options, style_for

__all__ = [
    "BASEMAP_PATH",
    "LABEL_ZOOM",
    "SIMPLIFY_DEG",
    "arrowhead",
    "basemap_bundle",
    "bundle_json",
    "certainty_label",
    "curve_line",
    "generic_sidc",
    "label_priority",
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

    The size scales with the line's length (a sixth of it, 0.004°–0.35°: short assault arrows
    of a hill fight keep a head in proportion) and is corrected
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
        size_deg = min(0.35, max(0.004, total / 6))
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


def curve_line(line: LineString, steps: int = 16) -> LineString:
    """A smooth curve through a movement's path (for ``curved = true``).

    The vertices are the control points of a quadratic B-spline clamped to the first and
    last vertex: with three vertices this is the quadratic Bézier origin → bend →
    objective; with more, piecewise quadratic arcs between segment midpoints. A path of
    two vertices has no stated bend and stays straight (the side of a bend would be
    invented).

    Parameters
    ----------
    line : shapely.LineString
        Lon/lat vertices, origin → objective.
    steps : int
        Points per arc.

    Returns
    -------
    shapely.LineString
    """
    pts = np.asarray(line.coords, dtype=float)[:, :2]
    if len(pts) < 3:
        return line
    mids = (pts[:-1] + pts[1:]) / 2
    starts = np.vstack([pts[:1], mids[1:-1]])
    ends = np.vstack([mids[1:-1], pts[-1:]])
    ctrls = pts[1:-1]
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    out = [pts[:1]]
    for a, c, b in zip(starts, ctrls, ends, strict=True):
        arc = (1 - t) ** 2 * a + 2 * (1 - t) * t * c + t**2 * b
        out.append(arc[1:])
    return LineString(np.vstack(out))


def _curved(geom: shapely.Geometry) -> shapely.Geometry:
    if isinstance(geom, LineString):
        return curve_line(geom)
    if isinstance(geom, MultiLineString):
        return MultiLineString([curve_line(g) for g in geom.geoms])
    return geom


def _display_geometry(
    geom: shapely.Geometry | None, kind: str, curved: bool = False
) -> dict[str, Any] | None:
    if geom is None:
        return None
    if geom.geom_type not in ("Point", "MultiPoint"):
        geom = shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True)
    if kind == "movement":
        if curved:
            geom = _curved(geom)
        geom = with_arrowheads(geom)
    return round_coords(mapping(geom))


#: Minimum zoom at which a point of this kind is labelled on the web map.
LABEL_ZOOM = {
    "capital": 4, "city": 5, "town": 6, "port": 6, "lake": 7, "island": 7, "battle_site": 7,
    "village": 8, "settlement": 8, "rail_station": 8, "hill": 9,
}
_SHAPES = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


#: Campaign-layer kinds that name a key place of the campaign (their labels win collisions).
KEY_PLACE_KINDS = frozenset(
    {"battle_site", "place", "hill", "lake", "headquarters", "base", "river_point", "boundary_marker",
     "river_mouth", "city", "town", "village"}
)
_PLACE_PRIORITY = {
    "capital": 80, "city": 70, "port": 62, "town": 55, "lake": 50, "island": 45, "battle_site": 60,
    "village": 40, "settlement": 40, "rail_station": 35, "hill": 38,
}
#: Unit echelons, higher first, with the label priority and the zoom from which the name shows.
#: As on a printed campaign atlas's theatre plate, fronts, army groups and armies are named
#: at theatre scale (zoom 3–4: all Manchuria on one screen), divisions and below only closer in.
ECHELON_RANK = {
    "command": (84, 3), "front": (84, 3), "army_group": (82, 3), "army": (80, 4), "corps": (76, 6),
    "division": (72, 8), "brigade": (66, 9), "regiment": (60, 9), "battalion": (52, 10),
    "company": (44, 11), "platoon": (40, 12), "section": (38, 12), "squad": (36, 12), "team": (34, 12),
}


def label_priority(spec_group: str, props: dict[str, Any]) -> int:
    """How important a feature's label is (0–100): higher labels win when labels collide.

    Key places of a campaign (the battle site, hills, lakes, headquarters of a campaign
    layer) come first, then higher echelons, then places of the reference layers by size,
    then positions, events and movements.
    """
    kind = str(props.get("kind"))
    if kind == "unit":
        return ECHELON_RANK.get(str(props.get("echelon")), (30, 10))[0]
    if spec_group == "reference":
        return _PLACE_PRIORITY.get(kind, 30)
    if kind in KEY_PLACE_KINDS:
        return 95 if kind == "battle_site" else 90
    if kind == "movement" and props.get("label"):
        return 66  # a named arrow (an army's axis) before towns and events
    return {"position": 64, "event": 58, "movement": 50}.get(kind, 45)


def generic_sidc(sidc: str) -> str:
    """A SIDC with its echelon and headquarters/task-force modifiers blanked (for the legend).

    Handles letter SIDCs (MIL-STD-2525C, 15 characters: positions 11–12) and number SIDCs
    (2525D/APP-6 D, 20 digits: positions 8–10); other strings are returned unchanged.
    """
    if len(sidc) == 15 and sidc[:1].isalpha():
        return sidc[:10] + "--" + sidc[12:]
    if len(sidc) == 20 and sidc.isdigit():
        return sidc[:7] + "000" + sidc[10:]
    return sidc


def label_rule(spec_group: str, props: dict[str, Any], geom_type: str | None) -> tuple[str, int] | None:
    """The map label of a feature and the zoom from which it shows, if it has one.

    Features with an explicit ``label`` are labelled from zoom 6, named movements (the
    arrows of an army's axis, drawn at theatre scale) from zoom 4; points of the reference
    layers (places) by their kind (:data:`LABEL_ZOOM`). Units are named next to their
    symbol by the browser (see ``unit``), not by a separate label.
    """
    if props.get("kind") == "unit":
        return None
    if props.get("label") and props.get("kind") == "movement":
        return str(props["label"]), 4
    if props.get("label"):
        return str(props["label"]), 6
    if spec_group == "campaign" and geom_type == "Point" and props["kind"] in KEY_PLACE_KINDS:
        return str(props["name"]), 7
    if spec_group == "reference" and geom_type in ("Point", "MultiPoint") and props["kind"] in LABEL_ZOOM:
        return str(props["name"]), LABEL_ZOOM[props["kind"]]
    return None


_DATED = re.compile(r"\b\d{1,2}(?:\u2013\d{1,2})? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")


def arrow_dates(props: dict[str, Any]) -> str | None:
    """The days of a movement, for its arrow's label: ``9–19 Aug``, ``28 Jul – 2 Aug``, ``9 Aug``.

    Dates are half-open, so the last day shown is the day before ``end_date``. Only dates
    known to the day, without an uncertain or approximate EDTF form, are written on the
    map (the popup has the rest); otherwise ``None``.
    """
    start, end = props.get("start_date"), props.get("end_date")
    if not (isinstance(start, str) and isinstance(end, str) and len(start) == 10 and len(end) == 10):
        return None
    for key in ("start_date:edtf", "end_date:edtf"):
        edtf = props.get(key)
        if isinstance(edtf, str) and any(c in edtf for c in "?~%[]{}.X"):
            return None
    try:
        first = dt.date.fromisoformat(start)
        last = dt.date.fromisoformat(end) - dt.timedelta(days=1)
    except ValueError:
        return None
    if last <= first:
        return f"{first.day} {first:%b}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\u2013{last.day} {last:%b}"
    return f"{first.day} {first:%b} \u2013 {last.day} {last:%b}"


def _shape_of(geom: shapely.Geometry | None, kind: str) -> str:
    if kind == "movement":
        return "arrow"
    return _SHAPES.get(geom.geom_type if geom is not None else "", "area")


def certainty_label(label: str, props: dict[str, Any], shape: str) -> str:
    """A legend label with the certainty class of lines and areas appended.

    ``"Frontier"`` drawn as a modern proxy becomes ``"Frontier · modern stand-in"``, so the
    legend row and its dash pattern say how far to trust the geometry; points and arrows
    keep their label.
    """
    cls = CERTAINTY.get(str(props.get("certainty")))
    if cls is None or shape not in ("line", "area"):
        return label
    return f"{label} · {cls.label}"


def legend_label(layer: Layer, props: dict[str, Any]) -> str:
    """Legend text of the style a feature is drawn with."""
    by = layer.spec.style_by
    if by is not None:
        value = props.get(by.property)
        override = by.values.get(str(value)) if value is not None else None
        if override is not None:
            return override.label or str(value).replace("_", " ").capitalize()
    return layer.spec.title


def unit_names(atlas: Atlas) -> dict[str, str]:
    """Name of every unit of the atlas by ``unit_id`` (for parents and movements)."""
    out: dict[str, str] = {}
    for layer in atlas.layers.values():
        gdf = layer.gdf
        if "kind" not in gdf or not (gdf["kind"] == "unit").any():
            continue
        for props in gdf.loc[gdf["kind"] == "unit", "properties"]:
            uid = props.get("unit_id")
            if isinstance(uid, str) and uid not in out:
                out[uid] = str(props["name"])
    return out


def _words(value: Any) -> str:
    return str(value).replace("_", " ")


def _unit_facts_html(props: dict[str, Any], names: dict[str, str]) -> str:
    """Escaped rows for a unit's or a movement's popup: echelon, parent, where, the unit moved."""
    rows: list[tuple[str, str]] = []
    if props["kind"] == "unit":
        what = " ".join(_words(v) for v in (props.get("unit_type"), props.get("echelon")) if v)
        if what:
            rows.append(("Unit", what[:1].upper() + what[1:]))
        parent = props.get("parent")
        if parent:
            rows.append(("Part of", names.get(str(parent), _words(parent))))
        if props.get("commander"):
            rows.append(("Commander", str(props["commander"])))
        if props.get("where"):
            rows.append(("Where", str(props["where"])))
    elif props.get("unit"):
        rows.append(("Unit", names.get(str(props["unit"]), _words(props["unit"]))))
    if props.get("phase"):
        rows.append(("Phase", _words(props["phase"])))
    if not rows:
        return ""
    body = "".join(f"<div><b>{html_text(k)}:</b> {html_text(v)}</div>" for k, v in rows)
    return f'<div class="fef-unit-facts">{body}</div>'


def _with_facts(popup: str, facts: str) -> str:
    """Insert ``facts`` after the dates line of a popup (or at its end)."""
    if not facts:
        return popup
    at = popup.find('<div class="fef-dates">')
    end = popup.find("</div>", at) if at >= 0 else -1
    if end < 0:
        return popup + facts
    end += len("</div>")
    return popup[:end] + facts + popup[end:]


def layer_bundle(atlas: Atlas, layer: Layer) -> dict[str, Any]:
    """The display bundle of one layer.

    Returns
    -------
    dict
        ``{"id", "title", "order", "styles": [leaflet options], "features": [...],
        "legend": [[label, shape, style index(, sidc)]]}``; each feature is ``{"g":
        geometry, "s": start_day, "e": end_day or None, "y": style index, "k": kind,
        "t": tooltip html, "p": popup html, "lg": legend row, "c": certainty}``, plus ``"l"``/``"lz"``/
        ``"lp"`` (label, its minimum zoom and priority) when labelled, ``"ld"`` (the days of
        a labelled movement, :func:`arrow_dates`) and, for units,
        ``"u": {"sidc", "n": name, "lz", "lp"}`` (drawn as a symbol by ``units.js``).
        ``"certainty"`` lists the certainty classes present (label, meaning, dash pattern;
        :func:`layers.styling.certainty_legend`): lines and area outlines are drawn solid when
        period-true or approximate, long-dashed as modern stand-ins and dotted when schematic,
        and their legend labels name the class (:func:`certainty_label`).
    """
    spec = layer.spec
    styles: list[dict[str, Any]] = []
    style_index: dict[str, int] = {}
    feats: list[dict[str, Any]] = []
    legend: dict[tuple[str, str], tuple[int, str | None]] = {}
    names = unit_names(atlas)
    for row in layer.gdf.itertuples(index=False):
        props: dict[str, Any] = row.properties
        kind = props["kind"]
        opts = leaflet_options(style_for(spec, props))
        if kind == "movement":
            opts = {**opts, "fillColor": opts["color"], "fillOpacity": 0.9}
        opts = certainty_options(opts, props.get("certainty"), _shape_of(row.geometry, kind))
        key = json.dumps(opts, sort_keys=True)
        if key not in style_index:
            style_index[key] = len(styles)
            styles.append(opts)
        geom = _display_geometry(row.geometry, kind, curved=bool(props.get("curved")))
        if geom is None:
            continue
        end = int(row.end_day)
        gtype = row.geometry.geom_type if row.geometry is not None else None
        extra: dict[str, Any] = {}
        sidc = props.get("sidc") if kind == "unit" else None
        if isinstance(sidc, str) and sidc:
            shape = "unit:" + generic_sidc(sidc)
            label = legend_label(layer, props)
            if props.get("unit_type"):
                label = f"{label}: {_words(props['unit_type'])}"
            rank = ECHELON_RANK.get(str(props.get("echelon")), (30, 10))
            extra["u"] = {"sidc": sidc, "n": str(props.get("label") or props["name"]), "lz": rank[1],
                          "lp": rank[0]}
        else:
            shape = "arrow" if kind == "movement" else _SHAPES.get(gtype or "", "area")
            label = certainty_label(legend_label(layer, props), props, shape)
        lkey = (label, shape)
        if lkey not in legend:
            legend[lkey] = (len(legend), sidc if isinstance(sidc, str) else None)
        lab = label_rule(spec.group, props, gtype)
        if lab:
            extra.update({"l": lab[0], "lz": lab[1], "lp": label_priority(spec.group, props)})
            when = arrow_dates(props) if kind == "movement" else None
            if when and not _DATED.search(lab[0]):  # "Assault 6 Aug (north)" is dated already
                extra["ld"] = when  # shown after the label where room allows (units.js)
        popup = popup_html(props, atlas.bibliography, spec.title)
        feats.append(
            {
                **extra,
                "i": props["id"],
                "g": geom,
                "s": int(row.start_day),
                "e": None if end >= OPEN_END else end,
                "y": style_index[key],
                "k": kind,
                "t": tooltip_html(props),
                "p": _with_facts(popup, _unit_facts_html(props, names)),
                "lg": legend[lkey][0],
                "c": props.get("certainty"),
            }
        )
    # legend rows keep the style of the first feature drawn with them
    first_style: dict[int, int] = {}
    for f in feats:
        first_style.setdefault(f["lg"], f["y"])
    rows: list[list[Any]] = []
    for (label, shape), (idx, _sidc) in sorted(legend.items(), key=lambda kv: kv[1][0]):
        if shape.startswith("unit:"):
            rows.append([label, "unit", first_style.get(idx, 0), shape[5:]])
        else:
            rows.append([label, shape, first_style.get(idx, 0)])
    return {
        "id": spec.id, "title": spec.title, "order": spec.order, "styles": styles, "features": feats,
        "legend": rows,
        "certainty": certainty_legend({str(f["c"]) for f in feats}),
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
