"""What every import kind shares: parsed rows, the plan of writes, bulk writes and their audit.

A kind module (customers.py, products.py, materials.py, orders.py, payments.py) provides

    KIND: str
    access(a, mapped_fields)            -> None; PermissionDeniedError for the file as a whole
    check(rows, col, rejected)          -> (good rows, RowErrors); pure: no database
                                           (`rejected`: rows whose cells were refused)
    plan(a, rows, col)                  -> Plan: per row insert / update / skip, or a RowError
    apply(a, plan, audit)               -> None: the writes of the accepted rows

`col(field)` is the column's header as the file shows it (for error messages). plan and apply run
in the same store transaction (run.py), so what apply writes is exactly what plan decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from ingest.importing.errors import RowError
from ingest.store.ids import next_id
from zakaz.reference.frames import insert_frame, table_types

ColumnOf = Callable[[str], str]

INSERT, UPDATE, SKIP = "insert", "update", "skip"


class Row:
    """One data row: its Excel row number and field -> parsed value (None = empty cell; a field
    not mapped is absent). A plain class with slots: a register has tens of thousands."""

    __slots__ = ("row", "values")

    def __init__(self, row: int, values: dict[str, Any]):
        self.row, self.values = row, values

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def __repr__(self) -> str:
        return f"Row({self.row}, {self.values!r})"


@dataclass
class Plan:
    outcomes: dict[int, str] = field(default_factory=dict)  # Excel row -> insert|update|skip
    errors: list[RowError] = field(default_factory=list)
    work: Any = None  # the kind's prepared writes
    notes: list[str] = field(default_factory=list)  # e.g. new grades for procurement

    def reject(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))
        self.outcomes.pop(row, None)


def duplicates(
    rows: Iterable[Row], key: Callable[[Row], tuple], column: str
) -> tuple[list[Row], list[RowError]]:
    """The first row of each natural key is kept; a later one is rejected naming the first."""
    first: dict[tuple, int] = {}
    kept, errors = [], []
    for row in rows:
        k = key(row)
        if k in first:
            errors.append(RowError(row.row, column, f"дубликат ключа: строка {first[k]}"))
        else:
            first[k] = row.row
            kept.append(row)
    return kept, errors


class AuditBatch:
    """audit_log rows gathered during apply and inserted in one statement (same format as
    ingest/store/audit.record: one row per changed field, one bare row for an insert)."""

    def __init__(self, user_id: int | None, at: datetime):
        self.user_id, self.at = user_id, at
        self.rows: list[tuple] = []

    def add(
        self,
        entity: str,
        entity_id: int | None,
        action: str,
        changes: dict[str, tuple[Any, Any]] | None = None,
        order_id: int | None = None,
    ) -> None:
        items = [(k, _text(old), _text(new)) for k, (old, new) in (changes or {}).items()]
        for name, old, new in items or [(None, None, None)]:
            self.rows.append((entity, entity_id, action, name, old, new, order_id))

    def flush(self, tx: duckdb.DuckDBPyConnection) -> int:
        if not self.rows:
            return 0
        first = next_id(tx, "audit_log")
        columns = list(zip(*self.rows, strict=True))
        frame = pl.DataFrame(
            {
                "id": range(first, first + len(self.rows)),
                "logged_at": [self.at] * len(self.rows),
                "user_id": [self.user_id] * len(self.rows),
                "entity": columns[0],
                "entity_id": columns[1],
                "action": columns[2],
                "field": columns[3],
                "old_value": columns[4],
                "new_value": columns[5],
                "order_id": columns[6],
            },
            schema_overrides={"user_id": pl.Int64, "entity_id": pl.Int64, "order_id": pl.Int64},
        )
        count = insert_frame(tx, "audit_log", frame)
        self.rows = []
        return count


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def frame_of(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> pl.DataFrame:
    """Records as a frame with exactly these columns (all-None columns stay typed Null)."""
    data = {c: [r.get(c) for r in records] for c in columns}
    return pl.DataFrame(data, strict=False)


def insert_records(
    tx: duckdb.DuckDBPyConnection, table: str, records: Sequence[dict[str, Any]]
) -> int:
    """One INSERT for all records (columns: the first record's keys)."""
    if not records:
        return 0
    return insert_frame(tx, table, frame_of(records, list(records[0])))


def update_records(
    tx: duckdb.DuckDBPyConnection, table: str, records: Sequence[dict[str, Any]]
) -> int:
    """UPDATE rows by id from records {id, column: new value, ...} (same keys in each), in one
    statement per set of columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for record in records:
        by_columns.setdefault(tuple(k for k in record if k != "id"), []).append(record)
    for columns, group in by_columns.items():
        if not columns:
            continue
        view = f"_zakaz_update_{table}"
        frame = frame_of(group, ["id", *columns])
        types = table_types(tx, table)  # (a fetched query: no result left open for register)
        tx.register(view, frame)
        try:
            assignments = ", ".join(f'"{c}" = CAST(u."{c}" AS {types[c]})' for c in columns)
            tx.execute(
                f'UPDATE "{table}" SET {assignments} FROM "{view}" u WHERE "{table}".id = u.id'
            )
        finally:
            tx.unregister(view)
    return len(records)


def settle(tx: duckdb.DuckDBPyConnection) -> None:
    """Finish any half-read result (ids.next_id reads one row): DuckDB 2.0 refuses to register
    a frame while a result is still open on the connection."""
    tx.execute("SELECT 1").fetchall()


def rows_where_in(
    tx: duckdb.DuckDBPyConnection, table: str, column: str, keys: Iterable[Any], columns: str = "*"
) -> list[dict[str, Any]]:
    """Rows of `table` whose `column` is one of `keys`, as dicts. The keys go in as a registered
    frame: binding a list parameter of 50,000 items costs DuckDB's Python client seconds."""
    keys = sorted(set(keys) - {None})
    if not keys:
        return []
    view = "_zakaz_import_keys"
    settle(tx)
    tx.register(view, pl.DataFrame({"k": keys}))
    try:
        cursor = tx.execute(
            f'SELECT {columns} FROM "{table}" WHERE "{column}" IN (SELECT k FROM "{view}")'
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        tx.unregister(view)


def insert_tuples(
    tx: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[tuple]
) -> int:
    """One INSERT of many rows given as tuples in `columns` order (no per-row dicts)."""
    if not rows:
        return 0
    data = dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True))
    return insert_frame(tx, table, pl.DataFrame(data, strict=False))


def next_ids(tx: duckdb.DuckDBPyConnection, table: str, count: int) -> list[int]:
    if count <= 0:
        return []
    first = next_id(tx, table)
    return list(range(first, first + count))
