"""The procurement tab and the material price list (field group `procurement`), access-checked.

Per order line procurement keeps one record: supplier, planned and actual purchase price and mass,
the actual material cost of the whole line (pricing uses it for the actual cost price), the
purchase status and its dates. The material price list (dated purchase prices per grade, used by
pricing on the order's need date) is procurement's to keep as well.

"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ingest.service.acting import Acting
from ingest.service.checks import (
    check_date,
    check_decimal,
    check_mass,
    check_money,
    check_not_future,
    check_text,
)
from ingest.service.order_pricing import price_many, price_stored_order, stored_lines
from ingest.service.orders import get_order, order_for_write
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from ingest.store.ids import next_id
from pricing.errors import PricingError

PROCUREMENT_STATUSES = ("to_order", "ordered", "received")
PROCUREMENT_STATUS_NAMES = {"to_order": "к заказу", "ordered": "заказано", "received": "получено"}
RECORD_FIELDS = (
    "supplier",
    "planned_price_per_kg",
    "planned_mass_kg",
    "actual_price_per_kg",
    "actual_mass_kg",
    "actual_material_cost",
    "status",
    "ordered_date",
    "received_date",
)


# --- Lists and the tab ---------------------------------------------------------------------


def _visible_to(a: Acting, group: str) -> tuple[str, list[Any]]:
    """WHERE fragment: orders the actor sees both as a header and in this group."""
    header, header_params = a.visible("header", "o.sales_manager_id")
    own, own_params = a.visible(group, "o.sales_manager_id")
    return f"({header}) AND ({own})", [*header_params, *own_params]


def _line_weights(a: Acting, order_ids: Sequence[int]) -> dict[int, Decimal | None]:
    """{line id: unit weight x quantity}; None for the lines of an order pricing cannot price."""
    if not order_ids:
        return {}
    priced = price_many(a.conn, order_ids)
    weights: dict[int, Decimal | None] = {}
    ids_by_order: dict[int, list[int]] = {}
    for order_id, line_id in a.execute(
        "SELECT order_id, id FROM order_lines WHERE list_contains(?, order_id) "
        "ORDER BY order_id, line_no",
        [list(order_ids)],
    ).fetchall():
        ids_by_order.setdefault(order_id, []).append(line_id)
    for order_id, line_ids in ids_by_order.items():
        result = priced.get(order_id)
        ok = result is not None and not isinstance(result, PricingError)
        for n, line_id in enumerate(line_ids):
            weights[line_id] = result.lines[n].line_weight_kg if ok else None
    return weights


def lines_needing_material(
    a: Acting, statuses: Sequence[str] = ("agreed", "procurement")
) -> list[dict[str, Any]]:
    """Lines of visible orders in these statuses whose material is not yet received."""
    a.require("procurement", "read")
    where, params = _visible_to(a, "procurement")
    rows = a.rows(
        "SELECT o.number AS order_number, o.id AS order_id, o.status AS order_status, "
        "  o.need_date, o.planned_shipment_date, l.id AS line_id, l.line_no, l.name, "
        "  l.material_id, m.grade AS material_grade, l.quantity, p.id AS procurement_id, "
        "  p.status AS procurement_status, p.supplier "
        "FROM orders o JOIN order_lines l ON l.order_id = o.id "
        "LEFT JOIN materials m ON m.id = l.material_id "
        "LEFT JOIN procurement_records p ON p.line_id = l.id "
        f"WHERE list_contains(?, o.status) AND {where} "
        "  AND (p.id IS NULL OR p.status <> 'received') "
        "ORDER BY o.planned_shipment_date NULLS LAST, o.number, l.line_no",
        [list(statuses), *params],
    )
    weights = _line_weights(a, sorted({r["order_id"] for r in rows}))
    for row in rows:
        row["planned_mass_kg"] = weights.get(row["line_id"])
    return rows


def procurement_tab(a: Acting, order_id: int) -> list[dict[str, Any]]:
    """Each line of the order with its procurement record (record fields None when none yet)."""
    order = get_order(a, order_id)
    a.require("procurement", "read", order)
    rows = a.rows(
        "SELECT l.id AS line_id, l.line_no, l.name, l.drawing_no, l.material_id, "
        "  m.grade AS material_grade, l.quantity, p.id AS procurement_id, p.supplier, "
        "  p.planned_price_per_kg, p.planned_mass_kg, p.actual_price_per_kg, p.actual_mass_kg, "
        "  p.actual_material_cost, p.status, p.ordered_date, p.received_date, p.updated_at, "
        "  u.full_name AS updated_by_name "
        "FROM order_lines l LEFT JOIN materials m ON m.id = l.material_id "
        "LEFT JOIN procurement_records p ON p.line_id = l.id "
        "LEFT JOIN users u ON u.id = p.updated_by "
        "WHERE l.order_id = ? ORDER BY l.line_no",
        [order_id],
    )
    weights = _order_line_weights(a, order)
    for row in rows:
        row["line_weight_kg"] = weights.get(row["line_id"])  # what the order's lines weigh
    return rows


def _order_line_weights(a: Acting, order: dict[str, Any]) -> dict[int, Decimal]:
    try:
        priced = price_stored_order(a.conn, order)
    except PricingError:
        return {}
    lines = stored_lines(a.conn, order["id"])
    return {ln["id"]: r.line_weight_kg for ln, r in zip(lines, priced.lines, strict=True)}


# --- Saving a line's procurement record ---------------------------------------------------


def save_procurement(
    a: Acting,
    line_id: int,
    *,
    supplier: str | None,
    planned_price_per_kg: Decimal | None,
    planned_mass_kg: Decimal | None,
    actual_price_per_kg: Decimal | None,
    actual_mass_kg: Decimal | None,
    actual_material_cost: Decimal | None,
    status: str,
    ordered_date: date | None,
    received_date: date | None,
) -> int:
    """Create or update the line's procurement record; returns the record id."""
    line = a.row(
        "SELECT id, order_id, line_no, material_id FROM order_lines WHERE id = ?", [line_id]
    )
    if line is None:
        raise NotFoundError(f"Позиция заказа с id {line_id} не найдена")
    order = order_for_write(a, line["order_id"], "procurement")
    where = f"закупка позиции {line['line_no']} заказа {order['number']}"
    values = _checked_record(
        a,
        where,
        supplier=supplier,
        planned_price_per_kg=planned_price_per_kg,
        planned_mass_kg=planned_mass_kg,
        actual_price_per_kg=actual_price_per_kg,
        actual_mass_kg=actual_mass_kg,
        actual_material_cost=actual_material_cost,
        status=status,
        ordered_date=ordered_date,
        received_date=received_date,
    )
    values["material_id"] = line["material_id"]
    stored = a.row("SELECT * FROM procurement_records WHERE line_id = ?", [line_id])
    if stored is None:
        return _insert_record(a, line, values)
    changes = {k: (stored[k], v) for k, v in values.items() if stored[k] != v}
    if changes:
        a.execute(
            f"UPDATE procurement_records SET {', '.join(f'{k} = ?' for k in changes)}, "
            "updated_at = ?, updated_by = ? WHERE id = ?",
            [*(new for _, new in changes.values()), a.now, a.user_id, stored["id"]],
        )
        audit.record(
            a.conn,
            user_id=a.user_id,
            entity="procurement",
            entity_id=stored["id"],
            action="update",
            changes=changes,
            at=a.now,
            order_id=line["order_id"],
        )
    return stored["id"]


