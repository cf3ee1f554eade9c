"""One demo plant (scale 1, as of 28.11.2026) with REALLY published marts per test run: the
demo store, then the pipeline's own refresh, as `zakaz run` does (tests/pipelines/pipeline_plant.py,
shared with the pipeline tests and the xdist workers); tests only read it (a test that changes
the store or the marts works on `plant_copy`).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "pipelines"))  # pipeline_plant
sys.path.insert(0, str(HERE.parent / "dashboards"))  # apptest_helpers

from pipeline_plant import AS_OF, first_refresh_report, published_plant  # noqa: E402

from ingest.store import Store  # noqa: E402
from ingest.store.copy import copy_store  # noqa: E402

__all__ = ["AS_OF"]


@pytest.fixture(scope="session")
def published_home(tmp_path_factory) -> Path:
    home = published_plant(tmp_path_factory)
    report = first_refresh_report(home)
    assert report.success, report.failures
    return home


@pytest.fixture(scope="session")
def plant_store(published_home) -> Store:
    return Store.open(published_home)


@pytest.fixture
def plant_copy(published_home, tmp_path) -> Path:
    """A private copy of the plant: its store and its published marts."""
    home = tmp_path / "plant"
    home.mkdir()
    copy_store(Store.open(published_home), home / "app.duckdb")
    shutil.copytree(published_home / "published", home / "published")
    return home
