"""Popups and tooltips: hostile text is escaped, numbers carry their sources."""

from layers.popups import date_range_text, popup_html, tooltip_html


def props(sample_atlas, fid):
    return sample_atlas.feature(fid)[1]


def test_hostile_name_is_escaped(sample_atlas):
    p = props(sample_atlas, "ts_zone")
    html = popup_html(p, sample_atlas.bibliography, "Layer <i>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Layer &lt;i&gt;" in html
    assert "&quot;quotes&quot;" in html
    assert "<script>" not in tooltip_html(p)


def test_hostile_url_is_not_a_link(sample_atlas):
    import copy

    bib = copy.deepcopy(sample_atlas.bibliography)
    bib.entries["test_web"] = bib.entries["test_web"].model_copy(update={"url": "javascript:alert(1)"})
    html = popup_html(props(sample_atlas, "ts_zone"), bib)
    assert "href=\"javascript" not in html


def test_figures_side_by_side_with_sources(sample_atlas):
    html = popup_html(props(sample_atlas, "ts_advance"), sample_atlas.bibliography)
    assert "57,000 men" in html and "50,000–60,000 men" in html
    assert "Sources disagree on strength" in html
    assert "Author, Ann 1985" in html


def test_sources_are_full_citations_and_seeds_marked(sample_atlas):
    html = popup_html(props(sample_atlas, "ts_advance"), sample_atlas.bibliography)
    assert "Author, Ann. A Book. Press, 1985." in html
    assert 'class="seed"' in html and "unreliable" in html


def test_other_language_names(sample_atlas):
    assert "Russian: Владивосток" in popup_html(props(sample_atlas, "ts_vladivostok"), sample_atlas.bibliography)


def test_date_range_text():
    assert date_range_text({"start_date": "1939-08-20", "end_date": "1939-08-21"}) == "20 Aug 1939"
    assert date_range_text({"start_date": "1939-08-20", "end_date": "1939-09-01"}) == "20 Aug 1939 – 31 Aug 1939"
    assert date_range_text({"start_date": "1860", "end_date": None}) == "from 1860"


def test_short_citations(sample_atlas):
    bib = sample_atlas.bibliography
    assert bib.short("test_book") == "Author 1985"
    assert bib.short("test_web") == "A page"
    assert bib.short("nope").startswith("[unknown source")
