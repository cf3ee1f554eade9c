"""Every kind of change is in the append-only audit log: who, when, field, old -> new."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from demo_clock import DEMO_NOW
from service_helpers import desk, new_draft, worked_line

from ingest.service import (
    access_admin,
    customers,
    expenses,
    lines,
    logistics,
    orders,
    payments,
    procurement,
    quotes,
    status,
    users,
)
from ingest.service.lines import LineEdit
from ingest.store import Store

SERVICE_DIR = Path(__file__).parents[2] / "ingest" / "service"


def _audit(home, entity: str) -> list[tuple]:
    with Store.open(home).read() as conn:
        return conn.execute(
            "SELECT user_id, logged_at, action, field, old_value, new_value FROM audit_log "
            "WHERE entity = ? AND logged_at = ? ORDER BY id", [entity, DEMO_NOW],
        ).fetchall()  # fmt: skip


def test_each_kind_of_change_writes_who_when_field_old_and_new(demo_home):
    with desk(demo_home, "ivanov").writing() as a:
        order_id, _ = orders.create_order(a, new_draft(a))
        version = orders.get_order(a, order_id)["version"]
        version = orders.update_header(a, order_id, version, {"comment": "новый комментарий"})
        line_id = a.execute("SELECT id FROM order_lines WHERE order_id = ?", [order_id]).fetchone()[
            0
        ]
        lines.save_lines(a, order_id, version, [LineEdit(line_id, worked_line(a, quantity=7))])
        quotes.issue_quote(a, order_id)
        customers.update_contacts(a, order_id, {"phone": "+7 900 123-45-67"})
        for to in ("costing", "quote_sent", "agreed"):
            status.change_status(a, order_id, to)
        template = a.execute("SELECT min(id) FROM payment_terms_templates").fetchone()[0]
        step_ids = payments.apply_terms(a, order_id, template)
    with desk(demo_home, "pavlov").writing() as a:
        invoice_id, _ = payments.issue_invoice(a, order_id, step_id=step_ids[0],
                                               issue_date=date(2026, 11, 28),
                                               due_date=date(2026, 12, 3),
                                               amount=Decimal("100"))  # fmt: skip
        payments.record_payment(a, order_id, invoice_id=invoice_id, payment_date=date(2026, 11, 28),
                                amount=Decimal("100.00"), doc_no="пп 7")  # fmt: skip
    with desk(demo_home, "volkova").writing() as a:
        procurement.save_procurement(
            a, line_id, supplier="Металлсервис", planned_price_per_kg=Decimal("95.00"),
            planned_mass_kg=Decimal("78"), actual_price_per_kg=None, actual_mass_kg=None,
            actual_material_cost=None, status="ordered", ordered_date=date(2026, 11, 27),
            received_date=None,
        )  # fmt: skip
    with desk(demo_home, "admin").writing() as a:
        for to in ("procurement", "production", "ready_to_ship"):
            status.change_status(a, order_id, to)
    with desk(demo_home, "novikov").writing() as a:
        expenses.add_expense(a, order_id, category="production", planned=Decimal("2500.00"))
    with desk(demo_home, "orlova").writing() as a:
        logistics.record_shipment(a, order_id, shipped_date=date(2026, 11, 28), carrier="ПЭК",
                                  waybill_no="ПЭК-1", weight_kg=Decimal("77.686"),
                                  delivery_cost=Decimal("3500.00"),
                                  delivery_address=None)  # fmt: skip
    with desk(demo_home, "admin").writing() as a:
        user_id = users.create_user(a, login="newbie", full_name="Новиков Новичок",
                                    email="newbie@zakaz.local", role="sales", is_head=False,
                                    password="очень-секретно-1")  # fmt: skip
        users.reset_password(a, user_id, "другой-пароль-2")
        access_admin.set_access_rule(a, "logistics", "prices", "read", "all")

    expected = {  # entity -> (user id, a field that must appear with its new value)
        "order": (3, "comment", "новый комментарий"),
        "order_line": (3, "quantity", "7"),
        "quote": (3, "total", None),
        "customer": (3, "phone", "+7 900 123-45-67"),
        "payment_step": (3, None, None),
        "invoice": (18, None, None),
        "payment": (18, None, None),
        "procurement": (10, "supplier", "Металлсервис"),
        "expense": (13, None, None),
        "shipment": (16, None, None),
        "user": (1, "password", "***"),
        "permission": (1, "logistics.prices", None),
    }
    for entity, (user_id, field, new) in expected.items():
        rows = _audit(demo_home, entity)
        assert rows, f"no audit row for {entity}"
        assert user_id in {r[0] for r in rows}, entity
        if field is not None:
            match = [r for r in rows if r[3] == field]
            assert match, f"{entity}: no row for field {field}"
            if new is not None:
                assert match[-1][5] == new, entity
    order_rows = _audit(demo_home, "order")
    assert ("update", "status", "quote_sent", "agreed") in [r[2:] for r in order_rows]
    assert ("update", "comment", None, "новый комментарий") in [r[2:] for r in order_rows]
    passwords = [r for r in _audit(demo_home, "user") if r[3] == "password"]
    assert all(r[4] in (None, "***") and r[5] == "***" for r in passwords)


def test_the_store_never_updates_or_deletes_audit_rows():
    """Append-only: no service or repository statement changes audit_log after the insert."""
    sources = [*SERVICE_DIR.glob("*.py"), *(SERVICE_DIR.parent / "repos").glob("*.py"),
               *(SERVICE_DIR.parent / "store").glob("*.py")]  # fmt: skip
    changing = re.compile(r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE)", re.I)
    offenders = [p.name for p in sources if changing.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
