"""Processing one status event: its tasks and emails written in ONE store transaction.

The Dagster sensor asks for one run per event (run_key = the event id); the run calls
process_status_event and then delivers the outbox. Each task is unique per (event, rule) and each
message per (event, recipient) (its Message-ID), and both are inserted with ON CONFLICT DO
NOTHING, so a run repeated after a crash — or twice by mistake — adds nothing. Nothing is sent
from here: messages wait in notification_outbox ('pending') for the delivery step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from ingest.access import load_matrix
from ingest.notify.rules import (
    Event,
    OpenTask,
    Plan,
    PlannedEmail,
    PlannedTask,
    load_email_rules,
    load_open_tasks,
    load_order,
    load_people,
    load_task_rules,
    plan_event,
    plan_task_email,
)
from ingest.notify.templates import load_templates
from ingest.store import Store, audit
from ingest.store.ids import next_id


@dataclass(frozen=True)
class EventOutcome:
    tasks_created: int = 0
    messages_queued: int = 0
    tasks_closed: int = 0
    recipients_without_email: int = 0  # users the rules name who have no email address
    skipped: str | None = None  # why nothing was planned (unknown event or order, no rules)


def event_ids_after(store: Store, after_id: int, limit: int = 100) -> list[int]:
    """Status event ids after the cursor, oldest first (what the sensor has not seen yet)."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT id FROM status_events WHERE id > ? ORDER BY id LIMIT ?",
            [after_id, max(1, int(limit))],
        ).fetchall()
    return [r[0] for r in rows]


def process_status_event(store: Store, event_id: int, now: datetime, app_url: str) -> EventOutcome:
    """Create the event's tasks, close an order's tasks on cancel, queue its emails."""
    with store.write() as tx:
        return apply_event(tx, event_id, now, app_url)


def load_event(tx: duckdb.DuckDBPyConnection, event_id: int) -> Event | None:
    row = tx.execute(
        "SELECT id, order_id, from_status, to_status, changed_at, changed_by, comment "
        "FROM status_events WHERE id = ?",
        [event_id],
    ).fetchone()
    return None if row is None else Event(*row)


def apply_event(
    tx: duckdb.DuckDBPyConnection, event_id: int, now: datetime, app_url: str
) -> EventOutcome:
    """process_status_event inside the caller's write transaction."""
    event = load_event(tx, event_id)
    if event is None:
        return EventOutcome(skipped=f"нет события с id {event_id}")
    order = load_order(tx, event.order_id)
    if order is None:
        return EventOutcome(skipped=f"нет заказа с id {event.order_id}")
    task_rules = load_task_rules(tx, event.to_status)
    email_rules = load_email_rules(tx, event.to_status)
    if (
        not any(r.is_active for r in task_rules)
        and not email_rules
        and (event.to_status != "cancelled")
    ):
        return EventOutcome(skipped=f"для статуса {event.to_status} правил нет")
    people = load_people(tx, load_matrix(tx))
    plan = plan_event(
        event, order, task_rules, email_rules, people, load_templates(tx),
        load_open_tasks(tx, order.id), app_url,
    )  # fmt: skip
    return write_plan(tx, event, plan, now)


def write_plan(
    tx: duckdb.DuckDBPyConnection, event: Event, plan: Plan, now: datetime
) -> EventOutcome:
    closed = close_tasks(tx, plan.close_task_ids, event)
    created = insert_tasks(tx, event, plan.tasks, now)
    queued = queue_emails(tx, plan.emails, now, event_id=event.id)
    return EventOutcome(created, queued, closed, plan.recipients_without_email)


