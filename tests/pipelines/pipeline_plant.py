"""Plants for the pipeline tests: the demo plant's date and cheap copies of a plant's store."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

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
