"""The events timeline: chronology events as marks by campaign, the map date as a rule.

The chart is Vega-Lite (through Altair, which Streamlit bundles, so it works offline). This
module builds the table and the chart; the app only shows it and reads the clicked event.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, cast

import altair as alt
import pandas as pd
import pyarrow as pa

from layers.dates import OPEN_END, from_day, to_day
from layers.loading import Atlas
from layers.popups import date_range_text

__all__ = ["CAMPAIGN_TITLES", "SELECTION", "campaign_title", "timeline_chart", "timeline_frame", "timeline_spec"]

#: Name of the chart's click selection (the app reads ``selection[SELECTION]``).
SELECTION = "event"
#: Titles of chronology groups that are not campaign presets.
CAMPAIGN_TITLES = {
    "background": "Background and diplomacy",
    "manchukuo": "Manchukuo",
    "border_conflicts": "Border conflicts 1932–1941",
}


def campaign_title(atlas: Atlas, campaign: str | None) -> str:
    """A campaign id in words (``lake_khasan`` → "Lake Khasan 1938")."""
    if not campaign:
        return "Other"
    if campaign in atlas.campaigns:
        return atlas.campaigns[campaign].title
    return CAMPAIGN_TITLES.get(campaign, campaign.replace("_", " ").capitalize())


def timeline_frame(atlas: Atlas, layer_id: str = "chronology") -> pd.DataFrame:
    """One row per chronology event.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``group`` (campaign in words), ``start`` and ``end``
        (``datetime64``; ``end`` is the last day, inclusive), ``day`` (int day number of the
        start) and ``dates`` (in words), sorted by start.
    """
    cols = ["id", "name", "group", "start", "end", "day", "dates"]
    layer = atlas.layers.get(layer_id)
    if layer is None:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in layer.gdf.itertuples():
        props = r.properties
        last = min(int(r.end_day), to_day(dt.date(1950, 12, 31))) - 1 if r.end_day < OPEN_END else int(r.start_day)
        rows.append({
            "id": props["id"], "name": props["name"], "group": campaign_title(atlas, props.get("campaign")),
            "start": pd.Timestamp(from_day(int(r.start_day))), "end": pd.Timestamp(from_day(max(last, int(r.start_day)))),
            "day": int(r.start_day), "dates": date_range_text(props),
        })
    return pd.DataFrame(rows, columns=cols).sort_values("day", kind="stable").reset_index(drop=True)


def timeline_chart(
    frame: pd.DataFrame,
    map_date: dt.date,
    *,
    start: dt.date,
    end: dt.date,
    width: int | str = "container",
) -> alt.LayerChart:
    """The timeline chart.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`timeline_frame`.
    map_date : datetime.date
        Drawn as a vertical rule.
    start, end : datetime.date
        The visible range (a campaign's own range, or the whole atlas); the chart can be
        zoomed and panned with the mouse wheel and by dragging.
    width : int or "container"

    Returns
    -------
    altair.LayerChart
        Click an event mark to select it (selection :data:`SELECTION`, field ``id``).
    """
    return _chart(frame, map_date, start=start, end=end, width=width, inline=False)


def _iso_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON records, timestamps as ISO text (as Altair writes a frame's datetimes)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].map(lambda t: t.isoformat())
    return cast(list[dict[str, Any]], out.to_dict("records"))


def _rule_rows(map_date: dt.date) -> list[dict[str, Any]]:
    return [{"date": pd.Timestamp(map_date).isoformat(), "label": f"Map: {map_date:%d %b %Y}"}]


def _chart(
    frame: pd.DataFrame, map_date: dt.date, *, start: dt.date, end: dt.date, width: int | str, inline: bool
) -> alt.LayerChart:
    """:func:`timeline_chart`; with ``inline`` the data are JSON values (no data transformer)."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    shown = frame[(frame["end"] >= lo) & (frame["start"] <= hi)]
    data: Any = alt.Data(values=_iso_rows(shown)) if inline else shown
    rule_data: Any = (alt.Data(values=_rule_rows(map_date)) if inline else
                      pd.DataFrame({"date": [pd.Timestamp(map_date)], "label": [f"Map: {map_date:%d %b %Y}"]}))
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    zoom = alt.selection_interval(bind="scales", encodings=["x"])
    x = alt.X("start:T", title=None, scale=alt.Scale(domain=[lo.isoformat(), hi.isoformat()]),
              axis=alt.Axis(format="%d %b %Y" if (hi - lo).days < 800 else "%Y", labelOverlap=True))
    y = alt.Y("group:N", title=None, sort=list(dict.fromkeys(shown["group"])),
              axis=alt.Axis(labelLimit=220))
    tooltip = [alt.Tooltip("name:N", title="Event"), alt.Tooltip("dates:N", title="When"),
               alt.Tooltip("group:N", title="Campaign")]
    spans = alt.Chart(data).mark_rule(strokeWidth=5, opacity=0.35).encode(x=x, x2="end:T", y=y, color=_colour())
    marks = (
        alt.Chart(data)
        .mark_point(filled=True, size=90, opacity=0.9)
        .encode(x=x, y=y, color=_colour(), tooltip=tooltip,
                shape=alt.Shape("group:N", legend=None),
                size=alt.condition(pick, alt.value(180), alt.value(80)))
        .add_params(pick, zoom)
    )
    rule = (
        alt.Chart(rule_data)
        .mark_rule(color="#222", strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x="date:T", tooltip=[alt.Tooltip("label:N", title="Map date")])
    )
    rows = max(1, shown["group"].nunique())
    chart = alt.layer(spans, marks, rule).properties(width=width, height=40 + 26 * rows)
    return cast(alt.LayerChart, chart)


#: Vega-Lite specs of the timeline without its map-date rule, by (frame, range): building one
#: through Altair (schema validation included) takes 0.2-0.5 s of the GIL, and Streamlit's own
#: Altair conversion holds a process-wide lock meanwhile, so every session's rerun queued
#: behind it. The frame is kept with its spec, so a recycled ``id`` cannot match.
_SPECS: dict[tuple[int, dt.date, dt.date, str, bool], tuple[pd.DataFrame, dict[str, Any], int]] = {}
_SPECS_LOCK = threading.Lock()
_SPECS_MAX = 32


def arrow_ipc(rows: list[dict[str, Any]]) -> bytes:
    """Rows as an Arrow IPC stream, the form ``st.vega_lite_chart`` sends a named dataset in.

    Streamlit converts every dataset given as rows into this on every call (through a pandas
    frame); given bytes, it sends them as they are.
    """
    return _ipc(pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False))


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def timeline_spec(
    frame: pd.DataFrame, map_date: dt.date, *, start: dt.date, end: dt.date, width: int | str = "container",
    arrow: bool = False,
) -> dict[str, Any]:
    """The chart of :func:`timeline_chart` as a Vega-Lite spec, for ``st.vega_lite_chart``.

    Built through Altair once per frame and range; each call only puts ``map_date`` into the
    rule's data (microseconds instead of a chart build and validation per rerun). The data
    are inline JSON values (no Altair data transformer is involved, so no global state).

    Returns
    -------
    dict
        Same layers, selection :data:`SELECTION` (field ``id``) and scales as
        :func:`timeline_chart`. The top-level dict, its ``datasets`` and the rule layer are
        new; the other nested parts are shared with the cache and must not be changed in
        place (Streamlit only changes the top level). With ``arrow`` the ``datasets`` are
        Arrow IPC bytes (:func:`arrow_ipc`; the events' converted once per frame and range),
        which ``st.vega_lite_chart`` sends without converting them again on every rerun.
    """
    key = (id(frame), start, end, str(width), arrow)
    with _SPECS_LOCK:
        hit = _SPECS.get(key)
    if hit is None or hit[0] is not frame:
        spec = _chart(frame, map_date, start=start, end=end, width=width, inline=True).to_dict()
        layers = spec["layer"]
        rule = next(i for i, lay in enumerate(layers) if lay.get("mark", {}).get("type") == "rule"
                    and "x2" not in lay.get("encoding", {}))
        # one named dataset per table (the event marks and spans share theirs), as Altair does
        spec["datasets"] = {}
        for i, lay in enumerate(layers):
            name = "map_date" if i == rule else "events"
            spec["datasets"][name] = arrow_ipc(lay["data"]["values"]) if arrow else lay["data"]["values"]
            lay["data"] = {"name": name}
        hit = (frame, spec, rule)
        with _SPECS_LOCK:
            if len(_SPECS) >= _SPECS_MAX:
                _SPECS.pop(next(iter(_SPECS)))
            _SPECS[key] = hit
    _, base, rule = hit
    out = dict(base)
    out["layer"] = list(base["layer"])
    layer = dict(base["layer"][rule])
    values: Any = _rule_rows(map_date)
    if arrow:
        values = _ipc(pa.Table.from_pylist(values))
    out["datasets"] = {**base["datasets"], layer["data"]["name"]: values}
    out["layer"][rule] = layer
    return out


def _colour() -> Any:
    # Okabe–Ito: distinguishable with the common colour-vision deficiencies
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    return alt.Color("group:N", legend=None, scale=alt.Scale(range=palette))
