"""The pipeline tests' plant: a private copy of the demo plant (scale 1, as of 28.11.2026) whose
marts the pipeline really published (pipeline_plant.published_plant, built once per run), and the
report of that first refresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pipeline_plant import AS_OF, first_refresh_report, published_plant


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """This worker's own copy of the whole plant folder: tests here may run the pipeline on it."""
    home = tmp_path_factory.mktemp("pipeline_plant") / "plant"
    shutil.copytree(published_plant(tmp_path_factory), home)
    return home


@pytest.fixture(scope="session")
def pipeline_env(demo_home):
    """The variables the code location's resources read, as `zakaz run` sets them."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZAKAZ_HOME", str(demo_home))
        mp.setenv("ZAKAZ_AS_OF", AS_OF.isoformat())
        mp.setenv("DAGSTER_HOME", str(demo_home / "dagster"))
        yield


@pytest.fixture(scope="session")
def first_refresh(tmp_path_factory, pipeline_env):
    """The report of the real materialization of every asset and check (in process, on the
    plant's own instance) that published the shared plant's marts."""
    return first_refresh_report(published_plant(tmp_path_factory))
