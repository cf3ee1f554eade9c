"""The queue: matching a waiting payment by hand records a normal audited payment; skipping needs
a reason and can be undone; nothing is recorded twice; only finance may change it."""

from __future__ import annotations

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
)
from statement_files import incoming

from ingest.access import PermissionDeniedError
from ingest.bank import queue
from ingest.store.errors import ValidationError


@pytest.fixture
def waiting(demo_home):
    """Two queued payments: one of a known customer without an invoice number, one unknown."""
    inv = open_invoices(demo_home)[0]
    result = import_docs(
        demo_home,
        [
            paying(inv, "2001", purpose="Оплата за изготовление деталей"),
            incoming("2002", PAID_ON, "99 999 999,00", payer_inn="7794580730", purpose="Аванс"),
        ],
    )
    first, second = result.queued_items
    return inv, first.queue_id, second.queue_id


def test_matching_by_hand_records_the_payment(demo_home, waiting):
    inv, qid, _ = waiting
    with desk(demo_home).reading() as a:
        item = next(i for i in queue.list_queue(a) if i["id"] == qid)
        assert queue.waiting_count(a) == 2
    assert item["candidates"][0]["id"] == inv.id and item["reason_code"] == "no_invoice_number"
    before = last_payment_id(demo_home)
    with desk(demo_home).writing() as a:
        payment_id = queue.match_by_hand(a, qid, inv.id)
    assert new_payments(demo_home, before) == [
        (inv.id, inv.outstanding, "2001", inv.inn, "bank", f"bank:{inv.inn}:2001:{PAID_ON}")
    ]
    assert payment_id == before + 1
    with desk(demo_home).reading() as a:
        assert [i["id"] for i in queue.list_queue(a)] != [qid] and queue.waiting_count(a) == 1
        (done,) = queue.list_queue(a, "matched")
    assert (done["id"], done["invoice_number"], done["order_number"], done["payment_id"]) == (
        qid, inv.number, inv.order_number, payment_id,
    )  # fmt: skip
    assert done["resolved_by_name"] and done["resolved_at"]
    audit = rows(
        demo_home,
        "SELECT field, old_value, new_value, order_id FROM audit_log "
        "WHERE entity = 'bank_queue' AND entity_id = ? ORDER BY id",
        [qid],
    )
    assert ("status", "waiting", "matched", inv.order_id) in audit
    assert rows(demo_home, "SELECT count(*) FROM audit_log WHERE entity = 'payment' "
                "AND entity_id = ? AND action = 'insert'", [payment_id]) == [(4,)]  # fmt: skip
    # The statement again: the payment is known, never doubled.
    result = import_docs(demo_home, [paying(inv, "2001", purpose="Оплата за изготовление деталей")])
    assert (result.known, result.matched, result.queued) == (1, 0, 0)
    assert len(new_payments(demo_home, before)) == 1


def test_a_refused_match_changes_nothing(demo_home, waiting):
    inv, qid, unknown_qid = waiting
    other = open_invoices(demo_home)[1]  # far less is left on it than 99 999 999,00
    before = fingerprint(demo_home)
    with pytest.raises(ValidationError, match="больше неоплаченного остатка"):
        with desk(demo_home).writing() as a:
            queue.match_by_hand(a, unknown_qid, other.id)
    with pytest.raises(ValidationError, match="нет счёта"):
        with desk(demo_home).writing() as a:
            queue.match_by_hand(a, qid, 999_999)
    with pytest.raises(ValidationError, match="такого платежа в очереди нет"):
        with desk(demo_home).writing() as a:
            queue.match_by_hand(a, 999_999, inv.id)
    assert fingerprint(demo_home) == before
    with desk(demo_home).writing() as a:
        queue.match_by_hand(a, qid, inv.id)
    with pytest.raises(ValidationError, match="уже сопоставлен"):
        with desk(demo_home).writing() as a:
            queue.match_by_hand(a, qid, inv.id)
    with pytest.raises(ValidationError, match="уже сопоставлен"):
        with desk(demo_home).writing() as a:
            queue.ignore(a, qid, "ошибка")


def test_ignoring_needs_a_reason_and_can_be_undone(demo_home, waiting):
    _, _, qid = waiting
    with pytest.raises(ValidationError, match="reason: не заполнено"):
        with desk(demo_home).writing() as a:
            queue.ignore(a, qid, "   ")
    with desk(demo_home).writing() as a:
        queue.ignore(a, qid, "Возврат займа от учредителя")
    with desk(demo_home).reading() as a:
        (item,) = queue.list_queue(a, "ignored")
        assert [i["id"] for i in queue.list_queue(a)] == [waiting[1]]
    assert item["note"] == "Возврат займа от учредителя"
    with desk(demo_home).writing() as a:
        queue.reopen(a, qid)
    with desk(demo_home).reading() as a:
        assert sorted(i["id"] for i in queue.list_queue(a)) == sorted(waiting[1:])
        assert queue.list_queue(a, "ignored") == []
    statuses = rows(
        demo_home,
        "SELECT old_value, new_value FROM audit_log WHERE entity = 'bank_queue' "
        "AND entity_id = ? AND field = 'status' ORDER BY id",
        [qid],
    )
    assert statuses == [("waiting", "ignored"), ("ignored", "waiting")]
    with pytest.raises(ValidationError, match="уже ждёт"):
        with desk(demo_home).writing() as a:
            queue.reopen(a, qid)


def test_statements_history(demo_home, waiting):
    with desk(demo_home, "makarova").reading() as a:
        (row,) = queue.statements(a)
    pavlov = rows(demo_home, "SELECT full_name FROM users WHERE login = 'pavlov'")[0][0]
    assert (row["file_name"], row["queued"], row["imported_by_name"]) == (
        "kl_to_1c.txt", 2, pavlov,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("login", "may_read", "may_write"),
    [("pavlov", True, True), ("egorova", True, True), ("makarova", True, False),
     ("admin", True, False), ("sokolova", True, False), ("ivanov", False, False),
     ("orlova", False, False)],
)  # fmt: skip
def test_who_may_see_and_change_the_queue(demo_home, waiting, login, may_read, may_write):
    inv, qid, other = waiting
    with desk(demo_home, login).reading() as a:
        if may_read:
            assert len(queue.list_queue(a)) == 2
        else:
            with pytest.raises(PermissionDeniedError):
                queue.list_queue(a)
    before = fingerprint(demo_home)
    for action in (lambda a: queue.match_by_hand(a, qid, inv.id),
                   lambda a: queue.ignore(a, other, "не наш")):  # fmt: skip
        if may_write:
            with desk(demo_home, login).writing() as a:
                action(a)
        else:
            with pytest.raises(PermissionDeniedError), desk(demo_home, login).writing() as a:
                action(a)
    assert (fingerprint(demo_home) == before) is not may_write
