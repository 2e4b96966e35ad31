"""Animations of a date range: GIF (Pillow) and MP4 (H.264 through imageio-ffmpeg).

Frames come from one :class:`~layers.export.print_map.PrintMap` built for the whole range:
the basemap, graticule, legend and credits are drawn once, and each frame only redraws
the features, labels, date and progress bar of its day. Steps are daily or "per event"
(only the days on which something appears or vanishes, from
:func:`layers.slicing.change_days`).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np
from PIL import Image

from layers.dates import from_day, parse_date, to_day
from layers.export.errors import ExportError, ExportUnavailable
from layers.export.print_map import PrintMap
from layers.export.request import MapRequest, PageSize
from layers.loading import Atlas
from layers.slicing import change_days
from layers.viewstate import ATLAS_END, ATLAS_START

__all__ = [
    "MAX_FRAMES",
    "Step",
    "animation_bytes",
    "animation_days",
    "animation_map",
    "default_range",
    "render_frames",
    "write_gif",
    "write_mp4",
]

Step = Literal["day", "event"]
Progress = Callable[[float], None]
MAX_FRAMES = 2000
#: Default frame size (pixels) and resolution: small, fast, readable.
FRAME_SIZE = (1120, 700)
FRAME_DPI = 100


def default_range(atlas: Atlas, req: MapRequest) -> tuple[dt.date, dt.date]:
    """The campaign's period (its end date is exclusive), or the 60 days around the request date."""
    camp = atlas.campaigns.get(req.campaign or "")
    if camp is not None and req.campaign != "overview":
        start = max(parse_date(camp.start).first, ATLAS_START)
        end = min(parse_date(camp.end).first - dt.timedelta(days=1), ATLAS_END)
        return start, max(start, end)
    return max(ATLAS_START, req.date - dt.timedelta(days=30)), min(ATLAS_END, req.date + dt.timedelta(days=30))


def animation_days(atlas: Atlas, layers: tuple[str, ...], start: dt.date, end: dt.date, step: Step) -> list[int]:
    """Day numbers of the frames.

    Parameters
    ----------
    atlas : Atlas
    layers : tuple of str
    start, end : datetime.date
        First and last day (inclusive).
    step : {"day", "event"}
        Every day, or the first day plus each day on which a feature of ``layers``
        appears or vanishes.

    Raises
    ------
    ExportError
        For an empty or reversed range, an unknown step or too many frames.
    """
    d0, d1 = to_day(start), to_day(end)
    if d1 < d0:
        raise ExportError(f"the animation ends ({end}) before it starts ({start})")
    if step == "day":
        days = list(range(d0, d1 + 1))
    elif step == "event":
        ch = change_days(atlas, layers)
        days = [d0] + [int(d) for d in ch if d0 < d <= d1]
    else:
        raise ExportError(f"step {step!r} must be 'day' or 'event'")
    if len(days) > MAX_FRAMES:
        raise ExportError(f"{len(days)} frames is too many (at most {MAX_FRAMES}); use --step event or a shorter range")
    return days


def animation_map(
    atlas: Atlas, req: MapRequest, days: list[int], *, page: PageSize, label_lang: str | None = None
) -> PrintMap:
    """The print map of an animation: built once for the whole range, progress bar on."""
    events = [int(d) for d in change_days(atlas, req.layers) if days[0] < d <= days[-1]]
    return PrintMap(atlas, req, page, day_range=(from_day(days[0]), from_day(days[-1])), label_lang=label_lang,
                    progress=True, events=events if len(events) <= 200 else None)


def _tracked(frames: Iterable[np.ndarray], total: int, progress: Progress | None,
             share: float = 0.97) -> Iterator[np.ndarray]:
    for i, frame in enumerate(frames):
        yield frame
        if progress is not None:
            progress(share * (i + 1) / total)


def render_frames(
    atlas: Atlas, req: MapRequest, days: list[int], *, page: PageSize, label_lang: str | None = None,
    progress: Progress | None = None,
) -> list[np.ndarray]:
    """All frames (RGB arrays) of ``days`` in memory (for tests and small animations)."""
    pm = animation_map(atlas, req, days, page=page, label_lang=label_lang)
    return list(_tracked(pm.frames(days), len(days), progress))


