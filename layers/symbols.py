"""Unit symbol codes: the one source of truth for the APP-6 / MIL-STD-2525C symbols.

A unit of the order of battle (``geodata/src/units_<campaign>.toml``) is drawn as a
military map symbol identified by a 15-character *letter* SIDC (MIL-STD-2525C / APP-6(B)
style), which the web map hands to the vendored milsymbol library and the print maps
draw with matplotlib (:mod:`layers.export.unit_symbols`) from the same code::

    S F G P UCI--- - I ---
    │ │ │ │ │      │ │ └── 13–15 country code, order of battle: not used ("---")
    │ │ │ │ │      │ └──── 12 echelon (I = division, see ECHELON_CODE)
    │ │ │ │ │      └────── 11 headquarters indicator ("A" = headquarters, else "-")
    │ │ │ │ └───────────── 5–10 function ID: what the unit is (see UNIT_TYPES)
    │ │ │ └─────────────── 4 status: P = present
    │ │ └───────────────── 3 battle dimension: G = ground, S = sea surface
    │ └─────────────────── 2 standard identity: F, H or N (see IDENTITY_BY_SIDE)
    └───────────────────── 1 coding scheme: S = warfighting

**Identity convention (read this before reading a map).** APP-6 frames say *friend*,
*hostile* or *neutral* from one observer's point of view. This atlas takes no point of
view; it uses the frame shapes as a fixed two-sided convention so that the two sides of
every conflict are told apart by shape as well as colour (and so stay legible in grey
print and to colour-blind readers):

- the Soviet side — ``soviet``, ``mongolian``, ``fer`` (Far Eastern Republic) and
  ``partisan`` — is drawn with the *friend* frame (a rectangle);
- the Japanese side — ``japanese``, ``manchukuo`` and ``white`` (the White forces the
  Japanese army backed in 1918–1922) — with the *hostile* frame (a diamond);
- the other intervention contingents and third parties — ``american``, ``british``,
  ``czechoslovak``, ``chinese``, ``allied`` and ``neutral`` — with the *neutral* frame (a
  square): in Siberia they were neither the Bolsheviks' side nor simply Japan's.

The frame's fill is a pale tint of the side's colour in the layer specs (Soviet red,
Mongolian green, Japanese blue, Manchukuo purple, White ochre, intervention grey), so a
symbol matches the arrows and positions of its side; the frame and icon stay dark.
:data:`LEGEND_TEXT` says this in one paragraph for map legends.

Echelon marks (team … front/command) follow APP-6; types map to 2525C function IDs in
:data:`UNIT_TYPES`. Naval units are sea-surface symbols, which carry no echelon mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "ECHELON_CODE",
    "ECHELON_MARK",
    "IDENTITY_BY_SIDE",
    "IDENTITY_NAME",
    "LEGEND_TEXT",
    "SIDC_LENGTH",
    "SIDE_COLOUR",
    "SIDE_FILL",
    "UNIT_TYPES",
    "Echelon",
    "Identity",
    "ParsedSidc",
    "SymbolError",
    "UnitType",
    "identity_for",
    "parse_sidc",
    "sidc",
    "symbol_style",
    "tint",
]

SIDC_LENGTH = 15

Echelon = Literal[
    "team", "squad", "section", "platoon", "company", "battalion", "regiment", "brigade",
    "division", "corps", "army", "army_group", "front", "command",
]
UnitType = Literal[
    "infantry", "cavalry", "armour", "mechanised", "motorised_infantry", "artillery", "anti_tank",
    "air", "naval", "naval_infantry", "engineer", "headquarters", "border_guard", "airborne",
    "reconnaissance", "supply",
]
#: Standard identity letter (SIDC position 2): friend, hostile, neutral.
Identity = Literal["F", "H", "N"]

#: Echelon letter (SIDC position 12), MIL-STD-2525C table: a Soviet front is an army group.
ECHELON_CODE: dict[str, str] = {
    "team": "A", "squad": "B", "section": "C", "platoon": "D", "company": "E", "battalion": "F",
    "regiment": "G", "brigade": "H", "division": "I", "corps": "J", "army": "K", "army_group": "L",
    "front": "L", "command": "N",
}
#: The mark drawn above the frame for each echelon letter (``o`` = dot, ``ø`` = team circle).
ECHELON_MARK: dict[str, str] = {
    "A": "ø", "B": "o", "C": "oo", "D": "ooo", "E": "I", "F": "II", "G": "III", "H": "X", "I": "XX",
    "J": "XXX", "K": "XXXX", "L": "XXXXX", "M": "XXXXXX", "N": "++",
}


@dataclass(frozen=True)
class _TypeCode:
    dimension: Literal["G", "S"]
    function: str  # 6 characters
    hq: bool = False
    label: str = ""


#: Unit type → battle dimension, 2525C function ID (6 characters) and a legend label.
UNIT_TYPES: dict[str, _TypeCode] = {
    "infantry": _TypeCode("G", "UCI---", label="Infantry"),
    "cavalry": _TypeCode("G", "UCRV--", label="Cavalry"),
    "armour": _TypeCode("G", "UCA---", label="Armour (tanks)"),
    "mechanised": _TypeCode("G", "UCIZ--", label="Mechanised infantry"),
    "motorised_infantry": _TypeCode("G", "UCIM--", label="Motorised infantry"),
    "artillery": _TypeCode("G", "UCF---", label="Artillery"),
    "anti_tank": _TypeCode("G", "UCAA--", label="Anti-tank"),
    "air": _TypeCode("G", "UCVF--", label="Air (fixed-wing aviation)"),
    "naval": _TypeCode("S", "C-----", label="Naval (surface combatants)"),
    "naval_infantry": _TypeCode("G", "UCIN--", label="Naval infantry"),
    "engineer": _TypeCode("G", "UCE---", label="Engineers"),
    "headquarters": _TypeCode("G", "UH----", hq=True, label="Headquarters"),
    "border_guard": _TypeCode("G", "UCS---", label="Border guards / security"),
    "airborne": _TypeCode("G", "UCIA--", label="Airborne infantry"),
    "reconnaissance": _TypeCode("G", "UCR---", label="Reconnaissance"),
    "supply": _TypeCode("G", "USS---", label="Supply"),
}

#: Side → standard identity (the two-sided convention of the module docstring).
IDENTITY_BY_SIDE: dict[str, Identity] = {
    "soviet": "F", "mongolian": "F", "fer": "F", "partisan": "F",
    "japanese": "H", "manchukuo": "H", "white": "H",
    "american": "N", "british": "N", "czechoslovak": "N", "chinese": "N", "allied": "N", "neutral": "N",
}
#: Identity letter → frame name, for legends and milsymbol's colour modes.
IDENTITY_NAME: dict[str, str] = {"F": "Friend", "H": "Hostile", "N": "Neutral"}

#: Side colour, the same as the campaign layer specs' ``style_by`` colours (frames' outline
#: on request, arrows, legend swatches).
SIDE_COLOUR: dict[str, str] = {
    "soviet": "#c0392b", "fer": "#c0392b", "partisan": "#922b21", "mongolian": "#117a65",
    "japanese": "#1f3a93", "manchukuo": "#9b59b6", "white": "#b9770e",
    "american": "#7f8c8d", "british": "#7f8c8d", "czechoslovak": "#7f8c8d", "allied": "#7f8c8d",
    "chinese": "#7f8c8d", "neutral": "#333333",
}


def tint(colour: str, strength: float = 0.42) -> str:
    """``colour`` mixed with white: ``strength`` 1 keeps it, 0 gives white.

    Parameters
    ----------
    colour : str
        ``#rrggbb``.
    strength : float

    Returns
    -------
    str
        ``#rrggbb`` (lower case).
    """
    h = colour.lstrip("#")
    rgb = [int(h[i:i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(255 - (255 - c) * strength) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


#: Frame fill per side: a pale tint of :data:`SIDE_COLOUR` (milsymbol ``fillColor``).
SIDE_FILL: dict[str, str] = {side: tint(c) for side, c in SIDE_COLOUR.items()}
SIDE_FILL["neutral"] = "#ffffff"

LEGEND_TEXT = (
    "Unit symbols follow APP-6 frame shapes as a two-sided convention, not a point of view: "
    "rectangle = Soviet side (Soviet, Mongolian, Far Eastern Republic, partisans); diamond = "
    "Japanese side (Japanese, Manchukuo, Whites); square = other intervention contingents "
    "(American, British, Czechoslovak, Chinese, Allied). Fill colour = side; marks above the "
    "frame = size (III regiment, X brigade, XX division, XXX corps, XXXX army, XXXXX front); "
    "icon inside = arm of service."
)


class SymbolError(ValueError):
    """An unknown side, echelon or unit type, or a malformed SIDC."""


def identity_for(side: str) -> Identity:
    """The standard identity letter of a side (see the module docstring).

    Raises
    ------
    SymbolError
        For a side not in :data:`IDENTITY_BY_SIDE`.
    """
    try:
        return IDENTITY_BY_SIDE[side]
    except KeyError:
        raise SymbolError(f"unknown side {side!r} (known: {', '.join(IDENTITY_BY_SIDE)})") from None


def sidc(side: str, echelon: str | None, unit_type: str) -> str:
    """The 15-character letter SIDC of a unit.

    Parameters
    ----------
    side : str
        A :data:`layers.schema.Side` (``soviet``, ``japanese``...).
    echelon : str or None
        One of :data:`Echelon`; ``None`` for no echelon mark.
    unit_type : str
        One of :data:`UnitType`.

    Returns
    -------
    str
        E.g. ``SHGPUCI----I---`` for a Japanese infantry division; headquarters carry
        ``A`` (the headquarters staff) at position 11.

    Raises
    ------
    SymbolError
        For an unknown side, echelon or type.

    Examples
    --------
    >>> sidc("japanese", "division", "infantry")
    'SHGPUCI----I---'
    >>> sidc("soviet", "army_group", "headquarters")
    'SFGPUH----AL---'
    """
    ident = identity_for(side)
    code = UNIT_TYPES.get(unit_type)
    if code is None:
        raise SymbolError(f"unknown unit type {unit_type!r} (known: {', '.join(UNIT_TYPES)})")
    if echelon is None:
        ech = "-"
    elif echelon in ECHELON_CODE:
        ech = ECHELON_CODE[echelon]
    else:
        raise SymbolError(f"unknown echelon {echelon!r} (known: {', '.join(ECHELON_CODE)})")
    if code.dimension == "S":
        ech = "-"  # sea-surface symbols carry no echelon amplifier
    hq = "A" if code.hq else "-"
    out = f"S{ident}{code.dimension}P{code.function}{hq}{ech}---"
    assert len(out) == SIDC_LENGTH
    return out


@dataclass(frozen=True)
class ParsedSidc:
    """The parts of a letter SIDC this atlas uses.

    Parameters
    ----------
    identity : {"F", "H", "N"}
    dimension : {"G", "S"}
    function : str
        Six characters.
    unit_type : str
        The :data:`UnitType` whose function ID it is.
    headquarters : bool
    echelon : str or None
        Echelon letter, ``None`` for ``-``.
    """

    identity: Identity
    dimension: str
    function: str
    unit_type: str
    headquarters: bool
    echelon: str | None

    @property
    def echelon_mark(self) -> str:
        """The mark drawn above the frame (``XX`` for a division), empty for none."""
        return ECHELON_MARK.get(self.echelon or "", "")


_BY_FUNCTION: dict[tuple[str, str], str] = {(c.dimension, c.function): t for t, c in UNIT_TYPES.items()}


def parse_sidc(code: str) -> ParsedSidc:
    """Read a SIDC made by :func:`sidc` back into its parts.

    Raises
    ------
    SymbolError
        When the code is not 15 characters or uses a function, identity or echelon this
        atlas does not make.
    """
    if not isinstance(code, str) or len(code) != SIDC_LENGTH:
        raise SymbolError(f"a SIDC has {SIDC_LENGTH} characters: {code!r}")
    ident, dim, function, hq, ech = code[1], code[2], code[4:10], code[10], code[11]
    if code[0] != "S" or ident not in IDENTITY_NAME:
        raise SymbolError(f"{code!r}: not a warfighting SIDC with identity F, H or N")
    unit_type = _BY_FUNCTION.get((dim, function))
    if unit_type is None:
        raise SymbolError(f"{code!r}: function {dim}/{function} is not one of the atlas' unit types")
    if ech != "-" and ech not in ECHELON_MARK:
        raise SymbolError(f"{code!r}: unknown echelon letter {ech!r}")
    return ParsedSidc(ident, dim, function, unit_type, hq == "A", None if ech == "-" else ech)  # type: ignore[arg-type]


def symbol_style(side: str) -> dict[str, str]:
    """Colours of a side's symbols: ``fill`` (frame fill), ``colour`` (side colour), ``identity``.

    The web map passes ``fill`` as milsymbol's ``fillColor``.

    Raises
    ------
    SymbolError
        For an unknown side.
    """
    ident = identity_for(side)
    return {"fill": SIDE_FILL[side], "colour": SIDE_COLOUR[side], "identity": IDENTITY_NAME[ident]}


assert set(get_args(Echelon)) == set(ECHELON_CODE)
assert set(get_args(UnitType)) == set(UNIT_TYPES)
