"""Tasks: a user's own list (and its badge), an order's tasks, and marking a task done.

A user's tasks are those assigned to them plus their department's unassigned tasks (assignee
NULL, the task's role = the user's role). An assigned task is always shown to its assignee; a
department task only when its order is visible to the user (a sales manager sees only own
orders). A task is overdue when it is open and its due date is before today. Leadership, department
heads and the admin also assign tasks by hand from an order card (its assignee is emailed).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ingest.access import PermissionDeniedError
from ingest.access.errors import role_name
from ingest.notify.events import queue_task_email
from ingest.notify.templates import app_url
from ingest.service.acting import Acting
from ingest.service.checks import check_date, check_text
from ingest.service.orders import get_order
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from ingest.store.ids import next_id

TASK_COLUMNS = (
    "t.id, t.order_id, o.number AS order_number, c.name AS customer_name, "
    "o.status AS order_status, o.sales_manager_id, t.title, t.role, t.assignee_id, "
    "u.full_name AS assignee_name, t.due_date, t.state, t.rule_key, t.created_at, t.closed_at, "
    "t.closed_by, coalesce(t.state = 'open' AND t.due_date < ?, FALSE) AS overdue"
)
TASK_FROM = (
    "FROM tasks t LEFT JOIN orders o ON o.id = t.order_id "
    "LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN users u ON u.id = t.assignee_id"
)
STATE_NAMES = {"open": "открыта", "done": "выполнена", "cancelled": "отменена"}


def _mine(a: Acting) -> tuple[str, list[Any]]:
    """WHERE fragment: tasks assigned to the actor + department tasks on orders they see."""
    clause, params = a.visible("header", "o.sales_manager_id")
    return (
        f"(t.assignee_id = ? OR (t.assignee_id IS NULL AND t.role = ? "
        f"AND (t.order_id IS NULL OR ({clause}))))",
        [a.user_id, a.actor.role, *params],
    )


def _hide_unreadable_orders(a: Acting, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An assigned task on an order the actor may not open keeps its number, not its details."""
    for task in tasks:
        if task["order_id"] is not None and not a.can("header", "read", task):
            task["customer_name"] = task["order_status"] = None
    return tasks


def my_tasks(a: Acting, include_done: bool = False) -> list[dict[str, Any]]:
    """The actor's tasks: overdue first, then open ones by due date (undated last)."""
    where, params = _mine(a)
    states = ["open", "done"] if include_done else ["open"]
    tasks = a.rows(
        f"SELECT {TASK_COLUMNS} {TASK_FROM} WHERE {where} AND list_contains(?, t.state) "
        "ORDER BY overdue DESC, t.state = 'open' DESC, t.due_date ASC NULLS LAST, t.id",
        [a.now.date(), *params, states],
    )
    return _hide_unreadable_orders(a, tasks)


def task_counts(a: Acting) -> dict[str, int]:
    """{'open': n, 'overdue': m} of my_tasks, for the menu's badge."""
    where, params = _mine(a)
    open_count, overdue = a.execute(
        "SELECT count(*), count(*) FILTER (WHERE t.due_date < ?) "
        f"FROM tasks t LEFT JOIN orders o ON o.id = t.order_id "
        f"WHERE {where} AND t.state = 'open'",
        [a.now.date(), *params],
    ).fetchone()
    return {"open": int(open_count), "overdue": int(overdue)}


def order_tasks(a: Acting, order_id: int) -> list[dict[str, Any]]:
    """All tasks of an order (any state), by due date; needs the order's header read."""
    get_order(a, order_id)
    return a.rows(
        f"SELECT {TASK_COLUMNS} {TASK_FROM} WHERE t.order_id = ? "
        "ORDER BY t.due_date ASC NULLS LAST, t.id",
        [a.now.date(), order_id],
    )


def _may_complete(a: Acting, task: dict[str, Any]) -> bool:
    if a.actor.role == "admin" or task["assignee_id"] == a.user_id:
        return True
    if task["assignee_id"] is not None or task["role"] != a.actor.role:
        return False
    return task["order_id"] is None or a.can("header", "read", task)


def complete_task(a: Acting, task_id: int) -> None:
    """Mark an open task done: its assignee, anyone of the department for an unassigned
    department task (on an order they see), or an admin."""
    task = a.row(f"SELECT {TASK_COLUMNS} {TASK_FROM} WHERE t.id = ?", [a.now.date(), task_id])
    if task is None:
        raise NotFoundError(f"Задача с id {task_id} не найдена")
    if not _may_complete(a, task):
        raise PermissionDeniedError(
            f"Нет доступа: роль «{role_name(a.actor.role)}» не может закрыть задачу "
            f"«{task['title']}» — она назначена другому сотруднику или отделу",
            login=a.actor.login, role=a.actor.role, order_number=task["order_number"],
        )  # fmt: skip
    if task["state"] != "open":
        raise ValidationError(
            f"задача «{task['title']}»", "state", f"задача уже {STATE_NAMES[task['state']]}"
        )
    a.execute(
        "UPDATE tasks SET state = 'done', closed_at = ?, closed_by = ? WHERE id = ?",
        [a.now, a.user_id, task_id],
    )
    audit.record(
        a.conn, user_id=a.user_id, entity="task", entity_id=task_id, action="update",
        changes={"state": ("open", "done")}, at=a.now, order_id=task["order_id"],
    )  # fmt: skip


# --- Assigning a task by hand (leadership, department heads, admin) ------------------------

TITLE_LIMIT = 300


def may_assign(a: Acting) -> bool:
    """Leadership and the head of any department assign tasks from an order card."""
    return a.actor.role in ("leadership", "admin") or a.actor.is_head


def assignable_users(a: Acting) -> list[dict[str, Any]]:
    """Active users a task may be given to (for the order card's form)."""
    return a.rows(
        "SELECT id, login, full_name, role, is_head FROM users WHERE is_active "
        "ORDER BY role, NOT is_head, full_name"
    )


def assign_task(a: Acting, order_id: int, *, assignee_id: int, title: str, due_date: date) -> int:
    """A task on the order for anyone (active), with its email to the assignee queued in the
    same transaction; returns the task id."""
    if not may_assign(a):
        raise PermissionDeniedError(
            f"Нет доступа: роль «{role_name(a.actor.role)}» не может ставить задачи — это "
            "делают руководство и руководители отделов",
            login=a.actor.login, role=a.actor.role,
        )  # fmt: skip
    order = get_order(a, order_id)
    where = f"задача по заказу {order['number']}"
    if order["status"] == "cancelled":
        raise ValidationError(where, "order", "заказ отменён — задачи по нему не ставятся")
    title = check_text(title, where, "title", limit=TITLE_LIMIT, required=True)
    due_date = check_date(due_date, where, "due_date", required=True)
    if due_date < a.now.date():
        raise ValidationError(where, "due_date", f"срок {due_date:%d.%m.%Y} уже прошёл")
    assignee = a.row("SELECT id, role, is_active FROM users WHERE id = ?", [assignee_id])
    if assignee is None or not assignee["is_active"]:
        raise ValidationError(where, "assignee_id", "исполнитель не найден или отключён")
    task_id = next_id(a.conn, "tasks")
    a.execute(
        "INSERT INTO tasks (id, order_id, assignee_id, role, title, due_date, state, created_at, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
        [task_id, order_id, assignee_id, assignee["role"], title, due_date, a.now, a.user_id],
    )
    audit.record(
        a.conn, user_id=a.user_id, entity="task", entity_id=task_id, action="insert",
        changes={"assignee_id": (None, assignee_id), "role": (None, assignee["role"]),
                 "title": (None, title), "due_date": (None, due_date)},
        at=a.now, order_id=order_id,
    )  # fmt: skip
    queue_task_email(a.conn, task_id, a.now, app_url())
    return task_id
