"""Schemas of the data files, as pydantic models.

Every rule of ``geodata/SCHEMA.md`` that concerns one record lives here, so that a bad
value is reported where it is made, with the field that is wrong. Rules that need the
whole dataset (unique ids, source keys that resolve, geometry validity) live in
:mod:`layers.loading`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from layers.dates import DateError, parse_date

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Campaign",
    "Certainty",
    "FeatureProperties",
    "Figure",
    "LayerSpec",
    "Phase",
    "SeedCorrection",
    "Side",
    "Source",
    "Style",
    "StyleBy",
]

MIN_YEAR = 1850
MAX_YEAR = 1950

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=8000)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
DashArray = Annotated[str, StringConstraints(pattern=r"^[0-9 ,.]*$", max_length=40)]

Certainty = Literal["verified", "approximate", "estimated", "disputed", "modern_proxy", "schematic"]
Side = Literal[
    "soviet", "mongolian", "japanese", "manchukuo", "allied", "american", "british",
    "czechoslovak", "chinese", "white", "fer", "partisan", "neutral",
]

_EXTRA_KEY = re.compile(r"^[a-z][a-z0-9_:]*$")
_NAME_KEY = re.compile(r"^name:[a-z]{2,3}$")
_SCALAR = (str, int, float, bool, type(None))


def _check_date(value: str | None, *, allow_none: bool) -> str | None:
    if value is None:
        if allow_none:
            return None
        raise ValueError("a date is required")
    try:
        d = parse_date(value)
    except DateError as exc:
        raise ValueError(str(exc)) from None
    if not MIN_YEAR <= d.first.year <= MAX_YEAR:
        raise ValueError(f"{value!r} lies outside {MIN_YEAR}–{MAX_YEAR}")
    return value


class Figure(BaseModel):
    """One number as one source gives it (a casualty count, a troop strength)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: ShortText
    value: float
    value_max: float | None = None
    unit: ShortText | None = None
    source: Identifier
    note: LongText | None = None

    @model_validator(mode="after")
    def _range(self) -> Figure:
        if self.value_max is not None and self.value_max < self.value:
            raise ValueError("value_max is smaller than value")
        return self


class FeatureProperties(BaseModel):
    """The properties of one feature of a layer (see ``geodata/SCHEMA.md``)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)

    id: Identifier
    name: ShortText
    kind: Annotated[str, StringConstraints(pattern=r"^[a-z_]+$", max_length=40)]
    start_date: str
    end_date: str | None
    description: LongText
    sources: list[Identifier] = Field(min_length=1)
    location_precision_m: float = Field(gt=0)
    certainty: Certainty
    side: Side | None = None
    campaign: Identifier | None = None
    figures: list[Figure] = Field(default_factory=list)
    label: ShortText | None = None
    note: LongText | None = None
    start_date_edtf: str | None = Field(default=None, alias="start_date:edtf")
    end_date_edtf: str | None = Field(default=None, alias="end_date:edtf")

    @field_validator("start_date")
    @classmethod
    def _start(cls, v: str) -> str:
        return _check_date(v, allow_none=False)  # type: ignore[return-value]

    @field_validator("end_date")
    @classmethod
    def _end(cls, v: str | None) -> str | None:
        return _check_date(v, allow_none=True)

    @model_validator(mode="before")
    @classmethod
    def _end_present(cls, data: Any) -> Any:
        if isinstance(data, dict) and "end_date" not in data:
            raise ValueError("end_date is missing (write null if the feature still exists)")
        return data

    @model_validator(mode="after")
    def _order_and_extras(self) -> FeatureProperties:
        if self.end_date is not None and (
            parse_date(self.start_date).start_day >= parse_date(self.end_date).end_day
        ):
            raise ValueError(
                f"start_date {self.start_date} is not before end_date {self.end_date}"
            )
        for key, value in (self.model_extra or {}).items():
            if not _EXTRA_KEY.match(key):
                raise ValueError(f"property key {key!r} is not allowed (use a-z, 0-9, _ and :)")
            if _NAME_KEY.match(key):
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"{key} must be a non-empty string")
            elif isinstance(value, list):
                if not all(isinstance(v, _SCALAR) for v in value):
                    raise ValueError(f"{key} must hold only strings, numbers or booleans")
            elif not isinstance(value, _SCALAR):
                raise ValueError(f"{key} must be a string, number, boolean, null or a list of them")
        return self

    def names(self) -> dict[str, str]:
        """Names in other languages, keyed by language code (``ru``, ``ja``, ...)."""
        return {
            k.split(":", 1)[1]: str(v)
            for k, v in (self.model_extra or {}).items()
            if _NAME_KEY.match(k)
        }


class Style(BaseModel):
    """Leaflet path options (snake_case), shared by the web and print maps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    color: Colour = "#333333"
    weight: float = Field(default=2.0, ge=0, le=20)
    opacity: float = Field(default=0.9, ge=0, le=1)
    fill_color: Colour | None = None
    fill_opacity: float = Field(default=0.15, ge=0, le=1)
    dash_array: DashArray | None = None
    radius: float = Field(default=5.0, gt=0, le=40)

    def merged(self, override: StyleOverride | None) -> Style:
        """This style with the fields set in ``override`` replaced."""
        if override is None:
            return self
        return self.model_copy(update=override.model_dump(exclude_none=True, exclude={"label"}))


