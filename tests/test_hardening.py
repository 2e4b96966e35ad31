"""One bad file never takes down the others: parser limits on every file the atlas reads,
and a command line that checks every value (one line on stderr, exit status 2)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from testpaths import TEST_DATA

from layers import load_atlas
from layers.limits import (
    MAX_JSON_DEPTH,
    ParseLimitError,
    json_depth,
    loads_json,
    loads_toml,
    read_bounded,
    toml_depth,
)

DEEP = 100_000


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of the test atlas plus a second good layer."""
    geo, src = tmp_path / "geodata", tmp_path / "sources"
    shutil.copytree(TEST_DATA / "geodata", geo)
    shutil.copytree(TEST_DATA / "sources", src)
    return geo, src


def _add_layer(geo: Path, lid: str, geojson: str | bytes, spec: str | None = None) -> None:
    base = (geo / "sample_sites.toml").read_text(encoding="utf-8")
    spec = spec if spec is not None else base.replace('prefix = "ts_"', f'prefix = "{lid[:2]}_"')
    (geo / f"{lid}.toml").write_text(spec, encoding="utf-8")
    if isinstance(geojson, bytes):
        (geo / f"{lid}.geojson").write_bytes(geojson)
    else:
        (geo / f"{lid}.geojson").write_text(geojson, encoding="utf-8")


def _assert_others_load(atlas, bad_file: str) -> None:
    assert "sample_sites" in atlas.layers and len(atlas.layers["sample_sites"].gdf) == 3
    named = [str(e) for e in atlas.errors if bad_file in str(e)]
    assert named, f"no error names {bad_file}: {[str(e) for e in atlas.errors]}"
    assert any("deep" in m for m in named), named


def test_deep_json_layer_is_refused_and_the_others_load(data):
    geo, src = data
    _add_layer(geo, "deep_layer", "[" * DEEP + "]" * DEEP)
    t0 = time.perf_counter()
    atlas = load_atlas(geo, src)
    assert time.perf_counter() - t0 < 10
    _assert_others_load(atlas, "deep_layer.geojson")
    assert "deep_layer" not in atlas.layers


def test_deep_json_inside_a_property_is_refused(data):
    geo, src = data
    text = (geo / "sample_sites.geojson").read_text(encoding="utf-8")
    bad = text.replace('"ts_', '"dl_').replace('"certainty": "verified"',
                                                '"certainty": "verified", "x": ' + "[" * DEEP + "]" * DEEP, 1)
    _add_layer(geo, "dl_layer", bad)
    atlas = load_atlas(geo, src)
    _assert_others_load(atlas, "dl_layer.geojson")


def test_deep_toml_spec_is_refused_and_the_others_load(data):
    geo, src = data
    good = (geo / "sample_sites.geojson").read_text(encoding="utf-8").replace('"ts_', '"dt_')
    _add_layer(geo, "dt_layer", good, spec="x = " + "[" * DEEP + "]" * DEEP + "\n")
    atlas = load_atlas(geo, src)
    _assert_others_load(atlas, "dt_layer.toml")


def test_deep_inline_table_toml_is_refused(data):
    geo, src = data
    good = (geo / "sample_sites.geojson").read_text(encoding="utf-8").replace('"ts_', '"dt_')
    _add_layer(geo, "dt_layer", good, spec="x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n")
    atlas = load_atlas(geo, src)
    _assert_others_load(atlas, "dt_layer.toml")


