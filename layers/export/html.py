"""The standalone interactive map (one HTML file, works offline) for a request.

:func:`layers.webmap.standalone_html` does the work: inline Leaflet, the layer bundles and
the date bar, layer control and popups with sources. This module opens it on the
request's date, layers and extent.
"""

from __future__ import annotations

from layers.export.extent import DEFAULT_VIEWPORT, view_for_bounds
from layers.export.request import MapRequest
from layers.loading import Atlas
from layers.viewstate import ViewState
from layers.webmap import standalone_html

__all__ = ["html_bytes", "html_document", "web_state"]


def web_state(req: MapRequest, viewport: tuple[int, int] = DEFAULT_VIEWPORT) -> ViewState:
    """The web map's view state for ``req``: its date, layers and extent.

    A web view (centre/zoom) or a campaign preset is kept as is (the web map fits the
    preset's bounds itself); explicit bounds become a centre and the largest whole zoom
    that shows them in ``viewport``.
    """
    if req.extent_from in ("view", "campaign"):
        return req.state
    center, zoom = view_for_bounds(req.bounds, viewport)
    return req.state.model_copy(update={"center": center, "zoom": zoom})


def html_document(atlas: Atlas, req: MapRequest) -> str:
    """Self-contained HTML text of the interactive map for ``req``."""
    return standalone_html(atlas, web_state(req), title=f"{req.title} — {req.date.isoformat()}")


def html_bytes(atlas: Atlas, req: MapRequest) -> bytes:
    """UTF-8 bytes of :func:`html_document`."""
    return html_document(atlas, req).encode("utf-8")
