"""The source audit (sources/audit*.csv, docs/audit.md) against the shipped data.

Every audited feature exists, every source key named resolves, and every row marked
``fixed`` is fixed in the data now: the old coordinate is no longer drawn, the old figure is
no longer credited to the source that does not give it, and the agreeing sources are cited.
The research layers carry the audit as ``sources_agree``/``sources_disagree``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re

import pytest
import shapely
from testpaths import REPO

AUDIT_FILES = sorted((REPO / "sources").glob("audit*.csv"))  # audit.csv and audit_<scope>.csv
COLUMNS = ["feature_id", "field", "claim", "sources_agree", "sources_disagree", "result", "note"]
RESULTS = {"agrees", "disagrees", "fixed", "single source"}
BUILT_FROM_AUDIT = ("places", "chronology", "manchuria_1945", "manchurian_frontiers", "mongolian_frontiers",
                    "territories")
_LATLON = re.compile(r"(-?\d+(?:\.\d+)?)\s*N,\s*(-?\d+(?:\.\d+)?)\s*E")
_NUMBER = re.compile(r"\d[\d,]*")
_DAY = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b")


def read_audit() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in AUDIT_FILES:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == COLUMNS, path.name
            rows += list(reader)
    # an unquoted comma makes an extra field (key None) or a missing one (value None)
    assert all(None not in r and None not in r.values() for r in rows), [r["feature_id"] for r in rows
                                                                        if None in r or None in r.values()]
    return rows


def keys(cell: str) -> list[str]:
    return [k.strip() for k in cell.split(";") if k.strip()]


def load_features() -> dict[str, dict]:
    feats: dict[str, dict] = {}
    for path in sorted((REPO / "geodata").glob("*.geojson")):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            feats[f["properties"]["id"]] = f | {"layer": path.stem}
    return feats


def source_keys() -> set[str]:
    import tomllib

    out: set[str] = set()
    for path in sorted((REPO / "sources").glob("*.toml")):
        if path.name != "seed_corrections.toml":
            out.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return out


ROWS = read_audit()
FEATURES = load_features()
ROW_IDS = [f"{r['feature_id']}:{r['field']}" for r in ROWS]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def cited(feat: dict) -> set[str]:
    p = feat["properties"]
    return set(p.get("sources", [])) | {fig["source"] for fig in p.get("figures", [])}


def fix_problems(row: dict[str, str], feat: dict) -> list[str]:
    """What in ``feat`` contradicts a ``fixed`` audit row (empty list: the fix is in the data)."""
    problems = [f"agreeing source {k} not cited" for k in keys(row["sources_agree"]) if k not in cited(feat)]
    if row["field"] == "geometry":
        m = _LATLON.search(row["claim"])
        if not m:
            return [*problems, "geometry claim has no 'lat N, lon E' to compare"]
        lat, lon = float(m[1]), float(m[2])
        if feat["geometry"] is None:
            return [*problems, "feature is not drawn"]
        for x, y in shapely.get_coordinates(shapely.from_geojson(json.dumps(feat["geometry"]))):
            if km(lat, lon, y, x) < 1.0:
                problems.append(f"old point {lat}, {lon} still drawn (vertex {y}, {x})")
    elif row["field"] == "figures":
        m = _NUMBER.search(row["claim"])
        if not m:
            return [*problems, "figures claim has no number"]
        value = int(m[0].replace(",", ""))
        figs = [f for f in feat["properties"].get("figures", []) if f["value"] == value]
        bad = [f for f in figs if f["source"] in keys(row["sources_disagree"])]
        problems += [f"{value} still credited to {f['source']}" for f in bad]
        if not any(f["source"] in keys(row["sources_agree"]) for f in figs):
            problems.append(f"{value} not credited to an agreeing source")
    elif row["field"] in ("start_date", "end_date"):
        m = _DAY.search(row["claim"])
        if not m:
            return [*problems, "date claim has no 'D Month YYYY' to compare"]
        old = dt.datetime.strptime(m[0], "%d %B %Y").date().isoformat()
        if feat["properties"].get(row["field"]) == old:
            problems.append(f"{row['field']} is still the old {old}")
    elif row["field"] in ("note", "description"):
        m = re.search(r"'([^']{10,})'", row["claim"])
        if not m:
            return [*problems, f"{row['field']} claim has no 'quoted old wording' to compare"]
        if m[1] in str(feat["properties"].get(row["field"]) or ""):
            problems.append(f"the {row['field']} still says {m[1]!r}")
    else:
        problems.append(f"no check for fixed field {row['field']!r}")
    return problems


def test_audit_has_rows_of_every_kind():
    assert len(ROWS) >= 40
    assert {r["result"] for r in ROWS} == RESULTS


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_row_is_well_formed(row):
    assert row["result"] in RESULTS
    assert row["claim"].strip() and row["field"].strip()
    assert row["feature_id"] in FEATURES, f"{row['feature_id']} is not a feature of any layer"
    assert keys(row["sources_agree"]) or keys(row["sources_disagree"])
    if row["result"] == "disagrees":
        assert keys(row["sources_disagree"]) or "disagree" in row["note"].lower(), "say how it disagrees"
    if row["result"] == "single source":
        assert not keys(row["sources_disagree"])


def test_every_source_key_resolves():
    known = source_keys()
    missing = sorted({k for r in ROWS for k in keys(r["sources_agree"]) + keys(r["sources_disagree"])} - known)
    assert missing == []


@pytest.mark.parametrize("row", [r for r in ROWS if r["result"] == "fixed"],
                         ids=[i for i, r in zip(ROW_IDS, ROWS, strict=True) if r["result"] == "fixed"])
def test_fixed_row_matches_data(row):
    assert fix_problems(row, FEATURES[row["feature_id"]]) == []


def test_fix_check_can_fail():
    """A row claiming the point now drawn was wrong, or a figure still credited, must fail."""
    feat = FEATURES["pl_hsinking"]
    lon, lat = feat["geometry"]["coordinates"]
    row = {"field": "geometry", "claim": f"{lat} N, {lon} E", "sources_agree": "pwencycl_changchun",
           "sources_disagree": ""}
    assert any("still drawn" in p for p in fix_problems(row, feat))
    fig = FEATURES["ev_kh_1938_hills_taken"]
    row = {"field": "figures", "claim": "7,000", "sources_agree": "gse_khasan_battles",
           "sources_disagree": "wp_battle_of_lake_khasan"}
    problems = fix_problems(row, fig)
    assert any("still credited" in p for p in problems)
    amur = FEATURES["mf_mk_su_amur"]
    row = {"field": "note", "claim": "The note said 'runs in the Kazakevich channel'", "sources_agree": "",
           "sources_disagree": ""}
    assert any("still says" in p for p in fix_problems(row, amur))
    row = {"field": "description", "claim": "The description said 'Amur from the Shilka-Argun confluence'",
           "sources_agree": "", "sources_disagree": ""}
    assert any("still says" in p for p in fix_problems(row, amur))


@pytest.mark.parametrize("fid", sorted({r["feature_id"] for r in ROWS
                                       if FEATURES.get(r["feature_id"], {}).get("layer") in BUILT_FROM_AUDIT}))
def test_research_layers_carry_the_audit(fid):
    want: dict[str, list[str]] = {"sources_agree": [], "sources_disagree": []}
    for r in ROWS:
        if r["feature_id"] == fid:
            for col, have in want.items():
                have += [k for k in keys(r[col]) if k not in have]
    props = FEATURES[fid]["properties"]
    for col, expected in want.items():
        assert props.get(col, []) == expected, col
        assert set(expected) <= set(props["sources"])


def test_hsinking_is_in_the_city():
    """Regression for the known error: the capital was drawn 7-9 km south of Changchun."""
    lon, lat = FEATURES["pl_hsinking"]["geometry"]["coordinates"]
    assert km(lat, lon, 43.897, 125.326) < 3.0  # Wikipedia infobox point, provincial government
    assert km(lat, lon, 43.88, 125.32) < 1.0  # Pacific War Online Encyclopedia


def test_readable_table_lists_every_audited_feature():
    text = (REPO / "docs" / "audit.md").read_text(encoding="utf-8")
    missing = sorted({r["feature_id"] for r in ROWS if f"`{r['feature_id']}`" not in text})
    assert missing == []


def test_readable_table_is_up_to_date():
    import subprocess
    import sys

    res = subprocess.run([sys.executable, str(REPO / "scripts" / "build_audit_doc.py"), "--check"],
                         check=False, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout


def _page_of_each_key() -> dict[str, str]:
    """Source key -> its URL without scheme and trailing slash (keys without a URL: themselves)."""
    import tomllib

    out: dict[str, str] = {}
    for path in sorted((REPO / "sources").glob("*.toml")):
        if path.name == "seed_corrections.toml":
            continue
        for key, entry in tomllib.loads(path.read_text(encoding="utf-8")).items():
            url = str(entry.get("url") or "").split("://", 1)[-1].rstrip("/")
            out[key] = url or key
    return out


_PAGES = _page_of_each_key()


@pytest.mark.parametrize("row", [r for r in ROWS if r["result"] == "agrees"], ids=lambda r: f"{r['feature_id']}:{r['field']}")
def test_agreeing_sources_are_two_different_works(row):
    """'agrees' needs two independent sources: at least two keys, and not one page cited under two keys."""
    agree = keys(row["sources_agree"])
    pages = [_PAGES.get(k, k) for k in agree]
    assert len(agree) >= 2, agree
    assert len(set(pages)) == len(pages), f"one page under several keys: {agree}"


def test_same_page_check_can_fail():
    page = next(k for k, u in _PAGES.items() if u != k)
    twin = [page, page + "_copy"]
    _PAGES[twin[1]] = _PAGES[page]
    try:
        with pytest.raises(AssertionError):
            test_agreeing_sources_are_two_different_works({"sources_agree": ";".join(twin), "feature_id": "x", "field": "y"})
    finally:
        del _PAGES[twin[1]]
