"""Importing statements into a copy of the demo plant: the matching rules on real invoices, what is
written (payments with audit, documents, the queue), idempotence, atomicity and access."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from bank_helpers import (
    PAID_ON,
    desk,
    fingerprint,
    import_docs,
    last_payment_id,
    new_payments,
    open_invoices,
    paying,
    rows,
    scalar,
)
from demo_clock import DEMO_NOW
from statement_files import OTHER_ACCOUNT, encode, incoming, outgoing, statement

from ingest.access import PermissionDeniedError
from ingest.bank.importer import import_file
from ingest.bank.queue import list_queue
from ingest.service.access_admin import set_access_rule


def test_exact_payments_are_recorded_like_any_payment_with_audit(demo_home):
    first, second = open_invoices(demo_home)[:2]
    before = last_payment_id(demo_home)
    part = (second.outstanding / 2).quantize(Decimal("0.01"))
    result = import_docs(demo_home, [paying(first, "501"), paying(second, "502", amount=part)])
    assert (result.incoming, result.matched, result.queued, result.known) == (2, 2, 0, 0)
    assert result.errors == () and result.rejected == 0
    assert [(m.invoice_number, m.order_number) for m in result.matched_items] == [
        (first.number, first.order_number),
        (second.number, second.order_number),
    ]
    paid = new_payments(demo_home, before)
    assert paid == [
        (first.id, first.outstanding, "501", first.inn, "bank", f"bank:{first.inn}:501:{PAID_ON}"),
        (second.id, part, "502", second.inn, "bank", f"bank:{second.inn}:502:{PAID_ON}"),
    ]
    payment_id = result.matched_items[0].payment_id
    audit = rows(
        demo_home,
        "SELECT action, field, new_value, order_id FROM audit_log "
        "WHERE entity = 'payment' AND entity_id = ? ORDER BY id",
        [payment_id],
    )
    assert ("insert", "amount", str(first.outstanding), first.order_id) in audit
    assert ("update", "source", "bank", first.order_id) in audit
    assert scalar(demo_home, "SELECT purpose FROM payments WHERE id = ?", [payment_id]).startswith(
        f"Оплата по счету № {first.number}"
    )
    documents = rows(
        demo_home, "SELECT doc_no, verdict, payment_id FROM bank_documents ORDER BY id"
    )
    assert documents == [("501", "exact", payment_id), ("502", "exact", payment_id + 1)]
    statement_row = rows(
        demo_home,
        "SELECT file_name, encoding, sections, incoming, matched, queued, imported_by "
        "FROM bank_statements",
    )
    pavlov = scalar(demo_home, "SELECT id FROM users WHERE login = 'pavlov'")
    assert statement_row == [("kl_to_1c.txt", "cp1251", 2, 2, 2, 0, pavlov)]
    logged = rows(
        demo_home,
        "SELECT entity_id, field, new_value, user_id FROM audit_log "
        "WHERE entity = 'bank_statement' ORDER BY id",
    )
    assert ("1", "matched", "2", pavlov) in [(str(r[0]), *r[1:]) for r in logged]
    assert {r[0] for r in logged} == {1}


def test_what_is_not_certain_waits_in_the_queue(demo_home):
    a, b, c = open_invoices(demo_home)[:3]
    docs = [
        paying(a, "601", payer_inn=b.inn, payer_name=b.customer),  # a's invoice, b pays
        paying(a, "602", amount=a.outstanding + Decimal("0.01")),  # more than is left
        paying(c, "603", purpose="Оплата за изготовление деталей"),  # no number
        paying(c, "604", purpose=f"Оплата по счету № {c.number} от 01.01.2020"),  # wrong date
        incoming("605", PAID_ON, "1000", payer_inn="7794580730", purpose="Аванс"),  # unknown
        incoming("606", PAID_ON, "1000", payer_inn=None, purpose="Возврат подотчётных"),
        paying(a, "607", purpose=f"Оплата по счетам {a.number}, {b.number}"),
    ]
    before = fingerprint(demo_home)
    result = import_docs(demo_home, docs)
    assert (result.incoming, result.matched, result.queued) == (7, 0, 7)
    assert fingerprint(demo_home)[:2] == before[:2]  # no payment recorded
    queued = {q.doc_no: (q.verdict, q.reason_code) for q in result.queued_items}
    assert queued == {
        "601": ("ambiguous", "other_customer"),
        "602": ("ambiguous", "amount_exceeds"),
        "603": ("ambiguous", "no_invoice_number"),
        "604": ("ambiguous", "date_differs"),
        "605": ("none", "unknown_payer"),
        "606": ("none", "no_payer_inn"),
        "607": ("ambiguous", "several_invoices"),
    }
    with desk(demo_home).reading() as act:
        items = {i["doc_no"]: i for i in list_queue(act)}
    assert set(items) == set(queued) and {i["status"] for i in items.values()} == {"waiting"}
    assert [c["id"] for c in items["601"]["candidates"]][:2] == [a.id, b.id]
    assert items["603"]["candidates"][0]["id"] == c.id
    assert items["603"]["candidates"][0]["outstanding"] == c.outstanding
    assert items["605"]["candidates"] == [] and items["605"]["reason"].startswith("плательщик")
    stored = rows(demo_home, "SELECT candidate_invoice_ids FROM bank_queue ORDER BY id")
    assert json.loads(stored[0][0])[:2] == [a.id, b.id]


def test_outgoing_foreign_and_future_documents(demo_home):
    (inv,) = open_invoices(demo_home)[:1]
    foreign = incoming("702", PAID_ON, "10", payer_inn=inv.inn, purpose="x",
                       payee_account=OTHER_ACCOUNT, payee_inn="7736207543")  # fmt: skip
    future = paying(inv, "703", day=DEMO_NOW.date() + timedelta(days=1))
    result = import_docs(demo_home, [outgoing("701", PAID_ON, "5000"), foreign, future])
    assert (result.outgoing, result.incoming, result.matched, result.rejected) == (1, 0, 0, 2)
    assert any("№ 702" in e and "ни плательщик, ни получатель" in e for e in result.errors)
    assert any("№ 703" in e and "ещё не наступила" in e for e in result.errors)
    assert scalar(demo_home, "SELECT count(*) FROM bank_documents") == 0


def test_the_same_statement_twice_changes_no_payment(demo_home):
    a, b = open_invoices(demo_home)[:2]
    docs = [paying(a, "801"), paying(b, "802", purpose="Оплата"), outgoing("803", PAID_ON, "1")]
    first = import_docs(demo_home, docs)
    after_first = fingerprint(demo_home)
    second = import_docs(demo_home, docs, encoding="utf-8")  # re-exported in another encoding
    assert (first.matched, first.queued) == (1, 1)
    assert (second.incoming, second.known, second.matched, second.queued) == (2, 2, 0, 0)
    after_second = fingerprint(demo_home)
    assert after_second[:2] == after_first[:2]  # payments: count and sum
    assert after_second[4:] == after_first[4:]  # documents and the queue
    assert after_second[3] == after_first[3] + 1  # the second import is in the log


def test_an_overlapping_statement_adds_only_what_is_new(demo_home):
    a, b, c = open_invoices(demo_home)[:3]
    before = last_payment_id(demo_home)
    import_docs(demo_home, [paying(a, "901"), paying(b, "902")], date_to=date(2026, 11, 27))
    result = import_docs(demo_home, [paying(b, "902"), paying(c, "903")])
    assert (result.known, result.matched) == (1, 1)
    assert [p[0] for p in new_payments(demo_home, before)] == [a.id, b.id, c.id]


def test_a_document_twice_in_one_file_is_taken_once(demo_home):
    (inv,) = open_invoices(demo_home)[:1]
    part = (inv.outstanding / 4).quantize(Decimal("0.01"))
    result = import_docs(demo_home, [paying(inv, "911", amount=part)] * 2)
    assert (result.matched, result.known) == (1, 1)


def test_payments_already_recorded_from_the_bank_are_recognised(demo_home):
    # The demo plant's history: bank payments recorded before statements were imported.
    history = rows(
        demo_home,
        "SELECT doc_no, payer_inn, payment_date, amount, purpose FROM payments "
        "WHERE source = 'bank' ORDER BY id DESC LIMIT 5",
    )
    docs = [
        incoming(no, day - timedelta(days=1), str(amount), payer_inn=inn, purpose=purpose,
                 received=day)
        for no, inn, day, amount, purpose in history
    ]  # fmt: skip
    before = fingerprint(demo_home)
    result = import_docs(demo_home, docs)
    assert (result.incoming, result.known, result.matched, result.queued) == (5, 5, 0, 0)
    assert fingerprint(demo_home)[:2] == before[:2]
    # The same number, payer and day with another amount is not silently taken as known.
    no, inn, day, amount, purpose = history[0]
    other = incoming(no, day, str(amount + 1), payer_inn=inn, purpose=purpose, received=day)
    result = import_docs(demo_home, [other])
    assert result.rejected == 1 and "на другую сумму" in result.errors[0]


def test_a_failure_midway_leaves_the_store_as_it_was(demo_home):
    invoices = open_invoices(demo_home)[:4]
    docs = [paying(inv, str(1000 + n)) for n, inv in enumerate(invoices)]
    docs.append(incoming("1100", PAID_ON, "5", payer_inn="7794580730", purpose="?"))
    data = encode(statement(docs))
    before = fingerprint(demo_home)
    seen = []

    def crash_after_three(done: int, total: int) -> None:
        seen.append(done)
        if done == 3:
            raise RuntimeError("the process died here")

    with pytest.raises(RuntimeError), desk(demo_home).writing() as a:
        import_file(a, data, "kl_to_1c.txt", on_progress=crash_after_three)
    assert seen == [1, 2, 3]
    assert fingerprint(demo_home) == before
    with desk(demo_home).writing() as a:  # and the same file imports whole afterwards
        result = import_file(a, data, "kl_to_1c.txt")
    assert (result.matched, result.queued) == (4, 1)


@pytest.mark.parametrize("login", ["ivanov", "sokolova", "volkova", "makarova", "admin"])
def test_only_those_who_write_payments_of_every_order_may_import(demo_home, login):
    (inv,) = open_invoices(demo_home)[:1]
    before = fingerprint(demo_home)
    with pytest.raises(PermissionDeniedError, match="Нет доступа"):
        import_docs(demo_home, [paying(inv, "1201")], login=login)
    assert fingerprint(demo_home) == before


def test_the_matrix_decides_not_the_role_name(demo_home):
    (inv,) = open_invoices(demo_home)[:1]
    with desk(demo_home, "admin").writing() as a:
        set_access_rule(a, "admin", "payments", "write", "all")
    assert import_docs(demo_home, [paying(inv, "1301")], login="admin").matched == 1
    with desk(demo_home, "admin").writing() as a:
        set_access_rule(a, "finance", "payments", "write", "own")
    with pytest.raises(PermissionDeniedError, match="только по своим заказам"):
        import_docs(demo_home, [paying(inv, "1302")], login="egorova")
