"""Command line: good runs write files; bad input is one line on stderr and exit status 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from layers.export.cli import EXIT_BAD_INPUT, EXIT_UNAVAILABLE, main

REPO = Path(__file__).resolve().parents[1]
DATA = ["--data-dir", str(REPO / "tests/data/geodata"), "--sources-dir", str(REPO / "tests/data/sources")]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args, *DATA])
    out, err = capsys.readouterr()
    return code, out, err


def test_png_with_size(capsys, tmp_path):
    out = tmp_path / "map.png"
    code, stdout, _ = run(capsys, "--format", "png", "--date", "1939-08-20", "--size", "640x400", "-o", str(out))
    assert code == 0 and "wrote" in stdout
    assert Image.open(out).size == (640, 400)


def test_several_dates_make_one_file_each(capsys, tmp_path):
    code, _, _ = run(capsys, "-f", "geojson", "--date", "1938-01-01,1939-08-20", "-o", str(tmp_path / "s.geojson"))
    assert code == 0
    early = json.loads((tmp_path / "s_1938-01-01.geojson").read_text(encoding="utf-8"))
    late = json.loads((tmp_path / "s_1939-08-20.geojson").read_text(encoding="utf-8"))
    assert len(early["features"]) == 1 and len(late["features"]) == 3


def test_batch_file(capsys, tmp_path):
    batch = tmp_path / "jobs.toml"
    batch.write_text(
        f"""
[defaults]
layers = ["sample_sites"]
size = "400x250"

[[export]]
format = "png"
date = "1939-08-20"
output = "{(tmp_path / 'a_{date}.png').as_posix()}"

[[export]]
format = "gif"
from = "1939-08-18"
to = "1939-08-21"
output = "{(tmp_path / 'anim.gif').as_posix()}"
""",
        encoding="utf-8",
    )
    code, _stdout, err = run(capsys, "--batch", str(batch))
    assert code == 0, err
    assert (tmp_path / "a_1939-08-20.png").exists()
    assert Image.open(tmp_path / "anim.gif").n_frames == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "png", "--date", "1939-02-30", "-o", "x.png"], "not a real calendar date"),
        (["-f", "png", "--date", "20 Aug 1939", "-o", "x.png"], "YYYY"),
        (["-f", "png", "--date", "1939-08", "-o", "x.png"], "full date"),
        (["-f", "png", "--date", "1960-01-01", "-o", "x.png"], "outside the atlas period"),
        (["-f", "png", "--layers", "sample_sites,nope", "-o", "x.png"], "unknown layer(s): nope"),
        (["-f", "png", "--bounds", "48,119,47,118", "-o", "x.png"], "south"),
        (["-f", "png", "--bounds", "47,118,48", "-o", "x.png"], "four numbers"),
        (["-f", "png", "--size", "huge", "-o", "x.png"], "WIDTHxHEIGHT"),
        (["-f", "png", "--dpi", "1200", "-o", "x.png"], "dpi"),
        (["-f", "png", "--paper", "B7", "-o", "x.png"], "paper"),
        (["-f", "png", "--campaign", "narnia", "-o", "x.png"], "unknown campaign"),
        (["-f", "gif", "--from", "1939-09-01", "--to", "1939-08-01", "-o", "x.gif"], "before it starts"),
        (["-f", "tiff", "-o", "x.tiff"], "invalid choice"),
        (["-f", "png"], "no output file"),
        (["-o", "x.png"], "no format"),
        (["--batch", "/nonexistent/jobs.toml"], "not found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)  # restored after the test
    try:
        code = main([*args, *DATA])
    except SystemExit as exc:  # argparse errors
        code = exc.code
    _out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert message in lines[0]
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir()), "nothing written"


def test_missing_browser_is_reported_not_a_crash(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("layers.export.browser.chromium_path", lambda: None)
    code, _, err = run(capsys, "-f", "asseen", "-o", str(tmp_path / "x.png"))
    assert code == EXIT_UNAVAILABLE
    assert "unavailable" in err and "Chromium" in err and "Traceback" not in err


def test_module_entry_point_exits_2_without_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "layers.export", "--format", "png", "--layers", "nope", "-o", str(tmp_path / "x.png"),
         *DATA],
        check=False, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_help_lists_the_formats(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for fmt in ("png", "svg", "pdf", "asseen", "html", "geojson", "gpkg", "gif", "mp4"):
        assert fmt in out
    assert io is not None
