"""Order expenses and the economics tab through the access-checked service layer."""

from decimal import Decimal

import pytest
from store_probes import audit_rows, count, desk, one

from ingest.access import PermissionDeniedError
from ingest.service import economics as eco
from ingest.service import expenses as exp
from ingest.service.order_pricing import price_stored_order
from ingest.service.orders import get_order
from ingest.store import Store, ValidationError


@pytest.fixture
def store(demo_home) -> Store:
    return Store.open(demo_home)


def production_order(store: Store) -> tuple[int, str, str]:
    """(id, number, manager's login) of an order in production that has expenses."""
    return one(
        store,
        "SELECT o.id, o.number, u.login FROM orders o JOIN users u ON u.id = o.sales_manager_id "
        "WHERE o.status = 'production' AND o.id IN (SELECT order_id FROM order_expenses) "
        "ORDER BY o.id LIMIT 1",
    )


def test_order_expenses_are_read_by_finance_production_and_leadership(store):
    order_id, _, manager = production_order(store)
    with store.read() as conn:
        stored = conn.execute(
            "SELECT id, category, planned, actual FROM order_expenses WHERE order_id = ? "
            "ORDER BY id",
            [order_id],
        ).fetchall()
    for login in ("pavlov", "novikov", "sergeev", "admin"):
        with desk(store, login).reading() as a:
            rows = exp.order_expenses(a, order_id)
        assert [(r["id"], r["category"], r["planned"], r["actual"]) for r in rows] == stored
    for login in (manager, "volkova", "orlova"):
        with desk(store, login).reading() as a, pytest.raises(PermissionDeniedError):
            exp.order_expenses(a, order_id)


def test_production_records_its_own_expenses_only(store):
    order_id, number, _ = production_order(store)
    with desk(store, "novikov").writing() as a:
        expense_id = exp.add_expense(
            a,
            order_id,
            category="production",
            planned=Decimal("15000.00"),
            comment=" Термообработка ",
        )
    assert one(
        store,
        "SELECT order_id, category, planned, actual, comment, created_by "
        "FROM order_expenses WHERE id = ?",
        [expense_id],
    ) == (order_id, "production", Decimal("15000.00"), None, "Термообработка", 13)
    logged = audit_rows(store, "expense", expense_id)
    assert ("insert", "planned", None, "15000.00", 13, order_id) in logged
    assert ("insert", "category", None, "production", 13, order_id) in logged

    with desk(store, "novikov").writing() as a:
        exp.set_expense_actual(a, expense_id, Decimal("16250.50"))
    assert one(store, "SELECT actual FROM order_expenses WHERE id = ?", [expense_id]) == (
        Decimal("16250.50"),
    )
    assert ("update", "actual", None, "16250.50", 13, order_id) in audit_rows(
        store, "expense", expense_id
    )

    with desk(store, "pavlov").writing() as a:
        logistics_expense = exp.add_expense(
            a, order_id, category="logistics", planned=Decimal("2500.00")
        )
    before = count(store, "order_expenses"), count(store, "audit_log")
    with desk(store, "novikov").writing() as a, pytest.raises(PermissionDeniedError) as refused:
        exp.add_expense(a, order_id, category="logistics", planned=Decimal("100.00"))
    assert "только расходы производства" in str(refused.value) and number in str(refused.value)
    with desk(store, "kozlov").writing() as a, pytest.raises(PermissionDeniedError):
        exp.set_expense_actual(a, logistics_expense, Decimal("1.00"))
    assert (count(store, "order_expenses"), count(store, "audit_log")) == before