def _insert_record(a: Acting, line: dict[str, Any], values: dict[str, Any]) -> int:
    record_id = next_id(a.conn, "procurement_records")
    columns = {
        "id": record_id,
        "order_id": line["order_id"],
        "line_id": line["id"],
        **values,
        "updated_at": a.now,
        "updated_by": a.user_id,
    }
    a.execute(
        f"INSERT INTO procurement_records ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        list(columns.values()),
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="procurement",
        entity_id=record_id,
        action="insert",
        changes={k: (None, v) for k, v in values.items() if v is not None},
        at=a.now,
        order_id=line["order_id"],
    )
    return record_id


def _checked_record(a: Acting, where: str, **raw: Any) -> dict[str, Any]:
    status = raw["status"]
    if status not in PROCUREMENT_STATUSES:
        raise ValidationError(
            where,
            "status",
            f"неизвестный статус закупки {status!r}; допустимо: к заказу, заказано, получено",
        )
    values = {
        "supplier": check_text(raw["supplier"], where, "supplier", limit=500),
        "planned_price_per_kg": check_money(
            raw["planned_price_per_kg"], where, "planned_price_per_kg"
        ),
        "planned_mass_kg": check_mass(raw["planned_mass_kg"], where, "planned_mass_kg"),
        "actual_price_per_kg": check_money(
            raw["actual_price_per_kg"], where, "actual_price_per_kg"
        ),
        "actual_mass_kg": check_mass(raw["actual_mass_kg"], where, "actual_mass_kg"),
        "actual_material_cost": check_money(
            raw["actual_material_cost"], where, "actual_material_cost"
        ),
        "status": status,
        "ordered_date": check_date(raw["ordered_date"], where, "ordered_date"),
        "received_date": check_date(raw["received_date"], where, "received_date"),
    }
    _check_purchase_dates(a, where, values)
    return values


