"""Validation: a bad layer file is refused with errors naming file, feature and field."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from testpaths import TEST_DATA

from layers.catalog import load_spec
from layers.loading import MAX_FILE_BYTES, LayerLoadError, load_atlas, parse_layer
from layers.sources import load_bibliography

SPEC = load_spec(TEST_DATA / "geodata" / "sample_sites.toml")
BIB = load_bibliography(TEST_DATA / "sources")
GOOD = json.loads((TEST_DATA / "geodata" / "sample_sites.geojson").read_text())


def errors_for(doc) -> list[str]:
    data = doc if isinstance(doc, (str, bytes)) else json.dumps(doc)
    with pytest.raises(LayerLoadError) as info:
        parse_layer(data, SPEC, file="bad.geojson", bibliography=BIB)
    return [str(e) for e in info.value.errors]


def mutate(fn):
    doc = copy.deepcopy(GOOD)
    fn(doc)
    return doc


def test_good_file_loads():
    gdf = parse_layer(json.dumps(GOOD), SPEC, file="x.geojson", bibliography=BIB)
    assert list(gdf["id"]) == ["ts_vladivostok", "ts_advance", "ts_zone"]
    assert gdf.crs.to_epsg() == 4326
    assert gdf["start_day"].dtype.kind == "i"


def test_not_json():
    (msg,) = errors_for("{not json")
    assert msg.startswith("bad.geojson") and "not valid JSON" in msg


def test_not_a_feature_collection():
    (msg,) = errors_for({"type": "Feature"})
    assert "FeatureCollection" in msg


@pytest.mark.parametrize(
    "change, field, words",
    [
        (lambda d: d["features"][1]["properties"].update(start_date="1939-02-30"), "start_date", "real calendar date"),
        (lambda d: d["features"][1]["properties"].update(start_date="20 Aug 1939"), "start_date", "YYYY"),
        (lambda d: d["features"][1]["properties"].update(end_date="1939-08-01"), None, "not before"),
        (lambda d: d["features"][1]["properties"].update(start_date="1776"), "start_date", "outside"),
        (lambda d: d["features"][1]["properties"].pop("end_date"), None, "end_date is missing"),
        (lambda d: d["features"][1]["properties"].pop("sources"), "sources", "required"),
        (lambda d: d["features"][1]["properties"].update(sources=["nope"]), "sources", "not in the bibliography"),
        (lambda d: d["features"][1]["properties"].update(sources=["test_seed"]), "sources", "only seed"),
        (lambda d: d["features"][1]["properties"].update(certainty="sure"), "certainty", "Input should be"),
        (lambda d: d["features"][1]["properties"].update(id="kg_wrong"), "id", "prefix"),
        (lambda d: d["features"][2]["properties"].update(id="ts_advance"), "id", "duplicate"),
        (lambda d: d["features"][1]["properties"].update(location_precision_m=-5), "location_precision_m", "greater than 0"),
        (lambda d: d["features"][1]["properties"].update(**{"Bad Key": 1}), None, "not allowed"),
        (lambda d: d["features"][1]["properties"].update(extra={"nested": 1}), None, "must be a string"),
    ],
)
def test_property_errors_name_feature_and_field(change, field, words):
    msgs = errors_for(mutate(change))
    assert any(words in m for m in msgs), msgs
    assert all(m.startswith("bad.geojson, feature ") for m in msgs), msgs
    if field:
        assert any(f"field '{field}" in m for m in msgs), msgs


def test_invalid_geometry_reason_is_readable():
    bowtie = {"type": "Polygon", "coordinates": [[[118, 47], [119, 48], [119, 47], [118, 48], [118, 47]]]}
    msgs = errors_for(mutate(lambda d: d["features"][2].update(geometry=bowtie)))
    assert any("feature ts_zone" in m and "Self-intersection" in m for m in msgs), msgs


def test_swapped_coordinates_are_caught():
    msgs = errors_for(mutate(lambda d: d["features"][0]["geometry"].update(coordinates=[43.115, 131.885])))
    assert any("swapped" in m and "field 'geometry'" in m for m in msgs), msgs


def test_null_geometry_only_where_allowed():
    msgs = errors_for(mutate(lambda d: d["features"][0].update(geometry=None)))
    assert any("null geometry is not allowed" in m for m in msgs)


def test_crs_member_rejected():
    msgs = errors_for(mutate(lambda d: d.update(crs={"type": "name"})))
    assert any("crs" in m for m in msgs)


def test_oversized_file_rejected_before_parsing():
    (msg,) = errors_for(b" " * (MAX_FILE_BYTES + 1))
    assert "limit" in msg


def test_atlas_survives_a_broken_layer(tmp_path: Path):
    data = tmp_path / "geodata"
    shutil.copytree(TEST_DATA / "geodata", data)
    (data / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    (data / "broken.toml").write_text(
        (TEST_DATA / "geodata" / "sample_sites.toml").read_text().replace('prefix = "ts_"', 'prefix = "br_"'),
        encoding="utf-8",
    )
    atlas = load_atlas(data, TEST_DATA / "sources")
    assert "sample_sites" in atlas.layers and "broken" not in atlas.layers
    assert any(e.file == "broken.geojson" and "not valid JSON" in e.message for e in atlas.errors)


def test_data_file_without_spec_is_reported(tmp_path: Path):
    data = tmp_path / "geodata"
    shutil.copytree(TEST_DATA / "geodata", data)
    (data / "orphan.geojson").write_text(json.dumps(GOOD), encoding="utf-8")
    atlas = load_atlas(data, TEST_DATA / "sources")
    assert any("orphan.geojson" in str(e) and "no layer spec" in str(e) for e in atlas.errors)


def test_duplicate_source_key_across_files(tmp_path: Path):
    src = tmp_path / "sources"
    shutil.copytree(TEST_DATA / "sources", src)
    (src / "more.toml").write_text('[test_book]\ntype = "book"\ntitle = "X"\nreliability = "x"\n', encoding="utf-8")
    bib = load_bibliography(src)
    assert any("already defined" in e for e in bib.errors)
