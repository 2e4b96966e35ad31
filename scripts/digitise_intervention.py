"""Build the Siberian-intervention, Vladivostok and railway layers from one source table.

``geodata/src/intervention.toml`` is the readable, hand-maintained source of three layers:

* ``geodata/siberian_intervention.geojson`` (prefix ``si_``): occupied zones, regimes,
  capitals and dated events of 1917-1925;
* ``geodata/vladivostok.geojson`` (prefix ``vl_``): the city and port and its dated events;
* ``geodata/railways.geojson`` (prefix ``rw_``): the Trans-Siberian (Trans-Baikal, Amur and
  Ussuri lines), the Chinese Eastern Railway and the South Manchuria Railway, one feature per
  line and ownership period.

The table holds

``[places.<id>]``
    every point used, with ``lat``, ``lon``, ``precision_m`` and the ``source`` key that the
    coordinate comes from (the checked research gazetteer's source pages, GeoNames, ...);
``[sakhalin_north]``
    the outline of Sakhalin north of 50 deg N (Natural Earth 10 m land, simplified);
``[[rail_line]]`` and ``[[rail_regime]]``
    railway lines as station sequences with an opening date, and ownership periods that apply
    to lists of lines; one feature is made per (regime, line) pair that overlaps in time. The
    source audit (``sources/audit_railways.csv``) is carried as ``sources_agree`` /
    ``sources_disagree``: a regime's lists go to all its features, a line's to all features of
    the line, a line's ``opened_sources_agree`` / ``opened_sources_disagree`` only to the
    feature that starts with the line's opening; ``[[feature]]`` rows carry them directly.
    Audited keys are also cited in ``sources``;
``[[feature]]``
    every other feature, its properties written out and its geometry given by a recipe:

    - ``{type = "point", place = "id"}``
    - ``{type = "multipoint", places = ["id", ...]}``
    - ``{type = "line", via = ["id", ...]}``
    - ``{type = "corridor", lines = [["id", ...], ...], half_width_km = 20}`` (railway
      corridor: the station polylines buffered by ``half_width_km`` on each side)
    - ``{type = "circles", places = ["id", ...], radius_km = 15}`` (garrison areas)
    - ``{type = "sakhalin_north"}``

Buffers are computed in metres in an azimuthal equidistant projection centred on the
geometry (never in Web Mercator), then projected back to EPSG:4326. Coordinates are rounded
to 5 decimals. The build is deterministic: the same table gives byte-identical files.

The source key of every place a feature uses is appended to the feature's ``sources``, so each
vertex stays traceable.

Usage::

    .venv/bin/python scripts/digitise_intervention.py           # write the three layers
    .venv/bin/python scripts/digitise_intervention.py --check   # fail if the files differ
    .venv/bin/python scripts/digitise_intervention.py --extract-sakhalin ne_10m_land.shp
        # print a fresh [sakhalin_north] ring from a Natural Earth land shapefile
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPoint,
    Point,
    Polygon,
    box,
    mapping,
)
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "geodata" / "src" / "intervention.toml"
OUT_DIR = ROOT / "geodata"
LAYERS: dict[str, str] = {
    "siberian_intervention": "si_",
    "vladivostok": "vl_",
    "railways": "rw_",
}
DECIMALS = 5
QUAD_SEGS = 8
SAKHALIN_SIMPLIFY_DEG = 0.01

#: Output order of feature properties (others follow alphabetically).
PROPERTY_ORDER: tuple[str, ...] = (
    "id",
    "name",
    "name:ru",
    "name:ja",
    "name:zh",
    "label",
    "kind",
    "start_date",
    "start_date:edtf",
    "end_date",
    "end_date:edtf",
    "side",
    "campaign",
    "certainty",
    "location_precision_m",
    "description",
    "note",
    "figures",
    "sources",
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layers.geojson_io import dumps_features, write_or_check

#: Keys of a ``[[feature]]`` table that are build instructions, not properties.
RECIPE_KEYS = frozenset({"layer", "geometry"})


@dataclass(frozen=True)
class Place:
    """A located point of the source table.

    Parameters
    ----------
    key : str
        Place id in the table.
    lon, lat : float
        WGS84 degrees.
    precision_m : float
        How far the coordinate may be from the real place.
    source : str
        Source key of the coordinate.
    """

    key: str
    lon: float
    lat: float
    precision_m: float
    source: str


def load_table(path: Path = SRC) -> dict[str, Any]:
    """Read the TOML source table.

    Parameters
    ----------
    path : pathlib.Path
        The table.

    Returns
    -------
    dict
        The parsed table.
    """
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_places(table: dict[str, Any]) -> dict[str, Place]:
    """Turn ``[places.*]`` into :class:`Place` objects.

    Parameters
    ----------
    table : dict
        The parsed source table.

    Returns
    -------
    dict of str to Place
    """
    places: dict[str, Place] = {}
    for key, row in table["places"].items():
        places[key] = Place(
            key=key,
            lon=float(row["lon"]),
            lat=float(row["lat"]),
            precision_m=float(row["precision_m"]),
            source=str(row["source"]),
        )
    return places


def _local_transformers(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Forward and inverse transformers for an AEQD projection centred on a point.

    Parameters
    ----------
    lon, lat : float
        Centre in degrees.

    Returns
    -------
    tuple of pyproj.Transformer
        (to metres, back to degrees), both with lon/lat axis order.
    """
    aeqd = CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs"
    )
    wgs84 = CRS.from_epsg(4326)
    fwd = Transformer.from_crs(wgs84, aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, wgs84, always_xy=True)
    return fwd, inv


