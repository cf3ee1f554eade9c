"""Quotes (КП): a frozen, numbered copy of the order's lines and prices as issued, and its PDF.

Issuing prices the order with pricing/ (the same figures the card shows) and stores every line
figure, so a later price-list change never alters an issued quote.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ingest.documents import QuoteDoc, QuoteLineDoc, render_quote_pdf
from ingest.service.acting import Acting
from ingest.service.order_pricing import price_stored_order, stored_lines
from ingest.service.orders import get_order
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from ingest.store.ids import insert_rows, next_id
from pricing.errors import PricingError

DEFAULT_VALID_DAYS = 30


def quote_number(order_number: str, version: int) -> str:
    """З-2026-0142, v2 -> КП-2026-0142/2 (an imported number keeps its own body)."""
    body = order_number[2:] if order_number.startswith("З-") else order_number
    return f"КП-{body}/{version}"


def _valid_days(a: Acting) -> int:
    row = a.execute("SELECT value FROM plant_settings WHERE key = 'quote_valid_days'").fetchone()
    try:
        return int(row[0]) if row else DEFAULT_VALID_DAYS
    except ValueError:
        return DEFAULT_VALID_DAYS


def issue_quote(a: Acting, order_id: int) -> tuple[int, str]:
    """Freeze the order's current lines and prices as the next quote version; (id, number)."""
    order = get_order(a, order_id)
    a.require("prices", "write", order)
    if order["status"] in ("closed", "cancelled"):
        raise ValidationError(f"заказ {order['number']}", "status",
                              "по закрытому или отменённому заказу КП не выставляется")  # fmt: skip
    lines = stored_lines(a.conn, order_id)
    if not lines:
        raise ValidationError(f"заказ {order['number']}", "lines", "в заказе нет позиций")
    try:
        priced = price_stored_order(a.conn, order)
    except PricingError as exc:
        raise ValidationError(f"заказ {order['number']}", exc.field, str(exc)) from None
    version = a.execute("SELECT coalesce(max(version), 0) + 1 FROM quotes WHERE order_id = ?",
                        [order_id]).fetchone()[0]  # fmt: skip
    quote_id = next_id(a.conn, "quotes")
    number = quote_number(order["number"], version)
    a.execute(
        "INSERT INTO quotes (id, order_id, number, version, issued_at, issued_by, valid_until, "
        "vat_rate, net, vat, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [quote_id, order_id, number, version, a.now, a.user_id,
         a.now.date() + timedelta(days=_valid_days(a)), priced.lines[0].vat_rate,
         priced.net, priced.vat, priced.total],
    )  # fmt: skip
    insert_rows(
        a.conn,
        "quote_lines",
        ["quote_id", "line_no", "drawing_no", "name", "material_grade", "quantity",
         "unit_weight_kg", "unit_price_net", "line_net", "line_vat", "line_total"],
        [(quote_id, ln["line_no"], ln["drawing_no"], ln["name"], ln["material_grade"],
          ln["quantity"], r.unit_weight_kg, r.unit_price_net, r.line_net, r.line_vat,
          r.line_total) for ln, r in zip(lines, priced.lines, strict=True)],
    )  # fmt: skip
    audit.record(
        a.conn, user_id=a.user_id, entity="quote", entity_id=quote_id, action="insert",
        changes={"number": (None, number), "total": (None, priced.total)}, at=a.now,
        order_id=order_id,
    )  # fmt: skip
    return quote_id, number


def list_quotes(a: Acting, order_id: int) -> list[dict[str, Any]]:
    order = get_order(a, order_id)
    a.require("prices", "read", order)
    return a.rows(
        "SELECT q.id, q.number, q.version, q.issued_at, u.full_name AS issued_by_name, "
        "q.valid_until, q.vat_rate, q.net, q.vat, q.total FROM quotes q "
        "LEFT JOIN users u ON u.id = q.issued_by WHERE q.order_id = ? ORDER BY q.version DESC",
        [order_id],
    )


def quote_document(a: Acting, quote_id: int) -> QuoteDoc:
    head = a.row(
        "SELECT q.*, o.number AS order_number, o.sales_manager_id, c.name AS customer_name, "
        "c.inn, c.kpp, c.address, u.full_name AS manager_name FROM quotes q "
        "JOIN orders o ON o.id = q.order_id LEFT JOIN customers c ON c.id = o.customer_id "
        "LEFT JOIN users u ON u.id = o.sales_manager_id WHERE q.id = ?",
        [quote_id],
    )
    if head is None:
        raise NotFoundError(f"КП с id {quote_id} не найдено")
    order = get_order(a, head["order_id"])
    a.require("prices", "read", order)
    plant = a.execute("SELECT value FROM plant_settings WHERE key = 'plant_name'").fetchone()
    lines = a.rows("SELECT * FROM quote_lines WHERE quote_id = ? ORDER BY line_no", [quote_id])
    return QuoteDoc(
        number=head["number"], version=head["version"], issued_on=head["issued_at"].date(),
        valid_until=head["valid_until"], order_number=head["order_number"],
        customer_name=head["customer_name"], customer_inn=head["inn"],
        customer_kpp=head["kpp"], customer_address=head["address"],
        manager_name=head["manager_name"], plant_name=plant[0] if plant else "Завод",
        vat_rate=head["vat_rate"], net=head["net"], vat=head["vat"], total=head["total"],
        lines=tuple(
            QuoteLineDoc(
                line_no=ln["line_no"], drawing_no=ln["drawing_no"], name=ln["name"],
                material_grade=ln["material_grade"], quantity=ln["quantity"],
                unit_weight_kg=ln["unit_weight_kg"], unit_price_net=ln["unit_price_net"],
                line_net=ln["line_net"], line_vat=ln["line_vat"], line_total=ln["line_total"],
            )
            for ln in lines
        ),
    )  # fmt: skip


def quote_pdf(a: Acting, quote_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of an issued quote."""
    doc = quote_document(a, quote_id)
    return f"{doc.number.replace('/', '-')}.pdf", render_quote_pdf(doc)
