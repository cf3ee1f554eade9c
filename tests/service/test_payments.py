"""The payment calendar through the access-checked service layer: terms, invoices, payments."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from demo_clock import DEMO_NOW

from ingest.access import PermissionDeniedError
from ingest.service import Desk
from ingest.service import payments as pay
from ingest.service.order_pricing import price_stored_order
from ingest.store import Store, ValidationError
from zakaz.money import rub

TODAY = DEMO_NOW.date()


@pytest.fixture
def store(demo_home) -> Store:
    return Store.open(demo_home)


def desk(store: Store, login: str, days_later: int = 0) -> Desk:
    return Desk(store, login, clock=lambda: DEMO_NOW + timedelta(days=days_later))


def one(store: Store, sql: str, params=()):
    with store.read() as conn:
        return conn.execute(sql, list(params)).fetchone()


def count(store: Store, table: str) -> int:
    return one(store, f"SELECT count(*) FROM {table}")[0]


def audit_rows(store: Store, entity: str, entity_id: int) -> list[tuple]:
    with store.read() as conn:
        return conn.execute(
            "SELECT action, field, old_value, new_value, user_id, order_id FROM audit_log "
            "WHERE entity = ? AND entity_id = ? ORDER BY id",
            [entity, entity_id],
        ).fetchall()


def order_total(store: Store, order_id: int) -> Decimal:
    with store.read() as conn:
        order = conn.execute(
            "SELECT id, need_date, planned_shipment_date, vat_rate FROM orders WHERE id = ?",
            [order_id],
        ).fetchone()
        keys = ("id", "need_date", "planned_shipment_date", "vat_rate")
        return price_stored_order(conn, dict(zip(keys, order, strict=True))).total


def uninvoiced_order(store: Store) -> tuple[int, str, str, str]:
    """(id, number, manager's login, another manager's login) of an agreed order with a plan
    and no invoice yet, of a manager who is not a head of sales."""
    return one(
        store,
        "SELECT o.id, o.number, u.login, (SELECT min(login) FROM users WHERE role = 'sales' "
        "  AND NOT is_head AND id <> u.id) "
        "FROM orders o JOIN users u ON u.id = o.sales_manager_id "
        "WHERE o.status = 'agreed' AND NOT u.is_head AND o.id IN (SELECT order_id FROM "
        "payment_steps) AND o.id NOT IN (SELECT order_id FROM invoices) ORDER BY o.id LIMIT 1",
    )


def steps_of(store: Store, order_id: int) -> list[tuple]:
    with store.read() as conn:
        return conn.execute(
            "SELECT id, step_no, name, pct, amount, base_event, offset_days FROM payment_steps "
            "WHERE order_id = ? ORDER BY step_no",
            [order_id],
        ).fetchall()


def first_step(store: Store, order_id: int) -> tuple[int, Decimal]:
    step = steps_of(store, order_id)[0]
    return step[0], step[4]


def test_terms_templates_with_their_steps(store):
    with desk(store, "ivanov").reading() as a:
        templates = pay.terms_templates(a)
    assert len(templates) == 8
    by_code = {t["code"]: t for t in templates}
    steps = by_code["prepay_50_ship_50"]["steps"]
    assert [(s["step_no"], s["pct"], s["base_event"], s["offset_days"]) for s in steps] == [
        (1, Decimal("50.00"), "agreed", 5),
        (2, Decimal("50.00"), "shipped", 5),
    ]
    assert all(sum(s["pct"] for s in t["steps"]) == 100 for t in templates)
    with desk(store, "volkova").reading() as a, pytest.raises(PermissionDeniedError):
        pay.terms_templates(a)


def test_split_by_pct_sums_to_the_total_exactly():
    thirds = [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert pay.split_by_pct(Decimal("100.01"), thirds) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.35"),
    ]
    assert pay.split_by_pct(Decimal("109437.43"), [Decimal(50), Decimal(50)]) == [
        Decimal("54718.72"),
        Decimal("54718.71"),
    ]
    assert pay.split_by_pct(Decimal("0.01"), [Decimal(30), Decimal(70)]) == [
        Decimal("0.00"),
        Decimal("0.01"),
    ]


def test_own_sales_manager_applies_terms_and_the_plan_is_replaced(store):
    order_id, _, login, _ = uninvoiced_order(store)
    old_steps = steps_of(store, order_id)
    version, old_template, user_id = one(
        store,
        "SELECT o.version, o.payment_terms_template_id, u.id FROM orders o, users u "
        "WHERE o.id = ? AND u.login = ?",
        [order_id, login],
    )
    with desk(store, login).writing() as a:
        new_ids = pay.apply_terms(a, order_id, 3)  # 30% advance, 70% after delivery + 10 days
    total = order_total(store, order_id)
    steps = steps_of(store, order_id)
    assert [s[0] for s in steps] == new_ids
    assert [(s[1], s[3], s[5], s[6]) for s in steps] == [
        (1, Decimal("30.00"), "agreed", 5),
        (2, Decimal("70.00"), "delivered", 10),
    ]
    assert steps[0][4] == (total * Decimal("0.3")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert sum(s[4] for s in steps) == total
    assert one(
        store,
        "SELECT payment_terms_template_id, version, updated_by FROM orders WHERE id = ?",
        [order_id],
    ) == (3, version + 1, user_id)

    for old in old_steps:
        assert ("delete", "amount", str(old[4]), None, user_id, order_id) in audit_rows(
            store, "payment_step", old[0]
        )
    assert ("insert", "amount", None, str(steps[1][4]), user_id, order_id) in audit_rows(
        store, "payment_step", steps[1][0]
    )
    assert (
        "update",
        "payment_terms_template_id",
        str(old_template),
        "3",
        user_id,
        order_id,
    ) in audit_rows(store, "order", order_id)


def test_plan_steps_sum_to_the_order_total_for_every_template(store):
    with store.read() as conn:
        orders = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM orders WHERE status IN ('costing', 'quote_sent', 'agreed') "
                "AND id NOT IN (SELECT order_id FROM invoices) ORDER BY id LIMIT 6"
            ).fetchall()
        ]
    with desk(store, "egorova").writing() as a:  # finance: plan write on every order
        for template_id in range(1, 9):
            for order_id in orders:
                pay.apply_terms(a, order_id, template_id)
                amounts = [
                    r[0]
                    for r in a.execute(
                        "SELECT amount FROM payment_steps WHERE order_id = ?", [order_id]
                    ).fetchall()
                ]
                total = price_stored_order(
                    a.conn, a.row("SELECT * FROM orders WHERE id = ?", [order_id])
                ).total
                assert sum(amounts) == total, (order_id, template_id)
                assert all(x.as_tuple().exponent == -2 for x in amounts)


def test_terms_are_not_replaced_once_a_step_is_invoiced(store):
    order_id = one(
        store,
        "SELECT min(order_id) FROM invoices i JOIN orders o ON o.id = "
        "i.order_id WHERE o.status = 'production'",
    )[0]
    before = steps_of(store, order_id), count(store, "audit_log")
    with desk(store, "egorova").writing() as a, pytest.raises(ValidationError) as bad:
        pay.apply_terms(a, order_id, 1)
    assert bad.value.field == "template_id" and "уже выставлен счёт" in bad.value.reason
    assert (steps_of(store, order_id), count(store, "audit_log")) == before


def test_apply_terms_refused_to_other_manager_and_roles_without_plan_write(store):
    order_id, _, _, other = uninvoiced_order(store)
    before = steps_of(store, order_id), count(store, "audit_log")
    for login in (other, "volkova", "orlova", "sergeev"):
        with desk(store, login).writing() as a, pytest.raises(PermissionDeniedError):
            pay.apply_terms(a, order_id, 1)
    with desk(store, "egorova").writing() as a, pytest.raises(ValidationError) as bad:
        pay.apply_terms(a, order_id, 99)
    assert bad.value.field == "template_id" and "99" in bad.value.reason
    assert (steps_of(store, order_id), count(store, "audit_log")) == before


def test_calendar_derives_due_dates_from_the_order_events(store):
    order_id, number, login, other = uninvoiced_order(store)
    with desk(store, "egorova").writing() as a:
        pay.apply_terms(a, order_id, 3)  # agreed + 5 days, delivered + 10 days
    agreed = one(store, "SELECT agreed_date FROM orders WHERE id = ?", [order_id])[0]
    with desk(store, login).reading() as a:  # the own manager reads the calendar
        calendar = pay.payment_calendar(a, order_id)
    first, second = calendar["steps"]
    assert first["due_date"] == agreed + timedelta(days=5)
    assert second["due_date"] is None  # not delivered yet
    assert calendar["number"] == number and calendar["template_id"] == 3
    assert calendar["total"] == calendar["steps_total"] == order_total(store, order_id)
    assert calendar["paid"] == 0 and calendar["outstanding"] == calendar["total"]
    assert calendar["payments_visible"] and calendar["invoices"] == []
    assert first["overdue"] is False  # due in a few days
    with desk(store, login, days_later=30).reading() as a:
        assert pay.payment_calendar(a, order_id)["steps"][0]["overdue"] is True

    for refused in (other, "volkova", "orlova", "novikov"):
        with desk(store, refused).reading() as a, pytest.raises(PermissionDeniedError):
            pay.payment_calendar(a, order_id)


def test_calendar_counts_the_balance_from_the_shipment(store):
    order_id, shipped = one(
        store,
        "SELECT id, actual_shipment_date FROM orders WHERE status = 'shipped' "
        "AND payment_terms_template_id = 2 ORDER BY id LIMIT 1",
    )
    with desk(store, "nikitina").reading() as a:
        balance = pay.payment_calendar(a, order_id)["steps"][1]
    assert balance["base_event"] == "shipped"
    assert balance["due_date"] == shipped + timedelta(days=5)


def test_calendar_hides_invoices_and_payments_without_payments_read(store):
    order_id, _, login, _ = uninvoiced_order(store)
    with store.write() as conn:
        conn.execute(
            "UPDATE access_rules SET access = 'none' "
            "WHERE role = 'sales' AND field_group = 'payments'"
        )
    with desk(store, login).reading() as a:
        calendar = pay.payment_calendar(a, order_id)
    assert calendar["payments_visible"] is False
    assert calendar["invoices"] == [] and calendar["payments"] == []
    assert calendar["paid"] is None and calendar["outstanding"] is None
    assert calendar["steps"] and all(s["paid"] is None for s in calendar["steps"])


def test_finance_issues_an_invoice_with_vat_and_a_sequential_number(store):
    order_id, number, login, _ = uninvoiced_order(store)
    step_id, step_amount = first_step(store, order_id)
    last = one(store, "SELECT max(CAST(number AS BIGINT)) FROM invoices")[0]
    with desk(store, "pavlov").writing() as a:
        invoice_id, invoice_no = pay.issue_invoice(
            a,
            order_id,
            step_id=step_id,
            issue_date=TODAY,
            due_date=TODAY + timedelta(days=5),
            amount=Decimal("100.00"),
        )
    assert invoice_no == str(last + 1)
    row = one(
        store,
        "SELECT number, order_id, payment_step_id, amount, vat_amount, created_by "
        "FROM invoices WHERE id = ?",
        [invoice_id],
    )
    # Shipment in 2026: VAT 22% included, 100 x 0.22 / 1.22 = 18.032...
    assert row == (invoice_no, order_id, step_id, Decimal("100.00"), Decimal("18.03"), 18)
    logged = audit_rows(store, "invoice", invoice_id)
    assert ("insert", "number", None, invoice_no, 18, order_id) in logged
    assert ("insert", "vat_amount", None, "18.03", 18, order_id) in logged

    remainder = step_amount - Decimal("100.00")
    before = count(store, "invoices"), count(store, "audit_log")
    with desk(store, "pavlov").writing() as a, pytest.raises(ValidationError) as bad:
        pay.issue_invoice(
            a,
            order_id,
            step_id=step_id,
            issue_date=TODAY,
            due_date=TODAY,
            amount=remainder + Decimal("0.01"),
        )
    assert bad.value.field == "amount" and rub(remainder) in bad.value.reason
    assert f"счёт по этапу 1 заказа {number}" in str(bad.value)
    with desk(store, login).writing() as a, pytest.raises(PermissionDeniedError):
        pay.issue_invoice(
            a, order_id, step_id=step_id, issue_date=TODAY, due_date=TODAY, amount=Decimal("1.00")
        )  # sales read payments only
    assert (count(store, "invoices"), count(store, "audit_log")) == before

    with desk(store, "pavlov").writing() as a:  # the exact remainder is fine
        pay.issue_invoice(
            a, order_id, step_id=step_id, issue_date=TODAY, due_date=TODAY, amount=remainder
        )
    with desk(store, "pavlov").reading() as a:
        step = pay.payment_calendar(a, order_id)["steps"][0]
    assert step["invoiced"] == step_amount


def test_invoice_vat_follows_an_explicit_order_rate(store):
    order_id, _, _, _ = uninvoiced_order(store)
    with store.write() as conn:
        conn.execute("UPDATE orders SET vat_rate = 0.20 WHERE id = ?", [order_id])
    step_id, _ = first_step(store, order_id)
    with desk(store, "pavlov").writing() as a:
        invoice_id, _ = pay.issue_invoice(
            a, order_id, step_id=step_id, issue_date=TODAY, due_date=TODAY, amount=Decimal("120.00")
        )
    assert one(store, "SELECT vat_amount FROM invoices WHERE id = ?", [invoice_id]) == (
        Decimal("20.00"),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"amount": Decimal("0")}, "amount", "больше нуля"),
        ({"amount": Decimal("10.001")}, "amount", "2 знаков"),
        ({"due_date": TODAY - timedelta(days=1)}, "due_date", "раньше даты счёта"),
        ({"issue_date": None}, "issue_date", "не заполнена"),
        ({"step_id": 1}, "step_id", "не относится к заказу"),
        ({"step_id": None}, "step_id", "укажите этап"),
    ],
)
def test_issue_invoice_validation_names_the_field(store, overrides, field, reason):
    order_id, _, _, _ = uninvoiced_order(store)
    step_id, _ = first_step(store, order_id)
    values = {
        "step_id": step_id,
        "issue_date": TODAY,
        "due_date": TODAY,
        "amount": Decimal("10.00"),
        **overrides,
    }
    before = count(store, "invoices"), count(store, "audit_log")
    with desk(store, "pavlov").writing() as a, pytest.raises(ValidationError) as bad:
        pay.issue_invoice(a, order_id, **values)
    assert bad.value.field == field and reason in bad.value.reason
    assert (count(store, "invoices"), count(store, "audit_log")) == before


def test_payments_derive_paid_and_outstanding(store):
    order_id, _, login, _ = uninvoiced_order(store)
    step_id, step_amount = first_step(store, order_id)
    customer_id = one(store, "SELECT customer_id FROM orders WHERE id = ?", [order_id])[0]
    part = (step_amount / 4).quantize(Decimal("0.01"))
    with desk(store, "egorova").writing() as a:
        invoice_id, invoice_no = pay.issue_invoice(
            a, order_id, step_id=step_id, issue_date=TODAY, due_date=TODAY, amount=step_amount
        )
        first = pay.record_payment(
            a, order_id, invoice_id=invoice_id, payment_date=TODAY, amount=part, doc_no=" 4711 "
        )
    assert one(
        store,
        "SELECT order_id, invoice_id, customer_id, amount, doc_no, source, "
        "created_by FROM payments WHERE id = ?",
        [first],
    ) == (order_id, invoice_id, customer_id, part, "4711", "manual", 17)
    assert ("insert", "amount", None, str(part), 17, order_id) in audit_rows(
        store, "payment", first
    )

    with desk(store, login).reading() as a:  # sales reads payments of own orders
        calendar = pay.payment_calendar(a, order_id)
    step, invoice = calendar["steps"][0], calendar["invoices"][0]
    assert (step["paid"], step["outstanding"]) == (part, step_amount - part)
    assert (invoice["paid"], invoice["outstanding"]) == (part, step_amount - part)
    assert calendar["paid"] == part
    assert calendar["outstanding"] == calendar["total"] - part
    assert [(p["id"], p["invoice_number"]) for p in calendar["payments"]] == [(first, invoice_no)]

    rest = step_amount - part
    before = count(store, "payments"), count(store, "audit_log")
    with desk(store, "egorova").writing() as a, pytest.raises(ValidationError) as bad:
        pay.record_payment(
            a,
            order_id,
            invoice_id=invoice_id,
            payment_date=TODAY,
            amount=rest + Decimal("0.01"),
            doc_no=None,
        )
    assert bad.value.field == "amount" and rub(rest) in bad.value.reason
    other_invoice = one(store, "SELECT min(id) FROM invoices WHERE order_id <> ?", [order_id])[0]
    with desk(store, "egorova").writing() as a, pytest.raises(ValidationError) as bad:
        pay.record_payment(
            a,
            order_id,
            invoice_id=other_invoice,
            payment_date=TODAY,
            amount=Decimal("1.00"),
            doc_no=None,
        )
    assert bad.value.field == "invoice_id"
    with desk(store, "egorova").writing() as a, pytest.raises(ValidationError) as bad:
        pay.record_payment(
            a,
            order_id,
            invoice_id=invoice_id,
            payment_date=TODAY + timedelta(days=1),
            amount=Decimal("1.00"),
            doc_no=None,
        )
    assert bad.value.field == "payment_date"
    for login_refused in ("orlova", login, "sergeev"):  # logistics, sales, leadership
        with desk(store, login_refused).writing() as a, pytest.raises(PermissionDeniedError):
            pay.record_payment(
                a,
                order_id,
                invoice_id=invoice_id,
                payment_date=TODAY,
                amount=Decimal("1.00"),
                doc_no=None,
            )
    assert (count(store, "payments"), count(store, "audit_log")) == before

    with desk(store, "egorova").writing() as a:
        pay.record_payment(
            a, order_id, invoice_id=invoice_id, payment_date=TODAY, amount=rest, doc_no="4712"
        )
    with desk(store, "egorova").reading() as a:
        calendar = pay.payment_calendar(a, order_id)
    assert calendar["steps"][0]["outstanding"] == 0 and calendar["paid"] == step_amount


def test_invoices_due_shows_overdue_and_drops_paid_invoices(store):
    order_id, _, login, other = uninvoiced_order(store)
    step_id, _ = first_step(store, order_id)
    with desk(store, "egorova").writing() as a:
        invoice_id, _ = pay.issue_invoice(
            a,
            order_id,
            step_id=step_id,
            issue_date=TODAY - timedelta(days=10),
            due_date=TODAY - timedelta(days=3),
            amount=Decimal("500.00"),
        )
    with desk(store, "egorova").reading() as a:
        due = {r["invoice_id"]: r for r in pay.invoices_due(a, TODAY)}
        before_issue = {r["invoice_id"] for r in pay.invoices_due(a, TODAY - timedelta(days=11))}
    mine = due[invoice_id]
    assert (mine["outstanding"], mine["overdue_days"], mine["overdue"]) == (
        Decimal("500.00"),
        3,
        True,
    )
    assert invoice_id not in before_issue
    expected = one(
        store,
        "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id "
        "WHERE o.status <> 'cancelled' AND i.amount > (SELECT coalesce(sum(amount), 0) "
        "FROM payments p WHERE p.invoice_id = i.id AND p.payment_date <= ?)",
        [TODAY],
    )[0]
    assert len(due) == expected
    assert all(r["outstanding"] > 0 for r in due.values())

    with desk(store, login).reading() as a:  # own orders only for sales
        own = pay.invoices_due(a, TODAY)
    assert invoice_id in {r["invoice_id"] for r in own}
    assert {r["sales_manager_id"] for r in own} == {mine["sales_manager_id"]}
    with desk(store, other).reading() as a:
        assert invoice_id not in {r["invoice_id"] for r in pay.invoices_due(a, TODAY)}
    with desk(store, "volkova").reading() as a, pytest.raises(PermissionDeniedError):
        pay.invoices_due(a, TODAY)

    with desk(store, "egorova").writing() as a:
        pay.record_payment(
            a,
            order_id,
            invoice_id=invoice_id,
            payment_date=TODAY,
            amount=Decimal("500.00"),
            doc_no="1",
        )
    with desk(store, "egorova").reading() as a:
        assert invoice_id not in {r["invoice_id"] for r in pay.invoices_due(a, TODAY)}
