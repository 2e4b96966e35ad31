"""The naive baseline for ``scripts/benchmark_slider.py``: a date slider that rebuilds the map.

This is how a Streamlit map page is usually written: ``st.slider`` for the date, and on
every rerun a new folium map of that day's slice, shown with
``streamlit_folium.st_folium(m, key="map")`` (its default ``returned_objects``). It shows
the same content as the atlas (same slice, styles, tooltips and popups, the same offline
vector basemap and the same side panels) with plain folium ``GeoJson`` layers and no
``layers.webmap``. Assets are the vendored copies, so it works offline.

Run it with ``streamlit run scripts/naive_page.py`` (the benchmark does). It is a
baseline to measure against, not part of the atlas.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import folium
import streamlit as st
from shapely.geometry import MultiLineString, MultiPolygon, mapping
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers import load_atlas
from layers.assets import STATIC_URL, use_local_assets
from layers.bundle import basemap_bundle, with_arrowheads
from layers.loading import Atlas
from layers.panels import figures_table, visible_features
from layers.popups import popup_html, tooltip_html
from layers.slicing import slice_atlas
from layers.styling import leaflet_options, style_for
from layers.viewstate import ATLAS_END, ATLAS_START

#: Same frame height as the atlas' component.
MAP_HEIGHT = 640

st.set_page_config(page_title="Naive baseline", layout="wide")


@st.cache_resource
def get_atlas() -> Atlas:
    """The same atlas as the app (``FEF_DATA_DIR`` / ``FEF_SOURCES_DIR`` apply)."""
    return load_atlas()


@st.cache_resource
def get_basemap() -> dict[str, Any]:
    """The offline vector basemap as a GeoJSON FeatureCollection with a style per feature."""
    b = basemap_bundle()
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": f["g"], "properties": {"style": b["styles"][f["y"]]}}
            for f in b["features"]
        ],
    }


def layer_geojson(atlas: Atlas, lid: str, part: Any) -> dict[str, Any]:
    """One layer's slice as GeoJSON with per-feature style, tooltip and popup HTML."""
    spec = atlas.layers[lid].spec
    feats = []
    for row in part.itertuples(index=False):
        if row.geometry is None:
            continue
        props = row.properties
        style = leaflet_options(style_for(spec, props))
        info = {"tooltip": tooltip_html(props), "popup": popup_html(props, atlas.bibliography, spec.title)}
        geoms = [row.geometry]
        if props["kind"] == "movement":
            style = {**style, "fillColor": style["color"], "fillOpacity": 0.9}
            # folium cannot compute the bounds of a GeometryCollection: heads as extra features
            geoms = list(with_arrowheads(row.geometry).geoms)
            geoms = [MultiLineString([g for g in geoms if g.geom_type == "LineString"]),
                     MultiPolygon([g for g in geoms if g.geom_type == "Polygon"])]
        for i, geom in enumerate(geoms):
            feats.append({
                "type": "Feature",
                "geometry": mapping(geom),
                # only the first part carries the id (the benchmark counts features by id)
                "properties": {**({"id": props["id"]} if i == 0 else {}), "style": style, **info},
            })
    return {"type": "FeatureCollection", "features": feats}


atlas = get_atlas()
# FEF_NAIVE_CAMPAIGN (set by benchmark_slider.py --campaign): that preset's layers, date and view
overview = atlas.campaigns.get(os.environ.get("FEF_NAIVE_CAMPAIGN") or "overview") or atlas.campaigns.get("overview")
shown = set(overview.layers) if overview is not None and os.environ.get("FEF_NAIVE_CAMPAIGN") else None
default_date = dt.date.fromisoformat(overview.default_date) if overview else dt.date(1939, 8, 20)
bounds = [list(overview.bounds[0]), list(overview.bounds[1])] if overview else [[38, 104], [56, 146]]

with st.sidebar:
    st.header("Layers")
    visible = [lid for lid, layer in atlas.layers.items() if st.checkbox(layer.spec.title, value=shown is None or lid in shown, key=lid)]

st.title("Naive baseline: the map is rebuilt on every date change")
day = st.slider("Map date", min_value=ATLAS_START, max_value=ATLAS_END, value=default_date,
                format="YYYY-MM-DD", key="date")

# folium draws vectors as SVG by default; FEF_NAIVE_CANVAS=1 gives the naive page Leaflet's
# canvas renderer, as the atlas uses (a stronger baseline: same rebuild, cheaper painting).
m = folium.Map(tiles=None, control_scale=True, min_zoom=3, max_zoom=16,
               prefer_canvas=os.environ.get("FEF_NAIVE_CANVAS") == "1")
m.fit_bounds(bounds)
use_local_assets(m, STATIC_URL + "/vendor")
folium.GeoJson(get_basemap(), name="Basemap", style_function=lambda f: f["properties"]["style"],
               interactive=False, control=False).add_to(m)
for lid, part in slice_atlas(atlas, day, visible).items():
    data = layer_geojson(atlas, lid, part)
    if not data["features"]:  # only unlocated features today
        continue
    folium.GeoJson(
        data,
        name=atlas.layers[lid].spec.title,
        style_function=lambda f: f["properties"]["style"],
        marker=folium.CircleMarker(),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=380),
    ).add_to(m)
st_folium(m, key="map", height=MAP_HEIGHT, use_container_width=True)

st.subheader(f"On the map on {day.day} {day:%B %Y}")
left, right = st.columns([3, 2])
with left:
    table = visible_features(atlas, day, visible)
    st.markdown(f"**{len(table)} features** in {len(visible)} layers.")
    st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch", height=320)
with right:
    figs = figures_table(atlas, day, visible)
    st.markdown("**Figures**")
    st.dataframe(figs, hide_index=True, width="stretch", height=320)
