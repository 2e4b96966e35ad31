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
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np
from PIL import Image

from layers.dates import from_day, to_day
from layers.export.errors import ExportError, ExportUnavailable
from layers.export.print_map import PrintMap
from layers.export.request import MapRequest, PageSize, parse_day
from layers.loading import Atlas
from layers.slicing import change_days

__all__ = ["Step", "MAX_FRAMES", "animation_days", "default_range", "render_frames", "write_gif", "write_mp4",
           "animation_bytes"]

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
        start = parse_day(camp.start, "campaign start")
        end = parse_day(camp.end, "campaign end") - dt.timedelta(days=1)
        return start, max(start, end)
    return req.date - dt.timedelta(days=30), req.date + dt.timedelta(days=30)


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


def render_frames(
    atlas: Atlas, req: MapRequest, days: list[int], *, page: PageSize, label_lang: str | None = None,
    progress: Progress | None = None, progress_share: float = 0.9,
) -> list[np.ndarray]:
    """Draw the frames (RGB arrays) of ``days``.

    ``progress`` receives the fraction done, up to ``progress_share`` (the rest is left for
    encoding).
    """
    events = [int(d) for d in change_days(atlas, req.layers) if days[0] < d <= days[-1]]
    pm = PrintMap(atlas, req, page, day_range=(from_day(days[0]), from_day(days[-1])), label_lang=label_lang,
                  progress=True, events=events if len(events) <= 200 else None)
    frames: list[np.ndarray] = []
    for i, frame in enumerate(pm.frames(days)):
        frames.append(frame)
        if progress is not None:
            progress(progress_share * (i + 1) / len(days))
    return frames


def _even(frame: np.ndarray) -> np.ndarray:
    h, w = frame.shape[:2]
    return frame[: h - h % 2, : w - w % 2]


def write_gif(frames: list[np.ndarray], out: BinaryIO, *, fps: float, hold_last_s: float = 2.0) -> None:
    """Write an looping GIF; one shared palette (from the first frame) keeps colours stable."""
    first = Image.fromarray(frames[0])
    palette = first.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    images = [palette] + [
        Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in frames[1:]
    ]
    ms = max(20, round(1000 / fps))
    durations = [ms] * len(images)
    durations[-1] = max(ms, round(hold_last_s * 1000))
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=False, disposal=1)


def write_mp4(frames: list[np.ndarray], path: Path, *, fps: float) -> None:
    """Write H.264 (yuv420p, even dimensions, faststart) with the ffmpeg bundled by imageio-ffmpeg.

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
    f0 = _even(frames[0])
    h, w = f0.shape[:2]
    writer = imageio_ffmpeg.write_frames(
        str(path), (w, h), fps=fps, codec="libx264", pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
        quality=None, macro_block_size=2, ffmpeg_log_level="error",
        output_params=["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart"],
    )
    writer.send(None)
    try:
        for f in frames:
            writer.send(np.ascontiguousarray(_even(f)))
    finally:
        writer.close()


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
    if start is None or end is None:
        s, e = default_range(atlas, req)
        start, end = start or s, end or e
    days = animation_days(atlas, req.layers, start, end, step)
    page = page or PageSize(FRAME_SIZE[0] / FRAME_DPI, FRAME_SIZE[1] / FRAME_DPI, FRAME_DPI)
    fps = fps or (6.0 if step == "day" else 1.5)
    frames = render_frames(atlas, req, days, page=page, label_lang=label_lang, progress=progress)
    if fmt == "gif":
        buf = io.BytesIO()
        write_gif(frames, buf, fps=fps)
        data = buf.getvalue()
    elif fmt == "mp4":
        with tempfile.TemporaryDirectory(prefix="fef-mp4-") as tmp:
            path = Path(tmp) / "anim.mp4"
            write_mp4(frames, path, fps=fps)
            data = path.read_bytes()
    else:
        raise ExportError(f"animation format {fmt!r} must be 'gif' or 'mp4'")
    if progress is not None:
        progress(1.0)
    return data
