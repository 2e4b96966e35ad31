"""The railways and Vladivostok layers carry the source audit that ``sources/audit*.csv`` records.

These two layers are built by ``scripts/digitise_intervention.py`` from
``geodata/src/intervention.toml``, not from the audit tables: the table holds
``sources_agree``/``sources_disagree`` on ``[[feature]]`` rows, on ``[[rail_regime]]`` and
``[[rail_line]]`` entries (and ``opened_sources_*`` for a line's opening date). So the table and
the CSV can drift apart; every feature is checked here against the CSV rows naming it.
"""

from __future__ import annotations

import json

import pytest
from test_audit import read_audit
from testpaths import REPO

LAYERS = ("railways", "vladivostok")
COLUMNS = ("sources_agree", "sources_disagree")


def audit_rows() -> list[dict[str, str]]:
    return read_audit()  # every sources/audit*.csv, header checked (tests/test_audit.py)


def split(cell: str) -> set[str]:
    return {k.strip() for k in (cell or "").split(";") if k.strip()}


def expected(rows: list[dict[str, str]]) -> dict[str, dict[str, set[str]]]:
    out: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        entry = out.setdefault(r["feature_id"].strip(), {c: set() for c in COLUMNS})
        for col in COLUMNS:
            entry[col] |= split(r[col])
    return out


def features() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for layer in LAYERS:
        for f in json.loads((REPO / "geodata" / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]:
            out[f["properties"]["id"]] = f["properties"]
    return out


def mismatch(props: dict, want: dict[str, set[str]] | None) -> list[str]:
    """What differs between a feature's audit properties and the audit rows for it."""
    want = want or {c: set() for c in COLUMNS}
    problems = []
    for col in COLUMNS:
        have = set(props.get(col, []))
        if have != want[col]:
            problems.append(f"{col}: feature has {sorted(have)}, audit rows say {sorted(want[col])}")
        missing = want[col] - set(props.get("sources", []))
        if missing:
            problems.append(f"{col}: {sorted(missing)} not cited in sources")
    return problems


FEATURES = features()
EXPECTED = expected(audit_rows())


def test_audit_reaches_both_layers():
    audited = [fid for fid in FEATURES if fid in EXPECTED]
    assert any(f.startswith("rw_") for f in audited) and any(f.startswith("vl_") for f in audited)


@pytest.mark.parametrize("fid", sorted(FEATURES))
def test_feature_carries_its_audit(fid):
    assert mismatch(FEATURES[fid], EXPECTED.get(fid)) == []


def test_mismatch_can_fail():
    """A dropped key, an extra key, and an uncited key are each reported."""
    fid = next(f for f in sorted(EXPECTED) if f.startswith("rw_") and EXPECTED[f]["sources_agree"])
    props = dict(FEATURES[fid])
    dropped = dict(props, sources_agree=sorted(EXPECTED[fid]["sources_agree"])[1:])
    assert mismatch(dropped, EXPECTED[fid])
    extra = dict(props, sources_disagree=[*props.get("sources_disagree", []), "not_a_source"])
    assert mismatch(extra, EXPECTED[fid])
    uncited = dict(props, sources=[])
    assert any("not cited" in p for p in mismatch(uncited, EXPECTED[fid]))
    # a feature with no audit row must carry no audit properties
    assert mismatch({"sources": ["x"], "sources_agree": ["x"]}, None)
    assert mismatch({"sources": ["x"]}, None) == []
