"""Where the pipeline reads and writes, all under the plant's home folder.

{home}/app.duckdb                          the operational store (read only via copy_store)
{home}/snapshots/app_snapshot.duckdb       the consistent copy every stage reads
{home}/snapshots/app_snapshot.json         when it was taken, and the store's change marker
{home}/pipeline/priced_order_lines.parquet pricing of every order line (dbt source)
{home}/pipeline/order_pricing.parquet      order economics (dbt source)
{home}/pipeline/dbt_target/                dbt's artifacts and logs of the last build
{home}/pipeline/last_run.log               dbt's output during the last `zakaz run`
{home}/warehouse.duckdb                    dbt's build database (only dbt and publish open it)
{home}/published/marts.duckdb              what dashboards read, swapped in by one rename
{home}/dagster/                            Dagster's instance home: run history, cursors
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingest.store import PlantPaths


@dataclass(frozen=True)
class PipelinePaths:
    home: Path

    @classmethod
    def at(cls, home: str | os.PathLike) -> PipelinePaths:
        return cls(PlantPaths.at(home).home)

    @property
    def plant(self) -> PlantPaths:
        return PlantPaths(self.home)

    @property
    def app_db(self) -> Path:
        return self.plant.app_db

    @property
    def snapshot(self) -> Path:
        return self.plant.snapshots / "app_snapshot.duckdb"

    @property
    def snapshot_info(self) -> Path:
        return self.plant.snapshots / "app_snapshot.json"

    @property
    def pipeline_dir(self) -> Path:
        return self.home / "pipeline"

    @property
    def priced_order_lines(self) -> Path:
        return self.pipeline_dir / "priced_order_lines.parquet"

    @property
    def order_pricing(self) -> Path:
        return self.pipeline_dir / "order_pricing.parquet"

    @property
    def refresh_lock(self) -> Path:
        """Held by `zakaz run` for as long as its process refreshes this plant."""
        return self.pipeline_dir / ".refresh.lock"

    @property
    def run_log(self) -> Path:
        """dbt's output of the last `zakaz run` (under the daemon: the run's compute logs)."""
        return self.pipeline_dir / "last_run.log"

    @property
    def dbt_target(self) -> Path:
        return self.pipeline_dir / "dbt_target"

    @property
    def warehouse(self) -> Path:
        return self.plant.warehouse_db

    @property
    def published_dir(self) -> Path:
        return self.plant.published

    @property
    def published_marts(self) -> Path:
        return self.published_dir / "marts.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.plant.dagster_home
