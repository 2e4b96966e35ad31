"""Per-feature styles from a layer's declarative spec."""

from __future__ import annotations

from typing import Any

from layers.schema import LayerSpec, Style

__all__ = ["style_for", "leaflet_options", "legend_entries"]


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


def legend_entries(spec: LayerSpec) -> list[tuple[str, Style]]:
    """Legend rows of a layer: its title with the base style, then one row per override."""
    rows = [(spec.title, spec.style)]
    if spec.style_by:
        for value, override in spec.style_by.values.items():
            rows.append((f"{spec.title}: {value.replace('_', ' ')}", spec.style.merged(override)))
    return rows
