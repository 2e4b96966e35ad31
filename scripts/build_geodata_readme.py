"""Write geodata/README.md from the layer specs (provenance, licence, method, rebuild).

Run ``python scripts/build_geodata_readme.py``; ``--check`` exits 1 when the file is stale
(the test suite runs the check).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers.catalog import REPO_ROOT, load_specs

OUT = REPO_ROOT / "geodata" / "README.md"

HEAD = """# geodata/

The atlas' layers. Each layer is `<id>.geojson` (RFC 7946 FeatureCollection, EPSG:4326,
coordinates rounded to 5 decimals) described by `<id>.toml` (title, group, style,
licence, provenance). The data contract is [SCHEMA.md](SCHEMA.md); `python -m layers.validate`
checks it. Campaign presets are in [campaigns.toml](campaigns.toml).

This file is generated from the layer specs by `python scripts/build_geodata_readme.py`;
edit the specs, not this file.

## Licences

- Project data (hand-digitised features, descriptions, dates, figures): CC BY 4.0, unless a
  layer below says otherwise. Cite "Far East Frontiers 1918–1945 contributors".
- Lines and polygons derived from Natural Earth: public domain.
- Lines derived from GSHHG/WDB-II rivers (the Khalkhin Gol): LGPL-3.0; see
  [basemap/README.md](basemap/README.md).
- Facts come from the sources cited in every feature (`sources/*.toml`). Nothing here is
  copied from the seed texts or from the GPL reference tracings used by the tests.

## Rebuilding the derived files

| file | command |
|---|---|
| `basemap/basemap.geojson` | `python scripts/build_basemap.py` |
| `manchurian_frontiers.geojson`, `mongolian_frontiers.geojson` | `python scripts/build_frontiers.py` |
| layers generated from readable tables in `src/` | the scripts named in each layer's provenance below |
| this README | `python scripts/build_geodata_readme.py` |

## Layers
"""


def render() -> str:
    """The README text for the current specs."""
    specs, errors = load_specs(REPO_ROOT / "geodata")
    parts = [HEAD]
    parts.append("| layer | file | features | group | licence |\n|---|---|---|---|---|")
    counts = {}
    for lid in specs:
        doc = json.loads((REPO_ROOT / "geodata" / f"{lid}.geojson").read_text(encoding="utf-8"))
        counts[lid] = len(doc.get("features", []))
    for lid, spec in specs.items():
        parts.append(f"| {spec.title} | `{lid}.geojson` | {counts[lid]} | {spec.group} | {spec.licence} |")
    parts.append("")
    for lid, spec in specs.items():
        parts.append(f"### {spec.title} (`{lid}`)\n")
        parts.append(spec.description.strip() + "\n")
        parts.append(f"- **Licence:** {spec.licence}")
        parts.append(f"- **Provenance and method:** {spec.provenance.strip()}\n")
    for e in errors:
        parts.append(f"> spec problem: {e}\n")
    return "\n".join(parts).rstrip() + "\n"


def main() -> int:
    """Write or check the README."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if geodata/README.md is stale")
    args = ap.parse_args()
    text = render()
    if args.check:
        ok = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        if not ok:
            print("geodata/README.md is stale: run python scripts/build_geodata_readme.py")
        return 0 if ok else 1
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
