"""Load layers: parse, validate and turn each GeoJSON file into a GeoDataFrame.

A file that breaks the contract is refused as a whole with errors that name the file,
the feature and the field; the other layers load regardless, so the app can show them
with a warning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pydantic import ValidationError

from layers.catalog import default_data_dir, default_sources_dir, load_campaigns, load_specs
from layers.dates import interval_days
from layers.limits import ParseLimitError, loads_json, read_bounded
from layers.schema import Campaign, FeatureProperties, LayerSpec, SeedCorrection
from layers.sources import Bibliography, load_bibliography, load_corrections

__all__ = [
    "BOUNDS",
    "MAX_FILE_BYTES",
    "Atlas",
    "Layer",
    "LayerDataError",
    "load_atlas",
    "load_layer",
    "parse_layer",
]

#: Region every geometry must fall in: (west, south, east, north), degrees.
BOUNDS = (95.0, 30.0, 160.0, 62.0)
#: Largest layer file accepted (bytes); the bundled layers are far smaller.
MAX_FILE_BYTES = 20_000_000
_GEOM_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
_MAX_ERRORS = 50


@dataclass(frozen=True)
class LayerDataError:
    """One problem in a layer file.

    Parameters
    ----------
    file : str
        File name (``khalkhin_gol_1939.geojson``).
    message : str
        What is wrong.
    feature : str or None
        The feature's ``id`` (or ``#n`` when it has none).
    field : str or None
        The property or member that is wrong (``start_date``, ``geometry``...).
    """

    file: str
    message: str
    feature: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.feature is not None:
            where.append(f"feature {self.feature}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return ": ".join([", ".join(where), self.message])


class LayerLoadError(ValueError):
    """Raised by :func:`load_layer` when a file is refused; ``.errors`` lists why."""

    def __init__(self, errors: list[LayerDataError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:10])
        more = f"\n(+{len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__(shown + more)


@dataclass
class Layer:
    """A validated layer.

    Parameters
    ----------
    spec : LayerSpec
    gdf : geopandas.GeoDataFrame
        One row per feature: ``id``, ``name``, ``kind``, ``start_date``, ``end_date``,
        ``start_day``, ``end_day`` (int day numbers, half-open), ``certainty``, ``side``,
        ``campaign``, ``sources`` (list), ``properties`` (the full property dict) and
        ``geometry`` (EPSG:4326).
    """

    spec: LayerSpec
    gdf: gpd.GeoDataFrame

    @property
    def id(self) -> str:
        """The layer id."""
        return self.spec.id


@dataclass
class Atlas:
    """Everything the app, the exports and the tests read.

    Parameters
    ----------
    layers : dict of str to Layer
        Layers that loaded, in draw order.
    specs : dict of str to LayerSpec
        All valid specs (including layers whose data was refused).
    errors : list of LayerDataError
        Every problem found; layers with errors are absent from ``layers``.
    bibliography : Bibliography
    campaigns : dict of str to Campaign
    corrections : list of SeedCorrection
    """

    layers: dict[str, Layer]
    specs: dict[str, LayerSpec]
    errors: list[LayerDataError] = field(default_factory=list)
    bibliography: Bibliography = field(default_factory=Bibliography)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    corrections: list[SeedCorrection] = field(default_factory=list)

    def feature(self, feature_id: str) -> tuple[Layer, dict[str, Any]] | None:
        """Find a feature by id across layers; returns ``(layer, properties)``."""
        for layer in self.layers.values():
            hit = layer.gdf.index[layer.gdf["id"] == feature_id]
            if len(hit):
                return layer, layer.gdf.at[hit[0], "properties"]
        return None


def _feature_label(i: int, feat: Any) -> str:
    if isinstance(feat, dict):
        props = feat.get("properties")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            return props["id"][:80]
    return f"#{i + 1}"


def _bbox_ok(geom: shapely.Geometry) -> bool:
    x0, y0, x1, y1 = shapely.bounds(geom)
    w, s, e, n = BOUNDS
    return bool(w <= x0 and x1 <= e and s <= y0 and y1 <= n)


def parse_layer(
    data: bytes | str,
    spec: LayerSpec,
    *,
    file: str,
    bibliography: Bibliography | None = None,
) -> gpd.GeoDataFrame:
    """Validate a layer's GeoJSON text and build its GeoDataFrame.

    Parameters
    ----------
    data : bytes or str
        The file's content.
    spec : LayerSpec
        The layer's spec (for its id prefix and ``allow_unlocated``).
    file : str
        Name used in error messages.
    bibliography : Bibliography, optional
        When given, every source key must resolve and each feature needs a non-seed source.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    LayerLoadError
        With every problem found (up to 50), each naming the feature and field.
    """
    errors: list[LayerDataError] = []

    def err(message: str, feature: str | None = None, fld: str | None = None) -> None:
        errors.append(LayerDataError(file, message, feature, fld))

    try:
        doc = loads_json(data, file, max_bytes=MAX_FILE_BYTES)
    except ParseLimitError as exc:
        raise LayerLoadError([LayerDataError(file, exc.reason)]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise LayerLoadError([LayerDataError(file, "not a GeoJSON FeatureCollection", None, "type")])
    if "crs" in doc:
        err("RFC 7946 forbids a 'crs' member: coordinates must be plain WGS 84 lon/lat", None, "crs")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise LayerLoadError([LayerDataError(file, "'features' must be an array", None, "features")])

    props_out: list[FeatureProperties] = []
    raw_props: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry | None] = []
    seen: set[str] = set()
    for i, feat in enumerate(feats):
        if len(errors) >= _MAX_ERRORS:
            break
        label = _feature_label(i, feat)
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            err("not a GeoJSON Feature", label, "type")
            continue
        props = feat.get("properties")
        if not isinstance(props, dict):
            err("properties must be an object", label, "properties")
            continue
        try:
            model = FeatureProperties.model_validate(props)
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(p) for p in e["loc"]) or None
                err(e["msg"].removeprefix("Value error, "), label, loc)
            continue
        if not model.id.startswith(spec.prefix):
            err(f"id must start with the layer prefix {spec.prefix!r}", label, "id")
        if model.id in seen:
            err("duplicate id in this layer", label, "id")
        seen.add(model.id)
        if bibliography is not None:
            keys = list(model.sources) + [f.source for f in model.figures]
            for key in keys:
                if key not in bibliography:
                    err(f"source key {key!r} is not in the bibliography", label, "sources")
            if model.sources and all(bibliography.is_seed(k) for k in model.sources):
                err("cites only seed texts; add a better source", label, "sources")
        gj = feat.get("geometry", "missing")
        geom: shapely.Geometry | None = None
        if gj == "missing":
            err("the feature has no geometry member (use null if unlocated)", label, "geometry")
            continue
        if gj is None:
            if not spec.allow_unlocated:
                err("null geometry is not allowed in this layer", label, "geometry")
                continue
        else:
            if not isinstance(gj, dict) or gj.get("type") not in _GEOM_TYPES:
                kind = gj.get("type") if isinstance(gj, dict) else type(gj).__name__
                err(f"geometry type {kind!r} is not one of {sorted(_GEOM_TYPES)}", label, "geometry")
                continue
            try:
                geom = shapely.from_geojson(json.dumps(gj))
            except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
                err(f"unreadable geometry ({exc})", label, "geometry")
                continue
            if geom.is_empty:
                err("geometry is empty", label, "geometry")
                continue
            coords = shapely.get_coordinates(geom)
            if not np.isfinite(coords).all():
                err("geometry has non-finite coordinates", label, "geometry")
                continue
            if not shapely.is_valid(geom):
                err(f"invalid geometry: {shapely.is_valid_reason(geom)}", label, "geometry")
                continue
            if not _bbox_ok(geom):
                err(
                    "geometry lies outside the atlas region 95–160°E, 30–62°N "
                    "(are longitude and latitude swapped?)",
                    label,
                    "geometry",
                )
                continue
        props_out.append(model)
        raw_props.append(props)
        geoms.append(geom)
    if errors:
        raise LayerLoadError(errors)

    days = [interval_days(p.start_date, p.end_date) for p in props_out]
    gdf = gpd.GeoDataFrame(
        {
            "id": [p.id for p in props_out],
            "name": [p.name for p in props_out],
            "kind": [p.kind for p in props_out],
            "start_date": [p.start_date for p in props_out],
            "end_date": [p.end_date for p in props_out],
            "start_day": np.array([d[0] for d in days], dtype=np.int64),
            "end_day": np.array([d[1] for d in days], dtype=np.int64),
            "certainty": [p.certainty for p in props_out],
            "side": [p.side for p in props_out],
            "campaign": [p.campaign for p in props_out],
            "sources": [list(p.sources) for p in props_out],
            "properties": raw_props,
        },
        geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
    )
    gdf.attrs["layer"] = spec.id
    return gdf


def load_layer(
    spec: LayerSpec, data_dir: Path | None = None, bibliography: Bibliography | None = None
) -> Layer:
    """Load and validate ``<data_dir>/<spec.id>.geojson``.

    Raises
    ------
    LayerLoadError
        If the file is missing, unreadable or breaks the data contract.
    """
    path = Path(data_dir or default_data_dir()) / f"{spec.id}.geojson"
    try:
        data = read_bounded(path, MAX_FILE_BYTES, what="layer file")
    except ParseLimitError as exc:
        raise LayerLoadError([LayerDataError(path.name, exc.reason)]) from None
    return Layer(spec, parse_layer(data, spec, file=path.name, bibliography=bibliography))


def load_atlas(data_dir: Path | None = None, sources_dir: Path | None = None) -> Atlas:
    """Load every layer, the bibliography, campaigns and seed corrections.

    Nothing here raises for bad data: problems are collected in ``Atlas.errors`` and the
    layers that are fine are returned.

    Parameters
    ----------
    data_dir : Path, optional
        Defaults to :func:`layers.catalog.default_data_dir`.
    sources_dir : Path, optional
        Defaults to :func:`layers.catalog.default_sources_dir`.

    Returns
    -------
    Atlas
    """
    data_dir = Path(data_dir or default_data_dir())
    sources_dir = Path(sources_dir or default_sources_dir())
    bib = load_bibliography(sources_dir)
    specs, spec_errors = load_specs(data_dir)
    campaigns, camp_errors = load_campaigns(data_dir)
    corrections, corr_errors = load_corrections(sources_dir)
    errors = [LayerDataError(m.split(":", 1)[0], m.split(":", 1)[-1].strip()) for m in spec_errors]
    errors += [LayerDataError("sources/" + m.split(":", 1)[0], m.split(":", 1)[-1].strip()) for m in bib.errors]
    errors += [LayerDataError(m.split(":", 1)[0], m.split(":", 1)[-1].strip()) for m in camp_errors]
    errors += [LayerDataError("sources/" + m.split(":", 1)[0], m.split(":", 1)[-1].strip()) for m in corr_errors]
    layers: dict[str, Layer] = {}
    all_ids: dict[str, str] = {}
    for spec in specs.values():
        try:
            layer = load_layer(spec, data_dir, bib)
        except LayerLoadError as exc:
            errors.extend(exc.errors)
            continue
        dupes = [i for i in layer.gdf["id"] if i in all_ids]
        if dupes:
            errors.extend(
                LayerDataError(f"{spec.id}.geojson", f"id also used in layer {all_ids[d]}", d, "id")
                for d in dupes
            )
            continue
        all_ids.update({i: spec.id for i in layer.gdf["id"]})
        layers[spec.id] = layer
    for camp in campaigns.values():
        for lid in camp.layers:
            if lid not in specs:
                errors.append(
                    LayerDataError("campaigns.toml", f"campaign {camp.id!r} lists unknown layer {lid!r}", None, "layers")
                )
    for corr in corrections:
        for key in corr.sources + [corr.seed]:
            if key not in bib:
                errors.append(
                    LayerDataError("sources/seed_corrections.toml", f"source key {key!r} is not in the bibliography", corr.id, "sources")
                )
    return Atlas(layers, specs, errors, bib, campaigns, corrections)

