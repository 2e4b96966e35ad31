"""The campaign atlas: a multi-page PDF, one print map per phase of a campaign.

``python -m layers.export --format atlas --campaign khalkhin_gol -o kg_atlas.pdf`` writes

1. a title page: the campaign, its dates, a short introduction (the description of the
   campaign's main layer), the list of phases and how to read the unit symbols;
2. one print map (:class:`layers.export.print_map.PrintMap`) per phase of
   ``geodata/campaigns.toml``: the phase's ``default_date`` (else its start) and ``bounds``
   (else the campaign's), the campaign's layers with unit symbols and arrows, legend, scale,
   and beside the legend the phase's title, dates, summary and short citations;
3. the sources: the full citation of every source cited on the maps and in the phase texts,
   then the licences.

Text stays text (TrueType fonts embedded, ``pdf.fonttype = 42``), so the PDF is searchable.
Every text from the data passes through :func:`layers.safetext.mpl_text`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from layers.bundle import BASEMAP_PATH
from layers.dates import parse_date
from layers.export.errors import ExportError
from layers.export.extent import Bounds, clamp_bounds
from layers.export.fonts import export_style
from layers.export.layout import type_scale
from layers.export.print_map import PrintMap, human_date
from layers.export.request import MapRequest, PageSize
from layers.export.typeset import text_width_pt, wrap_text
from layers.loading import Atlas
from layers.safetext import make_figure_text_safe, mpl_text
from layers.schema import Campaign, Phase
from layers.symbols import LEGEND_TEXT

__all__ = ["AtlasDocument", "AtlasPages", "atlas_pages", "atlas_pdf", "phase_caption", "phase_dates"]

_INK = "#1f1f1f"
_ACCENT = "#8b1a1a"


def phase_dates(phase: Phase) -> str:
    """``1 July – 25 July 1939``: first and last day (the end is exclusive in the data)."""
    first = parse_date(phase.start).first
    last = parse_date(phase.end).first - dt.timedelta(days=1)
    if last <= first:
        return human_date(first)
    return f"{human_date(first)} – {human_date(last)}"


def phase_caption(atlas: Atlas, phase: Phase, number: int, total: int) -> str:
    """The text set beside a phase map: number, dates, summary, short citations."""
    bib = atlas.bibliography
    cites = "; ".join(bib.short(k) for k in phase.sources)
    return (f"Phase {number} of {total}: {phase_dates(phase)}\n{phase.summary}\n"
            f"Phase sources: {cites}.")


@dataclasses.dataclass
class AtlasDocument:
    """What :func:`atlas_pdf` made.

    Parameters
    ----------
    data : bytes
        The PDF.
    pages : int
    page_titles : list of str
        One per page, in order (``Title``, each phase's title, ``Sources``...).
    source_keys : list of str
        Every source cited, as listed on the sources page.
    notes : list of str
        Problems worth telling the user.
    """

    data: bytes
    pages: int
    page_titles: list[str]
    source_keys: list[str]
    notes: list[str]


def _campaign(atlas: Atlas, req: MapRequest) -> Campaign:
    if not req.campaign or req.campaign not in atlas.campaigns or req.campaign == "overview":
        known = ", ".join(c for c, camp in atlas.campaigns.items() if camp.phases) or "none yet"
        raise ExportError(f"the atlas format needs a campaign with phases: --campaign ({known})")
    camp = atlas.campaigns[req.campaign]
    if not camp.phases:
        raise ExportError(f"campaign {camp.id!r} has no phases in campaigns.toml yet; the atlas needs them")
    return camp


def _main_description(atlas: Atlas, camp: Campaign) -> str:
    for lid in camp.layers:
        spec = atlas.specs.get(lid)
        if spec is not None and spec.group == "campaign" and not lid.endswith("_units"):
            return spec.description
    return ""


def _text_page(page: PageSize) -> tuple[Figure, float]:
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig, type_scale(page.width_in, page.height_in)


def _title_page(atlas: Atlas, camp: Campaign, page: PageSize) -> Figure:
    fig, k = _text_page(page)
    W, H = page.width_in, page.height_in
    m = 0.7 * k
    width_pt = (W - 2 * m) * 72
    y = H - m
    title_fs, body_fs = 26 * k, 9.5 * k

    def put(text: str, fs: float, *, bold: bool = False, colour: str = _INK, gap: float = 0.4, wrap: bool = True) -> None:
        nonlocal y
        lines = wrap_text(mpl_text(text), width_pt, fs, bold=bold) if wrap else [mpl_text(text)]
        fig.text(m / W, y / H, "\n".join(lines), fontsize=fs, fontweight="bold" if bold else "normal",
                 color=colour, va="top", ha="left", linespacing=1.3)
        y -= (len(lines) * fs * 1.3 + fs * gap) / 72

    put(camp.title, title_fs, bold=True, gap=0.3)
    put(f"{human_date(parse_date(camp.start).first)} – {human_date(parse_date(camp.end).first)}",
        15 * k, bold=True, colour=_ACCENT, gap=1.2)
    intro = _main_description(atlas, camp)
    if intro:
        put(intro, body_fs, gap=1.4)
    put(f"The maps: {len(camp.phases)} phases", 12 * k, bold=True, gap=0.5)
    for i, ph in enumerate(camp.phases, 1):
        put(f"{i}. {ph.title} ({phase_dates(ph)}; map of {human_date(parse_date(ph.map_date).first)})",
            body_fs, gap=0.25)
    y -= body_fs * 1.0 / 72
    put("Reading the maps", 12 * k, bold=True, gap=0.5)
    put(LEGEND_TEXT + " Positions are drawn only where a cited source places a unit, with their stated "
        "precision; arrows are schematic. Full citations are on the last page(s).", body_fs, gap=1.0)
    fig.text(m / W, m * 0.6 / H, "Far East Frontiers 1918–1945: an open, sourced historical atlas.",
             fontsize=7.5 * k, color="#555555", va="bottom", ha="left")
    return fig


def _wrap_hard(text: str, width_pt: float, fs: float) -> list[str]:
    """:func:`wrap_text`, then over-long lines (URLs) cut between characters."""
    out: list[str] = []
    for line in wrap_text(text, width_pt, fs):
        while text_width_pt(line, fs) > width_pt and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and text_width_pt(line[:cut], fs) > width_pt:
                cut = max(1, int(cut * 0.9)) if text_width_pt(line[: int(cut * 0.9)], fs) > width_pt else cut - 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _sources_pages(atlas: Atlas, keys: list[str], licence: str, page: PageSize) -> list[Figure]:
    bib = atlas.bibliography
    cites = sorted({mpl_text(bib.cite(k)) for k in keys}, key=str.casefold)
    W, H = page.width_in, page.height_in
    k = type_scale(W, H)
    m, fs = 0.6 * k, 7.4 * k
    ncols = 2 if W > H else 1
    gutter = 0.35 * k
    col_w = (W - 2 * m - gutter * (ncols - 1)) / ncols
    line_h = fs * 1.3 / 72
    blocks = [_wrap_hard(c, col_w * 72, fs) for c in cites]
    blocks.append(_wrap_hard(mpl_text(licence), col_w * 72, fs))
    figs: list[Figure] = []
    fig: Figure | None = None
    col, y, top = 0, 0.0, 0.0
    for block in blocks:
        need = len(block) * line_h + fs * 0.5 / 72
        if fig is None or y - need < m:
            if fig is not None and col + 1 < ncols:
                col, y = col + 1, top
            else:
                fig, _ = _text_page(page)
                figs.append(fig)
                head = "Sources" if len(figs) == 1 else "Sources (continued)"
                fig.text(m / W, (H - m) / H, head, fontsize=18 * k, fontweight="bold", va="top", ha="left", color=_INK)
                top = H - m - 18 * k * 1.9 / 72
                col, y = 0, top
        x = m + col * (col_w + gutter)
        fig.text(x / W, y / H, "\n".join(block), fontsize=fs, va="top", ha="left", color=_INK, linespacing=1.3)
        y -= need
    return figs


def atlas_pages(
    atlas: Atlas,
    req: MapRequest,
    page: PageSize,
    *,
    label_lang: str | None = None,
    basemap_path: Path = BASEMAP_PATH,
) -> AtlasPages:
    """Build the atlas' pages as matplotlib figures (see the module docstring).

    Call within :func:`layers.export.fonts.export_style` if the figures are to be saved
    later (:func:`atlas_pdf` does).

    Parameters
    ----------
    atlas : Atlas
    req : MapRequest
        Its campaign and layers are used; its date and extent are replaced by each phase's.
    page : PageSize
        Every page's size.
    label_lang : str, optional
        Second label line language.
    basemap_path : Path

    Returns
    -------
    AtlasPages

    Raises
    ------
    ExportError
        When the request has no campaign, or its campaign no phases.
    """
    camp = _campaign(atlas, req)
    with export_style():  # re-entrant
        figures: list[tuple[str, Figure]] = [("Title", _title_page(atlas, camp, page))]
        keys: list[str] = []
        notes: list[str] = []
        licence = ""
        for i, ph in enumerate(camp.phases, 1):
            if ph.bounds is not None:
                (s, w), (n, e) = ph.bounds
                bounds = clamp_bounds(Bounds(s, w, n, e))
            else:
                bounds = req.bounds
            day = parse_date(ph.map_date).first
            sub = dataclasses.replace(req, date=day, bounds=bounds, title=f"{camp.title}: {ph.title}",
                                      state=req.state.model_copy(update={"date": day}))
            pm = PrintMap(atlas, sub, page, vector=True, label_lang=label_lang, basemap_path=basemap_path,
                          caption=phase_caption(atlas, ph, i, len(camp.phases)))
            pm.set_day(day)
            notes += [n for n in pm.notes if n not in notes]
            keys += [k for k in (*pm.credits.source_keys, *ph.sources) if k not in keys]
            licence = pm.credits.licence_note()
            figures.append((ph.title, pm.figure))
        for fig in _sources_pages(atlas, keys, licence, page):
            figures.append(("Sources", fig))
    return AtlasPages(camp, figures, keys, notes)


@dataclasses.dataclass
class AtlasPages:
    """The atlas' pages before saving.

    Parameters
    ----------
    campaign : Campaign
    figures : list of (str, Figure)
        Page title and figure, in order.
    source_keys : list of str
    notes : list of str
    """

    campaign: Campaign
    figures: list[tuple[str, Figure]]
    source_keys: list[str]
    notes: list[str]


def atlas_pdf(
    atlas: Atlas,
    req: MapRequest,
    page: PageSize,
    *,
    label_lang: str | None = None,
    basemap_path: Path = BASEMAP_PATH,
) -> AtlasDocument:
    """Make the atlas of ``req.campaign`` as one PDF (see :func:`atlas_pages`).

    Returns
    -------
    AtlasDocument

    Raises
    ------
    ExportError
        When the request has no campaign, or its campaign no phases.
    """
    with export_style():
        pages = atlas_pages(atlas, req, page, label_lang=label_lang, basemap_path=basemap_path)
        buf = io.BytesIO()
        camp = pages.campaign
        meta = {"Title": f"{mpl_text(camp.title)}: atlas", "Creator": "Far East Frontiers",
                "Subject": f"{len(camp.phases)} phase maps with sources"}
        with PdfPages(buf, metadata=meta) as pdf:
            for _, fig in pages.figures:
                make_figure_text_safe(fig)
                pdf.savefig(fig)
    return AtlasDocument(buf.getvalue(), len(pages.figures), [t for t, _ in pages.figures], pages.source_keys,
                         pages.notes)
