"""The repository's own layout rules that a green run on one machine can hide."""

from __future__ import annotations

from collections import Counter

from testpaths import REPO


def test_test_module_names_are_unique():
    # tests/ and tests/browser/ are not packages: two modules with one name stop the whole
    # suite at collection ("import file mismatch"), which a run of one folder never shows
    names = Counter(p.name for p in (REPO / "tests").rglob("test_*.py"))
    assert not [n for n, k in names.items() if k > 1], names.most_common(3)


def test_top_level_is_as_specified():
    for name in ("app.py", "geodata", "layers", "sources", "tests", "requirements.txt", "README.md", ".ci/run"):
        assert (REPO / name).exists(), name
