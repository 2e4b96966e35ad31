"""Per-feature styles from a layer's declarative spec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layers.schema import LayerSpec, Style


@dataclass(frozen=True)
class CertaintyClass:
    """How a ``certainty`` value is named and drawn.

    Attributes
    ----------
    label : str
        Short words for legends and popups ("period-true", "modern stand-in", ...).
    text : str
        One sentence saying what the value means for the drawn geometry.
    dash_array : str or None
        Leaflet dash pattern given to lines and area outlines of this certainty, unless the
        layer's own style already sets one (claims, allied zones keep theirs).
    opacity_factor : float
        Multiplies the stroke opacity (modern stand-ins and schematic shapes are paler).
    """

    label: str
    text: str
    dash_array: str | None = None
    opacity_factor: float = 1.0


#: The six ``certainty`` values of the data contract and how the maps show them. Solid
#: outlines are period-true or approximate period lines; long dashes are modern lines
#: standing in for historical ones; dots are schematic shapes.
CERTAINTY: dict[str, CertaintyClass] = {
    "verified": CertaintyClass(
        "period-true", "period-true: the limit as it ran, checked against a cited source or true by construction "
        "(a treaty parallel, whole islands)"),
    "approximate": CertaintyClass(
        "approximate", "the period limit, drawn approximately from the sources (see the stated precision)"),
    "estimated": CertaintyClass(
        "estimated", "estimated from a description (e.g. a corridor or radius around named places)", "6 4"),
    "disputed": CertaintyClass("claim", "disputed: one side's claim, not an agreed line"),
    "modern_proxy": CertaintyClass(
        "modern stand-in", "a modern line standing in for the historical one, which may differ in detail",
        "12 6", 0.8),
    "schematic": CertaintyClass(
        "schematic", "schematic: a symbolic position, arrow or shape, not a surveyed limit", "2 5", 0.8),
}

#: Geometry shapes whose outline shows the certainty (points and arrows keep their style).
_CERTAIN_SHAPES = frozenset({"line", "area"})


def certainty_options(options: dict[str, Any], certainty: str | None, shape: str) -> dict[str, Any]:
    """Leaflet options of a feature with its certainty made visible.

    Parameters
    ----------
    options : dict
        Leaflet path options from :func:`leaflet_options`.
    certainty : str or None
        The feature's ``certainty``.
    shape : str
        ``"point"``, ``"line"``, ``"area"`` or ``"arrow"``; only lines and areas change.

    Returns
    -------
    dict
        A new dict: the class's dash pattern (when the style has none) and a paler stroke.
    """
    cls = CERTAINTY.get(certainty or "")
    if cls is None or shape not in _CERTAIN_SHAPES:
        return dict(options)
    out = dict(options)
    if cls.dash_array and not out.get("dashArray"):
        out["dashArray"] = cls.dash_array
    if cls.opacity_factor != 1.0 and isinstance(out.get("opacity"), (int, float)):
        out["opacity"] = round(float(out["opacity"]) * cls.opacity_factor, 3)
    return out


def certainty_legend(present: set[str] | None = None) -> list[dict[str, Any]]:
    """Legend rows explaining the certainty styles (for the web legend and exports).

    Parameters
    ----------
    present : set of str, optional
        Certainty values that occur on the map; default all.

    Returns
    -------
    list of dict
        ``{"certainty", "label", "text", "dashArray"}`` in the contract's order.
    """
    return [
        {"certainty": key, "label": cls.label, "text": cls.text, "dashArray": cls.dash_array}
        for key, cls in CERTAINTY.items()
        if present is None or key in present
    ]

__all__ = [
    "CERTAINTY",
    "CertaintyClass",
    "certainty_legend",
    "certainty_options",
    "leaflet_options",
    "legend_entries",
    "present_values",
    "style_for",
]


def style_for(spec: LayerSpec, properties: dict[str, Any]) -> Style:
    """The style of one feature: the layer's style with any ``style_by`` override applied.

    Parameters
    ----------
    spec : LayerSpec
    properties : dict
        The feature's properties.

    Returns
    -------
    Style
    """
    if spec.style_by is None:
        return spec.style
    value = properties.get(spec.style_by.property)
    return spec.style.merged(spec.style_by.values.get(str(value)) if value is not None else None)


def leaflet_options(style: Style) -> dict[str, Any]:
    """Leaflet path options (camelCase) for a style."""
    out: dict[str, Any] = {
        "color": style.color,
        "weight": style.weight,
        "opacity": style.opacity,
        "fillColor": style.fill_color or style.color,
        "fillOpacity": style.fill_opacity,
        "radius": style.radius,
    }
    if style.dash_array:
        out["dashArray"] = style.dash_array
    return out


def legend_entries(spec: LayerSpec, present: set[str] | None = None) -> list[tuple[str, Style]]:
    """Legend rows of a layer.

    Parameters
    ----------
    spec : LayerSpec
    present : set of str, optional
        Values of the ``style_by`` property that occur in the data; rows for other values
        are left out (default: all).

    Returns
    -------
    list of (str, Style)
        The layer title with its base style when it has no overrides, else one row per
        override value (its ``label`` or the value in words).
    """
    if spec.style_by is None:
        return [(spec.title, spec.style)]
    rows = []
    for value, override in spec.style_by.values.items():
        if present is not None and value not in present:
            continue
        rows.append((override.label or value.replace("_", " ").capitalize(), spec.style.merged(override)))
    if present is None or present - set(spec.style_by.values):
        rows.insert(0, (spec.title, spec.style))
    return rows


def present_values(spec: LayerSpec, properties: list[dict[str, Any]]) -> set[str]:
    """Values of the layer's ``style_by`` property found in ``properties``."""
    if spec.style_by is None:
        return set()
    return {str(p.get(spec.style_by.property)) for p in properties}
