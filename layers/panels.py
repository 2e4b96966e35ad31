"""Tables for the dashboard's side panels: what is on the map, figures, events.

Plain pandas; the app only displays them, the tests check them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from layers.dates import to_day
from layers.loading import Atlas, Layer
from layers.popups import date_range_text, figures_by_label, format_figure
from layers.slicing import mask_at
from layers.timeline import campaign_title

__all__ = [
    "PanelTables", "corrections_table", "events_between", "figures_table", "panel_tables", "plural", "search_events",
    "visible_features",
]


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 feature``, ``2 features``, ``0 events`` (``words`` for irregular plurals)."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


#: Per layer, its features' panel rows (they do not depend on the date), built on first use:
#: a rerun then only picks the rows of the day (issue 11, load: the tables were a fifth of a
#: rerun). Keyed by the layer object (kept, so a recycled ``id`` cannot match), bounded.
_ROWS: dict[int, tuple[Layer, list[dict[str, Any]], list[list[dict[str, Any]]]]] = {}
_ROWS_LOCK = threading.Lock()
_ROWS_MAX = 512


def _layer_rows(atlas: Atlas, layer: Layer) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """``(feature rows, figure rows per feature)`` of ``layer``, in row order (cached)."""
    with _ROWS_LOCK:
        hit = _ROWS.get(id(layer))
    if hit is not None and hit[0] is layer:
        return hit[1], hit[2]
    geoms = layer.gdf.geometry.array
    feats, figures = [], []
    for i, props in enumerate(layer.gdf["properties"].to_numpy()):
        feats.append({
            "layer": layer.spec.title,
            "id": props["id"],
            "name": props["name"],
            "kind": props["kind"].replace("_", " "),
            "dates": date_range_text(props),
            "certainty": props["certainty"].replace("_", " "),
            "sources": "; ".join(atlas.bibliography.short(k) for k in props["sources"]),
            "drawn": geoms[i] is not None,
        })
        rows = []
        for label, figs in figures_by_label(props).items():
            disagree = len({(f["value"], f.get("value_max")) for f in figs}) > 1
            for f in figs:
                rows.append({
                    "feature": props["name"],
                    "figure": label,
                    "value": format_figure(f),
                    "source": atlas.bibliography.short(f["source"]),
                    "note": f.get("note") or "",
                    "sources_disagree": disagree,
                })
        figures.append(rows)
    with _ROWS_LOCK:
        if len(_ROWS) >= _ROWS_MAX:
            _ROWS.pop(next(iter(_ROWS)))
        _ROWS[id(layer)] = (layer, feats, figures)
    return feats, figures


def _rows_on(atlas: Atlas, day: dt.date | int, layer_ids: Iterable[str]) -> Iterator[tuple[Layer, int]]:
    """``(layer, row position)`` of every feature that exists on ``day`` in ``layer_ids``."""
    d = day if isinstance(day, int) else to_day(day)
    for lid in layer_ids:
        layer = atlas.layers.get(lid)
        if layer is not None:
            for i in np.flatnonzero(mask_at(layer.gdf, d)):
                yield layer, int(i)


def visible_features(atlas: Atlas, day: dt.date | int, layer_ids: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """One row per feature on the map on ``day`` in the given layers.

    Columns: ``layer``, ``id``, ``name``, ``kind``, ``dates``, ``certainty``, ``sources``
    (short citations; the full ones are in the popups and :meth:`Bibliography.cite`) and
    ``drawn`` (whether the map draws it: events without a place are listed, not drawn, so
    the map's count is the number of ``drawn`` rows).
    """
    rows = [_layer_rows(atlas, layer)[0][i] for layer, i in _rows_on(atlas, day, layer_ids)]
    return pd.DataFrame(rows, columns=["layer", "id", "name", "kind", "dates", "certainty", "sources", "drawn"])


def figures_table(atlas: Atlas, day: dt.date | int, layer_ids: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Every figure of the features on the map, one row per source.

    Columns: ``feature``, ``figure``, ``value``, ``source``, ``note``, ``sources_disagree``.
    """
    rows = [r for layer, i in _rows_on(atlas, day, layer_ids) for r in _layer_rows(atlas, layer)[1][i]]
    return pd.DataFrame(rows, columns=["feature", "figure", "value", "source", "note", "sources_disagree"])


#: Columns of the feature table as shown (``id`` is left out) and of the figures table.
FEATURE_SCHEMA = pa.schema([("name", pa.string()), ("dates", pa.string()), ("layer", pa.string()),
                            ("kind", pa.string()), ("certainty", pa.string()), ("sources", pa.string()),
                            ("drawn", pa.bool_())])
FIGURE_SCHEMA = pa.schema([("figure", pa.string()), ("value", pa.string()), ("source", pa.string()),
                           ("feature", pa.string()), ("sources_disagree", pa.bool_()), ("note", pa.string())])


@dataclass(frozen=True)
class PanelTables:
    """The side panels of one day, ready to display.

    Attributes
    ----------
    features : pyarrow.Table
        :func:`visible_features` without ``id`` (:data:`FEATURE_SCHEMA`).
    figures : pyarrow.Table
        :func:`figures_table` (:data:`FIGURE_SCHEMA`).
    drawn : int
        Features the map draws (rows with ``drawn``).
    listed : int
        All rows of ``features`` (events without a place are listed, not drawn).
    """

    features: pa.Table
    figures: pa.Table
    drawn: int
    listed: int


@dataclass(frozen=True)
class _LayerTables:
    """One layer's panel rows for every date, as Arrow tables, and what picks a day's rows."""

    start: np.ndarray
    end: np.ndarray
    features: pa.Table
    figures: pa.Table
    owner: np.ndarray  # the feature row of each figure row


#: Per layer object (kept, so a recycled ``id`` cannot match): its rows as Arrow tables. A day's
#: tables are then a filter and a concatenation in Arrow (≈ 0.3 ms for every layer), and Streamlit
#: sends an Arrow table as it is, where a pandas frame was converted on every rerun (issue 11,
#: load: building and converting the two tables was a quarter of a rerun).
_TABLES: dict[int, tuple[Layer, _LayerTables]] = {}


def _layer_tables(atlas: Atlas, layer: Layer) -> _LayerTables:
    with _ROWS_LOCK:
        hit = _TABLES.get(id(layer))
    if hit is not None and hit[0] is layer:
        return hit[1]
    feats, figures = _layer_rows(atlas, layer)
    out = _LayerTables(
        start=layer.gdf["start_day"].to_numpy(), end=layer.gdf["end_day"].to_numpy(),
        features=pa.Table.from_pylist(feats, schema=FEATURE_SCHEMA),
        figures=pa.Table.from_pylist([r for rows in figures for r in rows], schema=FIGURE_SCHEMA),
        owner=np.repeat(np.arange(len(figures)), [len(rows) for rows in figures]),
    )
    with _ROWS_LOCK:
        if len(_TABLES) >= _ROWS_MAX:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[id(layer)] = (layer, out)
    return out


def panel_tables(atlas: Atlas, day: dt.date | int, layer_ids: Iterable[str]) -> PanelTables:
    """The feature and figure tables of ``day`` as Arrow tables.

    Same rows, in the same order, as :func:`visible_features` (without ``id``) and
    :func:`figures_table`; built from per-layer Arrow tables made once.

    Parameters
    ----------
    atlas : Atlas
    day : datetime.date or int
    layer_ids : iterable of str
        Visible layers; unknown ids are ignored.

    Returns
    -------
    PanelTables
    """
    d = day if isinstance(day, int) else to_day(day)
    feats, figs = [], []
    for lid in layer_ids:
        layer = atlas.layers.get(lid)
        if layer is None:
            continue
        t = _layer_tables(atlas, layer)
        on = (t.start <= d) & (d < t.end)
        feats.append(t.features.filter(on))
        figs.append(t.figures.filter(on[t.owner]))
    features = pa.concat_tables(feats) if feats else FEATURE_SCHEMA.empty_table()
    figures = pa.concat_tables(figs) if figs else FIGURE_SCHEMA.empty_table()
    drawn = int(np.count_nonzero(features.column("drawn").to_numpy(zero_copy_only=False)))
    return PanelTables(features=features, figures=figures, drawn=drawn, listed=features.num_rows)


def events_between(atlas: Atlas, start: dt.date | int, end: dt.date | int, layer_id: str = "chronology") -> pd.DataFrame:
    """Chronology events starting in ``[start, end]``, sorted by date.

    Columns: ``day``, ``date``, ``name``, ``campaign`` (in words), ``description``,
    ``sources`` (full citations), ``campaign_id`` and ``id``.
    """
    layer = atlas.layers.get(layer_id)
    cols = ["day", "date", "name", "campaign", "description", "sources", "campaign_id", "id"]
    if layer is None:
        return pd.DataFrame(columns=cols)
    s = start if isinstance(start, int) else to_day(start)
    e = end if isinstance(end, int) else to_day(end)
    gdf = layer.gdf[(layer.gdf["start_day"] >= s) & (layer.gdf["start_day"] <= e)].sort_values("start_day")
    rows = [
        {
            "day": int(r.start_day),
            "date": date_range_text(r.properties),
            "name": r.properties["name"],
            "campaign": campaign_title(atlas, r.properties.get("campaign")),
            "description": r.properties["description"],
            "sources": " | ".join(atlas.bibliography.cite(k) for k in r.properties["sources"]),
            "campaign_id": r.properties.get("campaign") or "",
            "id": r.properties["id"],
        }
        for r in gdf.itertuples()
    ]
    return pd.DataFrame(rows, columns=cols)


def search_events(
    atlas: Atlas, text: str = "", campaign: str | None = None, layer_id: str = "chronology", limit: int = 500
) -> pd.DataFrame:
    """Chronology events whose name or description contains ``text`` (case-insensitive).

    Parameters
    ----------
    atlas : Atlas
    text : str
        Words to look for; every word must occur (in any order). Empty: all events.
    campaign : str, optional
        Keep only events of this campaign id.
    limit : int
        At most this many rows (the query text is user input; keep answers bounded).

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`events_between`, sorted by date.
    """
    events = events_between(atlas, -10**7, 10**7, layer_id)
    if campaign:
        events = events[events["campaign_id"] == campaign]
    words = [w for w in text.lower().split() if w][:10]
    if words:
        hay = (events["name"] + " " + events["description"]).str.lower()
        mask = pd.Series(True, index=events.index)
        for w in words:
            mask &= hay.str.contains(w, regex=False)
        events = events[mask]
    return events.head(limit).reset_index(drop=True)


def corrections_table(atlas: Atlas) -> pd.DataFrame:
    """The seed-text corrections: what a seed says, what the sources say."""
    rows = [
        {
            "seed": atlas.bibliography[c.seed].title if c.seed in atlas.bibliography else c.seed,
            "severity": c.severity,
            "the seed says": c.claim,
            "the sources say": c.correction,
            "sources": " | ".join(atlas.bibliography.cite(k) for k in c.sources),
        }
        for c in atlas.corrections
    ]
    return pd.DataFrame(rows, columns=["seed", "severity", "the seed says", "the sources say", "sources"])
