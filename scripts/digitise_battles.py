"""Build the hand-digitised battle layers from their readable source tables.

The two campaign layers ``khalkhin_gol_1939`` and ``lake_khasan_1938`` are
hand-digitised: every vertex is typed into ``geodata/src/<layer_id>.toml``
together with its properties. This script turns those tables into RFC 7946
GeoJSON FeatureCollections in ``geodata/``. It is deterministic: the same
tables always give byte-identical output, coordinates rounded to 5 decimals.

Besides plain GeoJSON geometries the tables may use one shorthand,
``{type = "ellipse", center = [lon, lat], semi_axis_ns_m = .., semi_axis_ew_m = ..}``,
which becomes a closed polygon approximating an ellipse (used for the lake
and for small symbolic areas whose size is known but whose outline is not).

Usage::

    .venv/bin/python scripts/digitise_battles.py            # write both layers
    .venv/bin/python scripts/digitise_battles.py --check    # fail if outputs differ
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layers.geojson_io import dumps_features, write_or_check

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "geodata" / "src"
OUT_DIR = ROOT / "geodata"
LAYERS: tuple[str, ...] = ("khalkhin_gol_1939", "lake_khasan_1938")
DECIMALS = 5
EARTH_RADIUS_M = 6_371_008.8
ELLIPSE_SEGMENTS = 48

Coord = list[float]


def round_coord(coord: Coord) -> Coord:
    """Round one ``[lon, lat]`` pair to the project's precision.

    Parameters
    ----------
    coord : list of float
        Longitude and latitude in degrees.

    Returns
    -------
    list of float
        The pair rounded to ``DECIMALS`` decimals (about 1 m).
    """
    return [round(float(coord[0]), DECIMALS), round(float(coord[1]), DECIMALS)]


def round_nested(coords: Any) -> Any:
    """Round every coordinate pair in a (possibly nested) coordinate array.

    Parameters
    ----------
    coords : list
        A GeoJSON ``coordinates`` member of any depth.

    Returns
    -------
    list
        The same structure with every ``[lon, lat]`` pair rounded.
    """
    if coords and isinstance(coords[0], (int, float)):
        return round_coord(coords)
    return [round_nested(c) for c in coords]


def ellipse_ring(
    center: Coord, semi_axis_ns_m: float, semi_axis_ew_m: float, segments: int = ELLIPSE_SEGMENTS
) -> list[Coord]:

    """Approximate an ellipse on the ground by a closed ring of vertices.

    The ellipse is axis-aligned (north-south and east-west semi-axes) and
    computed on a local equirectangular approximation, which is accurate to
    well under a metre over the few kilometres used here.

    Parameters
    ----------
    center : list of float
        Centre as ``[lon, lat]`` in degrees.
    semi_axis_ns_m : float
        North-south semi-axis in metres.
    semi_axis_ew_m : float
        East-west semi-axis in metres.
    segments : int, optional
        Number of vertices before closing the ring.

    Returns
    -------
    list of list of float
        A closed, counter-clockwise ring (first vertex repeated at the end).
    """
    lon0, lat0 = float(center[0]), float(center[1])
    m_per_deg_lat = math.pi * EARTH_RADIUS_M / 180.0
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians(lat0))
    ring: list[Coord] = []
    for i in range(segments):
        theta = 2.0 * math.pi * i / segments
        dx = semi_axis_ew_m * math.cos(theta)
        dy = semi_axis_ns_m * math.sin(theta)
        ring.append(round_coord([lon0 + dx / m_per_deg_lon, lat0 + dy / m_per_deg_lat]))
    ring.append(list(ring[0]))
    return ring


def build_geometry(spec: dict[str, Any]) -> dict[str, Any]:
    """Turn a table geometry into a GeoJSON geometry.

    Parameters
    ----------
    spec : dict
        Either a GeoJSON geometry (``type`` and ``coordinates``) or the
        ``ellipse`` shorthand described in the module docstring.

    Returns
    -------
    dict
        A GeoJSON geometry with rounded coordinates. Polygon rings are closed
        if the table left them open.

    Raises
    ------
    ValueError
        If the geometry type is unknown.
    """
    gtype = spec["type"]
    if gtype == "ellipse":
        ring = ellipse_ring(spec["center"], spec["semi_axis_ns_m"], spec["semi_axis_ew_m"])
        return {"type": "Polygon", "coordinates": [ring]}
    if gtype not in {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}:
        raise ValueError(f"unknown geometry type {gtype!r}")
    coords = round_nested(spec["coordinates"])
    if gtype == "Polygon":
        coords = [ring if ring[0] == ring[-1] else ring + [list(ring[0])] for ring in coords]
    elif gtype == "MultiPolygon":
        coords = [[r if r[0] == r[-1] else r + [list(r[0])] for r in poly] for poly in coords]
    return {"type": gtype, "coordinates": coords}


def style_key(props: dict[str, Any]) -> str | None:
    """Derive the ``style_key`` property used by the layer's ``[style_by]``.

    Movements get their own key so that they can be drawn thicker than
    positions of the same side.

    Parameters
    ----------
    props : dict
        Feature properties with ``kind`` and optional ``side``.

    Returns
    -------
    str or None
        ``"<side>"`` or ``"<side>_movement"``; ``"movement"`` for a movement
        without side; ``None`` for other features without side.
    """
    side = props.get("side")
    if props.get("kind") == "movement":
        return f"{side}_movement" if side else "movement"
    return side


def build_feature(entry: dict[str, Any]) -> dict[str, Any]:
    """Build one GeoJSON Feature from a table entry.

    Parameters
    ----------
    entry : dict
        One ``[[feature]]`` table: its ``geometry`` sub-table plus properties.
        A missing ``end_date`` in the table means ``null``. Source keys cited
        only by figures are appended to ``sources``.

    Returns
    -------
    dict
        A GeoJSON Feature with properties in a stable order.
    """
    entry = dict(entry)
    geometry = build_geometry(entry.pop("geometry"))
    entry.setdefault("end_date", None)
    # Every source a figure cites is also listed among the feature's sources, so that the
    # popup's citation list covers the figures table too.
    sources = list(entry.get("sources", []))
    for fig in entry.get("figures", []):
        if fig["source"] not in sources:
            sources.append(fig["source"])
    entry["sources"] = sources
    key = style_key(entry)
    if key is not None:
        entry["style_key"] = key
    order = [
        "id", "name", "name:ru", "name:ja", "name:zh", "name:mn", "name:ko", "label", "kind", "side",
        "campaign", "start_date", "start_date:edtf", "end_date", "end_date:edtf", "certainty",
        "location_precision_m", "description", "note", "sources", "figures", "style_key",
    ]
    props = {k: entry[k] for k in order if k in entry}
    props.update({k: v for k, v in entry.items() if k not in props})
    return {"type": "Feature", "properties": props, "geometry": geometry}


def build_layer(layer_id: str) -> str:
    """Read a layer's source table and return its GeoJSON text.

    Parameters
    ----------
    layer_id : str
        Layer id; the table is ``geodata/src/<layer_id>.toml``.

    Returns
    -------
    str
        The FeatureCollection as JSON text, one feature per line.
    """
    with open(SRC_DIR / f"{layer_id}.toml", "rb") as fh:
        table = tomllib.load(fh)
    defaults = table.get("defaults", {})
    features = [build_feature({**defaults, **entry}) for entry in table["feature"]]
    return dumps_features(features, DECIMALS)


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the battle layers.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Process exit code: 0 on success, 1 if ``--check`` found a stale file.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify the outputs are up to date")
    parser.add_argument("layers", nargs="*", default=list(LAYERS), help="layer ids to build")
    args = parser.parse_args(argv)
    texts = {OUT_DIR / f"{layer_id}.geojson": build_layer(layer_id) for layer_id in args.layers}
    return write_or_check(texts, check=args.check, rebuild="scripts/digitise_battles.py")


if __name__ == "__main__":
    sys.exit(main())
