"""Build the campaign units layers from the order-of-battle tables.

``geodata/src/units_<campaign layer>.toml`` (units with dated positions, and movements; see
the section "Campaign maps" of ``geodata/SCHEMA.md``) becomes
``geodata/<campaign layer>_units.geojson`` beside its hand-written spec
``geodata/<campaign layer>_units.toml``:

- one Point feature per dated position of a unit (``kind = "unit"``, id
  ``<unit id>_<yyyymmdd of the start>``) with ``unit_id``, ``echelon``, ``unit_type``,
  ``parent``, ``sidc`` (from :mod:`layers.symbols`), ``side``, ``campaign``, ``phase``, the
  position's dates, precision, certainty, ``where`` and sources (the position's, then the unit's);
- one feature with null geometry per unit that has no citable position (listed, never drawn);
- one LineString per movement (``kind = "movement"``, origin → objective, ``unit``,
  ``phase``, ``curved``).

Every file is checked first (records, ids and prefixes, parents, phases of the campaign,
source keys in ``sources/``), and every feature is validated against the layer contract
before anything is written. Campaign layers without a units table are skipped.

Run ``python scripts/build_units.py`` to rewrite the files, or ``--check`` to fail (exit 1)
when one is out of date. Output is deterministic (file order, 5-decimal coordinates).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layers.campaign_data import (
    UNITS_LAYERS,
    CampaignDataError,
    check_units,
    load_units,
    unit_features,
    units_source_path,
)
from layers.catalog import SpecError, load_campaigns, load_spec
from layers.geojson_io import dumps_features, write_or_check
from layers.loading import LayerLoadError, parse_layer
from layers.sources import load_bibliography

ROOT = Path(__file__).resolve().parents[1]


class BuildError(ValueError):
    """A units table cannot be built; the message lists every problem."""


def build(data_dir: Path = ROOT / "geodata", sources_dir: Path = ROOT / "sources") -> dict[Path, str]:
    """Build every units layer whose table exists.

    Parameters
    ----------
    data_dir : Path
        The ``geodata/`` folder (tables in ``src/``, specs and output beside).
    sources_dir : Path
        The ``sources/`` folder.

    Returns
    -------
    dict of Path to str
        Output path and GeoJSON text.

    Raises
    ------
    BuildError
        Naming file, record and field of every problem found.
    """
    bib = load_bibliography(sources_dir)
    campaigns, camp_errors = load_campaigns(data_dir)
    out: dict[Path, str] = {}
    problems: list[str] = []
    for camp_layer, (layer_id, prefix, campaign_id) in UNITS_LAYERS.items():
        src = units_source_path(data_dir, camp_layer)
        if not src.exists():
            continue
        campaign = campaigns.get(campaign_id)
        if campaign is None:
            problems.append(f"{src.name}: campaign {campaign_id!r} is not readable in campaigns.toml "
                            f"({'; '.join(camp_errors) or 'missing'})")
            continue
        try:
            spec = load_spec(data_dir / f"{layer_id}.toml")
        except (SpecError, OSError) as exc:
            problems.append(f"{layer_id}.toml: {exc}")
            continue
        if spec.prefix != prefix:
            problems.append(f"{layer_id}.toml: prefix must be {prefix!r}, not {spec.prefix!r}")
            continue
        try:
            units = load_units(src)
        except CampaignDataError as exc:
            problems.extend(exc.problems)
            continue
        found = check_units(units, file=src.name, prefix=prefix, campaign=campaign, source_keys=bib)
        if found:
            problems.extend(found)
            continue
        text = dumps_features(unit_features(units, campaign))
        try:
            parse_layer(text, spec, file=f"{layer_id}.geojson", bibliography=bib)
        except LayerLoadError as exc:
            problems.extend(str(e) for e in exc.errors)
            continue
        out[data_dir / f"{layer_id}.geojson"] = text
    if problems:
        raise BuildError("\n".join(problems))
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if a GeoJSON file is out of date")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "geodata", help="geodata folder")
    ap.add_argument("--sources-dir", type=Path, default=ROOT / "sources", help="sources folder")
    args = ap.parse_args(argv)
    try:
        texts = build(args.data_dir, args.sources_dir)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    return write_or_check(texts, check=args.check, rebuild="scripts/build_units.py")


if __name__ == "__main__":
    sys.exit(main())
