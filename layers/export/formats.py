"""One entry point for every export format, used by the app and the command line.

``export_map(atlas, state, "pdf", paper="A4")`` returns an :class:`ExportResult` holding
the bytes, a MIME type and a file name, ready for a download button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from layers.export.errors import ExportError
from layers.export.extent import Bounds
from layers.export.fonts import missing_fonts
from layers.export.request import MapRequest, PageSize, page_size, parse_day, parse_size, request_from_state
from layers.loading import Atlas
from layers.safetext import safe_filename
from layers.viewstate import ViewState

__all__ = ["FORMATS", "LANGUAGES", "ExportResult", "export_map", "export_request", "file_name"]

Format = Literal["png", "svg", "pdf", "atlas", "asseen", "html", "geojson", "gpkg", "gif", "mp4"]
#: Format → (MIME type, file extension, what it is).
FORMATS: dict[str, tuple[str, str, str]] = {
    "png": ("image/png", "png", "print map, raster"),
    "svg": ("image/svg+xml", "svg", "print map, vector"),
    "pdf": ("application/pdf", "pdf", "print map, vector"),
    "atlas": ("application/pdf", "pdf", "campaign atlas: title page, one map per phase, sources; needs --campaign"),
    "asseen": ("image/png", "png", "the interactive map as the browser shows it"),
    "html": ("text/html", "html", "standalone interactive map"),
    "geojson": ("application/geo+json", "geojson", "time slice as GeoJSON"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg", "time slice as GeoPackage"),
    "gif": ("image/gif", "gif", "animation"),
    "mp4": ("video/mp4", "mp4", "animation, H.264"),
}
#: Languages a second label line can be in.
LANGUAGES = ("ru", "ja", "zh", "mn", "ko")
Progress = Callable[[float], None]


@dataclass
class ExportResult:
    """An export, ready to save or offer for download.

    Parameters
    ----------
    data : bytes
    mime : str
    filename : str
    notes : list of str
        Things the user should know (drawn without a base map, fonts missing).
    """

    data: bytes
    mime: str
    filename: str
    notes: list[str] = field(default_factory=list)


def file_name(req: MapRequest, fmt: str, start: dt.date | None = None, end: dt.date | None = None) -> str:
    """``far-east-frontiers_khalkhin-gol_1939-08-20.pdf`` (a date range for animations)."""
    what = safe_filename(req.campaign or "map", default="map")
    when = f"{start.isoformat()}_{end.isoformat()}" if start and end else req.date.isoformat()
    if fmt == "atlas":
        return f"far-east-frontiers_{what}_atlas.pdf"
    suffix = "_as-seen" if fmt == "asseen" else ""
    return f"far-east-frontiers_{what}_{when}{suffix}.{FORMATS[fmt][1]}"


def export_request(
    atlas: Atlas,
    req: MapRequest,
    fmt: str,
    *,
    size: tuple[int, int] | str | None = None,
    dpi: float | None = None,
    paper: str | None = None,
    orientation: str = "landscape",
    label_lang: str | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    step: str = "day",
    fps: float | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Export a checked request in ``fmt`` (see :func:`export_map` for the parameters)."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} must be one of {', '.join(FORMATS)}")
    if label_lang is not None and label_lang not in LANGUAGES:
        raise ExportError(f"label language {label_lang!r} must be one of {', '.join(LANGUAGES)}")
    mime = FORMATS[fmt][0]
    notes: list[str] = []
    if fmt in ("png", "svg", "pdf"):
        from layers.export.print_map import PrintMap

        if paper is None and size is None and fmt == "pdf":
            paper = "A4"
        page = page_size(size=size, dpi=dpi, paper=paper, orientation=orientation)
        pm = PrintMap(atlas, req, page, vector=fmt != "png", label_lang=label_lang)
        data = pm.save(None, fmt)  # type: ignore[arg-type]
        notes += pm.notes
        if missing_fonts():
            notes.append(f"Fonts missing ({', '.join(missing_fonts())}): some names may show as boxes.")
        name = file_name(req, fmt)
    elif fmt == "atlas":
        from layers.export.atlas_pdf import atlas_pdf

        page = page_size(size=size, dpi=dpi, paper=paper or ("A4" if size is None else None), orientation=orientation)
        doc = atlas_pdf(atlas, req, page, label_lang=label_lang)
        data, name = doc.data, file_name(req, fmt)
        notes += doc.notes
        if missing_fonts():
            notes.append(f"Fonts missing ({', '.join(missing_fonts())}): some names may show as boxes.")
    elif fmt == "asseen":
        from layers.export.as_seen import as_seen_png

        px = parse_size(size) if isinstance(size, str) else (size or (1600, 1000))
        data = as_seen_png(atlas, req, size=px)
        name = file_name(req, fmt)
    elif fmt == "html":
        from layers.export.html import html_bytes

        data, name = html_bytes(atlas, req), file_name(req, fmt)
        mime = "text/html; charset=utf-8"
    elif fmt == "geojson":
        from layers.export.data import geojson_bytes

        data, name = geojson_bytes(atlas, req), file_name(req, fmt)
    elif fmt == "gpkg":
        from layers.export.data import gpkg_bytes

        data, name = gpkg_bytes(atlas, req), file_name(req, fmt)
    else:
        from layers.export.animation import FRAME_DPI, FRAME_SIZE, animation_bytes, default_range

        s, e = default_range(atlas, req)
        d0 = parse_day(start, "start date") if start is not None else s
        d1 = parse_day(end, "end date") if end is not None else e
        if step not in ("day", "event"):
            raise ExportError(f"step {step!r} must be 'day' or 'event'")
        if paper is not None or size is not None:
            page = page_size(size=size, dpi=dpi or FRAME_DPI, paper=paper, orientation=orientation)
        else:
            res = float(dpi or FRAME_DPI)
            page = PageSize(FRAME_SIZE[0] / FRAME_DPI, FRAME_SIZE[1] / FRAME_DPI, res)
        data = animation_bytes(atlas, req, fmt, start=d0, end=d1, step=step, page=page,  # type: ignore[arg-type]
                               fps=fps, label_lang=label_lang, progress=progress)
        name = file_name(req, fmt, d0, d1)
    if progress is not None:
        progress(1.0)
    return ExportResult(data, mime, name, notes)


def export_map(
    atlas: Atlas,
    state: ViewState,
    fmt: str,
    *,
    bounds: Bounds | str | None = None,
    layers: Iterable[str] | None = None,
    title: str | None = None,
    date: dt.date | str | None = None,
    size: tuple[int, int] | str | None = None,
    dpi: float | None = None,
    paper: str | None = None,
    orientation: str = "landscape",
    label_lang: str | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    step: str = "day",
    fps: float | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Export what a view state shows.

    Parameters
    ----------
    atlas : Atlas
    state : ViewState
        Date, layers, campaign and view of the map.
    fmt : str
        One of :data:`FORMATS`: ``png``, ``svg``, ``pdf`` (print map), ``atlas`` (multi-page
        PDF of a campaign: one print map per phase), ``asseen`` (browser
        screenshot), ``html`` (standalone interactive map), ``geojson``, ``gpkg`` (time
        slice), ``gif``, ``mp4`` (animation).
    bounds : Bounds or str, optional
        Extent (``"south,west,north,east"``); default: the state's view or campaign.
    layers : iterable of str, optional
        Default: the state's layers.
    title : str, optional
    date : datetime.date or str, optional
        Overrides the state's date.
    size : tuple of int or str, optional
        Pixels (``(1600, 1000)`` or ``"1600x1000"``).
    dpi : float, optional
        Up to 300.
    paper : str, optional
        ``A4``, ``A3``...; PDF defaults to A4.
    orientation : {"landscape", "portrait"}
    label_lang : str, optional
        Second label line in ``ru``, ``ja``, ``zh``, ``mn`` or ``ko``.
    start, end : datetime.date or str, optional
        Animation range (default: the campaign's period).
    step : {"day", "event"}
    fps : float, optional
    progress : callable, optional
        Called with the fraction done (0–1).

    Returns
    -------
    ExportResult

    Raises
    ------
    ExportError
        Bad input (unknown layer, bad bounds, date, size...), with a one-line message.
    ExportUnavailable
        The format cannot be made on this machine (no Chromium for ``asseen``).
    """
    req = request_from_state(atlas, state, bounds=bounds, layers=layers, title=title, date=date)
    return export_request(
        atlas, req, fmt, size=size, dpi=dpi, paper=paper, orientation=orientation, label_lang=label_lang,
        start=start, end=end, step=step, fps=fps, progress=progress,
    )
