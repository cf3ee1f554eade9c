"""The payments register: a row per payment received, against an invoice (by its number) or an
order (by its number) — legacy orders often have no invoices in the system.

Natural key: invoice number (or order number) + date + amount + payment order number (when
given), kept in payments.source_key ('import:…', UNIQUE), so a re-import never doubles a payment.
A payment already stored from any source (the bank statement, a hand entry) with the same order,
invoice, date, amount and document number is not added again either. Payments are facts: an
existing one is never changed by an import (updated is always 0).

Rules as in the app's payment form: the amount > 0 and not above what is still unpaid on the
invoice (this file's earlier rows count), the date not in the future, the payer's ИНН checksum.
Access: the payments group, write, on each payment's order (own-orders scope).
"""

from __future__ import annotations

from decimal import Decimal

from ingest.importing.errors import RowError
from ingest.importing.kinds import rules
from ingest.importing.kinds.base import (
    INSERT,
    SKIP,
    AuditBatch,
    ColumnOf,
    Plan,
    Row,
    duplicates,
    insert_records,
    next_ids,
)
from ingest.importing.kinds.lookups import same_number
from ingest.service.acting import Acting
from zakaz.money import rub

KIND = "payments"


RULES = {
    "invoice_number": rules.text(100), "order_number": rules.text(100), "doc_no": rules.text(100),
    "purpose": rules.text(2000), "payer_inn": rules.inn, "amount": rules.money,
}  # fmt: skip


def access(a: Acting, mapped: set[str]) -> None:
    a.require("payments", "write")


def source_key(row: Row) -> str:
    parts = (
        row.get("invoice_number") or "",
        row.get("order_number") or "",
        row.get("payment_date").isoformat(),
        format(row.get("amount"), "f"),
        row.get("doc_no") or "",
    )
    return "import:" + "|".join(parts)


def _key(row: Row) -> tuple:
    """The natural key of a payment row (see the module doc)."""
    return tuple(
        row.get(n) for n in ("invoice_number", "order_number", "payment_date", "amount", "doc_no")
    )


def check(
    rows: list[Row], col: ColumnOf, rejected: list[Row] = ()
) -> tuple[list[Row], list[RowError]]:
    good, errors = [], []
    for row in rows:
        values, problems = row.values, []
        if not values.get("invoice_number") and not values.get("order_number"):
            problems.append(RowError(row.row, col("invoice_number"), "не указан ни счёт, ни заказ"))
        if values.get("payment_date") is None:
            problems.append(RowError(row.row, col("payment_date"), "дата оплаты не заполнена"))
        if values.get("amount") is None:
            problems.append(RowError(row.row, col("amount"), "сумма не заполнена"))
        if problems:
            errors += problems
        else:
            good.append(row)
    kept, dups = duplicates(good, _key, col("amount"))
    return kept, errors + dups


def _rows(a: Acting, sql: str, params: list) -> list[dict]:
    cursor = a.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


class _Lookups:
    def __init__(self, a: Acting, rows: list[Row]):
        invoices = sorted({r.get("invoice_number") for r in rows if r.get("invoice_number")})
        self.invoices = {
            i["number"]: i
            for i in _rows(
                a,
                "SELECT id, number, order_id, amount FROM invoices WHERE list_contains(?, number)",
                [invoices],
            )
        }
        order_ids = sorted({i["order_id"] for i in self.invoices.values()})
        numbers = sorted({r.get("order_number") for r in rows if r.get("order_number")})
        orders = _rows(
            a,
            "SELECT id, number, customer_id, sales_manager_id FROM orders "
            "WHERE list_contains(?, number) OR list_contains(?, id)",
            [numbers, order_ids],
        )
        self.orders_by_number = {o["number"]: o for o in orders}
        self.orders_by_id = {o["id"]: o for o in orders}
        ids = sorted(self.orders_by_id)
        self.payments = _rows(
            a,
            "SELECT order_id, invoice_id, payment_date, amount, doc_no, source_key "
            "FROM payments WHERE list_contains(?, order_id)",
            [ids],
        )
        self.keys = {p["source_key"] for p in self.payments if p["source_key"]}
        self.paid: dict[int, Decimal] = {}
        for p in self.payments:
            if p["invoice_id"] is not None:
                self.paid[p["invoice_id"]] = (
                    self.paid.get(p["invoice_id"], Decimal(0)) + p["amount"]
                )


