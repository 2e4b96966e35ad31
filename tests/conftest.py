"""Shared fixtures: the real atlas, the small test atlas, and paths."""

from __future__ import annotations

import pytest
from testpaths import REPO, SHARED, TEST_DATA  # noqa: F401

from layers import Atlas, load_atlas


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    """The real atlas from geodata/ and sources/."""
    return load_atlas(REPO / "geodata", REPO / "sources")


@pytest.fixture(scope="session")
def sample_atlas() -> Atlas:
    """The three-feature atlas in tests/data/."""
    return load_atlas(TEST_DATA / "geodata", TEST_DATA / "sources")
