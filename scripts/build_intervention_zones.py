"""Build the ``intervention_zones`` layer (prefix ``iz_``) from its source table.

``geodata/src/intervention_zones.toml`` holds, in readable form, the areas of 1919-1922 that
the sources describe by their limits rather than by garrison towns:

* the railway guard sectors allotted to the Allied contingents in spring 1919 (each from
  one named station to another, "inclusive" or "exclusive");
* the zones closed to Russian troops around the Japanese-held Ussuri railway under the
  Russo-Japanese agreement of April 1920 and its autumn 1920 revision;
* the Far Eastern Republic's territory at each stage, from its proclamation at
  Verkhneudinsk (April 1920) to its incorporation into the RSFSR (15 Nov 1922), drawn with
  modern first-order units of Natural Earth as stand-ins for the oblasts of the time.

A ``[[feature]]`` may carry the source audit (``sources_agree`` / ``sources_disagree``, the union of
its rows in ``sources/audit*.csv``); they are copied to the feature and any audited key missing
from ``sources`` is appended to it.

Station points are those of ``geodata/src/intervention.toml`` (with their sources) plus
the few extra ``[places]`` of this table. Geometry recipes:

``{type = "sector", via = [...], half_width_km = 10, exclude_start = false, exclude_end = false}``
    a railway section as a corridor: the station polyline buffered by ``half_width_km`` on
    each side. An end marked ``exclude_*`` (the source's "exclusive") is cut back by
    ``half_width_km + 2`` km so that the excluded station lies outside the corridor.
``{type = "band", lines = [[...], ...], half_width_km = 30, clip = "RU"}``
    a band around railway lines, clipped to a Natural Earth country (a zone limited by the
    frontier).
``{type = "admin1", towns = [...]}``
    the union of the modern Russian first-order units (faces of Natural Earth's 10 m admin-1
    lines inside Russia's outline) that contain the named towns, simplified by
    :data:`ADMIN1_SIMPLIFY_DEG`.
``{type = "point", place = "id"}``, ``{type = "circles", ...}``
    as in ``scripts/digitise_intervention.py``.

Natural Earth comes from the pinned registry wheels through ``scripts/basedata.py`` (cached;
nothing is copied by hand). The build is deterministic: ``--check`` fails when
``geodata/intervention_zones.geojson`` differs from what the table gives.

Usage::

    .venv/bin/python scripts/build_intervention_zones.py           # write the layer
    .venv/bin/python scripts/build_intervention_zones.py --check   # fail if it is stale
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import basedata as bd
import digitise_intervention as di

from layers.geojson_io import write_or_check

SRC = ROOT / "geodata" / "src" / "intervention_zones.toml"
OUT = ROOT / "geodata" / "intervention_zones.geojson"
PREFIX = "iz_"
#: Simplification of the admin-1 faces (degrees, about 1 km): far below their stated precision.
ADMIN1_SIMPLIFY_DEG = 0.01
#: Snapping of admin-1 lines onto the country outline and onto each other (degrees).
SNAP_EDGE_DEG = 0.05
SNAP_NODE_DEG = 0.01
#: Extra cut-back (km) beyond the half-width at an "exclusive" end.
EXCLUSIVE_MARGIN_KM = 2.0


def load_table(path: Path = SRC) -> dict[str, Any]:
    """Read the layer's source table.

    Parameters
    ----------
    path : pathlib.Path
        The TOML table.

    Returns
    -------
    dict
        The parsed table.
    """
    with path.open("rb") as fh:
        return tomllib.load(fh)


def all_places(table: dict[str, Any]) -> dict[str, di.Place]:
    """Places of ``intervention.toml`` plus this table's own ``[places]``.

    Parameters
    ----------
    table : dict
        This layer's parsed table.

    Returns
    -------
    dict of str to Place

    Raises
    ------
    ValueError
        If a place id is defined in both tables.
    """
    places = di.load_places(di.load_table())
    extra = di.load_places({"places": table.get("places", {})})
    clash = sorted(set(places) & set(extra))
    if clash:
        raise ValueError(f"place ids defined twice: {', '.join(clash)}")
    places.update(extra)
    return places


class Base:
    """Natural Earth geometry, read lazily from the cached registry wheels."""

    @cached_property
    def countries(self) -> dict[str, BaseGeometry]:
        """Natural Earth 10 m countries by ISO code."""
        return bd.read_ne_countries()

    def country(self, code: str) -> BaseGeometry:
        """A country clipped to the atlas area."""
        return shapely.clip_by_rect(self.countries[code], *bd.BBOX)

    @cached_property
    def russian_units(self) -> list[BaseGeometry]:
        """Faces of the Natural Earth admin-1 lines inside Russia (atlas area).

        The admin-1 lines and the country outline come from two Natural Earth editions and
        do not quite meet, so the lines are snapped onto the outline within
        :data:`SNAP_EDGE_DEG` and onto each other within :data:`SNAP_NODE_DEG` before the
        faces are formed.
        """
        ru = self.country("RU")
        edge = ru.boundary
        lines = bd.read_ne10("ne_10m_admin_1_states_provinces_lines", bd.BBOX)
        parts = [shapely.snap(g.intersection(ru.buffer(0.05)), edge, SNAP_EDGE_DEG)
                 for g in lines if g.intersects(ru.buffer(0.05))]
        net = shapely.union_all([edge, *parts])
        net = shapely.union_all([shapely.snap(net, net, SNAP_NODE_DEG)])  # re-node after snapping
        faces = list(shapely.polygonize(list(getattr(net, "geoms", [net]))).geoms)
        return [f for f in faces if ru.contains(f.representative_point())]

    def unit_at(self, lon: float, lat: float) -> BaseGeometry:
        """The one Russian admin-1 face containing a point."""
        hit = [f for f in self.russian_units if f.contains(Point(lon, lat))]
        if len(hit) != 1:
            raise ValueError(f"admin-1 face at {lon}, {lat}: {len(hit)} hits")
        return hit[0]


def _line(places: dict[str, di.Place], via: list[str]) -> LineString:
    missing = [k for k in via if k not in places]
    if missing:
        raise KeyError(f"unknown place(s): {', '.join(missing)}")
    return LineString([(places[k].lon, places[k].lat) for k in via])


def sector_geometry(recipe: dict[str, Any], places: dict[str, di.Place]) -> BaseGeometry:
    """A railway section from station to station as a corridor (see module docstring).

    Parameters
    ----------
    recipe : dict
        ``via``, ``half_width_km`` and optional ``exclude_start`` / ``exclude_end``.
    places : dict of str to Place

    Returns
    -------
    shapely.Geometry
        Polygon in EPSG:4326.
    """
    line = _line(places, list(recipe["via"]))
    half = float(recipe["half_width_km"]) * 1000.0
    cut = half + EXCLUSIVE_MARGIN_KM * 1000.0
    minx, miny, maxx, maxy = line.bounds
    fwd, inv = di._local_transformers((minx + maxx) / 2, (miny + maxy) / 2)
    metric = shapely.transform(line, fwd.transform, interleaved=False)
    start = cut if recipe.get("exclude_start", False) else 0.0
    end = metric.length - (cut if recipe.get("exclude_end", False) else 0.0)
    if end - start < 1000.0:
        raise ValueError(f"sector too short after exclusive cuts: {recipe['via']}")
    piece = substring(metric, start, end)
    buffered = piece.buffer(half, quad_segs=di.QUAD_SEGS)
    return shapely.transform(buffered, inv.transform, interleaved=False)


def build_geometry(recipe: dict[str, Any], places: dict[str, di.Place], base: Base,
                   ) -> tuple[BaseGeometry, list[str], bool]:
    """Make a feature's geometry from its recipe.

    Parameters
    ----------
    recipe : dict
        The feature's ``geometry`` table.
    places : dict of str to Place
    base : Base
        Natural Earth access.

    Returns
    -------
    geometry : shapely.Geometry
        Rounded, valid, in EPSG:4326.
    used : list of str
        Place ids used (their sources are added to the feature's).
    natural_earth : bool
        True when Natural Earth geometry went into the result.
    """
    kind = recipe["type"]
    natural_earth = False
    if kind == "sector":
        used = list(recipe["via"])
        geom = sector_geometry(recipe, places)
    elif kind == "band":
        parts = [list(p) for p in recipe["lines"]]
        used = [k for part in parts for k in part]
        lines = shapely.union_all([_line(places, part) for part in parts])
        geom = di.buffer_metric(lines, float(recipe["half_width_km"]) * 1000.0)
        geom = geom.intersection(base.country(recipe["clip"]))
        natural_earth = True
    elif kind == "admin1":
        used = list(recipe["towns"])
        faces = [base.unit_at(places[k].lon, places[k].lat) for k in used]
        geom = shapely.union_all(faces).simplify(ADMIN1_SIMPLIFY_DEG, preserve_topology=True)
        geom = shapely.clip_by_rect(geom, *bd.BBOX)  # snapped lines may overshoot the box
        natural_earth = True
    else:
        geom, used = di.build_geometry(recipe, places, {})
    geom = di.round_geometry(geom)
    if geom.geom_type == "GeometryCollection":
        geom = shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    if geom.is_empty or not geom.is_valid:
        raise ValueError(f"bad geometry from recipe {recipe}: {shapely.is_valid_reason(geom)}")
    return geom, list(dict.fromkeys(used)), natural_earth


def build_features(table: dict[str, Any], base: Base | None = None) -> list[dict[str, Any]]:
    """All features of the layer, in table order.

    Parameters
    ----------
    table : dict
        The parsed source table.
    base : Base, optional
        Natural Earth access (a fresh one by default).

    Returns
    -------
    list of dict
        GeoJSON features.

    Raises
    ------
    ValueError
        On an id without the layer prefix or used twice.
    """
    base = base or Base()
    places = all_places(table)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in table["feature"]:
        geom, used, ne = build_geometry(row["geometry"], places, base)
        props = di.with_proxy_reason({k: v for k, v in row.items() if k != "geometry"}, row["geometry"])
        fid = props["id"]
        if not fid.startswith(PREFIX) or fid in seen:
            raise ValueError(f"{fid}: bad or duplicate id")
        seen.add(fid)
        declared = list(props.get("sources", []))
        for key in [*props.get("sources_agree", []), *props.get("sources_disagree", [])]:
            if key not in declared:  # audited sources are cited in full (SCHEMA.md, "Audit properties")
                declared.append(key)
        if ne and "naturalearth_10m" not in declared:
            declared.append("naturalearth_10m")
        props["sources"] = di._merge_sources(declared, places, used)
        if props.get("end_date", "") == "":
            props["end_date"] = None
        out.append({"type": "Feature", "properties": di._order_properties(props),
                    "geometry": mapping(geom)})
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    text = di.render(build_features(load_table()))
    return write_or_check({OUT: text}, check=args.check,
                          rebuild="scripts/build_intervention_zones.py")


if __name__ == "__main__":
    sys.exit(main())
