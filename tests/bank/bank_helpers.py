"""Store-side helpers for the bank tests: a desk on the demo clock, the demo plant's open invoices,
payment documents that pay them, and a fingerprint of everything an import may change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from demo_clock import DEMO_NOW
from statement_files import Fields, encode, incoming, statement

from ingest.bank.importer import ImportResult, import_file
from ingest.service import Desk
from ingest.store import Store

PAID_ON = date(2026, 11, 27)  # the day before the demo's "today"


def desk(home: Path, login: str = "pavlov") -> Desk:
    return Desk(Store.open(home), login, clock=lambda: DEMO_NOW)


def rows(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    with Store.open(home).read() as conn:
        return conn.execute(sql, params or []).fetchall()


def scalar(home: Path, sql: str, params: list | None = None):
    found = rows(home, sql, params)
    return found[0][0] if found else None


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    order_id: int
    order_number: str
    issue_date: date
    outstanding: Decimal
    customer_id: int
    inn: str
    customer: str


def open_invoices(home: Path, *, one_per_customer: bool = True) -> list[OpenInvoice]:
    """Invoices of the demo plant with something left to pay (orders not cancelled), oldest
    first; by default only customers with exactly one such invoice, so that a test's payment
    to one of them cannot be mistaken for another's."""
    found = rows(
        home,
        "WITH open AS ("
        "  SELECT i.id, i.number, i.order_id, o.number AS order_number, i.issue_date, "
        "    i.amount - coalesce((SELECT sum(p.amount) FROM payments p "
        "                         WHERE p.invoice_id = i.id), 0) AS outstanding, "
        "    c.id AS customer_id, c.inn, c.name "
        "  FROM invoices i JOIN orders o ON o.id = i.order_id "
        "  JOIN customers c ON c.id = o.customer_id WHERE o.status <> 'cancelled') "
        "SELECT * FROM open WHERE outstanding > 0 AND (NOT ? OR customer_id IN "
        "  (SELECT customer_id FROM open WHERE outstanding > 0 GROUP BY 1 HAVING count(*) = 1)) "
        "ORDER BY issue_date, id",
        [one_per_customer],
    )
    return [OpenInvoice(*row) for row in found]


def paying(
    inv: OpenInvoice,
    number: str,
    *,
    amount: Decimal | str | None = None,
    purpose: str | None = None,
    day: date = PAID_ON,
    **changes,
) -> Fields:
    """A payment order from the invoice's customer, naming it the way 1C writes purposes."""
    amount = inv.outstanding if amount is None else amount
    if purpose is None:
        purpose = (
            f"Оплата по счету № {inv.number} от {inv.issue_date:%d.%m.%Y} за изготовление "
            f"деталей, в т.ч. НДС 22%"
        )
    changes.setdefault("payer_inn", inv.inn)
    changes.setdefault("payer_name", inv.customer)
    return incoming(number, day, str(amount), purpose=purpose, **changes)


def import_docs(
    home: Path, docs: list, *, login: str = "pavlov", encoding: str = "cp1251", **kw
) -> ImportResult:
    data = encode(statement(docs, **kw), encoding)
    with desk(home, login).writing() as a:
        return import_file(a, data, "kl_to_1c.txt")


def fingerprint(home: Path) -> tuple:
    """Everything an import or a queue action may change."""
    return rows(
        home,
        "SELECT (SELECT count(*) FROM payments), (SELECT sum(amount) FROM payments), "
        "(SELECT count(*) FROM audit_log), (SELECT count(*) FROM bank_statements), "
        "(SELECT count(*) FROM bank_documents), (SELECT count(*) FROM bank_queue), "
        "(SELECT count(*) FROM bank_queue WHERE status = 'waiting')",
    )[0]


def last_payment_id(home: Path) -> int:
    return scalar(home, "SELECT coalesce(max(id), 0) FROM payments")


def new_payments(home: Path, after_id: int) -> list[tuple]:
    """(invoice_id, amount, doc_no, payer_inn, source, source_key) of payments after after_id."""
    return rows(
        home,
        "SELECT invoice_id, amount, doc_no, payer_inn, source, source_key FROM payments "
        "WHERE id > ? ORDER BY id",
        [after_id],
    )
