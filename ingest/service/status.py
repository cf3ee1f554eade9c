"""Moving an order along the process: checked against the transitions, the mover's role, the
own-orders scope and (for closing) the payments; the status event is written in the same
transaction as the change (the transactional outbox the notification sensor reads).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingest.access import PermissionDeniedError
from ingest.access.errors import role_name
from ingest.repos.orders import stale_error
from ingest.service.acting import Acting
from ingest.service.order_pricing import price_stored_order
from ingest.service.orders import get_order
from ingest.service.status_rules import (
    STATUS_DATE_COLUMN,
    is_allowed_transition,
    next_statuses,
    role_may_move,
)
from ingest.store import audit
from ingest.store.errors import ValidationError
from ingest.store.ids import next_id
from pricing.errors import PricingError
from zakaz.domain import STATUS_NAMES_RU
from zakaz.money import rub


class StatusChangeRefused(ValidationError):
    """A move the process does not allow now (wrong step, not fully paid, no reason...)."""

    def __init__(self, number: str, reason: str):
        super().__init__(f"заказ {number}", "status", reason)


def _may_act_on(a: Acting, order: dict[str, Any]) -> bool:
    """Sales move only their own orders (a head of sales any); other roles any they see."""
    if a.actor.role == "sales":
        return a.can("header", "write", order)
    return a.can("header", "read", order)


def allowed_moves(a: Acting, order: dict[str, Any]) -> list[str]:
    """What the UI may offer: exactly the moves change_status would accept (bar payment)."""
    if not _may_act_on(a, order):
        return []
    return next_statuses(order["status"], a.actor.role)


def outstanding(a: Acting, order: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(order total incl. VAT, paid so far): derived from the lines and the payments."""
    total = price_stored_order(a.conn, order).total
    paid = a.execute(
        "SELECT coalesce(sum(amount), 0) FROM payments WHERE order_id = ?", [order["id"]]
    ).fetchone()[0]
    return total, Decimal(paid)


def change_status(
    a: Acting,
    order_id: int,
    to_status: str,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
) -> int:
    """Move the order; returns the status event id. Refusals say why in one line."""
    order = get_order(a, order_id)
    number, current = order["number"], order["status"]
    if expected_version is not None and order["version"] != expected_version:
        raise stale_error(a.conn, order)
    if to_status not in STATUS_NAMES_RU:
        raise StatusChangeRefused(number, f"неизвестный статус {to_status!r}")
    if not is_allowed_transition(current, to_status):
        raise StatusChangeRefused(
            number,
            f"из статуса «{STATUS_NAMES_RU[current]}» нельзя перейти в "
            f"«{STATUS_NAMES_RU[to_status]}»",
        )
    if not role_may_move(a.actor.role, to_status) or not _may_act_on(a, order):
        raise PermissionDeniedError(
            f"Нет доступа: роль «{role_name(a.actor.role)}» не может перевести заказ {number} "
            f"в статус «{STATUS_NAMES_RU[to_status]}»",
            login=a.actor.login, role=a.actor.role, order_number=number,
        )  # fmt: skip
    comment = (comment or "").strip() or None
    if to_status == "cancelled" and comment is None:
        raise StatusChangeRefused(number, "для отмены укажите причину")
    if to_status == "closed":
        _require_fully_paid(a, order)
    return _apply(a, order, to_status, comment)


def _require_fully_paid(a: Acting, order: dict[str, Any]) -> None:
    try:
        total, paid = outstanding(a, order)
    except PricingError as exc:
        raise StatusChangeRefused(order["number"], f"сумма заказа не считается: {exc}") from None
    if paid < total:
        raise StatusChangeRefused(
            order["number"],
            f"закрыть нельзя: заказ оплачен не полностью, не оплачено {rub(total - paid)} "
            f"(сумма {rub(total)}, оплачено {rub(paid)})",
        )


def _apply(a: Acting, order: dict[str, Any], to_status: str, comment: str | None) -> int:
    sets = {"status": to_status}
    column = STATUS_DATE_COLUMN.get(to_status)
    if column and order.get(column) is None:
        sets[column] = a.now.date()
    if to_status == "cancelled":
        sets["cancel_reason"] = comment
    a.execute(
        f"UPDATE orders SET {', '.join(f'{k} = ?' for k in sets)}, version = version + 1, "
        "updated_at = ?, updated_by = ? WHERE id = ?",
        [*sets.values(), a.now, a.user_id, order["id"]],
    )
    event_id = next_id(a.conn, "status_events")
    a.execute(
        "INSERT INTO status_events (id, order_id, from_status, to_status, changed_at, changed_by, "
        "comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [event_id, order["id"], order["status"], to_status, a.now, a.user_id, comment],
    )
    audit.record(
        a.conn, user_id=a.user_id, entity="order", entity_id=order["id"], action="update",
        changes={k: (order.get(k), v) for k, v in sets.items()}, at=a.now, order_id=order["id"],
    )  # fmt: skip
    return event_id
