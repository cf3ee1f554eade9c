"""The ``plant`` resource: which plant (ZAKAZ_HOME) and which analytics date (ZAKAZ_AS_OF).

Kept apart from the dbt resource on purpose: the notification code location
(pipelines/notify_definitions.py) imports only this, not dbt, so a notify run's process starts
in about half the time (docs/notifications.md, "Задержка").

Both fields are ``dg.EnvVar``s where the definitions bind them: nothing is read from the
environment at import, only when a run, sensor tick or schedule tick uses the resource.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from pipelines.paths import PipelinePaths


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
        from pipelines.warehouse import dbt_env  # dbt only where dbt runs

        return dbt_env(self.paths, self.analytics_date())


def plant_from_env() -> ZakazPlant:
    return ZakazPlant(home=dg.EnvVar("ZAKAZ_HOME"), as_of=dg.EnvVar("ZAKAZ_AS_OF"))
