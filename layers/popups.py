"""Tooltips and popups: the feature's story with its sources, as escaped HTML.

Every value from the data goes through :func:`layers.safetext.html_text` (HTML-escaped and
inert for Jinja); URLs are shown as links only when they are plain ``http(s)`` URLs. The
browser side never builds HTML from data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from layers.dates import parse_date
from layers.safetext import html_text
from layers.sources import Bibliography
from layers.styling import CERTAINTY

__all__ = ["LANGUAGE_NAMES", "date_range_text", "figures_by_label", "format_figure", "popup_html", "tooltip_html"]

LANGUAGE_NAMES = {
    "ru": "Russian", "ja": "Japanese", "zh": "Chinese", "mn": "Mongolian", "ko": "Korean",
}
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$")


def _e(value: Any) -> str:
    return html_text(value)


def date_range_text(props: dict[str, Any]) -> str:
    """Readable date range, e.g. ``20 Aug 1939 – 31 Aug 1939`` (end shown inclusive)."""
    start = parse_date(props["start_date"])
    text = start.human()
    if props.get("start_date:edtf"):
        text += f" ({props['start_date:edtf']})"
    end = props.get("end_date")
    if end is None:
        return f"from {text}"
    e = parse_date(end)
    if e.precision == "day":
        import datetime as dt

        last = e.first - dt.timedelta(days=1)
        if last == start.first and start.precision == "day":
            return text
        end_text = f"{last.day} {last.strftime('%b %Y')}"
    else:
        end_text = e.human()
    if props.get("end_date:edtf"):
        end_text += f" ({props['end_date:edtf']})"
    return f"{text} – {end_text}"


def figures_by_label(props: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Figures grouped by label, so disagreeing sources sit side by side."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fig in props.get("figures") or []:
        groups[str(fig.get("label"))].append(fig)
    return dict(groups)


def format_figure(fig: dict[str, Any]) -> str:
    """A figure as text: ``57,000 men``, ``50,000–60,000 men``."""
    def n(x: Any) -> str:
        x = float(x)
        return f"{int(x):,}" if x.is_integer() else f"{x:,}"

    text = n(fig["value"])
    if fig.get("value_max") is not None:
        text += f"–{n(fig['value_max'])}"
    if fig.get("unit"):
        text += f" {fig['unit']}"
    return text


def tooltip_html(props: dict[str, Any]) -> str:
    """One-line tooltip: name and dates."""
    return f"<b>{_e(props['name'])}</b><br>{_e(date_range_text(props))}"


def _citation_html(key: str, bib: Bibliography) -> str:
    src = bib.entries.get(key)
    if src is None:
        return f"<li>[unknown source {_e(key)}]</li>"
    text = _e(bib.cite(key))
    if src.url and _SAFE_URL.match(src.url):
        url = _e(src.url)
        text = text.replace(url, f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>', 1)
    cls = ' class="seed"' if src.is_seed else ""
    return f"<li{cls}>{text}</li>"


def popup_html(props: dict[str, Any], bib: Bibliography, layer_title: str = "") -> str:
    """Full popup: names, dates, description, figures per source, certainty, sources.

    Parameters
    ----------
    props : dict
        The feature's properties.
    bib : Bibliography
        To turn source keys into full citations.
    layer_title : str
        Shown as a small heading.

    Returns
    -------
    str
        HTML with every data value escaped.
    """
    out = ['<div class="fef-popup">']
    if layer_title:
        out.append(f'<div class="fef-layer">{_e(layer_title)}</div>')
    out.append(f"<h4>{_e(props['name'])}</h4>")
    names = [
        f"{_e(LANGUAGE_NAMES.get(k.split(':')[1], k.split(':')[1]))}: {_e(v)}"
        for k, v in props.items()
        if k.startswith("name:") and isinstance(v, str)
    ]
    if names:
        out.append(f'<div class="fef-names">{" · ".join(names)}</div>')
    out.append(f'<div class="fef-dates">{_e(date_range_text(props))}</div>')
    out.append(f"<p>{_e(props['description'])}</p>")
    groups = figures_by_label(props)
    if groups:
        out.append('<table class="fef-figures"><tr><th>Figure</th><th>Value</th><th>Source</th></tr>')
        for label, figs in groups.items():
            for i, fig in enumerate(figs):
                head = _e(label) if i == 0 else ""
                note = f" <i>({_e(fig['note'])})</i>" if fig.get("note") else ""
                src = bib.entries.get(str(fig.get("source")))
                src_txt = _e(src.author or src.title) if src else _e(fig.get("source"))
                if src is not None and src.year:
                    src_txt += f" {_e(src.year)}"
                out.append(f"<tr><td>{head}</td><td>{_e(format_figure(fig))}{note}</td><td>{src_txt}</td></tr>")
            if len({(f['value'], f.get('value_max')) for f in figs}) > 1:
                out.append(f'<tr><td colspan="3" class="fef-disagree">Sources disagree on {_e(label.lower())}.</td></tr>')
        out.append("</table>")
    cert = props.get("certainty", "")
    prec = props.get("location_precision_m")
    prec_txt = f" · drawn within ±{_e(_fmt_distance(prec))}" if prec else ""
    cls = CERTAINTY.get(str(cert))
    cert_txt = f"<b>{_e(cls.label)}</b>: {_e(cls.text)}" if cls else _e(cert)
    out.append(f'<div class="fef-certainty fef-cert-{_e(cert)}">Geometry: {cert_txt}{prec_txt}</div>')
    if props.get("note"):
        out.append(f'<div class="fef-note">Note: {_e(props["note"])}</div>')
    keys = list(dict.fromkeys(props.get("sources") or []))
    if keys:
        out.append('<div class="fef-sources">Sources:<ol>')
        out.extend(_citation_html(k, bib) for k in keys)
        out.append("</ol></div>")
    out.append("</div>")
    return "".join(out)


def _fmt_distance(metres: Any) -> str:
    m = float(metres)
    return f"{m / 1000:g} km" if m >= 1000 else f"{m:g} m"
