"""Find places, units and events by any of their names.

Every feature of the atlas is indexed under its English name, its label, its names in other
languages (``name:ru``, ``name:ja`` ...), any ``variants``/``alt_names``/``modern_name``
properties, the alternatives written in brackets in its name ("Zaozernaya hill
(Changkufeng)") or either side of a slash ("Zaozernaya / Changkufeng") and an ASCII transliteration of each (AnyAscii: Cyrillic, kana and Chinese
characters become Latin, so 张鼓峰 is found as "Zhanggufeng" and ノモンハン as "Nomonhan").
Matching ignores case, accents, hyphens and spaces and tolerates small typos (RapidFuzz).

A hit says where to fly the map (centre and bounds) and which date to show: the date the
caller already shows when the feature existed then, else the nearest day of its existence
within the atlas range.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from anyascii import anyascii
from rapidfuzz import fuzz, process

from layers.dates import OPEN_END, to_day
from layers.loading import Atlas
from layers.popups import date_range_text
from layers.viewstate import ATLAS_END, ATLAS_START

__all__ = ["MAX_QUERY_LEN", "SearchHit", "SearchIndex", "fold"]

#: Longest query looked at (characters); longer input is cut.
MAX_QUERY_LEN = 100
_NAME_PROPS = ("label", "modern_name")
_LIST_PROPS = ("variants", "alt_names")
_BRACKETS = re.compile(r"[(\[]([^()\[\]]+)[)\]]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
#: Kinds that are places rather than happenings, ranked first on equal scores.
_PLACE_KINDS = {
    "capital", "city", "town", "port", "village", "settlement", "rail_station", "hill", "lake",
    "island", "river_island", "river_point", "boundary_point", "place",
}
_KIND_RANK = {"event": 2}
_POINT_ZOOM = {"capital": 8, "city": 9, "port": 10, "town": 10, "village": 11, "settlement": 11, "hill": 12,
               "lake": 11, "island": 10, "unit": 11}


def fold(text: str) -> str:
    """Text reduced for matching: ASCII, lower case, words separated by single spaces.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``fold("Zaozërnaya – Хасан") == "zaozernaya khasan"``.
    """
    text = unicodedata.normalize("NFKC", text)
    return _NON_ALNUM.sub(" ", anyascii(text).lower()).strip()


def _grams(folded: str) -> set[str]:
    """The folded text, and every run of one to three of its words, without spaces."""
    words = folded.split()
    out = {folded.replace(" ", "")}
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            out.add("".join(words[i:i + n]))
    return {g for g in out if g}


@dataclass(frozen=True)
class SearchHit:
    """One feature that matches a query.

    Parameters
    ----------
    feature_id, layer_id : str
    layer_title : str
    name : str
        The feature's English name.
    matched : str
        The name variant that matched (may be in another script).
    kind : str
        The feature's kind (``city``, ``event``, ``unit`` ...).
    score : float
        0–100, higher is closer.
    dates : str
        When the feature existed, in words.
    day : int
        The day to show (day number since 1970-01-01), inside the feature's existence and the
        atlas range.
    center : tuple of float or None
        ``(lat, lon)`` to fly to; ``None`` when the feature has no geometry.
    bounds : tuple or None
        ``((south, west), (north, east))`` of the feature.
    """

    feature_id: str
    layer_id: str
    layer_title: str
    name: str
    matched: str
    kind: str
    score: float
    dates: str
    day: int
    center: tuple[float, float] | None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None
    campaign: str | None = None

    @property
    def date(self) -> dt.date:
        """:attr:`day` as a date."""
        return dt.date(1970, 1, 1) + dt.timedelta(days=self.day)

    def view(self) -> tuple[tuple[float, float], int] | None:
        """Centre ``(lat, lon)`` and web-map zoom that show the feature, or ``None``.

        A point gets the zoom at which its kind is labelled (a hill closer than a city);
        a line or area the zoom at which its bounds fill roughly the map.
        """
        if self.center is None or self.bounds is None:
            return None
        (s, w), (n, e) = self.bounds
        span = max(n - s, (e - w) * math.cos(math.radians((n + s) / 2)))
        if span < 1e-6:
            return self.center, _POINT_ZOOM.get(self.kind, 10)
        return self.center, int(min(12, max(4, math.floor(math.log2(360 / span)) - 1)))


@dataclass(frozen=True)
class _Entry:
    layer_id: str
    index: int
    variant: str
    whole: bool
    """Whether the gram is the whole variant (a name, not a word inside a longer name)."""


class SearchIndex:
    """Name index over every feature of an atlas.

    Parameters
    ----------
    atlas : Atlas
        Built once; the index keeps references to the atlas's layers.

    Examples
    --------
    >>> idx = SearchIndex(atlas)                              # doctest: +SKIP
    >>> idx.search("Changkufeng")[0].layer_id                 # doctest: +SKIP
    'lake_khasan_1938'
    """

    def __init__(self, atlas: Atlas) -> None:
        self._atlas = atlas
        self._grams: list[str] = []
        self._owner: list[_Entry] = []
        self._geo: dict[str, dict[str, Any]] = {}
        for lid, layer in atlas.layers.items():
            for i, props in enumerate(layer.gdf["properties"]):
                for variant in self._variants(props):
                    folded = fold(variant)
                    for gram in _grams(folded):
                        self._grams.append(gram)
                        self._owner.append(_Entry(lid, i, variant, gram == folded.replace(" ", "")))
        self._places = {
            props["id"]: (lid, i)
            for lid, layer in atlas.layers.items()
            for i, props in enumerate(layer.gdf["properties"])
        }

    @staticmethod
    def _variants(props: dict[str, Any]) -> list[str]:
        names = [str(props["name"])]
        names += [m.group(1) for m in _BRACKETS.finditer(str(props["name"]))]
        names += [str(props[k]) for k in _NAME_PROPS if isinstance(props.get(k), str)]
        # "Zaozernaya / Changkufeng": each side of a slash is a name of its own
        names += [part for n in list(names) if " / " in n for part in n.split(" / ")]
        names += [str(v) for k, v in props.items() if k.startswith("name:") and isinstance(v, str)]
        for k in _LIST_PROPS:
            if isinstance(props.get(k), list):
                names += [str(v) for v in props[k] if isinstance(v, str)]
        return list(dict.fromkeys(n for n in names if n.strip()))

    def _where(self, lid: str, i: int) -> tuple[tuple[float, float] | None, Any]:
        layer = self._atlas.layers[lid]
        geom = layer.gdf.geometry.iloc[i]
        if geom is None or geom.is_empty:
            # an event without geometry: use the places it names
            ids = layer.gdf["properties"].iloc[i].get("places") or []
            geoms = [
                self._atlas.layers[pl].gdf.geometry.iloc[j]
                for pl, j in (self._places[x] for x in ids if x in self._places)
            ]
            geoms = [g for g in geoms if g is not None]
            if not geoms:
                return None, None
            geom = shapely.union_all(geoms)
        x0, y0, x1, y1 = shapely.bounds(geom)
        c = geom.centroid if geom.geom_type not in ("Point", "MultiPoint") else geom
        pt = shapely.get_coordinates(c)[0] if not c.is_empty else ((x0 + x1) / 2, (y0 + y1) / 2)
        return (float(pt[1]), float(pt[0])), ((float(y0), float(x0)), (float(y1), float(x1)))

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        day: int | dt.date | None = None,
        layers: Iterable[str] | None = None,
        min_score: float = 80.0,
    ) -> list[SearchHit]:
        """Features whose names match ``query``, best first.

        Parameters
        ----------
        query : str
            Any name variant, in any script; small typos are tolerated. At most
            :data:`MAX_QUERY_LEN` characters are used.
        limit : int
            At most this many hits (one per feature).
        day : int or datetime.date, optional
            The date the map shows; kept for features that existed then.
        layers : iterable of str, optional
            Only search these layers.
        min_score : float
            Drop matches scoring below this (0–100).

        Returns
        -------
        list of SearchHit
            Best score first; among equal scores a whole name before a word inside a longer
            name ("Mukden" the city before "… to Mukden" the arrow), then names the query
            covers more of ("Port Arthur (Ryojun)" before "Air landing at Port Arthur"),
            features drawn for a
            campaign first (the
            Khasan hill before the same hill in the gazetteer), then those that exist on
            ``day``, then places, then
            shorter-lived (more specific) features.
        """
        q = "".join(fold(str(query)[:MAX_QUERY_LEN]).split())
        if len(q) < 2 or not self._grams:
            return []
        keep = set(layers) if layers is not None else None
        current = to_day(day) if isinstance(day, dt.date) else day
        scorer = fuzz.ratio if len(q) >= 4 else _exact
        found = process.extract(q, self._grams, scorer=scorer, score_cutoff=min_score, limit=None)
        best: dict[tuple[str, int], tuple[float, bool, str]] = {}
        for _gram, score, pos in found:
            e = self._owner[pos]
            if keep is not None and e.layer_id not in keep:
                continue
            key = (e.layer_id, e.index)
            if key not in best or (score, e.whole) > best[key][:2]:
                best[key] = (float(score), e.whole, e.variant)
        whole = {k: v[1] for k, v in best.items()}
        hits = [self._hit(lid, i, score, variant, current) for (lid, i), (score, _w, variant) in best.items()]
        # how much of the matched name the query covers, to a tenth: "Port Arthur (Ryojun)"
        # the city before "Air landing at Port Arthur", "Manchukuo" the state before its army
        cover = {k: round(len(q) / max(len("".join(fold(v[2]).split())), 1), 1) for k, v in best.items()}
        hits.sort(key=lambda h: (-round(h.score), not whole[(h.layer_id, self._places[h.feature_id][1])],
                                 -cover[(h.layer_id, self._places[h.feature_id][1])],
                                 h.campaign is None, h.day != current, _KIND_RANK.get(h.kind, 0 if h.kind in _PLACE_KINDS else 1),
                                 self._span(h), h.name))
        return hits[: max(0, limit)]

    def hit_for(self, feature_id: str, *, day: int | dt.date | None = None) -> SearchHit | None:
        """The hit for one feature by id (where and when to show it), as if searched.

        Parameters
        ----------
        feature_id : str
        day : int or datetime.date, optional
            The date the map shows (kept when the feature existed then).

        Returns
        -------
        SearchHit or None
            ``None`` for an unknown id.
        """
        where = self._places.get(feature_id)
        if where is None:
            return None
        current = to_day(day) if isinstance(day, dt.date) else day
        props = self._atlas.layers[where[0]].gdf["properties"].iloc[where[1]]
        return self._hit(where[0], where[1], 100.0, str(props["name"]), current)

    def _span(self, hit: SearchHit) -> int:
        row = self._atlas.layers[hit.layer_id].gdf
        i = self._places[hit.feature_id][1]
        return int(row["end_day"].iloc[i]) - int(row["start_day"].iloc[i])

    def _hit(self, lid: str, i: int, score: float, variant: str, current: int | None) -> SearchHit:
        layer = self._atlas.layers[lid]
        props = layer.gdf["properties"].iloc[i]
        s, e = int(layer.gdf["start_day"].iloc[i]), int(layer.gdf["end_day"].iloc[i])
        lo, hi = to_day(ATLAS_START), to_day(ATLAS_END)
        first, last = max(s, lo), min((e if e < OPEN_END else hi + 1) - 1, hi)
        camp = self._atlas.campaigns.get(str(props.get("campaign") or ""))
        if camp is not None and camp.id != "overview":
            # a feature drawn for a campaign is shown within that campaign's dates
            first = max(first, to_day(dt.date.fromisoformat(camp.start)))
            last = min(last, to_day(dt.date.fromisoformat(camp.end)))  # a campaign's end is on its bar
            if current is None or not first <= current <= last:
                current = to_day(dt.date.fromisoformat(camp.default_date))
        if current is not None and first <= current <= last:
            day = current
        elif current is not None and current > last:
            day = last
        else:
            day = first
        day = min(max(day, lo), hi)
        center, bounds = self._where(lid, i)
        return SearchHit(
            feature_id=str(props["id"]), layer_id=lid, layer_title=layer.spec.title, name=str(props["name"]),
            matched=variant, kind=str(props["kind"]), score=score, dates=date_range_text(props), day=day,
            center=center, bounds=bounds, campaign=camp.id if camp is not None else None,
        )


def _exact(a: str, b: str, **_: Any) -> float:
    """Scorer for very short queries: only exact matches count (no typo tolerance)."""
    return 100.0 if a == b else 0.0
