"""Id allocation and multi-row inserts.

All writes run under the exclusive store lock, so max + 1 cannot collide. Each DuckDB statement
costs about a millisecond and executemany() runs one statement per row, so a save gathers its
work into as few statements as it can.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb


def next_id(tx: duckdb.DuckDBPyConnection, table: str) -> int:
    return tx.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def next_ids(tx: duckdb.DuckDBPyConnection, *tables: str) -> dict[str, int]:
    """The next free id of several tables in one query."""
    probe = ", ".join(f"(SELECT coalesce(max(id), 0) + 1 FROM {t})" for t in tables)
    return dict(zip(tables, tx.execute(f"SELECT {probe}").fetchone(), strict=True))


def insert_rows(
    tx: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[Sequence]
) -> None:
    """INSERT many rows with one statement (parameters, never string-formatted values)."""
    if not rows:
        return
    one = "(" + ", ".join("?" * len(columns)) + ")"
    tx.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))}",
        [value for row in rows for value in row],
    )
