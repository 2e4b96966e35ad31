"""The frontier and zone layers carry the date audit that ``sources/audit_zones.csv`` records.

The intervention zones take ``sources_agree``/``sources_disagree`` from their source table
(``geodata/src/intervention_zones.toml``), not from the audit tables, so the two can drift
apart: every zone's audit properties must equal the union of its rows in ``sources/audit*.csv``,
and every audited key must be cited in ``sources``. The frontier layers get them from the
tables in the build (checked in ``tests/test_audit.py``); here every feature of the four layers
must have at least one row.
"""

from __future__ import annotations

import json

import pytest
from test_audit import read_audit
from testpaths import REPO

LAYERS = ("manchurian_frontiers", "mongolian_frontiers", "territories", "intervention_zones")


def audit_rows() -> list[dict[str, str]]:
    return read_audit()  # every sources/audit*.csv, header checked (tests/test_audit.py)


def expected(rows: list[dict[str, str]]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        entry = out.setdefault(r["feature_id"], {"sources_agree": [], "sources_disagree": []})
        for col, have in entry.items():
            have += [k.strip() for k in r[col].split(";") if k.strip() and k.strip() not in have]
    return out


def features(layer: str) -> dict[str, dict]:
    data = json.loads((REPO / "geodata" / f"{layer}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f["properties"] for f in data["features"]}


EXPECTED = expected(audit_rows())
ZONES = features("intervention_zones")


def problems(props: dict, want: dict[str, list[str]]) -> list[str]:
    """What differs between a feature's audit properties and its audit rows."""
    out = []
    for col, keys in want.items():
        if props.get(col, []) != keys:
            out.append(f"{col}: feature has {props.get(col, [])}, audit rows say {keys}")
        out += [f"{k} audited but not in sources" for k in keys if k not in props["sources"]]
    return out


@pytest.mark.parametrize("layer", LAYERS)
def test_every_feature_is_audited(layer):
    missing = sorted(set(features(layer)) - set(EXPECTED))
    assert missing == []


@pytest.mark.parametrize("fid", sorted(ZONES))
def test_zone_carries_its_audit(fid):
    assert problems(ZONES[fid], EXPECTED[fid]) == []


def test_drift_is_detected():
    fid = min(ZONES)
    want = {col: [*keys, "frus_1920_v3_d569"] for col, keys in EXPECTED[fid].items()}
    assert problems(ZONES[fid], want)
