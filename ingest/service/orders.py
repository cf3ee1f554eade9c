"""Orders as a user sees them: list, search, open, create, edit the header — access-checked.

Groups (ingest/access): the header and the lines' specs are `header`; anything priced (a line's
price per kg, fixed price, surcharges, the explicit VAT rate, totals) is `prices`; customer
contacts are `contacts`. A sales manager (not a head) sees and edits only orders where they are
the responsible manager, and new orders are theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ingest.access import PermissionDeniedError
from ingest.repos import orders as repo
from ingest.repos.orders import OrderDraft
from ingest.service.acting import Acting
from ingest.store.errors import NotFoundError, ValidationError

PRICE_HEADER_FIELDS = frozenset({"vat_rate"})
ORDER_COLUMNS = (
    "o.id, o.number, o.status, o.customer_id, c.name AS customer_name, c.inn AS customer_inn, "
    "o.sales_manager_id, sm.full_name AS sales_manager_name, o.procurement_manager_id, "
    "o.logistics_manager_id, o.lead_source_id, ls.name AS lead_source_name, o.need_date, "
    "o.quote_sent_date, o.agreed_date, o.planned_shipment_date, o.actual_shipment_date, "
    "o.delivered_date, o.closed_date, o.cancelled_date, o.cancel_reason, o.vat_rate, "
    "o.payment_terms_template_id, o.delivery_address, o.comment, o.created_at, o.updated_at, "
    "o.updated_by, o.version"
)
ORDER_FROM = (
    "FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
    "LEFT JOIN users sm ON sm.id = o.sales_manager_id "
    "LEFT JOIN lead_sources ls ON ls.id = o.lead_source_id"
)


@dataclass(frozen=True)
class OrderFilters:
    text: str = ""  # part of the number or of the customer's name or ИНН
    statuses: tuple[str, ...] = ()
    sales_manager_id: int | None = None
    customer_id: int | None = None
    need_from: date | None = None
    need_to: date | None = None
    limit: int = 500
    extra: dict[str, Any] = field(default_factory=dict)


def _where(a: Acting, filters: OrderFilters) -> tuple[str, list[Any]]:
    clause, params = a.visible("header")
    parts, values = [clause], list(params)
    if filters.text.strip():
        parts.append("(o.number ILIKE ? OR c.name ILIKE ? OR c.inn LIKE ?)")
        needle = "%" + filters.text.strip().replace("\\", "\\\\").replace("%", "\\%") + "%"
        values += [needle, needle, needle]
    if filters.statuses:
        parts.append("list_contains(?, o.status)")
        values.append(list(filters.statuses))
    for column, value in (("o.sales_manager_id", filters.sales_manager_id),
                          ("o.customer_id", filters.customer_id)):  # fmt: skip
        if value is not None:
            parts.append(f"{column} = ?")
            values.append(value)
    if filters.need_from is not None:
        parts.append("o.need_date >= ?")
        values.append(filters.need_from)
    if filters.need_to is not None:
        parts.append("o.need_date <= ?")
        values.append(filters.need_to)
    return " AND ".join(parts), values


def list_orders(a: Acting, filters: OrderFilters = OrderFilters()) -> list[dict[str, Any]]:
    """Orders the actor may see, newest first (the same filter serves search and exports)."""
    where, params = _where(a, filters)
    return a.rows(
        f"SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE {where} "
        "ORDER BY o.need_date DESC, o.id DESC LIMIT ?",
        [*params, max(1, min(int(filters.limit), 100_000))],
    )


def count_orders(a: Acting, filters: OrderFilters = OrderFilters()) -> int:
    where, params = _where(a, filters)
    return a.execute(f"SELECT count(*) {ORDER_FROM} WHERE {where}", params).fetchone()[0]


def _load(a: Acting, order_id: int) -> dict[str, Any]:
    row = a.row(f"SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE o.id = ?", [order_id])
    if row is None:
        raise NotFoundError(f"Заказ с id {order_id} не найден")
    return row


def get_order(a: Acting, order_id: int) -> dict[str, Any]:
    """The order's header; refused outside the actor's scope (another manager's order)."""
    order = _load(a, order_id)
    a.require("header", "read", order)
    if not a.can("prices", "read", order):
        order["vat_rate"] = None
    return order


def find_order_id(a: Acting, number: str) -> int:
    """Order id by its number, refused like get_order for an order the actor may not see."""
    row = a.execute("SELECT id FROM orders WHERE number = ?", [number.strip()]).fetchone()
    if row is None:
        raise NotFoundError(f"Заказ {number.strip()} не найден")
    get_order(a, row[0])
    return row[0]


def order_for_write(a: Acting, order_id: int, group: str) -> dict[str, Any]:
    """The order after checking the actor may change this group of it."""
    order = _load(a, order_id)
    a.require(group, "write", order)
    return order


def _has_prices(draft: OrderDraft) -> bool:
    return draft.vat_rate is not None or any(
        ln.price_per_kg is not None or ln.fixed_unit_price is not None or ln.surcharges_pct
        for ln in draft.lines
    )


def _check_manager_choice(a: Acting, manager_id: int | None) -> None:
    """A sales manager (not a head) cannot hand an order to someone else."""
    limited = a.actor.role == "sales" and not a.actor.is_head_of_sales
    if limited and manager_id != a.user_id:
        raise PermissionDeniedError(
            "Нет доступа: менеджер может вести только свои заказы — назначить другого "
            "ответственного может руководитель продаж",
            login=a.actor.login,
            role=a.actor.role,
            group="header",
            mode="write",
        )


def create_order(a: Acting, draft: OrderDraft) -> tuple[int, str]:
    a.require("header", "write")
    if _has_prices(draft):
        a.require("prices", "write")
    if a.actor.role == "sales" and draft.sales_manager_id is None:
        draft = replace(draft, sales_manager_id=a.user_id)
    _check_manager_choice(a, draft.sales_manager_id)
    _check_text(draft.comment, "comment")
    return repo.create_order(a.conn, actor_id=a.user_id, draft=draft, now=a.now)


def update_header(
    a: Acting, order_id: int, expected_version: int, changes: Mapping[str, Any]
) -> int:
    """Save header changes (a stale version is refused naming who saved since); new version."""
    order = order_for_write(a, order_id, "header")
    changed = {k: v for k, v in changes.items() if order.get(k) != v}
    if PRICE_HEADER_FIELDS & set(changed):
        a.require("prices", "write", order)
    if "sales_manager_id" in changed:
        _check_manager_choice(a, changed["sales_manager_id"])
    for name in ("comment", "delivery_address"):
        _check_text(changes.get(name), name)
    return repo.update_order_header(
        a.conn, actor_id=a.user_id, order_id=order_id, expected_version=expected_version,
        changes=changes, now=a.now,
    )  # fmt: skip


def _check_text(value: Any, name: str, limit: int = 4000) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise ValidationError("заказ", name, f"слишком длинный текст (больше {limit} символов)")
