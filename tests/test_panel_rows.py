"""The side panels' tables (layers.panels) against a plain reference, on many dates.

The tables are built from rows cached per layer (a rerun only picks the day's rows; issue 11,
load); the reference slices each layer's GeoDataFrame and formats every row afresh, as the
panels did before.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from layers.panels import FEATURE_SCHEMA, FIGURE_SCHEMA, figures_table, panel_tables, visible_features
from layers.popups import date_range_text, figures_by_label, format_figure
from layers.slicing import slice_at


def _reference(atlas, day, layer_ids):
    feats, figs = [], []
    for lid in layer_ids:
        layer = atlas.layers[lid]
        part = slice_at(layer.gdf, day)
        for props, geom in zip(part["properties"], part.geometry, strict=True):
            feats.append({"layer": layer.spec.title, "id": props["id"], "name": props["name"],
                          "kind": props["kind"].replace("_", " "), "dates": date_range_text(props),
                          "certainty": props["certainty"].replace("_", " "),
                          "sources": "; ".join(atlas.bibliography.short(k) for k in props["sources"]),
                          "drawn": geom is not None})
            for label, group in figures_by_label(props).items():
                disagree = len({(f["value"], f.get("value_max")) for f in group}) > 1
                figs += [{"feature": props["name"], "figure": label, "value": format_figure(f),
                          "source": atlas.bibliography.short(f["source"]), "note": f.get("note") or "",
                          "sources_disagree": disagree} for f in group]
    return (pd.DataFrame(feats, columns=["layer", "id", "name", "kind", "dates", "certainty", "sources", "drawn"]),
            pd.DataFrame(figs, columns=["feature", "figure", "value", "source", "note", "sources_disagree"]))


def test_tables_match_the_reference_on_many_dates_and_layer_sets(atlas):
    rnd = random.Random(11)
    ids = list(atlas.layers)
    seen_rows = seen_figs = 0
    for _ in range(30):
        day = dt.date(1918, 1, 1) + dt.timedelta(days=rnd.randint(0, 10_100))
        chosen = tuple(lid for lid in ids if rnd.random() < 0.6)
        want_feats, want_figs = _reference(atlas, day, chosen)
        got_feats, got_figs = visible_features(atlas, day, chosen), figures_table(atlas, day, chosen)
        pd.testing.assert_frame_equal(got_feats, want_feats)
        pd.testing.assert_frame_equal(got_figs, want_figs)
        # what the dashboard shows: the same rows as Arrow tables, from per-layer tables filtered by day
        tables = panel_tables(atlas, day, chosen)
        assert tables.features.schema.equals(FEATURE_SCHEMA) and tables.figures.schema.equals(FIGURE_SCHEMA)
        assert tables.features.to_pylist() == want_feats.drop(columns=["id"]).to_dict("records")
        assert tables.figures.to_pylist() == want_figs[list(FIGURE_SCHEMA.names)].to_dict("records")
        assert (tables.listed, tables.drawn) == (len(want_feats), int(want_feats["drawn"].sum()))
        seen_rows += len(got_feats)
        seen_figs += len(got_figs)
    assert seen_rows > 100 and seen_figs > 10  # the comparison covered real rows


def test_no_layers_no_rows(atlas):
    assert visible_features(atlas, dt.date(1939, 8, 20), ()).empty
    assert figures_table(atlas, 19_000, ["no_such_layer"]).empty


def test_panel_tables_without_layers_are_empty_but_typed(atlas):
    tables = panel_tables(atlas, dt.date(1939, 8, 20), ["no_such_layer"])
    assert (tables.features.num_rows, tables.figures.num_rows, tables.drawn, tables.listed) == (0, 0, 0, 0)
    assert tables.features.schema.equals(FEATURE_SCHEMA)
