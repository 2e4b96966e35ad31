"""Fonts for the print map: Latin and Cyrillic from DejaVu Sans, CJK from Noto Sans CJK.

Matplotlib falls back glyph by glyph through ``font.family`` when it is a list, so a
label such as ``Nomonhan ノモンハン`` or ``Владивосток`` renders in one text object.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from matplotlib import font_manager, rc_context

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["FONT_FAMILIES", "export_style", "font_families", "missing_fonts", "rc_params"]

#: Preferred families, in fallback order.
FONT_FAMILIES: tuple[str, ...] = ("DejaVu Sans", "Noto Sans CJK JP")


@lru_cache(maxsize=1)
def _installed() -> frozenset[str]:
    return frozenset(f.name for f in font_manager.fontManager.ttflist)


def font_families() -> list[str]:
    """The installed families of :data:`FONT_FAMILIES` (``["DejaVu Sans"]`` at least)."""
    found = [f for f in FONT_FAMILIES if f in _installed()]
    return found or ["DejaVu Sans"]


def missing_fonts() -> list[str]:
    """Families of :data:`FONT_FAMILIES` that are not installed.

    ``scripts/setup_env.sh`` installs them (Debian ``fonts-dejavu-core`` and
    ``fonts-noto-cjk``); without Noto Sans CJK, Chinese and Japanese names show as boxes.
    """
    return [f for f in FONT_FAMILIES if f not in _installed()]


def rc_params() -> dict[RcKeyType, Any]:
    """Matplotlib settings for every export figure (use with ``matplotlib.rc_context``).

    Text stays text in vector output: SVG keeps ``<text>`` elements
    (``svg.fonttype = "none"``) and PDF embeds TrueType fonts (``pdf.fonttype = 42``).
    Mathtext and TeX are off, so text from the data is drawn literally.
    """
    return {
        "font.family": font_families(),
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.hashsalt": "far-east-frontiers",
        # text from data is literal: "$x^2$" or a lone "$" never becomes mathtext
        "text.parse_math": False,
        "text.usetex": False,
        "axes.unicode_minus": True,
        "path.simplify": True,
        "agg.path.chunksize": 20000,
    }


#: rcParams are global: exports from several threads (Streamlit sessions) take turns.
_STYLE_LOCK = threading.RLock()


@contextmanager
def export_style() -> Iterator[None]:
    """:func:`rc_params` in force, holding a lock so concurrent exports do not mix settings."""
    with _STYLE_LOCK, rc_context(rc_params()):
        yield
