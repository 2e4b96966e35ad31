"""User layers: a GeoJSON or GeoPackage file of the user's own, shown like the atlas layers.

The file is checked against the same schema as the project's data
(:class:`layers.schema.FeatureProperties`), with defaults a user can live with:

- no ``start_date``/``end_date``: the feature is *undated* and shown at every date
  (``start_date`` 1850, open end) and marked ``user_undated``;
- no ``sources``: the feature is *unsourced* and cites only the upload itself (a
  bibliography entry made for the file) and is marked ``user_unsourced``; sources given as
  free text (not keys of the bibliography) are kept in ``user_sources``;
- no ``id``/``name``/``kind``/``description``/``certainty``: generated or defaulted
  (``approximate``); every feature gets a new id unique in the atlas (the file's own id,
  if any, is kept as ``user_id``);
- property keys are lower-cased and made safe (``POP 2020`` → ``pop_2020``); nested
  values become JSON text.

Every such default is stated in the feature's ``note``, so it shows in every popup and
export. Geometry: a declared CRS (GeoJSON ``crs`` member, GeoPackage CRS) is reprojected
to WGS 84; an unknown CRS, or projected coordinates without a CRS, are refused. Invalid
geometry is repaired with :func:`shapely.make_valid` (with a note) or refused with
:func:`shapely.is_valid_reason`. Limits: :data:`MAX_BYTES`, :data:`MAX_FEATURES`.

Any error refuses the whole file (nothing changes); each names file, feature and field.
An accepted file becomes a :class:`layers.loading.Layer` that :func:`with_user_layers`
adds to a *copy* of the atlas, so every export of the session includes it.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pydantic import ValidationError

from layers.dates import interval_days
from layers.limits import MAX_JSON_DEPTH, ParseLimitError, loads_json, read_bounded
from layers.loading import BOUNDS, Atlas, Layer, LayerDataError
from layers.schema import FeatureProperties, LayerSpec, Source, Style
from layers.sources import Bibliography

__all__ = [
    "MAX_BYTES",
    "MAX_FEATURES",
    "USER_COLOURS",
    "UserLayer",
    "UserLayerError",
    "is_user_layer",
    "load_user_layer_file",
    "read_user_layer",
    "user_layer_bundle",
    "with_user_layers",
    "write_user_bundle",
]

#: Largest file accepted (bytes).
MAX_BYTES = 20_000_000
#: Most features accepted in one file.
MAX_FEATURES = 20_000
#: Colours of the first, second, ... user layer (distinct from the atlas' palette).
USER_COLOURS = ("#d6336c", "#0c8599", "#e67700", "#5f3dc4", "#2b8a3e")
#: Start date given to undated features: before the date bar begins, so always shown.
UNDATED_START = "1850"

_GEOM_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
_MAX_ERRORS = 50
_KEY_BAD = re.compile(r"[^a-z0-9_:]+")
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED = {"id", "name", "kind", "start_date", "end_date", "description", "sources", "certainty",
             "location_precision_m", "note", "side", "campaign", "figures", "label", "start_date:edtf",
             "end_date:edtf"}
_GPKG_MAGIC = b"SQLite format 3\x00"


class UserLayerError(ValueError):
    """The file was refused; ``.errors`` lists why (each naming file, feature, field)."""

    def __init__(self, errors: list[LayerDataError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:10])
        more = f"\n(+{len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__(shown + more)

    def one_line(self) -> str:
        """The first problem, plus how many more there are."""
        more = f" (+{len(self.errors) - 1} more problem(s))" if len(self.errors) > 1 else ""
        return f"{self.errors[0]}{more}"


@dataclass
class UserLayer:
    """An accepted user file.

    Parameters
    ----------
    layer : Layer
        Spec and GeoDataFrame, like an atlas layer.
    source : Source
        The bibliography entry standing for the file itself.
    file : str
        The file's name.
    digest : str
        SHA-256 of the file's bytes (hex): the same file gives the same layer.
    notes : list of str
        Defaults applied and repairs made (one line each).
    """

    layer: Layer
    source: Source
    file: str
    digest: str
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The layer id."""
        return self.layer.spec.id


def is_user_layer(layer: Layer) -> bool:
    """Whether a layer came from a user's file."""
    return bool(layer.gdf.attrs.get("user_layer"))


# ---- reading ----------------------------------------------------------------------------


