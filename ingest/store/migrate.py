"""Schema versions: numbered .sql files in migrations/, applied in order, one transaction each.

Opening a database made by an older version upgrades it in place and keeps its data; a database
made by a newer version is refused rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb

from ingest.store.errors import SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@cache
def all_migrations() -> tuple[Migration, ...]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    assert versions == list(range(1, len(found) + 1)), (
        f"migrations must be numbered 1..n: {versions}"
    )
    return tuple(found)


def latest_version() -> int:
    return all_migrations()[-1].version


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """0 for an empty database."""
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def upgrade(conn: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply pending migrations up to target (default: latest). Returns the versions applied.

    The caller holds the exclusive store lock and an autocommit connection.
    """
    target = latest_version() if target is None else target
    found = current_version(conn)
    if found > latest_version():
        raise SchemaTooNewError(found, latest_version())
    applied = []
    for migration in all_migrations():
        if found < migration.version <= target:
            conn.execute("BEGIN TRANSACTION")
            try:
                if migration.version == 1:
                    conn.execute(
                        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                        "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
                    )
                conn.execute(migration.sql)
                conn.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [migration.version, migration.name, datetime.now()],
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            applied.append(migration.version)
    return applied
