"""Campaign phases on the date bar, and narrative tours on the map.

A campaign's date bar spans the campaign (``start`` … ``end`` of ``geodata/campaigns.toml``,
clipped to the atlas' dates); its phases (``Campaign.phases``, half-open ``[start, end)``)
are marked on the bar and reached by previous/next buttons. A tour
(``geodata/tours/<campaign>.toml``, read and checked by :mod:`layers.campaign_data`) is a
list of steps, each a date, a view (bounds, or centre and zoom), the layers to show and a
short text with its sources; a step becomes a :class:`layers.viewstate.ViewState`, so a
step's link (``?tour=khalkhin_gol&step=3``) reproduces it.

Everything here is plain data for the dashboard and the web map; nothing from the data is
ever formatted as markup (the map inserts it with ``textContent``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from layers.campaign_data import Tour, TourStep, check_tour, load_tours
from layers.catalog import default_data_dir
from layers.dates import parse_date, to_day
from layers.loading import Atlas
from layers.schema import Campaign, Phase
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState

__all__ = [
    "OVERVIEW",
    "campaign_span",
    "checked_tours",
    "nav_config",
    "phase_index",
    "step_bounds",
    "step_citations",
    "step_day",
    "step_state",
    "step_when",
    "tour_config",
    "tour_lengths",
]

#: The campaign id whose date bar spans the whole atlas ("All years").
OVERVIEW = "overview"


def step_day(step: TourStep) -> dt.date:
    """The day a step shows."""
    return parse_date(step.date).first


def checked_tours(atlas: Atlas, data_dir: Path | None = None) -> tuple[dict[str, Tour], list[str]]:
    """The tours of ``<data_dir>/tours/`` that pass every check against the atlas.

    Reading and the checks are :func:`layers.campaign_data.load_tours` and
    :func:`layers.campaign_data.check_tour` (campaign, layers, phases, dates, sources,
    text length); a tour with any problem is left out and its problems are returned, so
    the rest of the atlas works.

    Parameters
    ----------
    atlas : Atlas
    data_dir : Path, optional
        Defaults to :func:`layers.catalog.default_data_dir`.

    Returns
    -------
    tours : dict of str to Tour
        By campaign id.
    errors : list of str
        One message per problem, naming the file.
    """
    tours, errors = load_tours(Path(data_dir or default_data_dir()))
    out: dict[str, Tour] = {}
    for cid, tour in tours.items():
        problems = check_tour(tour, atlas.campaigns, atlas.specs, set(atlas.bibliography))
        if problems:
            errors.extend(problems)
        else:
            out[cid] = tour
    return out, errors


def tour_lengths(tours: dict[str, Tour]) -> dict[str, int]:
    """Number of steps per tour id (for :meth:`ViewState.from_query`)."""
    return {tid: len(t.step) for tid, t in tours.items()}


def campaign_span(camp: Campaign | None) -> tuple[dt.date, dt.date]:
    """First and last day the date bar shows for a campaign.

    The campaign's ``start`` … ``end`` (both shown; ``end`` is the last day of the bar),
    clipped to the atlas' dates; the overview, or no campaign, spans the whole atlas.
    """
    if camp is None or camp.id == OVERVIEW:
        return ATLAS_START, ATLAS_END
    first = max(parse_date(camp.start).first, ATLAS_START)
    last = min(parse_date(camp.end).first, ATLAS_END)
    return (first, last) if first <= last else (ATLAS_START, ATLAS_END)


def phase_index(phases: Sequence[Phase], day: dt.date) -> int | None:
    """Index of the phase under way on ``day`` (half-open ``[start, end)``), or ``None``."""
    for i, p in enumerate(phases):
        if parse_date(p.start).first <= day < parse_date(p.end).first:
            return i
    return None


def nav_config(atlas: Atlas, campaign: str = OVERVIEW) -> dict[str, Any]:
    """The web map's campaign settings: each campaign's bar span and phases (int days).

    Returns
    -------
    dict
        ``campaigns`` (``{id: {title, start, end}}``), ``phases`` (``{id: [{id, title, s, e,
        d, bounds}]}``), ``all_range``, ``overview`` and ``campaign`` — keys of the
        :class:`layers.plugins.time_sliced.TimeSlicedLayers` config.
    """
    camps: dict[str, Any] = {}
    phases: dict[str, list[dict[str, Any]]] = {}
    for cid, camp in atlas.campaigns.items():
        first, last = campaign_span(camp)
        camps[cid] = {"title": camp.title, "start": to_day(first), "end": to_day(last)}
        if camp.phases:
            phases[cid] = [
                {"id": p.id, "title": p.title, "s": to_day(p.start), "e": to_day(p.end), "d": to_day(p.map_date),
                 "bounds": [list(p.bounds[0]), list(p.bounds[1])] if p.bounds else None}
                for p in camp.phases
            ]
    return {
        "campaigns": camps, "phases": phases, "all_range": [to_day(ATLAS_START), to_day(ATLAS_END)],
        "overview": OVERVIEW, "campaign": campaign if campaign in atlas.campaigns else OVERVIEW,
    }


def step_state(
    state: ViewState, tour: Tour, step: int, atlas: Atlas, *, keep: Iterable[str] = ()
) -> ViewState:
    """The view state of a tour step.

    Parameters
    ----------
    state : ViewState
        The current state (its basemap is kept).
    tour : Tour
    step : int
        Counted from 1; clipped to the tour's steps.
    atlas : Atlas
        Layers it does not hold are left out.
    keep : iterable of str
        Fields of ``state`` to keep instead of the step's (``date``, ``layers``, ``view``):
        a link that names them explicitly shows what its author saw after moving on.

    Returns
    -------
    ViewState
        Date, layers, campaign and view of the step. A step given by bounds has no
        centre/zoom: the map fits :func:`step_bounds`.
    """
    n = min(max(int(step), 1), len(tour.step))
    s = tour.step[n - 1]
    keep = set(keep)
    layers = tuple(lid for lid in atlas.layers if lid in s.layers)
    update: dict[str, Any] = {"tour": tour.campaign, "step": n}
    if tour.campaign in atlas.campaigns:
        update["campaign"] = tour.campaign
    if "date" not in keep:
        update["date"] = min(max(step_day(s), ATLAS_START), ATLAS_END)
    if "layers" not in keep and layers:
        update["layers"] = layers
    if "view" not in keep:  # a bounds step: no centre/zoom, the map fits the bounds
        zoom = None if s.bounds or s.zoom is None else min(max(s.zoom, 2), 18)
        update |= {"center": None if s.bounds else s.center, "zoom": zoom}
    return state.model_copy(update=update)


def step_bounds(tour: Tour, step: int) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of a step given by bounds, else ``None``."""
    s = tour.step[min(max(int(step), 1), len(tour.step)) - 1]
    return [list(s.bounds[0]), list(s.bounds[1])] if s.bounds else None


