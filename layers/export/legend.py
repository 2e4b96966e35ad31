"""The print map's legend: one row per style in use, grouped under layer titles.

Symbols follow what the features are: a filled box for areas, a line for lines, an arrow
for movements, a circle for points and the APP-6 frame for units (a side's row shows its
bare frame, a unit type's row its icon); a row whose features mix kinds shows one symbol of
each. Drawn in an axes whose data units are inches, so sizes are page sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Rectangle

from layers.export.scene import LegendRow
from layers.export.style import dashes, line_width, marker_size, rgba
from layers.export.typeset import fit_text
from layers.export.unit_symbols import symbol_artists, symbol_extent

__all__ = ["LegendDrawn", "draw_legend"]

_SYMBOL_W = 0.26
_INK = "#222222"


@dataclass
class LegendDrawn:
    """What the legend shows (for tests and the app).

    Parameters
    ----------
    rows : list of LegendRow
        Rows drawn.
    texts : list of str
        The text of every row drawn, in order.
    omitted : int
        Rows that did not fit.
    """

    rows: list[LegendRow]
    texts: list[str]
    omitted: int


def _symbol(ax: Axes, kind: str, x: float, y: float, h: float, row: LegendRow, k: float) -> None:
    st = row.style
    w = _SYMBOL_W * k
    fill = st.fill_color or st.color
    lw = line_width(st.weight, k)
    if kind == "area":
        ax.add_patch(Rectangle((x, y - h * 0.32), w, h * 0.64, facecolor=rgba(fill, st.fill_opacity),
                               edgecolor=rgba(st.color, st.opacity), lw=lw, linestyle=dashes(st.dash_array, lw)))
    elif kind == "line":
        ax.add_line(Line2D([x, x + w], [y, y], color=st.color, alpha=st.opacity, lw=lw,
                           linestyle=dashes(st.dash_array, lw), solid_capstyle="butt"))
    elif kind == "arrow":
        ax.add_patch(FancyArrow(x, y, w, 0, width=max(lw / 72, 0.012 * k), head_width=h * 0.55,
                                head_length=w * 0.38, length_includes_head=True, color=st.color,
                                alpha=max(st.opacity, 0.9), lw=0))
    elif kind == "unit" and row.symbol is not None:
        code, fill, icon = row.symbol
        x0, y0, x1, y1 = symbol_extent(code) if icon else (-0.75, -0.72, 0.75, 0.72)
        size = min(h * 0.78 / (y1 - y0), w / (x1 - x0))
        fig = ax.figure
        assert fig is not None
        for a in symbol_artists(code, x + w / 2, y - (y0 + y1) / 2 * size, fill=fill, size_in=size,
                                dpi_trans=fig.dpi_scale_trans, data_trans=ax.transData,
                                linewidth=0.6 * k, icon=icon, echelon=icon):
            ax.add_artist(a)
    elif kind == "point":
        ax.add_line(Line2D([x + w / 2], [y], marker="o", markersize=marker_size(st.radius, k),
                           markerfacecolor=rgba(fill, st.fill_opacity), markeredgecolor=st.color,
                           markeredgewidth=lw * 0.8, linestyle="none"))


def draw_legend(ax: Axes, rows: list[LegendRow], width: float, height: float, *, k: float,
                fontsize: float) -> LegendDrawn:
    """Draw ``rows`` top-down into ``ax`` (data units = inches, origin lower left).

    Rows that do not fit in one or more columns are left out and counted.

    Returns
    -------
    LegendDrawn
    """
    ax.text(0, height, "Legend", fontsize=fontsize * 1.15, fontweight="bold", va="top", ha="left",
            color=_INK)
    top = height - fontsize * 1.15 * 1.9 / 72
    row_h = fontsize * 1.75 / 72
    per_col = max(1, int(top // row_h))
    max_cols = max(1, min(3, int(width // (1.6 * k))))
    ncols = min(max_cols, -(-len(rows) // per_col))
    if ncols * per_col < len(rows):  # shrink type (down to 72 %) before leaving rows out
        need = -(-len(rows) // ncols)
        shrink = max(0.72, top / (need * row_h))
        fontsize *= shrink
        row_h *= shrink
        per_col = max(1, int(top // row_h))
    col_w = (width - 0.12 * (ncols - 1)) / ncols
    sym_w = _SYMBOL_W * k
    capacity = per_col * ncols
    shown = rows if len(rows) <= capacity else rows[: capacity - 1]
    texts: list[str] = []
    nsym = max([len(r.classes) for r in shown] + [1])
    for i, row in enumerate(shown):
        col, r = divmod(i, per_col)
        x0 = col * (col_w + 0.12)
        y = top - (r + 0.5) * row_h
        tx = x0 + (sym_w + 0.05) * nsym + 0.04 + (0.0 if row.heading else 0.1 * k)
        for j, cls in enumerate([c for c in ("area", "line", "arrow", "point", "unit") if c in row.classes]):
            _symbol(ax, cls, x0 + 0.02 + j * (sym_w + 0.05), y, row_h, row, k)
        text = fit_text(row.text, (x0 + col_w - tx) * 72, fontsize, bold=row.heading)
        ax.text(tx, y, text, fontsize=fontsize, va="center", ha="left", color=_INK,
                fontweight="bold" if row.heading else "normal")
        texts.append(text)
    omitted = len(rows) - len(shown)
    if omitted:
        col, r = divmod(len(shown), per_col)
        ax.text(col * (col_w + 0.12), top - (r + 0.5) * row_h, f"… and {omitted} more rows",
                fontsize=fontsize * 0.9, va="center", ha="left", color="#555555", style="italic")
    return LegendDrawn(list(shown), texts, omitted)
