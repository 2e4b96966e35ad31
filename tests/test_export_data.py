"""Data exports of the time slice: GeoJSON (RFC 7946 + metadata) and GeoPackage, round-tripped."""

from __future__ import annotations

import datetime as dt
import io
import json

import geopandas as gpd
import pyogrio
import pytest
import shapely

from layers.export import export_map, request_from_state
from layers.export.data import LAYER_FIELD, geojson_document, write_gpkg
from layers.slicing import slice_atlas
from layers.viewstate import ViewState

DAY = dt.date(1939, 8, 20)
STATE = ViewState(date=DAY, campaign="overview")


def _ids(atlas, day):
    return sorted(i for part in slice_atlas(atlas, day).values() for i in part["id"])


def test_geojson_holds_the_slice_with_all_properties(sample_atlas):
    res = export_map(sample_atlas, STATE, "geojson")
    doc = json.loads(res.data)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    ids = sorted(f["properties"]["id"] for f in doc["features"])
    assert ids == _ids(sample_atlas, DAY) == ["ts_advance", "ts_vladivostok", "ts_zone"]
    adv = next(f for f in doc["features"] if f["properties"]["id"] == "ts_advance")
    original = sample_atlas.feature("ts_advance")[1]
    assert {k: v for k, v in adv["properties"].items() if k != LAYER_FIELD} == original
    assert adv["properties"][LAYER_FIELD] == "sample_sites"
    assert adv["properties"]["figures"][1]["value_max"] == 60000
    vl = next(f for f in doc["features"] if f["properties"]["id"] == "ts_vladivostok")
    assert vl["properties"]["name:ru"] == "Владивосток"


def test_geojson_metadata_names_sources_and_licences(sample_atlas):
    doc = json.loads(export_map(sample_atlas, STATE, "geojson").data)
    meta = doc["metadata"]
    assert meta["date"] == "1939-08-20"
    assert set(meta["sources"]) == {"test_book", "test_seed", "test_web"}
    assert meta["sources"]["test_book"].startswith("Author, Ann. A Book.")
    assert "CC0-1.0" in meta["licence"]
    assert meta["layers"][0]["id"] == "sample_sites" and meta["layers"][0]["licence"] == "CC0-1.0"


def test_geojson_follows_rfc7946(sample_atlas):
    req = request_from_state(sample_atlas, STATE)
    doc = geojson_document(sample_atlas, req)
    zone = next(f for f in doc["features"] if f["properties"]["id"] == "ts_zone")
    ring = shapely.LinearRing(zone["geometry"]["coordinates"][0])
    assert ring.is_ccw, "exterior rings counter-clockwise (right-hand rule)"
    for f in doc["features"]:
        lon, lat = shapely.get_coordinates(shapely.geometry.shape(f["geometry"]))[0]
        assert 95 <= lon <= 160 and 30 <= lat <= 62, "lon, lat order"


def test_geojson_round_trips_through_geopandas(sample_atlas):
    data = export_map(sample_atlas, STATE, "geojson").data
    gdf = gpd.read_file(io.BytesIO(data))
    assert sorted(gdf["id"]) == _ids(sample_atlas, DAY)
    assert gdf.crs.to_epsg() == 4326
    src = sample_atlas.layers["sample_sites"].gdf.set_index("id")
    for fid, geom in zip(gdf["id"], gdf.geometry):
        assert geom.equals(src.at[fid, "geometry"])


def test_geojson_follows_the_date(sample_atlas):
    early = json.loads(export_map(sample_atlas, STATE, "geojson", date="1938-01-01").data)
    assert [f["properties"]["id"] for f in early["features"]] == ["ts_vladivostok"]
    assert set(early["metadata"]["sources"]) == {"test_book"}


def test_gpkg_round_trip(sample_atlas, tmp_path):
    req = request_from_state(sample_atlas, STATE)
    path = tmp_path / "slice.gpkg"
    written = write_gpkg(sample_atlas, req, path)
    assert written == {"sample_sites": 3}
    layers = dict(pyogrio.list_layers(path))
    assert {"sample_sites", "sources", "about"} <= set(layers)
    gdf = gpd.read_file(path, layer="sample_sites")
    assert sorted(gdf["id"]) == _ids(sample_atlas, DAY)
    assert gdf.crs.to_epsg() == 4326
    row = gdf.set_index("id").loc["ts_advance"]
    assert json.loads(row["sources"]) == ["test_book", "test_seed"]
    figs = json.loads(row["figures"])
    assert figs[0]["label"] == "Strength" and figs[0]["value"] == 57000
    assert gdf.set_index("id").loc["ts_vladivostok", "name:ru"] == "Владивосток"
    src = sample_atlas.layers["sample_sites"].gdf.set_index("id")
    for fid, geom in zip(gdf["id"], gdf.geometry):
        assert geom.equals(src.at[fid, "geometry"])
    sources = pyogrio.read_dataframe(path, layer="sources")
    assert set(sources["key"]) == {"test_book", "test_seed", "test_web"}
    assert sources.set_index("key").loc["test_web", "url"] == "https://example.org/page?a=1&b=2"
    about = pyogrio.read_dataframe(path, layer="about").set_index("key")["value"]
    assert about["date"] == "1939-08-20"
    assert "CC0-1.0" in about["licence"]


def test_gpkg_via_export_map_is_a_geopackage(sample_atlas):
    res = export_map(sample_atlas, STATE, "gpkg")
    assert res.data[:16] == b"SQLite format 3\x00"
    assert res.filename.endswith(".gpkg")


def test_real_atlas_data_smoke(atlas, tmp_path):
    if not atlas.layers:
        pytest.skip("geodata/ has no layers yet")
    state = ViewState(date=DAY, campaign="overview")
    doc = json.loads(export_map(atlas, state, "geojson").data)
    assert len(doc["features"]) > 0
    req = request_from_state(atlas, state)
    written = write_gpkg(atlas, req, tmp_path / "real.gpkg")
    assert sum(written.values()) == len(doc["features"])
    for lid, n in written.items():
        assert len(gpd.read_file(tmp_path / "real.gpkg", layer=lid)) == n
