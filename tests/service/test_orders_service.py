"""Orders through the access-checked service: create, read, edit, list/search scope, stale edits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from service_helpers import desk, ids, new_draft, value, worked_line

from ingest.access import PermissionDeniedError
from ingest.service import lines, orders
from ingest.service.lines import LineEdit
from ingest.service.orders import OrderFilters
from ingest.store.errors import NotFoundError, StaleEditError, ValidationError

IVANOV, PETROVA, SOKOLOVA = 3, 4, 2


def test_sales_manager_creates_own_order_priced_like_the_worked_example(demo_home):
    with desk(demo_home, "ivanov").writing() as a:
        order_id, number = orders.create_order(a, new_draft(a))
    assert number.startswith("З-2026-")
    assert value(demo_home, "SELECT sales_manager_id FROM orders WHERE id = ?", [order_id]) == 3
    with desk(demo_home, "ivanov").reading() as a:
        shown, problem = lines.order_lines(a, order_id)
    assert problem is None
    # pricing.md, line 1: 11.098 kg, 2899.35 per piece, 28993.50 net, 35372.07 with 22% VAT
    assert shown[0]["unit_weight_kg"] == Decimal("11.098")
    assert shown[0]["unit_price_net"] == Decimal("2899.35")
    assert shown[0]["line_total"] == Decimal("35372.07")
    assert (
        value(demo_home, "SELECT count(*) FROM status_events WHERE order_id = ?", [order_id]) == 1
    )


def test_sales_manager_cannot_give_an_order_to_another_manager(demo_home):
    before = value(demo_home, "SELECT count(*) FROM orders")
    with pytest.raises(PermissionDeniedError, match="руководитель продаж"):
        with desk(demo_home, "ivanov").writing() as a:
            orders.create_order(a, new_draft(a, manager_id=PETROVA))
    assert value(demo_home, "SELECT count(*) FROM orders") == before
    with desk(demo_home, "sokolova").writing() as a:  # the head of sales may
        order_id, _ = orders.create_order(a, new_draft(a, manager_id=PETROVA))
    assert value(demo_home, "SELECT sales_manager_id FROM orders WHERE id = ?", [order_id]) == 4


@pytest.mark.parametrize("login", ["volkova", "novikov", "orlova", "pavlov", "makarova"])
def test_other_departments_cannot_create_orders(demo_home, login):
    with pytest.raises(PermissionDeniedError, match="Нет доступа"):
        with desk(demo_home, login).writing() as a:
            orders.create_order(a, new_draft(a, manager_id=IVANOV))


def test_record_scope_by_id_list_search_number_and_export(demo_home):
    """A sales manager never reaches another manager's order: not by list, search, id or number."""
    from ingest.service.export import orders_export

    petrova_orders = ids(demo_home, "SELECT id FROM orders WHERE sales_manager_id = 4")
    numbers = ids(demo_home, "SELECT number FROM orders WHERE sales_manager_id = 4")
    with desk(demo_home, "ivanov").reading() as a:
        listed = orders.list_orders(a, OrderFilters(limit=100_000))
        searched = orders.list_orders(a, OrderFilters(text=numbers[0]))
        exported = orders_export(a, OrderFilters(limit=100_000))
        for order_id in petrova_orders[:5]:
            with pytest.raises(PermissionDeniedError, match="не ваш заказ"):
                orders.get_order(a, order_id)
        with pytest.raises(PermissionDeniedError):
            orders.find_order_id(a, numbers[0])
        with pytest.raises(PermissionDeniedError):
            lines.order_lines(a, petrova_orders[0])
    assert listed and {o["sales_manager_id"] for o in listed} == {IVANOV}
    assert searched == []
    assert set(exported["number"].to_list()).isdisjoint(numbers)
    assert len(exported) == len(listed)
    with desk(demo_home, "sokolova").reading() as a:  # the head of sales sees everyone's
        assert orders.find_order_id(a, numbers[0]) == petrova_orders[0]


def test_search_filters_combine(demo_home):
    with desk(demo_home, "egorova").reading() as a:
        agreed = orders.list_orders(a, OrderFilters(statuses=("agreed",), limit=100_000))
        window = orders.list_orders(
            a, OrderFilters(need_from=date(2026, 1, 1), need_to=date(2026, 1, 31), limit=10_000)
        )
        by_manager = orders.list_orders(a, OrderFilters(sales_manager_id=PETROVA, limit=10_000))
    assert agreed and {o["status"] for o in agreed} == {"agreed"}
    assert len(agreed) == value(demo_home, "SELECT count(*) FROM orders WHERE status = 'agreed'")
    assert window and all(date(2026, 1, 1) <= o["need_date"] <= date(2026, 1, 31) for o in window)
    assert {o["sales_manager_id"] for o in by_manager} == {PETROVA}


def test_search_text_is_a_literal_not_sql_or_a_pattern(demo_home):
    with desk(demo_home, "egorova").reading() as a:
        assert orders.list_orders(a, OrderFilters(text="' OR 1=1 --")) == []
        assert orders.list_orders(a, OrderFilters(text="%")) == []


