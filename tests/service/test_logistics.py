"""The logistics tab through the access-checked service layer: what to ship, shipments, delivery."""

from datetime import timedelta
from decimal import Decimal

import pytest
from demo_clock import DEMO_NOW
from store_probes import audit_rows, count, desk, one

from ingest.access import PermissionDeniedError
from ingest.service import logistics as lg
from ingest.service.order_pricing import price_stored_order
from ingest.service.orders import get_order
from ingest.service.status import change_status
from ingest.store import Store, ValidationError

TODAY = DEMO_NOW.date()


@pytest.fixture
def store(demo_home) -> Store:
    return Store.open(demo_home)


def ready_order(store: Store) -> tuple[int, str, int, str]:
    """(id, number, sales manager id, delivery address) of a ready order not yet shipped."""
    return one(
        store,
        "SELECT id, number, sales_manager_id, delivery_address FROM orders "
        "WHERE status = 'ready_to_ship' AND id NOT IN (SELECT order_id FROM shipments) "
        "ORDER BY id LIMIT 1",
    )


def ship(a, order_id: int, **overrides) -> int:
    values = {
        "shipped_date": TODAY,
        "carrier": "Деловые Линии",
        "waybill_no": "26-00000000001",
        "weight_kg": Decimal("812.345"),
        "delivery_cost": Decimal("12450.00"),
        "delivery_address": None,
    }
    values.update(overrides)
    return lg.record_shipment(a, order_id, **values)


def test_shipments_to_arrange_lists_ready_and_shipped_orders_with_weight(store):
    with desk(store, "orlova").reading() as a:
        rows = lg.shipments_to_arrange(a)
        expected = a.execute(
            "SELECT count(*) FROM orders WHERE status IN ('ready_to_ship', 'shipped')"
        ).fetchone()[0]
        assert len(rows) == expected > 0
        assert {r["status"] for r in rows} == {"ready_to_ship", "shipped"}
        sample = rows[0]
        assert sample["customer_name"] and sample["delivery_address"]
        assert (
            sample["weight_kg"]
            == price_stored_order(a.conn, get_order(a, sample["order_id"])).weight_kg
        )
        dated = [r["planned_shipment_date"] for r in rows if r["planned_shipment_date"]]
        assert dated == sorted(dated)


def test_shipments_to_arrange_is_scoped_for_sales_and_refused_to_procurement(store):
    with desk(store, "petrova").reading() as a:  # sales: logistics read, own orders only
        rows = lg.shipments_to_arrange(a)
    own = one(
        store,
        "SELECT count(*) FROM orders WHERE status IN ('ready_to_ship', 'shipped') "
        "AND sales_manager_id = 4",
    )[0]
    assert len(rows) == own > 0
    with desk(store, "volkova").reading() as a, pytest.raises(PermissionDeniedError):
        lg.shipments_to_arrange(a)


def test_record_shipment_with_the_status_change_in_one_transaction(store):
    order_id, _, _, address = ready_order(store)
    with desk(store, "orlova").writing() as a:
        first = ship(a, order_id)
        change_status(a, order_id, "shipped")
    row = one(
        store,
        "SELECT shipment_no, shipped_date, carrier, weight_kg, delivery_cost, delivery_address, "
        "created_by FROM shipments WHERE id = ?",
        [first],
    )
    assert row == (1, TODAY, "Деловые Линии", Decimal("812.345"), Decimal("12450.00"), address, 16)
    assert one(
        store, "SELECT status, actual_shipment_date FROM orders WHERE id = ?", [order_id]
    ) == ("shipped", TODAY)
    logged = audit_rows(store, "shipment", first)
    assert ("insert", "carrier", None, "Деловые Линии", 16, order_id) in logged
    assert ("insert", "shipment_no", None, "1", 16, order_id) in logged

    with desk(store, "fedorov").writing() as a:  # the rest goes later, to another address
        second = ship(a, order_id, weight_kg=None, delivery_address="  Склад заказчика, Тула  ")
    with desk(store, "orlova").reading() as a:
        listed = lg.shipments(a, order_id)
    assert [(s["id"], s["shipment_no"]) for s in listed] == [(first, 1), (second, 2)]
    assert listed[1]["delivery_address"] == "Склад заказчика, Тула"
    assert listed[1]["weight_kg"] is None and listed[0]["created_by_name"]