def step_when(step: TourStep) -> str:
    """The step's date in words (``20 August 1939``)."""
    d = step_day(step)
    return f"{d.day} {d:%B %Y}"


def step_citations(step: TourStep, atlas: Atlas) -> list[str]:
    """Short citations of the step's sources (``Coox 1985``), in the step's order, once each."""
    out: list[str] = []
    for key in step.sources:
        short = atlas.bibliography.short(key)
        if short not in out:
            out.append(short)
    return out


def tour_config(tour: Tour, atlas: Atlas, step: int = 1) -> dict[str, Any]:
    """The standalone map's tour box: every step as plain data (inserted as text).

    Returns
    -------
    dict
        ``tour`` (``{title, campaign, steps: [{title, day, when, text, sources, layers,
        bounds | center + zoom}]}``) and ``tour_step``.
    """
    steps = []
    for s in tour.step:
        entry: dict[str, Any] = {
            "id": s.id, "title": s.title, "day": to_day(step_day(s)), "when": step_when(s), "text": s.text,
            "sources": step_citations(s, atlas), "layers": [lid for lid in atlas.layers if lid in s.layers],
        }
        if s.bounds:
            entry["bounds"] = [list(s.bounds[0]), list(s.bounds[1])]
        else:
            entry |= {"center": list(s.center or ()), "zoom": s.zoom}
        steps.append(entry)
    return {"tour": {"title": tour.title, "campaign": tour.campaign, "steps": steps},
            "tour_step": min(max(int(step), 1), len(steps))}
