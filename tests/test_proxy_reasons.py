"""Every frontier or zone drawn as a modern stand-in or as a band/circle says why, in its popup.

Issue 9: "No frontier or zone feature is a modern proxy or a geometric offset unless its popup says
why no period source exists". The builders put the reason in ``no_period_source`` ("Searched: ...
Missing: ...") and repeat it in the note, which every popup shows; they refuse a modern_proxy
feature without one. These tests check the built layers, the source tables and the refusal.
"""

from __future__ import annotations

import html
import sys
import tomllib

import pytest
from testpaths import REPO

from layers.popups import popup_html

sys.path.insert(0, str(REPO / "scripts"))
import build_frontiers as bf
import digitise_intervention as di

AREA_KINDS = {"frontier", "claim_line", "zone", "territory", "neutral_zone", "guard_sector"}


def _features(atlas):
    for layer in atlas.layers.values():
        for props in layer.gdf["properties"]:
            yield layer, props


def _assert_reason(props: dict, popup: str) -> None:
    reason = props.get("no_period_source")
    assert isinstance(reason, str), f"{props['id']}: no no_period_source"
    searched, _, missing = reason.partition(" Missing: ")
    assert searched.startswith("Searched: ") and len(searched) > 60, props["id"]
    assert len(missing) > 60, f"{props['id']}: the reason does not say what is missing"
    assert html.escape(reason, quote=True) in popup, f"{props['id']}: the popup does not show the reason"


def test_every_modern_proxy_frontier_or_zone_says_why(atlas):
    seen = 0
    for layer, props in _features(atlas):
        if props.get("certainty") == "modern_proxy" and props.get("kind") in AREA_KINDS:
            _assert_reason(props, popup_html(props, atlas.bibliography, layer.spec.title))
            seen += 1
    assert seen >= 20  # the Manchurian sections, Korea, Mongolia, the MPR lines, the FER regions


def _schematic_rows():
    for name in ("intervention.toml", "intervention_zones.toml"):
        with open(REPO / "geodata" / "src" / name, "rb") as fh:
            table = tomllib.load(fh)
        for row in table.get("feature", []):
            if row.get("geometry", {}).get("type") in di.SCHEMATIC_RECIPES:
                yield row


@pytest.mark.parametrize("row", list(_schematic_rows()), ids=lambda r: r["id"])
def test_every_band_or_circle_zone_says_why(atlas, row):
    hit = atlas.feature(row["id"])
    assert hit is not None, row["id"]
    layer, props = hit
    _assert_reason(props, popup_html(props, atlas.bibliography, layer.spec.title))
    recipe = row["geometry"]
    shape_word = "circle of" if recipe["type"] == "circles" else "band"
    assert shape_word in props["no_period_source"]


def test_builders_refuse_a_modern_proxy_without_a_reason():
    from shapely.geometry import Point

    props = {"id": "mf_x", "name": "x", "kind": "frontier", "certainty": "modern_proxy", "note": "n"}
    with pytest.raises(ValueError, match="must say why"):
        bf.feature(props, Point(130, 45))
    with pytest.raises(ValueError, match="no_period_source"):
        di.with_proxy_reason(dict(props, id="iz_x"), {"type": "admin1", "towns": []})
    ok = bf.feature(dict(props, no_period_source="Searched: a. Missing: b."), Point(130, 45))
    assert ok["properties"]["note"].endswith("No period source. Searched: a. Missing: b.")
