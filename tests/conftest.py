"""Shared test set-up: the store test helpers on sys.path, and a demo plant per test.

`demo_home` is a private copy of one demo plant (scale 1, as of 2026-11-28) built once per run
(tests/built_once.py): tests that change data get their own file, and building takes seconds,
copying milliseconds.
"""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "store"))
sys.path.insert(0, str(Path(__file__).parent))  # shared helpers such as demo_clock

from built_once import built_once
from demo_clock import DEMO_AS_OF

# The longest test files (minutes each, mostly waiting on subprocesses) go first, so that with
# two workers (scripts/test.sh) they overlap the many short files instead of ending the run.
LONGEST_FIRST = (
    "tests/e2e/test_browser_e2e.py",
    "tests/faults/test_daemon_killed.py",
    "tests/pipelines/test_pipeline_refresh.py",
    "tests/faults/test_pipeline_killed.py",
    "tests/soak/test_soak_small.py",
    "tests/dbt/test_dbt_marts.py",
    "tests/cli/test_up.py",
    "tests/bench/test_benchmarks_small.py",
    "tests/store/test_store_concurrency.py",
)


def pytest_collection_modifyitems(session, config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within each file and among the rest is kept


@pytest.fixture(autouse=True)
def _keep_the_main_module():
    """Streamlit's AppTest runs page scripts as `__main__` and leaves the last one there; a
    process started with the "spawn" method would then re-run that page while importing."""
    main_module = sys.modules.get("__main__")
    yield
    if main_module is not None:
        sys.modules["__main__"] = main_module


def _demo_plant(home: Path) -> Path:
    from ingest.store import Store
    from zakaz.demo import build_demo_plant

    store = Store.open(home)
    store.create()
    build_demo_plant(store, scale=1, as_of=DEMO_AS_OF)
    return home


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, "demo_template", _demo_plant)


@pytest.fixture
def demo_home(demo_template, tmp_path) -> Path:
    home = tmp_path / "plant"
    home.mkdir()
    shutil.copy2(demo_template / "app.duckdb", home / "app.duckdb")
    return home
