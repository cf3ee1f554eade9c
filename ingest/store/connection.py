"""The one way into app.duckdb: a short transaction under the cross-process lock, then close.

    store = Store.open(home)
    with store.write() as tx:          # exclusive lock, BEGIN ... COMMIT (ROLLBACK on error)
        tx.execute("INSERT ...")
    with store.read() as conn:         # shared lock, read-only connection
        conn.execute("SELECT ...")

No connection outlives its block, so no process keeps the file open (architecture.md, MUST);
see engine.py for why the file is attached to a per-process in-memory engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.store import migrate
from ingest.store.engine import attached, engine_turn
from ingest.store.errors import PlantNotFoundError
from ingest.store.lock import file_lock
from ingest.store.paths import PlantPaths

DEFAULT_BUSY_TIMEOUT_S = 10.0


@dataclass
class Store:
    paths: PlantPaths
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S
    _schema_checked: bool = field(default=False, repr=False)

    @classmethod
    def open(cls, home=None, busy_timeout_s: float | None = None) -> Store:
        """A handle on an existing plant (nothing is opened until a read or write)."""
        if busy_timeout_s is None:
            busy_timeout_s = float(
                os.environ.get("ZAKAZ_STORE_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT_S)
            )
        return cls(PlantPaths.at(home), busy_timeout_s)

    @property
    def db_path(self) -> Path:
        return self.paths.app_db

    def exists(self) -> bool:
        return self.db_path.exists()

    def create(self, target_version: int | None = None) -> list[int]:
        """Create the database file (if missing) and bring its schema to target_version (latest).

        This handle then stays at that version; tests use an older target to act as an older
        release. A fresh handle (Store.open) upgrades on first use.
        """
        self.paths.home.mkdir(parents=True, exist_ok=True)
        with self._exclusive_connection() as conn:
            applied = migrate.upgrade(conn, target_version)
        self._schema_checked = True
        return applied

    def ensure_schema(self) -> list[int]:
        """Upgrade an older database in place (once per handle)."""
        if self._schema_checked:
            return []
        if not self.exists():
            raise PlantNotFoundError(str(self.db_path))
        with self._exclusive_connection() as conn:
            applied = migrate.upgrade(conn)
        self._schema_checked = True
        return applied

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        self.ensure_schema()
        with self._exclusive_connection() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A consistent read-only view for the block (one transaction)."""
        self.ensure_schema()
        with (
            engine_turn(self.busy_timeout_s) as waited,
            file_lock(self.paths.app_lock, exclusive=False, timeout_s=self._left(waited)),
            attached(self.db_path, read_only=True) as conn,
        ):
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")

    @contextmanager
    def _exclusive_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with (
            engine_turn(self.busy_timeout_s) as waited,
            file_lock(self.paths.app_lock, exclusive=True, timeout_s=self._left(waited)),
            attached(self.db_path, read_only=False) as conn,
        ):
            yield conn

    def _left(self, waited: float) -> float:
        """What remains of the busy bound after waiting for this process's engine."""
        return max(self.busy_timeout_s - waited, 0.0)
