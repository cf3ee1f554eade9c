"""Publish the marts for the dashboards: build a new file aside, then swap it in by one rename.

    publish_marts(paths.warehouse, paths.published_dir, build, marts)

1. warehouse.duckdb (dbt's build database) is attached READ_ONLY; the marts (the pipeline passes
   the mart models of the dbt manifest; default: every table of schema ``marts``) are copied
   into a NEW file ``published/.marts-<build_id>.duckdb`` (schema ``marts``), plus
   ``main.publish_info``: one row per mart with the build's id, time, as-of date, the snapshot's
   time and the mart's row count.
2. The new file is checkpointed, closed and fsynced, then ``os.replace``d onto
   ``published/marts.duckdb``. A reader that opens the file gets the old inode or the new one,
   whole; a reader that has it open keeps reading the old one. The publisher never opens the
   destination, so it never waits for (or blocks) a reader.
3. Left-over temporary files of earlier, interrupted publishes are removed.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.snapshot import duckdb_config

MARTS_SCHEMA = "marts"
PUBLISHED_NAME = "marts.duckdb"
TEMP_PREFIX = ".marts-"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Build:
    build_id: str
    built_at: datetime
    as_of: date
    snapshot_taken_at: datetime | None


@dataclass(frozen=True)
class Published:
    path: Path
    rows: dict[str, int]  # mart -> row count


def temp_path(published_dir: Path, build_id: str) -> Path:
    if not _SAFE_ID.match(build_id):
        raise ValueError(f"build_id must be [A-Za-z0-9_]+, got {build_id!r}")
    return published_dir / f"{TEMP_PREFIX}{build_id}.duckdb"


def _quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def mart_tables(conn: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_schema = ? AND table_type = 'BASE TABLE' "
        "ORDER BY table_name",
        [catalog, MARTS_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _build_file(
    warehouse: Path, dest: Path, build: Build, wanted: list[str] | None
) -> dict[str, int]:
    conn = duckdb.connect(":memory:", config=duckdb_config())
    try:
        conn.execute(f"ATTACH {_quote_path(warehouse)} AS wh (READ_ONLY)")
        conn.execute(f"ATTACH {_quote_path(dest)} AS pub")
        present = mart_tables(conn, "wh")
        marts = sorted(wanted) if wanted is not None else present
        missing = sorted(set(marts) - set(present))
        if missing:
            raise RuntimeError(f"в {warehouse} нет витрин: {', '.join(missing)}")
        if not marts:
            raise RuntimeError(f"в {warehouse} нет ни одной таблицы в схеме {MARTS_SCHEMA}")
        conn.execute("BEGIN TRANSACTION")
        conn.execute(f"CREATE SCHEMA pub.{MARTS_SCHEMA}")
        rows: dict[str, int] = {}
        for name in marts:
            table = f"{MARTS_SCHEMA}.{_ident(name)}"
            conn.execute(f"CREATE TABLE pub.{table} AS SELECT * FROM wh.{table}")
            rows[name] = conn.execute(f"SELECT count(*) FROM pub.{table}").fetchone()[0]
        conn.execute(
            "CREATE TABLE pub.main.publish_info (build_id VARCHAR NOT NULL, built_at TIMESTAMP "
            "NOT NULL, as_of DATE NOT NULL, snapshot_taken_at TIMESTAMP, mart VARCHAR NOT NULL, "
            "row_count BIGINT NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO pub.main.publish_info VALUES (?, ?, ?, ?, ?, ?)",
            [
                (build.build_id, build.built_at, build.as_of, build.snapshot_taken_at, m, n)
                for m, n in rows.items()
            ],
        )
        conn.execute("COMMIT")
        conn.execute("CHECKPOINT pub")
        conn.execute("DETACH pub")
        conn.execute("DETACH wh")
    finally:
        conn.close()
    return rows


STALE_TEMP_AGE_S = 3600


def remove_stale_temps(published_dir: Path, min_age_s: float = STALE_TEMP_AGE_S) -> list[Path]:
    """Delete temporary files (and their logs) of publishes that did not finish.

    Only files untouched for min_age_s: a run started by hand in the Dagster UI is not held back by
    the refresh queue, and its publish in progress must not lose its file to ours.
    """
    removed = []
    cutoff = time.time() - min_age_s
    for path in published_dir.glob(f"{TEMP_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(path)
        except FileNotFoundError:
            continue
    return removed


def publish_marts(
    warehouse: Path, published_dir: Path, build: Build, marts: list[str] | None = None
) -> Published:
    """Copy the marts (default: every table of schema marts) of warehouse into a new file and
    rename it onto published/marts.duckdb.

    The pipeline passes the marts of the dbt manifest, so a table left in the warehouse by a
    model that no longer exists is not published.
    """
    if not warehouse.exists():
        raise FileNotFoundError(f"база витрин не найдена: {warehouse} (dbt ещё не строил витрины)")
    published_dir.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(published_dir, build.build_id)
    remove_stale_temps(published_dir)
    try:
        rows = _build_file(warehouse, tmp, build, marts)
        _fsync(tmp)
        dest = published_dir / PUBLISHED_NAME
        os.replace(tmp, dest)
        _fsync(published_dir)  # the rename itself survives a power cut
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return Published(dest, rows)
