"""The audit of the orders of battle (sources/audit_units.csv) against the units layers.

The units tables (geodata/src/units_*.toml) carry ``sources_agree``/``sources_disagree`` on
each audited position, movement or unlocated unit, and scripts/build_units.py copies them to
the features. Here: every units feature carries exactly the union of its audit rows (no row
left out of the data, no key in the data without a row), every audited key is cited, and
the library refuses audit keys on a drawn unit (they belong on its positions).
"""

from __future__ import annotations

import csv
import json

import pytest
from testpaths import REPO

from layers.campaign_data import UnitsFile, check_units

UNITS_LAYERS = sorted((REPO / "geodata").glob("*_units.geojson"))
COLS = ("sources_agree", "sources_disagree")


def audit_union() -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for path in sorted((REPO / "sources").glob("audit*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                entry = out.setdefault(row["feature_id"], {c: [] for c in COLS})
                for col in COLS:
                    for key in (k.strip() for k in row[col].split(";")):
                        if key and key not in entry[col]:
                            entry[col].append(key)
    return out


def units_features() -> dict[str, dict]:
    feats: dict[str, dict] = {}
    for path in UNITS_LAYERS:
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            feats[f["properties"]["id"]] = f["properties"]
    return feats


AUDIT = audit_union()
FEATS = units_features()
AUDITED = sorted(fid for fid in AUDIT if fid in FEATS)


def mismatch(props: dict, want: dict[str, list[str]]) -> list[str]:
    """What differs between a feature's audit keys and its audit rows (empty: they agree)."""
    out = []
    for col in COLS:
        if props.get(col, []) != want.get(col, []):
            out.append(f"{col}: data {props.get(col, [])} != rows {want.get(col, [])}")
        out += [f"{k} audited but not in sources" for k in want.get(col, []) if k not in props["sources"]]
    return out


def test_units_audit_has_rows():
    with open(REPO / "sources" / "audit_units.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 50
    assert all(r["feature_id"] in FEATS for r in rows), "every row names a units feature"


@pytest.mark.parametrize("fid", AUDITED)
def test_feature_carries_its_audit_rows(fid):
    assert mismatch(FEATS[fid], AUDIT[fid]) == []


def test_no_audit_keys_without_rows():
    stray = sorted(fid for fid, p in FEATS.items() if any(p.get(c) for c in COLS) and fid not in AUDIT)
    assert stray == []


def test_mismatch_can_fail():
    fid = AUDITED[0]
    props = dict(FEATS[fid])
    props["sources_agree"] = props.get("sources_agree", [])[1:]
    assert mismatch(props, AUDIT[fid])


def test_drawn_unit_may_not_carry_unit_level_audit():
    data = {"unit": [{
        "id": "kgu_x", "name": "X", "side": "soviet", "echelon": "brigade", "type": "armour",
        "description": "test", "sources": ["drea1981"], "sources_agree": ["drea1981"],
        "position": [{"start_date": "1939-08-20", "end_date": "1939-08-24", "coordinates": [118.6, 47.7],
                      "location_precision_m": 5000, "certainty": "estimated", "where": "test",
                      "sources": ["drea1981"]}]}]}
    problems = check_units(UnitsFile.model_validate(data), file="t.toml", prefix="kgu_", campaign=None,
                           source_keys={"drea1981"})
    assert any("on each position" in p for p in problems)
    data["unit"][0]["position"][0]["sources_disagree"] = ["nope"]
    data["unit"][0].pop("sources_agree")
    problems = check_units(UnitsFile.model_validate(data), file="t.toml", prefix="kgu_", campaign=None,
                           source_keys={"drea1981"})
    assert any("'nope' is not in the bibliography" in p for p in problems)
