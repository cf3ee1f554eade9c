"""Read the published marts — the dashboards' (and tests') only way in.

    with open_published(home) as conn:          # read-only, opened for this block, then closed
        conn.sql("SELECT * FROM marts.invoices")
    info = published_info(home)                  # which build, when, rows per mart (or None)

The file is replaced by one atomic rename per build (pipelines/publish.py), so a connection sees
one whole build; hold it only for the queries of one page view and open a new one for the next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.paths import PipelinePaths
from pipelines.snapshot import duckdb_config

CATALOG = "published"


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class NotPublishedError(FileNotFoundError):
    """No build has been published yet in this plant."""


@dataclass(frozen=True)
class PublishInfo:
    build_id: str
    built_at: datetime
    as_of: date
    snapshot_taken_at: datetime | None
    rows: dict[str, int]  # mart -> row count


def published_path(home: str | os.PathLike) -> Path:
    return PipelinePaths.at(home).published_marts


@contextmanager
def open_published(home: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the current published marts, closed when the block ends."""
    path = published_path(home)
    if not path.exists():
        raise NotPublishedError(f"витрины ещё не опубликованы: {path} (запустите zakaz run)")
    conn = duckdb.connect(":memory:", config=duckdb_config())
    try:
        # Attached under the name `published`, not `marts` (the file's stem), so that
        # `marts.<mart>` means the schema, as in the warehouse and in dbt.
        conn.execute(f"ATTACH {_quote(path)} AS {CATALOG} (READ_ONLY)")
        conn.execute(f"USE {CATALOG}")
        yield conn
    finally:
        conn.close()


def read_publish_info(conn: duckdb.DuckDBPyConnection) -> PublishInfo:
    rows = conn.execute(
        "SELECT build_id, built_at, as_of, snapshot_taken_at, mart, row_count "
        "FROM main.publish_info ORDER BY mart"
    ).fetchall()
    if not rows:
        raise NotPublishedError("publish_info пуста")
    build_id, built_at, as_of, taken_at = rows[0][:4]
    return PublishInfo(build_id, built_at, as_of, taken_at, {r[4]: r[5] for r in rows})


def published_info(home: str | os.PathLike) -> PublishInfo | None:
    """The current build's publish_info, or None when nothing has been published yet."""
    try:
        with open_published(home) as conn:
            return read_publish_info(conn)
    except NotPublishedError:
        return None
