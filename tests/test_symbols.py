"""The unit symbol table (layers/symbols.py): every code well formed and read back the same."""

from __future__ import annotations

import itertools
import re
from typing import get_args

import pytest
from testpaths import REPO

from layers.catalog import load_spec
from layers.schema import Side
from layers.symbols import (
    IDENTITY_BY_SIDE,
    LEGEND_TEXT,
    SIDE_COLOUR,
    SIDE_FILL,
    UNIT_TYPES,
    SymbolError,
    parse_sidc,
    sidc,
    symbol_style,
    tint,
)

SIDES = list(get_args(Side))
# 2525C letters, in order team … command (front shares army group's letter).
EXPECTED_ECHELON = {
    "team": "A", "squad": "B", "section": "C", "platoon": "D", "company": "E", "battalion": "F",
    "regiment": "G", "brigade": "H", "division": "I", "corps": "J", "army": "K", "army_group": "L",
    "front": "L", "command": "N",
}
SIDC_RE = re.compile(r"^S[FHN][GS]P[A-Z-]{6}[A-Z-][A-Z-]---$")


def test_every_side_has_identity_and_colours():
    assert set(IDENTITY_BY_SIDE) == set(SIDES)
    assert set(SIDE_COLOUR) == set(SIDES) == set(SIDE_FILL)
    for side in SIDES:
        assert re.fullmatch(r"#[0-9a-f]{6}", SIDE_FILL[side])


@pytest.mark.parametrize("side,echelon,unit_type", list(itertools.product(SIDES, EXPECTED_ECHELON, UNIT_TYPES)))
def test_every_combination(side, echelon, unit_type):
    code = sidc(side, echelon, unit_type)
    assert len(code) == 15 and SIDC_RE.match(code), code
    assert code[1] == IDENTITY_BY_SIDE[side]
    parsed = parse_sidc(code)
    assert parsed.unit_type == unit_type
    assert parsed.identity == IDENTITY_BY_SIDE[side]
    if unit_type == "naval":
        assert code[2] == "S" and code[11] == "-" and parsed.echelon is None
    else:
        assert code[2] == "G"
        assert code[11] == EXPECTED_ECHELON[echelon]
        assert parsed.echelon == EXPECTED_ECHELON[echelon]
    assert parsed.headquarters == (unit_type == "headquarters") == (code[10] == "A")


def test_known_codes():
    assert sidc("japanese", "division", "infantry") == "SHGPUCI----I---"
    assert sidc("soviet", "brigade", "armour") == "SFGPUCA----H---"
    assert sidc("mongolian", "division", "cavalry") == "SFGPUCRV---I---"
    assert sidc("american", "regiment", "infantry") == "SNGPUCI----G---"
    assert sidc("soviet", "front", "headquarters") == "SFGPUH----AL---"
    assert sidc("soviet", "division", "mechanised")[4:10] == "UCIZ--"
    assert sidc("soviet", None, "artillery")[11] == "-"
    assert parse_sidc("SHGPUCI----I---").echelon_mark == "XX"
    assert parse_sidc(sidc("soviet", "regiment", "artillery")).echelon_mark == "III"


def test_convention_two_sided():
    assert {s for s, i in IDENTITY_BY_SIDE.items() if i == "F"} == {"soviet", "mongolian", "fer", "partisan"}
    assert {s for s, i in IDENTITY_BY_SIDE.items() if i == "H"} == {"japanese", "manchukuo", "white"}
    assert "not a point of view" in LEGEND_TEXT


@pytest.mark.parametrize("args", [("martian", "division", "infantry"), ("soviet", "platoonish", "infantry"),
                                  ("soviet", "division", "dragoons")])
def test_unknown_values_refused(args):
    with pytest.raises(SymbolError, match="unknown"):
        sidc(*args)


@pytest.mark.parametrize("bad", ["SFGPUCI", "SFGPUCI----I----", "XFGPUCI----I---", "SUGPUCI----I---",
                                 "SFGPUZZ----I---", "SFGPUCI----Z---", 15])
def test_parse_refuses(bad):
    with pytest.raises(SymbolError):
        parse_sidc(bad)


def test_colours_match_layer_specs():
    """Symbols use the side colours of the campaign layers (style_by values)."""
    for layer in ("khalkhin_gol_1939", "vladivostok"):
        spec = load_spec(REPO / "geodata" / f"{layer}.toml")
        assert spec.style_by is not None
        for side, override in spec.style_by.values.items():
            if side in SIDE_COLOUR and override.color:
                assert SIDE_COLOUR[side] == override.color, (layer, side)
    for layer in ("khalkhin_gol_1939_units", "lake_khasan_1938_units", "manchuria_1945_units",
                  "siberian_intervention_units"):
        spec = load_spec(REPO / "geodata" / f"{layer}.toml")
        assert spec.style_by is not None and spec.style_by.property == "side"
        for side, override in spec.style_by.values.items():
            assert (override.color, override.fill_color) == (SIDE_COLOUR[side], SIDE_FILL[side]), (layer, side)
    assert symbol_style("japanese") == {"fill": SIDE_FILL["japanese"], "colour": "#1f3a93", "identity": "Hostile"}


def test_tint():
    assert tint("#000000", 0.0) == "#ffffff"
    assert tint("#c0392b", 1.0) == "#c0392b"
    # pale enough for a dark icon on it (relative luminance well above the colour's)
    r, g, b = (int(SIDE_FILL["japanese"][i:i + 2], 16) for i in (1, 3, 5))
    assert min(r, g, b) > 140