def _even(frame: np.ndarray) -> np.ndarray:
    h, w = frame.shape[:2]
    return frame[: h - h % 2, : w - w % 2]


def write_gif(frames: Iterable[np.ndarray], out: BinaryIO, *, fps: float, palette_frames: list[np.ndarray],
              hold_last_s: float = 2.0) -> int:
    """Write a looping GIF; returns the number of frames.

    One palette for all frames (so the static parts never flicker), made by octree
    quantisation of ``palette_frames`` together (first, middle and last frames, so that
    colours appearing later, like a new layer's, are in it too). Frames are quantised as
    they come, so only the 8-bit images are held in memory.
    """
    sample = Image.fromarray(np.vstack(palette_frames))
    palette = sample.quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    images = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    ms = max(20, round(1000 / fps))
    durations = [ms] * len(images)
    durations[-1] = max(ms, round(hold_last_s * 1000))
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=False, disposal=1)
    return len(images)


def write_mp4(frames: Iterable[np.ndarray], path: Path, *, fps: float) -> int:
    """Write H.264 (yuv420p, even dimensions, faststart) with the ffmpeg of imageio-ffmpeg.

    Frames are streamed to ffmpeg as they come. Returns the number of frames.

    Raises
    ------
    ExportUnavailable
        When imageio-ffmpeg or its ffmpeg binary is missing.
    """
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ExportUnavailable("MP4 export unavailable: the Python package 'imageio-ffmpeg' is not installed.") from None
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise ExportUnavailable(f"MP4 export unavailable: no ffmpeg ({exc}).") from None
    it = iter(frames)
    first = _even(next(it))
    h, w = first.shape[:2]
    writer = imageio_ffmpeg.write_frames(
        str(path), (w, h), fps=fps, codec="libx264", pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
        quality=None, macro_block_size=2, ffmpeg_log_level="error",
        output_params=["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart"],
    )
    writer.send(None)
    n = 0
    try:
        for f in itertools.chain([first], it):
            writer.send(np.ascontiguousarray(_even(f)))
            n += 1
    finally:
        writer.close()
    return n


def animation_bytes(
    atlas: Atlas,
    req: MapRequest,
    fmt: Literal["gif", "mp4"],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    step: Step = "day",
    page: PageSize | None = None,
    fps: float | None = None,
    label_lang: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """An animation of the request's layers and extent over a date range.

    Parameters
    ----------
    atlas : Atlas
    req : MapRequest
    fmt : {"gif", "mp4"}
    start, end : datetime.date, optional
        Default: the campaign's period (see :func:`default_range`).
    step : {"day", "event"}
    page : PageSize, optional
        Frame size (default 1120×700 px at 100 dpi).
    fps : float, optional
        Frames per second (default 6 daily, 1.5 per event).
    label_lang : str, optional
    progress : callable, optional
        Called with the fraction done (0–1), e.g. ``st.progress(...).progress``.

    Returns
    -------
    bytes
    """
    if fmt not in ("gif", "mp4"):
        raise ExportError(f"animation format {fmt!r} must be 'gif' or 'mp4'")
    if start is None or end is None:
        s, e = default_range(atlas, req)
        start, end = start or s, end or e
    days = animation_days(atlas, req.layers, start, end, step)
    page = page or PageSize(FRAME_SIZE[0] / FRAME_DPI, FRAME_SIZE[1] / FRAME_DPI, FRAME_DPI)
    fps = fps or (6.0 if step == "day" else 1.5)
    pm = animation_map(atlas, req, days, page=page, label_lang=label_lang)
    frames = _tracked(pm.frames(days), len(days), progress)
    if fmt == "gif":
        sample = list(pm.frames(sorted({days[0], days[len(days) // 2], days[-1]})))
        buf = io.BytesIO()
        write_gif(frames, buf, fps=fps, palette_frames=sample)
        data = buf.getvalue()
    else:
        with tempfile.TemporaryDirectory(prefix="fef-mp4-") as tmp:
            path = Path(tmp) / "anim.mp4"
            write_mp4(frames, path, fps=fps)
            data = path.read_bytes()
    if progress is not None:
        progress(1.0)
    return data
