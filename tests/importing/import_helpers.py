"""Helpers of the import tests: the import as the app runs it, store read-backs, and a
fingerprint of the whole store (to prove that nothing changed)."""

from __future__ import annotations

from demo_clock import DEMO_NOW

from ingest.importing import run as importing
from ingest.importing.mapping import mapping_for
from ingest.service import Desk
from ingest.store import Store


def desk(store: Store, login: str) -> Desk:
    return Desk(store, login, clock=lambda: DEMO_NOW)


def parse(store: Store, data: bytes, name: str, kind: str, overrides=None) -> importing.Parsed:
    loaded = importing.load(data, name, kind)
    with store.read() as conn:
        mapping, _ = mapping_for(conn, kind, loaded.table, overrides)
    return importing.parse(loaded, mapping)


def run_import(store: Store, data: bytes, name: str, kind: str, login: str, **options):
    """The whole import as the app does it: load, map, parse, execute (one transaction)."""
    return importing.execute(desk(store, login), parse(store, data, name, kind), **options)


def rows(store: Store, sql: str, params: list | None = None) -> list[tuple]:
    with store.read() as conn:
        return conn.execute(sql, params or []).fetchall()


def one(store: Store, sql: str, params: list | None = None):
    found = rows(store, sql, params)
    return found[0][0] if found else None


def fingerprint(store: Store) -> dict[str, tuple]:
    """(row count, order-free hash of every row) per table: equal fingerprints = equal store."""
    with store.read() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() ORDER BY 1"
        ).fetchall()]  # fmt: skip
        return {
            t: conn.execute(
                f'SELECT count(*), sum(hash(CAST(x AS VARCHAR))) FROM "{t}" x'
            ).fetchone()
            for t in tables
        }
