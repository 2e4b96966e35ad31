"""The hostile-text corpus (tests/hostile.py) through every output of the library.

A layer whose every text property (name, label, description, note, names in other scripts,
figure labels and notes) and whose spec title and description carry a hostile string is
loaded and exported in every format. Each output must

- contain no trace of evaluation (:data:`hostile.EVAL_MARK`, :data:`hostile.EVAL_NUMBER`),
  create no marker file, and be well-formed for its format (SVG parses as XML, JSON loads);
- show each string literally, in its displayed form :func:`layers.safetext.clean`
  (controls replaced by U+FFFD): GeoJSON/GeoPackage values equal it, popups and the
  standalone HTML carry it escaped, the print map's SVG text equals it, Markdown for
  Streamlit unescapes to it, file names are inert.
"""

from __future__ import annotations

import datetime as dt
import glob
import html
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hostile import EVAL_MARK, EVAL_NUMBER, HOSTILE, PWN_FILE_MARK, SHORT, ids
from testpaths import TEST_DATA

from layers import Atlas, load_atlas
from layers.export import export_map
from layers.popups import popup_html, tooltip_html
from layers.safetext import clean, markdown_text, mpl_text, safe_filename, script_json
from layers.search import SearchIndex
from layers.viewstate import ViewState

#: Longest short text (names, labels) and long text (descriptions, notes) the schema accepts;
#: longer strings are refused by name (see test_too_long_text_is_refused_by_feature_and_field).
NAME, LONG = 300, 8000
DAY = dt.date(1939, 8, 20)
STATE = ViewState(date=DAY, campaign="overview", layers=("hostile",))
TITLE_ONLY = ViewState(date=DAY, campaign="overview", layers=())


def _markers_absent(text: str, where: str) -> None:
    assert EVAL_MARK not in text, f"{where}: a template payload was evaluated"
    assert EVAL_NUMBER not in text, f"{where}: a template expression was computed"


def _no_marker_files() -> None:
    found = glob.glob(f"/tmp/{PWN_FILE_MARK}*") + glob.glob(f"{PWN_FILE_MARK}*")
    assert not found, f"a command payload ran: {found}"


@pytest.fixture(scope="module")
def hostile_atlas(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    """The test atlas plus a layer ``hostile`` with one feature per hostile string."""
    root = tmp_path_factory.mktemp("hostile")
    geo, src = root / "geodata", root / "sources"
    shutil.copytree(TEST_DATA / "geodata", geo)
    shutil.copytree(TEST_DATA / "sources", src)
    feats = []
    for i, s in enumerate(HOSTILE):
        lon, lat = 118.0 + (i % 10) * 0.09, 47.3 + (i // 10) * 0.09
        feats.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {
                "id": f"hx_f{i:03d}", "name": s[:NAME], "label": s[:NAME], "name:ru": s[:NAME],
                "name:ja": s[:NAME], "kind": "place", "start_date": "1939-01-01", "end_date": None,
                "description": s[:LONG], "note": s[:LONG], "remark": s, "sources": ["test_book"],
                "location_precision_m": 1000, "certainty": "verified", "side": "soviet",
                "figures": [{"label": s[:NAME], "value": 1, "unit": s[:NAME], "source": "test_book",
                             "note": s[:LONG]}],
            },
        })
    (geo / "hostile.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8"
    )
    title = HOSTILE[1] + " " + HOSTILE[30]
    spec = (geo / "sample_sites.toml").read_text(encoding="utf-8")
    spec = spec.replace('title = "Sample sites"', f"title = {json.dumps(title)}")
    spec = spec.replace('prefix = "ts_"', 'prefix = "hx_"')
    spec = spec.replace('description = "Test layer."', f"description = {json.dumps(HOSTILE[16])}")
    (geo / "hostile.toml").write_text(spec, encoding="utf-8")
    camps = (geo / "campaigns.toml").read_text(encoding="utf-8")
    (geo / "campaigns.toml").write_text(
        camps.replace('layers = ["sample_sites"]', 'layers = ["sample_sites", "hostile"]'), encoding="utf-8"
    )
    atlas = load_atlas(geo, src)
    assert not atlas.errors, [str(e) for e in atlas.errors]
    assert len(atlas.layers["hostile"].gdf) == len(HOSTILE)
    return atlas


