"""Build the places, chronology and manchuria_1945 layers from the project's checked tables.

The readable sources are CSV files in ``geodata/src/`` (one row per feature, source keys
instead of URLs):

``places.csv``
    Every located place with its names, coordinate, precision and dates. Feature ids carry the
    ``pl_`` prefix. Other tables refer to places by these ids.
``chronology.csv``
    Dated events (``ev_`` prefix). ``place`` is the one place the event is drawn at (empty:
    ``null`` geometry); ``places`` lists the other places involved. ``end_date`` is already the
    exclusive end of SCHEMA.md (the day after a one-day event; a reduced-precision end means
    "through that period").
``manchuria_1945.csv``
    Axes, fortified regions and landings of August 1945 (``m45_`` prefix). ``geometry`` is
    ``point:<place>``, ``multipoint:<place>,<place>``, ``line:<place>,<place>,...`` (origin first)
    or ``xy:<lon>,<lat>``. A place reference may carry a schematic offset in degrees,
    ``<place>+<dlon>/<dlat>``, used only where a start point is not located (said in ``note``).
``figures.csv``
    Numbers per feature and per source (one row per figure; sources are never merged).
``sources/audit.csv``
    The source audit (SCHEMA.md, "Audit properties"): for every audited feature of these
    layers the builder adds ``sources_agree`` and ``sources_disagree`` (source keys, in
    table order) and appends any of those keys that ``sources`` lacks, so the popup cites them.

Run ``python scripts/build_research_layers.py`` to rewrite the three GeoJSON files, or add
``--check`` to fail when they are out of date. The output is deterministic: features keep the
table order, coordinates are rounded to 5 decimals and JSON keys keep a fixed order.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layers.geojson_io import dumps_features, write_or_check

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "geodata" / "src"
OUT = ROOT / "geodata"
SOURCES = ROOT / "sources"

#: Languages of the ``name:xx`` properties, in output order.
LANGS = ("ru", "ja", "zh", "mn", "ko")
#: Stand-in precision (m) for an event that is not drawn (null geometry).
UNLOCATED_PRECISION_M = 500_000.0
_REF = re.compile(r"^(?P<id>[a-z][a-z0-9_]*)(?:\+(?P<dx>-?[0-9.]+)/(?P<dy>-?[0-9.]+))?$")

Row = dict[str, str]
Feature = dict[str, Any]


class BuildError(ValueError):
    """A table row cannot be turned into a feature; the message names table, row and field."""


def read_table(name: str, src: Path = SRC) -> list[Row]:
    """Read one CSV table of ``geodata/src``.

    Parameters
    ----------
    name : str
        File name, e.g. ``"places.csv"``.
    src : Path, optional
        Folder holding the tables.

    Returns
    -------
    list of dict
        One dict per row, values stripped of surrounding white space.
    """
    with open(src / name, encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def split_keys(value: str) -> list[str]:
    """Split a ``;``-separated list, dropping empty items."""
    return [v.strip() for v in value.split(";") if v.strip()]


def rnd(x: float) -> float:
    """Round a coordinate to 5 decimals (about 1 m), as SCHEMA.md asks."""
    return round(float(x) + 0.0, 5)


def load_source_keys(sources_dir: Path = SOURCES) -> set[str]:
    """Every source key defined in ``sources/*.toml`` (the corrections file excepted).

    Parameters
    ----------
    sources_dir : Path, optional
        The ``sources/`` folder.

    Returns
    -------
    set of str
    """
    keys: set[str] = set()
    for path in sorted(sources_dir.glob("*.toml")):
        if path.name == "seed_corrections.toml":
            continue
        keys.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return keys


def figures_by_feature(rows: Iterable[Row]) -> dict[str, list[dict[str, Any]]]:
    """Group ``figures.csv`` rows into SCHEMA.md figure objects keyed by feature id.

    Parameters
    ----------
    rows : iterable of dict
        Rows of ``figures.csv``.

    Returns
    -------
    dict of str to list of dict
        Figure objects (``label``, ``value``, optional ``value_max``, ``unit``, ``note``,
        ``source``) in table order.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for i, r in enumerate(rows, start=2):
        try:
            fig: dict[str, Any] = {"label": r["label"], "value": _number(r["value"])}
        except ValueError as exc:
            raise BuildError(f"figures.csv line {i}: value {r['value']!r} ({exc})") from None
        if r.get("value_max"):
            fig["value_max"] = _number(r["value_max"])
        if r.get("unit"):
            fig["unit"] = r["unit"]
        fig["source"] = r["source"]
        if r.get("note"):
            fig["note"] = r["note"]
        out.setdefault(r["feature_id"], []).append(fig)
    return out


def audit_by_feature(folder: Path = SOURCES) -> dict[str, dict[str, list[str]]]:
    """Collect the audited source keys per feature from ``sources/audit*.csv``.

    Parameters
    ----------
    folder : Path, optional
        Where the audit tables are (``audit.csv`` and ``audit_<scope>.csv``, read in name order;
        columns ``feature_id``, ``sources_agree``, ``sources_disagree``, ...).

    Returns
    -------
    dict of str to dict
        ``{feature_id: {"sources_agree": [...], "sources_disagree": [...]}}``, keys unique and
        in table order; empty when there is no table.
    """
    out: dict[str, dict[str, list[str]]] = {}
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob("audit*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    for row in rows:
        entry = out.setdefault(row["feature_id"].strip(), {"sources_agree": [], "sources_disagree": []})
        for col in ("sources_agree", "sources_disagree"):
            for key in split_keys(row.get(col) or ""):
                if key not in entry[col]:
                    entry[col].append(key)
    return out


def apply_audit(layers: Mapping[str, list[Feature]], audit: Mapping[str, dict[str, list[str]]]) -> None:
    """Add ``sources_agree``/``sources_disagree`` to audited features, in place.

    Keys named there but missing from ``sources`` are appended to ``sources`` (after the
    feature's own), so every audited source is cited in full by the popup.

    Parameters
    ----------
    layers : mapping of str to list of features
    audit : mapping
        From :func:`audit_by_feature`.
    """
    for feats in layers.values():
        for f in feats:
            p = f["properties"]
            entry = audit.get(p["id"])
            if not entry:
                continue
            for col in ("sources_agree", "sources_disagree"):
                if entry[col]:
                    p[col] = list(entry[col])
                for key in entry[col]:
                    if key not in p["sources"]:
                        p["sources"].append(key)


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _dates(props: Feature, r: Row) -> None:
    props["start_date"] = r["start_date"]
    props["end_date"] = r["end_date"] or None
    if r.get("start_edtf"):
        props["start_date:edtf"] = r["start_edtf"]
    if r.get("end_edtf"):
        props["end_date:edtf"] = r["end_edtf"]


def build_places(rows: list[Row]) -> tuple[list[Feature], dict[str, tuple[float, float, float]]]:
    """Turn ``places.csv`` into Point features.

    Parameters
    ----------
    rows : list of dict
        Rows of ``places.csv``.

    Returns
    -------
    features : list of dict
        GeoJSON features of the ``places`` layer.
    coords : dict of str to (lon, lat, precision_m)
        Coordinates by place id, for the other layers.
    """
    feats: list[Feature] = []
    coords: dict[str, tuple[float, float, float]] = {}
    for r in rows:
        lon, lat, prec = rnd(r["lon"]), rnd(r["lat"]), float(r["precision_m"])
        coords[r["id"]] = (lon, lat, prec)
        props: Feature = {"id": r["id"], "name": r["name"]}
        for lang in LANGS:
            if r.get(f"name_{lang}"):
                props[f"name:{lang}"] = r[f"name_{lang}"]
        props["kind"] = r["kind"]
        _dates(props, r)
        desc = r["description"]
        if r.get("modern_name"):
            props["modern_name"] = r["modern_name"]
            desc += f" Modern name: {r['modern_name']}."
        props["description"] = desc
        props["sources"] = split_keys(r["sources"])
        props["location_precision_m"] = prec
        props["certainty"] = r["certainty"]
        if r.get("note"):
            props["note"] = r["note"]
        feats.append(_feature(props, {"type": "Point", "coordinates": [lon, lat]}))
    return feats, coords


def build_chronology(
    rows: list[Row],
    coords: Mapping[str, tuple[float, float, float]],
    figures: Mapping[str, list[dict[str, Any]]],
) -> list[Feature]:
    """Turn ``chronology.csv`` into event features (Point at ``place`` or null geometry).

    Parameters
    ----------
    rows : list of dict
        Rows of ``chronology.csv``.
    coords : mapping
        Place coordinates from :func:`build_places`.
    figures : mapping
        Figures by feature id from :func:`figures_by_feature`.

    Returns
    -------
    list of dict
    """
    feats: list[Feature] = []
    for r in rows:
        place = r["place"]
        related = split_keys(r["places"])
        for pid in ([place] if place else []) + related:
            if pid not in coords:
                raise BuildError(f"chronology.csv {r['id']}: unknown place {pid!r}")
        props: Feature = {"id": r["id"], "name": r["title"], "kind": "event"}
        _dates(props, r)
        props["description"] = r["description"]
        props["sources"] = split_keys(r["sources"])
        if place:
            geom: dict[str, Any] | None = {"type": "Point", "coordinates": list(coords[place][:2])}
            props["location_precision_m"] = coords[place][2]
            props["certainty"] = r["certainty"] or "approximate"
        else:
            geom = None
            props["location_precision_m"] = UNLOCATED_PRECISION_M
            props["certainty"] = r["certainty"] or "estimated"
        if r.get("side"):
            props["side"] = r["side"]
        props["campaign"] = r["campaign"]
        props["theme"] = r["theme"]
        if place or related:
            props["places"] = ([place] if place else []) + related
        if r["id"] in figures:
            props["figures"] = figures[r["id"]]
        if r.get("note"):
            props["note"] = r["note"]
        feats.append(_feature(props, geom))
    return feats


def parse_geometry(spec: str, coords: Mapping[str, tuple[float, float, float]]) -> dict[str, Any]:
    """Build a GeoJSON geometry from a ``manchuria_1945.csv`` geometry cell.

    Parameters
    ----------
    spec : str
        ``point:<ref>``, ``multipoint:<ref>,...``, ``line:<ref>,...`` or ``xy:<lon>,<lat>``,
        where ``<ref>`` is a place id optionally followed by ``+<dlon>/<dlat>``.
    coords : mapping
        Place coordinates from :func:`build_places`.

    Returns
    -------
    dict
        A GeoJSON geometry with coordinates rounded to 5 decimals.

    Raises
    ------
    BuildError
        For an unknown form or place.
    """
    kind, _, arg = spec.partition(":")
    if kind == "xy":
        lon, lat = (rnd(v) for v in arg.split(","))
        return {"type": "Point", "coordinates": [lon, lat]}
    pts = [_ref_coord(ref, coords) for ref in arg.split(",")]
    if kind == "point" and len(pts) == 1:
        return {"type": "Point", "coordinates": pts[0]}
    if kind == "multipoint" and len(pts) >= 2:
        return {"type": "MultiPoint", "coordinates": pts}
    if kind == "line" and len(pts) >= 2:
        return {"type": "LineString", "coordinates": pts}
    raise BuildError(f"bad geometry cell {spec!r}")


def _ref_coord(ref: str, coords: Mapping[str, tuple[float, float, float]]) -> list[float]:
    m = _REF.match(ref.strip())
    if not m or m["id"] not in coords:
        raise BuildError(f"unknown place reference {ref!r}")
    lon, lat, _ = coords[m["id"]]
    if m["dx"] is not None:
        lon, lat = lon + float(m["dx"]), lat + float(m["dy"])
    return [rnd(lon), rnd(lat)]


def build_manchuria(
    rows: list[Row],
    coords: Mapping[str, tuple[float, float, float]],
    figures: Mapping[str, list[dict[str, Any]]],
) -> list[Feature]:
    """Turn ``manchuria_1945.csv`` into features of the ``manchuria_1945`` layer.

    Parameters
    ----------
    rows : list of dict
        Rows of ``manchuria_1945.csv``.
    coords : mapping
        Place coordinates from :func:`build_places`.
    figures : mapping
        Figures by feature id.

    Returns
    -------
    list of dict
    """
    feats: list[Feature] = []
    for r in rows:
        try:
            geom = parse_geometry(r["geometry"], coords)
        except BuildError as exc:
            raise BuildError(f"manchuria_1945.csv {r['id']}: {exc}") from None
        props: Feature = {"id": r["id"], "name": r["name"], "kind": r["kind"]}
        _dates(props, r)
        props["description"] = r["description"]
        props["sources"] = split_keys(r["sources"])
        props["location_precision_m"] = float(r["location_precision_m"])
        props["certainty"] = r["certainty"]
        props["side"] = r["side"]
        props["campaign"] = "manchuria_1945"
        for key in ("front", "formation", "label"):
            if r.get(key):
                props[key] = r[key]
        if r["id"] in figures:
            props["figures"] = figures[r["id"]]
        if r.get("note"):
            props["note"] = r["note"]
        feats.append(_feature(props, geom))
    return feats


def _feature(props: Feature, geom: dict[str, Any] | None) -> Feature:
    return {"type": "Feature", "properties": props, "geometry": geom}


def check_references(layers: Mapping[str, list[Feature]], keys: set[str]) -> list[str]:
    """List source keys cited by the features (or their figures) but not defined.

    Parameters
    ----------
    layers : mapping of str to list of features
    keys : set of str
        Defined source keys (:func:`load_source_keys`).

    Returns
    -------
    list of str
        One message per missing key.
    """
    problems: list[str] = []
    for layer, feats in layers.items():
        for f in feats:
            p = f["properties"]
            cited = list(p["sources"]) + [fig["source"] for fig in p.get("figures", [])]
            cited += list(p.get("sources_agree", [])) + list(p.get("sources_disagree", []))
            problems += [f"{layer}: {p['id']} cites unknown source {k!r}" for k in cited if k not in keys]
    return problems


def dump(feats: list[Feature]) -> str:
    """Serialise a FeatureCollection deterministically (one feature per line)."""
    return dumps_features(feats)


def build(src: Path = SRC) -> dict[str, str]:
    """Build the three layers.

    Parameters
    ----------
    src : Path, optional
        Folder with the CSV tables.

    Returns
    -------
    dict of str to str
        GeoJSON text by layer id (``places``, ``chronology``, ``manchuria_1945``).
    """
    figures = figures_by_feature(read_table("figures.csv", src))
    places, coords = build_places(read_table("places.csv", src))
    layers = {
        "places": places,
        "chronology": build_chronology(read_table("chronology.csv", src), coords, figures),
        "manchuria_1945": build_manchuria(read_table("manchuria_1945.csv", src), coords, figures),
    }
    apply_audit(layers, audit_by_feature())
    ids = [f["properties"]["id"] for feats in layers.values() for f in feats]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    orphans = sorted(set(figures) - set(ids))
    problems = check_references(layers, load_source_keys())
    problems += [f"duplicate id {i}" for i in dupes] + [f"figures for unknown feature {i}" for i in orphans]
    if problems:
        raise BuildError("\n".join(problems))
    return {name: dump(feats) for name, feats in layers.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the GeoJSON files are out of date")
    args = ap.parse_args(argv)
    try:
        texts = build()
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    return write_or_check({OUT / f"{name}.geojson": text for name, text in texts.items()},
                          check=args.check, rebuild="scripts/build_research_layers.py")


if __name__ == "__main__":
    sys.exit(main())