def _check_purchase_dates(a: Acting, where: str, values: dict[str, Any]) -> None:
    status, ordered, received = values["status"], values["ordered_date"], values["received_date"]
    if status == "to_order" and ordered is not None:
        raise ValidationError(
            where,
            "ordered_date",
            "дата заказа указывается, когда материал "
            "уже заказан (статус «заказано» или «получено»)",
        )
    if status == "ordered" and ordered is None:
        raise ValidationError(where, "ordered_date", "для статуса «заказано» укажите дату заказа")
    if status == "received" and received is None:
        raise ValidationError(
            where, "received_date", "для статуса «получено» укажите дату получения"
        )
    if status != "received" and received is not None:
        raise ValidationError(
            where, "received_date", "дата получения указывается только для статуса «получено»"
        )
    if ordered is not None and received is not None and received < ordered:
        raise ValidationError(
            where,
            "received_date",
            f"дата получения {received:%d.%m.%Y} раньше даты заказа {ordered:%d.%m.%Y}",
        )
    check_not_future(a, ordered, where, "ordered_date")
    check_not_future(a, received, where, "received_date")


# --- The material price list ----------------------------------------------------------------


def material_prices(a: Acting) -> list[dict[str, Any]]:
    """Every grade with the price in force today (and the date it took effect)."""
    a.require("procurement", "read")
    return a.rows(
        "SELECT m.id AS material_id, m.grade, m.category, m.density_kg_m3, m.needs_review, "
        "  p.price_per_kg, p.valid_from AS price_valid_from "
        "FROM materials m LEFT JOIN ("
        "  SELECT material_id, price_per_kg, valid_from FROM material_prices WHERE valid_from <= ? "
        "  QUALIFY row_number() OVER (PARTITION BY material_id ORDER BY valid_from DESC) = 1"
        ") p ON p.material_id = m.id "
        "ORDER BY m.needs_review DESC, m.category NULLS FIRST, m.grade",
        [a.now.date()],
    )


def _material(a: Acting, material_id: int) -> dict[str, Any]:
    row = a.row("SELECT * FROM materials WHERE id = ?", [material_id])
    if row is None:
        raise NotFoundError(f"Марка материала с id {material_id} не найдена")
    return row


def set_material_price(a: Acting, material_id: int, valid_from: date, price_per_kg: Decimal) -> int:
    """A new dated purchase price of a grade (or a correction of that date's); the price row id.

    A date in the past is refused: it would silently re-price orders already costed on it.
    """
    a.require("procurement", "write")
    material = _material(a, material_id)
    where = f"цена марки {material['grade']}"
    valid_from = check_date(valid_from, where, "valid_from", required=True)
    price = check_money(price_per_kg, where, "price_per_kg", required=True)
    if valid_from < a.now.date():
        raise ValidationError(
            where,
            "valid_from",
            "цена вводится с сегодняшнего или будущего дня: "
            "задним числом она изменила бы суммы уже рассчитанных заказов",
        )
    stored = a.row(
        "SELECT id, price_per_kg FROM material_prices WHERE material_id = ? AND valid_from = ?",
        [material_id, valid_from],
    )
    if stored is not None:
        if stored["price_per_kg"] != price:
            a.execute(
                "UPDATE material_prices SET price_per_kg = ? WHERE id = ?", [price, stored["id"]]
            )
            audit.record(
                a.conn,
                user_id=a.user_id,
                entity="material_price",
                entity_id=stored["id"],
                action="update",
                changes={"price_per_kg": (stored["price_per_kg"], price)},
                at=a.now,
            )
        return stored["id"]
    price_id = next_id(a.conn, "material_prices")
    a.execute(
        "INSERT INTO material_prices (id, material_id, valid_from, price_per_kg) "
        "VALUES (?, ?, ?, ?)",
        [price_id, material_id, valid_from, price],
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="material_price",
        entity_id=price_id,
        action="insert",
        changes={
            "material_id": (None, material_id),
            "valid_from": (None, valid_from),
            "price_per_kg": (None, price),
        },
        at=a.now,
    )
    return price_id


def complete_material(a: Acting, material_id: int, density_kg_m3: Decimal, category: str) -> None:
    """Fill in an imported grade's density and category; it no longer needs review."""
    a.require("procurement", "write")
    material = _material(a, material_id)
    where = f"марка {material['grade']}"
    if not material["needs_review"]:
        # The density of a reviewed grade weighs every order made of it: not changed from here.
        raise ValidationError(where, "needs_review", "марка уже проверена и заполнена")
    density = check_decimal(
        density_kg_m3, where, "density_kg_m3", places=3, positive=True, required=True, digits=10
    )
    category = check_text(category, where, "category", limit=100, required=True)
    changes = {
        "density_kg_m3": (material["density_kg_m3"], density),
        "category": (material["category"], category),
        "needs_review": (True, False),
    }
    a.execute(
        "UPDATE materials SET density_kg_m3 = ?, category = ?, needs_review = FALSE WHERE id = ?",
        [density, category, material_id],
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="material",
        entity_id=material_id,
        action="update",
        changes={k: v for k, v in changes.items() if v[0] != v[1]},
        at=a.now,
    )
