"""Where a plant's files live: everything sits under one home folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = "./data"


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """--home wins, then $ZAKAZ_HOME, then ./data."""
    chosen = home or os.environ.get("ZAKAZ_HOME") or DEFAULT_HOME
    return Path(chosen).expanduser().resolve()


@dataclass(frozen=True)
class PlantPaths:
    home: Path

    @classmethod
    def at(cls, home: str | os.PathLike | None = None) -> PlantPaths:
        return cls(resolve_home(home))

    @property
    def app_db(self) -> Path:
        """The operational store: every input, event, task, user and audit row."""
        return self.home / "app.duckdb"

    @property
    def app_lock(self) -> Path:
        return self.home / "app.duckdb.lock"

    @property
    def warehouse_db(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.home / "published"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def snapshots(self) -> Path:
        return self.home / "snapshots"
