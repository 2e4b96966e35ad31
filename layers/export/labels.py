"""Greedy label placement for point features, in display space.

Labels are placed in priority order; each tries eight positions around its point (right
first, as cartographers prefer) and takes the first whose box overlaps no label already
placed, no point marker and stays inside the map frame. A label that fits nowhere is
left out rather than drawn over another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["KIND_RANK", "POSITIONS", "LabelCandidate", "Placement", "place_labels"]

#: Label priority by feature kind (lower is placed first).
KIND_RANK: dict[str, int] = {
    "battle_site": 0, "headquarters": 1, "capital": 1, "landing": 2, "airborne_landing": 2,
    "incident": 2, "city": 3, "port": 4, "base": 4, "position": 4, "place": 5, "town": 5,
    "rail_station": 6, "hill": 6, "island": 6, "river_island": 7, "lake": 7, "settlement": 7,
    "village": 7, "event": 8, "boundary_point": 9, "river_point": 9, "movement": 3, "zone": 5,
}

#: ``(name, ha, va, ux, uy)``: alignment and unit offset direction, in preference order.
POSITIONS: tuple[tuple[str, str, str, float, float], ...] = (
    ("E", "left", "center", 1.0, 0.0),
    ("NE", "left", "bottom", 0.7, 0.7),
    ("SE", "left", "top", 0.7, -0.7),
    ("W", "right", "center", -1.0, 0.0),
    ("NW", "right", "bottom", -0.7, 0.7),
    ("SW", "right", "top", -0.7, -0.7),
    ("N", "center", "bottom", 0.0, 1.0),
    ("S", "center", "top", 0.0, -1.0),
)


@dataclass(frozen=True)
class LabelCandidate:
    """A label to place.

    Parameters
    ----------
    key : str
        Identifies the label (feature id).
    x, y : float
        Anchor point in display pixels.
    width, height : float
        Text box size in pixels.
    offset : float
        Distance from the anchor to the text, pixels (marker radius plus a gap).
    rank : int
        Priority, lower first.
    centred : bool
        Try the anchor itself first (labels of lines and areas).
    text : str
        The label text; a label repeating one already placed within ``dedupe_px`` is
        dropped (the same town in two layers).
    """

    key: str
    x: float
    y: float
    width: float
    height: float
    offset: float
    rank: int
    text: str = ""
    centred: bool = False


@dataclass(frozen=True)
class Placement:
    """Where a label went: alignment and offset from its anchor, in pixels."""

    key: str
    ha: str
    va: str
    dx: float
    dy: float
    box: tuple[float, float, float, float]


_CENTRE = (("C", "center", "center", 0.0, 0.0),)


def _box(c: LabelCandidate, ha: str, va: str, dx: float, dy: float) -> tuple[float, float, float, float]:
    x, y = c.x + dx, c.y + dy
    x0 = x if ha == "left" else x - c.width if ha == "right" else x - c.width / 2
    y0 = y if va == "bottom" else y - c.height if va == "top" else y - c.height / 2
    return x0, y0, x0 + c.width, y0 + c.height


def _hits(boxes: np.ndarray, b: tuple[float, float, float, float]) -> bool:
    if len(boxes) == 0:
        return False
    return bool(np.any((boxes[:, 0] < b[2]) & (b[0] < boxes[:, 2]) & (boxes[:, 1] < b[3]) & (b[1] < boxes[:, 3])))


def place_labels(
    candidates: list[LabelCandidate],
    frame: tuple[float, float, float, float],
    obstacles: np.ndarray | None = None,
    pad: float = 1.0,
    dedupe_px: float = 30.0,
) -> list[Placement]:
    """Place labels greedily.

    Parameters
    ----------
    candidates : list of LabelCandidate
    frame : tuple of float
        ``(x0, y0, x1, y1)`` the labels must stay inside (display pixels).
    obstacles : numpy.ndarray, optional
        ``(n, 4)`` boxes no label may cover (point markers, other map text).
    pad : float
        Extra clearance around each label box, pixels.
    dedupe_px : float
        Distance within which a second label with the same text is dropped.

    Returns
    -------
    list of Placement
        One per label that found room, in placement order.
    """
    placed = np.empty((0, 4)) if obstacles is None else np.asarray(obstacles, dtype=float).reshape(-1, 4)
    fx0, fy0, fx1, fy1 = frame
    out: list[Placement] = []
    seen: set[str] = set()
    texts: dict[str, list[tuple[float, float]]] = {}
    for c in sorted(candidates, key=lambda c: (c.rank, c.key)):
        if c.key in seen:
            continue
        seen.add(c.key)
        if c.text and any(abs(c.x - x) + abs(c.y - y) < dedupe_px for x, y in texts.get(c.text, [])):
            continue
        for _name, ha, va, ux, uy in (_CENTRE + POSITIONS) if c.centred else POSITIONS:
            dx, dy = ux * c.offset, uy * c.offset
            b = _box(c, ha, va, dx, dy)
            padded = (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)
            if b[0] < fx0 or b[1] < fy0 or b[2] > fx1 or b[3] > fy1:
                continue
            if _hits(placed, padded):
                continue
            placed = np.vstack([placed, padded])
            out.append(Placement(c.key, ha, va, dx, dy, b))
            texts.setdefault(c.text, []).append((c.x, c.y))
            break
    return out
