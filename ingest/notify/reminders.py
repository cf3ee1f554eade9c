"""Daily reminders: overdue tasks and overdue planned payments, one email per owner per day.

Owners: a task's assignee (a department task: every active user of the department who may
open its order); an overdue payment step (its derived due date passed, not fully paid, order
neither closed nor cancelled): the order's responsible sales manager and the finance department.
The Message-ID is fixed per (day, user), so a second run on the same day queues nothing, and a
user who already had today's reminder is not sent another for what fell overdue since.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb

from ingest.access import load_matrix
from ingest.notify.events import queue_emails
from ingest.notify.rules import STEP_DUE_SQL, People, PlannedEmail, load_people
from ingest.notify.templates import Template, bullet_list, load_templates, render, tasks_link
from ingest.store import Store
from zakaz.money import rub

FINISHED = ("closed", "cancelled")


@dataclass(frozen=True)
class OverdueTask:
    id: int
    order_number: str | None
    sales_manager_id: int | None
    assignee_id: int | None
    role: str
    title: str
    due_date: date


@dataclass(frozen=True)
class OverduePayment:
    step_id: int
    order_number: str
    customer: str
    sales_manager_id: int | None
    step_name: str
    outstanding: Decimal
    due_date: date


def reminder_message_id(day: date, user_id: int) -> str:
    return f"<zakaz.reminder-{day:%Y%m%d}.user-{user_id}@zakaz.local>"


def _days_late(day: date, due: date) -> str:
    return f"просрочено на {(day - due).days} дн."


def task_item(task: OverdueTask, day: date) -> str:
    title = task.title
    if task.order_number and task.order_number not in title:
        title = f"{title} — {task.order_number}"
    return f"Задача: {title}, срок {task.due_date:%d.%m.%Y} ({_days_late(day, task.due_date)})"


def payment_item(p: OverduePayment, day: date) -> str:
    return (
        f"Оплата по заказу {p.order_number} ({p.customer}), этап «{p.step_name}»: не оплачено "
        f"{rub(p.outstanding)}, срок {p.due_date:%d.%m.%Y} ({_days_late(day, p.due_date)})"
    )


def plan_reminders(
    day: date,
    tasks: Sequence[OverdueTask],
    payments: Sequence[OverduePayment],
    people: People,
    template: Template,
    app_url: str,
) -> tuple[list[PlannedEmail], int]:
    """(one email per owner listing all their overdue items, owners without an email)."""
    items: dict[int, list[tuple[date, int, str]]] = {}

    def give(owners, sales_manager_id, due, rank, text, *, check_read=True):
        for person in owners:
            if not check_read or people.reads(person, sales_manager_id):
                items.setdefault(person.id, []).append((due, rank, text))

    for task in tasks:
        # an assignee always hears of their task (as in their list); a department only of
        # tasks on orders each member may open
        assigned = people.get(task.assignee_id) is not None
        give(people.owners(task.assignee_id, task.role), task.sales_manager_id, task.due_date, 0,
             task_item(task, day), check_read=not assigned)  # fmt: skip
    for p in payments:
        manager = people.get(p.sales_manager_id)
        owners = ([manager] if manager else []) + people.of_role("finance")
        give(owners, p.sales_manager_id, p.due_date, 1, payment_item(p, day))

    emails, without_email = [], 0
    for user_id, found in items.items():
        person = people.by_id[user_id]
        if not person.email:
            without_email += 1
            continue
        lines = [text for _, _, text in sorted(found, key=lambda i: (i[1], i[0]))]
        subject, body = render(
            template, {"tasks": bullet_list(dict.fromkeys(lines)), "link": tasks_link(app_url)}
        )
        emails.append(
            PlannedEmail(reminder_message_id(day, user_id), "reminder", user_id, person.email,
                         subject, body)
        )  # fmt: skip
    return emails, without_email


def load_overdue_tasks(conn: duckdb.DuckDBPyConnection, day: date) -> list[OverdueTask]:
    rows = conn.execute(
        "SELECT t.id, o.number, o.sales_manager_id, t.assignee_id, t.role, t.title, t.due_date "
        "FROM tasks t LEFT JOIN orders o ON o.id = t.order_id "
        "WHERE t.state = 'open' AND t.due_date < ? ORDER BY t.due_date, t.id",
        [day],
    ).fetchall()
    return [OverdueTask(*row) for row in rows]


def load_overdue_payments(conn: duckdb.DuckDBPyConnection, day: date) -> list[OverduePayment]:
    """Steps whose derived due date is before the day and that are not fully paid (paid =
    payments against the step's invoices, as the payment calendar counts it)."""
    rows = conn.execute(
        "SELECT ps.id, o.number, coalesce(c.name, ''), o.sales_manager_id, ps.name, "
        f"  ps.amount - coalesce(paid.amount, 0), {STEP_DUE_SQL} "
        "FROM payment_steps ps JOIN orders o ON o.id = ps.order_id "
        "LEFT JOIN customers c ON c.id = o.customer_id "
        "LEFT JOIN (SELECT i.payment_step_id AS step_id, sum(p.amount) AS amount "
        "           FROM invoices i JOIN payments p ON p.invoice_id = i.id "
        "           GROUP BY i.payment_step_id) paid ON paid.step_id = ps.id "
        f"WHERE NOT list_contains(?, o.status) AND {STEP_DUE_SQL} < ? "
        "  AND ps.amount > coalesce(paid.amount, 0) "
        f"ORDER BY {STEP_DUE_SQL}, ps.id",
        [list(FINISHED), day],
    ).fetchall()
    return [OverduePayment(*row) for row in rows]


def queue_reminders(tx: duckdb.DuckDBPyConnection, day: date, now: datetime, app_url: str) -> int:
    """queue_daily_reminders inside the caller's write transaction."""
    templates: Mapping[str, Template] = load_templates(tx)
    people = load_people(tx, load_matrix(tx))
    emails, _ = plan_reminders(
        day, load_overdue_tasks(tx, day), load_overdue_payments(tx, day), people,
        templates["reminder"], app_url,
    )  # fmt: skip
    return queue_emails(tx, emails, now)


def queue_daily_reminders(store: Store, day: date, now: datetime, app_url: str) -> int:
    """Queue the day's reminders (one write transaction); returns how many are new."""
    with store.write() as tx:
        return queue_reminders(tx, day, now, app_url)
