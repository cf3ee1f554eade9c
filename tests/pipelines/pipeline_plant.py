"""Plants for the pipeline tests: the demo plant's date, cheap copies of a plant's store, and
the demo plant with REALLY published marts, built once per test run.

The published plant is the demo store, then the pipeline's own refresh (snapshot -> pricing ->
dbt build -> publish, in process, as `zakaz run` does). That takes two minutes of CPU, so the
pipeline and the analytics tests share one (tests/built_once.py) and only read it; a test that
runs the pipeline again works on a copy of the whole folder.
"""

from __future__ import annotations

import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest
from built_once import built_once

from ingest.store import Store
from ingest.store.copy import copy_store
from zakaz.demo import build_demo_plant

AS_OF = date(2026, 11, 28)


def build_plant(home: Path) -> Path:
    store = Store.open(home)
    store.create()
    build_demo_plant(store, scale=1, as_of=AS_OF)
    return home


def copy_plant(source_home: Path, dest_home: Path) -> Store:
    """A separate plant holding a consistent copy of source's store (nothing else)."""
    shutil.rmtree(dest_home, ignore_errors=True)
    dest_home.mkdir(parents=True)
    copy_store(Store.open(source_home), dest_home / "app.duckdb")
    return Store.open(dest_home)


REPORT_FILE = "first_refresh.pickle"  # beside the plant's folder, not in it


def _build_published_plant(folder: Path) -> Path:
    home = build_plant(folder / "plant")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("ZAKAZ_HOME", "ZAKAZ_AS_OF", "DAGSTER_HOME"):
            mp.setenv(name, "")  # run_refresh sets them; restored afterwards
        from pipelines.refresh import run_refresh

        report = run_refresh(home, AS_OF)
    (folder / REPORT_FILE).write_bytes(pickle.dumps(report))
    return home


def published_plant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared plant's home (read only!): its store, warehouse, published marts and the
    Dagster instance of its first refresh."""
    return built_once(tmp_path_factory, "published_plant", _build_published_plant)


def first_refresh_report(home: Path):
    """The RefreshReport of the published plant's refresh (pipelines.refresh.RefreshReport)."""
    return pickle.loads((home.parent / REPORT_FILE).read_bytes())
