"""The queue of bank payments not matched with certainty: a person matches each to an invoice
(a normal, audited payment is recorded) or ignores it with a reason (a refund, a transfer
between own accounts, a payment already entered by hand...). An ignored one can be reopened.

Reading takes `payments` read for all orders, changing takes `payments` write (recording.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ingest.bank.recording import record_bank_payment, require_bank, source_key
from ingest.service.acting import Acting
from ingest.service.checks import check_text
from ingest.store import audit
from ingest.store.errors import ValidationError
from zakaz.money import rub

STATUSES = ("waiting", "matched", "ignored")
_STATUS_RU = {"waiting": "ждёт", "matched": "сопоставлен", "ignored": "пропущен"}
MAX_LIST = 1000

_ITEMS = (
    "SELECT q.id, q.status, q.verdict, q.reason_code, q.reason, q.candidate_invoice_ids, "
    "  q.invoice_id, i.number AS invoice_number, o.number AS order_number, q.payment_id, "
    "  q.note, q.created_at, q.resolved_at, u.full_name AS resolved_by_name, "
    "  d.doc_no, d.doc_date, d.payment_date, d.amount, d.payer_inn, d.payer_name, "
    "  d.payer_account, d.purpose, s.file_name "
    "FROM bank_queue q JOIN bank_documents d ON d.id = q.document_id "
    "LEFT JOIN bank_statements s ON s.id = d.statement_id "
    "LEFT JOIN invoices i ON i.id = q.invoice_id LEFT JOIN orders o ON o.id = i.order_id "
    "LEFT JOIN users u ON u.id = q.resolved_by "
)


def _invoices(a: Acting, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Invoices by id with their order, customer and what is left to pay now."""
    if not ids:
        return {}
    rows = a.rows(
        "SELECT i.id, i.number, i.order_id, o.number AS order_number, o.status AS order_status, "
        "  c.name AS customer_name, c.inn AS customer_inn, i.issue_date, i.due_date, i.amount, "
        "  coalesce(p.paid, 0) AS paid "
        "FROM invoices i JOIN orders o ON o.id = i.order_id "
        "LEFT JOIN customers c ON c.id = o.customer_id "
        "LEFT JOIN (SELECT invoice_id, sum(amount) AS paid FROM payments GROUP BY invoice_id) p "
        "  ON p.invoice_id = i.id WHERE i.id IN (SELECT unnest(?))",
        [ids],
    )
    for row in rows:
        row["paid"] = Decimal(row["paid"])
        row["outstanding"] = row["amount"] - row["paid"]
    return {row["id"]: row for row in rows}


def list_queue(a: Acting, status: str | None = "waiting") -> list[dict[str, Any]]:
    """Queue items (all statuses when status is None), oldest payment first, each with its
    candidate invoices (best first) as they stand now."""
    require_bank(a, "read")
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown queue status {status!r}")
    where = "WHERE q.status = ? " if status else ""
    items = a.rows(
        _ITEMS + where + "ORDER BY d.payment_date, q.id LIMIT ?",
        [status, MAX_LIST] if status else [MAX_LIST],
    )
    for item in items:
        item["candidate_ids"] = json.loads(item.pop("candidate_invoice_ids"))
    invoices = _invoices(a, sorted({i for item in items for i in item["candidate_ids"]}))
    for item in items:
        item["candidates"] = [invoices[i] for i in item["candidate_ids"] if i in invoices]
    return items


def waiting_count(a: Acting) -> int:
    require_bank(a, "read")
    return a.execute("SELECT count(*) FROM bank_queue WHERE status = 'waiting'").fetchone()[0]


def statements(a: Acting, limit: int = 50) -> list[dict[str, Any]]:
    """Imported statements, newest first, with who imported them."""
    require_bank(a, "read")
    return a.rows(
        "SELECT s.*, u.full_name AS imported_by_name FROM bank_statements s "
        "LEFT JOIN users u ON u.id = s.imported_by ORDER BY s.imported_at DESC, s.id DESC LIMIT ?",
        [max(1, min(limit, MAX_LIST))],
    )


def _waiting_item(a: Acting, queue_id: int, *, status: str = "waiting") -> dict[str, Any]:
    item = a.row(_ITEMS + "WHERE q.id = ?", [queue_id])
    where = f"платёж из банка (очередь, № {queue_id})"
    if item is None:
        raise ValidationError(where, "queue_id", "такого платежа в очереди нет")
    if item["status"] != status:
        raise ValidationError(
            f"платёж № {item['doc_no']} от {item['doc_date']:%d.%m.%Y}",
            "status",
            f"уже {_STATUS_RU[item['status']]} — обновите страницу",
        )
    return item


def _resolve(a: Acting, item: dict[str, Any], new_status: str, **values: Any) -> None:
    """Set the item's status (and invoice, payment, note), audited."""
    columns = {"status": new_status, **values, "resolved_at": a.now, "resolved_by": a.user_id}
    if new_status == "waiting":
        columns.update(resolved_at=None, resolved_by=None)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    a.execute(f"UPDATE bank_queue SET {assignments} WHERE id = ?", [*columns.values(), item["id"]])
    changes = {"status": (item["status"], new_status)}
    changes.update({name: (item.get(name), value) for name, value in values.items()})
    order_id = None
    if values.get("invoice_id") is not None:
        order_id = a.execute(
            "SELECT order_id FROM invoices WHERE id = ?", [values["invoice_id"]]
        ).fetchone()[0]
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="bank_queue",
        entity_id=item["id"],
        action="update",
        changes=changes,
        at=a.now,
        order_id=order_id,
    )


def match_by_hand(a: Acting, queue_id: int, invoice_id: int) -> int:
    """Record the waiting payment against the chosen invoice (any order's); its payment id.

    record_payment's rules apply: a payment larger than what is left to pay on the invoice is
    refused (match a payment of several invoices by recording them on the order cards and
    ignoring it here)."""
    require_bank(a, "write")
    item = _waiting_item(a, queue_id)
    where = f"платёж № {item['doc_no']} на {rub(item['amount'])}"
    invoice = _invoices(a, [invoice_id]).get(invoice_id)
    if invoice is None:
        raise ValidationError(where, "invoice_id", f"нет счёта с id {invoice_id}")
    key = source_key(item["payer_inn"], item["payer_account"], item["doc_no"], item["payment_date"])
    if a.execute("SELECT count(*) FROM payments WHERE source_key = ?", [key]).fetchone()[0]:
        raise ValidationError(where, "doc_no", "этот банковский платёж уже записан")
    payment_id = record_bank_payment(
        a,
        order_id=invoice["order_id"],
        invoice_id=invoice_id,
        amount=item["amount"],
        payment_date=item["payment_date"],
        doc_no=item["doc_no"],
        payer_inn=item["payer_inn"],
        purpose=item["purpose"],
        key=key,
    )
    _resolve(a, item, "matched", invoice_id=invoice_id, payment_id=payment_id)
    return payment_id


def ignore(a: Acting, queue_id: int, reason: str) -> None:
    """Take the payment off the queue without recording it; the reason is required."""
    require_bank(a, "write")
    item = _waiting_item(a, queue_id)
    where = f"платёж № {item['doc_no']} на {rub(item['amount'])}"
    note = check_text(reason, where, "reason", limit=500, required=True)
    _resolve(a, item, "ignored", note=note)


def reopen(a: Acting, queue_id: int) -> None:
    """Put an ignored payment back in the queue (a matched one has a payment: not this way)."""
    require_bank(a, "write")
    item = _waiting_item(a, queue_id, status="ignored")
    _resolve(a, item, "waiting", note=None)
