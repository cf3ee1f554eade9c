"""One demo plant (scale 1, as of 28.11.2026) per test session, and its first real refresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_plant import AS_OF, build_plant


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    return build_plant(tmp_path_factory.mktemp("pipeline_plant"))


@pytest.fixture(scope="session")
def pipeline_env(demo_home):
    """The variables the code location's resources read, as `zakaz run` sets them."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZAKAZ_HOME", str(demo_home))
        mp.setenv("ZAKAZ_AS_OF", AS_OF.isoformat())
        mp.setenv("DAGSTER_HOME", str(demo_home / "dagster"))
        yield


@pytest.fixture(scope="session")
def first_refresh(demo_home, pipeline_env):
    """A real materialization of every asset and check (in process, the plant's instance)."""
    from pipelines.refresh import run_refresh

    return run_refresh(demo_home, AS_OF)
