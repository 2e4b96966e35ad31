"""layers/startup.py: the first run's atlas, component folder and tables, built once per process."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from layers import startup
from layers.webmap import write_component_dir


@pytest.fixture
def fresh(monkeypatch, sample_atlas):
    """Empty process caches and a counting loader that returns the test atlas."""
    calls = {"load": 0}

    def load(*_dirs):
        calls["load"] += 1
        return sample_atlas

    monkeypatch.setattr(startup, "load_atlas", load)
    monkeypatch.setattr(startup, "_ATLAS", {})
    monkeypatch.setattr(startup, "_FOLDERS", {})
    monkeypatch.setattr(startup, "_DERIVED", {})
    return calls


def test_warm_builds_everything_once_and_sessions_reuse_it(fresh, sample_atlas, tmp_path: Path) -> None:
    folder = startup.warm(tmp_path)
    assert folder == write_component_dir(sample_atlas, tmp_path) and (folder / "index.html").exists()
    assert {name for name, _ in startup._DERIVED} == {"tours", "timeline", "search"}
    # what the app's first run asks for afterwards is the same object, not rebuilt
    assert startup.component_folder(tmp_path) == folder
    assert startup.shared_atlas() is sample_atlas and fresh["load"] == 1
    built = []
    assert startup.derived("tours", lambda a: built.append(a)) is startup._DERIVED[("tours", startup._dataset())]
    assert built == []


def test_concurrent_first_requests_load_the_atlas_once(fresh, tmp_path: Path) -> None:
    # the warm-up thread and a session's script thread may ask at the same time
    threads = [threading.Thread(target=startup.component_folder, args=(tmp_path,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fresh["load"] == 1 and len(startup._FOLDERS) == 1


def test_component_page_preloads_the_basemap(sample_atlas, tmp_path: Path) -> None:
    page = (write_component_dir(sample_atlas, tmp_path) / "index.html").read_text()
    head = page[page.index("<head>"):page.index("</head>")]
    # first thing in <head>, before the scripts it would otherwise wait for; matches fetch()'s mode
    assert head.index('<link rel="preload" href="basemap.json" as="fetch" crossorigin="anonymous">') < head.index("<script")


def test_another_data_folder_gets_its_own_atlas(fresh, monkeypatch, tmp_path: Path) -> None:
    # the tests (and any process serving two datasets) switch FEF_DATA_DIR: never the other's atlas
    startup.shared_atlas()
    monkeypatch.setenv("FEF_DATA_DIR", str(tmp_path))
    startup.shared_atlas()
    assert fresh["load"] == 2 and len(startup._ATLAS) == 2
