"""One demo plant per test session (scale 1), built in a temporary folder.

ZAKAZ_DEMO_TEST_AS_OF (YYYY-MM-DD) and ZAKAZ_DEMO_TEST_SEED run the same checks on another plant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import pytest

from ingest.store import Store
from zakaz.demo import build_demo_plant

AS_OF = date.fromisoformat(os.environ.get("ZAKAZ_DEMO_TEST_AS_OF", "2026-11-28"))
SEED = int(os.environ.get("ZAKAZ_DEMO_TEST_SEED", "2026"))


@dataclass
class Plant:
    store: Store
    counts: dict[str, int]
    as_of: date

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        with self.store.read() as conn:
            return conn.execute(sql, params or []).fetchall()

    def value(self, sql: str, params: list | None = None):
        return self.rows(sql, params)[0][0]


def build_plant(home, *, seed: int = SEED) -> Plant:
    store = Store.open(home)
    store.create()
    counts = build_demo_plant(store, scale=1, as_of=AS_OF, seed=seed)
    return Plant(store, counts, AS_OF)


@pytest.fixture(scope="session")
def plant(tmp_path_factory) -> Plant:
    return build_plant(tmp_path_factory.mktemp("demo_plant"))


@pytest.fixture(scope="session")
def plant_builder():
    """build_plant itself, for tests that need a second plant."""
    return build_plant
