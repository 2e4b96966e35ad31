"""User layers: every rule of layers.userlayers, the exports that include them, and the
``--layer`` options of ``layers.export`` and ``layers.validate``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, Polygon
from testpaths import TEST_DATA

from layers import load_atlas
from layers.export import export_map
from layers.export.cli import EXIT_BAD_INPUT
from layers.export.cli import main as export_main
from layers.userlayers import (
    MAX_BYTES,
    MAX_FEATURES,
    UserLayerError,
    is_user_layer,
    load_user_layer_file,
    read_user_layer,
    user_layer_bundle,
    with_user_layers,
)
from layers.validate import main as validate_main
from layers.viewstate import ViewState

DATA = ["--data-dir", str(TEST_DATA / "geodata"), "--sources-dir", str(TEST_DATA / "sources")]


@pytest.fixture(scope="module")
def base():
    return load_atlas(TEST_DATA / "geodata", TEST_DATA / "sources")


def fc(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def feat(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


PT = {"type": "Point", "coordinates": [120.5, 45.25]}
GOOD = {
    "id": "x1", "name": "Fort A", "kind": "fort", "start_date": "1939-05-11", "end_date": "1939-09-16",
    "description": "A fort.", "sources": ["test_book"], "location_precision_m": 500, "certainty": "approximate",
}


def errors_of(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(e) for e in exc.value.errors]


# ---- the rules --------------------------------------------------------------------------


def test_good_file_keeps_its_properties(base):
    ul = read_user_layer(fc(feat(PT, **GOOD)), "forts.geojson", base)
    row = ul.layer.gdf.iloc[0]
    props = row["properties"]
    assert row["name"] == "Fort A" and props["kind"] == "fort"
    assert props["start_date"] == "1939-05-11" and props["end_date"] == "1939-09-16"
    assert props["user_id"] == "x1" and props["id"].startswith(ul.layer.spec.prefix)
    assert props["sources"][0] == "test_book" and "user_unsourced" not in props and "user_undated" not in props
    assert props["location_precision_m"] == 500
    assert ul.layer.gdf.crs.to_epsg() == 4326
    assert is_user_layer(ul.layer)
    assert ul.id.startswith("user_forts_")


def test_no_dates_means_undated_and_shown_at_every_date(base):
    props = {k: v for k, v in GOOD.items() if k not in ("start_date", "end_date")}
    ul = read_user_layer(fc(feat(PT, **props)), "u.geojson", base)
    row = ul.layer.gdf.iloc[0]
    assert row["properties"]["user_undated"] is True
    assert "undated" in row["properties"]["note"]
    atlas = with_user_layers(base, [ul])
    from layers.slicing import slice_at

    for day in ("1918-01-01", "1931-09-18", "1945-09-01"):
        got = slice_at(atlas.layers[ul.id].gdf, day)
        assert list(got["id"]) == [row["id"]], day
    b = user_layer_bundle(atlas, ul.layer)
    popup = b["features"][0]["p"]
    assert "Your upload · undated: shown at every date" in popup and "fef-user-badge" in popup
    assert "from 1850" not in popup and "Undated" in popup


def test_no_sources_means_unsourced_and_cites_the_upload(base):
    props = {k: v for k, v in GOOD.items() if k != "sources"}
    ul = read_user_layer(fc(feat(PT, **props)), "u.geojson", base)
    p = ul.layer.gdf.iloc[0]["properties"]
    assert p["user_unsourced"] is True and p["sources"] == [ul.source.key]
    atlas = with_user_layers(base, [ul])
    assert atlas.bibliography.cite(ul.source.key).startswith("Your upload: u.geojson")
    assert "unsourced" in user_layer_bundle(atlas, ul.layer)["features"][0]["p"]


def test_free_text_sources_are_kept_but_still_unsourced(base):
    ul = read_user_layer(fc(feat(PT, name="A", sources=["Coox 1985, p. 12", "test_book"])), "u.geojson", base)
    p = ul.layer.gdf.iloc[0]["properties"]
    assert p["user_sources"] == "Coox 1985, p. 12" and p["sources"][0] == "test_book"
    assert "user_unsourced" not in p


def test_bare_file_gets_defaults(base):
    ul = read_user_layer(fc(feat(PT, **{"Name": "X", "POP 2020": 3, "nested": {"a": [1, 2]}})), "bare.json", base)
    p = ul.layer.gdf.iloc[0]["properties"]
    assert p["name"] == "X" and p["kind"] == "user_feature" and p["certainty"] == "approximate"
    assert p["pop_2020"] == 3 and json.loads(p["nested"]) == {"a": [1, 2]}
    assert "location_precision_m" not in p
    assert any("marked so" in n for n in ul.notes)


def test_crs_declared_epsg3857_is_reprojected(base):
    r = 6_378_137.0  # spherical Web Mercator, by hand (independent of pyproj)
    x, y = r * math.radians(120.5), r * math.log(math.tan(math.pi / 4 + math.radians(45.25) / 2))
    data = fc(feat({"type": "Point", "coordinates": [x, y]}, name="m"),
              crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}})
    ul = read_user_layer(data, "merc.geojson", base)
    g = ul.layer.gdf.geometry.iloc[0]
    assert g.x == pytest.approx(120.5, abs=1e-4) and g.y == pytest.approx(45.25, abs=1e-4)
    assert any("reprojected from EPSG:3857" in n for n in ul.notes)


def test_unknown_crs_is_refused(base):
    data = fc(feat(PT, name="m"), crs={"type": "name", "properties": {"name": "EPSG:999999"}})
    with pytest.raises(UserLayerError) as exc:
        read_user_layer(data, "odd.geojson", base)
    assert errors_of(exc) == ["odd.geojson, field 'crs': unknown CRS 'EPSG:999999': give an EPSG code, e.g. EPSG:4326"]


def test_projected_coordinates_without_crs_are_refused(base):
    with pytest.raises(UserLayerError) as exc:
        read_user_layer(fc(feat({"type": "Point", "coordinates": [13_413_998.9, 5_678_126.3]}, name="m")), "m.geojson")
    assert "no CRS is declared" in errors_of(exc)[0] and "field 'crs'" in errors_of(exc)[0]


def test_invalid_bowtie_polygon_is_repaired_with_a_note(base):
    bowtie = {"type": "Polygon", "coordinates": [[[118, 47], [119, 48], [119, 47], [118, 48], [118, 47]]]}
    assert not shapely.is_valid(shapely.from_geojson(json.dumps(bowtie)))
    ul = read_user_layer(fc(feat(bowtie, name="bow")), "bow.geojson", base)
    g = ul.layer.gdf.geometry.iloc[0]
    assert g.is_valid and g.geom_type == "MultiPolygon" and g.area == pytest.approx(0.5)
    assert "geometry repaired (Self-intersection[118.5 47.5])" in ul.layer.gdf.iloc[0]["properties"]["note"]
    assert any("repaired with make_valid" in n for n in ul.notes)


def test_unrepairable_geometry_is_refused_with_the_reason(base):
    flat = {"type": "Polygon", "coordinates": [[[118, 47], [119, 48], [120, 49], [118, 47]]]}
    with pytest.raises(UserLayerError) as exc:
        read_user_layer(fc(feat(PT, name="ok"), feat(flat, name="flat")), "flat.geojson", base)
    msg = errors_of(exc)
    assert len(msg) == 1 and msg[0].startswith("flat.geojson, feature #2, field 'geometry': invalid geometry that cannot")
    assert "Too few points" in msg[0] or "Self-intersection" in msg[0]


def test_bad_date_names_file_feature_and_field(base):
    with pytest.raises(UserLayerError) as exc:
        read_user_layer(fc(feat(PT, id="a1", name="x", start_date="1939-02-30")), "d.geojson", base)
    assert errors_of(exc)[0].startswith("d.geojson, feature #1 (a1), field 'start_date':")


def test_outside_the_atlas_region_is_refused(base):
    with pytest.raises(UserLayerError, match=r"#1.*outside the atlas region"):
        read_user_layer(fc(feat({"type": "Point", "coordinates": [2.35, 48.85]}, name="Paris")), "p.geojson", base)


def test_too_big(base):
    with pytest.raises(UserLayerError, match=f"the limit is {MAX_BYTES:,}"):
        read_user_layer(b" " * (MAX_BYTES + 1), "big.geojson", base)


def test_too_big_file_on_disk_is_not_read_whole(tmp_path):
    p = tmp_path / "big.geojson"
    with p.open("wb") as fh:
        fh.truncate(MAX_BYTES * 3)
    with pytest.raises(UserLayerError, match="larger than the limit"):
        load_user_layer_file(p)


def test_too_many_features(base):
    pts = [feat({"type": "Point", "coordinates": [120, 45]}) for _ in range(MAX_FEATURES + 1)]
    with pytest.raises(UserLayerError, match=f"{MAX_FEATURES + 1:,} features; the limit is {MAX_FEATURES:,}"):
        read_user_layer(fc(*pts), "many.geojson", base)


def test_bad_utf8_is_named(base):
    data = fc(feat(PT, name="Fort")).replace(b"Fort", b"F\xe9rt")
    with pytest.raises(UserLayerError) as exc:
        read_user_layer(data, "latin1.geojson", base)
    assert errors_of(exc)[0].startswith("latin1.geojson: not UTF-8 text (byte 0xe9 at offset")


def test_not_json_and_deep_json(base):
    with pytest.raises(UserLayerError, match="not valid JSON"):
        read_user_layer(b'{"type": "FeatureCollection", "features": [', "cut.geojson", base)
    with pytest.raises(UserLayerError, match="nested 100,000 levels deep"):
        read_user_layer(b"[" * 100_000 + b"]" * 100_000, "deep.geojson", base)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857", "EPSG:32651"])
def test_geopackage_with_its_crs(tmp_path, base, crs):
    gdf = gpd.GeoDataFrame(
        {"name": ["Hill 752", "Zone"], "start_date": ["1939-07-02", None], "Height M": [752.0, None]},
        geometry=[Point(118.75, 47.7), Polygon([(118.5, 47.6), (118.8, 47.6), (118.8, 47.8), (118.5, 47.6)])],
        crs="EPSG:4326",
    ).to_crs(crs)
    path = tmp_path / "sites.gpkg"
    gdf.to_file(path, driver="GPKG")
    ul = read_user_layer(path.read_bytes(), "sites.gpkg", base)
    got = ul.layer.gdf
    assert list(got["name"]) == ["Hill 752", "Zone"]
    assert got.geometry.iloc[0].x == pytest.approx(118.75, abs=1e-6)
    assert got.iloc[0]["properties"]["height_m"] == 752.0 and got.iloc[0]["start_date"] == "1939-07-02"
    assert got.iloc[1]["properties"]["user_undated"] is True
    assert (crs == "EPSG:4326") != any("reprojected" in n for n in ul.notes)


def test_geopackage_without_crs_is_refused(tmp_path, base):
    path = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(120, 45)]).to_file(path, driver="GPKG")
    with pytest.raises(UserLayerError, match="nocrs.gpkg, field 'crs': layer 'nocrs' has no CRS"):
        read_user_layer(path.read_bytes(), "nocrs.gpkg", base)


def test_broken_geopackage_is_refused(base):
    with pytest.raises(UserLayerError, match="not a readable GeoPackage"):
        read_user_layer(b"SQLite format 3\x00" + b"\x00" * 200, "broken.gpkg", base)


# ---- in the atlas and the exports ------------------------------------------------------


def test_with_user_layers_copies_and_leaves_the_atlas_alone(base):
    ul = read_user_layer(fc(feat(PT, **GOOD)), "forts.geojson", base)
    before = list(base.layers)
    atlas = with_user_layers(base, [ul])
    assert list(base.layers) == before and ul.source.key not in base.bibliography
    assert list(atlas.layers) == [*before, ul.id] and ul.source.key in atlas.bibliography
    legend = user_layer_bundle(atlas, ul.layer)["legend"]
    assert legend == [["Your layer: forts", "point", 0]]


@pytest.mark.parametrize("fmt", ["geojson", "html", "svg"])
def test_every_export_includes_the_user_layer(base, fmt):
    ul = read_user_layer(fc(feat(PT, **{**GOOD, "name": "Fort Zebra"})), "forts.geojson", base)
    atlas = with_user_layers(base, [ul])
    state = ViewState(date="1939-08-20", layers=("sample_sites", ul.id))
    res = export_map(atlas, state, fmt, **({"size": (400, 300)} if fmt == "svg" else {}))
    text = res.data.decode("utf-8")
    assert "Fort Zebra" in text or (fmt == "svg" and "Your layer" in text)
    if fmt == "geojson":
        ids = [f["properties"]["id"] for f in json.loads(text)["features"]]
        assert ul.layer.gdf.iloc[0]["id"] in ids


# ---- command lines ----------------------------------------------------------------------


def test_export_cli_layer_option(tmp_path, capsys):
    src = tmp_path / "mine.geojson"
    src.write_bytes(fc(feat(PT, name="Fort Zebra")))
    out = tmp_path / "slice.geojson"
    code = export_main(["-f", "geojson", "--date", "1939-08-20", "--layer", str(src), "-o", str(out), *DATA])
    err = capsys.readouterr().err
    assert code == 0, err
    names = [f["properties"]["name"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    assert "Fort Zebra" in names and len(names) == 4
    assert "note: mine.geojson:" in err


def test_export_cli_bad_layer_is_one_line_exit_2(tmp_path, capsys):
    src = tmp_path / "bad.geojson"
    src.write_bytes(fc(feat({"type": "Point", "coordinates": [2.35, 48.85]}, name="Paris")))
    code = export_main(["-f", "geojson", "--layer", str(src), "-o", str(tmp_path / "x.geojson"), *DATA])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and len(err.strip().splitlines()) == 1
    assert "bad.geojson, feature #1, field 'geometry'" in err
    assert not (tmp_path / "x.geojson").exists()


def test_validate_layer_option(tmp_path, capsys):
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    good.write_bytes(fc(feat(PT, name="A")))
    bad.write_bytes(fc(feat(PT, name="A", end_date="1800")))
    assert validate_main(["--layer", str(good)]) == 0
    assert "good.geojson: 1 features OK" in capsys.readouterr().out
    assert validate_main(["--layer", str(good), "--layer", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.geojson, feature #1, field 'end_date'" in out


def test_validate_layer_missing_file(tmp_path, capsys):
    assert validate_main(["--layer", str(Path(tmp_path) / "nope.geojson")]) == 1
    assert "nope.geojson: layer file not found" in capsys.readouterr().out
