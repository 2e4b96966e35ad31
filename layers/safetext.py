"""One choke point for text from data, uploads, URLs and the command line.

Every piece of text that did not come from the code itself (feature names, descriptions,
layer titles, source citations, a ``--title``) passes through one of these functions on
its way to an output, and nowhere else is such text turned into markup:

- :func:`html_text` — for HTML built in Python (popups, tooltips, the standalone
  ``<title>``): HTML-escaped **and** inert for Jinja, because folium/branca render element
  output through Jinja a second time (``branca.element.MacroElement.render`` wraps each
  macro's output in ``Element(template=...)``, i.e. ``jinja2.Template(output)``).
- :func:`script_json` — for values placed in a ``<script>`` element: JSON that cannot close
  the script, open a comment or contain Jinja delimiters.
- :class:`RawElement` — a branca element whose text is emitted verbatim, never parsed as a
  template; :class:`layers.plugins.time_sliced.TimeSlicedLayers` uses it so no data ever
  reaches Jinja as template source.
- :func:`mpl_text` and :func:`make_figure_text_safe` — for matplotlib: no mathtext
  (``$x^2$`` stays literal), no characters that make SVG invalid XML.
- :func:`markdown_text` — for Streamlit labels, captions and messages (Markdown).
- :func:`safe_filename` — for names of exported files.

The *displayed form* of a text (:func:`clean`) is the text itself with the characters no
output can carry replaced by U+FFFD: C0 control characters other than tab and newline,
carriage returns (a newline), lone surrogates and the non-characters U+FFFE/U+FFFF. All
other characters — ``<``, ``{{``, ``$``, bidi controls, emoji, CJK extension B — survive
literally in every output.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any

from branca.element import Element

__all__ = [
    "REPLACEMENT",
    "RawElement",
    "clean",
    "html_text",
    "make_figure_text_safe",
    "markdown_text",
    "mpl_text",
    "safe_filename",
    "script_json",
]

#: What a character that cannot be carried is shown as.
REPLACEMENT = "\ufffd"
# C0 controls except TAB and LF; lone surrogates; U+FFFE, U+FFFF. (CR handled separately.)
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def clean(text: Any) -> str:
    """The displayed form of ``text``: what every output shows.

    Parameters
    ----------
    text : Any
        Converted with :class:`str` (``None`` becomes ``""``).

    Returns
    -------
    str
        ``text`` with CR LF and CR made LF, DEL and the C0 controls other than TAB and LF,
        lone surrogates, U+FFFE and U+FFFF replaced by U+FFFD.

    Examples
    --------
    >>> clean("a\\x00b\\r\\nc")
    'a\\ufffdb\\nc'
    """
    if text is None:
        return ""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _BAD.sub(REPLACEMENT, s)


def html_text(text: Any) -> str:
    """``text`` as HTML text or attribute content, inert for HTML and for Jinja.

    ``< > & " '`` become entities (:func:`html.escape`) and so do ``{`` and ``}``
    (``&#123;`` / ``&#125;``), so no ``{{``, ``{%`` or ``{#`` survives for a template
    engine to evaluate, whatever renders the result afterwards. The browser shows the
    entities as the original characters.

    Parameters
    ----------
    text : Any

    Returns
    -------
    str

    Examples
    --------
    >>> html_text("X{{7*7}}<b>")
    'X&#123;&#123;7*7&#125;&#125;&lt;b&gt;'
    """
    return html.escape(clean(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def script_json(value: Any) -> str:
    """JSON text of ``value`` that is safe inside ``<script>`` and inert for Jinja.

    ``<``, ``>``, ``&``, U+2028 and U+2029 become ``\\u`` escapes (no ``</script>``, no
    ``<!--``), and a ``{`` that starts ``{{``, ``{%`` or ``{#`` becomes ``\\u007b``. Such a
    brace can only be inside a JSON string (structural braces are followed by ``"`` or
    ``}``), so the escape never changes the parsed value.

    Parameters
    ----------
    value : Any
        Anything :func:`json.dumps` accepts.

    Returns
    -------
    str
        ``JSON.parse`` of it (or evaluating it as a JS expression) gives ``value`` back.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return _JINJA_OPEN.sub(r"\\u007b", text)


_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: Any) -> str:
    r"""``text`` shown literally by a Markdown renderer (Streamlit labels and messages).

    Every ASCII punctuation character is backslash-escaped (CommonMark allows exactly
    these), so data can make no link, image, emphasis, HTML, entity, ``$`` math or
    Streamlit ``:colour[...]``/``:emoji:`` directive.

    Examples
    --------
    >>> print(markdown_text("[x](javascript:alert(1)) $x^2$"))
    \[x\]\(javascript\:alert\(1\)\) \$x\^2\$
    """
    return _MD_PUNCT.sub(r"\\\1", clean(text))


class RawElement(Element):
    """A branca element that renders to its text, verbatim, never through Jinja.

    ``branca.element.Element(template=text)`` compiles ``text`` as a Jinja template; this
    keeps the text as it is, so data inside it is never evaluated.

    Parameters
    ----------
    text : str
        Final HTML/JS/CSS text.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawElement"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text, unchanged."""
        return self.text


def mpl_text(text: Any) -> str:
    """``text`` ready for a matplotlib Text drawn with ``parse_math=False``.

    The displayed form (:func:`clean`) with TAB made a space and U+FEFF (zero width
    no-break space, the byte order mark) made U+2060 (word joiner, its modern equivalent):
    matplotlib's PDF font subsetting fails on U+FEFF. ``$`` and ``\\`` stay as they are,
    because mathtext is off for every export text (see :func:`make_figure_text_safe`).
    """
    return clean(text).replace("\t", " ").replace("\ufeff", "\u2060")


def make_figure_text_safe(fig: Any) -> None:
    """Make every text of a matplotlib figure literal and XML-safe, in place.

    Turns off mathtext and TeX on each :class:`matplotlib.text.Text` and replaces its
    string by :func:`mpl_text`, so ``$`` never starts math, a stray ``$`` never raises, and
    control characters never reach an SVG (where they are invalid XML).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    """
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        t.set_usetex(False)
        t.set_parse_math(False)
        s = t.get_text()
        safe = mpl_text(s)
        if safe != s:
            t.set_text(safe)


_FILE_UNSAFE = re.compile(r"[^a-z0-9]+")


def safe_filename(text: Any, default: str = "map", max_len: int = 80) -> str:
    """A file name part made of ``[a-z0-9-]`` only.

    Lower case, accents folded (``Khalkhin Göl`` → ``khalkhin-gol``), every other run of
    characters becomes one ``-``: no path separator, no dot, no control character, never
    empty.

    Parameters
    ----------
    text : Any
    default : str
        Used when nothing is left.
    max_len : int

    Returns
    -------
    str

    Examples
    --------
    >>> safe_filename("../../etc/passwd")
    'etc-passwd'
    """
    s = unicodedata.normalize("NFKD", clean(text)).encode("ascii", "ignore").decode("ascii")
    s = _FILE_UNSAFE.sub("-", s.lower()).strip("-")[:max_len].strip("-")
    return s or default
