"""Animations: frame count per step, GIF and MP4 containers, progress reports, frame content."""

from __future__ import annotations

import datetime as dt
import io

import imageio.v2 as iio
import numpy as np
import pytest
from PIL import Image

from layers.dates import to_day
from layers.export import ExportError, export_map, page_size, request_from_state
from layers.export.animation import animation_days, render_frames
from layers.viewstate import ViewState

STATE = ViewState(date=dt.date(1939, 8, 20), campaign="overview")
SMALL = "400x250"


def test_daily_and_event_steps(sample_atlas):
    start, end = dt.date(1939, 8, 18), dt.date(1939, 10, 3)
    days = animation_days(sample_atlas, ("sample_sites",), start, end, "day")
    assert days == list(range(to_day(start), to_day(end) + 1))
    events = animation_days(sample_atlas, ("sample_sites",), start, end, "event")
    # the start, the arrow appearing (20 Aug) and vanishing (end_date "1939-09": after September)
    assert events == [to_day(start), to_day("1939-08-20"), to_day("1939-10-01")]
    with pytest.raises(ExportError):
        animation_days(sample_atlas, ("sample_sites",), end, start, "day")


def test_gif_has_one_frame_per_day(sample_atlas):
    seen: list[float] = []
    res = export_map(sample_atlas, STATE, "gif", start="1939-08-18", end="1939-08-24", size=SMALL,
                     progress=seen.append)
    img = Image.open(io.BytesIO(res.data))
    assert img.format == "GIF"
    assert img.n_frames == 7
    assert img.size == (400, 250)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    assert res.filename.endswith("_1939-08-18_1939-08-24.gif")


def test_gif_per_event(sample_atlas):
    res = export_map(sample_atlas, STATE, "gif", start="1939-08-01", end="1939-12-31", step="event", size=SMALL)
    expected = animation_days(sample_atlas, ("sample_sites",), dt.date(1939, 8, 1), dt.date(1939, 12, 31), "event")
    assert Image.open(io.BytesIO(res.data)).n_frames == len(expected) == 3


def test_mp4_is_h264_with_even_size_and_all_frames(sample_atlas, tmp_path):
    res = export_map(sample_atlas, STATE, "mp4", start="1939-08-18", end="1939-08-26", size="401x251")
    path = tmp_path / "a.mp4"
    path.write_bytes(res.data)
    reader = iio.get_reader(path)
    meta = reader.get_meta_data()
    assert meta["codec"] == "h264"
    assert "yuv420p" in meta["pix_fmt"]
    w, h = meta["size"]
    assert w % 2 == 0 and h % 2 == 0 and (w, h) == (400, 250)
    assert reader.count_frames() == 9
    reader.close()


def test_frames_show_their_date_and_change(sample_atlas):
    req = request_from_state(sample_atlas, STATE, bounds="47.3,117.5,48.1,119.3")
    days = [to_day("1939-08-10"), to_day("1939-08-20"), to_day("1939-08-21")]
    frames = render_frames(sample_atlas, req, days, page=page_size(size=(500, 300), dpi=100))
    assert len(frames) == 3 and frames[0].shape == (300, 500, 3)
    assert not np.array_equal(frames[0], frames[1]), "the arrow appears on 20 Aug"
    diff = np.abs(frames[1].astype(int) - frames[2].astype(int)).sum(axis=2) > 0
    assert 0 < diff.mean() < 0.05, "from one day to the next only the date and progress bar change"