def _fail(file: str, message: str, feature: str | None = None, fld: str | None = None) -> UserLayerError:
    return UserLayerError([LayerDataError(file, message, feature, fld)])


def _crs_of_member(crs: Any, file: str) -> Any:
    """pyproj CRS of a GeoJSON 2008 ``crs`` member (named CRS only)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) and isinstance(
        crs.get("properties"), dict) else None
    if not isinstance(name, str) or not name.strip():
        raise _fail(file, "the 'crs' member must name a CRS, e.g. "
                    '{"type": "name", "properties": {"name": "EPSG:3857"}}', None, "crs")
    m = re.fullmatch(r"urn:ogc:def:crs:OGC:(?:1\.3)?:CRS84", name.strip())
    try:
        return CRS.from_user_input("OGC:CRS84" if m else name.strip()[:200])
    except CRSError:
        raise _fail(file, f"unknown CRS {name[:80]!r}: give an EPSG code, e.g. EPSG:4326", None, "crs") from None


def _read_geojson(data: bytes, file: str) -> tuple[list[tuple[str, Any, Any]], Any]:
    """``[(label, properties, geometry mapping or None)]`` and the declared CRS (or None)."""
    try:
        doc = loads_json(data, file, max_bytes=MAX_BYTES, max_depth=MAX_JSON_DEPTH)
    except ParseLimitError as exc:
        raise _fail(file, exc.reason) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc], **({"crs": doc["crs"]} if "crs" in doc else {})}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise _fail(file, "not a GeoJSON FeatureCollection", None, "type")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise _fail(file, "'features' must be an array", None, "features")
    if len(feats) > MAX_FEATURES:
        raise _fail(file, f"{len(feats):,} features; the limit is {MAX_FEATURES:,}", None, "features")
    crs = _crs_of_member(doc["crs"], file) if doc.get("crs") is not None else None
    out = []
    errors: list[LayerDataError] = []
    for i, f in enumerate(feats):
        label = f"#{i + 1}"
        if not isinstance(f, dict) or f.get("type") != "Feature":
            errors.append(LayerDataError(file, "not a GeoJSON Feature", label, "type"))
            continue
        props = f.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            errors.append(LayerDataError(file, "properties must be an object", label, "properties"))
            continue
        if "id" in f and "id" not in props and isinstance(f["id"], (str, int)):
            props = {**props, "id": f["id"]}
        out.append((label, props, f.get("geometry")))
        if len(errors) >= _MAX_ERRORS:
            break
    if errors:
        raise UserLayerError(errors)
    return out, crs


def _plain(value: Any) -> Any:
    """A GeoPackage cell as a JSON-like Python value."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return None if math.isnan(v) else v
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 and getattr(value, "minute", 0) == 0 \
            else value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def _read_gpkg(data: bytes, file: str) -> tuple[list[tuple[str, Any, Any]], Any]:
    import warnings

    import pyogrio

    if len(data) > MAX_BYTES:
        raise _fail(file, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    try:
        with warnings.catch_warnings():
            # GDAL warns that an in-memory file has no .gpkg extension: irrelevant here
            warnings.simplefilter("ignore", RuntimeWarning)
            names = pyogrio.list_layers(io.BytesIO(data))
            if len(names) == 0:
                raise _fail(file, "the GeoPackage has no layer")
            layer = str(names[0][0])
            info = pyogrio.read_info(io.BytesIO(data), layer=layer)
            if info.get("features", 0) > MAX_FEATURES:
                raise _fail(file, f"{info['features']:,} features; the limit is {MAX_FEATURES:,}", None, "features")
            gdf = pyogrio.read_dataframe(io.BytesIO(data), layer=layer)
    except UserLayerError:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL raises many types for a broken file
        raise _fail(file, f"not a readable GeoPackage ({str(exc)[:200]})") from None
    if gdf.crs is None:
        raise _fail(file, f"layer {layer!r} has no CRS: set one (e.g. EPSG:4326) before exporting it", None, "crs")
    out = []
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    geoms = gdf.geometry.array
    for i in range(len(gdf)):
        props = {str(c): _plain(gdf[c].iat[i]) for c in cols}
        props = {k: v for k, v in props.items() if v is not None}
        g = geoms[i]
        out.append((f"#{i + 1}", props, g))
    return out, gdf.crs


def _safe_key(key: str) -> str:
    k = _KEY_BAD.sub("_", key.strip().lower()).strip("_")
    if not k or not k[0].isalpha():
        k = "x_" + k
    return k[:60]


def _scalar(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
        return value
    return json.dumps(value, ensure_ascii=False)[:2000]


def _slug(file: str) -> str:
    stem = Path(file).stem.lower()
    s = re.sub(r"[^a-z0-9]+", "_", stem).strip("_")
    if not s or not s[0].isalpha():
        s = "layer_" + s
    return s[:30].rstrip("_")


def _props_for(
    raw: dict[str, Any], i: int, prefix: str, source_key: str, bib: Bibliography | None
) -> tuple[dict[str, Any], list[str]]:
    """The feature's properties in the project's schema, and the defaults applied."""
    applied: list[str] = []
    out: dict[str, Any] = {}
    renamed = 0
    for k, v in raw.items():
        key = str(k) if str(k) in _RESERVED or str(k).startswith("name:") else _safe_key(str(k))
        if key != k:
            renamed += 1
        if key in out:
            continue
        out[key] = v
    extra = {k: _scalar(v) for k, v in out.items() if k not in _RESERVED}
    props: dict[str, Any] = {}
    if "id" in out and out["id"] is not None:
        props["user_id"] = str(out["id"])[:200]
    props["id"] = f"{prefix}{i + 1}"
    name = out.get("name") or out.get("title") or extra.get("label")
    props["name"] = str(name)[:300] if isinstance(name, (str, int, float)) and str(name).strip() else f"Feature {i + 1}"
    kind = out.get("kind")
    props["kind"] = kind if isinstance(kind, str) and re.fullmatch(r"[a-z_]{1,40}", kind) else "user_feature"
    undated = out.get("start_date") in (None, "")
    props["start_date"] = UNDATED_START if undated else out["start_date"]
    props["end_date"] = out.get("end_date") if out.get("end_date") not in ("",) else None
    if undated:
        applied.append("undated: shown at every date")
    desc = out.get("description")
    props["description"] = str(desc) if isinstance(desc, str) and desc.strip() else "No description given."
    srcs = out.get("sources")
    if isinstance(srcs, str):
        srcs = [s.strip() for s in re.split(r"[;\n]", srcs) if s.strip()]
    keys: list[str] = []
    free: list[str] = []
    for s in srcs if isinstance(srcs, list) else []:
        if isinstance(s, str) and bib is not None and s in bib:
            keys.append(s)
        elif isinstance(s, (str, int, float)) and str(s).strip():
            free.append(str(s).strip())
    if free:
        props["user_sources"] = "; ".join(free)[:2000]
    if not keys:
        props["user_unsourced"] = True
        applied.append("no source from the atlas bibliography" + (" (sources given as text kept)" if free else ""))
    props["sources"] = [*keys, source_key]
    cert = out.get("certainty")
    props["certainty"] = cert if cert is not None else "approximate"
    if cert is None:
        applied.append("certainty not given")
    for k in ("side", "campaign", "label", "figures", "location_precision_m", "start_date:edtf", "end_date:edtf"):
        if out.get(k) is not None:
            props[k] = out[k]
    for k, v in out.items():
        if k.startswith("name:") and isinstance(v, str) and v.strip():
            props[k] = v
    props.update({k: v for k, v in extra.items() if not k.startswith("name:") and k not in props})
    if undated:
        props["user_undated"] = True
    if renamed:
        applied.append(f"{renamed} property key(s) renamed to a-z, 0-9, _")
    note = "Your upload, not checked by the project"
    if applied:
        note += ": " + "; ".join(applied)
    user_note = out.get("note")
    props["note"] = (f"{user_note} — " if isinstance(user_note, str) and user_note.strip() else "") + note + "."
    return props, applied


def _to_shapely(g: Any, label: str, file: str, errors: list[LayerDataError]) -> shapely.Geometry | None | bool:
    """Shapely geometry; ``None`` for a null geometry; ``False`` after recording an error."""
    if g is None:
        return None
    if isinstance(g, shapely.Geometry):
        geom = g
    else:
        if not isinstance(g, dict) or g.get("type") not in _GEOM_TYPES:
            kind = g.get("type") if isinstance(g, dict) else type(g).__name__
            errors.append(LayerDataError(file, f"geometry type {kind!r} is not one of {sorted(_GEOM_TYPES)}",
                                         label, "geometry"))
            return False
        try:
            geom = shapely.from_geojson(json.dumps(g))
        except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
            errors.append(LayerDataError(file, f"unreadable geometry ({str(exc)[:160]})", label, "geometry"))
            return False
    if geom.geom_type not in _GEOM_TYPES:
        errors.append(LayerDataError(file, f"geometry type {geom.geom_type!r} is not one of {sorted(_GEOM_TYPES)}",
                                     label, "geometry"))
        return False
    if geom.is_empty:
        errors.append(LayerDataError(file, "geometry is empty", label, "geometry"))
        return False
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        errors.append(LayerDataError(file, "geometry has non-finite coordinates", label, "geometry"))
        return False
    return geom


def _repair(geom: shapely.Geometry) -> shapely.Geometry | None:
    """:func:`shapely.make_valid`, keeping only parts of the original dimension."""
    fixed = shapely.make_valid(geom)
    dim = shapely.get_dimensions(geom)
    parts = [p for p in getattr(fixed, "geoms", [fixed]) if shapely.get_dimensions(p) == dim and not p.is_empty]
    if not parts:
        return None
    if len(parts) == 1 and parts[0].geom_type in _GEOM_TYPES:
        return parts[0]
    if dim == 2:
        return shapely.MultiPolygon([q for p in parts for q in getattr(p, "geoms", [p])])
    if dim == 1:
        return shapely.MultiLineString([q for p in parts for q in getattr(p, "geoms", [p])])
    return shapely.MultiPoint([q for p in parts for q in getattr(p, "geoms", [p])])


def read_user_layer(
    data: bytes,
    filename: str,
    atlas: Atlas | None = None,
    *,
    index: int = 1,
) -> UserLayer:
    """Check a user's GeoJSON or GeoPackage file and make it a layer.

    Parameters
    ----------
    data : bytes
        The file's content (a GeoPackage is recognised by its bytes, not its name).
    filename : str
        Shown in messages and in the layer's title.
    atlas : Atlas, optional
        For source keys that resolve and ids that must not clash.
    index : int
        1 for the session's first user layer, 2 for the second... (picks the colour).

    Returns
    -------
    UserLayer

    Raises
    ------
    UserLayerError
        With every problem found (up to 50), each naming file, feature and field.
    """
    file = Path(str(filename)).name[:120] or "upload"
    if not isinstance(data, (bytes, bytearray)):
        raise _fail(file, "no file content")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise _fail(file, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    if not data.strip():
        raise _fail(file, "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    is_gpkg = data.startswith(_GPKG_MAGIC)
    items, crs = _read_gpkg(data, file) if is_gpkg else _read_geojson(data, file)
    if not items:
        raise _fail(file, "the file has no features", None, "features")
    if len(items) > MAX_FEATURES:
        raise _fail(file, f"{len(items):,} features; the limit is {MAX_FEATURES:,}", None, "features")

    h = digest[:8]
    lid = f"user_{_slug(file)}_{h}"
    prefix = f"u{h}_"
    source_key = f"user_upload_{h}"
    bib = atlas.bibliography if atlas is not None else None
    notes: list[str] = []
    errors: list[LayerDataError] = []

    def err(message: str, feature: str | None = None, fld: str | None = None) -> None:
        errors.append(LayerDataError(file, message, feature, fld))

    # geometries, reprojected in one go
    geoms: list[shapely.Geometry | None] = []
    keep: list[int] = []
    for n, (label, _props, g) in enumerate(items):
        got = _to_shapely(g, label, file, errors)
        if got is False:
            continue
        keep.append(n)
        geoms.append(got)  # type: ignore[arg-type]
        if len(errors) >= _MAX_ERRORS:
            break
    if errors:
        raise UserLayerError(errors)
    located = [g for g in geoms if g is not None]
    if not located:
        raise _fail(file, "no feature has a geometry", None, "geometry")
    if crs is not None and not crs.equals("OGC:CRS84") and not crs.equals("EPSG:4326"):
        from pyproj import Transformer
        from pyproj.exceptions import ProjError

        try:
            tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            arr = shapely.transform(np.array(geoms, dtype=object), lambda xy: np.column_stack(tr.transform(
                xy[:, 0], xy[:, 1], errcheck=True)))
        except (ProjError, ValueError) as exc:
            raise _fail(file, f"cannot reproject from {crs.to_string()[:60]} ({str(exc)[:120]})", None, "crs") from None
        geoms = list(arr)
        notes.append(f"reprojected from {crs.to_string()[:60]} to WGS 84")
    elif crs is None:
        xy = np.concatenate([shapely.get_coordinates(g) for g in located])
        if (np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any():
            raise _fail(file, "coordinates are not longitude/latitude degrees and no CRS is declared: add a "
                        "'crs' member or save the file as EPSG:4326", None, "crs")

    props_out: list[dict[str, Any]] = []
    models: list[FeatureProperties] = []
    geoms_out: list[shapely.Geometry | None] = []
    w, s, e, nb = BOUNDS
    region = shapely.box(w, s, e, nb)
    repaired = partly_out = defaulted = 0
    for n, geom in zip(keep, geoms, strict=True):
        label, raw, _g = items[n]
        props, applied = _props_for(raw, n, prefix, source_key, bib)
        label = f"#{n + 1}" + (f" ({props['user_id'][:40]})" if "user_id" in props else "")
        defaulted += bool(applied)
        try:
            # the schema wants a precision; an unknown one is left out of the shown properties
            model = FeatureProperties.model_validate({"location_precision_m": 1.0, **props})
        except ValidationError as exc:
            for ve in exc.errors():
                loc = ".".join(str(p) for p in ve["loc"]) or None
                err(ve["msg"].removeprefix("Value error, "), label, loc)
            continue
        for fig in model.figures:
            if bib is None or fig.source not in bib:
                err(f"figure source {fig.source!r} is not in the bibliography", label, "figures")
        if geom is not None:
            if not shapely.is_valid(geom):
                reason = shapely.is_valid_reason(geom)
                fixed = _repair(geom)
                if fixed is None or fixed.is_empty:
                    err(f"invalid geometry that cannot be repaired: {reason}", label, "geometry")
                    continue
                geom = fixed
                repaired += 1
                props["note"] = props["note"].rstrip(".") + f"; geometry repaired ({reason})."
            if not shapely.intersects(geom, region):
                err("geometry lies outside the atlas region 95–160°E, 30–62°N (are longitude and latitude "
                    "swapped, or is a CRS missing?)", label, "geometry")
                continue
            if not shapely.within(geom, region):
                partly_out += 1
        models.append(model)
        props_out.append(props)
        geoms_out.append(geom)
        if len(errors) >= _MAX_ERRORS:
            break
    if errors:
        raise UserLayerError(errors)
    if repaired:
        notes.append(f"{repaired} invalid geometr{'y' if repaired == 1 else 'ies'} repaired with make_valid")
    if partly_out:
        notes.append(f"{partly_out} feature(s) reach beyond the atlas region; prints show only the part inside")
    if defaulted:
        notes.append(f"{defaulted} feature(s) undated, unsourced or without certainty: marked so in their popups")

    colour = USER_COLOURS[(index - 1) % len(USER_COLOURS)]
    title = f"Your layer: {Path(file).stem[:60]}"
    spec = LayerSpec(
        id=lid, title=title, group="context", prefix=prefix, order=1000 + index, default_visible=True,
        description=f"Uploaded from {file}: not checked by the project.", licence="as given by the uploader",
        provenance=f"Uploaded by the user of this session ({file}, sha256 {digest[:16]}…).",
        allow_unlocated=True,
        style=Style(color=colour, weight=3.0, opacity=0.95, fill_color=colour, fill_opacity=0.25, radius=6.0),
    )
    source = Source(
        key=source_key, type="dataset", title=f"Your upload: {file}"[:300],
        reliability="Uploaded by the user of this session; not checked by the project.",
        note=f"sha256 {digest}",
    )
    days = [interval_days(p.start_date, p.end_date) for p in models]
    gdf = gpd.GeoDataFrame(
        {
            "id": [p.id for p in models],
            "name": [p.name for p in models],
            "kind": [p.kind for p in models],
            "start_date": [p.start_date for p in models],
            "end_date": [p.end_date for p in models],
            "start_day": np.array([d[0] for d in days], dtype=np.int64),
            "end_day": np.array([d[1] for d in days], dtype=np.int64),
            "certainty": [p.certainty for p in models],
            "side": [p.side for p in models],
            "campaign": [p.campaign for p in models],
            "sources": [list(p.sources) for p in models],
            "properties": props_out,
        },
        geometry=gpd.GeoSeries(geoms_out, crs="EPSG:4326"),
    )
    gdf.attrs["layer"] = lid
    gdf.attrs["user_layer"] = True
    return UserLayer(Layer(spec, gdf), source, file, digest, notes)


def load_user_layer_file(path: str | Path, atlas: Atlas | None = None, *, index: int = 1) -> UserLayer:
    """:func:`read_user_layer` on a file, reading at most :data:`MAX_BYTES`."""
    p = Path(path)
    try:
        data = read_bounded(p, MAX_BYTES, what="layer file")
    except ParseLimitError as exc:
        raise _fail(exc.file, exc.reason) from None
    return read_user_layer(data, p.name, atlas, index=index)


def with_user_layers(atlas: Atlas, user_layers: list[UserLayer]) -> Atlas:
    """A copy of ``atlas`` with the user layers drawn on top (the original is unchanged).

    Layers and bibliography are new containers; the atlas' own layers are shared, not
    copied (they are never modified).
    """
    if not user_layers:
        return atlas
    layers = dict(atlas.layers)
    specs = dict(atlas.specs)
    entries = dict(atlas.bibliography.entries)
    for ul in user_layers:
        if ul.id in layers and not is_user_layer(layers[ul.id]):
            raise ValueError(f"layer id {ul.id} is already used by the atlas")
        layers[ul.id] = ul.layer
        specs[ul.id] = ul.layer.spec
        entries[ul.source.key] = ul.source
    bib = Bibliography(entries, dict(atlas.bibliography.files), list(atlas.bibliography.errors))
    return replace(atlas, layers=layers, specs=specs, bibliography=bib, errors=list(atlas.errors),
                   campaigns=dict(atlas.campaigns), corrections=list(atlas.corrections))


_BADGE_STYLE = ("display:inline-block;margin:2px 0 4px;padding:1px 6px;border-radius:3px;"
                "background:#fff3bf;color:#5c3c00;font-size:11px;font-weight:600")


def user_layer_bundle(atlas: Atlas, layer: Layer) -> dict[str, Any]:
    """The display bundle of a user layer: :func:`layers.bundle.layer_bundle` plus a badge.

    Popups of undated or unsourced features get a visible badge under the name
    ("Your upload · undated · unsourced"); the texts are fixed, never from the data.
    """
    from layers.bundle import layer_bundle

    b = copy.deepcopy(layer_bundle(atlas, layer))
    flags = {str(p["id"]): p for p in layer.gdf["properties"]}
    for f in b["features"]:
        p = flags.get(f["i"], {})
        words = ["Your upload"]
        if p.get("user_undated"):
            words.append("undated: shown at every date")
        if p.get("user_unsourced"):
            words.append("unsourced")
        badge = f'<div class="fef-user-badge" style="{_BADGE_STYLE}">{" · ".join(words)}</div>'
        # names are escaped by popup_html, so the first "</h4>" is the one it wrote
        f["p"] = f["p"].replace("</h4>", "</h4>" + badge, 1)
        if p.get("user_undated") and p.get("end_date") is None:
            f["p"] = f["p"].replace(f'<div class="fef-dates">from {UNDATED_START}</div>',
                                    '<div class="fef-dates">Undated</div>', 1)
            f["t"] = f["t"].replace(f"<br>from {UNDATED_START}", "<br>undated", 1)
    return b


def write_user_bundle(atlas: Atlas, ul: UserLayer, folder: Path, *, max_age_s: float = 86400.0) -> dict[str, Any]:
    """Write a user layer's bundle into the map component's folder; the map's entry for it.

    The file is named by the SHA-256 of its text (unguessable, and the same upload
    gives the same file), in ``<folder>/user/``; files older than ``max_age_s`` are removed.

    Parameters
    ----------
    atlas : Atlas
        The session's atlas, holding ``ul`` (for its bibliography entry).
    ul : UserLayer
    folder : Path
        The component folder (:func:`layers.webmap.write_component_dir`).

    Returns
    -------
    dict
        ``{"id", "title", "order", "url"}`` for the component's ``user_layers`` argument,
        the URL relative to the component page.
    """
    import time

    from layers.bundle import bundle_json

    text = bundle_json(user_layer_bundle(atlas, ul.layer))
    name = hashlib.sha256(text.encode("utf-8")).hexdigest() + ".json"
    out = Path(folder) / "user"
    out.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in out.glob("*.json"):
        if old.name != name and now - old.stat().st_mtime > max_age_s:
            old.unlink(missing_ok=True)
    target = out / name
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return {"id": ul.id, "title": ul.layer.spec.title, "order": ul.layer.spec.order, "url": f"user/{name}"}
