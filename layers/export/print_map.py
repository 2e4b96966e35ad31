"""The print map: the web map's time slice, layers and styles as a static figure.

Drawn with matplotlib (no browser) in a Lambert conformal conic projection centred on the
extent, on the bundled vector basemap, with title, date, legend of the layers drawn,
scale bar, north arrow, graticule with degree labels and a credits line naming the
sources and licences. PNG, SVG and PDF; SVG and PDF keep text as text.

A :class:`PrintMap` is built once for a day range and can then show any day in it: the
static parts (basemap, graticule, legend, credits) are drawn once, and only the features,
labels, date and progress bar change. The animations use that to draw frames quickly.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal, cast

import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.text import Annotation
from matplotlib.transforms import Affine2D, ScaledTranslation

from layers.bundle import BASEMAP_PATH
from layers.dates import from_day, to_day
from layers.detail_basemap import sectors_in
from layers.export.basemap import SEA_COLOUR, BaseLayer, basemap_layers, detail_files
from layers.export.cartography import draw_graticule, draw_north_arrow, draw_scale_bar
from layers.export.credits import Credits, collect_credits
from layers.export.extent import ATLAS_REGION, fit_frame
from layers.export.fonts import export_style
from layers.export.labels import LabelCandidate, Placement, place_labels
from layers.export.layout import make_layout, type_scale
from layers.export.legend import LegendDrawn, draw_legend
from layers.export.request import MapRequest, PageSize
from layers.export.river_labels import river_label_specs
from layers.export.scene import Scene, SceneFeature, build_scene
from layers.export.style import dashes, line_width, marker_size, patch_kwargs, rgba
from layers.export.typeset import wrap_text
from layers.export.unit_symbols import symbol_artists, symbol_extent
from layers.loading import Atlas
from layers.safetext import make_figure_text_safe, mpl_text

__all__ = ["PrintMap", "VectorFormat", "human_date"]

VectorFormat = Literal["png", "svg", "pdf"]
# Text alignments matplotlib accepts (labels.Placement keeps them as plain strings).
_HAlign = Literal["left", "center", "right"]
_VAlign = Literal["bottom", "baseline", "center", "center_baseline", "top"]
_INK = "#1f1f1f"
#: Map background where no data (and no basemap) exists.
NO_DATA_COLOUR = "#ecebe7"
_LAND_STYLE = {"land": {"facecolor": "#f3efe4", "edgecolor": "none"}}


def _add(ax: Any, artist: Artist) -> None:
    """Add an artist in data coordinates without the (slow) data-limit update of ``add_patch``."""
    artist.set_transform(ax.transData)
    ax.add_artist(artist)


def human_date(d: dt.date) -> str:
    """``20 August 1939``."""
    return f"{d.day} {d:%B %Y}"


class PrintMap:
    """A print map figure for a request, able to show any day of a range.

    Parameters
    ----------
    atlas : Atlas
    request : MapRequest
    page : PageSize
    day_range : tuple of datetime.date, optional
        First and last day the figure will show (default: the request's date only). The
        legend and credits cover every feature of the range.
    vector : bool
        Build for SVG/PDF: label halos become light boxes so text stays text.
    label_lang : str, optional
        Add the name in this language (``ru``, ``ja``, ``zh``, ``mn``, ``ko``) under labels.
    progress : bool
        Draw a progress bar under the date (animations).
    basemap_path : Path
    events : sequence of int, optional
        Day numbers to tick on the progress bar.
    caption : str, optional
        A paragraph set under the date (an atlas page's phase summary and sources); plain
        text, passed through :func:`layers.safetext.mpl_text`. Not with ``progress``.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    legend : LegendDrawn
        Rows the legend shows.
    credits : Credits
    credits_text : str
    notes : list of str
        Problems worth telling the user (no base map, missing fonts).
    """

    def __init__(
        self,
        atlas: Atlas,
        request: MapRequest,
        page: PageSize,
        *,
        day_range: tuple[dt.date, dt.date] | None = None,
        vector: bool = False,
        label_lang: str | None = None,
        progress: bool = False,
        basemap_path: Path = BASEMAP_PATH,
        events: list[int] | None = None,
        caption: str | None = None,
    ) -> None:
        self.atlas, self.request, self.page, self.vector = atlas, request, page, vector
        self.caption = None if progress or not caption else mpl_text(caption)
        self.notes: list[str] = []
        d0, d1 = day_range or (request.date, request.date)
        self.range_days = (to_day(d0), to_day(d1))
        self.events = list(events or [])
        with export_style():
            self._build(label_lang, progress, basemap_path)

    # ------------------------------------------------------------------ building
    def _sizes(self, k: float) -> dict[str, float]:
        return {
            "title": 12.5 * k, "date": 15 * k, "legend": 7.2 * k, "credits": 5.6 * k, "grat": 6.0 * k,
            "scale": 6.0 * k, "label": 7.0 * k, "river": 6.4 * k,
        }

    def _build(self, label_lang: str | None, progress: bool, basemap_path: Path) -> None:
        page = self.page
        k = type_scale(page.width_in, page.height_in)
        fs = self.fs = self._sizes(k)
        portrait = page.width_in / page.height_in < 1.15
        header_w = (page.width_in - 0.4 * k) if portrait else max(2.2 * k, min(3.4 * k, 0.25 * page.width_in))
        title_lines = wrap_text(mpl_text(self.request.title), header_w * 72, fs["title"], bold=True)[:3]
        self.title_text = "\n".join(title_lines)
        header_h = (len(title_lines) * fs["title"] * 1.3 + fs["date"] * 1.9 + (fs["legend"] * 4.2 if progress else 0)) / 72
        self.caption_lines: list[str] = []
        if self.caption:
            max_lines = 16 if portrait else 24
            for para in self.caption.split("\n"):
                self.caption_lines += wrap_text(para, header_w * 72 * 0.97, fs["legend"])
            if len(self.caption_lines) > max_lines:
                self.caption_lines = self.caption_lines[: max_lines - 1] + [self.caption_lines[max_lines - 1] + " …"]
            header_h += (len(self.caption_lines) * fs["legend"] * 1.3 + fs["legend"] * 0.8) / 72
        credits_w = make_layout(page.width_in, page.height_in, header_h=header_h, credits_h=0.3).credits.w
        # the detail shores are credited when drawn; planned for any sector in the extent (a line too many at worst)
        maybe_detail = [x.path for x in sectors_in((self.request.bounds.west, self.request.bounds.south, self.request.bounds.east, self.request.bounds.north))] if basemap_path == BASEMAP_PATH else []
        planned = collect_credits(self.atlas, [(lid, ()) for lid in self.request.layers], basemap_path=basemap_path,
                                  detail_paths=maybe_detail)
        n_tail = len(wrap_text(self._credits_tail(planned), credits_w * 72, fs["credits"]))
        credit_lines = n_tail + (2 if portrait else 1)
        credits_h = credit_lines * fs["credits"] * 1.25 / 72 + 0.03
        lay = self.layout = make_layout(page.width_in, page.height_in, header_h=header_h, credits_h=credits_h)
        self.k = lay.k
        frame = self.frame = fit_frame(self.request.bounds, lay.map.w / lay.map.h)
        self.metres_per_px = frame.width_m / (lay.map.w * page.dpi)
        self.scene: Scene = build_scene(
            self.atlas, self.request.layers, frame, self.range_days,
            metres_per_px=self.metres_per_px, label_lang=label_lang,
            min_head_px=5.0 * self.k * page.dpi / 72, max_head_px=12.0 * self.k * page.dpi / 72,
        )

        fig = self.figure = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi, facecolor="white")
        FigureCanvasAgg(fig)
        ax = self.ax = fig.add_axes(lay.map.fraction(page.width_in, page.height_in))
        ax.set_xlim(*frame.xlim)
        ax.set_ylim(*frame.ylim)
        ax.set_facecolor(NO_DATA_COLOUR)
        ax.set_autoscale_on(False)
        ax.set_xticks([])
        ax.set_yticks([])
        for sp in ax.spines.values():
            sp.set_linewidth(0.9 * k)
            sp.set_color(_INK)
            sp.set_zorder(200)

        base = basemap_layers(frame, self.metres_per_px, basemap_path)
        if base is None:
            self.notes.append("The base map (geodata/basemap/basemap.geojson) is not built; drawn without it.")
        else:
            self._draw_basemap(base)
        draw_graticule(ax, frame, fontsize=fs["grat"], linewidth=0.45 * k)
        self._static_obstacles = self._draw_river_labels(base or [])

        self._feature_artists: list[tuple[SceneFeature, list[Artist]]] = []
        self._unit_moves: dict[str, tuple[Affine2D, Line2D]] = {}
        self._unit_offsets_px: dict[str, tuple[float, float]] = {}
        for f in self.scene.features:
            self._feature_artists.append((f, self._feature_patches(f)))

        in_range = [f for f in self.scene.features if f.start <= self.range_days[1] and f.end > self.range_days[0]]
        self.credits: Credits = collect_credits(self.atlas, [(f.layer, f.sources) for f in in_range],
                                                basemap_path=basemap_path,
                                                detail_paths=detail_files(frame, self.metres_per_px, basemap_path))
        self._draw_header(progress)
        self.legend: LegendDrawn = self._draw_legend(self.scene.legend(in_range))
        self._draw_furniture()
        self.credits_text = self._draw_credits(credit_lines)
        self._labels: dict[str, Annotation] = {}
        self._label_size: dict[str, tuple[float, float]] = {}
        self.placements: list[Placement] = []
        self.day: int | None = None

    def _draw_basemap(self, base: list[BaseLayer]) -> None:
        """Sea over the region the basemap covers (outside it stays the neutral no-data tone), then the kinds."""
        k = self.k
        sea = MplPolygon(np.column_stack(self.frame.forward.transform(*ATLAS_REGION.outline(128).T)),
                         closed=True, facecolor=SEA_COLOUR, edgecolor="none", zorder=0.5)
        _add(self.ax, sea)
        for z, layer in enumerate(base):
            st = layer.style
            if layer.kind in ("land", "lake"):
                face = _LAND_STYLE.get(layer.kind, {}).get("facecolor") or rgba(
                    st.get("fillColor", st["color"]), st.get("fillOpacity", 1.0))
                edge = "none" if layer.kind == "land" else st["color"]
                patch = PathPatch(layer.path, facecolor=face, edgecolor=edge,
                                  linewidth=line_width(st.get("weight", 0.5), k) * 0.8, zorder=1 + z * 0.1)
            else:
                lw = line_width(st.get("weight", 0.8), k)
                dash = st.get("dashArray")
                if layer.kind == "river":
                    self._draw_minor_rivers(layer, lw, z)
                    continue
                patch = PathPatch(layer.path, facecolor="none", edgecolor=st["color"], linewidth=lw,
                                  linestyle=dashes(dash, lw), zorder=1 + z * 0.1, capstyle="round",
                                  joinstyle="round")
            patch.set_clip_path(self.ax.patch)
            _add(self.ax, patch)

    def _draw_minor_rivers(self, layer: BaseLayer, lw: float, z: int) -> None:
        """Named rivers at the web map's width; the unnamed network thinner and lighter."""
        named = {id(p) for _, p in layer.names}
        for _, p in layer.names:
            patch = PathPatch(p, facecolor="none", edgecolor=layer.style["color"], linewidth=lw * 1.15,
                              zorder=1 + z * 0.1 + 0.05, capstyle="round", joinstyle="round")
            patch.set_clip_path(self.ax.patch)
            _add(self.ax, patch)
        if layer.minor is not None:
            patch = PathPatch(layer.minor, facecolor="none", edgecolor=layer.style["color"], linewidth=lw * 0.6,
                              alpha=0.8, zorder=1 + z * 0.1, capstyle="round", joinstyle="round")
            patch.set_clip_path(self.ax.patch)
            _add(self.ax, patch)
        del named

    def _draw_river_labels(self, base: list[BaseLayer]) -> np.ndarray:
        boxes: list[tuple[float, float, float, float]] = []
        rivers = [b for b in base if b.kind == "river"]
        if not rivers:
            return np.empty((0, 4))
        renderer = self._renderer()
        specs = river_label_specs(self.ax, rivers[0].names, renderer, fontsize=self.fs["river"])
        for sp in specs:
            t = self.ax.text(sp.x, sp.y, sp.text, rotation=sp.angle, rotation_mode="anchor", ha="center",
                             va="center", fontsize=self.fs["river"], style="italic", color="#3d6f99",
                             zorder=150, transform=self.ax.transData)
            self._halo(t)
            boxes.append(sp.box)
        return np.asarray(boxes, dtype=float).reshape(-1, 4)

    def _halo(self, text: Any) -> None:
        if self.vector:
            text.set_bbox({"boxstyle": "round,pad=0.12", "facecolor": (1, 1, 1, 0.62), "edgecolor": "none"})
        else:
            text.set_path_effects([patheffects.withStroke(linewidth=2.2 * self.k, foreground=(1, 1, 1, 0.85))])

    @property
    def unit_size_in(self) -> float:
        """Inches per symbol unit of the unit symbols (a friend frame is one unit high)."""
        return 0.19 * self.k

    def _unit_box_px(self, f: SceneFeature) -> tuple[float, float, float, float]:
        """A unit symbol's extent around its point, display pixels ``(x0, y0, x1, y1)``."""
        assert f.sidc is not None
        px = self.unit_size_in * self.page.dpi
        x0, y0, x1, y1 = symbol_extent(f.sidc)
        return x0 * px, y0 * px, x1 * px, y1 * px

    def _feature_patches(self, f: SceneFeature) -> list[Artist]:
        k, ax = self.k, self.ax
        z = 10 + f.layer_index * 3
        out: list[Artist] = []
        if f.sidc is not None and len(f.points):
            # one symbol at the feature's (first) point; set_day may move it aside with
            # ``offset`` and then shows a leader line back to the true position
            x, y = (float(v) for v in f.points[0])
            offset = Affine2D()
            arts: list[Artist] = symbol_artists(
                f.sidc, x, y, fill=f.symbol_fill or "#ffffff", size_in=self.unit_size_in,
                dpi_trans=self.figure.dpi_scale_trans, data_trans=ax.transData, linewidth=0.75 * k,
                zorder=z + 2, offset=offset)
            leader = Line2D([0, 0], [0, 0], color=_INK, linewidth=0.6 * k, marker="o", markevery=[0],
                            markersize=2.4 * k, zorder=z + 1.9,
                            transform=self.figure.dpi_scale_trans + ScaledTranslation(x, y, cast(Any, ax.transData)))
            self._unit_moves[f.fid] = (offset, leader)
            for a in arts:
                ax.add_artist(a)
                a.set_visible(False)
            ax.add_artist(leader)
            leader.set_visible(False)
            return [*arts, leader]
        if f.area is not None:
            p = PathPatch(f.area, zorder=z, **patch_kwargs(f.style, k, movement=f.kind == "movement"))
            out.append(p)
        if f.line is not None:
            p = PathPatch(f.line, zorder=z + 1, **patch_kwargs(f.style, k, fill=False))
            out.append(p)
        if len(f.points):
            st = f.style
            out.append(Line2D(
                f.points[:, 0], f.points[:, 1], linestyle="none", marker="o",
                markersize=marker_size(st.radius, k), markerfacecolor=rgba(st.fill_color or st.color, st.fill_opacity),
                markeredgecolor=rgba(st.color, st.opacity), markeredgewidth=line_width(st.weight, k) * 0.8,
                zorder=z + 2,
            ))
        for a in out:
            _add(ax, a)
            a.set_visible(False)
        return out

    def _draw_header(self, progress: bool) -> None:
        lay, fs, fig = self.layout, self.fs, self.figure
        W, H = lay.width, lay.height
        hx, htop = lay.header.x / W, lay.header.top / H
        self.title_artist = fig.text(hx, htop, self.title_text, fontsize=fs["title"], fontweight="bold",
                                     va="top", ha="left", color=_INK, linespacing=1.15)
        n_title = self.title_text.count("\n") + 1
        y_date = lay.header.top - n_title * fs["title"] * 1.3 / 72 - 0.06 * self.k
        self.date_artist = fig.text(hx, y_date / H, "", fontsize=fs["date"], fontweight="bold", va="top",
                                    ha="left", color="#8b1a1a")
        self.progress_artists: list[Artist] = []
        if self.caption_lines:
            y_cap = y_date - fs["date"] * 1.55 / 72 - 0.04 * self.k
            self.caption_artist = fig.text(hx, y_cap / H, "\n".join(self.caption_lines), fontsize=fs["legend"],
                                           va="top", ha="left", color=_INK, linespacing=1.3)
        if progress:
            bar_y = y_date - fs["date"] * 1.55 / 72 - 0.12 * self.k
            bar_h = 0.07 * self.k
            bw = lay.header.w * 0.96
            back = Rectangle((lay.header.x / W, bar_y / H), bw / W, bar_h / H, transform=fig.transFigure,
                             facecolor="#e6e1d6", edgecolor="#8c8577", lw=0.5)
            fig.add_artist(back)
            d0, d1 = self.range_days
            span = max(1, d1 - d0)
            for ev in self.events:
                if d0 < ev < d1:
                    x = (lay.header.x + bw * (ev - d0) / span) / W
                    fig.add_artist(Line2D([x, x], [(bar_y - 0.03 * self.k) / H, bar_y / H],
                                          transform=fig.transFigure, color="#8c8577", lw=0.5))
            self._bar = Rectangle((lay.header.x / W, bar_y / H), 0, bar_h / H, transform=fig.transFigure,
                                  facecolor="#8b1a1a", edgecolor="none")
            fig.add_artist(self._bar)
            self._bar_full = bw / W
            for x, ha, d in ((lay.header.x, "left", d0), (lay.header.x + bw, "right", d1)):
                fig.text(x / W, (bar_y - 0.05 * self.k) / H, human_date(from_day(d)), fontsize=fs["legend"] * 0.85,
                         ha=ha, va="top", color="#555555")
            self.progress_artists.append(self._bar)

    def _draw_legend(self, rows: list[Any]) -> LegendDrawn:
        lay = self.layout
        box = lay.legend
        ax = self.figure.add_axes(box.fraction(lay.width, lay.height))
        ax.set_xlim(0, box.w)
        ax.set_ylim(0, box.h)
        ax.set_axis_off()
        if not rows:
            ax.text(0, box.h, "No feature of the chosen layers on the map at this date.",
                    fontsize=self.fs["legend"], va="top", ha="left", color="#555555", style="italic", wrap=True)
            return LegendDrawn([], [], 0)
        return draw_legend(ax, rows, box.w, box.h, k=self.k, fontsize=self.fs["legend"])

    def _draw_furniture(self) -> None:
        lay, fr = self.layout, self.frame
        box = lay.furniture
        ax = self.figure.add_axes(box.fraction(lay.width, lay.height))
        ax.set_xlim(0, box.w)
        ax.set_ylim(0, box.h)
        ax.set_axis_off()
        metres_per_in = fr.width_m / lay.map.w
        arrow = 0.42 * self.k
        draw_north_arrow(ax, box.w - arrow * 0.5, 0.12 * self.k, arrow * 0.9, fontsize=self.fs["scale"] * 1.2)
        draw_scale_bar(ax, 0.02, 0.30 * self.k, box.w - arrow * 1.6, metres_per_in, fontsize=self.fs["scale"],
                       height=0.055 * self.k, lat=self.request.bounds.center[0])

    def _credits_tail(self, credits: Credits) -> str:
        lat0, lon0 = self.request.bounds.center
        return (f"{credits.licence_note()} Lambert conformal conic projection centred on "
                f"{abs(lat0):.2f}°{'N' if lat0 >= 0 else 'S'} {abs(lon0):.2f}°{'E' if lon0 >= 0 else 'W'}.")

    def _draw_credits(self, nlines: int) -> str:
        lay, fs = self.layout, self.fs
        box = lay.credits
        width_pt = box.w * 72
        tail = wrap_text(self._credits_tail(self.credits), width_pt, fs["credits"])
        budget = max(1, nlines - len(tail))
        max_chars = int(budget * width_pt / (fs["credits"] * 0.5))
        src = wrap_text(self.credits.sources_line(max_chars), width_pt, fs["credits"])
        while len(src) > budget and max_chars > 40:
            max_chars -= 15
            src = wrap_text(self.credits.sources_line(max_chars), width_pt, fs["credits"])
        text = "\n".join(src[:budget] + tail)
        self.figure.text(box.x / lay.width, box.top / lay.height, text, fontsize=fs["credits"], va="top",
                         ha="left", color="#444444", linespacing=1.25)
        return text

    # ------------------------------------------------------------------ per day
    def set_day(self, day: dt.date | int) -> None:
        """Show the map on ``day``: features, labels, date and progress bar."""
        d = day if isinstance(day, int) else to_day(day)
        self.day = d
        with export_style():
            visible = []
            for f, artists in self._feature_artists:
                on = f.on(d)
                for a in artists:
                    a.set_visible(on)
                if on:
                    visible.append(f)
            self.date_artist.set_text(human_date(from_day(d)))
            if self.progress_artists:
                d0, d1 = self.range_days
                frac = 0.0 if d1 <= d0 else (d - d0) / (d1 - d0)
                self._bar.set_width(self._bar_full * max(0.0, min(1.0, frac)))
            self._layout_units(visible)
            self._place_labels(visible)

    def _layout_units(self, visible: list[SceneFeature]) -> None:
        """Move crowded unit symbols aside (greedy, larger formations keep their spot).

        A symbol that would overlap one already placed tries rings of positions around its
        point (right, left, up, down, then the diagonals, further out each ring) and takes the
        first free one inside the map; a leader line with a dot marks the true position.
        """
        ax = self.ax
        fx0, fy0, fx1, fy1 = ax.bbox.extents
        px_per_in = self.page.dpi
        pad = 1.5 * self.k * px_per_in / 72
        placed = np.empty((0, 4))
        self._unit_offsets_px = {}
        units = sorted((f for f in visible if f.sidc is not None and f.fid in self._unit_moves),
                       key=lambda f: (f.rank, f.fid))
        for f in units:
            bx0, by0, bx1, by1 = self._unit_box_px(f)
            px, py = ax.transData.transform(f.points[0])
            step = max(bx1 - bx0, by1 - by0) * 1.05
            cands = [(0.0, 0.0)]
            for ring in (1, 2, 3):
                for ux, uy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)):
                    cands.append((ux * step * ring * (1.0 if uy == 0 else 0.8), uy * step * ring * 0.8))
            chosen = (0.0, 0.0)
            for dx, dy in cands:
                box = (px + dx + bx0 - pad, py + dy + by0 - pad, px + dx + bx1 + pad, py + dy + by1 + pad)
                inside = fx0 <= box[0] and box[2] <= fx1 and fy0 <= box[1] and box[3] <= fy1
                hit = len(placed) and bool(np.any((placed[:, 0] < box[2]) & (box[0] < placed[:, 2])
                                                  & (placed[:, 1] < box[3]) & (box[1] < placed[:, 3])))
                if (inside or (dx, dy) == (0.0, 0.0)) and not hit:
                    chosen = (dx, dy)
                    break
            else:
                chosen = (0.0, 0.0)
            dx, dy = chosen
            placed = np.vstack([placed, (px + dx + bx0 - pad, py + dy + by0 - pad,
                                         px + dx + bx1 + pad, py + dy + by1 + pad)])
            self._unit_offsets_px[f.fid] = chosen
            offset, leader = self._unit_moves[f.fid]
            offset.clear().translate(dx / px_per_in, dy / px_per_in)
            leader.set_data([0.0, dx / px_per_in], [0.0, dy / px_per_in])
            leader.set_visible(f.on(self.day or 0) and (dx, dy) != (0.0, 0.0))

    def _label_fontsize(self, f: SceneFeature) -> tuple[float, str]:
        base = self.fs["label"]
        if not len(f.points):
            return base * 0.95, "normal"
        if f.rank <= 2:
            return base * 1.05, "bold"
        if f.rank <= 3:
            return base, "normal"
        if f.rank <= 5:
            return base * 0.93, "normal"
        return base * 0.86, "normal"

    def _renderer(self) -> RendererAgg:
        canvas = self.figure.canvas
        assert isinstance(canvas, FigureCanvasAgg)  # set in __init__
        return canvas.get_renderer()

    def _label_artist(self, f: SceneFeature) -> Annotation:
        a = self._labels.get(f.fid)
        if a is None:
            if f.anchor is None:
                raise ValueError(f"feature {f.fid!r} has a label but no anchor point")
            size, weight = self._label_fontsize(f)
            a = self.ax.annotate(mpl_text(f.label), xy=(float(f.anchor[0]), float(f.anchor[1])), xytext=(0, 0),
                                 textcoords="offset points", fontsize=size, fontweight=weight,
                                 color=_INK if len(f.points) else "#3a3a3a",
                                 style="normal" if len(f.points) else "italic",
                                 zorder=160, annotation_clip=False, linespacing=1.05)
            self._halo(a)
            a.set_visible(False)
            self._labels[f.fid] = a
        return a

    def _place_labels(self, visible: list[SceneFeature]) -> None:
        ax = self.ax
        renderer = self._renderer()
        x0, y0, x1, y1 = ax.bbox.extents
        px_per_pt = self.page.dpi / 72
        cands: list[LabelCandidate] = []
        unit_anchor: dict[str, tuple[float, float]] = {}
        obstacles: list[np.ndarray] = [self._static_obstacles]
        for f in visible:
            if f.sidc is not None and len(f.points):
                disp = ax.transData.transform(f.points[:1]) + np.asarray(self._unit_offsets_px.get(f.fid, (0.0, 0.0)))
                obstacles.append(np.column_stack([disp[:, 0] - 3, disp[:, 1] - 3, disp[:, 0] + 3, disp[:, 1] + 3]))
                bx0, by0, bx1, by1 = self._unit_box_px(f)
                obstacles.append(np.column_stack([disp[:, 0] + bx0, disp[:, 1] + by0,
                                                  disp[:, 0] + bx1, disp[:, 1] + by1]))
                r = max(bx1, by1)
            elif len(f.points):
                disp = ax.transData.transform(f.points)
                r = marker_size(f.style.radius, self.k) / 2 * px_per_pt
                h = r * 0.75
                obstacles.append(np.column_stack([disp[:, 0] - h, disp[:, 1] - h, disp[:, 0] + h, disp[:, 1] + h]))
            else:
                r = 0.0
            if not f.label or f.anchor is None:
                continue
            px, py = ax.transData.transform(f.anchor)
            if f.sidc is not None:
                ox, oy = self._unit_offsets_px.get(f.fid, (0.0, 0.0))
                px, py = px + ox, py + oy
                unit_anchor[f.fid] = (float(px), float(py))
            if not (x0 <= px <= x1 and y0 <= py <= y1):
                continue
            art = self._label_artist(f)
            if f.fid not in self._label_size:
                art.set_position((0, 0))
                art.set_visible(True)
                bb = art.get_window_extent(renderer)
                pad = (2.6 if self.vector else 1.2) * px_per_pt * self.k
                self._label_size[f.fid] = (bb.width + pad, bb.height + pad * 0.6)
            w, h2 = self._label_size[f.fid]
            cands.append(LabelCandidate(f.fid, float(px), float(py), w, h2, r + 1.8 * px_per_pt * self.k, f.rank,
                                        f.label.split("\n")[0], centred=not len(f.points)))
        obs = np.vstack(obstacles) if obstacles else np.empty((0, 4))
        self.placements = place_labels(cands, (x0, y0, x1, y1), obs, pad=0.8 * px_per_pt,
                                       dedupe_px=40 * px_per_pt)
        placed = {p.key: p for p in self.placements}
        for fid, art in self._labels.items():
            p = placed.get(fid)
            if p is None:
                art.set_visible(False)
                continue
            art.set_visible(True)
            if fid in unit_anchor:  # the label follows its symbol, wherever it was moved
                ux, uy = ax.transData.inverted().transform(unit_anchor[fid])
                art.xy = (float(ux), float(uy))
            art.set_horizontalalignment(cast("_HAlign", p.ha))
            art.set_verticalalignment(cast("_VAlign", p.va))
            art.xyann = (p.dx / px_per_pt, p.dy / px_per_pt)

    # ------------------------------------------------------------------ output
    def save(self, out: str | Path | BinaryIO | None = None, fmt: VectorFormat = "png") -> bytes:
        """Write the figure as PNG, SVG or PDF; returns the bytes (also written to ``out``).

        Parameters
        ----------
        out : path or binary file, optional
        fmt : {"png", "svg", "pdf"}
        """
        if self.day is None:
            self.set_day(self.request.date)
        assert self.day is not None  # set_day sets it
        buf = io.BytesIO()
        meta: dict[str, Any]
        title = mpl_text(self.request.title)
        if fmt == "pdf":
            meta = {"Title": f"{title} — {human_date(from_day(self.day))}",
                    "Subject": mpl_text(self.credits_text).replace("\n", " "), "Creator": "Far East Frontiers"}
        elif fmt == "svg":
            meta = {"Title": f"{title} — {human_date(from_day(self.day))}", "Date": None,
                    "Creator": "Far East Frontiers"}
        else:
            meta = {"Title": title, "Software": "Far East Frontiers"}
        with export_style():
            make_figure_text_safe(self.figure)
            extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 4}} if fmt == "png" else {}
            self.figure.savefig(buf, format=fmt, dpi=self.page.dpi, metadata=meta, **extra)
        data = buf.getvalue()
        if out is not None:
            if isinstance(out, (str, Path)):
                Path(out).write_bytes(data)
            else:
                out.write(data)
        return data

    def _dynamic(self) -> list[Artist]:
        arts: list[Artist] = [a for _, group in self._feature_artists for a in group]
        arts += list(self._labels.values())
        arts += [self.date_artist, *self.progress_artists]
        return sorted(arts, key=lambda a: a.get_zorder())

    def frames(self, days: list[int]) -> Iterator[np.ndarray]:
        """RGB frames (``H×W×3`` uint8) for ``days``, redrawing only what changes.

        The static parts are rendered once into a background that each frame restores
        before drawing the features, labels, date and progress bar of its day.
        """
        canvas = self.figure.canvas
        assert isinstance(canvas, FigureCanvasAgg)
        with export_style():
            if days:
                self.set_day(days[0])
            make_figure_text_safe(self.figure)
            dyn_before = self._dynamic()
            states = [a.get_visible() for a in dyn_before]
            for a in dyn_before:
                a.set_visible(False)
            canvas.draw()
            background = canvas.copy_from_bbox(self.figure.bbox)
            for a, s in zip(dyn_before, states):
                a.set_visible(s)
            for day in days:
                self.set_day(day)
                canvas.restore_region(background)
                for a in self._dynamic():
                    if a.get_visible():
                        if a.axes is not None:
                            a.axes.draw_artist(a)
                        else:
                            self.figure.draw_artist(a)
                yield np.asarray(canvas.buffer_rgba())[..., :3].copy()
