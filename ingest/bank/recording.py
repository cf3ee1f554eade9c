"""Who may work with bank statements, and how a bank payment is recorded.

Bank work is the `payments` field group's, for every order: importing a statement records
payments on any customer's orders, and the queue shows payments that belong to no order yet.
So it takes `payments` write (read for looking) without the own-orders limit — by default
finance writes, leadership and admin read (docs/access.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ingest.access import PermissionDeniedError
from ingest.access.errors import group_name, role_name
from ingest.bank.parse import Document
from ingest.service.acting import Acting
from ingest.service.payments import record_payment
from ingest.store import audit


def require_bank(a: Acting, mode: str) -> None:
    """`payments` read/write for all orders, or PermissionDeniedError."""
    a.require("payments", mode)
    where, _ = a.visible("payments")
    if where != "TRUE":  # limited to own orders: not enough for a whole bank account
        raise PermissionDeniedError(
            f"Нет доступа: роль «{role_name(a.actor.role)}» видит «{group_name('payments')}» "
            "только по своим заказам — банковская выписка касается всех заказов",
            login=a.actor.login,
            role=a.actor.role,
            group="payments",
            mode=mode,
        )


def may_use_bank(a: Acting, mode: str) -> bool:
    try:
        require_bank(a, mode)
    except PermissionDeniedError:
        return False
    return True


def payment_date_of(doc: Document) -> date:
    """The day the money arrived (ДатаПоступило), else the document's own date."""
    return doc.received or doc.date


def dedupe_key(doc: Document) -> str:
    """(payer's account or ИНН, number, date, amount): the same document in any statement."""
    payer = doc.payer_account or (f"ИНН{doc.payer_inn}" if doc.payer_inn else "-")
    return f"{payer}|{doc.number}|{doc.date.isoformat()}|{doc.amount}"


def source_key(payer_inn: str | None, payer_account: str | None, number: str, paid_on: date) -> str:
    """payments.source_key of a bank payment: bank:<payer ИНН or account>:<number>:<date>, the
    form the demo plant's bank payments already use, so those are recognised as well."""
    return f"bank:{payer_inn or payer_account or '-'}:{number}:{paid_on.isoformat()}"


def payment_source_key(doc: Document) -> str:
    return source_key(doc.payer_inn, doc.payer_account, doc.number, payment_date_of(doc))


def record_bank_payment(
    a: Acting,
    *,
    order_id: int,
    invoice_id: int,
    amount: Decimal,
    payment_date: date,
    doc_no: str,
    payer_inn: str | None,
    purpose: str | None,
    key: str,
) -> int:
    """A bank document's payment against an invoice: record_payment's own checks and audit
    (access to the order, the invoice is the order's, not in the future, not more than is left
    to pay), then marked as the bank's with the payer, the purpose and the source key.
    Returns the payment's id."""
    payment_id = record_payment(
        a, order_id, invoice_id=invoice_id, payment_date=payment_date, amount=amount, doc_no=doc_no
    )
    a.execute(
        "UPDATE payments SET source = 'bank', payer_inn = ?, purpose = ?, source_key = ? "
        "WHERE id = ?",
        [payer_inn, purpose or None, key, payment_id],
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="payment",
        entity_id=payment_id,
        action="update",
        changes={
            "source": ("manual", "bank"),
            "payer_inn": (None, payer_inn),
            "purpose": (None, purpose or None),
            "source_key": (None, key),
        },
        at=a.now,
        order_id=order_id,
    )
    return payment_id
