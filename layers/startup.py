"""What the dashboard's first run needs, built once per server process.

The first visitor after a server start used to pay for importing the libraries, loading
the atlas and writing the map component (≈ 3 s of a 4.9 s first map on the CI machine).
:func:`warm` does that work when the server starts (``serve.py`` calls it from its
lifespan hook, before the server answers), and :func:`shared_atlas` /
:func:`component_folder` hand the results to the app's ``st.cache_resource`` functions.
Without the hook (``streamlit run app.py``) the first session builds them as before.

Thread-safe: the warm-up and a session's script thread may ask at the same time; each
value is built once.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from layers.catalog import REPO_ROOT, default_data_dir, default_sources_dir
from layers.loading import Atlas, load_atlas

__all__ = ["BUILD_DIR", "FIRST_RUN_MODULES", "component_folder", "derived", "shared_atlas", "warm"]

T = TypeVar("T")

#: Where the app writes its map component folders (one per dataset, content-addressed).
BUILD_DIR = Path(REPO_ROOT) / ".cache" / "component"

#: Modules the dashboard's first script run imports (the slow ones: pandas, geopandas,
#: folium, altair, matplotlib through the print exports).
FIRST_RUN_MODULES = (
    "layers.webmap", "layers.timeline", "layers.panels", "layers.search", "layers.tours",
    "layers.userlayers", "layers.export", "layers.export.compare",
)

_LOCK = threading.RLock()
# keyed by the data folders, so a process that switches FEF_DATA_DIR (the tests do) never
# gets another dataset's atlas, map folder or search index
_ATLAS: dict[tuple[Path, Path], Atlas] = {}
_FOLDERS: dict[tuple[Path, tuple[Path, Path]], Path] = {}
_DERIVED: dict[tuple[str, tuple[Path, Path]], Any] = {}


def _dataset() -> tuple[Path, Path]:
    return default_data_dir().resolve(), default_sources_dir().resolve()


def shared_atlas() -> Atlas:
    """The atlas of this process (``FEF_DATA_DIR`` / ``FEF_SOURCES_DIR`` or the defaults), loaded once."""
    key = _dataset()
    with _LOCK:
        if key not in _ATLAS:
            _ATLAS[key] = load_atlas(*key)
        return _ATLAS[key]


def component_folder(root: Path) -> Path:
    """The map component folder of :func:`shared_atlas` under ``root``, written once.

    See :func:`layers.webmap.write_component_dir`.
    """
    from layers.webmap import write_component_dir

    where = Path(root).resolve()
    key = (where, _dataset())
    with _LOCK:
        if key not in _FOLDERS:
            _FOLDERS[key] = write_component_dir(shared_atlas(), where)
        return _FOLDERS[key]


def derived(name: str, build: Callable[[Atlas], T]) -> T:
    """``build(shared_atlas())``, computed once per process under ``name``."""
    key = (name, _dataset())
    with _LOCK:
        if key not in _DERIVED:
            _DERIVED[key] = build(shared_atlas())
        return _DERIVED[key]  # type: ignore[no-any-return]


def _first_run_tables() -> dict[str, Callable[[Atlas], Any]]:
    """What the dashboard's first run derives from the atlas (name → builder)."""
    from layers.search import SearchIndex
    from layers.timeline import timeline_frame
    from layers.tours import checked_tours

    return {"tours": checked_tours, "timeline": timeline_frame, "search": SearchIndex}


def warm(root: Path = BUILD_DIR) -> Path:
    """Import the first run's modules, load the atlas, write the component folder and
    derive the tours, the timeline table and the search index (:func:`derived`).

    Parameters
    ----------
    root : Path
        Parent folder of the component folders (the app's ``BUILD_DIR``).

    Returns
    -------
    Path
        The component folder.
    """
    for name in FIRST_RUN_MODULES:
        importlib.import_module(name)
    folder = component_folder(root)
    for name, build in _first_run_tables().items():
        derived(name, build)
    _warm_panels(shared_atlas())
    return folder


def _warm_panels(atlas: Atlas) -> None:
    """Build what the first visitor's panels need: every layer's Arrow rows and the default timeline.

    The timeline's Vega-Lite spec takes 0.2-0.4 s to build through Altair (once per campaign); the
    overview's is built here, the campaigns' on first use.
    """
    from layers.panels import panel_tables
    from layers.timeline import timeline_spec

    overview = atlas.campaigns.get("overview")
    day = dt.date.fromisoformat(overview.default_date) if overview else dt.date(1939, 8, 20)
    panel_tables(atlas, day, list(atlas.layers))
    if overview is not None:
        timeline_spec(derived("timeline", _first_run_tables()["timeline"]), day,
                      start=dt.date.fromisoformat(overview.start), end=dt.date.fromisoformat(overview.end), arrow=True)