def test_deep_bibliography_file_is_refused_and_the_others_load(data):
    geo, src = data
    (src / "deep.toml").write_text("[k]\nx = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    atlas = load_atlas(geo, src)
    assert len(atlas.bibliography) >= 3  # test.toml still read
    assert "sample_sites" in atlas.layers
    assert any("deep.toml" in str(e) and "deep" in str(e) for e in atlas.errors)


def test_deep_campaigns_file_is_refused_and_the_layers_load(data):
    geo, src = data
    (geo / "campaigns.toml").write_text("[overview]\nbounds = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    atlas = load_atlas(geo, src)
    assert "sample_sites" in atlas.layers
    assert any("campaigns.toml" in str(e) and "deep" in str(e) for e in atlas.errors)


def test_campaign_entry_that_is_not_a_table(data):
    geo, src = data
    (geo / "campaigns.toml").write_text('overview = "x"\n', encoding="utf-8")
    atlas = load_atlas(geo, src)
    assert "sample_sites" in atlas.layers
    assert any("[overview] is not a table" in str(e) for e in atlas.errors)


def test_too_big_layer_file_is_refused_without_reading_it_all(data, monkeypatch):
    from layers import loading

    geo, src = data
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 1000)
    text = (geo / "sample_sites.geojson").read_text(encoding="utf-8").replace('"ts_', '"bg_')
    _add_layer(geo, "bg_layer", text + " " * 5000)
    atlas = load_atlas(geo, src)
    assert "bg_layer" not in atlas.layers
    assert any("bg_layer.geojson" in str(e) and "limit" in str(e) for e in atlas.errors)


def test_bad_utf8_layer_names_the_byte(data):
    geo, src = data
    text = (geo / "sample_sites.geojson").read_bytes().replace(b'"ts_', b'"bu_').replace(b"Port city", b"Port \xff city")
    _add_layer(geo, "bu_layer", text)
    atlas = load_atlas(geo, src)
    msgs = [str(e) for e in atlas.errors if "bu_layer.geojson" in str(e)]
    assert msgs and "not UTF-8" in msgs[0] and "0xff" in msgs[0] and "line 4" in msgs[0]
    assert "sample_sites" in atlas.layers


def test_bad_utf8_spec(data):
    geo, src = data
    good = (geo / "sample_sites.geojson").read_text(encoding="utf-8").replace('"ts_', '"us_')
    (geo / "us_layer.geojson").write_text(good, encoding="utf-8")
    (geo / "us_layer.toml").write_bytes(b'title = "\xc3("\n')
    atlas = load_atlas(geo, src)
    assert any("us_layer.toml" in str(e) and "not UTF-8" in str(e) for e in atlas.errors)


# ---- the limits module itself ---------------------------------------------------------


def test_depth_scan_ignores_brackets_in_strings():
    assert json_depth('{"a": "[[[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth(r'{"a": "\"[[[["}') == 1
    assert toml_depth("a = '[[[['\nb = \"[[[\" # [[[[[\nc = [[1]]\n[t]\n") == 2
    assert toml_depth('s = """\n[[[[[[\n"""\n') == 0


def test_loads_json_limits():
    assert loads_json(b'{"a": [[1]]}', "f.json", max_bytes=100) == {"a": [[1]]}
    with pytest.raises(ParseLimitError, match=r"f\.json: nested 65 levels deep; the limit is 64"):
        loads_json("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "f.json", max_bytes=10_000)
    with pytest.raises(ParseLimitError, match="limit is 10"):
        loads_json(b"[1, 2, 3, 4, 5, 6]", "f.json", max_bytes=10)
    with pytest.raises(ParseLimitError, match="not valid JSON"):
        loads_json(b"[1,", "f.json", max_bytes=10)


def test_loads_toml_limits():
    assert loads_toml(b"a = [[1]]", "f.toml") == {"a": [[1]]}
    with pytest.raises(ParseLimitError, match="not valid TOML"):
        loads_toml(b"a = ", "f.toml")
    with pytest.raises(ParseLimitError, match="f.toml: nested 100,000 levels deep"):
        loads_toml("a = " + "[" * DEEP + "]" * DEEP, "f.toml")


def test_read_bounded_stops_on_an_endless_stream():
    t0 = time.perf_counter()
    with pytest.raises(ParseLimitError, match="larger than the limit of 1,000,000 bytes"):
        read_bounded("/dev/zero", 1_000_000, what="batch file")
    assert time.perf_counter() - t0 < 2


def test_read_bounded_missing_and_directory(tmp_path):
    with pytest.raises(ParseLimitError, match="nope.toml: batch file not found"):
        read_bounded(tmp_path / "nope.toml", 10, what="batch file")
    with pytest.raises(ParseLimitError, match="is a directory"):
        read_bounded(tmp_path, 10)


def test_real_geojson_depth_is_far_below_the_limit():
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": [1]},
           "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]}}]}
    assert json_depth(json.dumps(doc)) == 8


# ---- the export command line: every value checked, one line, exit 2 -----------------------

from layers.export.cli import EXIT_BAD_INPUT
from layers.export.cli import main as export_main

CLI_DATA = ["--data-dir", str(TEST_DATA / "geodata"), "--sources-dir", str(TEST_DATA / "sources")]


def _run_cli(capsys, args: list[str], data: bool = True) -> tuple[int, str]:
    try:
        code = export_main([*args, *(CLI_DATA if data else [])])
    except SystemExit as exc:  # argparse errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    return code, err


def _one_line_exit_2(code: int, err: str, *needles: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == EXIT_BAD_INPUT, err
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], lines[0]


@pytest.mark.parametrize(
    ("fps", "needle"),
    [("nan", "finite"), ("inf", "finite"), ("-inf", "finite"), ("0", "greater than or equal to 0.1"),
     ("-1", "greater than or equal to 0.1"), ("1000", "less than or equal to 60")],
)
def test_fps_must_be_finite_and_in_range(capsys, tmp_path, monkeypatch, fps, needle):
    monkeypatch.chdir(tmp_path)
    code, err = _run_cli(capsys, ["-f", "gif", f"--fps={fps}", "-o", "x.gif"])
    _one_line_exit_2(code, err, "fps", needle)
    assert not list(tmp_path.iterdir())


def test_dpi_nan_is_refused(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = _run_cli(capsys, ["-f", "png", "--dpi", "nan", "-o", "x.png"])
    _one_line_exit_2(code, err, "dpi")


def test_bounds_nan_is_refused(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = _run_cli(capsys, ["-f", "png", "--bounds", "nan,118,48,119", "-o", "x.png"])
    _one_line_exit_2(code, err, "bounds", "finite")


def test_missing_data_dir_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = _run_cli(capsys, ["-f", "geojson", "-o", "x.geojson", "--data-dir", "/nonexistent",
                                  "--sources-dir", str(TEST_DATA / "sources")], data=False)
    _one_line_exit_2(code, err, "--data-dir /nonexistent is not a folder")
    assert not (tmp_path / "x.geojson").exists()


def test_data_dir_without_layers_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    code, err = _run_cli(capsys, ["-f", "geojson", "-o", "x.geojson", "--data-dir", str(tmp_path / "empty"),
                                  "--sources-dir", str(TEST_DATA / "sources")], data=False)
    _one_line_exit_2(code, err, "no layer could be loaded")
    assert not (tmp_path / "x.geojson").exists()


def test_batch_dev_zero_is_refused_quickly(capsys):
    t0 = time.perf_counter()
    code, err = _run_cli(capsys, ["--batch", "/dev/zero"])
    assert time.perf_counter() - t0 < 5
    _one_line_exit_2(code, err, "zero", "larger than the limit")


def test_batch_deep_toml_is_refused(capsys, tmp_path):
    b = tmp_path / "deep.toml"
    b.write_text("[[export]]\nformat = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    code, err = _run_cli(capsys, ["--batch", str(b)])
    _one_line_exit_2(code, err, "deep.toml", "nested")


def _batch(tmp_path: Path, body: str) -> str:
    b = tmp_path / "jobs.toml"
    b.write_text(body, encoding="utf-8")
    return str(b)


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ('[[export]]\nformat = "png"\noutput = "a.png"\ndpi = "high"\n', ["#1", "dpi", "number"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\ndpi = true\n', ["dpi", "number"]),
        ('[[export]]\nformat = "gif"\noutput = "a.gif"\nfps = "nan"\n', ["fps", "number"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\nsize = 1600\n', ["size", "string"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\nlayers = [1, 2]\n', ["layers", "string"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\ntitle = {a = 1}\n', ["title", "string"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\norientation = "sideways"\n', ["orientation"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\nstep = 3\n', ["step"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\nbounds = [1, 2]\n', ["bounds", "four numbers"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\ndate = 1939-08-20T10:00:00\n', ["date", "date and time"]),
        ('[[export]]\nformat = 7\noutput = "a.png"\n', ["format", "string"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\ncolour = "red"\n', ["colour", "unknown option"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\n[[export]]\nformat = "png"\noutput = ["b"]\n',
         ["#2", "output"]),
        ('defaults = 3\n[[export]]\nformat = "png"\noutput = "a.png"\n', ["[defaults] must be a table"]),
        ('export = [1, 2]\n', ["no [[export]] tables"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\n[extra]\nx = 1\n', ["unknown table(s) extra"]),
        ('[[export]]\nformat = "png"\noutput = "a.png"\ndate = "1939-02-30"\n', ["not a real calendar date"]),
    ],
)
def test_batch_values_are_checked(capsys, tmp_path, monkeypatch, body, needles):
    monkeypatch.chdir(tmp_path)
    path = _batch(tmp_path, body)
    code, err = _run_cli(capsys, ["--batch", path])
    _one_line_exit_2(code, err, *needles)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.toml"], "nothing written"


def test_batch_with_toml_dates_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _batch(tmp_path, '[[export]]\nformat = "geojson"\noutput = "a.geojson"\ndate = 1939-08-20\n')
    code, err = _run_cli(capsys, ["--batch", path])
    assert code == 0, err
    assert len(json.loads((tmp_path / "a.geojson").read_text(encoding="utf-8"))["features"]) == 3


def test_too_many_batch_jobs(capsys, tmp_path):
    path = _batch(tmp_path, '[[export]]\nformat = "png"\noutput = "a.png"\n' * 501)
    code, err = _run_cli(capsys, ["--batch", path])
    _one_line_exit_2(code, err, "501 jobs; the limit is 500")


def test_json_depth_handles_escaped_quotes_and_backslashes():
    assert json_depth(r'{"a": "x\\", "b": [[1]]}') == 3  # an escaped backslash ends the string
    assert json_depth(r'["\\\"[[", [1]]') == 2  # \\ then \" : still inside the string
    assert json_depth(b'"[["') == 0
    assert json_depth("") == 0
