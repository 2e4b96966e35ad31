"""Campaign phases on the date bar, and narrative tours (``geodata/tours/<campaign>.toml``).

A campaign's date bar spans the campaign (``start`` … ``end`` of ``geodata/campaigns.toml``,
clipped to the atlas' dates); its phases (``Campaign.phases``, half-open ``[start, end)``)
are marked on the bar and reached by previous/next buttons. A tour is a list of steps,
each a date, a view (bounds, or centre and zoom), the layers to show and a short text with
its sources; a step becomes a :class:`layers.viewstate.ViewState`, so a step's link
(``?tour=khalkhin_gol&step=3``) reproduces it.

Everything here is plain data for the dashboard and the web map; nothing from the data is
ever formatted as markup (the map inserts it with ``textContent``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from layers.catalog import default_data_dir
from layers.dates import DateError, parse_date, to_day
from layers.limits import ParseLimitError, read_toml
from layers.loading import Atlas
from layers.schema import Campaign
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState

__all__ = [
    "MAX_STEPS",
    "OVERVIEW",
    "Tour",
    "TourStep",
    "campaign_span",
    "load_tours",
    "nav_config",
    "phase_index",
    "step_bounds",
    "step_citations",
    "step_state",
    "step_when",
    "tour_config",
    "tour_lengths",
]

#: The campaign id whose date bar spans the whole atlas ("All years").
OVERVIEW = "overview"
#: Most steps a tour may have (a link's ``step`` is checked against the real count).
MAX_STEPS = 60

_Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
_Short = Annotated[str, StringConstraints(min_length=1, max_length=300)]
_Long = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
_Bounds = tuple[tuple[float, float], tuple[float, float]]


class _PhaseLike(Protocol):
    """What this module reads of a phase (:class:`layers.schema.Phase`)."""

    id: str
    title: str
    start: str
    end: str
    bounds: Any

    @property
    def map_date(self) -> str:
        """The day the phase map shows."""


class TourStep(BaseModel):
    """One step of a tour.

    Parameters
    ----------
    id, title : str
    date : str
        ``YYYY-MM-DD``: the day the map shows.
    bounds : ((south, west), (north, east)), optional
        The view; or ``center`` ``(lat, lon)`` and ``zoom``.
    center : (float, float), optional
    zoom : int, optional
    layers : list of str
        Layer ids to show (unknown ones are reported by :func:`load_tours`).
    phase : str, optional
        Phase id of the tour's campaign.
    text : str
        The narrative, plain text in the project's own words.
    sources : list of str
        Source keys of ``sources/*.toml``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: _Id
    title: _Short
    date: str
    bounds: _Bounds | None = None
    center: tuple[float, float] | None = None
    zoom: int | None = Field(default=None, ge=2, le=18)
    layers: list[_Id] = Field(min_length=1)
    phase: _Id | None = None
    text: _Long
    sources: list[_Id] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> TourStep:
        d = parse_date(self.date)
        if d.precision != "day":
            raise ValueError(f"step {self.id!r}: date must be a full date YYYY-MM-DD")
        if not ATLAS_START <= d.first <= ATLAS_END:
            raise ValueError(f"step {self.id!r}: date {self.date} is outside {ATLAS_START} … {ATLAS_END}")
        if self.bounds is not None:
            (south, west), (north, east) = self.bounds
            if not (-90 <= south < north <= 90 and -180 <= west < east <= 360):
                raise ValueError(f"step {self.id!r}: bounds must be [[south, west], [north, east]]")
            if self.center is not None or self.zoom is not None:
                raise ValueError(f"step {self.id!r}: give bounds or center and zoom, not both")
        elif self.center is None or self.zoom is None:
            raise ValueError(f"step {self.id!r}: give bounds, or center and zoom")
        elif not (-90 <= self.center[0] <= 90 and -180 <= self.center[1] <= 360):
            raise ValueError(f"step {self.id!r}: center must be [lat, lon]")
        return self

    @property
    def day(self) -> dt.date:
        """The step's date."""
        return parse_date(self.date).first


class Tour(BaseModel):
    """A narrative tour of one campaign.

    Parameters
    ----------
    id : str
        The campaign id (the file's stem).
    title : str
    steps : list of TourStep
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: _Id
    title: _Short
    steps: list[TourStep] = Field(alias="step", min_length=1, max_length=MAX_STEPS)

    @model_validator(mode="after")
    def _unique(self) -> Tour:
        seen: set[str] = set()
        for s in self.steps:
            if s.id in seen:
                raise ValueError(f"step id {s.id!r} is used twice")
            seen.add(s.id)
        return self


def _message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors())


def load_tours(atlas: Atlas, data_dir: Path | None = None) -> tuple[dict[str, Tour], list[str]]:
    """Read ``<data_dir>/tours/*.toml`` and check them against the atlas.

    A tour whose file is malformed, whose campaign is unknown, or whose steps name unknown
    layers, phases or source keys, or lie outside the campaign's dates, is refused with a
    message (the rest of the atlas works).

    Parameters
    ----------
    atlas : Atlas
    data_dir : Path, optional
        Defaults to :func:`layers.catalog.default_data_dir`.

    Returns
    -------
    tours : dict of str to Tour
        By campaign id, in file name order.
    errors : list of str
        One message per refused file, naming the file.
    """
    folder = Path(data_dir or default_data_dir()) / "tours"
    tours: dict[str, Tour] = {}
    errors: list[str] = []
    if not folder.is_dir():
        return tours, errors
    for path in sorted(folder.glob("*.toml")):
        name = f"tours/{path.name}"
        try:
            raw = read_toml(path, what="tour file")
            tour = Tour(id=path.stem, **raw)
        except ParseLimitError as exc:
            errors.append(f"{name}: {exc}")
            continue
        except ValidationError as exc:
            errors.append(f"{name}: {_message(exc)}")
            continue
        except (TypeError, DateError) as exc:
            errors.append(f"{name}: {exc}")
            continue
        problems = _check_tour(tour, atlas)
        if problems:
            errors.append(f"{name}: " + "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
            continue
        tours[tour.id] = tour
    return tours, errors


def _check_tour(tour: Tour, atlas: Atlas) -> list[str]:
    """Dataset-wide rules: campaign, layers, phases, sources and dates resolve."""
    camp = atlas.campaigns.get(tour.id)
    if camp is None:
        return [f"no campaign {tour.id!r} in campaigns.toml"]
    first, last = campaign_span(camp)
    phase_ids = {p.id for p in camp.phases}
    out = []
    for s in tour.steps:
        unknown = [lid for lid in s.layers if lid not in atlas.specs]
        if unknown:
            out.append(f"step {s.id!r} names unknown layers {unknown}")
        if s.phase is not None and s.phase not in phase_ids:
            out.append(f"step {s.id!r}: phase {s.phase!r} is not a phase of {tour.id!r}")
        missing = [k for k in s.sources if k not in atlas.bibliography]
        if missing:
            out.append(f"step {s.id!r}: source keys not in the bibliography {missing}")
        if not first <= s.day <= last:
            out.append(f"step {s.id!r}: date {s.date} is outside the campaign ({first} … {last})")
    return out


def tour_lengths(tours: dict[str, Tour]) -> dict[str, int]:
    """Number of steps per tour id (for :meth:`ViewState.from_query`)."""
    return {tid: len(t.steps) for tid, t in tours.items()}


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


def phase_index(phases: Sequence[_PhaseLike], day: dt.date) -> int | None:
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
    n = min(max(int(step), 1), len(tour.steps))
    s = tour.steps[n - 1]
    keep = set(keep)
    layers = tuple(lid for lid in atlas.layers if lid in s.layers)
    update: dict[str, Any] = {"tour": tour.id, "step": n}
    if tour.id in atlas.campaigns:
        update["campaign"] = tour.id
    if "date" not in keep:
        update["date"] = s.day
    if "layers" not in keep and layers:
        update["layers"] = layers
    if "view" not in keep:
        update |= {"center": s.center, "zoom": s.zoom}
    return state.model_copy(update=update)


def step_bounds(tour: Tour, step: int) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of a step given by bounds, else ``None``."""
    s = tour.steps[min(max(int(step), 1), len(tour.steps)) - 1]
    return [list(s.bounds[0]), list(s.bounds[1])] if s.bounds else None


def step_when(step: TourStep) -> str:
    """The step's date in words (``20 August 1939``)."""
    d = step.day
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
    for s in tour.steps:
        entry: dict[str, Any] = {
            "id": s.id, "title": s.title, "day": to_day(s.day), "when": step_when(s), "text": s.text,
            "sources": step_citations(s, atlas), "layers": [lid for lid in atlas.layers if lid in s.layers],
        }
        if s.bounds:
            entry["bounds"] = [list(s.bounds[0]), list(s.bounds[1])]
        else:
            entry |= {"center": list(s.center or ()), "zoom": s.zoom}
        steps.append(entry)
    return {"tour": {"title": tour.title, "campaign": tour.id, "steps": steps},
            "tour_step": min(max(int(step), 1), len(steps))}
