"""The access matrix, read from the store's access_rules, asserted through the real service calls
for every role x field group x read/write — on the user's own order and on another manager's —
and for exports. The matrix data is the single source: change a rule and this test follows it.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest
from demo_clock import DEMO_NOW
from service_helpers import new_draft

from ingest.access import FIELD_GROUPS, PermissionDeniedError
from ingest.service import (
    customers,
    economics,
    expenses,
    lines,
    logistics,
    orders,
    payments,
    procurement,
    quotes,
    status,
)
from ingest.service.desk import Desk
from ingest.service.export import orders_export
from ingest.service.orders import OrderFilters
from ingest.store import Store

LOGINS = {
    "sales": "ivanov",
    "sales_head": "sokolova",
    "procurement": "volkova",
    "production": "novikov",
    "logistics": "orlova",
    "finance": "pavlov",
    "leadership": "makarova",
    "admin": "admin",
}
RANK = {"none": 0, "read": 1, "write": 2}


def _desk(home, login):
    return Desk(Store.open(home), login, clock=lambda: DEMO_NOW)


@pytest.fixture(scope="module")
def plant(demo_template, tmp_path_factory):
    """Two orders of ivanov's (one with a plan and an invoice) and one of petrova's."""
    home = tmp_path_factory.mktemp("access_plant")
    shutil.copy2(demo_template / "app.duckdb", home / "app.duckdb")
    made = {}
    for key, login in (("own", "ivanov"), ("plan_only", "ivanov"), ("other", "petrova")):
        with _desk(home, login).writing() as a:
            order_id, _ = orders.create_order(a, new_draft(a))
            for to in ("costing", "quote_sent", "agreed"):
                status.change_status(a, order_id, to)
        made[key] = order_id
    template_id = _first_template(home)
    for key in ("own", "other"):
        with _desk(home, "pavlov").writing() as a:
            step_ids = payments.apply_terms(a, made[key], template_id)
            payments.issue_invoice(
                a,
                made[key],
                step_id=step_ids[0],
                issue_date=date(2026, 11, 28),
                due_date=date(2026, 12, 5),
                amount=Decimal("1000.00"),
            )
        with _desk(home, "admin").writing() as a:  # ready to ship: logistics may record shipments
            for to in ("procurement", "production", "ready_to_ship"):
                status.change_status(a, made[key], to)
    with Store.open(home).read() as conn:
        rules = {
            (r, g): (acc, sc)
            for r, g, acc, sc in conn.execute(
                "SELECT role, field_group, access, scope FROM access_rules"
            ).fetchall()
        }
    return home, made, template_id, rules


def _first_template(home) -> int:
    with Store.open(home).read() as conn:
        return conn.execute("SELECT min(id) FROM payment_terms_templates").fetchone()[0]


def _line_id(a, order_id) -> int:
    return a.execute("SELECT min(id) FROM order_lines WHERE order_id = ?", [order_id]).fetchone()[0]


def _invoice_id(a, order_id) -> int:
    return a.execute("SELECT min(id) FROM invoices WHERE order_id = ?", [order_id]).fetchone()[0]


# Each probe does the group's real read or write and returns whether the data was shown/saved.
def _read(group, a, order_id, made):
    if group == "header":
        orders.get_order(a, order_id)
    elif group == "prices":
        return "line_total" in lines.order_lines(a, order_id)[0][0] and bool(
            quotes.list_quotes(a, order_id) is not None
        )
    elif group == "procurement":
        procurement.procurement_tab(a, order_id)
    elif group == "logistics":
        logistics.shipments(a, order_id)
    elif group == "payment_plan":
        payments.payment_calendar(a, order_id)
    elif group == "payments":
        due = payments.invoices_due(a, date(2026, 12, 31))
        return any(row["order_id"] == order_id for row in due)
    elif group == "economics":
        economics.order_economics(a, order_id)
    elif group == "contacts":
        return customers.order_customer(a, order_id)["contacts_visible"]
    elif group == "expenses":
        expenses.order_expenses(a, order_id)
    return True


def _write(group, a, order_id, made, template_id):
    if group == "header":
        version = orders.get_order(a, order_id)["version"]
        orders.update_header(a, order_id, version, {"comment": f"правка {a.actor.login}"})
    elif group == "prices":
        quotes.issue_quote(a, order_id)
    elif group == "procurement":
        procurement.save_procurement(
            a,
            _line_id(a, order_id),
            supplier="Металлсервис",
            planned_price_per_kg=Decimal("95"),
            planned_mass_kg=Decimal("111"),
            actual_price_per_kg=None,
            actual_mass_kg=None,
            actual_material_cost=None,
            status="ordered",
            ordered_date=date(2026, 11, 27),
            received_date=None,
        )
    elif group == "logistics":
        logistics.record_shipment(
            a,
            order_id,
            shipped_date=date(2026, 11, 27),
            carrier="ПЭК",
            waybill_no="1",
            weight_kg=None,
            delivery_cost=None,
            delivery_address=None,
        )
    elif group == "payment_plan":
        target = made["plan_only"] if order_id == made["own"] else order_id
        if order_id == made["other"]:  # the other order has an invoice: use a fresh plan check
            orders.order_for_write(a, order_id, "payment_plan")
        else:
            payments.apply_terms(a, target, template_id)
    elif group == "payments":
        payments.record_payment(
            a,
            order_id,
            invoice_id=_invoice_id(a, order_id),
            payment_date=date(2026, 11, 28),
            amount=Decimal("1.00"),
            doc_no="пп 1",
        )
    elif group == "economics":  # nothing writes economics: it is derived; the check is all there is
        orders.order_for_write(a, order_id, "economics")
    elif group == "contacts":
        customers.update_contacts(a, order_id, {"phone": f"+7 900 000-00-{a.actor.user_id:02d}"})
    elif group == "expenses":
        expenses.add_expense(a, order_id, category="production", planned=Decimal("10.00"))
    return True


def _expected(rules, role_key, group, mode, whose) -> bool:
    role = "sales" if role_key.startswith("sales") else role_key
    access, scope = rules.get((role, group), ("none", "all"))
    if RANK[access] < RANK[mode]:
        return False
    limited = scope == "own" and role_key == "sales"  # the head of sales is not limited
    return whose == "own" or not limited


def _attempt(home, login, mode, probe) -> bool:
    try:
        if mode == "read":
            with _desk(home, login).reading() as a:
                return bool(probe(a))
        with _desk(home, login).writing() as a:
            return bool(probe(a))
    except PermissionDeniedError:
        return False


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("group", FIELD_GROUPS)
@pytest.mark.parametrize("role_key", list(LOGINS))
def test_every_role_and_group_is_allowed_exactly_as_the_matrix_says(plant, role_key, group, whose):
    home, made, template_id, rules = plant
    order_id = made[whose]
    login = LOGINS[role_key]
    for mode in ("read", "write"):
        expected = _expected(rules, role_key, group, mode, whose)
        if mode == "read":
            got = _attempt(home, login, mode, lambda a: _read(group, a, order_id, made))
        else:
            got = _attempt(
                home, login, mode, lambda a: _write(group, a, order_id, made, template_id)
            )
        assert got == expected, f"{login} {mode} {group} on {whose} order"


@pytest.mark.parametrize("role_key", list(LOGINS))
def test_exports_carry_only_visible_orders_and_readable_columns(plant, role_key):
    home, made, _, rules = plant
    role = "sales" if role_key.startswith("sales") else role_key
    with _desk(home, LOGINS[role_key]).reading() as a:
        frame = orders_export(a, OrderFilters(limit=100_000))
        listed = {o["number"] for o in orders.list_orders(a, OrderFilters(limit=100_000))}
    with Store.open(home).read() as conn:
        numbers = dict(
            conn.execute(
                "SELECT id, number FROM orders WHERE list_contains(?, id)", [list(made.values())]
            ).fetchall()
        )
    exported = set(frame["number"].to_list())
    assert exported == listed
    assert (numbers[made["other"]] in exported) == _expected(
        rules, role_key, "header", "read", "other"
    )
    assert numbers[made["own"]] in exported
    prices = RANK[rules[(role, "prices")][0]] >= 1
    paid = prices and RANK[rules[(role, "payments")][0]] >= 1
    assert ("total" in frame.columns) == prices
    assert ("paid" in frame.columns) == paid


def test_a_changed_rule_changes_what_the_store_allows(plant, tmp_path):
    home, made, _, _ = plant
    copy = tmp_path / "plant"
    copy.mkdir()
    shutil.copy2(home / "app.duckdb", copy / "app.duckdb")
    assert not _attempt(copy, "orlova", "read", lambda a: _read("prices", a, made["own"], made))
    with _desk(copy, "admin").writing() as a:
        from ingest.service.access_admin import set_access_rule

        set_access_rule(a, "logistics", "prices", "read", "all")
    assert _attempt(copy, "orlova", "read", lambda a: _read("prices", a, made["own"], made))
    with _desk(copy, "orlova").reading() as a:
        assert "total" in orders_export(a)["number", "total"].columns