def test_header_edit_is_audited_and_a_stale_save_names_who_and_when(demo_home):
    with desk(demo_home, "ivanov").writing() as a:
        order_id, _ = orders.create_order(a, new_draft(a))
    with desk(demo_home, "ivanov").reading() as a:
        version = orders.get_order(a, order_id)["version"]
    with desk(demo_home, "sokolova").writing() as a:  # the head saves first
        orders.update_header(a, order_id, version, {"comment": "срочно"})
    with pytest.raises(StaleEditError) as refused:
        with desk(demo_home, "ivanov").writing() as a:
            orders.update_header(a, order_id, version, {"comment": "моя правка"})
    assert "Соколова" in str(refused.value) and "28.11.2026" in str(refused.value)
    assert value(demo_home, "SELECT comment FROM orders WHERE id = ?", [order_id]) == "срочно"
    assert (
        value(
            demo_home,
            "SELECT new_value FROM audit_log WHERE entity = 'order' AND entity_id = ? "
            "AND field = 'comment' AND user_id = 2",
            [order_id],
        )
        == "срочно"
    )


def test_lines_edit_adds_updates_removes_with_audit_and_version(demo_home):
    with desk(demo_home, "ivanov").writing() as a:
        order_id, _ = orders.create_order(a, new_draft(a, lines=(worked_line(a), worked_line(a))))
    line_ids = ids(
        demo_home, "SELECT id FROM order_lines WHERE order_id = ? ORDER BY line_no", [order_id]
    )
    with desk(demo_home, "ivanov").writing() as a:
        version = orders.get_order(a, order_id)["version"]
        new_version = lines.save_lines(
            a,
            order_id,
            version,
            [
                LineEdit(line_ids[0], worked_line(a, quantity=12)),
                LineEdit(None, worked_line(a, name="Втулка")),
            ],
        )
    assert new_version == version + 1
    with desk(demo_home, "ivanov").reading() as a:
        shown, _ = lines.order_lines(a, order_id)
    assert [(ln["line_no"], ln["name"], ln["quantity"]) for ln in shown] == [
        (1, "Вал ступенчатый", 12),
        (2, "Втулка", 10),
    ]
    actions = ids(
        demo_home,
        "SELECT action || ':' || coalesce(field, '') FROM audit_log "
        "WHERE entity = 'order_line' AND order_id = ? ORDER BY id",
        [order_id],
    )
    assert sorted(actions) == ["delete:name", "insert:name", "update:quantity"]
    with pytest.raises(StaleEditError):
        with desk(demo_home, "ivanov").writing() as a:
            lines.save_lines(a, order_id, version, [LineEdit(line_ids[0], worked_line(a))])


def test_prices_are_hidden_from_roles_without_prices_and_not_editable_by_admin(demo_home):
    with desk(demo_home, "ivanov").writing() as a:
        order_id, _ = orders.create_order(a, new_draft(a))
    with desk(demo_home, "volkova").reading() as a:
        shown, _ = lines.order_lines(a, order_id)
        assert orders.get_order(a, order_id)["vat_rate"] is None
    assert {"price_per_kg", "fixed_unit_price", "surcharges", "line_total", "line_net"}.isdisjoint(
        shown[0]
    )
    assert shown[0]["unit_weight_kg"] == Decimal("11.098")  # the spec weight is not a price
    line_id = shown[0]["id"]
    with pytest.raises(PermissionDeniedError, match="цены"):
        with desk(demo_home, "admin").writing() as a:
            version = orders.get_order(a, order_id)["version"]
            edit = worked_line(a, fixed_unit_price=Decimal("1.00"))
            lines.save_lines(a, order_id, version, [LineEdit(line_id, edit)])
    with desk(demo_home, "admin").writing() as a:  # admin may change specs (header: write)
        version = orders.get_order(a, order_id)["version"]
        lines.save_lines(a, order_id, version, [LineEdit(line_id, worked_line(a, quantity=3))])
    assert value(demo_home, "SELECT quantity FROM order_lines WHERE id = ?", [line_id]) == 3


def test_bad_input_names_the_line_and_field_and_writes_nothing(demo_home):
    before = value(demo_home, "SELECT count(*) FROM orders")
    with pytest.raises(ValidationError, match=r"позиция 1.*quantity"):
        with desk(demo_home, "ivanov").writing() as a:
            orders.create_order(a, new_draft(a, lines=(worked_line(a, quantity=0),)))
    with pytest.raises(NotFoundError):
        with desk(demo_home, "ivanov").reading() as a:
            orders.find_order_id(a, "З-1999-9999")
    assert value(demo_home, "SELECT count(*) FROM orders") == before


def test_hostile_text_is_stored_literally(demo_home):
    payload = "'); DROP TABLE orders;-- <script>alert(1)</script> **жирный**"
    with desk(demo_home, "ivanov").writing() as a:
        order_id, _ = orders.create_order(
            a,
            new_draft(
                a,
                comment=payload,
                delivery_address=payload,
                lines=(
                    worked_line(
                        a, name=payload, drawing_no=payload, surcharges_pct={payload: Decimal("5")}
                    ),
                ),
            ),
        )
    assert value(demo_home, "SELECT comment FROM orders WHERE id = ?", [order_id]) == payload
    assert (
        value(demo_home, "SELECT delivery_address FROM orders WHERE id = ?", [order_id]) == payload
    )
    assert (
        value(demo_home, "SELECT name FROM order_lines WHERE order_id = ?", [order_id]) == payload
    )
    assert (
        value(demo_home, "SELECT drawing_no FROM order_lines WHERE order_id = ?", [order_id])
        == payload
    )
    assert value(demo_home, "SELECT count(*) FROM orders") > 1000  # the table is still there
