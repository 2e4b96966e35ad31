"""The bibliography (``sources/*.toml``) and citation formatting."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from layers.limits import ParseLimitError, read_toml
from layers.schema import SeedCorrection, Source

__all__ = [
    "Bibliography",
    "BibliographyError",
    "format_citation",
    "load_bibliography",
    "load_corrections",
]


class BibliographyError(ValueError):
    """A bibliography file is malformed; the message names the file and the key."""


@dataclass
class Bibliography(Mapping[str, Source]):
    """All sources, keyed by source key.

    Parameters
    ----------
    entries : dict of str to Source
        The sources.
    files : dict of str to Path
        The file each key was read from.
    errors : list of str
        Problems found while reading (bad entries are left out, not fatal).
    """

    entries: dict[str, Source] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Source:
        return self.entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def cite(self, key: str) -> str:
        """Full citation of ``key``, or a visible marker if the key is unknown."""
        src = self.entries.get(key)
        return format_citation(src) if src else f"[unknown source: {key}]"

    def short(self, key: str) -> str:
        """Short citation: author's surname and year, or a shortened title (``Coox 1985``)."""
        src = self.entries.get(key)
        if src is None:
            return f"[unknown source: {key}]"
        who = src.author or src.editor
        if who:
            name = who.split(",")[0].split(";")[0].strip()
        else:
            name = src.title if len(src.title) <= 48 else src.title[:47].rstrip() + "…"
        return f"{name} {src.year}" if src.year else name

    def is_seed(self, key: str) -> bool:
        """Whether ``key`` names a seed text (unreliable on its own)."""
        src = self.entries.get(key)
        return bool(src and src.is_seed)


def load_bibliography(sources_dir: Path) -> Bibliography:
    """Read every ``*.toml`` bibliography file in ``sources_dir``.

    ``seed_corrections.toml`` is not a bibliography and is skipped here (see
    :func:`load_corrections`).

    Parameters
    ----------
    sources_dir : Path
        The ``sources/`` folder.

    Returns
    -------
    Bibliography
        Entries that validated, plus a list of errors naming file and key.
    """
    bib = Bibliography()
    for path in sorted(Path(sources_dir).glob("*.toml")):
        if path.name == "seed_corrections.toml":
            continue
        try:
            table = read_toml(path, what="bibliography file")
        except ParseLimitError as exc:
            bib.errors.append(str(exc))
            continue
        for key, raw in table.items():
            if not isinstance(raw, dict):
                bib.errors.append(f"{path.name}: [{key}] is not a table")
                continue
            if key in bib.entries:
                bib.errors.append(
                    f"{path.name}: source key {key!r} is already defined in {bib.files[key].name}"
                )
                continue
            try:
                bib.entries[key] = Source(key=key, **raw)
                bib.files[key] = path
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(p) for p in err["loc"]) or "entry"
                    bib.errors.append(f"{path.name}: [{key}] field {loc!r}: {err['msg']}")
            except TypeError as exc:
                bib.errors.append(f"{path.name}: [{key}]: {exc}")
    return bib


def load_corrections(sources_dir: Path) -> tuple[list[SeedCorrection], list[str]]:
    """Read ``sources/seed_corrections.toml``.

    Returns
    -------
    corrections : list of SeedCorrection
    errors : list of str
    """
    path = Path(sources_dir) / "seed_corrections.toml"
    if not path.exists():
        return [], []
    try:
        table = read_toml(path, what="corrections file")
    except ParseLimitError as exc:
        return [], [str(exc)]
    out: list[SeedCorrection] = []
    errors: list[str] = []
    items = table.get("correction", [])
    if not isinstance(items, list):
        return [], [f"{path.name}: 'correction' must be an array of tables ([[correction]])"]
    for i, raw in enumerate(items):
        if not isinstance(raw, dict):
            errors.append(f"{path.name}: correction #{i + 1} is not a table")
            continue
        try:
            out.append(SeedCorrection(**raw))
        except (ValidationError, TypeError) as exc:
            errors.append(f"{path.name}: correction #{i + 1}: {exc}")
    return out, errors


def format_citation(src: Source) -> str:
    """A plain-text citation in a Chicago-like author–title style.

    Parameters
    ----------
    src : Source

    Returns
    -------
    str
        E.g. ``Coox, Alvin D. Nomonhan: Japan Against Russia, 1939. Stanford, CA:
        Stanford University Press, 1985.``
    """
    parts: list[str] = []
    if src.author:
        parts.append(src.author.rstrip(".") + ".")
    elif src.editor:
        parts.append(src.editor.rstrip(".") + " (ed.).")
    title = src.title.rstrip(".")
    parts.append(f"“{title}.”" if src.type in ("article", "chapter", "web") else f"{title}.")
    if src.container or src.journal:
        parts.append(f"In {src.container or src.journal}.")
    if src.volume:
        parts.append(f"Vol. {src.volume}.")
    pub = ": ".join(p for p in (src.place, src.publisher) if p)
    tail = ", ".join(str(p) for p in (pub, src.year) if p)
    if tail:
        parts.append(tail + ".")
    if src.pages:
        parts.append(f"pp. {src.pages}.")
    if src.url:
        parts.append(src.url + (f" (accessed {src.accessed})" if src.accessed else ""))
    if src.is_seed:
        parts.append("[Seed text: unreliable, see corrections.]")
    return " ".join(parts)
