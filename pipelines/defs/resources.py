"""The analytics code location's resources, built from environment variables when a run starts.

    ZAKAZ_HOME    the plant's home folder (app.duckdb, snapshots/, pipeline/, published/ ...)
    ZAKAZ_AS_OF   the analytics "today" as YYYY-MM-DD; empty = the current date

``zakaz run`` and ``zakaz up`` set them (see docs/pipeline.md for ``dagster dev``).
"""

from __future__ import annotations

import dagster as dg

from pipelines.plant import ZakazPlant, parse_as_of, plant_from_env
from pipelines.warehouse import dbt_cli

__all__ = ["ZakazPlant", "parse_as_of", "resources"]


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"plant": plant_from_env(), "dbt": dbt_cli()})
