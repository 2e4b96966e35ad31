"""The timeline as a cached Vega-Lite spec (layers.timeline.timeline_spec): what the dashboard sends per rerun.

Building the Altair chart and validating it cost 0.2-0.5 s per rerun under Streamlit's
process-wide Altair lock, which queued every session behind it (issue 11, load); the spec is
now built once per range and only the map-date rule changes.
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from layers.timeline import SELECTION, timeline_chart, timeline_frame, timeline_spec


def _without_data(spec: dict) -> dict:
    out = json.loads(json.dumps({k: v for k, v in spec.items() if k != "datasets"}))
    for layer in out["layer"]:
        layer.pop("data", None)
        layer.pop("name", None)
    for p in out.get("params", []):
        p.pop("views", None)
    return out


def test_spec_is_the_chart_with_the_date_in_the_rule(atlas):
    frame = timeline_frame(atlas)
    camp = atlas.campaigns["lake_khasan"]
    lo, hi = dt.date.fromisoformat(camp.start), dt.date.fromisoformat(camp.end)
    chart = timeline_chart(frame, dt.date(1938, 8, 6), start=lo, end=hi).to_dict()
    spec = timeline_spec(frame, dt.date(1938, 8, 6), start=lo, end=hi)
    assert _without_data(spec) == _without_data(chart)
    events = spec["datasets"][spec["layer"][1]["data"]["name"]]
    chart_events = chart["datasets"][chart["layer"][1]["data"]["name"]]
    assert events == chart_events and events  # same rows, timestamps as the same ISO text
    params = spec.get("params", []) + spec["layer"][1].get("params", [])
    assert any(p["name"] == SELECTION and p["select"]["fields"] == ["id"] for p in params)
    rule = spec["datasets"][spec["layer"][2]["data"]["name"]]
    assert rule == [{"date": "1938-08-06T00:00:00", "label": "Map: 06 Aug 1938"}]


def test_each_call_gets_its_own_date_and_a_fresh_spec(atlas):
    frame = timeline_frame(atlas)
    lo, hi = dt.date(1918, 1, 1), dt.date(1945, 9, 30)
    a = timeline_spec(frame, dt.date(1920, 1, 1), start=lo, end=hi)
    b = timeline_spec(frame, dt.date(1941, 4, 13), start=lo, end=hi)
    assert b["layer"][0] is a["layer"][0]  # built once: the second call reuses the cached chart
    name = b["layer"][2]["data"]["name"]
    assert b["datasets"][name][0]["date"].startswith("1941-04-13")
    assert a["datasets"][name][0]["date"].startswith("1920-01-01")  # the first spec was not changed
    b["layer"][2]["mark"] = "broken"
    b["datasets"][name] = []
    c = timeline_spec(frame, dt.date(1941, 4, 13), start=lo, end=hi)
    assert c["layer"][2]["mark"] != "broken" and c["datasets"][name]
    # another frame (another dataset) is not served from the first one's spec
    other = timeline_spec(frame.iloc[:3].copy(), dt.date(1941, 4, 13), start=lo, end=hi)
    assert len(other["datasets"][other["layer"][1]["data"]["name"]]) <= 3


def test_arrow_datasets_hold_the_same_rows_as_bytes(atlas):
    """``arrow=True``: Streamlit sends bytes as they are, where it converted rows on every rerun."""
    frame = timeline_frame(atlas)
    lo, hi = dt.date(1918, 1, 1), dt.date(1945, 9, 30)
    rows = timeline_spec(frame, dt.date(1939, 8, 20), start=lo, end=hi)
    ipc = timeline_spec(frame, dt.date(1939, 8, 20), start=lo, end=hi, arrow=True)
    assert _without_data(ipc) == _without_data(rows)
    assert set(ipc["datasets"]) == set(rows["datasets"])
    for name, data in ipc["datasets"].items():
        assert isinstance(data, bytes)
        assert pa.ipc.open_stream(data).read_all().to_pylist() == rows["datasets"][name]
    # the events' bytes are converted once and shared; the rule's follow the date
    later = timeline_spec(frame, dt.date(1941, 4, 13), start=lo, end=hi, arrow=True)
    assert later["datasets"]["events"] is ipc["datasets"]["events"]
    assert pa.ipc.open_stream(later["datasets"]["map_date"]).read_all().to_pylist()[0]["label"] == "Map: 13 Apr 1941"