def insert_tasks(
    tx: duckdb.DuckDBPyConnection, event: Event, tasks: Sequence[PlannedTask], now: datetime
) -> int:
    """Insert what is new (one task per event and rule); audit each created task."""
    if not tasks:
        return 0
    first = next_id(tx, "tasks")
    columns = "(id, order_id, event_id, rule_key, assignee_id, role, title, due_date, state, " \
        "created_at)"  # fmt: skip
    one = "(?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)"
    params = [
        value
        for n, t in enumerate(tasks)
        for value in (first + n, event.order_id, event.id, t.rule_key, t.assignee_id, t.role,
                      t.title, t.due_date, now)
    ]  # fmt: skip
    inserted = tx.execute(
        f"INSERT INTO tasks {columns} VALUES {', '.join([one] * len(tasks))} "
        "ON CONFLICT (event_id, rule_key) DO NOTHING RETURNING id, rule_key",
        params,
    ).fetchall()
    by_key = {t.rule_key: t for t in tasks}
    for task_id, rule_key in inserted:
        task = by_key[rule_key]
        audit.record(
            tx, user_id=None, entity="task", entity_id=task_id, action="insert",
            changes={"rule_key": (None, rule_key), "assignee_id": (None, task.assignee_id),
                     "role": (None, task.role), "title": (None, task.title),
                     "due_date": (None, task.due_date)},
            at=now, order_id=event.order_id,
        )  # fmt: skip
    return len(inserted)


def close_tasks(tx: duckdb.DuckDBPyConnection, task_ids: Sequence[int], event: Event) -> int:
    """Cancel the order's open tasks as of the cancel event, by the one who cancelled."""
    if not task_ids:
        return 0
    closed = tx.execute(
        "UPDATE tasks SET state = 'cancelled', closed_at = ?, closed_by = ? "
        "WHERE list_contains(?, id) AND state = 'open' RETURNING id",
        [event.changed_at, event.changed_by, list(task_ids)],
    ).fetchall()
    for (task_id,) in closed:
        audit.record(
            tx, user_id=event.changed_by, entity="task", entity_id=task_id, action="update",
            changes={"state": ("open", "cancelled")}, at=event.changed_at,
            order_id=event.order_id,
        )  # fmt: skip
    return len(closed)


def queue_emails(
    tx: duckdb.DuckDBPyConnection,
    emails: Sequence[PlannedEmail],
    now: datetime,
    event_id: int | None = None,
) -> int:
    """Put messages in the outbox ('pending', due now); a Message-ID already there is kept as
    it is (sent or not), so queueing twice never sends twice. Returns how many are new."""
    if not emails:
        return 0
    first = next_id(tx, "notification_outbox")
    one = "(?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)"
    params = [
        value
        for n, m in enumerate(emails)
        for value in (first + n, m.message_id, event_id, m.kind, m.user_id, m.email, m.subject,
                      m.body, now, now)
    ]  # fmt: skip
    inserted = tx.execute(
        "INSERT INTO notification_outbox (id, message_id, event_id, kind, recipient_user_id, "
        "recipient_email, subject, body, state, attempts, next_attempt_at, created_at) "
        f"VALUES {', '.join([one] * len(emails))} ON CONFLICT (message_id) DO NOTHING RETURNING id",
        params,
    ).fetchall()
    return len(inserted)


def queue_task_email(
    tx: duckdb.DuckDBPyConnection, task_id: int, now: datetime, app_url: str
) -> int:
    """Queue the email telling a task's assignee of a task set by hand (inside the caller's
    transaction, the one that made the task); returns how many messages are new (0 or 1)."""
    row = tx.execute(
        "SELECT id, assignee_id, role, title, due_date, order_id, created_by FROM tasks "
        "WHERE id = ?",
        [task_id],
    ).fetchone()
    if row is None or row[5] is None:
        return 0
    order = load_order(tx, row[5])
    if order is None:
        return 0
    people = load_people(tx, load_matrix(tx))
    message, _ = plan_task_email(
        OpenTask(*row[:5]), people.get(row[6]), order, people,
        load_templates(tx)["manual_task"], app_url,
    )  # fmt: skip
    return queue_emails(tx, [message] if message else [], now)
