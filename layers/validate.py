"""Command line: check every layer, source and campaign against the data contract.

Usage::

    python -m layers.validate            # the whole atlas (with phases, tours, units tables)
    python -m layers.validate FILE ...   # only these layer files (still uses sources/)
    python -m layers.validate --layer MY.geojson   # check your own layer (GeoJSON/GeoPackage)

Exit status 0 when everything is valid, 1 otherwise; each problem is printed on one line
naming file, feature and field.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layers.campaign_data import check_campaign_files
from layers.catalog import default_data_dir, default_sources_dir, load_spec
from layers.loading import Atlas, LayerLoadError, load_atlas, parse_layer
from layers.sources import load_bibliography

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the validator; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m layers.validate", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="layer .geojson files (default: all)")
    parser.add_argument("--layer", action="append", default=[], type=Path, metavar="FILE",
                        help="check a user layer (GeoJSON or GeoPackage) as the dashboard's upload does")
    args = parser.parse_args(argv)
    if args.layer:
        return _check_user_layers(args.layer)
    if not args.files:
        atlas = load_atlas()
        for e in atlas.errors:
            print(e)
        # campaign maps: phases, tours and the units tables (geodata/SCHEMA.md, last section)
        campaign_problems = check_campaign_files(default_data_dir(), atlas.campaigns, atlas.specs, atlas.bibliography)
        for msg in campaign_problems:
            print(msg)
        n = sum(len(l.gdf) for l in atlas.layers.values())
        n_bad = len(atlas.errors) + len(campaign_problems)
        print(
            f"{len(atlas.layers)} layers, {n} features, {len(atlas.bibliography)} sources, "
            f"{len(atlas.corrections)} seed corrections: {n_bad} problems"
        )
        return 1 if n_bad else 0
    bib = load_bibliography(default_sources_dir())
    for msg in bib.errors:
        print(f"sources/{msg}")
    bad = bool(bib.errors)
    for path in args.files:
        try:
            spec = load_spec(path.with_suffix(".toml"))
            gdf = parse_layer(path.read_bytes(), spec, file=path.name, bibliography=bib)
            print(f"{path.name}: {len(gdf)} features OK")
        except LayerLoadError as exc:
            bad = True
            for e in exc.errors:
                print(e)
        except (OSError, ValueError) as exc:
            bad = True
            print(f"{path.name}: {exc}")
    return 1 if bad else 0


def _check_user_layers(paths: list[Path]) -> int:
    from layers.userlayers import UserLayerError, load_user_layer_file

    bib = load_bibliography(default_sources_dir())
    atlas = Atlas({}, {}, bibliography=bib)
    bad = False
    for path in paths:
        try:
            ul = load_user_layer_file(path, atlas)
        except UserLayerError as exc:
            bad = True
            for e in exc.errors:
                print(e)
            continue
        print(f"{ul.file}: {len(ul.layer.gdf)} features OK (layer {ul.id})")
        for note in ul.notes:
            print(f"{ul.file}: note: {note}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
