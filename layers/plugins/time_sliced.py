"""``TimeSlicedLayers``: client-side time filtering for a folium map.

The browser holds every feature of the visible layers with its half-open day interval and
shows those that exist on the bar's date; moving the date never reloads the map. Layers
are loaded from bundle URLs on first use (or embedded, for standalone files). Inside a
Streamlit custom component the plugin reports the date and view back to Python and obeys
the layer choice and date/view requests sent by Python.

No template engine ever sees the data: branca's ``MacroElement.render`` would compile the
output of each macro as a new Jinja template (so ``{{7*7}}`` in a name became ``49`` and a
crafted property could run code). This element renders its ``<style>`` and ``<script>``
itself and adds them to the figure as :class:`layers.safetext.RawElement`, which are
emitted verbatim.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from branca.element import Figure, MacroElement

from layers.safetext import RawElement, script_json

__all__ = ["TimeSlicedLayers", "safe_json"]

_HERE = Path(__file__).parent
#: Extensions loaded after ``time_sliced.js`` (each registers in ``window.fefExtensions`` and
#: gets the plugin's internals): explorer controls (events, speed, loop, link, full screen,
#: overlap picker, phone layout), the two-date comparison, and campaign_nav (campaign range,
#: phase ticks and buttons, the standalone tour box), units (unit symbols, the legend of what
#: is drawn, label collisions), detail_basemap (the battle sectors' detail basemap, fetched
#: when zoomed in). A missing file is skipped.
EXTENSIONS = ("explorer", "compare", "campaign_nav", "units", "detail_basemap")


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element and is inert for Jinja.

    See :func:`layers.safetext.script_json` (this name is kept for callers).
    """
    return script_json(value)


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

    def __init__(self, config: dict[str, Any]):
        super().__init__()
        self._name = "TimeSlicedLayers"
        self.config = config
        self.config_json = script_json(config)
        self.js = (_HERE / "time_sliced.js").read_text(encoding="utf-8")
        self.css = (_HERE / "time_sliced.css").read_text(encoding="utf-8")
        for ext in EXTENSIONS:
            for suffix in ("js", "css"):
                path = _HERE / f"{ext}.{suffix}"
                if path.exists():
                    text = path.read_text(encoding="utf-8")
                    if suffix == "js":
                        self.js += "\n" + text
                    else:
                        self.css += "\n" + text

    def render(self, **kwargs: Any) -> str:
        """Add the style and the script to the figure, as text (no Jinja involved).

        Returns
        -------
        str
            Always empty: the element writes into the figure's header and script, not in place.
        """
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("TimeSlicedLayers must be added to a map inside a Figure before rendering")
        parent = self._parent
        if parent is None:
            raise TypeError("TimeSlicedLayers must be added to a map before rendering")
        figure.header.add_child(RawElement(f"<style>{self.css}</style>"), name=self.get_name())
        # the map's JS variable name is a folium-generated identifier (map_<hex>), not data
        script = f"{self.js}\nfefTimeSliced({parent.get_name()}, {self.config_json});\n"
        figure.script.add_child(RawElement(script), name=self.get_name())
        return ""
