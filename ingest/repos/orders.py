"""Orders and their lines: create, read, and edit with an optimistic version check.

Every function takes an open store transaction (`with store.write() as tx`) so a caller can make
several changes atomically; nothing here opens the database itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from ingest.store import audit
from ingest.store.errors import NotFoundError, StaleEditError, ValidationError
from ingest.store.ids import insert_rows, next_ids

BLANK_COLUMNS = (
    "diameter_mm", "across_flats_mm", "outer_diameter_mm", "wall_mm",
    "length_mm", "width_mm", "thickness_mm", "weight_kg",
)  # fmt: skip

# Header fields a form may change; the rest (id, number, version, audit stamps) is the store's.
EDITABLE_HEADER_FIELDS = frozenset({
    "customer_id", "lead_source_id", "sales_manager_id", "procurement_manager_id",
    "logistics_manager_id", "need_date", "planned_shipment_date", "vat_rate",
    "payment_terms_template_id", "delivery_address", "comment",
})  # fmt: skip


@dataclass(frozen=True)
class LineDraft:
    name: str
    material_id: int
    blank_shape: str
    dims: Mapping[str, Decimal]
    quantity: int
    complexity: Decimal
    product_id: int | None = None
    drawing_no: str | None = None
    price_per_kg: Decimal | None = None
    fixed_unit_price: Decimal | None = None
    surcharges_pct: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderDraft:
    customer_id: int
    need_date: date
    lines: tuple[LineDraft, ...]
    sales_manager_id: int | None = None
    lead_source_id: int | None = None
    planned_shipment_date: date | None = None
    vat_rate: Decimal | None = None
    delivery_address: str | None = None
    comment: str | None = None


def _next_order_number(tx: duckdb.DuckDBPyConnection, year: int) -> str:
    """Next З-YYYY-NNNN; numbers of another form (e.g. imported З-2026-0142/1) are skipped."""
    prefix = f"З-{year}-"
    last = tx.execute(
        "SELECT max(TRY_CAST(substr(number, ?) AS INTEGER)) FROM orders "
        "WHERE regexp_full_match(number, ?)",
        [len(prefix) + 1, f"З-{year}-[0-9]+"],
    ).fetchone()[0]
    return f"{prefix}{(last or 0) + 1:04d}"


def missing_references(tx: duckdb.DuckDBPyConnection, refs: list[tuple[str, str, str, int]]):
    """Check many (where, field, table, id) references in one query; raise on the first missing."""
    refs = [r for r in refs if r[3] is not None]
    if not refs:
        return
    probe = " UNION ALL ".join(
        f"SELECT {i} AS k WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE id = ?)"
        for i, (_, _, table, _) in enumerate(refs)
    )
    missing = tx.execute(f"SELECT min(k) FROM ({probe})", [r[3] for r in refs]).fetchone()[0]
    if missing is not None:
        where, fld, _, row_id = refs[missing]
        raise ValidationError(where, fld, f"нет записи с id {row_id}")


def validate_line(line_no: int, line: LineDraft) -> list[tuple[str, str, str, int]]:
    """Checks that need no database; returns the references still to check."""
    where = f"позиция {line_no}"
    if not (line.name or "").strip():
        raise ValidationError(where, "name", "наименование не заполнено")
    if not isinstance(line.quantity, int) or line.quantity < 1:
        raise ValidationError(where, "quantity", "количество должно быть целым числом >= 1")
    if line.complexity is None or line.complexity <= 0:
        raise ValidationError(where, "complexity", "коэффициент сложности должен быть > 0")
    unknown = set(line.dims) - set(BLANK_COLUMNS)
    if unknown:
        raise ValidationError(where, sorted(unknown)[0], "неизвестный размер заготовки")
    return [
        (where, "material_id", "materials", line.material_id),
        (where, "product_id", "products", line.product_id),
    ]


def create_order(
    tx: duckdb.DuckDBPyConnection, *, actor_id: int | None, draft: OrderDraft, now: datetime
) -> tuple[int, str]:
    """Insert an order with its lines (status need) and its first status event.

    Returns (id, number).
    """
    if not draft.lines:
        raise ValidationError("заказ", "lines", "нужна хотя бы одна позиция")
    refs = [
        ("заказ", "customer_id", "customers", draft.customer_id),
        ("заказ", "sales_manager_id", "users", draft.sales_manager_id),
        ("заказ", "lead_source_id", "lead_sources", draft.lead_source_id),
    ]
    for line_no, line in enumerate(draft.lines, start=1):
        refs += validate_line(line_no, line)
    missing_references(tx, refs)

    ids = next_ids(tx, "orders", "order_lines", "status_events")
    order_id = ids["orders"]
    number = _next_order_number(tx, draft.need_date.year)
    tx.execute(
        "INSERT INTO orders (id, number, customer_id, lead_source_id, sales_manager_id, status, "
        "need_date, planned_shipment_date, vat_rate, delivery_address, comment, created_at, "
        "created_by, updated_at, updated_by, version) "
        "VALUES (?, ?, ?, ?, ?, 'need', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [order_id, number, draft.customer_id, draft.lead_source_id, draft.sales_manager_id,
         draft.need_date, draft.planned_shipment_date, draft.vat_rate, draft.delivery_address,
         draft.comment, now, actor_id, now, actor_id],
    )  # fmt: skip
    insert_lines(tx, order_id, ids["order_lines"], draft.lines)
    tx.execute(
        "INSERT INTO status_events (id, order_id, from_status, to_status, changed_at, changed_by) "
        "VALUES (?, ?, NULL, 'need', ?, ?)",
        [ids["status_events"], order_id, now, actor_id],
    )
    audit.record(
        tx, user_id=actor_id, entity="order", entity_id=order_id, action="insert",
        changes={"number": (None, number), "lines": (None, len(draft.lines))}, at=now,
        order_id=order_id,
    )  # fmt: skip
    return order_id, number


def insert_lines(
    tx: duckdb.DuckDBPyConnection,
    order_id: int,
    first_line_id: int,
    lines: tuple[LineDraft, ...],
    first_line_no: int = 1,
) -> None:
    rows, surcharges = [], []
    for offset, line in enumerate(lines):
        line_id = first_line_id + offset
        rows.append([
            line_id, order_id, first_line_no + offset, line.product_id, line.drawing_no, line.name,
            line.material_id, line.price_per_kg, line.blank_shape,
            *(line.dims.get(col) for col in BLANK_COLUMNS),
            line.quantity, line.complexity, line.fixed_unit_price,
        ])  # fmt: skip
        surcharges += [(line_id, name, pct) for name, pct in line.surcharges_pct.items()]
    insert_rows(
        tx,
        "order_lines",
        ["id", "order_id", "line_no", "product_id", "drawing_no", "name", "material_id",
         "price_per_kg", "blank_shape", *BLANK_COLUMNS, "quantity", "complexity",
         "fixed_unit_price"],
        rows,
    )  # fmt: skip
    insert_rows(tx, "order_line_surcharges", ["line_id", "name", "pct"], surcharges)


def get_order(conn: duckdb.DuckDBPyConnection, order_id: int) -> dict[str, Any]:
    cursor = conn.execute("SELECT * FROM orders WHERE id = ?", [order_id])
    row = cursor.fetchone()
    if row is None:
        raise NotFoundError(f"Заказ с id {order_id} не найден")
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def update_order_header(
    tx: duckdb.DuckDBPyConnection,
    *,
    actor_id: int | None,
    order_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    now: datetime,
) -> int:
    """Apply header changes if nobody saved since expected_version; returns the new version.

    A stale save raises StaleEditError naming who changed the order and when.
    """
    bad = set(changes) - EDITABLE_HEADER_FIELDS
    if bad:
        raise ValidationError("заказ", sorted(bad)[0], "это поле нельзя менять здесь")
    current = get_order(tx, order_id)
    if current["version"] != expected_version:
        raise stale_error(tx, current)
    diff = {k: (current[k], v) for k, v in changes.items() if current[k] != v}
    if not diff:
        return current["version"]
    assignments = ", ".join(f"{name} = ?" for name in diff)
    updated = tx.execute(
        f"UPDATE orders SET {assignments}, version = version + 1, updated_at = ?, updated_by = ? "
        "WHERE id = ? AND version = ? RETURNING version",
        [*(new for _, new in diff.values()), now, actor_id, order_id, expected_version],
    ).fetchone()
    if updated is None:  # cannot happen under the exclusive lock, but never overwrite silently
        raise stale_error(tx, get_order(tx, order_id))
    audit.record(
        tx, user_id=actor_id, entity="order", entity_id=order_id, action="update",
        changes=diff, at=now, order_id=order_id,
    )  # fmt: skip
    return updated[0]


def stale_error(tx: duckdb.DuckDBPyConnection, current: Mapping[str, Any]) -> StaleEditError:
    who = None
    if current["updated_by"] is not None:
        row = tx.execute(
            "SELECT full_name || ' (' || login || ')' FROM users WHERE id = ?",
            [current["updated_by"]],
        ).fetchone()
        who = row[0] if row else None
    return StaleEditError(f"Заказ {current['number']}", who, current["updated_at"])
