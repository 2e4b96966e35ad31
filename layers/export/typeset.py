"""Measuring and fitting text with the export fonts, without a renderer."""

from __future__ import annotations

from functools import lru_cache

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from layers.export.fonts import font_families

__all__ = ["fit_text", "text_width_pt", "wrap_text"]

_TEXT_TO_PATH = TextToPath()


@lru_cache(maxsize=4096)
def text_width_pt(text: str, fontsize: float, bold: bool = False) -> float:
    """Width of one line of ``text`` in points."""
    prop = FontProperties(family=font_families(), size=fontsize, weight="bold" if bold else "normal")
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def fit_text(text: str, max_width_pt: float, fontsize: float, *, bold: bool = False) -> str:
    """``text``, shortened with an ellipsis until it is at most ``max_width_pt`` wide."""
    if text_width_pt(text, fontsize, bold) <= max_width_pt:
        return text
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width_pt(text[:mid].rstrip() + "…", fontsize, bold) <= max_width_pt:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def wrap_text(text: str, max_width_pt: float, fontsize: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap to lines at most ``max_width_pt`` wide (an over-long word gets its own line)."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}" if cur else word
        if cur and text_width_pt(trial, fontsize, bold) > max_width_pt:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines
