"""An order's expenses beyond material (field group `expenses`): planned and actual by category.

Production records its own work (category 'production'), finance any category; leadership and
admin read them. The economics tab turns them into cost price and profit (economics.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingest.access import PermissionDeniedError
from ingest.access.errors import role_name
from ingest.service.acting import Acting
from ingest.service.checks import check_money, check_text
from ingest.service.orders import get_order, order_for_write
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from ingest.store.ids import next_id
from zakaz.domain import EXPENSE_CATEGORIES

CATEGORY_NAMES_RU = {
    "production": "производство",
    "outsourcing": "сторонние работы",
    "logistics": "логистика",
    "packaging": "упаковка",
    "other": "прочее",
}
# Roles that may record only some categories (the rest of the `expenses` writers: any).
ROLE_CATEGORIES: dict[str, frozenset[str]] = {"production": frozenset({"production"})}


def order_expenses(a: Acting, order_id: int) -> list[dict[str, Any]]:
    order = get_order(a, order_id)
    a.require("expenses", "read", order)
    return a.rows(
        "SELECT e.id, e.order_id, e.category, e.planned, e.actual, e.comment, e.created_at, "
        "  u.full_name AS created_by_name "
        "FROM order_expenses e LEFT JOIN users u ON u.id = e.created_by "
        "WHERE e.order_id = ? ORDER BY e.id",
        [order_id],
    )


def _require_category(a: Acting, category: str, number: str) -> None:
    allowed = ROLE_CATEGORIES.get(a.actor.role)
    if allowed is not None and category not in allowed:
        raise PermissionDeniedError(
            f"Нет доступа: роль «{role_name(a.actor.role)}» записывает только расходы "
            f"производства, не «{CATEGORY_NAMES_RU.get(category, category)}» (заказ {number})",
            login=a.actor.login,
            role=a.actor.role,
            group="expenses",
            mode="write",
            order_number=number,
        )


def add_expense(
    a: Acting,
    order_id: int,
    *,
    category: str,
    planned: Decimal,
    actual: Decimal | None = None,
    comment: str | None = None,
) -> int:
    """A new expense of the order; returns its id."""
    order = order_for_write(a, order_id, "expenses")
    where = f"расход заказа {order['number']}"
    if category not in EXPENSE_CATEGORIES:
        raise ValidationError(
            where,
            "category",
            f"неизвестная категория {category!r}; допустимо: {', '.join(EXPENSE_CATEGORIES)}",
        )
    _require_category(a, category, order["number"])
    values = {
        "category": category,
        "planned": check_money(planned, where, "planned", required=True),
        "actual": check_money(actual, where, "actual"),
        "comment": check_text(comment, where, "comment", limit=1000),
    }
    expense_id = next_id(a.conn, "order_expenses")
    a.execute(
        "INSERT INTO order_expenses (id, order_id, category, planned, actual, comment, "
        "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [expense_id, order_id, *values.values(), a.now, a.user_id],
    )
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="expense",
        entity_id=expense_id,
        action="insert",
        changes={k: (None, v) for k, v in values.items() if v is not None},
        at=a.now,
        order_id=order_id,
    )
    return expense_id


def set_expense_actual(a: Acting, expense_id: int, actual: Decimal | None) -> None:
    """What the expense really cost (None clears it: the planned amount counts again)."""
    expense = a.row("SELECT * FROM order_expenses WHERE id = ?", [expense_id])
    if expense is None:
        raise NotFoundError(f"Расход с id {expense_id} не найден")
    order = order_for_write(a, expense["order_id"], "expenses")
    _require_category(a, expense["category"], order["number"])
    where = f"расход {expense_id} заказа {order['number']}"
    actual = check_money(actual, where, "actual")
    if actual == expense["actual"]:
        return
    a.execute("UPDATE order_expenses SET actual = ? WHERE id = ?", [actual, expense_id])
    audit.record(
        a.conn,
        user_id=a.user_id,
        entity="expense",
        entity_id=expense_id,
        action="update",
        changes={"actual": (expense["actual"], actual)},
        at=a.now,
        order_id=expense["order_id"],
    )