def buffer_metric(geom: shapely.Geometry, distance_m: float) -> shapely.Geometry:
    """Buffer a lon/lat geometry by a distance in metres.

    The buffer is computed in an azimuthal equidistant projection centred on the
    geometry's bounding-box centre, then projected back to EPSG:4326.

    Parameters
    ----------
    geom : shapely.Geometry
        Geometry in EPSG:4326 (lon, lat).
    distance_m : float
        Buffer distance in metres.

    Returns
    -------
    shapely.Geometry
        Polygon or MultiPolygon in EPSG:4326.
    """
    minx, miny, maxx, maxy = geom.bounds
    fwd, inv = _local_transformers((minx + maxx) / 2, (miny + maxy) / 2)
    projected = shapely.transform(geom, fwd.transform, interleaved=False)
    buffered = projected.buffer(distance_m, quad_segs=QUAD_SEGS)
    return shapely.transform(buffered, inv.transform, interleaved=False)


def round_geometry(geom: shapely.Geometry) -> shapely.Geometry:
    """Round coordinates to :data:`DECIMALS` and repair polygons the rounding broke.

    Parameters
    ----------
    geom : shapely.Geometry

    Returns
    -------
    shapely.Geometry
    """
    rounded = shapely.set_precision(geom, 10 ** -DECIMALS)
    if not rounded.is_valid:
        rounded = shapely.make_valid(rounded)
    return rounded


def _pts(places: dict[str, Place], keys: list[str]) -> list[tuple[float, float]]:
    missing = [k for k in keys if k not in places]
    if missing:
        raise KeyError(f"unknown place(s): {', '.join(missing)}")
    return [(places[k].lon, places[k].lat) for k in keys]


