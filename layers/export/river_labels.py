"""Names of the basemap's rivers, set along a straight-enough stretch of each river.

A river is labelled once, on the longest run of it inside the frame, at the first of a
few positions (middle first) where the river is close to straight over the label's
length. The text sits just beside the line, rotated with it and never upside down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.path import Path

__all__ = ["RiverLabel", "river_label_specs"]


@dataclass(frozen=True)
class RiverLabel:
    """A placed river name: data position, angle (degrees) and display box."""

    text: str
    x: float
    y: float
    angle: float
    box: tuple[float, float, float, float]


def _runs(disp: np.ndarray, codes: np.ndarray | None, bbox: tuple[float, float, float, float]) -> list[np.ndarray]:
    x0, y0, x1, y1 = bbox
    inside = (disp[:, 0] >= x0) & (disp[:, 0] <= x1) & (disp[:, 1] >= y0) & (disp[:, 1] <= y1)
    breaks = np.zeros(len(disp), dtype=bool)
    if codes is not None:
        breaks |= codes == Path.MOVETO
    runs: list[np.ndarray] = []
    cur: list[int] = []
    for i in range(len(disp)):
        if breaks[i] or not inside[i]:
            if len(cur) > 1:
                runs.append(disp[cur])
            cur = []
        if inside[i]:
            cur.append(i)
    if len(cur) > 1:
        runs.append(disp[cur])
    return runs


def _at(run: np.ndarray, cum: np.ndarray, s: float) -> np.ndarray:
    i = int(np.clip(np.searchsorted(cum, s) - 1, 0, len(run) - 2))
    seg = cum[i + 1] - cum[i]
    t = 0.0 if seg == 0 else (s - cum[i]) / seg
    return run[i] + t * (run[i + 1] - run[i])


def _overlaps(boxes: list[tuple[float, float, float, float]], b: tuple[float, float, float, float]) -> bool:
    return any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3] for a in boxes)


def river_label_specs(
    ax: Axes, rivers: tuple[tuple[str, Path], ...], renderer: Any, *, fontsize: float
) -> list[RiverLabel]:
    """Choose where to write each named river.

    Parameters
    ----------
    ax : Axes
        The map axes (limits already set).
    rivers : tuple of (name, Path)
        Projected river paths.
    renderer
        For measuring text.
    fontsize : float

    Returns
    -------
    list of RiverLabel
    """
    bbox = ax.bbox.extents
    margin = 6.0
    inner = (bbox[0] + margin, bbox[1] + margin, bbox[2] - margin, bbox[3] - margin)
    best: dict[str, np.ndarray] = {}
    for name, path in rivers:
        disp = ax.transData.transform(path.vertices)
        codes = None if path.codes is None else np.asarray(path.codes)
        for run in _runs(disp, codes, inner):
            length = float(np.hypot(*np.diff(run, axis=0).T).sum())
            if name not in best or length > float(np.hypot(*np.diff(best[name], axis=0).T).sum()):
                best[name] = run
    out: list[RiverLabel] = []
    placed: list[tuple[float, float, float, float]] = []
    probe = ax.text(0, 0, "", fontsize=fontsize, style="italic")
    for name, run in sorted(best.items(), key=lambda kv: -len(kv[1])):
        text = name.split(" (")[0]
        probe.set_text(text)
        ext = probe.get_window_extent(renderer)
        w, h = ext.width, ext.height
        cum = np.r_[0.0, np.cumsum(np.hypot(*np.diff(run, axis=0).T))]
        total = float(cum[-1])
        if total < 1.5 * w:
            continue
        for frac in (0.5, 0.38, 0.62, 0.26, 0.74):
            s = frac * total
            if s - w / 2 < 0 or s + w / 2 > total:
                continue
            a, b = _at(run, cum, s - w / 2), _at(run, cum, s + w / 2)
            sel = run[(cum > s - w / 2) & (cum < s + w / 2)]
            chord = b - a
            n = float(np.hypot(*chord)) or 1.0
            if len(sel):
                rel = sel - a
                dev = np.abs(chord[0] * rel[:, 1] - chord[1] * rel[:, 0]) / n
                if float(dev.max()) > 0.55 * h:
                    continue
            ang = math.degrees(math.atan2(chord[1], chord[0]))
            if ang > 90:
                ang -= 180
            elif ang < -90:
                ang += 180
            nx, ny = -math.sin(math.radians(ang)), math.cos(math.radians(ang))
            off = h / 2 + 1.5
            cx, cy = (a + b) / 2 + np.array([nx, ny]) * off
            c, si = abs(math.cos(math.radians(ang))), abs(math.sin(math.radians(ang)))
            bw, bh = w * c + h * si, w * si + h * c
            box = (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2)
            if box[0] < inner[0] or box[1] < inner[1] or box[2] > inner[2] or box[3] > inner[3]:
                continue
            if _overlaps(placed, box):
                continue
            dx, dy = ax.transData.inverted().transform((cx, cy))
            out.append(RiverLabel(text, float(dx), float(dy), ang, box))
            placed.append(box)
            break
    probe.remove()
    return out
