"""Deterministic GeoJSON text for the build scripts that write ``geodata/``.

One feature per line (small, readable diffs), floats rounded, UTF-8 kept as is, so a
rebuild from the same inputs gives the same bytes and ``--check`` can compare text.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["dumps_features", "round_floats", "write_or_check"]


def round_floats(obj: Any, ndigits: int = 5) -> Any:
    """Round every float in a JSON-like structure (recursively)."""
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, ndigits) for v in obj]
    if isinstance(obj, dict):
        return {k: round_floats(v, ndigits) for k, v in obj.items()}
    return obj


def dumps_features(features: Sequence[Mapping[str, Any]], ndigits: int = 5) -> str:
    """A FeatureCollection as text, one feature per line, floats at ``ndigits`` decimals.

    Parameters
    ----------
    features : sequence of dict
        GeoJSON Feature objects.
    ndigits : int
        Decimals kept (5 ≈ 1 m).

    Returns
    -------
    str
        Ends with a newline.
    """
    lines = [json.dumps(round_floats(f, ndigits), ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_or_check(texts: Mapping[Path, str], *, check: bool, rebuild: str) -> int:
    """Write generated files, or with ``check`` report the stale ones.

    Parameters
    ----------
    texts : mapping of Path to str
        Output path and its new content.
    check : bool
        Compare only; write nothing.
    rebuild : str
        The command to name when files are stale.

    Returns
    -------
    int
        Exit status: 1 when ``check`` found a stale file, else 0.
    """
    stale = []
    for path, text in texts.items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10)) - 2} features)")
    if stale:
        print(f"out of date: {', '.join(stale)} (run {rebuild})", file=sys.stderr)
        return 1
    return 0
