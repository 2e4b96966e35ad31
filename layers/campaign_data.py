"""Campaign maps: orders of battle, movements, phases and tours (see ``geodata/SCHEMA.md``).

Typed models of ``geodata/src/units_<campaign layer>.toml`` (:class:`UnitsFile`: units with
dated positions, and movements) and ``geodata/tours/<campaign>.toml`` (:class:`Tour`); the
phases themselves are :class:`layers.schema.Phase` inside each
:class:`~layers.schema.Campaign`. Rules that concern one record live in the models; rules
that need the bibliography, the campaign or the layer catalogue are in the ``check_*``
functions, which return one readable message per problem.

:func:`unit_features` turns a units file into the features of the ``<campaign layer>_units``
layer (``scripts/build_units.py`` writes them):

- one Point feature per dated position (``kind = "unit"``, id ``<unit id>_<yyyymmdd>``);
- one feature with ``null`` geometry per unit without a citable position (``kind = "unit"``,
  id = the unit id, the campaign's period as dates): listed in panels and search, never drawn;
- one LineString per movement (``kind = "movement"``, origin → objective).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from layers.dates import parse_date
from layers.limits import ParseLimitError, read_toml
from layers.schema import (
    Campaign,
    Certainty,
    Figure,
    Phase,
    Side,
    _check_date,
)
from layers.symbols import Echelon, UnitType, sidc

__all__ = [
    "PHASE_WORDS",
    "TOUR_WORDS",
    "UNITS_LAYERS",
    "UNLOCATED_PRECISION_M",
    "CampaignDataError",
    "Movement",
    "Phase",
    "Tour",
    "TourStep",
    "Unit",
    "UnitPosition",
    "UnitsFile",
    "check_campaign_files",
    "check_phases",
    "check_tour",
    "check_units",
    "load_tour",
    "load_tours",
    "load_units",
    "unit_features",
    "units_source_path",
    "word_count",
]

#: Campaign layer → (units layer id, id prefix, campaign id in ``campaigns.toml``).
UNITS_LAYERS: dict[str, tuple[str, str, str]] = {
    "khalkhin_gol_1939": ("khalkhin_gol_1939_units", "kgu_", "khalkhin_gol"),
    "lake_khasan_1938": ("lake_khasan_1938_units", "khu_", "lake_khasan"),
    "manchuria_1945": ("manchuria_1945_units", "m45u_", "manchuria_1945"),
    "siberian_intervention": ("siberian_intervention_units", "siu_", "siberian_intervention"),
}
#: Words allowed in a phase summary and a tour step's text (inclusive).
PHASE_WORDS = (40, 90)
TOUR_WORDS = (60, 150)
#: Stand-in precision (m) of a unit listed without a position (null geometry).
UNLOCATED_PRECISION_M = 500_000.0
#: Languages of ``name:xx`` keys, in output order.
LANGS = ("ru", "ja", "zh", "mn", "ko")

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=8000)]
LonLat = tuple[
    Annotated[float, Field(ge=95.0, le=160.0, allow_inf_nan=False)],
    Annotated[float, Field(ge=30.0, le=62.0, allow_inf_nan=False)],
]
Bounds = tuple[tuple[float, float], tuple[float, float]]
_NAME_KEY = re.compile(r"^name:(ru|ja|zh|mn|ko)$")


class CampaignDataError(ValueError):
    """A units or tour file cannot be read; ``.problems`` lists every message."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def word_count(text: str) -> int:
    """Words in ``text`` (white-space separated)."""
    return len(text.split())


