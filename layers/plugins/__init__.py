"""Folium plugins of the atlas (one module per plugin, as in folium.plugins)."""

from layers.plugins.time_sliced import TimeSlicedLayers

__all__ = ["TimeSlicedLayers"]
