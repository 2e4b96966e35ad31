"""What the browser gets for campaign maps: unit symbols, curved arrows, legend rows and
label priorities in the bundle, milsymbol inlined in the standalone file (issue 8)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from shapely.geometry import LineString

from layers import load_atlas
from layers.bundle import (
    ECHELON_RANK,
    arrow_dates,
    curve_line,
    generic_sidc,
    label_priority,
    label_rule,
    layer_bundle,
)
from layers.viewstate import ViewState
from layers.webmap import standalone_html

HERE = Path(__file__).parent
FIXTURE = HERE / "data" / "campaign_units"


@pytest.fixture(scope="module")
def units_atlas(tmp_path_factory: pytest.TempPathFactory):
    """The small test atlas plus the fixture units layer (placeholder positions)."""
    root = tmp_path_factory.mktemp("units")
    shutil.copytree(HERE / "data" / "geodata", root / "geodata")
    shutil.copytree(HERE / "data" / "sources", root / "sources")
    for p in FIXTURE.iterdir():
        shutil.copy2(p, root / "geodata" / p.name)
    # the fixture cites coox1985; give the small bibliography that entry
    (root / "sources" / "fixture.toml").write_text(
        '[coox1985]\ntype = "book"\ntitle = "Nomonhan: Japan Against Russia, 1939"\nauthor = "Coox, Alvin D."\n'
        'year = 1985\nreliability = "Test entry."\n', encoding="utf-8")
    atlas = load_atlas(root / "geodata", root / "sources")
    assert "fixture_units" in atlas.layers, atlas.errors
    return atlas


def test_curve_passes_through_ends_and_bends_towards_the_middle_vertex():
    line = LineString([(0, 0), (1, 1), (2, 0)])
    c = curve_line(line)
    pts = list(c.coords)
    assert pts[0] == (0, 0) and pts[-1] == (2, 0) and len(pts) > 10
    top = max(y for _, y in pts)
    assert math.isclose(top, 0.5, abs_tol=1e-3)  # a quadratic Bezier reaches half-way to its control
    # two vertices: no stated bend, the line stays straight
    assert list(curve_line(LineString([(0, 0), (1, 1)])).coords) == [(0, 0), (1, 1)]


def test_generic_sidc_blanks_the_echelon():
    assert generic_sidc("SFGPUCI----I---") == "SFGPUCI--------"
    assert generic_sidc("SHGPUH----AL---") == "SHGPUH---------"
    assert generic_sidc("10061000161211000000") == "10061000001211000000"
    assert generic_sidc("odd") == "odd"


def test_label_priority_puts_key_places_and_high_echelons_first():
    key = label_priority("campaign", {"kind": "hill"})
    assert key >= 85
    assert label_priority("campaign", {"kind": "movement"}) < key
    assert label_priority("reference", {"kind": "village"}) < label_priority("reference", {"kind": "city"})
    assert label_priority("campaign", {"kind": "unit", "echelon": "army"}) > \
        label_priority("campaign", {"kind": "unit", "echelon": "regiment"})


def test_higher_echelons_are_named_at_theatre_scale():
    """As on a printed theatre plate: fronts and armies named at zoom 3–4, divisions and
    regiments only closer in; a named movement (an army's arrow) from zoom 4."""
    zoom = {k: v[1] for k, v in ECHELON_RANK.items()}
    assert zoom["front"] <= 3 and zoom["army_group"] <= 3 and zoom["army"] <= 4
    assert zoom["army"] < zoom["corps"] < zoom["division"] < zoom["regiment"]
    assert label_rule("campaign", {"kind": "movement", "label": "39 A"}, "LineString") == ("39 A", 4)
    assert label_rule("campaign", {"kind": "fortified_region", "label": "Hailar FR"}, "Point") == ("Hailar FR", 6)
    named = label_priority("campaign", {"kind": "movement", "label": "39 A"})
    assert named > label_priority("reference", {"kind": "town"})
    assert named > label_priority("campaign", {"kind": "movement"})


def test_arrow_dates_give_the_last_day_before_the_half_open_end():
    assert arrow_dates({"start_date": "1945-08-09", "end_date": "1945-08-20"}) == "9\u201319 Aug"
    assert arrow_dates({"start_date": "1938-07-29", "end_date": "1938-08-03"}) == "29 Jul \u2013 2 Aug"
    assert arrow_dates({"start_date": "1945-08-09", "end_date": "1945-08-10"}) == "9 Aug"
    # not known to the day, or uncertain: no date on the map (the popup has it)
    assert arrow_dates({"start_date": "1945-08", "end_date": "1945-08-20"}) is None
    assert arrow_dates({"start_date": "1945-08-09", "end_date": None}) is None
    assert arrow_dates({"start_date": "1945-08-09", "end_date": "1945-08-20", "start_date:edtf": "1945-08-09~"}) is None


def test_bundle_gives_units_their_symbol_and_legend_rows(units_atlas):
    b = layer_bundle(units_atlas, units_atlas.layers["fixture_units"])
    units = [f for f in b["features"] if f["k"] == "unit"]
    assert units and all(f["u"]["sidc"] and f["u"]["n"] and "l" not in f for f in units)
    rows = b["legend"]
    for f in b["features"]:
        row = rows[f["lg"]]
        if f["k"] == "unit":
            assert row[1] == "unit" and row[3] == generic_sidc(f["u"]["sidc"])
        else:
            assert row[1] == "arrow"
    # popups: parent by name, where, escaped
    tank = next(f for f in units if f["i"] == "fxu_kg_sov_tbde")
    assert "Part of:</b> Fixture Soviet army group" in tank["p"] and "Where:" in tank["p"]
    move = next(f for f in b["features"] if f["i"] == "fxu_kg_mv_sov_south")
    assert "Unit:</b> Fixture Soviet tank brigade" in move["p"]
    # the curved movement is densified; its arrowhead follows
    line, head = move["g"]["geometries"]
    assert line["type"] == "LineString" and len(line["coordinates"]) > 3
    assert head["type"] == "Polygon" and head["coordinates"][0][0] == line["coordinates"][-1]


def test_unit_text_is_escaped(units_atlas):
    layer = units_atlas.layers["fixture_units"]
    props = dict(layer.gdf.iloc[1]["properties"])
    props["where"] = "<img src=x onerror=alert(1)>"
    layer.gdf.at[layer.gdf.index[1], "properties"] = props
    b = layer_bundle(units_atlas, layer)
    popup = next(f["p"] for f in b["features"] if f["i"] == props["id"])
    assert "<img" not in popup and "&lt;img" in popup


def test_standalone_html_inlines_milsymbol(units_atlas):
    html = standalone_html(units_atlas, ViewState(layers=("fixture_units",)))
    assert "<script src=" not in html
    assert "milsymbol" in html and "ms.Symbol" in html  # the library and units.js that calls it
    assert "fefUnits" in html


def test_served_page_loads_milsymbol_only_on_demand(units_atlas):
    """The served map page leaves the 0.86 MB symbol library out of its head and names its URL
    for units.js, which loads it before the first layer with unit symbols is built."""
    import json as _json
    import re as _re

    from layers.webmap import build_map

    html = build_map(units_atlas, ViewState(layers=("fixture_units",)), inline=False,
                     data_urls={lid: f"{lid}.json" for lid in units_atlas.layers},
                     basemap_url="basemap.json", asset_base="/app/static/vendor").get_root().render()
    heads = _re.findall(r'<script src="([^"]+)"', html)
    assert any(u.endswith("leaflet/leaflet.js") for u in heads)
    assert not any("milsymbol" in u for u in heads), heads
    cfg = _json.loads(_re.search(r'"lazy_js":\s*(\{[^}]*\})', html).group(1))
    assert cfg == {"milsymbol": "/app/static/vendor/milsymbol/milsymbol.js"}
    assert "FEF.beforeBuild" in html  # units.js's loader, waited on by time_sliced.js
