"""Errors raised by the exports.

Both carry a one-line, human message meant to be shown as is (in the app or by the
command line), never a traceback.
"""

from __future__ import annotations

__all__ = ["ExportError", "ExportUnavailable"]


class ExportError(ValueError):
    """The export request is wrong: a bad date, an unknown layer, bad bounds or size."""


class ExportUnavailable(RuntimeError):
    """The export cannot run on this machine (no Chromium, no Playwright, no ffmpeg)."""
