"""``TimeSlicedLayers``: client-side time filtering for a folium map.

The browser holds every feature of the visible layers with its half-open day interval and
shows those that exist on the bar's date; moving the date never reloads the map. Layers
are loaded from bundle URLs on first use (or embedded, for standalone files). Inside a
Streamlit custom component the plugin reports the date and view back to Python and obeys
the layer choice and date/view requests sent by Python.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["TimeSlicedLayers", "safe_json"]

_HERE = Path(__file__).parent


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element (no ``</script>`` or ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


class TimeSlicedLayers(MacroElement):
    """Time-sliced overlay layers, a date bar and a bundled basemap.

    Parameters
    ----------
    config : dict
        ``start``, ``end``, ``day`` (int day numbers since 1970-01-01), ``events`` (days
        on which something changes), ``layers`` (list of ``{"id", "title", "order",
        "visible", "url" | "data"}``), ``basemap`` (``{"url" | "data"}``), ``online``
        (tile layers ``{"name", "url", "attribution"}`` offered but never loaded unless
        chosen), ``streamlit`` (bool), ``overlay_control`` (bool), ``height`` (px),
        ``icon_path``.
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.js }}
fefTimeSliced({{ this._parent.get_name() }}, {{ this.config_json }});
{% endmacro %}
"""
    )

    def __init__(self, config: dict[str, Any]):
        super().__init__()
        self._name = "TimeSlicedLayers"
        self.config = config
        self.config_json = safe_json(config)
        self.js = (_HERE / "time_sliced.js").read_text(encoding="utf-8")
        self.css = (_HERE / "time_sliced.css").read_text(encoding="utf-8")
