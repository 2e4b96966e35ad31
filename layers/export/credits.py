"""Who to credit: the sources of what is drawn, and the licences of the data.

Shared by the print map (a credits line), the data exports (a metadata member and a
``sources`` table) and the animations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from layers.bundle import BASEMAP_PATH
from layers.loading import Atlas
from layers.schema import Source

__all__ = [
    "BASEMAP_LICENCES",
    "Credits",
    "basemap_credits",
    "collect_credits",
    "short_citation",
]

#: Licence statements of the base data, by the prefix of a basemap feature's ``source`` (the
#: first prefix that matches; the battle sectors' detail files add GSHHG's full-resolution shores).
BASEMAP_LICENCES: dict[str, str] = {
    "naturalearth": "Natural Earth (public domain)",
    "gshhg_shorelines": "GSHHG shorelines (LGPL-3.0)",
    "gshhg": "GSHHG rivers (LGPL-3.0)",
}
_PROJECT = "Far East Frontiers"


def short_citation(src: Source) -> str:
    """``Coox 1985``; ``“Battles of Khalkhin Gol”`` for authorless pages; seeds marked."""
    who = src.author or src.editor
    if who:
        first = re.sub(r"\s*\(.*?\)", "", who).split(";")[0].split(" and ")[0].strip()
        if "," in first:
            name = first.split(",")[0].strip()
        elif len(first) <= 28:
            name = first
        else:
            name = first.split(" (")[0].split(" ")[-1]
        text = f"{name} {src.year}" if src.year else name
    else:
        title = src.title if len(src.title) <= 42 else src.title[:40].rstrip() + "…"
        text = f"“{title}”" + (f" {src.year}" if src.year else "")
    return text + (" (seed)" if src.is_seed else "")


@lru_cache(maxsize=4)
def _basemap_sources(path: str, mtime: float) -> tuple[str, ...]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    found: list[str] = []
    for f in doc.get("features", []):
        src = str((f.get("properties") or {}).get("source") or "")
        text = next((t for prefix, t in BASEMAP_LICENCES.items() if src.startswith(prefix)), None)
        if text is not None and text not in found:
            found.append(text)
    return tuple(found)


def basemap_credits(path: Path = BASEMAP_PATH) -> tuple[str, ...]:
    """Credits of the base map's data sets; empty when the base map is not built."""
    if not path.exists():
        return ()
    return _basemap_sources(str(path), path.stat().st_mtime)


@dataclass
class Credits:
    """Sources and licences of one export.

    Parameters
    ----------
    source_keys : list of str
        Cited source keys, most important first (books and articles before web pages).
    citations : dict of str to str
        Full citation per key.
    short : dict of str to str
        Short citation per key.
    layer_licences : dict of str to str
        Licence per drawn layer id.
    layer_titles : dict of str to str
    basemap : tuple of str
        Base map credits (empty when it is absent).
    """

    source_keys: list[str] = field(default_factory=list)
    citations: dict[str, str] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)
    layer_licences: dict[str, str] = field(default_factory=dict)
    layer_titles: dict[str, str] = field(default_factory=dict)
    basemap: tuple[str, ...] = ()

    def licence_note(self) -> str:
        """One sentence on the licences: the layers' common licence, exceptions by name, base map."""
        by_licence: dict[str, list[str]] = {}
        for lid, lic in self.layer_licences.items():
            by_licence.setdefault(lic, []).append(lid)
        parts: list[str] = []
        if by_licence:
            main = max(by_licence, key=lambda lic: len(by_licence[lic]))
            text = f"Data: {_PROJECT} layers {main}"
            others = [
                f"{', '.join(self.layer_titles.get(i, i) for i in ids)}: {lic}"
                for lic, ids in by_licence.items() if lic != main
            ]
            if others:
                text += " (" + "; ".join(others) + ")"
            parts.append(text)
        parts.append(
            "Base map: " + ", ".join(self.basemap)
            if self.basemap
            else "No base map (geodata/basemap/basemap.geojson is not built)"
        )
        return ". ".join(parts) + "."

    def sources_line(self, max_chars: int = 400) -> str:
        """``Sources: Coox 1985; Goldman 2012; … (+12 more, full list in the data export)``."""
        if not self.source_keys:
            return "Sources: none (no feature drawn)."
        out: list[str] = []
        used = len("Sources: ")
        for i, key in enumerate(self.source_keys):
            piece = self.short.get(key, key)
            rest = len(self.source_keys) - i
            tail = len(f"; … (+{rest} more; full citations in the GeoJSON/GPKG export)")
            if out and used + len(piece) + 2 + tail > max_chars:
                return (
                    "Sources: " + "; ".join(out)
                    + f"; … (+{rest} more; full citations in the GeoJSON/GPKG export)."
                )
            out.append(piece)
            used += len(piece) + 2
        return "Sources: " + "; ".join(out) + "."


_TYPE_RANK = {"book": 0, "article": 1, "chapter": 1, "report": 2, "map": 2, "dataset": 3, "web": 4, "seed": 5}


def collect_credits(
    atlas: Atlas, cited: Iterable[tuple[str, Iterable[str]]], *, basemap_path: Path = BASEMAP_PATH,
    detail_paths: Iterable[Path] = (),
) -> Credits:
    """Credits for the features drawn.

    Parameters
    ----------
    atlas : Atlas
    cited : iterable of (layer id, source keys)
        One item per drawn feature (keys of its ``sources`` and figure sources).
    basemap_path : Path
    detail_paths : iterable of Path
        Detail basemap files drawn too (:func:`layers.export.basemap.detail_files`).

    Returns
    -------
    Credits
    """
    counts: dict[str, int] = {}
    layers: list[str] = []
    for lid, keys in cited:
        if lid not in layers:
            layers.append(lid)
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    bib = atlas.bibliography

    def rank(k: str) -> tuple[int, int, str]:
        src = bib.entries.get(k)
        return (_TYPE_RANK.get(src.type, 4) if src else 9, -counts[k], k)

    keys = sorted(counts, key=rank)
    cred = Credits(
        source_keys=keys,
        citations={k: bib.cite(k) for k in keys},
        short={k: short_citation(bib.entries[k]) if k in bib.entries else k for k in keys},
        layer_licences={lid: atlas.specs[lid].licence for lid in layers if lid in atlas.specs},
        layer_titles={lid: atlas.specs[lid].title for lid in layers if lid in atlas.specs},
        basemap=tuple(dict.fromkeys([*basemap_credits(basemap_path), *(c for p in detail_paths for c in basemap_credits(p))])),
    )
    return cred
