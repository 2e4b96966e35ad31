"""The explorer's logic outside the browser: chronology days for the date bar, the compare
parameter, every view parameter round-tripping through a link, the share link, the side
colours under colour-vision deficiencies, and the contrast of the map's text colours."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.dates import to_day
from layers.explorer import BASEMAP_IDS, BASEMAP_NAMES, chronology_days, share_link
from layers.loading import Atlas
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState
from layers.webmap import build_map, standalone_html, write_component_dir

PLUGINS = Path(__file__).resolve().parents[1] / "layers" / "plugins"


# ---------------------------------------------------------------------------------------
# chronology days
# ---------------------------------------------------------------------------------------


def test_chronology_days_are_sorted_unique_and_named(atlas: Atlas) -> None:
    days = chronology_days(atlas, to_day(ATLAS_START), to_day(ATLAS_END))
    gdf = atlas.layers["chronology"].gdf
    inside = gdf[(gdf["start_day"] >= to_day(ATLAS_START)) & (gdf["start_day"] <= to_day(ATLAS_END))]
    assert [d for d, _ in days] == sorted({int(x) for x in inside["start_day"]})
    assert all(name for _, name in days)
    # an event of a known day is named on that day
    row = inside.iloc[len(inside) // 2]
    names = {d: n for d, n in days}[int(row["start_day"])]
    assert str(row["name"]) in names


def test_chronology_days_respect_the_range_and_a_missing_layer(atlas: Atlas) -> None:
    lo, hi = to_day(dt.date(1938, 7, 1)), to_day(dt.date(1938, 8, 31))
    days = chronology_days(atlas, lo, hi)
    assert days and all(lo <= d <= hi for d, _ in days)
    assert any("Khasan" in n or "Changkufeng" in n for _, n in days), days
    assert chronology_days(atlas, lo, hi, layer_id="no_such_layer") == []


def test_the_map_page_carries_chronology_and_compare(atlas: Atlas) -> None:
    state = ViewState(date=dt.date(1938, 6, 1), layers=("manchurian_frontiers",), compare=dt.date(1920, 6, 1))
    m = build_map(atlas, state, inline=False, data_urls={k: f"{k}.json" for k in atlas.layers}, basemap_url="b.json")
    html = m.get_root().render()
    assert f'"compare":{to_day(dt.date(1920, 6, 1))}' in html
    assert '"chronology":[[' in html
    # the extensions and the vendored divider are in the page
    assert "fefExplorer" in html and "fefCompare" in html
    assert "leaflet-side-by-side/leaflet-side-by-side.js" in html


def test_standalone_html_inlines_the_compare_control(atlas: Atlas) -> None:
    html = standalone_html(atlas, ViewState(layers=("manchurian_frontiers",), compare=dt.date(1920, 6, 1)))
    assert "L.Control.SideBySide" in html
    assert "leaflet-side-by-side/" not in html  # inlined, nothing to fetch
    assert "url(data:image/png;base64," in html


def test_component_page_has_no_compare_by_default(atlas: Atlas, tmp_path: Path) -> None:
    page = (write_component_dir(atlas, tmp_path) / "index.html").read_text(encoding="utf-8")
    assert '"compare":null' in page


# ---------------------------------------------------------------------------------------
# the compare parameter and round trips
# ---------------------------------------------------------------------------------------

LAYERS = ["manchurian_frontiers", "mongolian_frontiers", "chronology", "places"]
CAMPS = ["overview", "lake_khasan", "khalkhin_gol"]
DEFAULT = ViewState(date=dt.date(1939, 8, 20), layers=("chronology",), campaign="overview")


def parse(q: dict[str, str]) -> tuple[ViewState, list[str]]:
    return ViewState.from_query(q, known_layers=LAYERS, known_campaigns=CAMPS, default=DEFAULT)


def test_compare_parameter_is_read() -> None:
    state, problems = parse({"compare": "1920-06-01"})
    assert state.compare == dt.date(1920, 6, 1) and problems == []
    assert state.to_query()["compare"] == "1920-06-01"
    assert "compare" not in DEFAULT.to_query()


@pytest.mark.parametrize("raw", ["1920", "1920-06", "1999-01-01", "1917-12-31", "yesterday", "1920-13-01",
                                 "<script>x</script>", "1920-06-01T00:00"])
def test_a_bad_compare_date_falls_back_with_a_warning(raw: str) -> None:
    state, problems = parse({"compare": raw})
    assert state.compare is None
    assert len(problems) == 1 and "'compare'" in problems[0] and "no comparison" in problems[0]


def test_compare_outside_the_atlas_is_refused_by_the_model() -> None:
    with pytest.raises(ValueError, match="outside"):
        ViewState(compare=dt.date(1950, 1, 1))


DATES = st.dates(min_value=ATLAS_START, max_value=ATLAS_END)


@settings(max_examples=150, deadline=None)
@given(
    date=DATES,
    compare=st.one_of(st.none(), DATES),
    layers=st.lists(st.sampled_from(LAYERS), min_size=1, unique=True),
    campaign=st.sampled_from(CAMPS),
    view=st.one_of(st.none(), st.tuples(st.floats(-89, 89), st.floats(-179, 359), st.integers(2, 18))),
    basemap=st.sampled_from(sorted(BASEMAP_NAMES)),
)
def test_every_view_parameter_round_trips_through_a_link(
    date: dt.date, compare: dt.date | None, layers: list[str], campaign: str,
    view: tuple[float, float, int] | None, basemap: str,
) -> None:
    ordered = tuple(x for x in LAYERS if x in layers)  # the model keeps the atlas' draw order
    center = (round(view[0], 4), round(view[1], 4)) if view else None
    state = ViewState(date=date, layers=ordered, campaign=campaign, center=center, zoom=view[2] if view else None,
                      basemap=basemap, compare=compare)  # type: ignore[arg-type]
    link = share_link("http://localhost:8501/?old=1#frag", state.to_query())
    parts = urlsplit(link)
    assert parts.fragment == "" and "old=" not in parts.query
    query = dict(parse_qsl(parts.query))
    back, problems = parse(query)
    assert problems == []
    assert back == state


def test_share_link_keeps_the_page_and_encodes_values() -> None:
    q = {"date": "1938-08-11", "layers": "a,b", "view": "42.4500,130.5900,11"}
    assert share_link("https://atlas.example/fef/?x=1", q) == \
        "https://atlas.example/fef/?date=1938-08-11&layers=a,b&view=42.4500,130.5900,11"
    assert share_link(None, {"date": "1938-08-11"}) == "?date=1938-08-11"
    assert "%3C" in share_link("http://h/", {"campaign": "<b>"})


def test_basemap_names_match_the_map_control() -> None:
    js = (PLUGINS / "explorer.js").read_text(encoding="utf-8")
    for bid, name in BASEMAP_NAMES.items():
        assert f'{bid}: "{name}"' in js
        assert BASEMAP_IDS[name] == bid


# ---------------------------------------------------------------------------------------
# colour-vision deficiencies: the side colours stay apart
# ---------------------------------------------------------------------------------------

SIDES = ("soviet", "red", "mongolian", "japanese", "manchukuo", "allied", "white", "chinese", "czechoslovak",
         "american", "british", "korean")
CVD = ("deuteranomaly", "protanomaly", "tritanomaly")
#: CAM02-UCS ΔE below which two line colours read as one on the map (about 4-5 just-noticeable
#: differences; two colours that differ less than this in normal vision are taken as meant alike).
MIN_DELTA_E = 8.0


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0


def _simulate(rgb: np.ndarray, cvd: str) -> np.ndarray:
    return np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}, "sRGB1"), 0, 1)


def side_palettes(atlas: Atlas) -> dict[str, dict[str, str]]:
    """Per layer: ``side -> colour`` of the style_by values named after a side (line colours)."""
    out: dict[str, dict[str, str]] = {}
    for lid, layer in atlas.layers.items():
        sb = layer.spec.style_by
        if sb is None:
            continue
        pal = {}
        for key in sb.values:
            side = next((s for s in SIDES if key == s or key.endswith("_" + s) or key.startswith(s + "_")), None)
            if side is None or key.endswith("_movement"):
                continue
            pal[side] = layer.spec.style.merged(sb.values[key]).color
        if len(pal) >= 2:
            out[lid] = pal
    return out


def test_the_simulator_tells_red_from_green_only_in_normal_vision() -> None:
    # the check can fail: pure red and green collapse under deuteranopia
    red, green = _rgb("#d62728"), _rgb("#2ca02c")
    assert deltaE(red, green, input_space="sRGB1") > 30
    assert deltaE(_simulate(red, "deuteranomaly"), _simulate(green, "deuteranomaly"), input_space="sRGB1") < MIN_DELTA_E


def test_side_colours_stay_distinguishable_under_colour_blindness(atlas: Atlas) -> None:
    palettes = side_palettes(atlas)
    assert palettes, "no layer colours its features by side"
    bad = []
    for lid, pal in palettes.items():
        for (a, ca), (b, cb) in itertools.combinations(sorted(pal.items()), 2):
            if float(deltaE(_rgb(ca), _rgb(cb), input_space="sRGB1")) < MIN_DELTA_E:
                continue  # the same colour on purpose (e.g. an ally drawn like its patron)
            for cvd in CVD:
                d = float(deltaE(_simulate(_rgb(ca), cvd), _simulate(_rgb(cb), cvd), input_space="sRGB1"))
                if d < MIN_DELTA_E:
                    bad.append(f"{lid}: {a} {ca} vs {b} {cb} under {cvd}: ΔE {d:.1f}")
    assert not bad, "\n".join(bad)


# ---------------------------------------------------------------------------------------
# text contrast of the map's own controls (WCAG 2: at least 4.5:1)
# ---------------------------------------------------------------------------------------

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COLOUR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})")
#: Component roots and the background their text sits on. The date bar and legend are 94 %
#: white over the map; the worst case is a black map under them.
BACKGROUNDS = {
    ".fef-timebar": (0.94, "#ffffff"), ".fef-legend": (0.94, "#ffffff"), ".fef-popup": (1.0, "#ffffff"),
    ".fef-picker": (1.0, "#ffffff"), ".fef-tools": (1.0, "#ffffff"), ".fef-cmp": (0.95, "#ffffff"),
    ".fef-label": (1.0, "#ffffff"),
}


def _hex(c: str) -> np.ndarray:
    c = c.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)


def luminance(rgb: np.ndarray) -> float:
    s = rgb / 255.0
    lin = np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2])


def contrast(fg: np.ndarray, bg: np.ndarray) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def css_text_colours() -> list[tuple[str, str, str]]:
    """``(file, selector, colour)`` of every text colour declared for the map's components."""
    out = []
    for name in sorted(p.name for p in PLUGINS.glob("*.css")):  # every extension's too
        css = re.sub(r"/\*.*?\*/", "", (PLUGINS / name).read_text(encoding="utf-8"), flags=re.DOTALL)
        css = re.sub(r"@media[^{]*\{", "", css)
        for sel, body in _RULE.findall(css):
            for colour in _COLOUR.findall(body):
                out.append((name, " ".join(sel.split()), colour))
    return out


def test_contrast_formula() -> None:
    assert contrast(_hex("#000"), _hex("#fff")) == pytest.approx(21.0)
    assert contrast(_hex("#777"), _hex("#fff")) == pytest.approx(4.48, abs=0.01)  # just under AA


def test_map_text_colours_have_at_least_aa_contrast() -> None:
    found = css_text_colours()
    assert len(found) >= 10, found
    bad = []
    for name, sel, colour in found:
        roots = [r for r in BACKGROUNDS if r in sel]
        if not roots:
            continue
        alpha, bg = BACKGROUNDS[roots[0]]
        worst_bg = _hex(bg) * alpha  # composited over black
        ratio = contrast(_hex(colour), worst_bg)
        if ratio < 4.5:
            bad.append(f"{name}: {sel} {colour} on {bg}@{alpha}: {ratio:.2f}:1")
    assert not bad, "\n".join(bad)