def test_finance_records_any_category_and_others_are_refused(store):
    order_id, _, manager = production_order(store)
    with desk(store, "pavlov").writing() as a:
        expense_id = exp.add_expense(
            a, order_id, category="packaging", planned=Decimal("800.00"), actual=Decimal("760.00")
        )
        exp.set_expense_actual(a, expense_id, None)  # not known after all: planned counts
    assert one(
        store, "SELECT category, planned, actual FROM order_expenses WHERE id = ?", [expense_id]
    ) == ("packaging", Decimal("800.00"), None)
    assert ("update", "actual", "760.00", None, 18, order_id) in audit_rows(
        store, "expense", expense_id
    )
    before = count(store, "order_expenses"), count(store, "audit_log")
    for login in (manager, "sokolova", "volkova", "orlova", "sergeev"):
        with desk(store, login).writing() as a, pytest.raises(PermissionDeniedError):
            exp.add_expense(a, order_id, category="other", planned=Decimal("1.00"))
        with desk(store, login).writing() as a, pytest.raises(PermissionDeniedError):
            exp.set_expense_actual(a, expense_id, Decimal("1.00"))
    assert (count(store, "order_expenses"), count(store, "audit_log")) == before


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"category": "bribes", "planned": Decimal("1")}, "category", "неизвестная категория"),
        ({"category": "other", "planned": None}, "planned", "не заполнено"),
        ({"category": "other", "planned": Decimal("-1.00")}, "planned", "отрицательн"),
        ({"category": "other", "planned": Decimal("1.005")}, "planned", "2 знаков"),
        (
            {"category": "other", "planned": Decimal("1"), "actual": Decimal("-2")},
            "actual",
            "отрицательн",
        ),
        (
            {"category": "other", "planned": Decimal("1"), "comment": "x" * 1001},
            "comment",
            "слишком длинный",
        ),
    ],
)
def test_expense_validation_names_the_field(store, values, field, reason):
    order_id, number, _ = production_order(store)
    before = count(store, "order_expenses"), count(store, "audit_log")
    with desk(store, "egorova").writing() as a, pytest.raises(ValidationError) as bad:
        exp.add_expense(a, order_id, **values)
    assert bad.value.field == field and reason in bad.value.reason
    assert f"расход заказа {number}" in str(bad.value)
    assert (count(store, "order_expenses"), count(store, "audit_log")) == before


def test_order_economics_matches_pricing_and_follows_new_expenses(store):
    order_id, number, _ = production_order(store)
    with desk(store, "egorova").reading() as a:
        before = eco.order_economics(a, order_id)
        priced = price_stored_order(a.conn, get_order(a, order_id))
    assert before["problem"] is None and before["number"] == number
    assert before["net"] == priced.net
    assert before["planned_cost_price"] == priced.planned_cost_price
    assert before["actual_cost_price"] == priced.actual_cost_price
    assert before["material_planned"] + before["expenses_planned"] == priced.planned_cost_price
    assert before["material_actual"] + before["expenses_actual"] == priced.actual_cost_price
    assert before["planned_profit"] == priced.net - priced.planned_cost_price
    assert before["planned_efficiency_pct"] == priced.planned_efficiency_pct
    assert before["planned_margin_pct"] == (
        before["planned_profit"] / before["net"] * 100
    ).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
    by_category = {c["category"]: c for c in before["expenses_by_category"]}
    assert sum(c["planned"] for c in by_category.values()) == before["expenses_planned"]
    assert sum(c["actual_or_planned"] for c in by_category.values()) == before["expenses_actual"]

    with desk(store, "pavlov").writing() as a:
        exp.add_expense(
            a,
            order_id,
            category="outsourcing",
            planned=Decimal("1000.00"),
            actual=Decimal("1500.00"),
        )
    with desk(store, "sergeev").reading() as a:  # leadership reads economics too
        after = eco.order_economics(a, order_id)
    assert after["planned_cost_price"] == before["planned_cost_price"] + 1000
    assert after["actual_cost_price"] == before["actual_cost_price"] + 1500
    assert after["actual_profit"] == before["actual_profit"] - 1500


def test_order_economics_is_refused_outside_finance_and_leadership(store):
    order_id, _, manager = production_order(store)
    for login in ("volkova", manager, "sokolova", "novikov", "orlova"):
        with desk(store, login).reading() as a, pytest.raises(PermissionDeniedError) as refused:
            eco.order_economics(a, order_id)
        assert "экономика заказа" in str(refused.value)


def test_order_economics_names_the_pricing_problem(store):
    order_id, _, _ = production_order(store)
    grade = one(
        store,
        "SELECT m.grade FROM order_lines l JOIN materials m ON m.id = "
        "l.material_id WHERE l.order_id = ? ORDER BY l.line_no LIMIT 1",
        [order_id],
    )[0]
    with store.write() as conn:
        conn.execute("UPDATE materials SET density_kg_m3 = NULL WHERE grade = ?", [grade])
    with desk(store, "egorova").reading() as a:
        result = eco.order_economics(a, order_id)
    assert grade in result["problem"] and "плотность" in result["problem"]
    assert result["net"] is None and result["actual_margin_pct"] is None
    assert result["expenses_by_category"]


def test_margin_pct_is_none_without_revenue():
    assert eco.margin_pct(Decimal("10.00"), Decimal("0.00")) is None
    assert eco.margin_pct(Decimal("1.00"), Decimal("3.00")) == Decimal("33.3")
    assert eco.margin_pct(Decimal("-1.00"), Decimal("8.00")) == Decimal("-12.5")