def test_record_delivery_checks_the_date_and_logs_the_change(store):
    order_id, number, _, _ = ready_order(store)
    with desk(store, "orlova").writing() as a:
        shipment_id = ship(a, order_id, shipped_date=TODAY - timedelta(days=3))
    with desk(store, "orlova").writing() as a, pytest.raises(ValidationError) as bad:
        lg.record_delivery(a, shipment_id, TODAY - timedelta(days=4))
    assert bad.value.field == "delivered_date"
    assert f"отгрузка 1 заказа {number}" in str(bad.value)
    assert "раньше даты отгрузки" in bad.value.reason
    with desk(store, "orlova").writing() as a, pytest.raises(ValidationError, match="не наступила"):
        lg.record_delivery(a, shipment_id, TODAY + timedelta(days=1))
    with desk(store, "egorova").writing() as a, pytest.raises(PermissionDeniedError):
        lg.record_delivery(a, shipment_id, TODAY)  # finance reads logistics only

    with desk(store, "orlova").writing() as a:
        lg.record_delivery(a, shipment_id, TODAY - timedelta(days=1))
    assert one(store, "SELECT delivered_date FROM shipments WHERE id = ?", [shipment_id]) == (
        TODAY - timedelta(days=1),
    )
    assert ("update", "delivered_date", None, str(TODAY - timedelta(days=1)), 16, order_id) in (
        audit_rows(store, "shipment", shipment_id)
    )


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"carrier": "  "}, "carrier", "не заполнено"),
        ({"shipped_date": None}, "shipped_date", "не заполнена"),
        ({"shipped_date": TODAY + timedelta(days=1)}, "shipped_date", "не наступила"),
        ({"weight_kg": Decimal("0")}, "weight_kg", "больше нуля"),
        ({"weight_kg": Decimal("1.0001")}, "weight_kg", "3 знаков"),
        ({"delivery_cost": Decimal("-5.00")}, "delivery_cost", "отрицательн"),
        ({"delivery_cost": Decimal("5.001")}, "delivery_cost", "2 знаков"),
    ],
)
def test_record_shipment_validation_names_the_field(store, overrides, field, reason):
    order_id, number, _, _ = ready_order(store)
    before = count(store, "shipments"), count(store, "audit_log")
    with desk(store, "orlova").writing() as a, pytest.raises(ValidationError) as bad:
        ship(a, order_id, **overrides)
    assert bad.value.field == field and reason in bad.value.reason
    assert f"отгрузка 1 заказа {number}" in str(bad.value)
    assert (count(store, "shipments"), count(store, "audit_log")) == before


def test_an_order_not_ready_is_not_shipped(store):
    order_id = one(store, "SELECT min(id) FROM orders WHERE status = 'production'")[0]
    before = count(store, "shipments")
    with desk(store, "orlova").writing() as a, pytest.raises(ValidationError) as bad:
        ship(a, order_id)
    assert bad.value.field == "status"
    assert count(store, "shipments") == before


def test_shipments_are_read_by_own_sales_and_written_by_logistics_only(store):
    order_id, _, manager_id, _ = ready_order(store)
    own_login, other_login = one(
        store,
        "SELECT (SELECT login FROM users WHERE id = ?), "
        "(SELECT min(login) FROM users WHERE role = 'sales' AND NOT is_head AND id <> ?)",
        [manager_id, manager_id],
    )
    with desk(store, "orlova").writing() as a:
        ship(a, order_id)
    with desk(store, own_login).reading() as a:
        assert len(lg.shipments(a, order_id)) == 1
    with desk(store, other_login).reading() as a, pytest.raises(PermissionDeniedError):
        lg.shipments(a, order_id)
    with desk(store, "volkova").reading() as a, pytest.raises(PermissionDeniedError):
        lg.shipments(a, order_id)  # procurement: no logistics
    before = count(store, "shipments"), count(store, "audit_log")
    for login in (own_login, "sokolova", "egorova", "sergeev"):
        with desk(store, login).writing() as a, pytest.raises(PermissionDeniedError):
            ship(a, order_id)
    assert (count(store, "shipments"), count(store, "audit_log")) == before
