"""Shared test set-up: the store test helpers on sys.path, and a demo plant per test.

`demo_home` is a private copy of one demo plant (scale 1, as of 2026-11-28) built once per
session: tests that change data get their own file, and building takes seconds, copying
milliseconds.
"""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "store"))
sys.path.insert(0, str(Path(__file__).parent))  # shared helpers such as demo_clock

from demo_clock import DEMO_AS_OF


@pytest.fixture(autouse=True)
def _keep_the_main_module():
    """Streamlit's AppTest runs page scripts as `__main__` and leaves the last one there; a
    process started with the "spawn" method would then re-run that page while importing."""
    main_module = sys.modules.get("__main__")
    yield
    if main_module is not None:
        sys.modules["__main__"] = main_module


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    from ingest.store import Store
    from zakaz.demo import build_demo_plant

    home = tmp_path_factory.mktemp("demo_template")
    store = Store.open(home)
    store.create()
    build_demo_plant(store, scale=1, as_of=DEMO_AS_OF)
    return home


@pytest.fixture
def demo_home(demo_template, tmp_path) -> Path:
    home = tmp_path / "plant"
    home.mkdir()
    shutil.copy2(demo_template / "app.duckdb", home / "app.duckdb")
    return home
