"""The territories layer and the period-true territory fills, as built (no download)."""

from __future__ import annotations

import itertools
import json

import pytest
import shapely
from shapely.geometry import Point, shape
from testpaths import REPO

GROUPS = ["kurils_north", "kurils_central", "iturup", "kunashir", "shikotan", "habomai"]


def layer(lid: str) -> dict[str, dict]:
    fc = json.loads((REPO / "geodata" / f"{lid}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: {"p": f["properties"], "g": shape(f["geometry"])} for f in fc["features"]}


TR = layer("territories")
MF = layer("manchurian_frontiers")


def test_sakhalin_frontier_is_the_50th_parallel_from_coast_to_coast():
    g = TR["tr_sakhalin_50n"]["g"]
    assert {round(y, 5) for _, y in g.coords} == {50.0}
    karafuto = MF["mf_karafuto"]["g"]
    assert karafuto.bounds[3] <= 50.0 + 1e-5
    assert g.distance(karafuto) < 1e-4  # the fill ends on the line
    assert TR["tr_sakhalin_50n"]["p"]["end_date"] == MF["mf_karafuto"]["p"]["end_date"]


@pytest.mark.parametrize("group", GROUPS)
def test_kuril_group_changes_hands_without_gap(group):
    ja, so = TR[f"tr_{group}_japanese"], TR[f"tr_{group}_soviet"]
    assert ja["p"]["end_date"] == so["p"]["start_date"]
    assert so["p"]["end_date"] is None
    assert ja["g"].equals(so["g"])
    assert ja["p"]["side"] == "japanese" and so["p"]["side"] == "soviet"
    assert ja["p"]["start_date"] in ("1855-02-07", "1875-08-22")
    assert "1945-08-18" <= ja["p"]["end_date"] <= "1945-09-05"


def test_kuril_groups_do_not_overlap_and_run_south_to_north_in_time():
    geoms = {g: TR[f"tr_{g}_japanese"]["g"] for g in GROUPS}
    for a, b in itertools.combinations(GROUPS, 2):
        assert not geoms[a].intersects(geoms[b]), (a, b)
    # the Shimoda (1855) islands lie south-west of the Iturup-Urup strait, the 1875 ones north-east
    south = shapely.union_all([geoms[g] for g in ("iturup", "kunashir", "shikotan", "habomai")])
    north = shapely.union_all([geoms["kurils_north"], geoms["kurils_central"]])
    assert south.bounds[2] < north.bounds[0]
    ends = [TR[f"tr_{g}_japanese"]["p"]["end_date"] for g in GROUPS]
    assert ends[0] <= ends[1] <= ends[2] <= ends[3] <= ends[5]  # occupation ran north to south


def test_tuva_follows_the_1940_tracing_inside_the_atlas_area():
    t = TR["tr_tuva_tpr"]
    assert t["p"]["certainty"] == "approximate" and "kmlawson_tuva_1940" in t["p"]["sources"]
    # the traced ring as drawn: east of 95E, it reaches 99.77E (the modern republic stops at 99.25E)
    assert 99.6 < t["g"].bounds[2] < 99.9
    assert t["g"].bounds[0] >= 95.0 and t["p"]["start_date"] == "1921-08-14" and t["p"]["end_date"] == "1944-10-11"
    assert "NOT verified" in t["p"]["note"]


def test_kwantung_holds_port_arthur_and_dairen_but_not_the_1898_neutral_zone():
    k = MF["mf_kwantung"]["g"]
    assert k.contains(Point(121.25694, 38.85083)) and k.contains(Point(121.63917, 38.92083))
    assert k.bounds[3] < 39.6  # the lease ended at the Ya-tang ridge, well south of Kai-chou (40.4N)
