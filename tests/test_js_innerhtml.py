"""Our map scripts give ``innerHTML`` constant markup only (issue 11: text from data or the URL
goes in with ``textContent`` or ``setAttribute``). A static check over ``layers/plugins/*.js``:
the right-hand side of every ``innerHTML =`` must be string literals joined with ``+``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[1] / "layers" / "plugins"
ASSIGN = re.compile(r"\binnerHTML\s*=(?!=)\s*(.*?);", re.DOTALL)
LITERAL = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")


def non_constant_assignments(source: str) -> list[str]:
    """The ``innerHTML`` assignments of ``source`` whose value is not only string literals."""
    bad = []
    for m in ASSIGN.finditer(source):
        rest = LITERAL.sub("", m.group(1))
        if rest.replace("+", "").strip():
            bad.append(m.group(0).strip())
    return bad


@pytest.mark.parametrize("path", sorted(PLUGINS.glob("*.js")), ids=lambda p: p.name)
def test_inner_html_gets_constant_markup_only(path):
    assert non_constant_assignments(path.read_text(encoding="utf-8")) == []


def test_the_check_can_fail():
    assert non_constant_assignments("el.innerHTML = '<b>' + name + '</b>';")
    assert non_constant_assignments("el.innerHTML = swatch(row[1], style);")
    assert not non_constant_assignments("el.innerHTML = '<summary>Legend</summary>';")
    assert not non_constant_assignments("if (a.innerHTML == b) { x = 1; }")
