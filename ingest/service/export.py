"""Exports of the order list: the same visibility as the list, and only the columns the actor's
role may read (prices, payments, contacts), so a download never shows more than the screen.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import polars as pl

from ingest.service.acting import Acting
from ingest.service.order_pricing import price_many
from ingest.service.orders import OrderFilters, list_orders

BASE_COLUMNS = ("number", "customer_name", "customer_inn", "status", "sales_manager_name",
                "lead_source_name", "need_date", "planned_shipment_date",
                "actual_shipment_date", "delivered_date")  # fmt: skip
PRICE_COLUMNS = ("net", "vat", "total")
PAYMENT_COLUMNS = ("paid", "outstanding")
MONEY = pl.Decimal(18, 2)


def _paid_by_order(a: Acting, ids: list[int]) -> dict[int, Decimal]:
    rows = a.execute(
        "SELECT order_id, sum(amount) FROM payments WHERE list_contains(?, order_id) "
        "GROUP BY order_id", [ids],
    ).fetchall()  # fmt: skip
    return {oid: Decimal(total) for oid, total in rows}


def export_columns(a: Acting) -> tuple[str, ...]:
    """The columns this actor's export has (the role's access, before any per-order scope)."""
    columns = list(BASE_COLUMNS)
    if a.can("prices", "read"):
        columns += PRICE_COLUMNS
        if a.can("payments", "read"):
            columns += PAYMENT_COLUMNS
    return tuple(columns)


def orders_export(a: Acting, filters: OrderFilters | None = None) -> pl.DataFrame:
    """One row per visible order; money columns as Decimal(18,2)."""
    orders = list_orders(a, filters or OrderFilters())
    columns = export_columns(a)
    records: list[dict[str, Any]] = [{c: o.get(c) for c in BASE_COLUMNS} for o in orders]
    if "total" in columns:
        ids = [o["id"] for o in orders]
        priced = price_many(a.conn, ids)
        paid = _paid_by_order(a, ids) if "paid" in columns else {}
        for order, record in zip(orders, records, strict=True):
            result = priced.get(order["id"])
            ok = result is not None and not isinstance(result, Exception)
            for name in PRICE_COLUMNS:
                record[name] = getattr(result, name) if ok else None
            if "paid" in columns:
                record["paid"] = paid.get(order["id"], Decimal("0.00"))
                record["outstanding"] = record["total"] - record["paid"] if ok else None
    schema = {c: (MONEY if c in PRICE_COLUMNS + PAYMENT_COLUMNS else None) for c in columns}
    frame = pl.DataFrame(records, schema_overrides={k: v for k, v in schema.items() if v},
                         infer_schema_length=None) if records else pl.DataFrame(
        schema={c: (schema[c] or pl.Utf8) for c in columns})  # fmt: skip
    return frame.select(columns)


def to_xlsx(frame: pl.DataFrame, headers: dict[str, str] | None = None) -> bytes:
    """The frame as an .xlsx workbook (headers renamed for people when given)."""
    out = io.BytesIO()
    shown = frame.rename({k: v for k, v in (headers or {}).items() if k in frame.columns})
    shown.write_excel(out, worksheet="Заказы", autofit=True)
    return out.getvalue()