def build_geometry(
    recipe: dict[str, Any], places: dict[str, Place], table: dict[str, Any]
) -> tuple[shapely.Geometry, list[str]]:
    """Make a geometry from a recipe.

    Parameters
    ----------
    recipe : dict
        The ``geometry`` table of a feature (see the module docstring).
    places : dict of str to Place
        Located points.
    table : dict
        The whole source table (for ``sakhalin_north``).

    Returns
    -------
    geometry : shapely.Geometry
        In EPSG:4326, rounded.
    used_places : list of str
        Place ids the geometry was built from, in order of first use.
    """
    kind = recipe["type"]
    used: list[str] = []
    if kind == "point":
        used = [recipe["place"]]
        geom: shapely.Geometry = Point(_pts(places, used)[0])
    elif kind == "multipoint":
        used = list(recipe["places"])
        geom = MultiPoint(_pts(places, used))
    elif kind == "line":
        used = list(recipe["via"])
        geom = LineString(_pts(places, used))
    elif kind == "multiline":
        parts = [list(p) for p in recipe["lines"]]
        used = [k for part in parts for k in part]
        geom = MultiLineString([_pts(places, part) for part in parts])
    elif kind == "corridor":
        parts = [list(p) for p in recipe["lines"]]
        used = [k for part in parts for k in part]
        lines = [LineString(_pts(places, part)) if len(part) > 1 else Point(_pts(places, part)[0])
                 for part in parts]
        geom = buffer_metric(unary_union(lines), float(recipe["half_width_km"]) * 1000.0)
    elif kind == "circles":
        used = list(recipe["places"])
        circles = [buffer_metric(Point(p), float(recipe["radius_km"]) * 1000.0)
                   for p in _pts(places, used)]
        geom = unary_union(circles)
    elif kind == "sakhalin_north":
        ring = [tuple(c) for c in table["sakhalin_north"]["ring"]]
        geom = Polygon(ring)
    else:
        raise ValueError(f"unknown geometry type {kind!r}")
    geom = round_geometry(geom)
    if geom.is_empty or not geom.is_valid:
        raise ValueError(f"bad geometry from recipe {recipe}: {shapely.is_valid_reason(geom)}")
    seen: list[str] = []
    for key in used:
        if key not in seen:
            seen.append(key)
    return geom, seen


def _merge_sources(declared: list[str], places: dict[str, Place], used: list[str]) -> list[str]:
    out = list(dict.fromkeys(declared))
    for key in used:
        src = places[key].source
        if src not in out:
            out.append(src)
    return out


def _order_properties(props: dict[str, Any]) -> dict[str, Any]:
    ordered = {k: props[k] for k in PROPERTY_ORDER if k in props}
    for k in sorted(props):
        if k not in ordered:
            ordered[k] = props[k]
    return ordered


#: Recipe types whose geometry is a geometric construction (a band or a circle), not a traced limit.
SCHEMATIC_RECIPES = frozenset({"corridor", "circles", "sector", "band"})

#: What was searched for every zone built from a band or circle (the popup says it, see
#: :func:`with_proxy_reason`).
SEARCHED = ("Searched: the sources cited here, FRUS and the other stored pages on the intervention, the "
            "package registries (modern boundaries only) and Konrad Lawson's CC0 tracings of period maps "
            "(which cover 1930 and 1942, not 1918-22).")


def schematic_reason(recipe: dict[str, Any]) -> str | None:
    """Why a zone is a band or circle: what was searched and what is missing.

    Parameters
    ----------
    recipe : dict
        The feature's ``geometry`` table.

    Returns
    -------
    str or None
        The statement, or None for recipes that are not geometric constructions.
    """
    kind = recipe.get("type")
    if kind not in SCHEMATIC_RECIPES:
        return None
    if kind == "circles":
        shape_txt = f"a circle of {float(recipe['radius_km']):g} km around each garrison town"
        missing = "the sources name the towns held, not the limits of the area around them"
    elif kind == "sector":
        shape_txt = f"a band {float(recipe['half_width_km']):g} km either side of the track between them"
        missing = "the allotment names only the end stations of the guarded section"
    elif kind == "band":
        shape_txt = f"a band {float(recipe['half_width_km']):g} km either side of the railway"
        missing = "the agreement as reported gives a distance from the railway, not a surveyed line"
    else:
        shape_txt = f"a band {float(recipe['half_width_km']):g} km either side of the railway between the named stations"
        missing = "the sources name the towns and railway sections held, not a limit"
    return f"{SEARCHED} Missing: {missing}, and no period map of the zone was found; so it is drawn as {shape_txt}."


