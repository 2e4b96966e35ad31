"""Certainty is visible: dash pattern and paler stroke for modern stand-ins and schematic
shapes, the class named in legend rows and popups, and listed in each layer bundle."""

from __future__ import annotations

import pytest
from testpaths import REPO

from layers.bundle import layer_bundle
from layers.loading import load_atlas
from layers.styling import CERTAINTY, certainty_legend, certainty_options

ATLAS = load_atlas(REPO / "geodata", REPO / "sources")
BASE = {"color": "#000", "weight": 2, "opacity": 0.9, "fillColor": "#000", "fillOpacity": 0.1, "radius": 5}


def test_every_contract_value_has_a_class():
    from typing import get_args

    from layers.schema import Certainty
    assert set(CERTAINTY) == set(get_args(Certainty))


@pytest.mark.parametrize("shape", ["line", "area"])
def test_modern_proxy_and_schematic_lines_are_dashed_and_paler(shape):
    proxy = certainty_options(BASE, "modern_proxy", shape)
    schematic = certainty_options(BASE, "schematic", shape)
    verified = certainty_options(BASE, "verified", shape)
    assert verified == BASE
    assert proxy["dashArray"] and schematic["dashArray"] and proxy["dashArray"] != schematic["dashArray"]
    assert proxy["opacity"] < BASE["opacity"]


def test_points_and_arrows_and_own_dashes_are_left_alone():
    assert certainty_options(BASE, "modern_proxy", "point") == BASE
    assert certainty_options(BASE, "schematic", "arrow") == BASE
    claim = {**BASE, "dashArray": "8 6"}
    assert certainty_options(claim, "modern_proxy", "line")["dashArray"] == "8 6"
    assert "dashArray" not in certainty_options(BASE, None, "line")


def test_certainty_legend_lists_only_what_is_present():
    rows = certainty_legend({"verified", "modern_proxy"})
    assert [r["certainty"] for r in rows] == ["verified", "modern_proxy"]
    assert rows[0]["label"] == "period-true" and rows[1]["dashArray"]


@pytest.fixture(scope="module")
def frontier_bundle():
    return layer_bundle(ATLAS, ATLAS.layers["manchurian_frontiers"])


def test_frontier_bundle_draws_proxies_dashed_and_period_true_solid(frontier_bundle):
    b = frontier_bundle
    by_id = {f["i"]: f for f in b["features"]}
    proxy = b["styles"][by_id["mf_mk_su_amur"]["y"]]
    karafuto = b["styles"][by_id["mf_karafuto"]["y"]]
    assert by_id["mf_mk_su_amur"]["c"] == "modern_proxy" and proxy.get("dashArray")
    assert by_id["mf_karafuto"]["c"] == "verified" and not karafuto.get("dashArray")
    labels = [row[0] for row in b["legend"]]
    assert any(label.startswith("Frontier") and label.endswith("· modern stand-in") for label in labels)
    assert any(label.endswith("· period-true") for label in labels)
    assert {c["certainty"] for c in b["certainty"]} == {f["c"] for f in b["features"]}


def test_popup_names_the_certainty_class(frontier_bundle):
    by_id = {f["i"]: f for f in frontier_bundle["features"]}
    assert "modern stand-in" in by_id["mf_mk_su_amur"]["p"]
    assert "fef-cert-verified" in by_id["mf_karafuto"]["p"] and "period-true" in by_id["mf_karafuto"]["p"]


def test_territories_layer_has_period_true_and_proxy_features():
    b = layer_bundle(ATLAS, ATLAS.layers["territories"])
    certs = {f["i"]: f["c"] for f in b["features"]}
    assert certs["tr_sakhalin_50n"] == "verified" and certs["tr_tuva_tpr"] == "approximate"
    assert all(c == "verified" for i, c in certs.items() if "kuril" in i or i.split("_")[1] in
               {"iturup", "kunashir", "shikotan", "habomai"})
