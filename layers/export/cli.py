"""Command line: ``python -m layers.export``.

Examples::

    python -m layers.export --format png --campaign khalkhin_gol --date 1939-08-20 -o kg.png
    python -m layers.export --format pdf --paper A3 --orientation portrait --date 1945-08-15 \\
        --campaign manchuria_1945 -o manchuria.pdf
    python -m layers.export --format gif --campaign khalkhin_gol --from 1939-05-11 --to 1939-09-16 \\
        --step event -o kg.gif
    python -m layers.export --format png --date 1939-07-03,1939-08-20,1939-08-31 -o kg_{date}.png
    python -m layers.export --batch exports.toml
    python -m layers.export --format atlas --campaign khalkhin_gol -o kg_atlas.pdf
    python -m layers.export --format png --date 1939-08-20 --layer my_sites.geojson -o mine.png

Bad input (a bad date, an unknown layer or campaign, bad bounds or size, a value of the
wrong type or out of range such as ``--fps nan``, a missing ``--data-dir``, a batch file
over 1 MB, a refused ``--layer`` file) prints one line on stderr and exits with status 2;
every value is checked by :class:`layers.export.request.ExportJob` before anything is
drawn. A format this machine cannot make (no Chromium for ``asseen``) exits with 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from layers.export.errors import ExportError, ExportUnavailable
from layers.export.formats import FORMATS, LANGUAGES, export_map
from layers.export.request import FPS_RANGE, ExportJob, job_error_message, parse_day
from layers.limits import ParseLimitError, loads_toml, read_bounded
from layers.userlayers import is_user_layer
from layers.viewstate import ViewState

__all__ = ["EXIT_BAD_INPUT", "EXIT_UNAVAILABLE", "build_parser", "main"]

EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3
PROG = "python -m layers.export"
#: Keys a batch job (or its [defaults]) may set.
JOB_KEYS = {
    "format", "date", "campaign", "layers", "bounds", "view", "dpi", "size", "paper", "orientation", "title",
    "label_lang", "from", "to", "step", "fps", "output", "layer", "compare",
}
#: Largest batch file read (bytes); more is refused without reading it all.
MAX_BATCH_BYTES = 1_000_000
#: Most jobs one batch file may hold.
MAX_BATCH_JOBS = 500


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{PROG}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    p = _Parser(prog=PROG, description="Export maps, data and animations of the Far East Frontiers atlas.",
                formatter_class=argparse.RawDescriptionHelpFormatter,
                epilog="Formats: " + "; ".join(f"{k} ({v[2]})" for k, v in FORMATS.items()))
    p.add_argument("--format", "-f", choices=list(FORMATS), help="output format")
    p.add_argument("--date", "-d", help="map date YYYY-MM-DD; several, comma-separated, make one file each")
    p.add_argument("--campaign", "-c", default="overview", help="campaign preset (extent, layers, title)")
    p.add_argument("--layers", "-l", help="comma-separated layer ids (default: the campaign's)")
    p.add_argument("--bounds", "-b", help="extent south,west,north,east in degrees")
    p.add_argument("--view", help="web map view lat,lon,zoom (instead of bounds)")
    p.add_argument("--dpi", type=float, help="resolution, up to 300 (PNG: default 150; paper: 200)")
    p.add_argument("--size", help="pixel size WIDTHxHEIGHT, e.g. 1600x1000")
    p.add_argument("--paper", help="paper size A5, A4, A3, A2 or letter (PDF default A4)")
    p.add_argument("--orientation", choices=("landscape", "portrait"), default="landscape")
    p.add_argument("--title", help="map title (default: the campaign's)")
    p.add_argument("--label-lang", choices=LANGUAGES, help="add names in this language under the labels")
    p.add_argument("--from", dest="start", help="animation start date (default: campaign start)")
    p.add_argument("--to", dest="end", help="animation end date, inclusive (default: campaign end)")
    p.add_argument("--step", choices=("day", "event"), default="day", help="animation step")
    p.add_argument("--compare", help="a second date YYYY-MM-DD: png or pdf of both dates side by side")
    p.add_argument("--fps", type=float, help=f"animation frames per second ({FPS_RANGE[0]:g}–{FPS_RANGE[1]:g})")
    p.add_argument("--output", "-o", help="output file; '{date}' is replaced by the date")
    p.add_argument("--batch", help="TOML file with [[export]] jobs (and optional [defaults])")
    p.add_argument("--layer", action="append", default=[], metavar="FILE",
                   help="add your own GeoJSON or GeoPackage layer (repeatable; see docs/user-layers.md)")
    p.add_argument("--data-dir", type=Path, help="geodata folder (default: $FEF_DATA_DIR or geodata/)")
    p.add_argument("--sources-dir", type=Path, help="sources folder (default: $FEF_SOURCES_DIR or sources/)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    return p


def _split(text: str | list[str] | None) -> list[str] | None:
    if text is None:
        return None
    if isinstance(text, list):
        return [str(x) for x in text]
    return [x.strip() for x in str(text).split(",") if x.strip()]


def _state(job: dict[str, Any], date: dt.date) -> ViewState:
    center = zoom = None
    if job.get("view"):
        try:
            lat, lon, z = (s.strip() for s in str(job["view"]).split(","))
            center, zoom = (float(lat), float(lon)), int(z)
        except ValueError:
            raise ExportError(f"view {job['view']!r} must be lat,lon,zoom") from None
    try:
        return ViewState(date=date, campaign=str(job.get("campaign") or "overview"), center=center, zoom=zoom)
    except ValidationError as exc:
        msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ExportError(f"view: {msg}") from None


def _output(job: dict[str, Any], date: dt.date, several: bool) -> Path:
    out = job.get("output")
    if not out:
        raise ExportError("no output file: give -o/--output")
    text = str(out)
    if several and "{date}" not in text:
        p = Path(text)
        text = str(p.with_name(f"{p.stem}_{{date}}{p.suffix}"))
    return Path(text.replace("{date}", date.isoformat()))


def run_job(atlas: Any, job: dict[str, Any], *, quiet: bool = False) -> list[Path]:
    """Run one export job (CLI options or a batch entry); returns the files written.

    Raises
    ------
    ExportError, ExportUnavailable
    """
    unknown = set(job) - JOB_KEYS
    if unknown:
        raise ExportError(f"unknown option(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(JOB_KEYS))})")
    job = check_job(job)
    fmt = job.get("format")
    if not fmt:
        raise ExportError("no format: give --format (" + ", ".join(FORMATS) + ")")
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} must be one of {', '.join(FORMATS)}")
    camp = atlas.campaigns.get(str(job.get("campaign") or "overview"))
    user_ids = [lid for lid, layer in atlas.layers.items() if is_user_layer(layer)]
    if user_ids:  # the user's own layers are drawn on top of whatever the job shows
        if job.get("layers"):
            base = list(job["layers"])
        elif camp is not None and any(lid in atlas.layers for lid in camp.layers):
            base = [lid for lid in atlas.layers if lid in camp.layers]
        else:
            base = [lid for lid, layer in atlas.layers.items() if layer.spec.default_visible and lid not in user_ids]
        job = {**job, "layers": [*base, *[u for u in user_ids if u not in base]]}
    dates_txt = _split(job.get("date"))
    if dates_txt:
        dates = [parse_day(d) for d in dates_txt]
    elif camp is not None:
        dates = [parse_day(camp.default_date, "campaign default date")]
    else:
        dates = [dt.date(1939, 8, 20)]
    if fmt in ("gif", "mp4", "atlas"):  # one file for the whole range / every phase
        dates = dates[:1]
    written: list[Path] = []
    for date in dates:
        out = _output(job, date, len(dates) > 1)
        if job.get("compare"):  # two dates side by side in one file
            from layers.export.compare import compare_export

            res = compare_export(
                atlas, _state(job, date), fmt, compare=parse_day(job["compare"], "--compare"),
                bounds=job.get("bounds"), layers=_split(job.get("layers")), size=job.get("size"), dpi=job.get("dpi"),
                paper=job.get("paper"), orientation=str(job.get("orientation") or "landscape"),
                label_lang=job.get("label_lang"),
            )
        else:
            res = export_map(
                atlas, _state(job, date), fmt,
                bounds=job.get("bounds"), layers=_split(job.get("layers")), title=job.get("title"),
                size=job.get("size"), dpi=job.get("dpi"), paper=job.get("paper"),
                orientation=str(job.get("orientation") or "landscape"), label_lang=job.get("label_lang"),
                start=job.get("from"), end=job.get("to"), step=str(job.get("step") or "day"), fps=job.get("fps"),
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(res.data)
        written.append(out)
        if not quiet:
            print(f"wrote {out} ({len(res.data):,} bytes)")
        for note in res.notes:
            print(f"note: {note}", file=sys.stderr)
    return written


def check_job(job: dict[str, Any], where: str = "") -> dict[str, Any]:
    """Type- and range-check a job with :class:`~layers.export.request.ExportJob`.

    Returns the job as a plain dict (lists for dates and layers, unset options left out).

    Raises
    ------
    ExportError
        One line naming every bad field.
    """
    try:
        return ExportJob.model_validate(job).options()
    except ValidationError as exc:
        raise ExportError(job_error_message(exc, where)) from None


def _batch_jobs(path: str) -> list[dict[str, Any]]:
    name = Path(path).name
    try:
        raw = loads_toml(read_bounded(path, MAX_BATCH_BYTES, what="batch file"), name, max_bytes=MAX_BATCH_BYTES)
    except ParseLimitError as exc:
        raise ExportError(f"batch file {exc}") from None
    unknown = set(raw) - {"defaults", "export"}
    if unknown:
        raise ExportError(f"batch file {name}: unknown table(s) {', '.join(sorted(unknown))} "
                          "(a batch file has [defaults] and [[export]])")
    defaults = raw.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ExportError(f"batch file {name}: [defaults] must be a table")
    jobs = raw.get("export", [])
    if not isinstance(jobs, list) or not jobs or not all(isinstance(j, dict) for j in jobs):
        raise ExportError(f"batch file {name} has no [[export]] tables")
    if len(jobs) > MAX_BATCH_JOBS:
        raise ExportError(f"batch file {name} has {len(jobs)} jobs; the limit is {MAX_BATCH_JOBS}")
    out = []
    for i, j in enumerate(jobs, 1):
        merged = {**{k.replace("-", "_"): v for k, v in defaults.items()},
                  **{k.replace("-", "_"): v for k, v in j.items()}}
        out.append(check_job(merged, f"batch file {name}, [[export]] #{i}"))
    return out


def _with_user_layers(atlas: Any, paths: list[str]) -> Any:
    """The atlas plus the user's layer files (``--layer``); a bad file is an ExportError."""
    if not paths:
        return atlas
    from layers.userlayers import UserLayerError, load_user_layer_file, with_user_layers

    added: list[Any] = []
    for p in dict.fromkeys(paths):
        try:
            added.append(load_user_layer_file(p, atlas, index=len(added) + 1))
        except UserLayerError as exc:
            raise ExportError(f"--layer {exc.one_line()}") from None
    for ul in added:
        for note in ul.notes:
            print(f"note: {ul.file}: {note}", file=sys.stderr)
    return with_user_layers(atlas, added)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.batch:
            jobs = _batch_jobs(args.batch)
        else:
            job = {k: v for k, v in {
                "format": args.format, "date": args.date, "campaign": args.campaign, "layers": args.layers,
                "bounds": args.bounds, "view": args.view, "dpi": args.dpi, "size": args.size, "paper": args.paper,
                "orientation": args.orientation, "title": args.title, "label_lang": args.label_lang,
                "from": args.start, "to": args.end, "step": args.step, "fps": args.fps, "output": args.output,
                "compare": args.compare,
            }.items() if v is not None}
            job = check_job(job, "command line")
            if not job.get("format"):
                raise ExportError("no format: give --format (" + ", ".join(FORMATS) + ")")
            if not job.get("output"):
                raise ExportError("no output file: give -o/--output")
            for key in ("date", "from", "to", "compare"):
                for d in _split(job.get(key)) or []:
                    parse_day(d, {"date": "date", "from": "--from", "to": "--to", "compare": "--compare"}[key])
            jobs = [job]
        for job in jobs:
            for key in ("date", "from", "to"):
                for d in _split(job.get(key)) or []:
                    parse_day(d, {"date": "date", "from": "--from", "to": "--to"}[key])
        for opt, folder in (("--data-dir", args.data_dir), ("--sources-dir", args.sources_dir)):
            if folder is not None and not folder.is_dir():
                raise ExportError(f"{opt} {folder} is not a folder")
        from layers.loading import load_atlas

        atlas = load_atlas(args.data_dir, args.sources_dir)
        if not atlas.layers:
            first = f" (first problem: {atlas.errors[0]})" if atlas.errors else ""
            raise ExportError(f"no layer could be loaded from {args.data_dir or 'geodata/'}{first}")
        atlas = _with_user_layers(atlas, [*args.layer, *{p for j in jobs for p in j.get("layer", [])}])
        if atlas.errors:
            print(f"warning: {len(atlas.errors)} data problem(s); the files concerned are skipped "
                  f"(first: {atlas.errors[0]})", file=sys.stderr)
        for job in jobs:
            run_job(atlas, job, quiet=args.quiet)
    except ExportError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ExportUnavailable as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except OSError as exc:
        print(f"{PROG}: error: cannot write output ({exc.strerror}: {exc.filename})", file=sys.stderr)
        return 1
    return 0
