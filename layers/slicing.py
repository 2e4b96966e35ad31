"""Time slicing: which features exist on a given day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import geopandas as gpd
import numpy as np

from layers.dates import to_day
from layers.loading import Atlas

__all__ = ["change_days", "mask_at", "slice_at", "slice_atlas"]


def mask_at(gdf: gpd.GeoDataFrame, day: int | str | dt.date) -> np.ndarray:
    """Boolean mask of the rows that exist on ``day`` (half-open ``[start, end)``).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer frame with ``start_day``/``end_day`` columns.
    day : int, str or datetime.date
        Day number, ``YYYY-MM-DD`` string or date.

    Returns
    -------
    numpy.ndarray of bool
    """
    d = day if isinstance(day, (int, np.integer)) else to_day(day)
    start = gdf["start_day"].to_numpy()
    end = gdf["end_day"].to_numpy()
    return (start <= d) & (d < end)


def slice_at(gdf: gpd.GeoDataFrame, day: int | str | dt.date) -> gpd.GeoDataFrame:
    """Rows of ``gdf`` that exist on ``day``."""
    return gdf[mask_at(gdf, day)]


def slice_atlas(
    atlas: Atlas, day: int | str | dt.date, layer_ids: Iterable[str] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Slice several layers at once.

    Parameters
    ----------
    atlas : Atlas
    day : int, str or datetime.date
    layer_ids : iterable of str, optional
        Layers to slice (default: all loaded layers), in the atlas' draw order.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Non-empty slices only.
    """
    wanted = set(atlas.layers if layer_ids is None else layer_ids)
    out: dict[str, gpd.GeoDataFrame] = {}
    for lid, layer in atlas.layers.items():
        if lid in wanted:
            part = slice_at(layer.gdf, day)
            if len(part):
                out[lid] = part
    return out


def change_days(atlas: Atlas, layer_ids: Iterable[str] | None = None) -> np.ndarray:
    """Sorted unique days on which something appears or vanishes.

    Useful to step through a campaign event by event.
    """
    wanted = set(atlas.layers if layer_ids is None else layer_ids)
    parts = [
        np.concatenate([l.gdf["start_day"].to_numpy(), l.gdf["end_day"].to_numpy()])
        for lid, l in atlas.layers.items()
        if lid in wanted
    ]
    if not parts:
        return np.array([], dtype=np.int64)
    days = np.unique(np.concatenate(parts))
    return days[days < 2_000_000]
