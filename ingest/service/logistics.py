"""The logistics tab (field group `logistics`): what to ship, the shipments and their delivery.

An order may go in several shipments, numbered 1, 2... per order. Recording a shipment or a
delivery does not move the order's status: the page calls ingest.service.status.change_status in
the same transaction, so the shipment and the status event are saved together or not at all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ingest.service.acting import Acting
from ingest.service.checks import (
    check_date,
    check_mass,
    check_money,
    check_not_future,
    check_text,
)
from ingest.service.order_pricing import price_many
from ingest.service.orders import get_order, order_for_write
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from ingest.store.ids import next_id
from pricing.errors import PricingError

# Shipments are recorded for an order that is ready (the first one) or already partly shipped.
SHIPPABLE_STATUSES = ("ready_to_ship", "shipped")
SHIPMENT_COLUMNS = (
    "s.id, s.order_id, s.shipment_no, s.shipped_date, s.carrier, s.waybill_no, s.weight_kg, "
    "s.delivery_cost, s.delivery_address, s.delivered_date, s.created_at, "
    "u.full_name AS created_by_name"
)


def shipments_to_arrange(a: Acting) -> list[dict[str, Any]]:
    """Visible orders ready to ship or shipped and not yet delivered, earliest planned first."""
    a.require("logistics", "read")
    header, header_params = a.visible("header", "o.sales_manager_id")
    own, own_params = a.visible("logistics", "o.sales_manager_id")
    rows = a.rows(
        "SELECT o.id AS order_id, o.number, o.status, o.customer_id, c.name AS customer_name, "
        "  o.planned_shipment_date, o.actual_shipment_date, o.delivery_address, "
        "  count(s.id) AS shipments_count, sum(s.weight_kg) AS shipped_weight_kg, "
        "  max(s.shipped_date) AS last_shipped_date "
        "FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
        "LEFT JOIN shipments s ON s.order_id = o.id "
        f"WHERE list_contains(?, o.status) AND ({header}) AND ({own}) "
        "GROUP BY ALL ORDER BY o.planned_shipment_date NULLS LAST, o.number",
        [list(SHIPPABLE_STATUSES), *header_params, *own_params],
    )
    priced = price_many(a.conn, [r["order_id"] for r in rows])
    for row in rows:
        result = priced.get(row["order_id"])
        ok = result is not None and not isinstance(result, PricingError)
        row["weight_kg"] = result.weight_kg if ok else None
    return rows


def shipments(a: Acting, order_id: int) -> list[dict[str, Any]]:
    order = get_order(a, order_id)
    a.require("logistics", "read", order)
    return a.rows(
        f"SELECT {SHIPMENT_COLUMNS} FROM shipments s LEFT JOIN users u ON u.id = s.created_by "
        "WHERE s.order_id = ? ORDER BY s.shipment_no",
        [order_id],
    )


def record_shipment(
    a: Acting,
    order_id: int,
    *,
    shipped_date: date,
    carrier: str,
    waybill_no: str | None,
    weight_kg: Decimal | None,
    delivery_cost: Decimal | None,
    delivery_address: str | None,
) -> int:
    """The order's next shipment (an empty address takes the order's); returns its id."""
    order = order_for_write(a, order_id, "logistics")
    shipment_no = a.execute(
        "SELECT coalesce(max(shipment_no), 0) + 1 FROM shipments WHERE order_id = ?", [order_id]
    ).fetchone()[0]
    where = f"отгрузка {shipment_no} заказа {order['number']}"
    if order["status"] not in SHIPPABLE_STATUSES:
        raise ValidationError(
            where,
            "status",
            "отгрузить можно заказ в статусе «Готов к отгрузке» или «Отгружен» (следующая часть)",
        )
    values = {
        "shipped_date": check_date(shipped_date, where, "shipped_date", required=True),
        "carrier": check_text(carrier, where, "carrier", limit=200, required=True),
        "waybill_no": check_text(waybill_no, where, "waybill_no", limit=100),
        "weight_kg": check_mass(weight_kg, where, "weight_kg", positive=True),
        "delivery_cost": check_money(delivery_cost, where, "delivery_cost"),
        "delivery_address": check_text(delivery_address, where, "delivery_address", limit=1000)
        or order["delivery_address"],
    }
    check_not_future(a, values["shipped_date"], where, "shipped_date")
    shipment_id = next_id(a.conn, "shipments")
    columns = {
        "id": shipment_id,
        "order_id": order_id,
        "shipment_no": shipment_no,
        **values,
        "created_at": a.now,
        "created_by": a.user_id,
    }
    a.execute(
        f"INSERT INTO shipments ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        list(columns.values()),
    )
    changes = {"shipment_no": (None, shipment_no)}
    changes.update({k: (None, v) for k, v in values.items() if v is not None})
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="shipment",
        entity_id=shipment_id,
        action="insert",
        changes=changes,
        at=a.now,
        order_id=order_id,
    )
    return shipment_id


def record_delivery(a: Acting, shipment_id: int, delivered_date: date) -> None:
    """The date the customer received the shipment (a later call corrects it)."""
    shipment = a.row("SELECT * FROM shipments WHERE id = ?", [shipment_id])
    if shipment is None:
        raise NotFoundError(f"Отгрузка с id {shipment_id} не найдена")
    order = order_for_write(a, shipment["order_id"], "logistics")
    where = f"отгрузка {shipment['shipment_no']} заказа {order['number']}"
    delivered = check_date(delivered_date, where, "delivered_date", required=True)
    shipped = shipment["shipped_date"]
    if shipped is None:
        raise ValidationError(where, "delivered_date", "сначала укажите дату отгрузки")
    if delivered < shipped:
        raise ValidationError(
            where,
            "delivered_date",
            f"дата доставки {delivered:%d.%m.%Y} раньше даты отгрузки {shipped:%d.%m.%Y}",
        )
    check_not_future(a, delivered, where, "delivered_date")
    if shipment["delivered_date"] == delivered:
        return
    a.execute("UPDATE shipments SET delivered_date = ? WHERE id = ?", [delivered, shipment_id])
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="shipment",
        entity_id=shipment_id,
        action="update",
        changes={"delivered_date": (shipment["delivered_date"], delivered)},
        at=a.now,
        order_id=shipment["order_id"],
    )
