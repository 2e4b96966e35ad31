"""Time slicing at boundary dates, open ends and year precision."""


from layers.dates import to_day
from layers.slicing import change_days, mask_at, slice_at, slice_atlas


def ids(gdf):
    return set(gdf["id"])


def test_half_open_boundaries(sample_atlas):
    gdf = sample_atlas.layers["sample_sites"].gdf
    # ts_advance: [1939-08-20, 1939-09) -> last day 1939-09-30
    assert "ts_advance" not in ids(slice_at(gdf, "1939-08-19"))
    assert "ts_advance" in ids(slice_at(gdf, "1939-08-20"))
    assert "ts_advance" in ids(slice_at(gdf, "1939-09-30"))
    assert "ts_advance" not in ids(slice_at(gdf, "1939-10-01"))


def test_year_precision(sample_atlas):
    gdf = sample_atlas.layers["sample_sites"].gdf
    # ts_zone: start 1939, end 1940 -> whole of 1939 and 1940
    assert "ts_zone" not in ids(slice_at(gdf, "1938-12-31"))
    assert "ts_zone" in ids(slice_at(gdf, "1939-01-01"))
    assert "ts_zone" in ids(slice_at(gdf, "1940-12-31"))
    assert "ts_zone" not in ids(slice_at(gdf, "1941-01-01"))


def test_missing_end_means_still_exists(sample_atlas):
    gdf = sample_atlas.layers["sample_sites"].gdf
    assert "ts_vladivostok" in ids(slice_at(gdf, "1945-09-02"))
    assert "ts_vladivostok" not in ids(slice_at(gdf, "1860-07-01"))


def test_mask_accepts_day_numbers_and_dates(sample_atlas):
    gdf = sample_atlas.layers["sample_sites"].gdf
    import datetime as dt

    a = mask_at(gdf, to_day("1939-08-25"))
    b = mask_at(gdf, dt.date(1939, 8, 25))
    assert (a == b).all() and a.sum() == 3


def test_slice_atlas_only_non_empty_requested(sample_atlas):
    assert list(slice_atlas(sample_atlas, "1939-08-25")) == ["sample_sites"]
    assert slice_atlas(sample_atlas, "1939-08-25", layer_ids=[]) == {}


def test_change_days_sorted_and_finite(sample_atlas):
    days = change_days(sample_atlas)
    assert list(days) == sorted(set(days))
    assert to_day("1939-08-20") in days and to_day("1939-10-01") in days


def test_search_events(atlas):
    from layers.panels import search_events

    hits = search_events(atlas, "ceasefire khasan")
    assert len(hits) >= 1 and all("khasan" in (n + d).lower() for n, d in zip(hits["name"], hits["description"]))
    assert list(hits["day"]) == sorted(hits["day"])
    assert len(search_events(atlas, "zzzz-no-such-event")) == 0
    assert len(search_events(atlas, "", "khalkhin_gol")) >= 10