def _stored_already(look: _Lookups, order_id: int, invoice_id: int | None, row: Row) -> bool:
    """The same payment from any source (bank statement, hand entry, an earlier import)."""
    if source_key(row) in look.keys:
        return True
    doc_no = row.get("doc_no")
    return any(
        p["order_id"] == order_id
        and p["payment_date"] == row.get("payment_date")
        and same_number(p["amount"], row.get("amount"))
        and (invoice_id is None or p["invoice_id"] in (None, invoice_id))
        and (doc_no is None or p["doc_no"] == doc_no)
        for p in look.payments
    )


def _target(look: _Lookups, row: Row, col: ColumnOf) -> tuple[dict, dict | None] | RowError:
    """(order, invoice or None) the payment is for, or why it cannot be placed."""
    number, order_number = row.get("invoice_number"), row.get("order_number")
    invoice = None
    if number:
        invoice = look.invoices.get(number)
        if invoice is None:
            return RowError(row.row, col("invoice_number"), f"счёт № {number} не найден")
        order = look.orders_by_id[invoice["order_id"]]
        if order_number and order_number != order["number"]:
            return RowError(
                row.row,
                col("order_number"),
                f"счёт № {number} выставлен по заказу {order['number']}",
            )
        return order, invoice
    order = look.orders_by_number.get(order_number)
    if order is None:
        return RowError(row.row, col("order_number"), f"заказ {order_number} не найден")
    return order, None


def plan(a: Acting, rows: list[Row], col: ColumnOf) -> Plan:
    result = Plan(work=[])
    look = _Lookups(a, rows)
    today = a.now.date()
    ids = iter(next_ids(a.conn, "payments", len(rows)))
    for row in rows:
        target = _target(look, row, col)
        if isinstance(target, RowError):
            result.errors.append(target)
            continue
        order, invoice = target
        if not a.can("payments", "write", order):
            result.reject(
                row.row, col("order_number"), f"нет доступа к платежам заказа {order['number']}"
            )
            continue
        if row.get("payment_date") > today:
            result.reject(
                row.row,
                col("payment_date"),
                f"дата {row.get('payment_date'):%d.%m.%Y} ещё не наступила",
            )
            continue
        invoice_id = invoice["id"] if invoice else None
        if _stored_already(look, order["id"], invoice_id, row):
            result.outcomes[row.row] = SKIP
            continue
        amount = row.get("amount")
        if invoice is not None:
            outstanding = invoice["amount"] - look.paid.get(invoice["id"], Decimal(0))
            if amount > outstanding:
                result.reject(
                    row.row,
                    col("amount"),
                    f"сумма {rub(amount)} больше неоплаченного остатка счёта "
                    f"№ {invoice['number']}: {rub(outstanding)}",
                )
                continue
            look.paid[invoice["id"]] = look.paid.get(invoice["id"], Decimal(0)) + amount
        record = {
            "id": next(ids),
            "order_id": order["id"],
            "invoice_id": invoice_id,
            "customer_id": order["customer_id"],
            "payment_date": row.get("payment_date"),
            "amount": amount,
            "doc_no": row.get("doc_no"),
            "payer_inn": row.get("payer_inn"),
            "purpose": row.get("purpose"),
            "source": "import",
            "source_key": source_key(row),
            "created_at": a.now,
            "created_by": a.user_id,
        }
        look.keys.add(record["source_key"])
        result.work.append(record)
        result.outcomes[row.row] = INSERT
    return result


def apply(a: Acting, plan: Plan, audit: AuditBatch) -> None:
    insert_records(a.conn, "payments", plan.work)
    for p in plan.work:
        audit.add(
            "payment",
            p["id"],
            "insert",
            {k: (None, p[k]) for k in ("invoice_id", "payment_date", "amount", "doc_no", "source")},
            order_id=p["order_id"],
        )
