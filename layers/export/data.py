"""The current time slice as data: GeoJSON (RFC 7946) and GeoPackage.

Both carry every property of every feature on the map at the date, in the chosen layers,
with full citations of the sources and a licence note:

- GeoJSON: one FeatureCollection; each feature gets its layer id in ``fef:layer``; the
  top-level foreign member ``metadata`` holds the date, layers (with licences and
  provenance), full citations and the licence note.
- GeoPackage: one table per layer (list and object properties as JSON text), a
  ``sources`` table with the full citations and an ``about`` table (title, date,
  licences, how the file was made).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from layers.export.credits import Credits, collect_credits
from layers.export.request import MapRequest
from layers.loading import Atlas
from layers.safetext import clean
from layers.slicing import slice_atlas

__all__ = [
    "LAYER_FIELD",
    "data_credits",
    "geojson_bytes",
    "geojson_document",
    "gpkg_bytes",
    "slice_rows",
    "write_gpkg",
]

#: Property added to each GeoJSON feature: the id of the atlas layer it comes from.
LAYER_FIELD = "fef:layer"
_GENERATOR = "Far East Frontiers 1918–1945 (layers.export)"


def slice_rows(atlas: Atlas, req: MapRequest) -> list[tuple[str, dict[str, Any], shapely.Geometry | None]]:
    """``(layer id, properties, geometry)`` of every feature on the map at the request's date."""
    out = []
    for lid, part in slice_atlas(atlas, req.date, req.layers).items():
        for props, geom in zip(part["properties"], part.geometry):
            out.append((lid, props, None if geom is None or shapely.is_missing(geom) else geom))
    return out


def data_credits(atlas: Atlas, rows: list[tuple[str, dict[str, Any], Any]]) -> Credits:
    """Credits (sources and licences) of the exported features."""
    return collect_credits(
        atlas,
        [(lid, list(p.get("sources") or []) + [str(f.get("source")) for f in p.get("figures") or []])
         for lid, p, _ in rows],
    )


def _metadata(atlas: Atlas, req: MapRequest, rows: list[Any], cred: Credits) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for lid, _, _ in rows:
        counts[lid] = counts.get(lid, 0) + 1
    return {
        "title": req.title,
        "date": req.date.isoformat(),
        "description": (
            "Features of the Far East Frontiers atlas that exist on this date: each feature's "
            "half-open interval [start_date, end_date) contains it."
        ),
        "crs": "EPSG:4326 (WGS 84 longitude, latitude; RFC 7946)",
        "layers": [
            {
                "id": lid,
                "title": atlas.specs[lid].title,
                "licence": atlas.specs[lid].licence,
                "provenance": atlas.specs[lid].provenance,
                "features": counts.get(lid, 0),
            }
            for lid in req.layers if lid in atlas.specs
        ],
        "licence": cred.licence_note(),
        "sources": {k: cred.citations[k] for k in cred.source_keys},
        "generated_by": _GENERATOR,
        "generated_on": dt.date.today().isoformat(),
    }


def _geometry_json(geom: shapely.Geometry | None) -> dict[str, Any] | None:
    if geom is None:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)  # RFC 7946 right-hand rule
    return mapping(geom)


def geojson_document(atlas: Atlas, req: MapRequest) -> dict[str, Any]:
    """The slice as an RFC 7946 FeatureCollection with a ``metadata`` member.

    Returns
    -------
    dict
    """
    rows = slice_rows(atlas, req)
    cred = data_credits(atlas, rows)
    feats = [
        {"type": "Feature", "properties": {**props, LAYER_FIELD: lid}, "geometry": _geometry_json(geom)}
        for lid, props, geom in rows
    ]
    return {"type": "FeatureCollection", "metadata": _metadata(atlas, req, rows, cred), "features": feats}


def geojson_bytes(atlas: Atlas, req: MapRequest) -> bytes:
    """UTF-8 GeoJSON text of :func:`geojson_document`."""
    doc = geojson_document(atlas, req)
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _column(values: list[Any]) -> list[Any]:
    """Cell values of one property: lists and objects as JSON text; mixed types as text.

    Text is stored in its displayed form (:func:`layers.safetext.clean`): SQLite text cells
    end at a NUL character, so a raw control character would silently cut the value short.
    """
    vals = [json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for v in values]
    vals = [clean(v) if isinstance(v, str) else v for v in vals]
    kinds = {type(v) for v in vals if v is not None}
    if len(kinds) > 1 and not kinds <= {int, float}:
        vals = [v if v is None or isinstance(v, str) else json.dumps(v) for v in vals]
    return vals


def _layer_frame(rows: list[tuple[str, dict[str, Any], Any]]) -> gpd.GeoDataFrame:
    keys: list[str] = []
    for _, props, _ in rows:
        keys.extend(k for k in props if k not in keys)
    frame = pd.DataFrame({k: _column([p.get(k) for _, p, _ in rows]) for k in keys})
    return gpd.GeoDataFrame(frame, geometry=[g for _, _, g in rows], crs="EPSG:4326")


def write_gpkg(atlas: Atlas, req: MapRequest, path: str | Path) -> dict[str, int]:
    """Write the slice as a GeoPackage.

    Parameters
    ----------
    atlas : Atlas
    req : MapRequest
    path : str or Path
        Output file (replaced if it exists).

    Returns
    -------
    dict of str to int
        Features written per layer table.
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    rows = slice_rows(atlas, req)
    cred = data_credits(atlas, rows)
    written: dict[str, int] = {}
    for lid in req.layers:
        part = [r for r in rows if r[0] == lid]
        if not part:
            continue
        gdf = _layer_frame(part)
        pyogrio.write_dataframe(gdf, path, layer=lid, driver="GPKG", geometry_type="Unknown",
                                promote_to_multi=False,
                                layer_options={"DESCRIPTION": atlas.specs[lid].title})
        written[lid] = len(gdf)
    bib = atlas.bibliography
    sources = pd.DataFrame(
        {
            "key": cred.source_keys,
            "citation": [cred.citations[k] for k in cred.source_keys],
            "short": [cred.short[k] for k in cred.source_keys],
            "type": [bib.entries[k].type if k in bib.entries else None for k in cred.source_keys],
            "url": [(bib.entries[k].url or None) if k in bib.entries else None for k in cred.source_keys],
            "reliability": [bib.entries[k].reliability if k in bib.entries else None for k in cred.source_keys],
        }
    )
    pyogrio.write_dataframe(sources, path, layer="sources", driver="GPKG")
    meta = _metadata(atlas, req, rows, cred)
    about = pd.DataFrame(
        {
            "key": ["title", "date", "description", "crs", "licence", "layers", "generated_by", "generated_on"],
            "value": [
                meta["title"], meta["date"], meta["description"], meta["crs"], meta["licence"],
                json.dumps(meta["layers"], ensure_ascii=False), meta["generated_by"], meta["generated_on"],
            ],
        }
    )
    pyogrio.write_dataframe(about, path, layer="about", driver="GPKG")
    return written


def gpkg_bytes(atlas: Atlas, req: MapRequest) -> bytes:
    """The GeoPackage of :func:`write_gpkg` as bytes (written through a temporary file)."""
    with tempfile.TemporaryDirectory(prefix="fef-gpkg-") as tmp:
        p = Path(tmp) / "slice.gpkg"
        write_gpkg(atlas, req, p)
        return p.read_bytes()
