"""Writing the generated plant: one INSERT ... BY NAME per table, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import duckdb
import polars as pl

from ingest.store import audit
from zakaz.reference import insert_frame

# The tables the demo generator fills (besides the reference data).
TABLES: tuple[str, ...] = (
    "users", "customers", "customer_contacts", "material_prices", "products", "orders",
    "order_lines", "order_line_surcharges", "order_expenses", "quotes", "quote_lines",
    "procurement_records", "shipments", "payment_steps", "invoices", "payments",
    "status_events", "tasks",
)  # fmt: skip

# Every table a plant's data lives in (what build_demo_plant reports).
COUNTED: tuple[str, ...] = (
    "roles", "vat_rates", "lead_sources", "materials", "payment_terms_templates",
    "payment_terms_template_steps", "plant_settings", *TABLES, "notification_outbox", "audit_log",
)  # fmt: skip


def insert_plant(
    tx: duckdb.DuckDBPyConnection, frames: Iterable[tuple[str, pl.DataFrame]]
) -> dict[str, int]:
    """Insert each (table, frame) as it comes, so a frame can be freed before the next is made."""
    counts: dict[str, int] = {}
    for table, frame in frames:
        if table not in TABLES:
            raise ValueError(f"no loader for table {table!r}")
        counts[table] = counts.get(table, 0) + insert_frame(tx, table, frame)
        del frame
    return counts


def mark_demo(
    tx: duckdb.DuckDBPyConnection,
    *,
    scale: int,
    as_of: date,
    seed: int,
    admin_id: int,
    at: datetime,
) -> None:
    """Flag the plant as a demo (plant_settings) and note the load in the audit log."""
    settings = {
        "demo": "true",
        "demo_as_of": as_of.isoformat(),
        "demo_seed": str(seed),
        "demo_scale": str(scale),
    }
    tx.execute("DELETE FROM plant_settings WHERE key IN (SELECT unnest(?))", [list(settings)])
    tx.executemany("INSERT INTO plant_settings (key, value) VALUES (?, ?)", list(settings.items()))
    audit.record(
        tx,
        user_id=admin_id,
        entity="plant",
        entity_id=None,
        action="insert",
        changes={"demo": (None, f"scale={scale}; as_of={as_of.isoformat()}; seed={seed}")},
        at=at,
    )


def table_counts(tx: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: tx.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNTED}
