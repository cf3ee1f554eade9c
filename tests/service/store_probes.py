"""Read-back helpers for service tests that hold a Store: a Desk on the demo clock, one row,
a row count, and the audit rows of an entity."""

from __future__ import annotations

from demo_clock import DEMO_NOW

from ingest.service import Desk
from ingest.store import Store


def desk(store: Store, login: str) -> Desk:
    return Desk(store, login, clock=lambda: DEMO_NOW)


def one(store: Store, sql: str, params=()):
    with store.read() as conn:
        return conn.execute(sql, list(params)).fetchone()


def count(store: Store, table: str) -> int:
    return one(store, f"SELECT count(*) FROM {table}")[0]


def audit_rows(store: Store, entity: str, entity_id: int) -> list[tuple]:
    with store.read() as conn:
        return conn.execute(
            "SELECT action, field, old_value, new_value, user_id, order_id FROM audit_log "
            "WHERE entity = ? AND entity_id = ? ORDER BY id",
            [entity, entity_id],
        ).fetchall()
