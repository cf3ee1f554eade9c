"""The code location's resources, built from environment variables when a run starts.

    ZAKAZ_HOME    the plant's home folder (app.duckdb, snapshots/, pipeline/, published/ ...)
    ZAKAZ_AS_OF   the analytics "today" as YYYY-MM-DD; empty = the current date

Both are ``dg.EnvVar``s: nothing is read from the environment when the code is imported, only
when a run, sensor tick or schedule tick uses the resource. ``zakaz run`` sets them (see
docs/pipeline.md for ``dagster dev``).
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from pipelines.paths import PipelinePaths
from pipelines.warehouse import dbt_cli, dbt_env


def parse_as_of(text: str | None, today: date | None = None) -> date:
    """The analytics date: YYYY-MM-DD, or today when empty."""
    if not text or not text.strip():
        return today or date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"ZAKAZ_AS_OF: ожидается дата ГГГГ-ММ-ДД, получено {text!r}") from None


class ZakazPlant(dg.ConfigurableResource):
    """The plant whose store the pipeline snapshots and whose marts it publishes."""

    home: str
    as_of: str = ""

    @property
    def paths(self) -> PipelinePaths:
        return PipelinePaths.at(self.home)

    def analytics_date(self) -> date:
        return parse_as_of(self.as_of)

    def dbt_env(self) -> dict[str, str]:
        """What dbt_project/profiles.yml reads (see pipelines.warehouse.dbt_env)."""
        return dbt_env(self.paths, self.analytics_date())


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "plant": ZakazPlant(home=dg.EnvVar("ZAKAZ_HOME"), as_of=dg.EnvVar("ZAKAZ_AS_OF")),
            "dbt": dbt_cli(),
        }
    )
