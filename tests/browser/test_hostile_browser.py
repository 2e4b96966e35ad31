"""The hostile-text corpus in the real browser: through an uploaded layer and through URL values.

Nothing may be evaluated or injected: no dialog opens, ``window.__pwned`` stays unset in the
page and in the map frame, no element gains an event-handler attribute or a ``javascript:``
link, no template expression is computed ("X{{7*7}}Y" never shows as "X49Y"); and the text
is shown as text (popups, labels and the layer's legend entry read back literally).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fefpage import _JS_MAP, MapPage, open_app
from hostile import EVAL_MARK, EVAL_NUMBER, SHORT
from playwright.sync_api import expect

from layers.safetext import clean

pytestmark = pytest.mark.browser

UPLOAD = '[data-testid="stSidebar"] [data-testid="stFileUploader"] input[type="file"]'
# a hostile file name too: it becomes the layer's title in the sidebar, legend and popups
FILE_NAME = "x{{7*7}}<img src=x onerror=window.__pwned=99>.geojson"

JS_INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = (a.value || '').trim().toLowerCase();
      if (n.startsWith('on')) { bad.push(el.tagName + ' ' + n); }
      if ((n === 'href' || n === 'src' || n === 'action') && /^(javascript|vbscript|data:text\\/html)/.test(v)) {
        bad.push(el.tagName + ' ' + n + '=' + v.slice(0, 40));
      }
    }
  }
  for (const el of document.querySelectorAll('iframe, object, embed, base, meta[http-equiv]')) {
    const src = el.getAttribute('src') || el.getAttribute('data') || '';
    const equiv = (el.getAttribute('http-equiv') || '').toLowerCase();
    const ours = (el.tagName === 'IFRAME' && !/^\\s*javascript/i.test(src)) || (el.tagName === 'META' && equiv !== 'refresh');
    if (!ours) { bad.push(el.tagName + ' ' + (src || equiv).slice(0, 40)); }
  }
  return { pwned: window.__pwned === undefined ? null : String(window.__pwned), bad: bad };
}"""


def _assert_clean(page: Any, mp: MapPage, dialogs: list[str]) -> None:
    for where, ctx in (("page", page), ("map frame", mp.frame)):
        got = ctx.evaluate(JS_INJECTED)
        assert got["pwned"] is None, f"{where}: a script payload ran (window.__pwned={got['pwned']})"
        assert not got["bad"], f"{where}: injected handlers or links: {got['bad'][:5]}"
        text = ctx.evaluate("() => document.body.innerText")
        assert EVAL_MARK not in text and EVAL_NUMBER not in text and "X49Y" not in text, f"{where}: evaluated"
    assert not dialogs, f"a dialog opened: {dialogs}"


def _fc() -> str:
    feats = []
    for i, s in enumerate(SHORT):
        lon, lat = 119.0 + (i % 12) * 0.5, 44.0 + (i // 12) * 0.5
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                      "properties": {"name": s, "description": s, "note": s,
                                     "start_date": "1918-01-01", "end_date": "1945-09-02"}})
    return json.dumps({"type": "FeatureCollection", "features": feats})


def test_hostile_layer_is_shown_as_text(page: Any, app_url: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    mp = open_app(page, app_url, "?date=1939-08-20")
    before = mp.drawn_ids()
    src = tmp_path / FILE_NAME
    src.write_text(_fc(), encoding="utf-8")
    page.locator(UPLOAD).set_input_files(str(src))
    expect(page.get_by_text(f"{len(SHORT)} feature(s) added", exact=False)).to_be_visible(timeout=30_000)
    mp.frame.wait_for_function(
        "(n) => { const l = window.__fef.loaded; return Object.keys(l).some(k => k.startsWith('user_') && l[k] === n); }",
        arg=len(SHORT), timeout=20_000)
    page.wait_for_timeout(300)
    mine = sorted(i for i in mp.drawn_ids() if i not in before)
    assert len(mine) == len(SHORT)
    # every popup's content, parsed as Leaflet puts it into the page (as HTML), read back as text
    texts = mp.frame.evaluate(
        "(ids) => { const m = " + _JS_MAP + "; const out = []; m.eachLayer(l => { if (ids.includes(l.fefId) && "
        "l.getPopup && l.getPopup()) { const c = l.getPopup().getContent(); const d = document.createElement('div');"
        " d.innerHTML = typeof c === 'string' ? c : c.outerHTML; out.push(d.textContent); } }); return out; }", mine)
    # and one popup really opened on the map, to run whatever the page would run
    mp.frame.evaluate(
        "(id) => { const m = " + _JS_MAP + "; m.eachLayer(l => { if (l.fefId === id) { l.openPopup(); } }); }", mine[0])
    page.wait_for_timeout(300)
    assert len(texts) == len(SHORT)
    joined = "\n".join(texts)
    for s in SHORT:
        shown = " ".join(clean(s).split())
        assert shown in " ".join(joined.split()), f"not shown literally in a popup: {s!r}"
    # the legend and the layer's checkbox show the hostile file name as text
    legend = mp.frame.locator(".fef-legend")
    assert "{{7*7}}<img" in " ".join(legend.all_inner_texts()) or "{{7*7}}" in page.locator(
        '[data-testid="stSidebar"]').inner_text()
    _assert_clean(page, mp, dialogs)


URL_VALUES = [s for s in SHORT if "\x00" not in s][:40]


CHUNKS = [URL_VALUES[i:i + 8] for i in range(0, len(URL_VALUES), 8)]


PARAMS = ["date", "campaign", "layers", "basemap", "view", "compare", "tour", "step"]


@pytest.mark.parametrize("chunk", range(len(CHUNKS)))
def test_hostile_url_values_are_text(page: Any, app_url: str, chunk: int) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    values = CHUNKS[chunk]
    # every parameter gets the chunk's values (a repeated parameter is reported), each parameter
    # starting at another value so every value is once the one used; the next chunk's values
    # are also sent as unknown parameter names
    parts = []
    for j, param in enumerate(PARAMS):
        rotated = values[j % len(values):] + values[:j % len(values)]
        parts += [f"{param}={quote(s, safe='')}" for s in rotated]
    parts += [f"{quote(s[:20], safe='')}=1" for s in CHUNKS[(chunk + 1) % len(CHUNKS)]]
    page.goto(app_url + "/?" + "&".join(parts), wait_until="domcontentloaded")
    mp = MapPage(page)
    mp.wait_ready(60)
    expect(page.locator('[data-testid="stAlert"]').first).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    _assert_clean(page, mp, dialogs)