class StyleOverride(BaseModel):
    """A partial :class:`Style`: only the fields it sets are overridden."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    color: Colour | None = None
    weight: float | None = Field(default=None, ge=0, le=20)
    opacity: float | None = Field(default=None, ge=0, le=1)
    fill_color: Colour | None = None
    fill_opacity: float | None = Field(default=None, ge=0, le=1)
    dash_array: DashArray | None = None
    radius: float | None = Field(default=None, gt=0, le=40)
    label: ShortText | None = None
    """Legend text for this value (default: the value itself)."""


class StyleBy(BaseModel):
    """Style overrides chosen by the value of one feature property."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    property: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_:]*$")]
    values: dict[str, StyleOverride] = Field(default_factory=dict)


class LayerSpec(BaseModel):
    """The declarative spec of a layer (``geodata/<id>.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    title: ShortText
    group: Literal["frontier", "campaign", "context", "reference"]
    prefix: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*_$")]
    order: int = 0
    default_visible: bool = True
    description: LongText
    licence: ShortText
    provenance: LongText
    allow_unlocated: bool = False
    popup_fields: list[str] | None = None
    style: Style = Field(default_factory=Style)
    style_by: StyleBy | None = None


class Source(BaseModel):
    """One bibliography entry (``sources/*.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Identifier
    type: Literal["book", "article", "chapter", "web", "report", "map", "dataset", "seed"]
    title: ShortText
    author: ShortText | None = None
    editor: ShortText | None = None
    year: int | str | None = None
    publisher: ShortText | None = None
    place: ShortText | None = None
    journal: ShortText | None = None
    container: ShortText | None = None
    volume: str | int | None = None
    pages: str | None = None
    url: Annotated[str, StringConstraints(pattern=r"^(https?://\S+)?$")] | None = None
    accessed: str | None = None
    licence: ShortText | None = None
    reliability: LongText
    note: LongText | None = None

    @model_validator(mode="after")
    def _web_has_url(self) -> Source:
        if self.type == "web" and not self.url:
            raise ValueError("a web source needs a url")
        return self

    @property
    def is_seed(self) -> bool:
        """Whether this is one of the project's unreliable seed texts."""
        return self.type == "seed"


Bounds = tuple[tuple[float, float], tuple[float, float]]


def _check_bounds(bounds: Bounds | None) -> None:
    if bounds is None:
        return
    (south, west), (north, east) = bounds
    if not (south < north and west < east):
        raise ValueError("bounds must be [[south, west], [north, east]]")


class Phase(BaseModel):
    """One phase of a campaign (``[[<campaign>.phases]]`` in ``geodata/campaigns.toml``).

    ``start``/``end`` are half-open like every feature: the phase lasts until the day
    before ``end``. Word counts of ``summary`` and the sources' resolution are checked by
    :func:`layers.campaign_data.check_phases` (they need the bibliography).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    title: ShortText
    start: str
    end: str
    default_date: str | None = None
    bounds: Bounds | None = None
    summary: LongText
    sources: list[Identifier] = Field(min_length=1)

    @field_validator("start", "end", "default_date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        return _check_date(v, allow_none=True)

    @model_validator(mode="after")
    def _check(self) -> Phase:
        s, e = parse_date(self.start).start_day, parse_date(self.end).start_day
        if s >= e:
            raise ValueError(f"phase {self.id!r}: start {self.start} is not before end {self.end}")
        if self.default_date is not None and not s <= parse_date(self.default_date).start_day < e:
            raise ValueError(f"phase {self.id!r}: default_date {self.default_date} is not in [start, end)")
        _check_bounds(self.bounds)
        return self

    @property
    def map_date(self) -> str:
        """The day the phase map shows: ``default_date``, else ``start``."""
        return self.default_date or self.start


class Campaign(BaseModel):
    """A campaign preset: date range, extent and layers (``geodata/campaigns.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    title: ShortText
    start: str
    end: str
    default_date: str
    bounds: Bounds
    layers: list[Identifier]
    phases: list[Phase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Campaign:
        s, e, d = (parse_date(x).start_day for x in (self.start, self.end, self.default_date))
        if not s <= d <= e:
            raise ValueError("default_date must lie between start and end")
        _check_bounds(self.bounds)
        prev: Phase | None = None
        seen: set[str] = set()
        for ph in self.phases:
            if ph.id in seen:
                raise ValueError(f"phase id {ph.id!r} is used twice")
            seen.add(ph.id)
            ps, pe = parse_date(ph.start).start_day, parse_date(ph.end).start_day
            if ps < s or pe > parse_date(self.end).end_day:
                raise ValueError(
                    f"phase {ph.id!r} ({ph.start} … {ph.end}) is not inside the campaign ({self.start} … {self.end})"
                )
            if prev is not None:
                prev_end = parse_date(prev.end).start_day
                if ps < parse_date(prev.start).start_day:
                    raise ValueError(f"phase {ph.id!r} starts before the phase {prev.id!r} listed above it")
                if ps < prev_end:
                    raise ValueError(
                        f"phase {ph.id!r} (from {ph.start}) overlaps phase {prev.id!r} (until {prev.end}, exclusive)"
                    )
            prev = ph
        return self


class SeedCorrection(BaseModel):
    """One error found in a seed text, with its correction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    seed: Identifier
    claim: LongText
    correction: LongText
    severity: Literal["error", "doubtful", "garbled"]
    sources: list[Identifier] = Field(min_length=1)
    feature_ids: list[Identifier] = Field(default_factory=list)
    item: str | None = None
