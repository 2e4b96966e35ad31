"""Explorer helpers for the map page: chronology event days for the date bar's
"previous/next event" buttons, and the vendored scripts of the two-date comparison.

No Streamlit here; used by :mod:`layers.webmap`.
"""

from __future__ import annotations

from typing import Any

from layers.loading import Atlas

__all__ = [
    "BASEMAP_IDS", "BASEMAP_NAMES", "COMPARE_CSS", "COMPARE_JS", "chronology_days", "share_link", "with_compare_assets",
]

#: Vendored leaflet-side-by-side files (``scripts/vendor_assets.py``), relative to ``static/vendor``.
COMPARE_JS = ("leaflet_side_by_side", "leaflet-side-by-side/leaflet-side-by-side.js")
COMPARE_CSS = (
    ("leaflet_side_by_side_layout", "leaflet-side-by-side/layout.css"),
    ("leaflet_side_by_side_range", "leaflet-side-by-side/range.css"),
)


def chronology_days(atlas: Atlas, start: int, end: int, layer_id: str = "chronology") -> list[list[Any]]:
    """Days of the chronology's events within ``[start, end]``, with their names.

    Parameters
    ----------
    atlas : Atlas
    start, end : int
        Day numbers (days since 1970-01-01), inclusive.
    layer_id : str
        The layer holding the chronology.

    Returns
    -------
    list of [int, str]
        One ``[day, names]`` pair per day, sorted by day; events of the same day are
        joined with "; " in date order then by name. Names are plain text (shown with
        ``textContent``). Empty when the layer is missing.
    """
    layer = atlas.layers.get(layer_id)
    if layer is None or len(layer.gdf) == 0:
        return []
    by_day: dict[int, list[str]] = {}
    for day, props in zip(layer.gdf["start_day"], layer.gdf["properties"], strict=True):
        d = int(day)
        if start <= d <= end:
            by_day.setdefault(d, []).append(str(props.get("name") or props.get("id") or ""))
    return [[d, "; ".join(sorted(n for n in names if n))] for d, names in sorted(by_day.items())]


def with_compare_assets(default_js: list[tuple[str, str]], default_css: list[tuple[str, str]],
                        base_url: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Folium ``default_js``/``default_css`` lists plus the side-by-side control.

    Parameters
    ----------
    default_js, default_css : list of (str, str)
        As set by :func:`layers.assets.use_local_assets` (Leaflet first).
    base_url : str
        URL of ``static/vendor`` as the page will see it.

    Returns
    -------
    (list, list)
        New lists; the script comes after Leaflet, which it extends.
    """
    base = base_url.rstrip("/")
    js = [*default_js, (COMPARE_JS[0], f"{base}/{COMPARE_JS[1]}")]
    css = [*default_css, *((n, f"{base}/{p}") for n, p in COMPARE_CSS)]
    return js, css


#: Basemap ids of :class:`layers.viewstate.ViewState` and the names the map's layer control shows.
BASEMAP_NAMES = {
    "offline": "Offline vector basemap",
    "osm": "OpenStreetMap (online)",
    "topo": "OpenTopoMap terrain (online)",
}
#: The reverse: the name the map reports -> basemap id.
BASEMAP_IDS = {name: bid for bid, name in BASEMAP_NAMES.items()}


def share_link(page_url: str | None, query: dict[str, str]) -> str:
    """A link to a view: the page's address with the view's query parameters.

    Parameters
    ----------
    page_url : str, optional
        The dashboard's address as the browser sees it (any query or fragment is
        replaced); ``None`` or empty gives a relative link (``?date=...``).
    query : dict of str to str
        :meth:`layers.viewstate.ViewState.to_query`.

    Returns
    -------
    str
    """
    from urllib.parse import quote, urlencode, urlsplit, urlunsplit

    qs = urlencode(query, quote_via=quote, safe=",")
    if not page_url:
        return "?" + qs
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", qs, ""))
