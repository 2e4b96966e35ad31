"""Search by any name variant (layers.search): scripts, romanisations, typos, dates, views."""

from __future__ import annotations

import datetime as dt

import pytest

from layers.search import MAX_QUERY_LEN, SearchIndex, fold
from layers.viewstate import ATLAS_END, ATLAS_START


@pytest.fixture(scope="module")
def index(atlas):
    return SearchIndex(atlas)


def near(hit, lat, lon, tol=0.3):
    return hit.center is not None and abs(hit.center[0] - lat) < tol and abs(hit.center[1] - lon) < tol


@pytest.mark.parametrize("query", ["Changkufeng", "changkufeng", "Zhanggufeng", "Chang-ku-feng", "Заозёрная",
                                   "Zaozernaya", "Zaozyornaya", "張鼓峰", "Changkufng"])
def test_lake_khasan_hill_by_every_name(index, query):
    hit = index.search(query, day=dt.date(1925, 1, 1))[0]
    assert hit.layer_id == "lake_khasan_1938", (query, hit)
    assert hit.date.year == 1938
    assert near(hit, 42.44, 130.59)


@pytest.mark.parametrize("query,feature", [
    ("Hsinking", "pl_hsinking"), ("Hsinkng", "pl_hsinking"), ("Mukden", "pl_mukden"),
    ("Shenyang", "pl_mukden"), ("Port Arthur", "pl_port_arthur"), ("Ryojun", "pl_port_arthur"),
    ("Lüshun", "pl_port_arthur"), ("Lushun", "pl_port_arthur"), ("Harbin", "pl_harbin"),
])
def test_places_by_romanisation_and_typos(index, query, feature):
    ids = [h.feature_id for h in index.search(query, day=dt.date(1935, 1, 1), limit=3)]
    assert feature in ids, (query, ids)


def test_nomonhan_and_khalkhin_gol_lead_to_the_1939_campaign(index):
    for q in ("Nomonhan", "ノモンハン", "Khalkhin Gol", "Халхин-Гол"):
        hit = index.search(q, day=dt.date(1925, 1, 1))[0]
        assert hit.date.year == 1939, (q, hit)
        assert near(hit, 47.75, 118.65, tol=0.5), (q, hit)


def test_a_whole_name_beats_a_word_inside_a_longer_name(index):
    hit = index.search("Mukden", day=dt.date(1945, 8, 15))[0]
    assert hit.feature_id == "pl_mukden" and hit.kind == "city"


def test_date_is_kept_when_the_feature_existed_then_and_moved_otherwise(index):
    harbin = index.search("Harbin", day=dt.date(1930, 5, 1))[0]
    assert harbin.date == dt.date(1930, 5, 1)
    hsinking = index.search("Hsinking", day=dt.date(1925, 1, 1))[0]
    assert hsinking.date == dt.date(1932, 3, 14)  # the day Changchun was renamed (State Council proclamation no. 2)
    later = index.search("Hsinking", day=dt.date(1945, 9, 2))[0]
    assert dt.date(1932, 3, 14) <= later.date < dt.date(1945, 9, 3)


def test_every_hit_day_lies_in_the_atlas_range_and_the_feature_exists_then(index, atlas):
    for q in ("Vladivostok", "Chita", "Kanchazu", "Tumen", "Sakhalin", "Amur", "Manchouli"):
        for hit in index.search(q, limit=10):
            assert ATLAS_START <= hit.date <= ATLAS_END
            row = atlas.layers[hit.layer_id].gdf.set_index("id").loc[hit.feature_id]
            day = (hit.date - dt.date(1970, 1, 1)).days
            lo, hi = ((d - dt.date(1970, 1, 1)).days for d in (ATLAS_START, ATLAS_END))
            if row.start_day <= hi and row.end_day > lo:  # it existed at some time the atlas shows
                assert row.start_day <= day < row.end_day, hit


def test_an_event_without_geometry_flies_to_the_places_it_names(index, atlas):
    chron = atlas.layers["chronology"].gdf
    unlocated = chron[chron.geometry.isna() & chron["properties"].map(lambda p: bool(p.get("places")))]
    assert len(unlocated), "the chronology has events located only by the places they name"
    props = unlocated.iloc[0]["properties"]
    hits = index.search(props["name"], limit=20, layers=["chronology"])
    hit = next(h for h in hits if h.feature_id == props["id"])
    assert hit.center is not None and hit.bounds is not None


def test_layers_filter_and_limit(index):
    hits = index.search("Vladivostok", layers=["places"], limit=2)
    assert hits and len(hits) <= 2 and {h.layer_id for h in hits} == {"places"}
    assert index.search("Vladivostok", limit=0) == []


@pytest.mark.parametrize("query", ["", " ", "x", "??", "{{7*7}}", "<script>alert(1)</script>", "\x00\x1f",
                                   "a" * 10_000, "🙂" * 50, "\u202eKhasan", "%", "'\"", "NaN"])
def test_odd_queries_never_raise(index, query):
    hits = index.search(query)
    assert isinstance(hits, list)
    assert len(query) <= MAX_QUERY_LEN or all(h.score >= 80 for h in hits)


def test_no_match_for_nonsense(index):
    assert index.search("qwertzuiopasdf") == []


def test_fold():
    assert fold("Zaozërnaya – Хасан") == "zaozernaya khasan"
    assert fold("Lüshun") == "lushun"
    assert fold("ノモンハン") == "nomonhan"


def test_view_zooms_to_the_feature(index):
    hill = index.search("Changkufeng")[0].view()
    city = index.search("Harbin")[0].view()
    assert hill is not None and city is not None
    assert hill[1] > city[1] >= 8
    area = next(h for h in index.search("Manchukuo", limit=10) if h.kind == "territory").view()
    assert area is not None and 4 <= area[1] <= 6


def test_hit_for_an_id(index, atlas):
    hit = index.hit_for("kh_battle", day=dt.date(1920, 1, 1))
    assert hit is not None and hit.date.year == 1938 and hit.center is not None
    assert index.hit_for("no_such_feature") is None


def test_campaign_features_are_shown_up_to_the_campaigns_last_day(index, atlas):
    """A campaign's ``end`` is the last day of its date bar (layers.tours.campaign_span): a hit
    for a feature drawn on that day, asked for on that day, keeps it (it used to jump to the
    campaign's default date, as if the last day were outside the campaign)."""
    import datetime as _dt

    from layers.dates import to_day

    checked = 0
    for lid, layer in atlas.layers.items():
        for i, props in enumerate(layer.gdf["properties"]):
            camp = atlas.campaigns.get(str(props.get("campaign") or ""))
            if camp is None or camp.id == "overview":
                continue
            end = min(to_day(_dt.date.fromisoformat(camp.end)), to_day(ATLAS_END))  # the bar stops at the atlas' end
            if int(layer.gdf["start_day"].iloc[i]) <= end < int(layer.gdf["end_day"].iloc[i]):
                hit = index.hit_for(str(props["id"]), day=end)
                assert hit is not None and hit.day == end, (lid, props["id"], hit and hit.day, end)
                checked += 1
    assert checked, "no feature outlives its campaign: the test checks nothing"
