"""The status machine (transitions, movers, closing only when paid) and quotes (frozen, PDF)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from service_helpers import desk, ids, new_draft, value

from ingest.access import PermissionDeniedError
from ingest.service import orders, quotes, status
from ingest.service.status import StatusChangeRefused
from ingest.service.status_rules import TRANSITIONS, next_statuses
from zakaz.domain import STATUSES

ROLE_LOGIN = {
    "sales": "ivanov",
    "procurement": "volkova",
    "production": "novikov",
    "logistics": "orlova",
    "finance": "pavlov",
    "leadership": "makarova",
    "admin": "admin",
}
# domain.md: who may move an order INTO a status (leadership and admin: any allowed move)
MOVERS = {
    "costing": {"sales"},
    "quote_sent": {"sales"},
    "agreed": {"sales"},
    "procurement": {"sales"},
    "cancelled": {"sales"},
    "production": {"procurement"},
    "ready_to_ship": {"production"},
    "shipped": {"logistics"},
    "delivered": {"logistics"},
    "closed": {"finance", "sales"},
}


def _new_order(home, login="ivanov") -> int:
    with desk(home, login).writing() as a:
        return orders.create_order(a, new_draft(a))[0]


def _force_status(home, order_id, to):
    with desk(home, "admin").writing() as a:
        a.execute("UPDATE orders SET status = ? WHERE id = ?", [to, order_id])


def test_transitions_are_domain_md():
    assert TRANSITIONS["need"] == {"costing", "cancelled"}
    assert TRANSITIONS["quote_sent"] == {"agreed", "costing", "cancelled"}
    assert TRANSITIONS["delivered"] == {"closed", "cancelled"}
    assert TRANSITIONS["closed"] == TRANSITIONS["cancelled"] == frozenset()
    assert set(TRANSITIONS) == set(STATUSES)


@pytest.mark.parametrize("role", list(ROLE_LOGIN))
@pytest.mark.parametrize(
    "from_status", ["need", "quote_sent", "procurement", "ready_to_ship", "shipped"]
)
def test_offered_moves_are_exactly_the_accepted_ones(demo_home, role, from_status):
    order_id = _new_order(demo_home)
    _force_status(demo_home, order_id, from_status)
    expected = {
        to
        for to in TRANSITIONS[from_status]
        if role in ("leadership", "admin") or role in MOVERS[to]
    }
    with desk(demo_home, ROLE_LOGIN[role]).reading() as a:
        offered = status.allowed_moves(a, orders.get_order(a, order_id))
    assert set(offered) == expected == set(next_statuses(from_status, role))
    for to in STATUSES:
        _force_status(demo_home, order_id, from_status)
        comment = "причина" if to == "cancelled" else None
        if to in expected:
            with desk(demo_home, ROLE_LOGIN[role]).writing() as a:
                status.change_status(a, order_id, to, comment=comment)
            assert value(demo_home, "SELECT status FROM orders WHERE id = ?", [order_id]) == to
        else:
            with pytest.raises((PermissionDeniedError, StatusChangeRefused)):
                with desk(demo_home, ROLE_LOGIN[role]).writing() as a:
                    status.change_status(a, order_id, to, comment=comment)


def test_a_move_writes_its_event_and_stamps_the_date_in_one_transaction(demo_home):
    order_id = _new_order(demo_home)
    with desk(demo_home, "ivanov").writing() as a:
        for to in ("costing", "quote_sent", "agreed"):
            status.change_status(a, order_id, to, comment=f"→ {to}")
    events = ids(
        demo_home, "SELECT to_status FROM status_events WHERE order_id = ? ORDER BY id", [order_id]
    )
    assert events == ["need", "costing", "quote_sent", "agreed"]
    assert (
        value(demo_home, "SELECT agreed_date FROM orders WHERE id = ?", [order_id]).isoformat()
        == "2026-11-28"
    )
    audit = ids(
        demo_home,
        "SELECT new_value FROM audit_log WHERE entity = 'order' AND "
        "entity_id = ? AND field = 'status' ORDER BY id",
        [order_id],
    )
    assert audit == ["costing", "quote_sent", "agreed"]


def test_other_managers_order_cannot_be_moved_and_cancel_needs_a_reason(demo_home):
    order_id = _new_order(demo_home)
    with pytest.raises(PermissionDeniedError):
        with desk(demo_home, "petrova").writing() as a:
            status.change_status(a, order_id, "costing")
    with pytest.raises(StatusChangeRefused, match="причину"):
        with desk(demo_home, "ivanov").writing() as a:
            status.change_status(a, order_id, "cancelled", comment="  ")
    with desk(demo_home, "ivanov").writing() as a:
        status.change_status(a, order_id, "cancelled", comment="заказчик передумал")
    assert (
        value(demo_home, "SELECT cancel_reason FROM orders WHERE id = ?", [order_id])
        == "заказчик передумал"
    )


def test_closing_needs_full_payment_and_names_the_outstanding_amount(demo_home):
    order_id = _new_order(demo_home)  # worked-example line 1: total 35 372,07 ₽
    _force_status(demo_home, order_id, "delivered")
    with desk(demo_home, "admin").writing() as a:
        a.execute(
            "INSERT INTO payments (id, order_id, payment_date, amount, source, created_at) "
            "VALUES ((SELECT max(id) + 1 FROM payments), ?, DATE '2026-11-20', 30000.00, "
            "'manual', now())",
            [order_id],
        )
    with pytest.raises(StatusChangeRefused, match="не оплачено 5 372,07 ₽"):
        with desk(demo_home, "pavlov").writing() as a:
            status.change_status(a, order_id, "closed")
    with desk(demo_home, "admin").writing() as a:
        a.execute(
            "INSERT INTO payments (id, order_id, payment_date, amount, source, created_at) "
            "VALUES ((SELECT max(id) + 1 FROM payments), ?, DATE '2026-11-25', 5372.07, "
            "'manual', now())",
            [order_id],
        )
    with desk(demo_home, "pavlov").writing() as a:
        status.change_status(a, order_id, "closed")
    assert value(demo_home, "SELECT status FROM orders WHERE id = ?", [order_id]) == "closed"


def test_a_quote_freezes_lines_and_prices_and_its_pdf_shows_them(demo_home):
    order_id = _new_order(demo_home)
    with desk(demo_home, "ivanov").writing() as a:
        first_id, first = quotes.issue_quote(a, order_id)
        _, second = quotes.issue_quote(a, order_id)
    number = value(demo_home, "SELECT number FROM orders WHERE id = ?", [order_id])
    assert first == quote_number_of(number, 1) and second == quote_number_of(number, 2)
    assert value(demo_home, "SELECT total FROM quotes WHERE id = ?", [first_id]) == Decimal(
        "35372.07"
    )
    # a later price-list change does not touch the issued quote
    with desk(demo_home, "admin").writing() as a:
        a.execute("UPDATE order_lines SET price_per_kg = 1 WHERE order_id = ?", [order_id])
    assert value(
        demo_home, "SELECT line_total FROM quote_lines WHERE quote_id = ?", [first_id]
    ) == Decimal("35372.07")
    with desk(demo_home, "ivanov").reading() as a:
        name, pdf = quotes.quote_pdf(a, first_id)
        customer = orders.get_order(a, order_id)["customer_name"]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert name.endswith(".pdf")
    assert " ".join(customer.split()) in text
    assert "Вал ступенчатый" in text and "35 372,07" in text and first in text


def quote_number_of(order_number: str, version: int) -> str:
    return quotes.quote_number(order_number, version)


def test_quotes_are_refused_to_roles_without_prices(demo_home):
    order_id = _new_order(demo_home)
    with desk(demo_home, "ivanov").writing() as a:
        quote_id, _ = quotes.issue_quote(a, order_id)
    for login in ("volkova", "novikov", "orlova"):
        with pytest.raises(PermissionDeniedError):
            with desk(demo_home, login).reading() as a:
                quotes.quote_pdf(a, quote_id)
    for login in ("pavlov", "makarova", "admin"):  # read, not write
        with desk(demo_home, login).reading() as a:
            assert quotes.list_quotes(a, order_id)
        with pytest.raises(PermissionDeniedError):
            with desk(demo_home, login).writing() as a:
                quotes.issue_quote(a, order_id)
    assert quotes.quote_number("З-2026-0142", 2) == "КП-2026-0142/2"