class _Dated(BaseModel):
    """Half-open ``[start_date, end_date)`` with optional EDTF qualifiers."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start_date: str
    end_date: str | None
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

    @model_validator(mode="after")
    def _order(self) -> _Dated:
        if self.end_date is not None and parse_date(self.start_date).start_day >= parse_date(self.end_date).end_day:
            raise ValueError(f"start_date {self.start_date} is not before end_date {self.end_date}")
        return self

    def days(self) -> tuple[int, int]:
        """Half-open day interval (an open end counts as far in the future)."""
        end = parse_date(self.end_date).end_day if self.end_date else 10**7
        return parse_date(self.start_date).start_day, end


class UnitPosition(_Dated):
    """One dated, cited position of a unit (``[[unit.position]]``)."""

    coordinates: LonLat
    location_precision_m: float = Field(gt=0, allow_inf_nan=False)
    certainty: Certainty
    where: LongText
    phase: Identifier | None = None
    sources: list[Identifier] = Field(min_length=1)
    sources_agree: list[Identifier] = Field(default_factory=list)
    sources_disagree: list[Identifier] = Field(default_factory=list)
    note: LongText | None = None


class Unit(BaseModel):
    """A unit of the order of battle (``[[unit]]``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: Identifier
    name: ShortText
    variants: list[ShortText] = Field(default_factory=list)
    side: Side
    echelon: Echelon
    type: UnitType
    parent: Identifier | None = None
    commander: ShortText | None = None
    description: LongText
    sources: list[Identifier] = Field(min_length=1)
    figures: list[Figure] = Field(default_factory=list)
    note: LongText | None = None
    label: ShortText | None = None
    sources_agree: list[Identifier] = Field(default_factory=list)
    sources_disagree: list[Identifier] = Field(default_factory=list)
    position: list[UnitPosition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> Unit:
        for key, value in (self.model_extra or {}).items():
            if not _NAME_KEY.match(key):
                raise ValueError(f"unknown key {key!r} (a unit has name:ru, name:ja, name:zh, name:mn, name:ko)")
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{key} must be a non-empty string")
        starts = [p.start_date for p in self.position]
        dup = sorted({s for s in starts if starts.count(s) > 1})
        if dup:
            raise ValueError(f"two positions start on {dup[0]}: merge them or give different dates")
        return self

    @property
    def sidc(self) -> str:
        """The unit's symbol code (:func:`layers.symbols.sidc`)."""
        return sidc(self.side, self.echelon, self.type)

    def names(self) -> dict[str, str]:
        """``name:xx`` values keyed ``name:xx``, in the atlas' language order."""
        extra = self.model_extra or {}
        return {f"name:{lang}": str(extra[f"name:{lang}"]) for lang in LANGS if f"name:{lang}" in extra}


class Movement(_Dated):
    """A dated movement, origin → objective (``[[movement]]``).

    Its ``side`` is the unit's; a movement without a unit may say ``side`` itself (else it
    is drawn in the layer's neutral style).
    """

    id: Identifier
    name: ShortText
    unit: Identifier | None = None
    side: Side | None = None
    phase: Identifier | None = None
    path: list[LonLat] = Field(min_length=2)
    curved: bool = False
    location_precision_m: float = Field(gt=0, allow_inf_nan=False)
    certainty: Certainty
    description: LongText
    sources: list[Identifier] = Field(min_length=1)
    sources_agree: list[Identifier] = Field(default_factory=list)
    sources_disagree: list[Identifier] = Field(default_factory=list)
    label: ShortText | None = None
    note: LongText | None = None


class UnitsFile(BaseModel):
    """A whole ``geodata/src/units_<campaign layer>.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: list[Unit] = Field(default_factory=list)
    movement: list[Movement] = Field(default_factory=list)


class TourStep(BaseModel):
    """One step of a tour (``[[step]]``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    title: ShortText
    date: str
    bounds: Bounds | None = None
    center: tuple[float, float] | None = None
    zoom: Annotated[int, Field(ge=1, le=18)] | None = None
    layers: list[Identifier] = Field(min_length=1)
    phase: Identifier | None = None
    text: LongText
    sources: list[Identifier] = Field(min_length=1)

    @field_validator("date")
    @classmethod
    def _date(cls, v: str) -> str:
        _check_date(v, allow_none=False)
        if parse_date(v).precision != "day":
            raise ValueError(f"a tour step shows one day: write YYYY-MM-DD, not {v!r}")
        return v

    @model_validator(mode="after")
    def _view(self) -> TourStep:
        if self.bounds is None and (self.center is None or self.zoom is None):
            raise ValueError(f"step {self.id!r} needs bounds, or center and zoom")
        if self.bounds is not None:
            (s, w), (n, e) = self.bounds
            if not (s < n and w < e):
                raise ValueError(f"step {self.id!r}: bounds must be [[south, west], [north, east]]")
        return self


class Tour(BaseModel):
    """A narrative tour of a campaign (``geodata/tours/<campaign>.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign: Identifier
    title: ShortText
    step: list[TourStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Tour:
        ids = [s.id for s in self.step]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"step id {dup[0]!r} is used twice")
        return self


# ---------------------------------------------------------------- loading


def _messages(exc: ValidationError, file: str, raw: Mapping[str, Any] | None = None) -> list[str]:
    out = []
    for e in exc.errors():
        loc = list(e["loc"])
        where = ".".join(str(p) for p in loc) or "file"
        # name the record by its id where there is one: "unit kgu_x: position.0.start_date"
        if raw is not None and len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            items = raw.get(loc[0])
            if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
                rid = items[loc[1]].get("id")
                if isinstance(rid, str):
                    where = f"{loc[0]} {rid}" + (": " + ".".join(str(p) for p in loc[2:]) if loc[2:] else "")
        out.append(f"{file}: {where}: {e['msg'].removeprefix('Value error, ')}")
    return out


def units_source_path(data_dir: Path, campaign_layer: str) -> Path:
    """``<data_dir>/src/units_<campaign layer>.toml``."""
    return Path(data_dir) / "src" / f"units_{campaign_layer}.toml"


def load_units(path: Path) -> UnitsFile:
    """Read and validate one units file (records only; see :func:`check_units` for the rest).

    Raises
    ------
    CampaignDataError
        Naming the file, the record (by id) and the field of every problem.
    """
    path = Path(path)
    try:
        raw = read_toml(path, what="units file")
    except ParseLimitError as exc:
        raise CampaignDataError([str(exc)]) from None
    try:
        return UnitsFile.model_validate(raw)
    except ValidationError as exc:
        raise CampaignDataError(_messages(exc, path.name, raw)) from None


def load_tour(path: Path) -> Tour:
    """Read and validate ``geodata/tours/<campaign>.toml`` (the campaign is the file's stem).

    Raises
    ------
    CampaignDataError
    """
    path = Path(path)
    try:
        raw = read_toml(path, what="tour file")
    except ParseLimitError as exc:
        raise CampaignDataError([str(exc)]) from None
    raw.pop("campaign", None)
    try:
        return Tour.model_validate({"campaign": path.stem, **raw})
    except ValidationError as exc:
        raise CampaignDataError(_messages(exc, f"tours/{path.name}", raw)) from None


def load_tours(data_dir: Path) -> tuple[dict[str, Tour], list[str]]:
    """Every tour in ``<data_dir>/tours/``.

    Returns
    -------
    tours : dict of str to Tour
        Keyed by campaign id.
    errors : list of str
        One message per problem; a bad file is left out.
    """
    tours: dict[str, Tour] = {}
    errors: list[str] = []
    for path in sorted((Path(data_dir) / "tours").glob("*.toml")):
        try:
            tours[path.stem] = load_tour(path)
        except CampaignDataError as exc:
            errors.extend(exc.problems)
    return tours, errors


# ---------------------------------------------------------------- checks


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _phase_days(ph: Phase) -> tuple[int, int]:
    return parse_date(ph.start).start_day, parse_date(ph.end).start_day


def check_units(
    units: UnitsFile,
    *,
    file: str,
    prefix: str,
    campaign: Campaign | None,
    source_keys: Mapping[str, Any] | set[str],
) -> list[str]:
    """Rules across records: unique ids with the layer prefix, parents and units that exist,
    phases of the campaign that overlap the dates, sources that resolve.

    Parameters
    ----------
    units : UnitsFile
    file : str
        Name for the messages.
    prefix : str
        The units layer's id prefix (``kgu_``).
    campaign : Campaign or None
        Its phases are the ones positions and movements may name.
    source_keys : mapping or set
        The bibliography (anything supporting ``in``).

    Returns
    -------
    list of str
        One message per problem.
    """
    out: list[str] = []
    ids: dict[str, str] = {}
    phases = {p.id: p for p in (campaign.phases if campaign else [])}

    def key_ok(what: str, keys: list[str]) -> None:
        for k in keys:
            if k not in source_keys:
                out.append(f"{file}: {what}: source key {k!r} is not in the bibliography")

    def phase_ok(what: str, phase: str | None, days: tuple[int, int]) -> None:
        if phase is None:
            return
        ph = phases.get(phase)
        if ph is None:
            known = ", ".join(phases) or "none defined"
            out.append(f"{file}: {what}: phase {phase!r} is not a phase of the campaign (known: {known})")
        elif not _overlaps(days, _phase_days(ph)):
            out.append(f"{file}: {what}: its dates do not overlap phase {phase!r} ({ph.start} … {ph.end})")

    def register(rid: str, what: str) -> None:
        if not rid.startswith(prefix):
            out.append(f"{file}: {what}: id must start with the layer prefix {prefix!r}")
        if rid in ids:
            out.append(f"{file}: {what}: id already used by {ids[rid]}")
        ids[rid] = what

    unit_ids = {u.id for u in units.unit}
    for u in units.unit:
        what = f"unit {u.id}"
        register(u.id, what)
        if u.parent is not None and u.parent not in unit_ids:
            out.append(f"{file}: {what}: parent {u.parent!r} is not a unit of this file")
        if u.parent == u.id:
            out.append(f"{file}: {what}: a unit cannot be its own parent")
        key_ok(what, list(u.sources) + [f.source for f in u.figures] + u.sources_agree + u.sources_disagree)
        if u.position and (u.sources_agree or u.sources_disagree):
            out.append(f"{file}: {what}: a drawn unit carries its audit on each position "
                       "(sources_agree/sources_disagree there), not on the unit")
        for p in u.position:
            pwhat = f"{what} position {p.start_date}"
            register(_position_id(u, p), pwhat)
            key_ok(pwhat, list(p.sources) + p.sources_agree + p.sources_disagree)
            phase_ok(pwhat, p.phase, p.days())
    for m in units.movement:
        what = f"movement {m.id}"
        register(m.id, what)
        if m.unit is not None and m.unit not in unit_ids:
            out.append(f"{file}: {what}: unit {m.unit!r} is not a unit of this file")
        key_ok(what, list(m.sources) + m.sources_agree + m.sources_disagree)
        phase_ok(what, m.phase, m.days())
    # a parent chain must end: no cycles
    parents = {u.id: u.parent for u in units.unit}
    for uid in parents:
        seen: set[str] = set()
        cur: str | None = uid
        while cur is not None and cur in parents:
            if cur in seen:
                out.append(f"{file}: unit {uid}: its parent chain loops")
                break
            seen.add(cur)
            cur = parents[cur]
    return out


def check_phases(campaign: Campaign, source_keys: Mapping[str, Any] | set[str], *, file: str = "campaigns.toml") -> list[str]:
    """Phase rules that need more than one record: summary length and sources.

    (Order, overlap and campaign bounds are checked when the campaign is read.)
    """
    out = []
    lo, hi = PHASE_WORDS
    for ph in campaign.phases:
        n = word_count(ph.summary)
        if not lo <= n <= hi:
            out.append(f"{file}: [{campaign.id}] phase {ph.id}: summary has {n} words; write {lo}–{hi}")
        for k in ph.sources:
            if k not in source_keys:
                out.append(f"{file}: [{campaign.id}] phase {ph.id}: source key {k!r} is not in the bibliography")
    return out


def check_tour(
    tour: Tour,
    campaigns: Mapping[str, Campaign],
    layer_ids: set[str] | Mapping[str, Any],
    source_keys: Mapping[str, Any] | set[str],
) -> list[str]:
    """A tour's references: its campaign, each step's layers, phase, date and sources, and
    the length of each text.

    Returns
    -------
    list of str
    """
    file = f"tours/{tour.campaign}.toml"
    camp = campaigns.get(tour.campaign)
    if camp is None:
        return [f"{file}: no campaign {tour.campaign!r} in campaigns.toml (the file name is the campaign id)"]
    out = []
    c0, c1 = parse_date(camp.start).start_day, parse_date(camp.end).end_day
    phases = {p.id: p for p in camp.phases}
    lo, hi = TOUR_WORDS
    for s in tour.step:
        what = f"{file}: step {s.id}"
        d = parse_date(s.date).start_day
        if not c0 <= d < c1:
            out.append(f"{what}: date {s.date} is outside the campaign ({camp.start} … {camp.end})")
        for lid in s.layers:
            if lid not in layer_ids:
                out.append(f"{what}: layer {lid!r} does not exist")
        if s.phase is not None:
            ph = phases.get(s.phase)
            if ph is None:
                out.append(f"{what}: phase {s.phase!r} is not a phase of {camp.id} (known: {', '.join(phases) or 'none'})")
            elif not _phase_days(ph)[0] <= d < _phase_days(ph)[1]:
                out.append(f"{what}: date {s.date} is outside its phase {s.phase!r} ({ph.start} … {ph.end})")
        n = word_count(s.text)
        if not lo <= n <= hi:
            out.append(f"{what}: text has {n} words; write {lo}–{hi}")
        for k in s.sources:
            if k not in source_keys:
                out.append(f"{what}: source key {k!r} is not in the bibliography")
    return out


# ---------------------------------------------------------------- features


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _figures(figs: list[Figure]) -> list[dict[str, Any]]:
    out = []
    for f in figs:
        d = f.model_dump(exclude_none=True)
        for k in ("value", "value_max"):
            if k in d:
                d[k] = _num(d[k])
        out.append(d)
    return out


def _position_id(unit: Unit, pos: UnitPosition) -> str:
    return f"{unit.id}_{pos.start_date.replace('-', '')}"


def _dates(props: dict[str, Any], rec: _Dated) -> None:
    props["start_date"] = rec.start_date
    props["end_date"] = rec.end_date
    if rec.start_date_edtf:
        props["start_date:edtf"] = rec.start_date_edtf
    if rec.end_date_edtf:
        props["end_date:edtf"] = rec.end_date_edtf


def _audit(props: dict[str, Any], rec: UnitPosition | Unit | Movement) -> None:
    """Carry the source audit (``sources_agree``/``sources_disagree``, see SCHEMA.md "Audit
    properties") and cite every audited key in ``sources`` (after the record's own)."""
    for col in ("sources_agree", "sources_disagree"):
        keys: list[str] = getattr(rec, col)
        if keys:
            props[col] = list(dict.fromkeys(keys))
            props["sources"] = list(dict.fromkeys([*props["sources"], *keys]))


def _unit_props(u: Unit, campaign_id: str) -> dict[str, Any]:
    props: dict[str, Any] = {"name": u.name, **u.names(), "kind": "unit", "unit_id": u.id}
    props.update(echelon=u.echelon, unit_type=u.type, sidc=u.sidc, side=u.side, campaign=campaign_id)
    if u.parent:
        props["parent"] = u.parent
    if u.commander:
        props["commander"] = u.commander
    if u.variants:
        props["variants"] = list(u.variants)
    if u.label:
        props["label"] = u.label
    return props


def unit_features(units: UnitsFile, campaign: Campaign) -> list[dict[str, Any]]:
    """GeoJSON features of a units layer, in file order (units, then movements).

    Parameters
    ----------
    units : UnitsFile
    campaign : Campaign
        Gives the ``campaign`` property and the dates of units listed without a position.

    Returns
    -------
    list of dict
        GeoJSON Feature objects (see the module docstring).
    """
    feats: list[dict[str, Any]] = []
    by_id = {u.id: u for u in units.unit}
    for u in units.unit:
        base = _unit_props(u, campaign.id)
        if not u.position:
            props = {"id": u.id, **base, "start_date": campaign.start, "end_date": campaign.end,
                     "description": u.description, "sources": list(u.sources),
                     "location_precision_m": _num(UNLOCATED_PRECISION_M), "certainty": "estimated"}
            _audit(props, u)
            if u.figures:
                props["figures"] = _figures(u.figures)
            props["note"] = ((u.note + " ") if u.note else "") + "No citable position: listed, not drawn."
            feats.append({"type": "Feature", "properties": props, "geometry": None})
            continue
        for p in u.position:
            props = {"id": _position_id(u, p), **base}
            if p.phase:
                props["phase"] = p.phase
            _dates(props, p)
            props["description"] = u.description
            props["where"] = p.where
            props["sources"] = list(dict.fromkeys([*p.sources, *u.sources]))
            _audit(props, p)
            props["location_precision_m"] = _num(p.location_precision_m)
            props["certainty"] = p.certainty
            if u.figures:
                props["figures"] = _figures(u.figures)
            notes = [n for n in (p.note, u.note) if n]
            if notes:
                props["note"] = " ".join(notes)
            lon, lat = p.coordinates
            feats.append({"type": "Feature", "properties": props,
                          "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    for m in units.movement:
        unit = by_id.get(m.unit) if m.unit else None
        side = m.side or (unit.side if unit else None)
        props = {"id": m.id, "name": m.name, "kind": "movement"}
        if m.unit:
            props["unit"] = m.unit
        props["side"] = side
        props["campaign"] = campaign.id
        if m.phase:
            props["phase"] = m.phase
        props["curved"] = m.curved
        _dates(props, m)
        props["description"] = m.description
        props["sources"] = list(m.sources)
        _audit(props, m)
        props["location_precision_m"] = _num(m.location_precision_m)
        props["certainty"] = m.certainty
        if m.label:
            props["label"] = m.label
        if m.note:
            props["note"] = m.note
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "LineString", "coordinates": [list(pt) for pt in m.path]}})
    return feats



def check_campaign_files(
    data_dir: Path,
    campaigns: Mapping[str, Campaign],
    layer_ids: set[str] | Mapping[str, Any],
    source_keys: Mapping[str, Any] | set[str],
) -> list[str]:
    """Every campaign-map rule of a data folder: phases, tours and units tables.

    Parameters
    ----------
    data_dir : Path
        The ``geodata/`` folder (``src/units_*.toml``, ``tours/*.toml``).
    campaigns : mapping of str to Campaign
    layer_ids : set or mapping
        Layers that exist (tour steps may name only these).
    source_keys : mapping or set
        The bibliography.

    Returns
    -------
    list of str
        One message per problem, each naming file, record and field.
    """
    out: list[str] = []
    for camp in campaigns.values():
        out += check_phases(camp, source_keys)
    tours, errors = load_tours(data_dir)
    out += errors
    for tour in tours.values():
        out += check_tour(tour, campaigns, layer_ids, source_keys)
    for camp_layer, (_layer_id, prefix, campaign_id) in UNITS_LAYERS.items():
        src = units_source_path(data_dir, camp_layer)
        if not src.exists():
            continue
        try:
            units = load_units(src)
        except CampaignDataError as exc:
            out += [f"src/{m}" for m in exc.problems]
            continue
        out += [f"src/{m}" for m in check_units(units, file=src.name, prefix=prefix,
                                                campaign=campaigns.get(campaign_id), source_keys=source_keys)]
    return out
