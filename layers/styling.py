"""Per-feature styles from a layer's declarative spec."""

from __future__ import annotations

from typing import Any

from layers.schema import LayerSpec, Style

__all__ = ["leaflet_options", "legend_entries", "present_values", "style_for"]


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
