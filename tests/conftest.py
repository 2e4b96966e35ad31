"""Shared fixtures: the real atlas, the small test atlas, and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers import Atlas, load_atlas

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
#: ../shared beside the clone (CI has it; a user's checkout may not).
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    """The real atlas from geodata/ and sources/."""
    return load_atlas(REPO / "geodata", REPO / "sources")


@pytest.fixture(scope="session")
def sample_atlas() -> Atlas:
    """The three-feature atlas in tests/data/."""
    return load_atlas(TEST_DATA / "geodata", TEST_DATA / "sources")
