"""Paths shared by the tests (a module with a unique name, so test files can import it
whichever conftest.py pytest loaded first)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
#: ../shared beside the clone (CI has it; a user's checkout may not).
SHARED = REPO.parent / "shared"
