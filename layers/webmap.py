"""The interactive web map: a folium map with time-sliced layers.

Two forms share one code path:

- **component**: a static page written once per dataset (``write_component_dir``) that
  the Streamlit app mounts as a custom component. Layer bundles are separate JSON files
  fetched when a layer is first shown; assets come from Streamlit's static serving.
- **standalone**: one self-contained HTML file (bundles and assets inlined) for export.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import folium
import xyzservices.providers as xyz

from layers.assets import STATIC_URL, inline_assets, lazy_js_urls, use_local_assets
from layers.bundle import basemap_bundle, bundle_json, content_hash, layer_bundle
from layers.campaign_data import Tour
from layers.dates import to_day
from layers.detail_basemap import detail_bundle, detail_config, sectors
from layers.explorer import chronology_days, with_compare_assets
from layers.loading import Atlas
from layers.plugins.time_sliced import TimeSlicedLayers
from layers.safetext import html_text
from layers.slicing import change_days
from layers.tours import OVERVIEW, campaign_span, checked_tours, nav_config, tour_config
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState

__all__ = ["COMPONENT_HEIGHT", "build_map", "online_tiles", "standalone_html", "write_component_dir"]

COMPONENT_HEIGHT = 640


def online_tiles() -> list[dict[str, Any]]:
    """Online tile basemaps offered as options (never loaded unless the user picks one)."""
    out = []
    for name, p in (("OpenStreetMap", xyz.OpenStreetMap.Mapnik), ("OpenTopoMap terrain", xyz.OpenTopoMap)):
        out.append(
            {"name": name, "url": p.build_url(fill_subdomain=False, scale_factor=""),
             "attribution": p.html_attribution, "max_zoom": int(p.get("max_zoom", 18))}
        )
    return out


def _base_map(state: ViewState, bounds: Any, asset_base: str, *, lazy: bool = False) -> folium.Map:
    m = folium.Map(
        location=list(state.center) if state.center else None,
        zoom_start=state.zoom or 5,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        min_zoom=3,
        max_zoom=16,
    )
    if not state.center and bounds is not None:
        m.fit_bounds(bounds)
    use_local_assets(m, asset_base, lazy=lazy)
    m.default_js, m.default_css = with_compare_assets(m.default_js, m.default_css, asset_base)
    return m


def _config(
    atlas: Atlas,
    state: ViewState,
    layers: list[dict[str, Any]],
    basemap: dict[str, Any],
    *,
    streamlit: bool,
    overlay_control: bool,
    asset_base: str,
    start: int,
    end: int,
) -> dict[str, Any]:
    return {
        "start": start,
        "end": end,
        "day": to_day(state.date),
        "events": [int(d) for d in change_days(atlas) if start <= d <= end],
        # chronology events ([day, names]) for the "previous/next event" buttons (explorer.js)
        "chronology": chronology_days(atlas, start, end),
        # a second date shown beside the first (compare.js); None: no comparison
        "compare": to_day(state.compare) if state.compare is not None else None,
        "layers": layers,
        "basemap": basemap,
        "online": online_tiles(),
        "streamlit": streamlit,
        "overlay_control": overlay_control,
        "height": COMPONENT_HEIGHT,
        "icon_path": asset_base.rstrip("/") + "/leaflet/images/",
        # debounce before the date is reported to Python: short enough for the panels to
        # follow within ~200 ms, long enough not to rerun on every frame of a held key
        "report_ms": 80,
    }


def build_map(
    atlas: Atlas,
    state: ViewState,
    *,
    inline: bool = True,
    data_urls: dict[str, str] | None = None,
    basemap_url: str | None = None,
    detail_urls: dict[str, str] | None = None,
    streamlit: bool = False,
    asset_base: str = STATIC_URL + "/vendor",
    start: str | None = None,
    end: str | None = None,
    extra: dict[str, Any] | None = None,
) -> folium.Map:
    """A folium map of the atlas with the date bar.

    Parameters
    ----------
    atlas : Atlas
    state : ViewState
        Date, visible layers, campaign extent or centre/zoom.
    inline : bool
        Embed every layer bundle in the page (standalone) instead of fetching ``data_urls``.
    data_urls : dict of str to str, optional
        Bundle URL per layer id (when ``inline`` is false).
    basemap_url : str, optional
        Basemap bundle URL (when ``inline`` is false).
    detail_urls : dict of str to str, optional
        Detail basemap bundle URL per sector id (when ``inline`` is false); a standalone
        page embeds only the sectors its campaign's view overlaps (none for the overview).
    streamlit : bool
        Talk to Streamlit's component protocol.
    asset_base : str
        URL of the vendored assets as the page will see it.
    start, end : str, optional
        Date bar range (default: the campaign's, see :func:`layers.tours.campaign_span`).
    extra : dict, optional
        More plugin settings (the standalone tour box: :func:`layers.tours.tour_config`).

    Returns
    -------
    folium.Map
    """
    camp = atlas.campaigns.get(state.campaign)
    bounds = [list(camp.bounds[0]), list(camp.bounds[1])] if camp else [[38, 104], [56, 146]]
    # a served page loads milsymbol when a unit layer is first drawn; a standalone file inlines it
    m = _base_map(state, bounds, asset_base, lazy=not inline)
    layers = []
    for lid, layer in atlas.layers.items():
        entry: dict[str, Any] = {
            "id": lid, "title": layer.spec.title, "order": layer.spec.order, "visible": lid in state.layers,
        }
        if inline:
            entry["data"] = layer_bundle(atlas, layer)
        else:
            entry["url"] = (data_urls or {})[lid]
        layers.append(entry)
    basemap = {"data": basemap_bundle()} if inline else {"url": basemap_url}
    # the date bar spans the campaign (the whole atlas when the date lies outside it)
    nav = nav_config(atlas, state.campaign)
    first, last = campaign_span(camp)
    if not first <= state.date <= last:
        nav["campaign"], first, last = OVERVIEW, ATLAS_START, ATLAS_END
    cfg = _config(
        atlas, state, layers, basemap,
        streamlit=streamlit, overlay_control=not streamlit, asset_base=asset_base,
        start=to_day(start or first), end=to_day(end or last),
    )
    cfg |= nav | (extra or {})
    if not inline:
        cfg["lazy_js"] = lazy_js_urls(asset_base)
    if inline:
        near = None
        if camp is not None and state.campaign != OVERVIEW:
            (south, west), (north, east) = camp.bounds
            near = (west, south, east, north)
        cfg["detail"] = detail_config(inline_bounds=near)
    else:
        cfg["detail"] = detail_config(urls=detail_urls or {})
    TimeSlicedLayers(cfg).add_to(m)
    return m


def standalone_html(
    atlas: Atlas, state: ViewState, *, title: str = "Far East Frontiers 1918–1945", tour: Tour | None = None
) -> str:
    """One self-contained interactive HTML file (works offline, no files beside it).

    With a tour (``tour``, or the tour ``state.tour`` names in ``geodata/tours/``) the page
    has a tour box opened on ``state.step``, with back/next buttons.
    """
    if tour is None and state.tour:
        tour = checked_tours(atlas)[0].get(state.tour)
    extra = tour_config(tour, atlas, state.step or 1) if tour is not None else None
    m = build_map(atlas, state, inline=True, asset_base="vendor:", extra=extra)
    html = m.get_root().render()
    # after rendering, so the title is never seen by Jinja; escaped for HTML all the same
    html = html.replace("<head>", f"<head><title>{html_text(title)}</title>", 1)
    return inline_assets(html, "vendor:")


def write_component_dir(atlas: Atlas, root: Path) -> Path:
    """Write the component page and layer bundles for the Streamlit app.

    The folder name is a hash of its content, so a changed dataset gets a new URL and
    browsers never mix old and new bundles.

    Parameters
    ----------
    atlas : Atlas
    root : Path
        Parent folder (created if needed).

    Returns
    -------
    Path
        ``root/<hash>/`` holding ``index.html``, ``basemap.json`` and ``layers/*.json``.
    """
    texts = {f"layers/{lid}.json": bundle_json(layer_bundle(atlas, layer)) for lid, layer in atlas.layers.items()}
    texts["basemap.json"] = bundle_json(basemap_bundle())
    urls = {lid: f"layers/{lid}.json" for lid in atlas.layers}
    # the battle sectors' detail basemap: fetched by the page only when zoomed in on a sector
    detail_urls = {s.id: f"detail/{s.id}.json" for s in sectors()}
    texts |= {detail_urls[s.id]: bundle_json(detail_bundle(s)) for s in sectors()}
    # The component page is served at <base>/component/<name>/index.html, so the app's
    # static files are two levels up.
    state = ViewState(layers=(), campaign="overview")
    m = build_map(
        atlas, state, inline=False, data_urls=urls, basemap_url="basemap.json", detail_urls=detail_urls,
        streamlit=True, asset_base="../.." + STATIC_URL + "/vendor",
    )
    page = _with_preloads(m.get_root().render(), ["basemap.json"])
    # folium names elements with random hex ids; leave them out of the content hash
    digest = content_hash(re.sub(r"_[0-9a-f]{32}", "", page), *[texts[k] for k in sorted(texts)])
    out = Path(root) / digest
    if not (out / "index.html").exists():
        (out / "layers").mkdir(parents=True, exist_ok=True)
        (out / "detail").mkdir(parents=True, exist_ok=True)
        for rel, text in texts.items():
            (out / rel).write_text(text, encoding="utf-8")
        (out / "index.html").write_text(page, encoding="utf-8")
        _prune(Path(root), keep=out)
    return out


def _with_preloads(page: str, urls: list[str]) -> str:
    """Start fetching the first view's files while the page's scripts still load.

    The plugin fetches the basemap only once Leaflet and the plugin have loaded; a
    ``preload`` at the top of ``<head>`` starts it with the page. ``crossorigin`` matches the
    plugin's ``fetch()`` (CORS mode, same-origin credentials), so the browser reuses the
    preloaded response instead of fetching twice. ``urls`` are our own relative paths.
    """
    links = "".join(f'<link rel="preload" href="{html_text(u)}" as="fetch" crossorigin="anonymous">' for u in urls)
    return page.replace("<head>", "<head>" + links, 1)


def _prune(root: Path, keep: Path, max_age_s: float = 7 * 86400) -> None:
    """Remove component folders of older datasets (untouched for ``max_age_s``)."""
    import shutil
    import time

    now = time.time()
    for d in root.iterdir():
        if d.is_dir() and d != keep and now - d.stat().st_mtime > max_age_s:
            shutil.rmtree(d, ignore_errors=True)


def bundle_sizes(folder: Path) -> dict[str, int]:
    """Bytes of each file in a component folder (for the benchmark and README)."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}