@pytest.fixture(autouse=True)
def _clean_markers():
    for f in glob.glob(f"/tmp/{PWN_FILE_MARK}*"):
        os.remove(f)
    yield
    _no_marker_files()


def test_corpus_is_large_and_varied():
    assert len(HOSTILE) >= 80
    joined = "".join(HOSTILE)
    for needle in ("{{", "{%", "{#", "<script", "onerror", "javascript:", "data:", "<svg", "<math",
                   "\u202e", "\x00", "\ufffe", "𠀀", "$"):
        assert needle in joined, needle
    assert max(len(s) for s in HOSTILE) >= 10_000


@pytest.mark.parametrize("s", HOSTILE, ids=ids())
def test_popup_and_tooltip_show_the_text_literally(hostile_atlas: Atlas, s: str):
    fid = f"hx_f{HOSTILE.index(s):03d}"
    found = hostile_atlas.feature(fid)
    assert found is not None
    props = found[1]
    for where, out in (("popup", popup_html(props, hostile_atlas.bibliography, s)), ("tooltip", tooltip_html(props))):
        _markers_absent(out, where)
        assert "{{" not in out and "{%" not in out and "{#" not in out, f"{where}: template syntax survived"
        if "<" in s:
            assert s[:NAME] not in out, f"{where}: markup from data reached the HTML"
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", out, re.IGNORECASE), f"{where}: an event handler attribute"
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):""", out, re.IGNORECASE), where
        assert clean(s[:NAME]) in html.unescape(out), f"{where}: the text is not shown literally"


def test_too_long_text_is_refused_by_feature_and_field(hostile_atlas: Atlas, tmp_path: Path):
    geo, src = tmp_path / "geodata", tmp_path / "sources"
    shutil.copytree(TEST_DATA / "geodata", geo)
    shutil.copytree(TEST_DATA / "sources", src)
    doc = json.loads((geo / "sample_sites.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["name"] = HOSTILE[-4]
    (geo / "sample_sites.geojson").write_text(json.dumps(doc), encoding="utf-8")
    atlas = load_atlas(geo, src)
    msgs = [str(e) for e in atlas.errors]
    assert any("ts_vladivostok" in m and "'name'" in m and "300 characters" in m for m in msgs), msgs
    assert "sample_sites" not in atlas.layers, "the refused file is not shown"


def test_script_json_round_trips_every_string():
    for s in HOSTILE:
        text = script_json({"v": s})
        assert "</" not in text and "<!--" not in text
        assert not re.search(r"\{[{%#]", text)
        assert json.loads(text)["v"] == s


def test_markdown_for_streamlit_is_literal():
    # CommonMark: a backslash before ASCII punctuation makes it a literal character, so if
    # every punctuation character is escaped nothing can start a link, tag, entity or math
    for s in HOSTILE:
        md = markdown_text(s)
        assert not re.search(r"(?<!\\)[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", md)), s[:40]
        assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md) == clean(s)


@pytest.mark.parametrize("s", HOSTILE, ids=ids())
def test_file_names_are_inert(s: str):
    name = safe_filename(s)
    assert re.fullmatch(r"[a-z0-9-]{1,80}", name)


def test_standalone_html(hostile_atlas: Atlas):
    res = export_map(hostile_atlas, STATE, "html", title=HOSTILE[2] + HOSTILE[32])
    text = res.data.decode("utf-8")
    _markers_absent(text, "standalone HTML")
    # the title is escaped, and no hostile tag made it into the markup
    assert "<title>" in text and "<script>window.__pwned" not in text and "onerror=\"window" not in text
    for s in (x[:NAME] for x in SHORT):
        assert html.escape(clean(s), quote=True).replace("{", "&#123;").replace("}", "&#125;") in text \
            or script_json(clean(s))[1:-1] in text or script_json(s)[1:-1] in text, s


def test_geojson_export_keeps_every_string(hostile_atlas: Atlas):
    res = export_map(hostile_atlas, STATE, "geojson")
    doc = json.loads(res.data)
    _markers_absent(res.data.decode("utf-8"), "GeoJSON")
    got = {f["properties"]["id"]: f["properties"] for f in doc["features"] if f["properties"]["id"].startswith("hx_")}
    assert len(got) == len(HOSTILE)
    for i, s in enumerate(HOSTILE):
        p = got[f"hx_f{i:03d}"]
        assert p["name"] in (s[:NAME], clean(s[:NAME])) and p["description"] in (s[:LONG], clean(s[:LONG])), i
        assert p["remark"] in (s, clean(s)), i


def test_geopackage_export_keeps_every_string(hostile_atlas: Atlas, tmp_path: Path):
    res = export_map(hostile_atlas, STATE, "gpkg")
    path = tmp_path / "x.gpkg"
    path.write_bytes(res.data)
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("select table_name from gpkg_contents")]
        table = next(t for t in tables if "hostile" in t)
        names = {r[0]: r[1] for r in con.execute(f'select id, name from "{table}"')}
    finally:
        con.close()
    for i, s in enumerate(HOSTILE):
        assert names[f"hx_f{i:03d}"] in (s[:NAME], clean(s[:NAME])), i


def _svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # must be valid XML whatever the data
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize("s", SHORT, ids=[i for i, s in zip(ids(), HOSTILE, strict=True) if s in SHORT])
def test_print_svg_title_is_literal_and_valid_xml(hostile_atlas: Atlas, s: str):
    # no layers: the title is the only text from the corpus (the labels have their own test
    # below), and the export skips placing 101 hostile labels, half its time
    res = export_map(hostile_atlas, TITLE_ONLY, "svg", title=s, size=(600, 400))
    _markers_absent(res.data.decode("utf-8"), "SVG")
    texts = _svg_texts(res.data)
    shown = mpl_text(s)
    flat = " ".join(texts).replace("\n", " ")
    assert shown.replace("\n", " ").strip().split(" ")[0] in flat, (s, texts[:5])


def test_print_png_pdf_svg_with_every_string_on_the_map(hostile_atlas: Atlas):
    for fmt in ("png", "pdf", "svg"):
        res = export_map(hostile_atlas, STATE, fmt, title=HOSTILE[0], size=(800, 500) if fmt != "pdf" else None)
        assert len(res.data) > 1000
        if fmt == "svg":
            texts = _svg_texts(res.data)
            assert any("X{{7*7}}Y" in t for t in texts)
            _markers_absent(" ".join(texts), "SVG")
        if fmt == "png":
            from PIL import Image

            assert Image.open(io.BytesIO(res.data)).size[0] > 0


def test_animation_with_hostile_title(hostile_atlas: Atlas):
    res = export_map(hostile_atlas, STATE, "gif", title=HOSTILE[4] + "$x^2$", start="1939-08-19", end="1939-08-21",
                     size=(320, 200), fps=2)
    assert res.data[:6] in (b"GIF89a", b"GIF87a")


def test_search_treats_names_as_text(hostile_atlas: Atlas):
    index = SearchIndex(hostile_atlas)
    for s in ("{{ 'EVAL' ~ 'UATED' }}", "<script>window.__pwned=1</script>", "Халхин-Гол"):
        hits = index.search(s)
        assert hits, s
        assert all(EVAL_MARK not in h.name for h in hits)


def test_command_payloads_left_no_file():
    # the autouse fixture checks after every test; this one checks the working directory too
    with tempfile.TemporaryDirectory() as d:
        assert not list(Path(d).glob(f"{PWN_FILE_MARK}*"))
    _no_marker_files()
