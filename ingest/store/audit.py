"""The append-only audit log: who changed what, when, old -> new. Only ever INSERTed into."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb

from ingest.store.ids import insert_rows, next_id


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def record(
    tx: duckdb.DuckDBPyConnection,
    *,
    user_id: int | None,
    entity: str,
    entity_id: int | None,
    action: str,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    at: datetime,
    order_id: int | None = None,
) -> int:
    """One row per changed field (or one row without a field for an insert/delete). Returns rows."""
    rows = [(field, _text(old), _text(new)) for field, (old, new) in (changes or {}).items()]
    if not rows:
        rows = [(None, None, None)]
    first = next_id(tx, "audit_log")
    insert_rows(
        tx,
        "audit_log",
        ["id", "logged_at", "user_id", "entity", "entity_id", "action", "field", "old_value",
         "new_value", "order_id"],
        [(first + i, at, user_id, entity, entity_id, action, field, old, new, order_id)
         for i, (field, old, new) in enumerate(rows)],
    )  # fmt: skip
    return len(rows)
