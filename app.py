"""Far East Frontiers 1918–1945: the Streamlit dashboard.

Thin by design: data, slicing, styling, maps and exports live in ``layers/``. The map is
a folium page mounted once as a custom component; it filters by date in the browser and
reports the date and view back here, so the side panels follow the map without ever
reloading it.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from layers.dates import to_day
from layers.explorer import BASEMAP_IDS, share_link
from layers.export import ExportError, ExportUnavailable, export_map
from layers.export.compare import compare_export
from layers.loading import LayerDataError
from layers.panels import (
    corrections_table,
    events_between,
    panel_tables,
    plural,
    search_events,
)
from layers.safetext import markdown_text
from layers.search import SearchHit, SearchIndex, fold
from layers.startup import BUILD_DIR, component_folder, derived, shared_atlas
from layers.timeline import SELECTION, timeline_frame, timeline_spec
from layers.tours import (
    OVERVIEW,
    campaign_span,
    checked_tours,
    step_bounds,
    step_citations,
    step_state,
    step_when,
    tour_lengths,
)
from layers.userlayers import MAX_BYTES, UserLayerError, read_user_layer, with_user_layers, write_user_bundle
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState
from layers.webmap import COMPONENT_HEIGHT

GROUPS = {"frontier": "Frontiers", "campaign": "Campaigns", "context": "Context", "reference": "Reference"}

@functools.lru_cache(maxsize=4096)
def md_escape(text: str) -> str:
    """Show text literally in Markdown (no links, images or emphasis from data or URLs; cached: the
    sidebar escapes every layer's title and description on every full run)."""
    return markdown_text(text)


st.set_page_config(page_title="Far East Frontiers 1918–1945", layout="wide")


@st.cache_resource
def get_atlas():
    """Load and validate the atlas once per server process (already done at start under serve.py)."""
    return shared_atlas()


@st.cache_resource
def get_search_index() -> SearchIndex:
    """Name index of every feature, built once per server process."""
    return derived("search", SearchIndex)


@st.cache_resource
def get_timeline_frame():
    """The chronology as a timeline table, built once per server process."""
    return derived("timeline", timeline_frame)


@st.cache_resource
def get_tours():
    """Narrative tours (geodata/tours/), checked against the atlas, once per server process."""
    return derived("tours", checked_tours)


@st.cache_resource
def get_component_folder() -> Path:
    """Write the map page and bundles once per dataset (already done at start under serve.py)."""
    return component_folder(BUILD_DIR)


@st.cache_resource
def get_map_component():
    """Declare the component serving the map page and bundles."""
    folder = get_component_folder()
    return components.declare_component(f"fef_map_{folder.name}", path=str(folder))


ss = st.session_state


def _put(key: str, value: object) -> None:
    """Set a widget's value from the script, remembering it was sent (see :func:`_echo`)."""
    ss[key] = value
    sent = ss.setdefault(f"_sent_{key}", [])
    if not sent or sent[-1] != value:
        sent.append(value)
        del sent[:-32]


def _echo(key: str) -> bool:
    """Whether a "changed" widget value is only the browser repeating a value the script sent.

    The script sets ``campaign_pick`` and ``goto_date`` on every run. When a map report cuts a
    run short before the widget reaches the browser, the browser still holds an older value;
    Streamlit calls that a change and the callback moved the map back to that old date or
    campaign (issue 11: found by scripts/load_test.py under 20 sessions). Values sent before the
    one the browser last held cannot come back (messages arrive in order) and are forgotten.
    """
    return ss.get(key) in ss.get(f"_sent_{key}", [])


def _forget_older(key: str) -> None:
    """The browser holds ``ss[key]`` now: values the script sent before it cannot come back."""
    sent = ss.get(f"_sent_{key}", [])
    if ss.get(key) in sent:
        del sent[: len(sent) - 1 - sent[::-1].index(ss.get(key))]


_forget_older("campaign_pick")
# the session's atlas: the shared one plus this session's uploaded layers (a copy)
atlas = with_user_layers(get_atlas(), [u for u, _ in ss.get("user_layers", [])])

# ---- view state: URL on first run, then session ----
# the session's first run sends the map first and stops there (see "below the map")
first_run = "view" not in ss
if first_run:
    overview = atlas.campaigns.get("overview")
    default = ViewState(
        date=dt.date.fromisoformat(overview.default_date) if overview else dt.date(1939, 8, 20),
        layers=tuple(l for l, s in atlas.specs.items() if s.default_visible and l in atlas.layers),
        campaign="overview",
    )
    # every value of a repeated parameter, so the view state can say which one it used
    state, problems = ViewState.from_query(
        {k: st.query_params.get_all(k) for k in st.query_params}, known_layers=list(atlas.layers),
        known_campaigns=list(atlas.campaigns), default=default, known_tours=tour_lengths(get_tours()[0]),
    )
    _camp = atlas.campaigns.get(state.campaign)
    if _camp is not None and not state.tour:  # ?campaign=… alone opens the preset, as the sidebar does
        state = state.model_copy(update={
            **({} if "date" in st.query_params else {"date": dt.date.fromisoformat(_camp.default_date)}),
            **({} if "layers" in st.query_params else {"layers": tuple(l for l in atlas.layers if l in _camp.layers)}),
        })
    if state.tour:  # a step's link: the step's date, layers and view unless the link names them
        state = step_state(state, get_tours()[0][state.tour], state.step or 1, atlas,
                           keep={k for k in ("date", "layers", "view") if k in st.query_params})
    ss.view, ss.url_problems = state, problems
    ss.date_nonce, ss.view_nonce = 1, 1
    ss.last_seq = None
    for lid in atlas.layers:
        ss[f"show_{lid}"] = lid in state.layers
view: ViewState = ss.view


def _on_campaign() -> None:
    if _echo("campaign_pick"):
        return
    camp = atlas.campaigns[ss.campaign_pick]
    for lid in atlas.layers:
        ss[f"show_{lid}"] = lid in camp.layers
    tour = {} if ss.view.tour == camp.id else {"tour": None, "step": None}  # another campaign's tour closes
    ss.view = ss.view.model_copy(update={
        "campaign": camp.id, "date": dt.date.fromisoformat(camp.default_date),
        "layers": tuple(l for l in atlas.layers if l in camp.layers), "center": None, "zoom": None, **tour,
    })
    ss.date_nonce += 1
    ss.view_nonce += 1


def _on_compare() -> None:
    """The sidebar's compare toggle or second date changed."""
    on, day = ss.get("compare_on"), ss.get("compare_date")
    ss.view = ss.view.model_copy(update={"compare": day if on and isinstance(day, dt.date) else None})


def _on_goto() -> None:
    if _echo("goto_date"):
        return
    ss.view = ss.view.model_copy(update={"date": ss.goto_date})
    ss.date_nonce += 1


def _on_event() -> None:
    """An event picked in the chronology panel: the map goes to its date and place."""
    pick = ss.event_pick
    ss.event_pick = None
    ids = ss.get("event_ids", [])
    if pick is not None and pick < len(ids):
        hit = get_search_index().hit_for(ids[pick], day=ss.view.date)
        if hit is not None:
            _on_found(hit)


def _on_found(hit: SearchHit) -> None:
    """Fly the map to a search result and show it on a day it existed."""
    camp = atlas.campaigns.get(ss.view.campaign)
    update: dict = {"date": hit.date}
    lo, hi = campaign_span(camp)  # the bar's first and last day (a campaign's end is on the bar)
    if camp and not lo <= hit.date <= hi:
        update["campaign"] = hit.campaign if hit.campaign in atlas.campaigns else "overview"
    where = hit.view()
    if where:
        update |= {"center": where[0], "zoom": where[1]}
        ss.view_nonce += 1
    ss[f"show_{hit.layer_id}"] = True
    ss.view = ss.view.model_copy(update=update)
    ss.date_nonce += 1


def _on_timeline(key: str) -> None:
    """A click on a timeline event: the map goes to its date and place."""
    picked = ss.get(key)
    rows = (picked.selection.get(SELECTION) if picked else None) or [{}]
    chosen = rows[0].get("id")
    if chosen:
        hit = get_search_index().hit_for(str(chosen), day=ss.view.date)
        if hit is not None:
            _on_found(hit)


def _take_map_report(value: object) -> bool:
    """Adopt the date and view the map component reported, once per report.

    Returns whether the view changed. Called before the sidebar is drawn (with the value
    Streamlit already holds for the component's key) so every widget shows the map's date.
    """
    if not isinstance(value, dict) or value.get("seq") == ss.last_seq:
        return False
    ss.last_seq = value.get("seq")
    if value.get("ready") and "date" not in value:  # "painted" (time_sliced.js): nothing to adopt
        return False
    try:
        new_date = dt.date.fromisoformat(value["date"])
        lat, lon = (float(x) for x in value["center"])
        update = {"date": min(max(new_date, ATLAS_START), ATLAS_END), "center": (lat, lon), "zoom": int(value["zoom"])}
        if value.get("basemap") in BASEMAP_IDS:  # chosen in the map's layer control
            update["basemap"] = BASEMAP_IDS[value["basemap"]]
        # "All years" (or another campaign) chosen in the map: counted by campaign_seq
        if value.get("campaign_seq") and value.get("campaign_seq") != ss.get("last_campaign_seq"):
            ss.last_campaign_seq = value["campaign_seq"]
            if value.get("campaign") in atlas.campaigns:
                update["campaign"] = value["campaign"]
        ss.view = ss.view.model_copy(update=update)
    except (KeyError, TypeError, ValueError):
        ss.map_report_problem = True
        return False
    return True


def _show_step(tour_id: str, n: int) -> None:
    """Go to step ``n`` of a tour: its date, view, layers and campaign (the map does not reload)."""
    ss.view = step_state(ss.view, get_tours()[0][tour_id], n, atlas)
    for lid in atlas.layers:
        ss[f"show_{lid}"] = lid in ss.view.layers
    ss.date_nonce += 1
    ss.view_nonce += 1


def _close_tour() -> None:
    ss.view = ss.view.model_copy(update={"tour": None, "step": None})


def _on_upload() -> None:
    """Check an uploaded file; only an accepted one changes the session (layers/userlayers.py)."""
    f = ss.get(f"upload_{ss.get('upload_nonce', 0)}")
    if f is None:
        return
    ss.upload_error, ss.upload_notes = None, []
    try:
        if f.size > MAX_BYTES:
            raise UserLayerError([LayerDataError(f.name, f"file is {f.size:,} bytes; the limit is {MAX_BYTES:,}")])
        ul = read_user_layer(f.getvalue(), f.name, atlas, index=len(ss.get("user_layers", [])) + 1)
    except UserLayerError as exc:
        ss.upload_error = exc
        return
    if all(u.id != ul.id for u, _ in ss.get("user_layers", [])):
        entry = write_user_bundle(with_user_layers(atlas, [ul]), ul, get_component_folder())
        ss.user_layers = [*ss.get("user_layers", []), (ul, entry)]
        ss[f"show_{ul.id}"] = True
    ss.upload_notes = [f"{ul.file}: {len(ul.layer.gdf)} feature(s) added", *ul.notes]


def _on_remove_uploads() -> None:
    for u, _ in ss.get("user_layers", []):
        ss.pop(f"show_{u.id}", None)
    ss.user_layers, ss.upload_error, ss.upload_notes = [], None, []
    ss.upload_nonce = ss.get("upload_nonce", 0) + 1


def _settle_view() -> ViewState:
    """Adopt a pending map report; keep the campaign and the layers consistent with the view.

    Run at the top of a full run, or at the top of the map fragment when only the fragment
    reruns (a map report, see below). Idempotent.
    """
    _take_map_report(ss.get("fef_map"))
    view = ss.view
    # the date bar spans the campaign: a date outside it (Go to, a search hit) means all years
    lo, hi = campaign_span(atlas.campaigns.get(view.campaign))
    if not lo <= view.date <= hi:
        view = ss.view = view.model_copy(update={"campaign": OVERVIEW if OVERVIEW in atlas.campaigns else view.campaign})
    visible = tuple(lid for lid in atlas.layers if ss.get(f"show_{lid}"))
    if visible != view.layers:
        view = ss.view = view.model_copy(update={"layers": visible})
    return view


view = _settle_view()
if view.campaign in atlas.campaigns:
    _put("campaign_pick", view.campaign)  # the sidebar follows a campaign set by a tour or the map
# what the sidebar is drawn for in this run (the fragment compares, see below)
ss._prelude_ran, ss._stage = True, ("map_only" if first_run else "full")
if not first_run:
    ss._sidebar_for = (view.campaign, view.layers)

# ---- main ----
st.title("Far East Frontiers 1918–1945")
st.caption(
    "Soviet–Japanese conflicts from the Siberian intervention to August 1945. Move the date bar "
    "under the map; click a feature for its dates, figures and sources."
)
for msg in ss.url_problems:
    st.warning(md_escape(msg), icon="⚠️")
if atlas.errors:
    st.warning(
        md_escape(f"{len(atlas.errors)} data problem(s): the files concerned are not shown. First: {atlas.errors[0]}"),
        icon="⚠️",
    )
    with st.expander("All data problems"):
        st.text("\n".join(str(e) for e in atlas.errors))

# ---- the map and everything that follows its date: one fragment ----
# The map reports every date move (time_sliced.js); a widget inside a fragment reruns only the
# fragment, so a move rebuilds the panels, timeline, link and export box but not the title or
# the sidebar's sixteen layer ticks and selects (issue 11, load: a move's run costs a third of a
# full run). What the sidebar shows (campaign, layers) is compared with what it was drawn for:
# a change there (a campaign chosen in the map, a tour step's layers, a search hit's layer, a date
# outside the campaign) reruns the whole app.


@st.fragment
def map_and_panels() -> None:
    """The map component, then (from the session's second run on) everything below it."""
    full = ss.pop("_prelude_ran", False)
    if not full and ss.get("_stage") == "map_only":
        st.rerun(scope="app")  # the map has painted (its first report): now the rest of the page
    view = ss.view if full else _settle_view()  # a full run settled it in the prelude
    _forget_older("goto_date")
    if not full and (view.campaign, view.layers) != ss.get("_sidebar_for"):
        st.rerun(scope="app")
    warn = st.empty()  # a fixed place: an element appearing above the map would remount it
    if ss.pop("map_report_problem", False):
        warn.warning("The map sent a view the dashboard could not read; keeping the previous one.", icon="⚠️")
    visible = view.layers
    camp = atlas.campaigns.get(view.campaign)
    tours, tour_errors = get_tours()
    tour = tours.get(view.tour) if view.tour else None
    # the date bar spans the campaign (phases: in the map page's config, keyed by campaign)
    bar_lo, bar_hi = campaign_span(camp)
    date_request = {"day": to_day(view.date), "nonce": ss.date_nonce, "start": to_day(bar_lo), "end": to_day(bar_hi),
                    "campaign": view.campaign if camp else OVERVIEW}
    view_request = {"nonce": ss.view_nonce}
    if view.center and view.zoom:
        view_request |= {"center": list(view.center), "zoom": view.zoom}
    elif tour and step_bounds(tour, view.step or 1):
        view_request |= {"bounds": step_bounds(tour, view.step or 1)}
    elif camp:
        view_request |= {"bounds": [list(camp.bounds[0]), list(camp.bounds[1])]}

    fef_map = get_map_component()
    fef_map(
        visible=list(visible), date_request=date_request, view_request=view_request,
        user_layers=[entry for _, entry in ss.get("user_layers", [])],
        compare=to_day(view.compare) if view.compare else None, basemap=view.basemap,
        height=COMPONENT_HEIGHT, key="fef_map", default=None,
    )
    if ss.get("_stage") == "map_only":
        return
    _below_the_map(view, visible, camp, tours, tour, tour_errors)


def _below_the_map(view: ViewState, visible: tuple[str, ...], camp, tours, tour, tour_errors) -> None:
    """Tour, timeline, link, export and the panels of the map's date (inside the fragment)."""
    # ---- narrative tour of the campaign (steps move date, view and layers; the URL has the step) ----
    for msg in tour_errors:
        st.warning(md_escape("Tour not shown: " + msg), icon="⚠️")
    offer = tours.get(view.campaign)
    if tour is not None or offer is not None:
        with st.container(border=True, key="tour_panel"):
            if tour is not None:
                n, total = min(view.step or 1, len(tour.step)), len(tour.step)
                step = tour.step[n - 1]
                head, back, nxt, close = st.columns([6, 1, 1, 1], vertical_alignment="center")
                head.markdown(f"**{md_escape(tour.title)}** · Step {n} of {total}")
                back.button("◀ Back", key="tour_back", on_click=_show_step, args=(tour.campaign, n - 1), disabled=n <= 1,
                            width="stretch")
                nxt.button("Next ▶", key="tour_next", on_click=_show_step, args=(tour.campaign, n + 1), disabled=n >= total,
                           type="primary", width="stretch")
                close.button("Close tour", key="tour_close", on_click=_close_tour, width="stretch")
                st.progress(n / total)
                st.markdown(f"**{md_escape(step.title)}** — {md_escape(step_when(step))}")
                st.markdown(md_escape(step.text))
                st.caption(md_escape("Sources: " + "; ".join(step_citations(step, atlas))))
                with st.expander("Sources of this step in full"):
                    st.text("\n".join(atlas.bibliography.cite(k) for k in dict.fromkeys(step.sources)))
            elif offer is not None:
                st.button(md_escape(f"Guided tour: {offer.title} ({len(offer.step)} steps)"), key="tour_start",
                          on_click=_show_step, args=(offer.campaign, 1), icon="🧭")

    # ---- timeline of events (click one: the map goes to it) ----
    if st.toggle("Timeline of events", value=True, key="show_timeline"):
        span = atlas.campaigns.get(view.campaign)
        t_lo = dt.date.fromisoformat(span.start) if span else ATLAS_START
        t_hi = dt.date.fromisoformat(span.end) if span else ATLAS_END
        tl_key = f"timeline_{view.campaign}"
        # a cached Vega-Lite spec with the date put in (layers/timeline.py): an Altair chart was built and
        # validated on every rerun, 0.2-0.5 s under Streamlit's process-wide Altair lock (issue 11, load)
        st.vega_lite_chart(
            spec=timeline_spec(get_timeline_frame(), view.date, start=t_lo, end=t_hi, arrow=True),
            on_select=functools.partial(_on_timeline, tl_key), selection_mode=SELECTION, key=tl_key, width="stretch",
        )
        st.caption("Click an event to move the map to it; scroll to zoom, drag to pan, double-click to clear.")
    st.query_params.from_dict(view.to_query())
    with st.expander("Link to this view", key="exp_link"):
        # st.code has a copy button; the map's own link button copies the same link. Not lazy (on_change
        # ="rerun" like the panels below): a stateful expander right under the timeline made the timeline's
        # click selection get lost (tests/browser/test_explorer.py), at the price of ≈ 0.3 s of main thread.
        st.code(share_link(st.context.url, view.to_query()), language=None, wrap_lines=True)

    # ---- exports (layers.export) ----
    EXPORT_FORMATS = {
        "png": "Print map — PNG", "pdf": "Print map — PDF (vector)", "svg": "Print map — SVG (vector)",
        "asseen": "Screenshot of the interactive map — PNG", "html": "Interactive map — standalone HTML",
        "geojson": "Data at this date — GeoJSON", "gpkg": "Data at this date — GeoPackage",
        "gif": "Animation — GIF", "mp4": "Animation — MP4",
    }
    _camp_now = atlas.campaigns.get(view.campaign)
    if _camp_now is not None and _camp_now.phases:  # a title page, one print map per phase, the sources
        EXPORT_FORMATS["atlas"] = f"Campaign atlas — {_camp_now.title}, {len(_camp_now.phases)} phase maps — PDF"
    if view.compare:  # the two dates of the split map, as two print maps in one image
        EXPORT_FORMATS["compare"] = f"Two dates side by side ({view.date} | {view.compare}) — PNG"
    # lazy, like the panels' expanders below: its four selects, columns and button were a fifth of a
    # date move's run while closed (issue 11, load)
    exp = st.expander("Export this map", key="exp_export", on_change="rerun")
    with exp:
        if exp.open:
            c1, c2, c3 = st.columns([2, 1, 1])
            fmt = c1.selectbox("Format", list(EXPORT_FORMATS), format_func=EXPORT_FORMATS.get, key="export_fmt")
            opts: dict = {"layers": visible}
            if fmt == "atlas":
                opts |= {"paper": c2.selectbox("Page", ["A4", "A3"], key="export_atlas_paper"),
                         "orientation": c3.selectbox("Orientation", ["landscape", "portrait"], key="export_atlas_orient")}
            if fmt in ("png", "pdf", "svg"):
                paper = c2.selectbox("Page", ["screen 1600×1000", "A4", "A3"], key="export_paper")
                orient = c3.selectbox("Orientation", ["landscape", "portrait"], key="export_orient")
                if paper.startswith("screen"):
                    opts |= {"size": (1600, 1000) if orient == "landscape" else (1000, 1600)}
                else:
                    opts |= {"paper": paper, "orientation": orient, "dpi": 200 if fmt == "png" else None}
            if fmt in ("png", "pdf", "svg", "gif", "mp4", "atlas"):
                lang = c1.selectbox("Second label line", [None, "ru", "ja", "zh", "mn", "ko"], key="export_lang",
                                    format_func=lambda x: "none" if x is None else x)
                opts["label_lang"] = lang
            if fmt in ("gif", "mp4"):
                camp = atlas.campaigns.get(view.campaign) if view.campaign != "overview" else None
                lo = dt.date.fromisoformat(camp.start) if camp else max(ATLAS_START, view.date - dt.timedelta(days=30))
                hi = dt.date.fromisoformat(camp.end) - dt.timedelta(days=1) if camp else view.date + dt.timedelta(days=30)
                lo, hi = max(lo, ATLAS_START), min(max(hi, lo), ATLAS_END)
                rng = c2.date_input("From – to", (lo, hi), min_value=ATLAS_START, max_value=ATLAS_END,
                                    key=f"export_range_{view.campaign}", format="YYYY-MM-DD")
                step = c3.radio("Step", ["day", "event"], key="export_step", horizontal=True,
                                help="every day, or only the days on which something appears or vanishes")
                if isinstance(rng, (tuple, list)) and len(rng) == 2:
                    opts |= {"start": rng[0], "end": rng[1], "step": step}
            # what the file depends on; a small pan after preparing does not invalidate it
            key = (fmt, view.date, view.compare, view.layers, view.campaign, repr(sorted(opts.items(), key=lambda kv: kv[0])))
            if st.button("Prepare file", key="export_go", type="primary"):
                bar = st.progress(0.0, text="Preparing the file…")
                try:
                    if fmt == "compare":
                        res = compare_export(atlas, view, "png", layers=visible)
                    else:
                        res = export_map(atlas, view, fmt, **opts,
                                         progress=lambda f: bar.progress(min(1.0, float(f)), text=f"Preparing… {f:.0%}"))
                    ss.export_result = (key, res)
                except (ExportError, ExportUnavailable) as exc:
                    ss.export_result = None
                    st.error(md_escape(str(exc)))
                finally:
                    bar.empty()
            done = ss.get("export_result")
            if done and done[0] == key:
                res = done[1]
                for note in res.notes:
                    st.caption(md_escape(note))
                st.download_button(f"Download {res.filename} ({len(res.data) / 1024:,.0f} KiB)", data=res.data,
                                   file_name=res.filename, mime=res.mime, on_click="ignore", key="export_download")
            elif done:
                st.caption("The map changed since the last file was prepared: prepare it again.")

    # ---- panels (cached Arrow tables: a move inside one span of the layers' change days rebuilds nothing) ----
    head, goto = st.columns([3, 1], vertical_alignment="bottom")
    head.subheader(f"On the map on {view.date.day} {view.date:%B %Y}")
    _put("goto_date", view.date)
    goto.date_input("Go to date", min_value=ATLAS_START, max_value=ATLAS_END, key="goto_date",
                    on_change=_on_goto, format="YYYY-MM-DD", help="Type or pick a day: the map moves to it.")
    tables = panel_tables(atlas, view.date, visible)
    left, right = st.columns([1, 1])
    with left:
        unplaced = tables.listed - tables.drawn
        st.markdown(
            f"**{plural(tables.drawn, 'feature')} on the map** in {plural(len(visible), 'layer')}"
            + (f"; {plural(unplaced, 'event')} without a place, listed only." if unplaced else ".")
        )
        st.dataframe(
            tables.features, hide_index=True, width="stretch", height=320,
            column_config={"name": st.column_config.TextColumn("Name", width="medium"),
                           "dates": "Dates", "layer": "Layer", "kind": "Kind", "certainty": "Geometry",
                           "sources": "Sources", "drawn": st.column_config.CheckboxColumn("On map", width="small")},
        )
    with right:
        st.markdown("**Figures**, one row per source: where sources disagree, their numbers stand side by side")
        if tables.figures.num_rows:
            st.dataframe(
                tables.figures, hide_index=True, width="stretch", height=320,
                column_config={"figure": st.column_config.TextColumn("Figure", width="medium"),
                               "value": st.column_config.TextColumn("Value", width="small"),
                               "source": st.column_config.TextColumn("Source", width="small"),
                               "feature": "Feature", "sources_disagree": st.column_config.CheckboxColumn(
                                   "Disagree", width="small", help="sources give different numbers"),
                               "note": "Note"},
            )
        else:
            st.caption("No figures for the features on the map at this date.")

    exp = st.expander("Chronology: search and jump to an event", key="exp_chronology", on_change="rerun")
    with exp:
        if exp.open:  # lazy: sent and rendered only once opened (cold load -0.23 s)
            c1, c2 = st.columns([2, 1])
            query = c1.text_input("Search events", max_chars=100, placeholder="e.g. ceasefire, Khabarovsk, landing")
            all_events = events_between(atlas, -10**7, 10**7)
            titles = dict(zip(all_events["campaign_id"], all_events["campaign"], strict=True))
            camp_ids = [""] + sorted(c for c in titles if c)
            camp_pick = c2.selectbox("Campaign", camp_ids, format_func=lambda c: titles.get(c) or "All")
            found = search_events(atlas, query, camp_pick or None)
            day = to_day(view.date)
            if len(found):
                nearest = int((found["day"] - day).abs().idxmin())
                ss.event_ids = found["id"].tolist()
                labels = (found["date"] + ": " + found["name"]).tolist()
                st.selectbox(
                    f"Jump to {'the event' if len(found) == 1 else f'one of {len(found)} events'} "
                    "(the map moves to its date and place)", [None, *range(len(found))],
                    key="event_pick", on_change=_on_event, format_func=lambda i: labels[i] if i is not None and i < len(labels) else "—",
                )
                st.dataframe(found.drop(columns=["day", "campaign_id", "id"]), hide_index=True, width="stretch", height=300,
                             column_config={"date": "Date", "name": "Event", "campaign": "Campaign",
                                            "description": "What happened", "sources": "Sources"})
                st.caption(md_escape(f"Nearest to the map date: {found.loc[nearest, 'date']}: {found.loc[nearest, 'name']}"))
            else:
                st.caption("No event matches.")


map_and_panels()

# ---- below the map, and the sidebar: from the session's second run on ----
# The browser loads each element type's code on first use, six requests at a time shared with the map
# frame's scripts and data, and Python holds the GIL while it builds the tables; so the first run sends
# the map alone. The map reports once it has painted (time_sliced.js), which starts the next run; if it
# never does (a broken map page), a timer does after 10 s. The sidebar gets a placeholder so its width
# is there from the start and the map is not resized when it fills.
if first_run:
    st.query_params.from_dict(view.to_query())
    st.sidebar.caption("Loading the controls…")
    st.caption("Loading the timeline and the tables…")

    @st.fragment(run_every=10)
    def _fallback() -> None:
        if st.session_state.get("_fallback_armed"):
            st.rerun(scope="app")
        st.session_state._fallback_armed = True

    _fallback()
    st.stop()

# ---- what does not follow the date: outside the map fragment (sent on full runs only) ----
exp = st.expander("Errors in the seed texts, corrected", key="exp_corrections", on_change="rerun")
with exp:
    if exp.open:
        st.dataframe(corrections_table(atlas), hide_index=True, width="stretch")
exp = st.expander("Sources of the layers shown", key="exp_sources", on_change="rerun")
with exp:
    if exp.open:
        keys = sorted({k for lid in ss.view.layers for ks in atlas.layers[lid].gdf["sources"] for k in ks},
                      key=lambda k: atlas.bibliography.short(k).lower())
        st.dataframe({"source": [atlas.bibliography.short(k) for k in keys],
                      "citation": [atlas.bibliography.cite(k) for k in keys]},
                     hide_index=True, width="stretch",
                     column_config={"source": st.column_config.TextColumn("Source", width="medium"),
                                    "citation": "Full citation"})
        st.caption(
            "Base map: Natural Earth (public domain) and GSHHG rivers (LGPL-3.0), built by "
            "scripts/build_basemap.py; close up on the battle sectors, GSHHG full-resolution shorelines "
            "(LGPL-3.0), built by scripts/build_detail_basemap.py. Layer data licences are listed in "
            "geodata/README.md."
        )

# ---- sidebar, sent last: the browser loads each element type's code on first use, six requests at a time
# shared with the map frame's scripts and bundles; sent before the map, the sidebar's date picker, uploader
# etc. were fetched ahead of the map component's code. The map reads only session state, set above. ----
view = ss.view  # as the fragment left it
with st.sidebar:
    st.header("Campaign")
    names = list(atlas.campaigns)
    st.selectbox(
        "Campaign preset", names,
        format_func=lambda c: atlas.campaigns[c].title, key="campaign_pick", on_change=_on_campaign,
    )
    st.header("Layers")
    for group, label in GROUPS.items():
        ids = [lid for lid, layer in atlas.layers.items() if layer.spec.group == group]
        if not ids:
            continue
        st.caption(label)
        for lid in ids:
            st.checkbox(md_escape(atlas.layers[lid].spec.title), key=f"show_{lid}",
                        help=md_escape(atlas.layers[lid].spec.description))
    st.header("Find")
    query = st.text_input("Place, unit or event, in any spelling", key="find_q", max_chars=100,
                          placeholder="e.g. Changkufeng, Hsinking, Номонхан")
    if query.strip():
        hits = get_search_index().search(query, day=view.date, limit=8)
        for i, hit in enumerate(hits):
            alias = f" ({hit.matched})" if fold(hit.matched) not in fold(hit.name) else ""
            st.button(md_escape(f"{hit.name}{alias} · {hit.layer_title} · {hit.dates}"), key=f"find_hit_{i}",
                      on_click=_on_found, args=(hit,), width="stretch")
        if not hits:
            st.caption("Nothing of that name; try another spelling.")
    # ---- a second date beside the first (the map's compare.js; URL parameter compare=) ----
    st.header("Compare")
    if "compare_on" not in ss:
        ss.compare_on = view.compare is not None
        ss.compare_date = view.compare or max(ATLAS_START, view.date - dt.timedelta(days=365))
    st.toggle("Compare with a second date", key="compare_on", on_change=_on_compare,
              help="Split the map: the map date on the left, a second date on the right; pan and zoom stay in step.")
    if ss.compare_on:
        st.date_input("Second date (right of the divider)", min_value=ATLAS_START, max_value=ATLAS_END,
                      key="compare_date", on_change=_on_compare, format="YYYY-MM-DD")
    # ---- your own layer (upload; logic in layers/userlayers.py) ----
    st.header("Your layer")
    st.file_uploader(
        "Add a GeoJSON or GeoPackage file", type=["geojson", "json", "gpkg"], key=f"upload_{ss.get('upload_nonce', 0)}",
        on_change=_on_upload, help="Up to 20 MB and 20,000 features; undated features show at every date. "
        "See docs/user-layers.md.",
    )
    if ss.get("upload_error") is not None:
        st.error(md_escape("Not added: " + ss.upload_error.one_line()), icon="🚫")
        if len(ss.upload_error.errors) > 1:
            with st.expander("All problems in the file"):
                st.text("\n".join(str(e) for e in ss.upload_error.errors))
    for note in ss.get("upload_notes", []):
        st.caption(md_escape(note))
    if ss.get("user_layers"):
        st.button("Remove your layers", key="upload_remove", on_click=_on_remove_uploads)
