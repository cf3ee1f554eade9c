"""One demo plant (scale 1, as of 28.11.2026) with REALLY published marts per test session: the
demo store, then the pipeline's own refresh (snapshot -> pricing -> dbt build -> publish), as
`zakaz run` does. Building takes about two minutes, so it happens once per run (shared by the
xdist workers, tests/built_once.py); tests only read it (a test that changes the store or the
marts works on `plant_copy`).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "pipelines"))  # pipeline_plant
sys.path.insert(0, str(HERE.parent / "dashboards"))  # apptest_helpers

from built_once import built_once  # noqa: E402
from pipeline_plant import AS_OF, build_plant  # noqa: E402

from ingest.store import Store  # noqa: E402
from ingest.store.copy import copy_store  # noqa: E402

__all__ = ["AS_OF"]


def _published_plant(folder: Path) -> Path:
    home = build_plant(folder)
    with pytest.MonkeyPatch.context() as mp:
        for name in ("ZAKAZ_HOME", "ZAKAZ_AS_OF", "DAGSTER_HOME"):
            mp.setenv(name, "")  # run_refresh sets them; restored afterwards
        from pipelines.refresh import run_refresh

        report = run_refresh(home, AS_OF)
    assert report.success, report.failures
    return home


@pytest.fixture(scope="session")
def published_home(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, "analytics_plant", _published_plant)


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
