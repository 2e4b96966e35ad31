"""Exports: print maps, the interactive map, data and animations.

One entry point, :func:`export_map`, turns a :class:`layers.viewstate.ViewState` into
bytes in any of :data:`FORMATS`:

- ``png``, ``svg``, ``pdf``: the print map (:mod:`layers.export.print_map`), drawn with
  matplotlib in a Lambert conformal conic projection, no browser needed;
- ``atlas``: a campaign's multi-page PDF, one print map per phase (:mod:`~.atlas_pdf`);
- ``asseen``: the interactive map as headless Chromium draws it (:mod:`~.as_seen`);
- ``html``: the standalone interactive map (:mod:`~.html`);
- ``geojson``, ``gpkg``: the time slice with sources and licences (:mod:`~.data`);
- ``gif``, ``mp4``: an animation over a date range (:mod:`~.animation`).

The command line is ``python -m layers.export`` (:mod:`~.cli`). Nothing here imports
streamlit.
"""

from layers.export.errors import ExportError, ExportUnavailable
from layers.export.extent import Bounds, parse_bounds
from layers.export.formats import FORMATS, LANGUAGES, ExportResult, export_map, export_request
from layers.export.request import MapRequest, PageSize, page_size, request_from_state

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Bounds",
    "ExportError",
    "ExportResult",
    "ExportUnavailable",
    "MapRequest",
    "PageSize",
    "export_map",
    "export_request",
    "page_size",
    "parse_bounds",
    "request_from_state",
]