def with_proxy_reason(props: dict[str, Any], recipe: dict[str, Any]) -> dict[str, Any]:
    """Set ``no_period_source`` (from the row, else from the recipe) and repeat it in the note.

    A ``modern_proxy`` feature must state its reason in the row (``no_period_source``); a band or
    circle gets :func:`schematic_reason`. The note, which every popup shows, ends with the statement.

    Raises
    ------
    ValueError
        A ``modern_proxy`` row without ``no_period_source``.
    """
    reason = props.get("no_period_source") or schematic_reason(recipe)
    if props.get("certainty") == "modern_proxy" and not props.get("no_period_source"):
        raise ValueError(f"{props.get('id')}: modern_proxy without no_period_source")
    if reason:
        props["no_period_source"] = reason
        note = str(props.get("note") or "").strip()
        props["note"] = f"{note} No period source. {reason}".strip()
    return props


def feature_from_table(
    row: dict[str, Any], places: dict[str, Place], table: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """Build one GeoJSON feature from a ``[[feature]]`` row.

    Parameters
    ----------
    row : dict
        The row: properties plus ``layer`` and ``geometry``.
    places : dict of str to Place
    table : dict
        The whole source table.

    Returns
    -------
    layer : str
        Layer id.
    feature : dict
        GeoJSON Feature.
    """
    layer = row["layer"]
    geom, used = build_geometry(row["geometry"], places, table)
    props = with_proxy_reason({k: v for k, v in row.items() if k not in RECIPE_KEYS}, row["geometry"])
    audited = list(props.get("sources_agree", [])) + list(props.get("sources_disagree", []))
    props["sources"] = _merge_sources(list(props.get("sources", [])) + audited, places, used)
    if props.get("end_date", "") == "":  # TOML has no null: "" or absent = still exists
        props["end_date"] = None
    return layer, {"type": "Feature", "properties": _order_properties(props), "geometry": mapping(geom)}


def _later(a: str, b: str) -> str:
    """The later of two ISO dates of any precision (compared on their first day)."""
    def key(d: str) -> tuple[int, int, int]:
        parts = [int(x) for x in d.split("-")] + [1, 1]
        return parts[0], parts[1], parts[2]

    return a if key(a) >= key(b) else b


def _before(a: str, b: str | None) -> bool:
    """True if date ``a`` (a start) lies before exclusive end ``b`` (None = open)."""
    if b is None:
        return True
    def key(d: str) -> tuple[int, int, int]:
        parts = [int(x) for x in d.split("-")] + [1, 1]
        return parts[0], parts[1], parts[2]

    return key(a) < key(b)


def railway_features(table: dict[str, Any], places: dict[str, Place]) -> list[dict[str, Any]]:
    """Make one railway feature per (ownership regime, line) pair that overlaps in time.

    The feature starts at the later of the regime's start and the line's opening and ends
    with the regime.

    Parameters
    ----------
    table : dict
        The parsed source table.
    places : dict of str to Place

    Returns
    -------
    list of dict
        GeoJSON features for ``railways``.
    """
    lines = {row["key"]: row for row in table["rail_line"]}
    out: list[dict[str, Any]] = []
    for regime in table["rail_regime"]:
        for line_key in regime["lines"]:
            line = lines[line_key]
            start = _later(regime["start_date"], line["opened"])
            end = regime.get("end_date")
            if not _before(start, end):
                continue
            geom, used = build_geometry({"type": "line", "via": line["via"]}, places, table)
            opened_later = start == line["opened"] and line["opened"] != regime["start_date"]
            props: dict[str, Any] = {
                "id": f"rw_{line_key}_{regime['key']}",
                "name": f"{line['name']}: {regime['name']}",
                "label": line.get("label", line["name"]),
                "kind": "railway",
                "start_date": start,
                "end_date": end,
                "certainty": line.get("certainty", "schematic"),
                "location_precision_m": float(line["location_precision_m"]),
                "description": f"{line['description']} {regime['description']}",
                "line": line_key,
                "operator": regime["operator"],
            }
            for lang in ("ru", "ja", "zh"):
                if f"name:{lang}" in line:
                    props[f"name:{lang}"] = line[f"name:{lang}"]
            if regime.get("side"):
                props["side"] = regime["side"]
            notes = [line["note"]]
            if opened_later:
                notes.append(line["opened_note"])
                if line.get("opened:edtf"):
                    props["start_date:edtf"] = line["opened:edtf"]
            elif regime.get("start_date:edtf"):
                props["start_date:edtf"] = regime["start_date:edtf"]
            if regime.get("end_date:edtf"):
                props["end_date:edtf"] = regime["end_date:edtf"]
            if regime.get("note"):
                notes.append(regime["note"])
            props["note"] = " ".join(notes)
            declared = list(regime["sources"]) + list(line["sources"])
            if opened_later:
                declared += list(line.get("opened_sources", []))
            for col in ("sources_agree", "sources_disagree"):
                keys = list(regime.get(col, [])) + list(line.get(col, []))
                if opened_later:
                    keys += list(line.get(f"opened_{col}", []))
                if keys:
                    props[col] = list(dict.fromkeys(keys))
                    declared += keys
            props["sources"] = _merge_sources(declared, places, used)
            out.append({"type": "Feature", "properties": _order_properties(props),
                        "geometry": mapping(geom)})
    return out


def build_layers(table: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Build the features of all three layers.

    Parameters
    ----------
    table : dict
        The parsed source table.

    Returns
    -------
    dict of str to list of dict
        Features by layer id.

    Raises
    ------
    ValueError
        On an id without its layer's prefix or used twice.
    """
    places = load_places(table)
    layers: dict[str, list[dict[str, Any]]] = {name: [] for name in LAYERS}
    for row in table.get("feature", []):
        layer, feat = feature_from_table(row, places, table)
        layers[layer].append(feat)
    layers["railways"].extend(railway_features(table, places))
    seen: set[str] = set()
    for name, feats in layers.items():
        for feat in feats:
            fid = feat["properties"]["id"]
            if not fid.startswith(LAYERS[name]):
                raise ValueError(f"{fid}: id must start with {LAYERS[name]!r} in layer {name}")
            if fid in seen:
                raise ValueError(f"{fid}: id used twice")
            seen.add(fid)
    return layers


def render(features: list[dict[str, Any]]) -> str:
    """Serialise a FeatureCollection deterministically.

    Parameters
    ----------
    features : list of dict

    Returns
    -------
    str
        JSON text, one feature per line, ending in a newline.
    """
    return dumps_features(features, DECIMALS)


def extract_sakhalin(shapefile: Path) -> str:
    """Print a ``[sakhalin_north]`` ring from a Natural Earth land shapefile.

    Parameters
    ----------
    shapefile : pathlib.Path
        ``ne_10m_land.shp``.

    Returns
    -------
    str
        TOML text of the ``ring`` array (Sakhalin north of 50 deg N, simplified by
        :data:`SAKHALIN_SIMPLIFY_DEG` degrees, lon/lat rounded to 5 decimals).
    """
    import geopandas as gpd  # only needed for this one-off extraction

    land = gpd.read_file(shapefile)
    clip = land.geometry.intersection(box(141.5, 50.0, 145.5, 54.6)).union_all()
    parts = [p for p in getattr(clip, "geoms", [clip]) if p.area > 1.0]
    if len(parts) != 1:
        raise ValueError(f"expected one large polygon north of 50N, got {len(parts)}")
    simple = parts[0].simplify(SAKHALIN_SIMPLIFY_DEG, preserve_topology=True)
    coords = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simple.exterior.coords]
    lines = ",\n  ".join(f"[{x}, {y}]" for x, y in coords)
    return f"ring = [\n  {lines},\n]\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are out of date")
    parser.add_argument("--extract-sakhalin", type=Path, metavar="NE_LAND_SHP",
                        help="print a [sakhalin_north] ring and exit")
    args = parser.parse_args(argv)
    if args.extract_sakhalin:
        print(extract_sakhalin(args.extract_sakhalin), end="")
        return 0
    layers = build_layers(load_table())
    texts = {OUT_DIR / f"{name}.geojson": render(feats) for name, feats in layers.items()}
    return write_or_check(texts, check=args.check, rebuild="scripts/digitise_intervention.py")


if __name__ == "__main__":
    sys.exit(main())
