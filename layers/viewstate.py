"""The view state: everything that defines what the map shows.

One explicit model for the date, the visible layers, the campaign, the map view, the
basemap and the step of a narrative tour. It round-trips through shareable URL query parameters and drives exports. Bad
URL parameters never raise: each is reported and replaced by its default.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from layers.dates import DateError, parse_date

__all__ = ["ATLAS_END", "ATLAS_START", "BASEMAPS", "MAX_PARAM_LEN", "MAX_PROBLEMS", "PARAMS", "ViewState"]

ATLAS_START = dt.date(1918, 1, 1)
ATLAS_END = dt.date(1945, 9, 2)
BASEMAPS = ("offline", "osm", "topo")
MAX_PARAM_LEN = 2000
#: At most this many problems are reported (a link with hundreds of bad parameters says so once).
MAX_PROBLEMS = 8
#: The parameters a link may carry; others are reported and ignored.
PARAMS = ("date", "campaign", "layers", "view", "basemap", "tour", "step", "compare")
#: Parameters Streamlit itself reads (embedding options); never reported.
_STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})

Basemap = Literal["offline", "osm", "topo"]


class ViewState(BaseModel):
    """What the map shows.

    Parameters
    ----------
    date : datetime.date
        The map date, within 1918-01-01 … 1945-09-02.
    layers : tuple of str
        Visible layer ids, in draw order.
    campaign : str
        Campaign preset id (``overview``, ``khalkhin_gol`` ...).
    center : tuple of float, optional
        Map centre ``(lat, lon)``; ``None`` = the campaign's extent.
    zoom : int, optional
    basemap : {"offline", "osm", "topo"}
    compare : datetime.date, optional
        A second date shown beside the first (split view), within the atlas' dates.
    tour : str, optional
        Id of the narrative tour being followed (a campaign id: ``geodata/tours/<id>.toml``).
    step : int, optional
        Step of that tour, counted from 1 (``None`` when no tour is followed).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date = dt.date(1939, 8, 20)
    layers: tuple[str, ...] = ()
    campaign: str = "overview"
    center: tuple[float, float] | None = None
    zoom: int | None = Field(default=None, ge=2, le=18)
    basemap: Basemap = "offline"
    compare: dt.date | None = None
    tour: str | None = Field(default=None, max_length=80)
    step: int | None = Field(default=None, ge=1)

    @field_validator("date", "compare")
    @classmethod
    def _in_range(cls, v: dt.date | None) -> dt.date | None:
        if v is not None and not ATLAS_START <= v <= ATLAS_END:
            raise ValueError(f"date {v} is outside {ATLAS_START} … {ATLAS_END}")
        return v

    @field_validator("center")
    @classmethod
    def _center(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not (-90 <= v[0] <= 90 and -180 <= v[1] <= 360):
            raise ValueError("center must be (lat, lon) in degrees")
        return v

    def to_query(self) -> dict[str, str]:
        """URL query parameters that reproduce this state."""
        q = {
            "date": self.date.isoformat(),
            "campaign": self.campaign,
            "layers": ",".join(self.layers),
        }
        if self.center is not None and self.zoom is not None:
            q["view"] = f"{self.center[0]:.4f},{self.center[1]:.4f},{self.zoom}"
        if self.basemap != "offline":
            q["basemap"] = self.basemap
        if self.compare is not None:
            q["compare"] = self.compare.isoformat()
        if self.tour is not None:
            q["tour"] = self.tour
            q["step"] = str(self.step or 1)
        return q

    @classmethod
    def from_query(
        cls,
        params: Mapping[str, str | list[str]],
        *,
        known_layers: Iterable[str],
        known_campaigns: Iterable[str],
        default: ViewState,
        known_tours: Mapping[str, int] | None = None,
    ) -> tuple[ViewState, list[str]]:
        """Build a state from URL parameters, reporting every bad one.

        Parameters
        ----------
        params : mapping
            Query parameters (a value may be a list, as from repeated parameters: the last
            item counts, and differing repeats are reported).
        known_layers, known_campaigns : iterable of str
        default : ViewState
            Used for anything missing or bad.
        known_tours : mapping of str to int, optional
            Number of steps of each tour, by tour id (the tour of campaign ``c`` is ``c``).
            A known tour sets the campaign to its own; a missing step means step 1, a bad
            one falls back to step 1 with a warning.

        Returns
        -------
        state : ViewState
        problems : list of str
            Human-readable messages, one per rejected parameter.
        """
        problems: list[str] = []
        layers_known = list(known_layers)
        camps = set(known_campaigns)
        unknown_names = [str(k) for k in params if k not in PARAMS and k not in _STREAMLIT_PARAMS]
        if unknown_names:
            problems.append(
                "URL parameters not used by the atlas were ignored: "
                + ", ".join(_clip(k, 30) for k in unknown_names[:5])
                + (f" (and {len(unknown_names) - 5} more)" if len(unknown_names) > 5 else "")
            )

        def get(name: str) -> str | None:
            v = params.get(name)
            if isinstance(v, (list, tuple)):
                given = [x for x in v if x is not None]
                if len({str(x) for x in given}) > 1:
                    problems.append(f"URL parameter '{name}' is given {len(given)} times; the last one counts")
                v = given[-1] if given else None
            if v is None:
                return None
            v = str(v)
            if len(v) > MAX_PARAM_LEN:
                problems.append(f"URL parameter '{name}' is too long ({len(v)} characters); ignored")
                return None
            return v

        values = default.model_dump()
        raw = get("date")
        if raw is not None:
            try:
                d = parse_date(raw)
                if d.precision != "day":
                    raise DateError("give a full date YYYY-MM-DD")
                if not ATLAS_START <= d.first <= ATLAS_END:
                    raise DateError(f"it must lie within {ATLAS_START} … {ATLAS_END}")
                values["date"] = d.first
            except DateError as exc:
                problems.append(f"URL parameter 'date' ({_clip(raw)}) is not usable: {exc}")
        raw = get("campaign")
        if raw is not None:
            if raw in camps:
                values["campaign"] = raw
            else:
                problems.append(f"URL parameter 'campaign' ({_clip(raw)}) is not a known campaign")
        raw = get("layers")
        if raw is not None and not raw.strip(", "):
            problems.append("URL parameter 'layers' names no layer; showing the default layers")
        elif raw is not None:
            asked = [x.strip() for x in raw.split(",") if x.strip()]
            unknown = [x for x in asked if x not in layers_known]
            if unknown:
                problems.append(
                    "URL parameter 'layers' names unknown layers: " + ", ".join(_clip(x, 40) for x in unknown[:5])
                )
            known = tuple(x for x in layers_known if x in asked)
            # a link that names only unknown layers keeps the default layers, not an empty map
            values["layers"] = known or default.layers
        raw = get("view")
        if raw is not None:
            try:
                lat_s, lon_s, z_s = raw.split(",")
                lat, lon, z = float(lat_s), float(lon_s), int(z_s)
                if not (math.isfinite(lat) and math.isfinite(lon)):
                    raise ValueError
                if not (-90 <= lat <= 90 and -180 <= lon <= 360 and 2 <= z <= 18):
                    raise ValueError
                values["center"], values["zoom"] = (lat, lon), z
            except ValueError:
                problems.append(
                    f"URL parameter 'view' ({_clip(raw)}) must be 'lat,lon,zoom' "
                    "(latitude −90…90, longitude −180…360, zoom 2…18)"
                )
        raw = get("compare")
        if raw is not None:
            try:
                values["compare"] = _atlas_day(raw)
            except DateError as exc:
                problems.append(f"URL parameter 'compare' ({_clip(raw)}) is not usable: {exc}; no comparison shown")
        raw = get("basemap")
        if raw is not None:
            if raw in BASEMAPS:
                values["basemap"] = raw
            else:
                problems.append(f"URL parameter 'basemap' ({_clip(raw)}) must be one of {', '.join(BASEMAPS)}")
        _tour_from_query(get, values, problems, dict(known_tours or {}), camps, campaign_given="campaign" in params)
        if len(problems) > MAX_PROBLEMS:
            problems = [*problems[: MAX_PROBLEMS - 1], f"… and {len(problems) - MAX_PROBLEMS + 1} more URL problems"]
        return cls(**values), problems


def _tour_from_query(
    get: Callable[[str], str | None], values: dict[str, Any], problems: list[str], tours: dict[str, int],
    camps: set[str], *, campaign_given: bool,
) -> None:
    """Read ``tour`` and ``step`` into ``values`` (see :meth:`ViewState.from_query`)."""
    raw_tour, raw_step = get("tour"), get("step")
    values["tour"] = values["step"] = None
    if raw_tour is None:
        if raw_step is not None:
            problems.append(f"URL parameter 'step' ({_clip(raw_step)}) needs a 'tour'; ignored")
        return
    if raw_tour not in tours:
        problems.append(f"URL parameter 'tour' ({_clip(raw_tour)}) is not a known tour")
        return
    n = tours[raw_tour]
    step = 1
    if raw_step is not None:
        try:
            step = int(raw_step.strip())
            if not 1 <= step <= n:
                raise ValueError
        except ValueError:
            step = 1
            problems.append(
                f"URL parameter 'step' ({_clip(raw_step)}) must be a step number 1…{n} of this tour; showing step 1"
            )
    if raw_tour in camps and values["campaign"] != raw_tour:
        if campaign_given:
            problems.append(f"URL parameter 'campaign' does not match the tour {_clip(raw_tour)}; the tour's is used")
        values["campaign"] = raw_tour
    values["tour"], values["step"] = raw_tour, step


def _atlas_day(raw: str) -> dt.date:
    """A full ``YYYY-MM-DD`` date within the atlas' dates.

    Raises
    ------
    DateError
        Not a day-precision date, or outside 1918-01-01 … 1945-09-02.
    """
    d = parse_date(raw)
    if d.precision != "day":
        raise DateError("give a full date YYYY-MM-DD")
    if not ATLAS_START <= d.first <= ATLAS_END:
        raise DateError(f"it must lie within {ATLAS_START} … {ATLAS_END}")
    return d.first


def _clip(text: str, n: int = 30) -> str:
    """Shorten and quote user text for a message (it is escaped where shown)."""
    return repr(text if len(text) <= n else text[:n] + "…")
