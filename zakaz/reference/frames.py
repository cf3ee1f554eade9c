"""Bulk insert of a Polars frame into a store table, with every column cast to the table's type.

One ``INSERT ... BY NAME SELECT`` per frame: DuckDB scans the Arrow data of the registered frame,
so thousands of rows cost about as much as one. Casting to the exact declared type (read from
information_schema) keeps DECIMAL scales, DATE/TIMESTAMP and JSON columns as the schema says,
whatever dtype the frame happened to carry.
"""

from __future__ import annotations

import duckdb
import polars as pl


def table_types(tx: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> declared DuckDB type of a table in the attached store."""
    rows = tx.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema() "
        "AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    if not rows:
        raise ValueError(f"no table {table!r} in the store")
    return dict(rows)


def insert_frame(tx: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` into ``table`` (columns matched by name); returns the count."""
    if frame.height == 0:
        return 0
    types = table_types(tx, table)
    unknown = [c for c in frame.columns if c not in types]
    if unknown:
        raise ValueError(f"{table}: columns not in the schema: {unknown}")
    view = f"_zakaz_insert_{table}"
    select = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in frame.columns)
    tx.register(view, frame)
    try:
        tx.execute(f'INSERT INTO "{table}" BY NAME SELECT {select} FROM "{view}"')
    finally:
        tx.unregister(view)
    return frame.height
