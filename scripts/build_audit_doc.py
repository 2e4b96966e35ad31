"""Write docs/audit.md, the readable form of the source audit in sources/audit*.csv.

The CSV is the record (one row per audited field); this script renders it as Markdown tables
grouped by layer, with the counts, and keeps the hand-written parts (method, open errors,
places that could not be located) from ``docs/audit_intro.md``. Deterministic; ``--check``
fails when docs/audit.md is out of date.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUDIT_FILES = sorted((ROOT / "sources").glob("audit*.csv"))  # audit.csv, audit_<scope>.csv
INTRO = ROOT / "docs" / "audit_intro.md"
OUT = ROOT / "docs" / "audit.md"
RESULTS = ("fixed", "disagrees", "agrees", "single source")


def layer_of_features(geodata: Path = ROOT / "geodata") -> dict[str, str]:
    """Map every feature id to its layer id."""
    out: dict[str, str] = {}
    for path in sorted(geodata.glob("*.geojson")):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            out[f["properties"]["id"]] = path.stem
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _keys(cell: str) -> str:
    return ", ".join(f"`{k.strip()}`" for k in cell.split(";") if k.strip()) or "—"


def render(rows: list[dict[str, str]], layers: dict[str, str], intro: str) -> str:
    """Render the audit rows as Markdown.

    Parameters
    ----------
    rows : list of dict
        Rows of sources/audit*.csv.
    layers : dict of str to str
        Layer id by feature id.
    intro : str
        Hand-written Markdown placed before the tables.

    Returns
    -------
    str
    """
    counts = Counter(r["result"] for r in rows)
    features = {r["feature_id"] for r in rows}
    lines = [intro.rstrip(), "", "## Counts", "",
             f"{len(rows)} audited claims on {len(features)} features: "
             + ", ".join(f"{counts[k]} {k}" for k in RESULTS) + ".", ""]
    by_layer: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_layer.setdefault(layers.get(r["feature_id"], "?"), []).append(r)
    for layer in sorted(by_layer):
        lines += [f"## Layer `{layer}`", "",
                  "| feature id | field | claim | sources agreeing | sources disagreeing | result | note |",
                  "|---|---|---|---|---|---|---|"]
        for r in by_layer[layer]:
            lines.append("| " + " | ".join([
                f"`{r['feature_id']}`", _cell(r["field"]), _cell(r["claim"]), _keys(r["sources_agree"]),
                _keys(r["sources_disagree"]), f"**{r['result']}**", _cell(r["note"]) or "—"]) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if docs/audit.md is out of date")
    args = ap.parse_args(argv)
    rows = []
    for path in AUDIT_FILES:
        with open(path, encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    text = render(rows, layer_of_features(), INTRO.read_text(encoding="utf-8"))
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("docs/audit.md is stale: run python scripts/build_audit_doc.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
