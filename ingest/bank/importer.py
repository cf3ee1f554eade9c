"""Importing a parsed statement into the store: one write transaction per statement.

Each incoming document is taken once (bank_documents.dedupe_key), matched by the rules of
matching.py, and either recorded as a payment (EXACT, through record_payment: audited, checked)
or put in the queue (bank_queue) with the reason and the candidate invoices. Outgoing documents
are counted and left out. A document refused here (a date in the future, neither side the
plant) is reported like a malformed one; the others are still imported. Anything that fails
midway rolls the whole statement back (Store.write), so a statement is in the store whole or
not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ingest.bank.matching import (
    EXACT,
    Customer,
    InvoiceFact,
    Ledger,
    Match,
    direction,
    match_payment,
)
from ingest.bank.parse import Document, Statement, StatementError, parse_statement
from ingest.bank.purpose import read_purpose
from ingest.bank.recording import (
    dedupe_key,
    payment_date_of,
    payment_source_key,
    record_bank_payment,
    require_bank,
)
from ingest.service.acting import Acting
from ingest.service.reference import plant_setting
from ingest.store import audit
from ingest.store.ids import insert_rows, next_ids
from zakaz.money import rub

Progress = Callable[[int, int], None]  # (documents done, documents in all)
_CHUNK = 500  # rows per INSERT statement

DOCUMENT_COLUMNS = (
    "id",
    "dedupe_key",
    "statement_id",
    "kind",
    "doc_no",
    "doc_date",
    "payment_date",
    "amount",
    "payer_inn",
    "payer_name",
    "payer_account",
    "payee_inn",
    "payee_account",
    "purpose",
    "verdict",
    "payment_id",
    "created_at",
)
QUEUE_COLUMNS = (
    "id",
    "document_id",
    "verdict",
    "reason_code",
    "reason",
    "candidate_invoice_ids",
    "status",
    "created_at",
)


@dataclass(frozen=True)
class MatchedItem:
    doc_no: str
    doc_date: date
    amount: Decimal
    payer_name: str | None
    invoice_number: str
    order_number: str
    payment_id: int


@dataclass(frozen=True)
class QueuedItem:
    queue_id: int
    doc_no: str
    doc_date: date
    amount: Decimal
    payer_name: str | None
    payer_inn: str | None
    purpose: str
    verdict: str
    reason_code: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    statement_id: int
    file_name: str
    encoding: str
    account: str | None
    sections: int  # document sections in the file, good or bad
    incoming: int
    outgoing: int
    matched: int
    queued: int
    known: int  # skipped: imported before (or twice in this file)
    rejected: int  # documents not taken: malformed, or refused here
    errors: tuple[str, ...]  # every problem, one Russian line each
    matched_items: tuple[MatchedItem, ...]
    queued_items: tuple[QueuedItem, ...]

    @property
    def clean(self) -> bool:
        return not self.errors


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_ledger(a: Acting) -> Ledger:
    """Customers, every invoice with its order and customer, and what has been paid on it."""
    customers = [
        Customer(r["id"], r["name"], r["inn"])
        for r in a.rows("SELECT id, name, inn FROM customers")
    ]
    rows = a.rows(
        "SELECT i.id, i.number, i.order_id, o.number AS order_number, o.status, o.customer_id, "
        "  c.name AS customer_name, c.inn, i.issue_date, i.amount, coalesce(p.paid, 0) AS paid "
        "FROM invoices i JOIN orders o ON o.id = i.order_id "
        "JOIN customers c ON c.id = o.customer_id "
        "LEFT JOIN (SELECT invoice_id, sum(amount) AS paid FROM payments GROUP BY invoice_id) p "
        "  ON p.invoice_id = i.id"
    )
    invoices = [
        InvoiceFact(
            r["id"],
            r["number"],
            r["order_id"],
            r["order_number"],
            r["status"],
            r["customer_id"],
            r["customer_name"],
            r["inn"],
            r["issue_date"],
            r["amount"],
        )
        for r in rows
    ]
    paid = {r["id"]: Decimal(r["paid"]) for r in rows}
    return Ledger.build(plant_setting(a, "plant_inn"), customers, invoices, paid)


def _known_documents(a: Acting, keys: Sequence[str]) -> set[str]:
    found = a.execute(
        "SELECT dedupe_key FROM bank_documents WHERE dedupe_key IN (SELECT unnest(?))",
        [list(keys)],
    ).fetchall()
    return {row[0] for row in found}


def _recorded_payments(a: Acting, source_keys: Sequence[str]) -> dict[str, Decimal]:
    """source_key -> amount of the bank payments already recorded under these keys."""
    found = a.execute(
        "SELECT source_key, sum(amount) FROM payments WHERE source_key IN (SELECT unnest(?)) "
        "GROUP BY source_key",
        [list(source_keys)],
    ).fetchall()
    return {key: Decimal(amount) for key, amount in found}


def _insert(a: Acting, table: str, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        chunk = [[row[c] for c in columns] for row in rows[start : start + _CHUNK]]
        insert_rows(a.conn, table, columns, chunk)


class _Batch:
    """One statement's import: decides each document, records the EXACT payments at once and
    gathers the document and queue rows to write in a few statements at the end."""

    def __init__(self, a: Acting, statement: Statement):
        self.a = a
        self.statement = statement
        self.ledger = load_ledger(a)
        docs = statement.documents
        self.known_keys = _known_documents(a, [dedupe_key(d) for d in docs])
        self.recorded = _recorded_payments(a, [payment_source_key(d) for d in docs])
        ids = next_ids(a.conn, "bank_statements", "bank_documents", "bank_queue")
        self.statement_id = ids["bank_statements"]
        self.next_doc, self.next_queue = ids["bank_documents"], ids["bank_queue"]
        self.counts = dict.fromkeys(("incoming", "outgoing", "matched", "queued", "known"), 0)
        self.errors = [str(e) for e in statement.errors]
        self.refused = 0
        self.doc_rows: list[dict[str, Any]] = []
        self.queue_rows: list[dict[str, Any]] = []
        self.matched: list[MatchedItem] = []
        self.queued: list[QueuedItem] = []

    def refuse(self, doc: Document, reason: str) -> None:
        self.refused += 1
        self.errors.append(str(StatementError(reason, doc.line, doc.number)))

    def take(self, doc: Document) -> None:
        key, source = dedupe_key(doc), payment_source_key(doc)
        side = direction(doc, self.statement.accounts, self.ledger.plant_inn)
        if side is None:
            self.refuse(
                doc, "ни плательщик, ни получатель не совпадают со счётом выписки и ИНН завода"
            )
        elif side == "out":
            self.counts["outgoing"] += 1
        elif key in self.known_keys or self.recorded.get(source) == doc.amount:
            # Imported before, or recorded from the bank before statements were imported
            # (the demo plant's history has such payments).
            self.counts["incoming"] += 1
            self.counts["known"] += 1
        elif source in self.recorded:
            self.refuse(
                doc,
                "платёж с этим номером от этого плательщика за этот день уже "
                f"записан на другую сумму: {rub(self.recorded[source])}",
            )
        elif payment_date_of(doc) > self.a.now.date():
            self.refuse(doc, f"дата поступления {payment_date_of(doc):%d.%m.%Y} ещё не наступила")
        else:
            self.counts["incoming"] += 1
            self.known_keys.add(key)  # the same document twice in one file is taken once
            match = match_payment(doc, read_purpose(doc.purpose), self.ledger)
            payment_id = self.record(doc, match, source) if match.verdict == EXACT else None
            if payment_id is None:
                self.enqueue(doc, match)
            self.doc_rows.append(self.document_row(doc, key, match, payment_id))
            self.next_doc += 1

    def record(self, doc: Document, match: Match, source: str) -> int:
        inv = match.invoice
        payment_id = record_bank_payment(
            self.a,
            order_id=inv.order_id,
            invoice_id=inv.id,
            amount=doc.amount,
            payment_date=payment_date_of(doc),
            doc_no=doc.number,
            payer_inn=doc.payer_inn,
            purpose=doc.purpose,
            key=source,
        )
        self.ledger = self.ledger.after_payment(inv.id, doc.amount)
        self.recorded[source] = doc.amount
        self.counts["matched"] += 1
        self.matched.append(
            MatchedItem(
                doc.number,
                doc.date,
                doc.amount,
                doc.payer_name,
                inv.number,
                inv.order_number,
                payment_id,
            )
        )
        return payment_id

    def enqueue(self, doc: Document, match: Match) -> None:
        self.counts["queued"] += 1
        self.queue_rows.append(
            {
                "id": self.next_queue,
                "document_id": self.next_doc,
                "verdict": match.verdict,
                "reason_code": match.reason_code,
                "reason": match.reason,
                "candidate_invoice_ids": json.dumps([inv.id for inv in match.candidates]),
                "status": "waiting",
                "created_at": self.a.now,
            }
        )
        self.queued.append(
            QueuedItem(
                self.next_queue,
                doc.number,
                doc.date,
                doc.amount,
                doc.payer_name,
                doc.payer_inn,
                doc.purpose,
                match.verdict,
                match.reason_code,
                match.reason,
            )
        )
        self.next_queue += 1

    def document_row(
        self, doc: Document, key: str, match: Match, payment_id: int | None
    ) -> dict[str, Any]:
        return {
            "id": self.next_doc,
            "dedupe_key": key,
            "statement_id": self.statement_id,
            "kind": doc.kind,
            "doc_no": doc.number,
            "doc_date": doc.date,
            "payment_date": payment_date_of(doc),
            "amount": doc.amount,
            "payer_inn": doc.payer_inn,
            "payer_name": doc.payer_name,
            "payer_account": doc.payer_account,
            "payee_inn": doc.payee_inn,
            "payee_account": doc.payee_account,
            "purpose": doc.purpose or None,
            "verdict": match.verdict,
            "payment_id": payment_id,
            "created_at": self.a.now,
        }

    def finish(self, file_name: str, file_sha256: str) -> ImportResult:
        """Write the gathered rows and the statement's own row (audited); the result."""
        a, statement = self.a, self.statement
        _insert(a, "bank_documents", DOCUMENT_COLUMNS, self.doc_rows)
        _insert(a, "bank_queue", QUEUE_COLUMNS, self.queue_rows)
        rejected = statement.sections - len(statement.documents) + self.refused
        account = statement.accounts[0] if statement.accounts else None
        row = {
            "id": self.statement_id,
            "file_name": file_name,
            "file_sha256": file_sha256,
            "encoding": statement.encoding,
            "account": account,
            "date_from": statement.date_from,
            "date_to": statement.date_to,
            "sections": statement.sections,
            **self.counts,
            "rejected": rejected,
            "imported_at": a.now,
            "imported_by": a.user_id,
        }
        _insert(a, "bank_statements", list(row), [row])
        audit.record(
            a.conn,
            user_id=a.user_id,
            entity="bank_statement",
            entity_id=self.statement_id,
            action="insert",
            changes={name: (None, row[name]) for name in ("file_name", *self.counts, "rejected")},
            at=a.now,
        )
        return ImportResult(
            statement_id=self.statement_id,
            file_name=file_name,
            encoding=statement.encoding,
            account=account,
            sections=statement.sections,
            rejected=rejected,
            errors=tuple(self.errors),
            matched_items=tuple(self.matched),
            queued_items=tuple(self.queued),
            **self.counts,
        )


def import_statement(
    a: Acting,
    statement: Statement,
    *,
    file_name: str,
    file_sha256: str,
    on_progress: Progress | None = None,
) -> ImportResult:
    """Import the statement inside the caller's write transaction (see the module's rules).

    on_progress(done, total) is called after each document (the page's progress bar); if it
    raises, the caller's transaction rolls the whole statement back."""
    require_bank(a, "write")
    batch = _Batch(a, statement)
    total = len(statement.documents)
    for done, doc in enumerate(statement.documents, start=1):
        batch.take(doc)
        if on_progress is not None:
            on_progress(done, total)
    return batch.finish(file_name, file_sha256)


def import_file(
    a: Acting, data: bytes, file_name: str, *, on_progress: Progress | None = None
) -> ImportResult:
    """Parse the file's bytes and import them (NotAStatementError if it is no statement)."""
    statement = parse_statement(data)
    return import_statement(
        a, statement, file_name=file_name, file_sha256=sha256(data), on_progress=on_progress
    )
