"""Vendored browser assets (``static/vendor/``) and how maps point at them.

Folium loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default; with no
internet the map is blank. The atlas needs only Leaflet (and milsymbol for unit symbols):
jQuery serves folium's Popup and bring-to-front helpers, which the atlas does not use
(its plugin builds popups from text nodes), so it is not loaded: one request less before the
first map. Here every map uses the copies vendored by
``scripts/vendor_assets.py``: by URL when served (Streamlit's static file serving at
``/app/static/``), or inlined for a standalone HTML file.
"""

from __future__ import annotations

import re
from pathlib import Path

import folium

from layers.catalog import REPO_ROOT

__all__ = ["LAZY_JS", "STATIC_URL", "VENDOR_DIR", "inline_assets", "lazy_js_urls", "local_js_css", "use_local_assets"]

VENDOR_DIR = REPO_ROOT / "static" / "vendor"
#: Where Streamlit serves ``static/`` (``server.enableStaticServing``).
STATIC_URL = "/app/static"

_JS = [
    ("leaflet", "leaflet/leaflet.js"),
    # unit symbols (SVG from a SIDC) for the campaign layers
    ("milsymbol", "milsymbol/milsymbol.js"),
]
#: Scripts a served page loads only when it needs them (:data:`LAZY_JS`), by URL
#: (``cfg["lazy_js"]``): milsymbol is 0.86 MB that the overview never uses, and parsing it
#: before the map's own scripts cost about a tenth of the first map's time.
LAZY_JS = ("milsymbol",)
_CSS = [("leaflet_css", "leaflet/leaflet.css")]


def local_js_css(base_url: str, *, lazy: bool = False) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Folium-style ``(name, url)`` lists of the vendored JS and CSS under ``base_url``.

    Parameters
    ----------
    base_url : str
        URL of ``static/vendor`` as the page will see it (e.g. ``/app/static/vendor``).
    lazy : bool, optional
        Leave out the scripts of :data:`LAZY_JS` (the page loads them on demand from
        :func:`lazy_js_urls`). Default: every script (a standalone file inlines them all).
    """
    base = base_url.rstrip("/")
    js = [(n, f"{base}/{p}") for n, p in _JS if not (lazy and n in LAZY_JS)]
    return js, [(n, f"{base}/{p}") for n, p in _CSS]


def lazy_js_urls(base_url: str) -> dict[str, str]:
    """URL of each on-demand script (:data:`LAZY_JS`) under ``base_url``, by name."""
    base = base_url.rstrip("/")
    return {n: f"{base}/{p}" for n, p in _JS if n in LAZY_JS}


def use_local_assets(m: folium.Map, base_url: str, *, lazy: bool = False) -> folium.Map:
    """Point a folium map at the vendored assets instead of CDNs.

    Bootstrap, Font Awesome and Awesome Markers are dropped: the atlas draws its markers
    as vector circles and needs none of them.

    Parameters
    ----------
    m : folium.Map
    base_url : str
        URL of ``static/vendor`` as the page will see it.
    lazy : bool, optional
        Leave the on-demand scripts (:data:`LAZY_JS`) out of the page's head.

    Returns
    -------
    folium.Map
        The same map (modified in place).
    """
    js, css = local_js_css(base_url, lazy=lazy)
    m.default_js = js
    m.default_css = css
    return m


_TAG = re.compile(
    r'<script src="(?P<js>[^"]+)"></script>|<link rel="stylesheet" href="(?P<css>[^"]+)"/>'
)


def inline_assets(html: str, base_url: str) -> str:
    """Replace references to vendored files under ``base_url`` by their content.

    Leaflet's CSS refers to its control images by relative URL; those become data URIs so
    the file needs nothing beside it.

    Parameters
    ----------
    html : str
        A rendered folium page that uses :func:`use_local_assets` with ``base_url``.
    base_url : str

    Returns
    -------
    str
        A self-contained page.
    """
    import base64

    base = base_url.rstrip("/") + "/"

    def sub(m: re.Match[str]) -> str:
        url = m["js"] or m["css"]
        if not url.startswith(base):
            return m.group(0)
        path = VENDOR_DIR / url[len(base):]
        text = path.read_text(encoding="utf-8")
        if m["js"]:
            return "<script>" + text.replace("</script", "<\\/script") + "</script>"

        def img(mm: re.Match[str]) -> str:
            data = base64.b64encode((path.parent / mm[1]).read_bytes()).decode()
            return f"url(data:image/png;base64,{data})"

        text = re.sub(r"url\((images/[a-z0-9-]+\.png)\)", img, text)
        return "<style>" + text + "</style>"

    return _TAG.sub(sub, html)


def vendor_file(rel: str) -> Path:
    """Path of a vendored file (``leaflet/leaflet.js``)."""
    return VENDOR_DIR / rel
