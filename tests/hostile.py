"""A corpus of hostile text: strings that must be shown literally and never evaluated.

Used by ``tests/test_hostile_text.py`` (every output of the library) and
``tests/browser/test_hostile_browser.py`` (the real browser, through a layer and the URL).

Evaluation is detected by markers that exist only once the payload has run:

- template payloads compute :data:`EVAL_MARK` (``'EVAL' ~ 'UATED'`` …) or
  :data:`EVAL_NUMBER` (7 × 7 × 7 × 7 × 7 × 7 = 117649), so a rendered output that contains
  the marker evaluated something;
- command payloads try to create a file whose name contains :data:`PWN_FILE_MARK` in the
  current directory or in ``/tmp``;
- script payloads set ``window.__pwned`` or open a dialog (the browser test watches both).
"""

from __future__ import annotations

EVAL_MARK = "EVALUATED"
EVAL_NUMBER = "117649"
PWN_FILE_MARK = "fef_pwned_marker"

_TEMPLATE = [
    "X{{7*7}}Y",
    "{{ 'EVAL' ~ 'UATED' }}",
    "{{ 7*7*7*7*7*7 }}",
    "{%raw%}{{ 'EVAL' ~ 'UATED' }}{%endraw%}",
    "{% set x = 'EVAL' ~ 'UATED' %}{{ x }}",
    "{% for i in range(3) %}{{ 'EVAL' ~ 'UATED' }}{% endfor %}",
    "{# a comment that would vanish #}kept",
    "{{",
    "}}",
    "{%",
    "{% if %}",
    "{{ unbalanced",
    "{% endfor %}",
    "{{ self.__init__.__globals__ }}",
    "{{ config.items() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch /tmp/" + PWN_FILE_MARK + "_1').read() }}",
    "{{ lipsum.__globals__['os'].system('touch " + PWN_FILE_MARK + "_2') }}",
    "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "{{ request.application.__globals__.__builtins__.__import__('os').popen('touch /tmp/"
    + PWN_FILE_MARK + "_3') }}",
    "{{ this.parent }}{{ kwargs }}",
    "{{ \"%s%s\"|format('EVAL', 'UATED') }}",
    "{{ 7*'7' }}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{=7*7}}",
    "[[7*7]]",
    "{$smarty.version}",
    "@(7*7)",
]

_MARKUP = [
    "<script>window.__pwned=1</script>",
    "<SCRIPT SRC=//example.invalid/x.js></SCRIPT>",
    "</script><script>window.__pwned=2</script>",
    "<img src=x onerror=\"window.__pwned=3\">",
    "<svg onload=\"window.__pwned=4\">",
    "<svg><script>window.__pwned=5</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned=6\">",
    "<iframe src=\"javascript:window.top.__pwned=7\"></iframe>",
    "<a href=\"javascript:window.__pwned=8\">click me</a>",
    "javascript:window.__pwned=9",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "<body onload=\"window.__pwned=10\">",
    "<details open ontoggle=\"window.__pwned=11\">",
    "<input autofocus onfocus=\"window.__pwned=12\">",
    "<style>*{display:none}</style>",
    "<link rel=stylesheet href=\"data:text/css,*{display:none}\">",
    "<object data=\"javascript:alert(1)\">",
    "<embed src=\"javascript:alert(1)\">",
    "<base href=\"//example.invalid/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "\"><img src=x onerror=\"window.__pwned=13\">",
    "'><svg onload='window.__pwned=14'>",
    "\" onmouseover=\"window.__pwned=15\" x=\"",
    "' onclick='window.__pwned=16' x='",
    "<!--",
    "-->",
    "<![CDATA[ x ]]>",
    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;",
    "&lt;script&gt; already escaped &amp; &#60;b&#62;",
    "<b>bold</b> <i>italic</i> <u>u</u>",
    "<plaintext>",
    "<textarea></textarea><noscript><p title=\"</noscript><img src=x onerror=window.__pwned=17>\">",
    "`${window.__pwned=18}`",
    "');window.__pwned=19;//",
    "\";window.__pwned=20;//",
    "\\\";window.__pwned=21;//",
    "</style><script>window.__pwned=22</script>",
]

_MARKDOWN_AND_FORMATS = [
    "[link](javascript:window.__pwned=23)",
    "![img](http://example.invalid/x.png)",
    "**bold** _it_ `code` ~~s~~",
    ":red[coloured] :material/home: :smile:",
    "$x^2$ and $$\\frac{1}{2}$$",
    "a $ alone",
    "\\(x\\) \\[y\\] \\begin{equation}",
    "%s %d %(name)s {0} {name}",
    "%n%n%n",
    "../../../../etc/passwd",
    "C:\\Windows\\System32\\cmd.exe",
    "name\x00with NUL",
    "bell\x07 escape\x1b[31mred\x1b[0m",
    "carriage\rreturn and\r\nCRLF",
    "tab\there",
    "form\x0cfeed vertical\x0btab",
    "DEL\x7f char",
    "nonchars \ufffe \uffff",
]

_UNICODE = [
    "bidi \u202eoverride\u202c text",
    "\u2066isolate\u2069 \u200fRLM\u200e LRM",
    "zero\u200bwidth\u200djoiner\ufeffBOM",
    "line\u2028separator\u2029paragraph",
    "emoji 🗺️🇲🇳 and non-BMP 𠀀𪚥",
    "Халхин-Гол 諾門罕 ノモンハン Халх гол 할힌골",
    "combining a\u0301\u0302\u0303\u0304 z\u0336",
    "ﬁ ligature ＦＵＬＬＷＩＤＴＨ ① ⅻ",
    "\u0000\u0001\u0002",
    "عربي עברית mixed LTR",
]

_LONG = [
    "A" * 10_000,
    "{{" * 2_000,
    "<" * 5_000 + ">" * 5_000,
    ("Hsinking " * 1_250).strip(),
]

#: Every hostile string, in a stable order (≥ 80 entries).
HOSTILE: list[str] = _TEMPLATE + _MARKUP + _MARKDOWN_AND_FORMATS + _UNICODE + _LONG

#: Short hostile strings (≤ 200 characters): cheap enough for one export each.
SHORT: list[str] = [s for s in HOSTILE if len(s) <= 200]


def ids() -> list[str]:
    """pytest ids for :data:`HOSTILE`: index and a printable prefix."""
    out = []
    for i, s in enumerate(HOSTILE):
        head = "".join(c if c.isascii() and c.isprintable() else "?" for c in s[:24])
        out.append(f"{i:02d}-{head}")
    return out
