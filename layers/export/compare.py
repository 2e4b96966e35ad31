"""Two print maps of the same place at two dates, side by side in one PNG or PDF.

The view state's ``date`` is drawn on the left and its ``compare`` date on the right, with
the same extent, layers and style, each panel a full print map (title, date, legend,
scale, credits) at half the page width, separated by a dark rule. The PDF holds the two
panels as images (the single-map PDF export stays vector).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from PIL import Image

from layers.export.errors import ExportError
from layers.export.extent import Bounds
from layers.export.formats import ExportResult
from layers.export.print_map import PrintMap
from layers.export.request import PageSize, page_size, request_from_state
from layers.loading import Atlas
from layers.safetext import safe_filename
from layers.viewstate import ViewState

__all__ = ["COMPARE_FORMATS", "compare_export", "compare_file_name"]

#: Format -> MIME type.
COMPARE_FORMATS = {"png": "image/png", "pdf": "application/pdf"}
#: Width of the rule between the panels, in pixels.
RULE_PX = 4


def compare_file_name(campaign: str | None, left: dt.date, right: dt.date, fmt: str) -> str:
    """``far-east-frontiers_overview_1938-06-01_vs_1920-06-01.png``."""
    what = safe_filename(campaign or "map", default="map")
    return f"far-east-frontiers_{what}_{left.isoformat()}_vs_{right.isoformat()}.{fmt}"


def compare_export(
    atlas: Atlas,
    state: ViewState,
    fmt: str = "png",
    *,
    compare: dt.date | None = None,
    bounds: Bounds | str | None = None,
    layers: Iterable[str] | None = None,
    size: tuple[int, int] | str | None = None,
    dpi: float | None = None,
    paper: str | None = None,
    orientation: str = "landscape",
    label_lang: str | None = None,
) -> ExportResult:
    """The map at ``state.date`` (left) and at the second date (right) in one file.

    Parameters
    ----------
    atlas : Atlas
    state : ViewState
        Date, layers, campaign and view; ``state.compare`` is the second date unless
        ``compare`` is given.
    fmt : {"png", "pdf"}
    compare : datetime.date, optional
        The second date (overrides ``state.compare``).
    bounds, layers :
        As for :func:`layers.export.export_map`; both panels share them.
    size : tuple of int or str, optional
        Pixels of the whole image (default 2400×1000); each panel gets half the width.
    dpi, paper, orientation :
        Page of the whole image (``paper`` for print sizes, e.g. ``A3`` landscape).
    label_lang : str, optional
        Second label line (``ru``, ``ja``, ``zh``, ``mn``, ``ko``).

    Returns
    -------
    ExportResult

    Raises
    ------
    ExportError
        No second date, an unknown format, or a bad layer/extent/size.
    """
    if fmt not in COMPARE_FORMATS:
        raise ExportError(f"format {fmt!r} must be one of {', '.join(COMPARE_FORMATS)} for two dates")
    second = compare or state.compare
    if second is None:
        raise ExportError("no second date to compare with: set one (compare=YYYY-MM-DD)")
    if paper is None and size is None:
        size = (2400, 1000)
    whole = page_size(size=size, dpi=dpi, paper=paper, orientation=orientation)
    panel = PageSize(whole.width_in / 2, whole.height_in, whole.dpi)
    images, notes = [], []
    for day in (state.date, second):
        req = request_from_state(atlas, state, bounds=bounds, layers=layers, date=day)
        pm = PrintMap(atlas, req, panel, vector=False, label_lang=label_lang)
        images.append(Image.open(io.BytesIO(pm.save(None, "png"))).convert("RGB"))
        notes += [n for n in pm.notes if n not in notes]
    w = images[0].width + images[1].width + RULE_PX
    h = max(im.height for im in images)
    out = Image.new("RGB", (w, h), (34, 34, 34))
    out.paste(images[0], (0, 0))
    out.paste(images[1], (images[0].width + RULE_PX, 0))
    buf = io.BytesIO()
    if fmt == "png":
        out.save(buf, format="PNG", compress_level=4)
    else:
        out.save(buf, format="PDF", resolution=whole.dpi, title="Far East Frontiers: two dates side by side")
        notes.append("The two-date PDF holds the maps as images; the single-map PDF is vector.")
    return ExportResult(buf.getvalue(), COMPARE_FORMATS[fmt], compare_file_name(state.campaign, state.date, second, fmt),
                        notes)
