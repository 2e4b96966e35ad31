"""Units tables, phases and tours (geodata/SCHEMA.md, "Campaign maps"): build, checks, messages."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError
from testpaths import REPO, TEST_DATA

from layers.campaign_data import (
    UNITS_LAYERS,
    CampaignDataError,
    check_campaign_files,
    check_phases,
    check_tour,
    check_units,
    load_tour,
    load_units,
    unit_features,
)
from layers.catalog import load_campaigns
from layers.loading import load_atlas
from layers.schema import Campaign
from layers.sources import load_bibliography

FIXTURE = TEST_DATA / "campaign" / "geodata"
SOURCES = TEST_DATA / "sources"
BUILD = REPO / "scripts" / "build_units.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), *args], check=False, capture_output=True, text=True, cwd=REPO)


def test_real_units_layers_up_to_date():
    res = _run("--check")
    assert res.returncode == 0, res.stderr


def test_fixture_build_check_and_staleness(tmp_path):
    res = _run("--check", "--data-dir", str(FIXTURE), "--sources-dir", str(SOURCES))
    assert res.returncode == 0, res.stderr
    data = tmp_path / "geodata"
    shutil.copytree(FIXTURE, data)
    gj = data / "khalkhin_gol_1939_units.geojson"
    gj.write_text(gj.read_text().replace("118.62", "118.63"))
    res = _run("--check", "--data-dir", str(data), "--sources-dir", str(SOURCES))
    assert res.returncode == 1 and "out of date" in res.stderr
    assert _run("--data-dir", str(data), "--sources-dir", str(SOURCES)).returncode == 0
    assert (data / "khalkhin_gol_1939_units.geojson").read_text() == (FIXTURE / gj.name).read_text()


def test_fixture_layer_validates_and_has_every_kind():
    atlas = load_atlas(FIXTURE, SOURCES)
    assert atlas.errors == []
    gdf = atlas.layers["khalkhin_gol_1939_units"].gdf
    props = {p["id"]: p for p in gdf["properties"]}
    assert set(props) == {"kgu_ja_23div_19390701", "kgu_su_11tbde_19390703", "kgu_su_57corps", "kgu_mv_ja_crossing"}
    pos = props["kgu_ja_23div_19390701"]
    assert pos["kind"] == "unit" and pos["unit_id"] == "kgu_ja_23div" and pos["sidc"] == "SHGPUCI----I---"
    assert pos["echelon"] == "division" and pos["unit_type"] == "infantry" and pos["phase"] == "july_offensive"
    assert pos["where"] and pos["sources"] == ["test_web", "test_book"] and pos["campaign"] == "khalkhin_gol"
    assert props["kgu_su_11tbde_19390703"]["parent"] == "kgu_su_57corps"
    # listed, never drawn
    unlocated = gdf[gdf["id"] == "kgu_su_57corps"]
    assert unlocated.geometry.isna().all() or unlocated.geometry.is_empty.all()
    mv = props["kgu_mv_ja_crossing"]
    assert mv["kind"] == "movement" and mv["curved"] is True and mv["side"] == "japanese"
    line = gdf[gdf["id"] == "kgu_mv_ja_crossing"].geometry.iloc[0]
    assert line.geom_type == "LineString" and line.coords[0] == (118.70, 47.78)
    assert not check_campaign_files(FIXTURE, atlas.campaigns, atlas.specs, atlas.bibliography)


def test_real_campaign_files_check_clean(atlas):
    problems = check_campaign_files(REPO / "geodata", atlas.campaigns, atlas.specs, atlas.bibliography)
    assert problems == []


def test_specs_exist_for_every_units_layer():
    for layer_id, prefix, campaign in UNITS_LAYERS.values():
        spec = tomllib.loads((REPO / "geodata" / f"{layer_id}.toml").read_text())
        assert spec["prefix"] == prefix and spec["group"] == "campaign" and spec["allow_unlocated"] is True
        assert spec["licence"] == "CC-BY-4.0"
        assert campaign in load_campaigns(REPO / "geodata")[0]


# ---------------------------------------------------------------- refusals with a clear message


def _units_with(tmp_path: Path, old: str, new: str) -> Path:
    src = (FIXTURE / "src" / "units_khalkhin_gol_1939.toml").read_text()
    assert old in src
    p = tmp_path / "units_khalkhin_gol_1939.toml"
    p.write_text(src.replace(old, new, 1))
    return p


def _fixture_campaign() -> Campaign:
    camps, errors = load_campaigns(FIXTURE)
    assert not errors
    return camps["khalkhin_gol"]


@pytest.mark.parametrize("old,new,message", [
    ('echelon = "division"', 'echelon = "legion"', "unit kgu_ja_23div: echelon"),
    ('type = "armour"', 'type = "dragoons"', "unit kgu_su_11tbde: type"),
    ('coordinates = [118.62, 47.71]', 'coordinates = [47.71, 118.62]', "unit kgu_ja_23div: position.0.coordinates"),
    ('end_date = "1939-07-06"', 'end_date = "1939-06-06"', "is not before end_date"),
    ('side = "japanese"', 'side = "martian"', "unit kgu_ja_23div: side"),
    ('where = "Fixture position east of the river."\n', '', "position.0.where"),
    ('path = [[118.70, 47.78], [118.64, 47.80], [118.58, 47.79]]', 'path = [[118.70, 47.78]]', "movement kgu_mv_ja_crossing: path"),
])
def test_units_record_refused(tmp_path, old, new, message):
    with pytest.raises(CampaignDataError) as exc:
        load_units(_units_with(tmp_path, old, new))
    assert message in str(exc.value)
    assert "units_khalkhin_gol_1939.toml" in str(exc.value)


@pytest.mark.parametrize("old,new,message", [
    ('parent = "kgu_su_57corps"', 'parent = "kgu_nobody"', "parent 'kgu_nobody' is not a unit of this file"),
    ('id = "kgu_su_11tbde"', 'id = "xx_su_11tbde"', "must start with the layer prefix 'kgu_'"),
    ('unit = "kgu_ja_23div"', 'unit = "kgu_ghost"', "unit 'kgu_ghost' is not a unit of this file"),
    ('phase = "july_offensive"\nsources = ["test_web"]', 'phase = "august"\nsources = ["test_web"]',
     "phase 'august' is not a phase of the campaign"),
    ('phase = "july_offensive"\nsources = ["test_web"]', 'phase = "may_clashes"\nsources = ["test_web"]',
     "do not overlap phase 'may_clashes'"),
    ('sources = ["test_web"]', 'sources = ["nobody1999"]', "source key 'nobody1999' is not in the bibliography"),
])
def test_units_references_refused(tmp_path, old, new, message):
    units = load_units(_units_with(tmp_path, old, new))
    problems = check_units(units, file="u.toml", prefix="kgu_", campaign=_fixture_campaign(),
                           source_keys=load_bibliography(SOURCES))
    assert any(message in p for p in problems), problems


def test_unlocated_unit_is_null_geometry_with_campaign_dates():
    feats = unit_features(load_units(FIXTURE / "src" / "units_khalkhin_gol_1939.toml"), _fixture_campaign())
    corps = next(f for f in feats if f["properties"]["id"] == "kgu_su_57corps")
    assert corps["geometry"] is None
    assert (corps["properties"]["start_date"], corps["properties"]["end_date"]) == ("1939-05-11", "1939-09-17")


def _campaign_table(**phase_changes: object) -> dict:
    raw = tomllib.loads((FIXTURE / "campaigns.toml").read_text())["khalkhin_gol"]
    raw["phases"][1].update(phase_changes)
    return raw


@pytest.mark.parametrize("changes,message", [
    ({"start": "1939-05-20"}, "overlaps phase 'may_clashes'"),
    ({"start": "1939-05-01", "end": "1939-05-09", "default_date": None}, "is not inside the campaign"),
    ({"end": "1939-10-01"}, "is not inside the campaign"),
    ({"end": "1939-06-30"}, "is not before end"),
    ({"default_date": "1939-08-01"}, "default_date 1939-08-01 is not in [start, end)"),
    ({"id": "may_clashes"}, "phase id 'may_clashes' is used twice"),
])
def test_phases_refused(changes, message):
    with pytest.raises(ValidationError) as exc:
        Campaign(id="khalkhin_gol", **_campaign_table(**changes))
    assert message in str(exc.value)


def test_phases_out_of_order_refused():
    raw = _campaign_table()
    raw["phases"].reverse()
    with pytest.raises(ValidationError, match="starts before the phase 'july_offensive'"):
        Campaign(id="khalkhin_gol", **raw)


def test_phase_summary_length_and_sources():
    camp = Campaign(id="khalkhin_gol", **_campaign_table(summary="Too short.", sources=["nobody1999"]))
    problems = check_phases(camp, load_bibliography(SOURCES))
    assert any("phase july_offensive: summary has 2 words; write 40–90" in p for p in problems)
    assert any("source key 'nobody1999'" in p for p in problems)


def _tour_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (FIXTURE / "tours" / "khalkhin_gol.toml").read_text()
    assert old in text
    (tmp_path / "tours").mkdir(exist_ok=True)
    p = tmp_path / "tours" / "khalkhin_gol.toml"
    p.write_text(text.replace(old, new, 1))
    return p


@pytest.mark.parametrize("old,new,message", [
    ('layers = ["khalkhin_gol_1939_units"]', 'layers = ["no_such_layer"]', "layer 'no_such_layer' does not exist"),
    ('date = "1939-07-03"', 'date = "1939-10-03"', "is outside the campaign"),
    ('date = "1939-07-03"', 'date = "1939-06-15"', "is outside its phase 'july_offensive'"),
    ('phase = "july_offensive"', 'phase = "nope"', "phase 'nope' is not a phase of khalkhin_gol"),
    ('text = "A fixture', 'text = "Short." #', "text has 1 words; write 60–150"),
    ('sources = ["test_book"]', 'sources = ["nobody1999"]', "source key 'nobody1999'"),
])
def test_tour_references_refused(tmp_path, old, new, message):
    atlas = load_atlas(FIXTURE, SOURCES)
    tour = load_tour(_tour_with(tmp_path, old, new))
    problems = check_tour(tour, atlas.campaigns, atlas.specs, atlas.bibliography)
    assert any(message in p for p in problems), problems
    assert all(p.startswith("tours/khalkhin_gol.toml: step crossing") for p in problems)


@pytest.mark.parametrize("old,new,message", [
    ('date = "1939-07-03"', 'date = "1939-07"', "a tour step shows one day"),
    ('bounds = [[47.55, 118.35], [47.95, 118.90]]\n', '', "needs bounds, or center and zoom"),
    ('title = "Test step"', 'title = "Test step"\ncolour = "red"', "colour"),
])
def test_tour_record_refused(tmp_path, old, new, message):
    with pytest.raises(CampaignDataError, match="tours/khalkhin_gol.toml: step crossing") as exc:
        load_tour(_tour_with(tmp_path, old, new))
    assert message in str(exc.value)


def test_validate_cli_reports_campaign_problems(tmp_path):
    data = tmp_path / "geodata"
    shutil.copytree(FIXTURE, data)
    tour = data / "tours" / "khalkhin_gol.toml"
    tour.write_text(tour.read_text().replace('layers = ["khalkhin_gol_1939_units"]', 'layers = ["ghost_layer"]'))
    env = {"FEF_DATA_DIR": str(data), "FEF_SOURCES_DIR": str(SOURCES), "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-m", "layers.validate"], check=False, capture_output=True, text=True, cwd=REPO, env=env)
    assert res.returncode == 1
    assert "tours/khalkhin_gol.toml: step crossing: layer 'ghost_layer' does not exist" in res.stdout
