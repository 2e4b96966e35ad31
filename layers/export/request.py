"""What to export: date, layers, extent and page, checked before anything is drawn.

Every function here raises :class:`~layers.export.errors.ExportError` with a one-line
message for bad input, so the app and the command line can show it as is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from layers.dates import DateError, parse_date
from layers.export.errors import ExportError
from layers.export.extent import Bounds, bounds_from_view, clamp_bounds, parse_bounds
from layers.loading import Atlas
from layers.viewstate import ATLAS_END, ATLAS_START, ViewState

__all__ = [
    "DEFAULT_TITLE",
    "FPS_RANGE",
    "MAX_DPI",
    "OVERVIEW_BOUNDS",
    "PAPER_MM",
    "ExportJob",
    "MapRequest",
    "PageSize",
    "check_layers",
    "job_error_message",
    "page_size",
    "parse_day",
    "parse_size",
    "request_from_state",
]

MAX_DPI = 300
MAX_PIXELS = 10000
DEFAULT_TITLE = "Far East Frontiers 1918–1945"
#: Extent used when neither bounds, a view nor a campaign gives one.
OVERVIEW_BOUNDS = Bounds(38.0, 104.0, 56.0, 146.0)
#: ISO 216 paper sizes, portrait (width, height) in millimetres.
PAPER_MM: dict[str, tuple[float, float]] = {
    "A5": (148, 210), "A4": (210, 297), "A3": (297, 420), "A2": (420, 594), "LETTER": (215.9, 279.4),
}


def parse_day(text: str | dt.date, what: str = "date") -> dt.date:
    """A full ``YYYY-MM-DD`` date within the atlas period.

    Raises
    ------
    ExportError
    """
    if isinstance(text, dt.date):
        d = text
    else:
        try:
            hd = parse_date(str(text))
        except DateError as exc:
            raise ExportError(f"{what}: {exc}") from None
        if hd.precision != "day":
            raise ExportError(f"{what}: give a full date YYYY-MM-DD, not {text!r}")
        d = hd.first
    if not ATLAS_START <= d <= ATLAS_END:
        raise ExportError(f"{what} {d.isoformat()} is outside the atlas period {ATLAS_START} … {ATLAS_END}")
    return d


def check_layers(atlas: Atlas, layer_ids: Iterable[str]) -> tuple[str, ...]:
    """Layer ids in the atlas' draw order; unknown ids are an error.

    Raises
    ------
    ExportError
        Naming the unknown layers and the known ones.
    """
    asked = [x.strip() for x in layer_ids if x and x.strip()]
    unknown = [x for x in asked if x not in atlas.layers]
    if unknown:
        known = ", ".join(atlas.layers) or "none loaded"
        raise ExportError(f"unknown layer(s): {', '.join(unknown)} (known: {known})")
    return tuple(lid for lid in atlas.layers if lid in asked)


@dataclass(frozen=True)
class MapRequest:
    """A checked export request.

    Parameters
    ----------
    date : datetime.date
    layers : tuple of str
        Layer ids to draw, in draw order.
    bounds : Bounds
        The extent (the print frame holds all of it).
    title : str
    campaign : str or None
        The campaign preset, when one was chosen.
    state : ViewState
        The view state the request was made from (for the web-map based exports).
    extent_from : {"bounds", "view", "campaign", "default"}
        Where ``bounds`` came from.
    """

    date: dt.date
    layers: tuple[str, ...]
    bounds: Bounds
    title: str
    campaign: str | None
    state: ViewState
    extent_from: str = "default"


def request_from_state(
    atlas: Atlas,
    state: ViewState,
    *,
    bounds: Bounds | str | None = None,
    layers: Iterable[str] | None = None,
    title: str | None = None,
    date: dt.date | str | None = None,
) -> MapRequest:
    """Resolve a :class:`ViewState` (and overrides) into a :class:`MapRequest`.

    The extent is, in order: ``bounds``; the state's centre and zoom (read against a
    1000×640 px web map); the campaign preset's bounds; the overview box. It is cut to the
    atlas region (30–62°N, 95–160°E), where all data and the basemap lie. The layers are
    ``layers``, else the state's layers, else the campaign's, else those visible by default.

    Parameters
    ----------
    atlas : Atlas
    state : ViewState
    bounds : Bounds or str, optional
        Explicit extent (``"south,west,north,east"`` accepted).
    layers : iterable of str, optional
    title : str, optional
        Default: the campaign's title, or the atlas title for the overview.
    date : datetime.date or str, optional
        Overrides ``state.date``.

    Returns
    -------
    MapRequest

    Raises
    ------
    ExportError
        For an unknown layer or campaign, bad bounds or a date outside the atlas period.
    """
    camp = atlas.campaigns.get(state.campaign)
    if state.campaign and camp is None and state.campaign != "overview":
        known = ", ".join(atlas.campaigns) or "none"
        raise ExportError(f"unknown campaign {state.campaign!r} (known: {known})")
    if isinstance(bounds, str):
        bounds = parse_bounds(bounds)
    extent_from = "bounds"
    if bounds is None:
        if state.center is not None and state.zoom is not None:
            bounds, extent_from = bounds_from_view(state.center, state.zoom), "view"
        elif camp is not None:
            (s, w), (n, e) = camp.bounds
            bounds, extent_from = Bounds(s, w, n, e), "campaign"
        else:
            bounds, extent_from = OVERVIEW_BOUNDS, "default"
    bounds = clamp_bounds(bounds)
    if layers is not None:
        ids = check_layers(atlas, layers)
    elif state.layers:
        ids = check_layers(atlas, state.layers)
    elif camp is not None and any(lid in atlas.layers for lid in camp.layers):
        ids = tuple(lid for lid in atlas.layers if lid in camp.layers)
    else:
        ids = tuple(lid for lid, layer in atlas.layers.items() if layer.spec.default_visible)
    day = parse_day(date) if date is not None else state.date
    if title is None:
        title = camp.title if camp is not None and state.campaign != "overview" else DEFAULT_TITLE
    new_state = state.model_copy(update={"date": day, "layers": ids})
    return MapRequest(day, ids, bounds, title, state.campaign if camp else None, new_state, extent_from)


@dataclass(frozen=True)
class PageSize:
    """Figure size and resolution.

    Parameters
    ----------
    width_in, height_in : float
        Figure size in inches.
    dpi : float
        Raster resolution (pixels per inch); sets the PNG size.
    """

    width_in: float
    height_in: float
    dpi: float

    @property
    def pixels(self) -> tuple[int, int]:
        """``(width, height)`` in pixels of a raster rendering (matplotlib truncates)."""
        return int(self.width_in * self.dpi + 1e-6), int(self.height_in * self.dpi + 1e-6)


def parse_size(text: str) -> tuple[int, int]:
    """Read ``"1600x1000"`` (pixels).

    Raises
    ------
    ExportError
    """
    m = re.fullmatch(r"\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*", str(text))
    if not m:
        raise ExportError(f"size {text!r} must be WIDTHxHEIGHT in pixels, e.g. 1600x1000")
    w, h = int(m[1]), int(m[2])
    if not (100 <= w <= MAX_PIXELS and 100 <= h <= MAX_PIXELS):
        raise ExportError(f"size {text!r}: each side must be 100–{MAX_PIXELS} pixels")
    return w, h


def page_size(
    *,
    size: tuple[int, int] | str | None = None,
    dpi: float | None = None,
    paper: str | None = None,
    orientation: str = "landscape",
) -> PageSize:
    """Choose the figure size: pixels, or a paper size, at a resolution up to 300 dpi.

    Parameters
    ----------
    size : tuple of int or str, optional
        ``(width, height)`` in pixels or ``"1600x1000"``. With ``dpi`` it sets the physical
        size too.
    dpi : float, optional
        Resolution, 50–300. Default for paper: 200; for pixel sizes: 150, lowered (to 72
        at least) for images under 630 pixels on the short side, so the page stays at
        least 4.2 inches high and its text readable.
    paper : str, optional
        ``A5``, ``A4``, ``A3``, ``A2`` or ``letter``; wins over ``size``.
    orientation : {"landscape", "portrait"}
        For paper sizes.

    Returns
    -------
    PageSize

    Raises
    ------
    ExportError
    """
    if dpi is not None and not (50 <= float(dpi) <= MAX_DPI):
        raise ExportError(f"dpi {dpi:g} must lie between 50 and {MAX_DPI}")
    if orientation not in ("landscape", "portrait"):
        raise ExportError(f"orientation {orientation!r} must be 'landscape' or 'portrait'")
    if paper is not None:
        key = paper.strip().upper()
        if key not in PAPER_MM:
            raise ExportError(f"paper {paper!r} must be one of {', '.join(PAPER_MM)}")
        w_mm, h_mm = PAPER_MM[key]
        if orientation == "landscape":
            w_mm, h_mm = h_mm, w_mm
        res = float(dpi or 200)
        page = PageSize(w_mm / 25.4, h_mm / 25.4, res)
        if max(page.pixels) > MAX_PIXELS:
            raise ExportError(f"{paper} at {res:g} dpi exceeds {MAX_PIXELS} pixels; lower the dpi")
        return page
    if isinstance(size, str):
        size = parse_size(size)
    w, h = size or (1600, 1000)
    # Without a dpi, small images get a lower one so the page stays big enough for its text.
    res = float(dpi or max(72.0, min(150.0, min(w, h) / 4.2)))
    return PageSize((w + 0.001) / res, (h + 0.001) / res, res)  # + 0.001 px: exact size after truncation


# ---- command-line and batch jobs ---------------------------------------------------------

#: Animation speed accepted, frames per second.
FPS_RANGE = (0.1, 60.0)
#: Most dates one job may ask for (one file each).
MAX_JOB_DATES = 1000

_Text = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
_DateText = Annotated[str, StringConstraints(min_length=1, max_length=20)]


def _date_text(v: Any) -> Any:
    # TOML has a date type: ``date = 1939-08-20`` arrives as datetime.date
    if isinstance(v, dt.datetime):
        raise ValueError("give a date, not a date and time")  # noqa: TRY004 - pydantic wants ValueError
    return v.isoformat() if isinstance(v, dt.date) else v


class ExportJob(BaseModel):
    """One export job (command-line options or a ``[[export]]`` table of a batch file).

    Every value is type- and range-checked here, so a wrong type gives a one-line error
    naming the field instead of a traceback further on.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    format: _Text | None = None
    date: list[_DateText] | None = Field(default=None, max_length=MAX_JOB_DATES)
    campaign: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)] | None = None
    layers: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] | None = Field(
        default=None, max_length=500)
    bounds: _Text | None = None
    view: _Text | None = None
    dpi: Annotated[float, Field(ge=50, le=MAX_DPI, allow_inf_nan=False)] | None = None
    size: _Text | None = None
    paper: _Text | None = None
    orientation: Literal["landscape", "portrait"] = "landscape"
    title: Annotated[str, StringConstraints(max_length=300)] | None = None
    label_lang: _Text | None = None
    start: _DateText | None = Field(default=None, alias="from")
    end: _DateText | None = Field(default=None, alias="to")
    #: a second date: png/pdf with the two dates side by side (layers/export/compare.py)
    compare: _DateText | None = None
    step: Literal["day", "event"] = "day"
    fps: Annotated[float, Field(ge=FPS_RANGE[0], le=FPS_RANGE[1], allow_inf_nan=False)] | None = None
    output: _Text | None = None
    user_layers: list[_Text] = Field(default_factory=list, alias="layer", max_length=20)

    @field_validator("date", "layers", mode="before")
    @classmethod
    def _split_list(cls, v: Any) -> Any:
        v = _date_text(v)
        if isinstance(v, str):
            return [x.strip() for x in v.split(",") if x.strip()] or None
        if isinstance(v, (list, tuple)):
            return [_date_text(x) for x in v]
        return v

    @field_validator("start", "end", "compare", mode="before")
    @classmethod
    def _one_date(cls, v: Any) -> Any:
        return _date_text(v)

    @field_validator("user_layers", mode="before")
    @classmethod
    def _one_or_more(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("bounds", mode="before")
    @classmethod
    def _bounds(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            if len(v) != 4 or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
                raise ValueError("must be four numbers: south,west,north,east")
            v = ",".join(repr(float(x)) for x in v)
        if isinstance(v, str):
            try:
                nums = [float(p) for p in v.split(",")]
            except ValueError:
                nums = []
            if nums and not all(math.isfinite(x) for x in nums):
                raise ValueError("must be finite numbers")
        return v

    @field_validator("dpi", "fps", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if isinstance(v, bool) or (v is not None and not isinstance(v, (int, float))):
            raise ValueError("must be a number")
        return v

    def options(self) -> dict[str, Any]:
        """The job as the dict :func:`layers.export.cli.run_job` reads (unset options left out)."""
        out = self.model_dump(by_alias=True, exclude_none=True, exclude={"user_layers"})
        if self.user_layers:
            out["layer"] = list(self.user_layers)
        return out


def job_error_message(exc: ValidationError, where: str = "") -> str:
    """One line naming each bad field of a :class:`ExportJob`."""
    parts = []
    for e in exc.errors()[:5]:
        loc = ".".join(str(p) for p in e["loc"] if not isinstance(p, int)) or "job"
        if loc == "user_layers":
            loc = "layer"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown option"
        parts.append(f"{loc.replace('_', '-') if where == 'command line' else loc}: {msg}")
    prefix = f"{where}: " if where else ""
    return prefix + "; ".join(parts)
