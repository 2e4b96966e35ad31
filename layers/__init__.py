"""Far East Frontiers 1918–1945: the data library.

``geodata/ + sources/ -> layers/ -> app.py | command line``. This package loads and
validates the layers, slices them in time, styles them and renders them (web map, print
map, exports). It never imports streamlit.
"""

from layers.dates import HistDate, parse_date, to_day
from layers.loading import Atlas, Layer, LayerDataError, LayerLoadError, load_atlas, parse_layer
from layers.slicing import mask_at, slice_at, slice_atlas

__all__ = [
    "Atlas",
    "HistDate",
    "Layer",
    "LayerDataError",
    "LayerLoadError",
    "load_atlas",
    "mask_at",
    "parse_date",
    "parse_layer",
    "slice_at",
    "slice_atlas",
    "to_day",
]
