"""The events timeline (layers.timeline): table, campaign range, map-date rule, click selection."""

from __future__ import annotations

import datetime as dt

from layers.timeline import SELECTION, campaign_title, timeline_chart, timeline_frame


def test_frame_has_every_event_with_a_campaign_in_words(atlas):
    frame = timeline_frame(atlas)
    assert len(frame) == len(atlas.layers["chronology"].gdf)
    assert frame["day"].is_monotonic_increasing
    assert (frame["end"] >= frame["start"]).all()
    assert "lake_khasan" not in set(frame["group"]) and "Lake Khasan 1938" in set(frame["group"])
    assert campaign_title(atlas, "background") == "Background and diplomacy"


def test_chart_spans_the_range_marks_the_map_date_and_selects_by_id(atlas):
    camp = atlas.campaigns["lake_khasan"]
    chart = timeline_chart(timeline_frame(atlas), dt.date(1938, 8, 6),
                           start=dt.date.fromisoformat(camp.start), end=dt.date.fromisoformat(camp.end))
    spec = chart.to_dict()
    _spans, marks, rule = spec["layer"]
    assert marks["encoding"]["x"]["scale"]["domain"][0].startswith(camp.start)
    params = spec.get("params", []) + marks.get("params", [])
    assert any(p["name"] == SELECTION and p["select"]["fields"] == ["id"] for p in params), params
    rows = spec["datasets"][marks["data"]["name"]]
    assert rows and all(r["start"].startswith("1938") for r in rows)  # nothing from other years
    rule_rows = spec["datasets"][rule["data"]["name"]]
    assert rule_rows[0]["date"].startswith("1938-08-06")


def test_empty_without_a_chronology(sample_atlas):
    assert timeline_frame(sample_atlas, layer_id="no_such_layer").empty
