"""Where the data lives, and the declarative specs that describe it.

A layer is ``geodata/<id>.geojson`` described by ``geodata/<id>.toml``; campaign presets
are ``geodata/campaigns.toml``; the bibliography is ``sources/*.toml``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from layers.limits import ParseLimitError, read_toml
from layers.schema import Campaign, LayerSpec

__all__ = [
    "REPO_ROOT",
    "SpecError",
    "default_data_dir",
    "default_sources_dir",
    "load_campaigns",
    "load_specs",
]

REPO_ROOT = Path(__file__).resolve().parents[1]


def default_data_dir() -> Path:
    """``geodata/`` of this checkout, or ``$FEF_DATA_DIR`` when set."""
    return Path(os.environ.get("FEF_DATA_DIR") or REPO_ROOT / "geodata")


def default_sources_dir() -> Path:
    """``sources/`` of this checkout, or ``$FEF_SOURCES_DIR`` when set."""
    return Path(os.environ.get("FEF_SOURCES_DIR") or REPO_ROOT / "sources")


class SpecError(ValueError):
    """A layer spec or campaign file is malformed; the message names file and field."""


def _pydantic_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "file"
        parts.append(f"field {loc!r}: {err['msg']}")
    return "; ".join(parts)


def load_spec(path: Path) -> LayerSpec:
    """Read one layer spec.

    Parameters
    ----------
    path : Path
        ``geodata/<id>.toml``; the layer id is the file's stem.

    Raises
    ------
    SpecError
        If the file is not TOML or does not match :class:`layers.schema.LayerSpec`.
    """
    try:
        raw = read_toml(path, what="layer spec")
    except ParseLimitError as exc:
        raise SpecError(str(exc)) from None
    raw.pop("id", None)
    try:
        return LayerSpec(id=path.stem, **raw)
    except ValidationError as exc:
        raise SpecError(f"{path.name}: {_pydantic_message(exc)}") from None


def load_specs(data_dir: Path) -> tuple[dict[str, LayerSpec], list[str]]:
    """Read every layer spec in ``data_dir`` that has a ``.geojson`` beside it.

    Returns
    -------
    specs : dict of str to LayerSpec
        Valid specs keyed by layer id, in draw order.
    errors : list of str
        One message per bad spec or per data file without a spec.
    """
    specs: dict[str, LayerSpec] = {}
    errors: list[str] = []
    data_dir = Path(data_dir)
    for gj in sorted(data_dir.glob("*.geojson")):
        toml_path = gj.with_suffix(".toml")
        if not toml_path.exists():
            errors.append(f"{gj.name}: no layer spec {toml_path.name} beside it")
            continue
        try:
            spec = load_spec(toml_path)
        except SpecError as exc:
            errors.append(str(exc))
            continue
        specs[spec.id] = spec
    ordered = dict(sorted(specs.items(), key=lambda kv: (kv[1].order, kv[0])))
    return ordered, errors


def load_campaigns(data_dir: Path) -> tuple[dict[str, Campaign], list[str]]:
    """Read ``campaigns.toml``.

    Returns
    -------
    campaigns : dict of str to Campaign
    errors : list of str
    """
    path = Path(data_dir) / "campaigns.toml"
    if not path.exists():
        return {}, [f"{path.name}: missing"]
    try:
        raw = read_toml(path, what="campaign file")
    except ParseLimitError as exc:
        return {}, [str(exc)]
    out: dict[str, Campaign] = {}
    errors: list[str] = []
    for key, table in raw.items():
        if not isinstance(table, dict):
            errors.append(f"{path.name}: [{key}] is not a table")
            continue
        try:
            out[key] = Campaign(id=key, **table)
        except (ValidationError, TypeError) as exc:
            msg = _pydantic_message(exc) if isinstance(exc, ValidationError) else str(exc)
            errors.append(f"{path.name}: [{key}] {msg}")
    return out, errors
