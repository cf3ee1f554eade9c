"""Notification rules as data, and the pure plan of what one status event makes.

plan_event() is a function of the rule rows, the order, the users, the access matrix and the
calendar: which tasks (who, what, by when) and which emails (to whom, what text). It reads and
writes nothing — events.py loads the rows and writes the plan in one transaction — so every
default rule of domain.md is tested without a database, and a rerun plans the same again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from ingest.access import AccessMatrix, Actor
from ingest.access.errors import role_name
from ingest.notify.templates import (
    NONE,
    Template,
    bullet_list,
    order_link,
    render,
    ru_date,
)
from ingest.notify.workdays import add_working_days, roll
from zakaz.domain import STATUS_NAMES_RU, STATUSES

DEPARTMENTS: tuple[str, ...] = (
    "sales", "procurement", "production", "logistics", "finance", "leadership",
)  # fmt: skip
# A person of the order -> the column naming them and the role they must have.
ORDER_PEOPLE: dict[str, tuple[str, str]] = {
    "sales_manager": ("sales_manager_id", "sales"),
    "procurement_manager": ("procurement_manager_id", "procurement"),
    "logistics_manager": ("logistics_manager_id", "logistics"),
}
ASSIGNEES: tuple[str, ...] = (*ORDER_PEOPLE, "department")
DUE_BY: tuple[str, ...] = ("planned_shipment", "payment_calendar")
RECIPIENTS: tuple[str, ...] = (*ORDER_PEOPLE, *DEPARTMENTS, "task_owners")
RECIPIENT_NAMES: dict[str, str] = {
    "sales_manager": "ответственный менеджер по продажам",
    "procurement_manager": "ответственный снабженец",
    "logistics_manager": "ответственный логист",
    **{d: f"отдел «{role_name(d)}»" for d in DEPARTMENTS},
    "task_owners": "владельцы открытых задач по заказу",
}
# Without the date a rule counts from: the order's planned shipment is missing, or no payment
# step after shipment/delivery has a date yet (the same fallbacks as the demo plant).
PLANNED_SHIPMENT_FALLBACK_DAYS = 10
PAYMENT_FALLBACK_DAYS = 5
# A payment step's due date: its event's date on the order plus offset_days calendar days
# (ingest/service/payments.py, _due_date). `ps` = payment_steps, `o` = orders.
STEP_DUE_SQL = (
    "(CASE ps.base_event WHEN 'agreed' THEN o.agreed_date "
    "WHEN 'shipped' THEN o.actual_shipment_date WHEN 'delivered' THEN o.delivered_date END "
    "+ ps.offset_days)"
)


@dataclass(frozen=True)
class TaskRule:
    rule_key: str
    status: str
    role: str
    assignee: str  # one of ASSIGNEES
    title: str
    due_working_days: int | None
    due_by: str | None  # one of DUE_BY, instead of working days
    is_active: bool = True


@dataclass(frozen=True)
class Person:
    """An active user (inactive ones are never assigned or emailed)."""

    id: int
    login: str
    full_name: str
    role: str
    email: str | None
    is_head: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.login, self.role, self.is_head)


@dataclass(frozen=True)
class OrderFacts:
    id: int
    number: str
    customer: str
    status: str  # now, not at the event
    sales_manager_id: int | None
    procurement_manager_id: int | None = None
    logistics_manager_id: int | None = None
    planned_shipment_date: date | None = None
    # due dates of the payment steps after shipment/delivery that have a date already
    payment_due_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class Event:
    id: int
    order_id: int
    from_status: str | None
    to_status: str
    changed_at: datetime
    changed_by: int | None
    comment: str | None = None


@dataclass(frozen=True)
class OpenTask:
    id: int
    assignee_id: int | None
    role: str
    title: str
    due_date: date | None


@dataclass(frozen=True)
class PlannedTask:
    rule_key: str
    assignee_id: int | None  # None: the department's task (role)
    role: str
    title: str
    due_date: date


@dataclass(frozen=True)
class PlannedEmail:
    message_id: str
    kind: str
    user_id: int
    email: str
    subject: str
    body: str


@dataclass(frozen=True)
class Plan:
    tasks: tuple[PlannedTask, ...] = ()
    emails: tuple[PlannedEmail, ...] = ()
    close_task_ids: tuple[int, ...] = ()
    recipients_without_email: int = 0

    @property
    def empty(self) -> bool:
        return not (self.tasks or self.emails or self.close_task_ids)


def event_message_id(event_id: int, user_id: int) -> str:
    """Fixed per (event, recipient): a resend after a crash carries the same Message-ID."""
    return f"<zakaz.event-{event_id}.user-{user_id}@zakaz.local>"


# --- Who -----------------------------------------------------------------------------------


class People:
    """The active users, with who may read which order (the access matrix, own-orders scope)."""

    def __init__(self, people: Iterable[Person], matrix: AccessMatrix):
        self.by_id = {p.id: p for p in people}
        self.matrix = matrix

    def get(self, user_id: int | None) -> Person | None:
        return None if user_id is None else self.by_id.get(user_id)

    def of_role(self, role: str) -> list[Person]:
        return [p for p in self.by_id.values() if p.role == role]

    def reads(self, person: Person, sales_manager_id: int | None) -> bool:
        """Emails carry the order's number and customer: only to those who may open it."""
        return self.matrix.can(person.actor, "header", "read", sales_manager_id)

    def owners(self, assignee_id: int | None, role: str) -> list[Person]:
        """Who answers for a task: its assignee, or for a department task (or one whose
        assignee has left) every active user of the department."""
        person = self.get(assignee_id)
        return [person] if person is not None else self.of_role(role)


def order_person(order: OrderFacts, people: People, who: str) -> Person | None:
    column, role = ORDER_PEOPLE[who]
    person = people.get(getattr(order, column))
    return person if person is not None and person.role == role else None


# --- What and by when ----------------------------------------------------------------------


def due_date(rule: TaskRule, order: OrderFacts, day: date) -> date:
    if rule.due_by == "planned_shipment":
        return order.planned_shipment_date or add_working_days(day, PLANNED_SHIPMENT_FALLBACK_DAYS)
    if rule.due_by == "payment_calendar":
        if order.payment_due_dates:
            return roll(max(order.payment_due_dates))
        return add_working_days(day, PAYMENT_FALLBACK_DAYS)
    return add_working_days(day, rule.due_working_days or 0)


def task_title(rule_title: str, number: str) -> str:
    return f"{rule_title} — {number}"  # as the demo plant titles them


def plan_tasks(
    event: Event, order: OrderFacts, rules: Sequence[TaskRule], people: People
) -> tuple[PlannedTask, ...]:
    # An event processed after the order was cancelled makes no tasks: they would be closed
    # already (events are processed one run each, and runs may finish out of order).
    if order.status == "cancelled" and event.to_status != "cancelled":
        return ()
    day = event.changed_at.date()
    planned = []
    for rule in rules:
        if rule.status != event.to_status or not rule.is_active:
            continue
        person = None
        if rule.assignee != "department":
            person = order_person(order, people, rule.assignee)
        planned.append(
            PlannedTask(
                rule_key=rule.rule_key,
                assignee_id=person.id if person else None,
                role=rule.role,
                title=task_title(rule.title, order.number),
                due_date=due_date(rule, order, day),
            )
        )
    return tuple(planned)


def task_line(title: str, due: date | None, who: str | None = None) -> str:
    parts = [title] + ([who] if who else []) + [f"срок {ru_date(due)}"]
    return ", ".join(parts)


def _who(task: PlannedTask | OpenTask, people: People) -> str:
    person = people.get(task.assignee_id)
    return person.full_name if person else f"отдел «{role_name(task.role)}»"


# --- To whom -------------------------------------------------------------------------------


def recipients(
    status: str,
    email_rules: Iterable[tuple[str, str]],
    order: OrderFacts,
    people: People,
    open_tasks: Sequence[OpenTask],
) -> list[Person]:
    """Each person once, in the order the rules name them. Groups are limited to those who may
    open the order; the assignee of an open task is always told (as in their task list)."""
    found: dict[int, Person] = {}
    for rule_status, recipient in email_rules:
        if rule_status != status:
            continue
        if recipient == "task_owners":
            for task in open_tasks:
                if (person := people.get(task.assignee_id)) is not None:
                    found.setdefault(person.id, person)
                    continue
                for person in people.of_role(task.role):
                    if people.reads(person, order.sales_manager_id):
                        found.setdefault(person.id, person)
            continue
        if recipient in ORDER_PEOPLE:
            group = [p] if (p := order_person(order, people, recipient)) else []
        else:
            group = people.of_role(recipient)
        for person in group:
            if people.reads(person, order.sales_manager_id):
                found.setdefault(person.id, person)
    return list(found.values())


def _owns(person: Person, task: PlannedTask | OpenTask, people: People) -> bool:
    return person in people.owners(task.assignee_id, task.role)


def plan_event(
    event: Event,
    order: OrderFacts,
    task_rules: Sequence[TaskRule],
    email_rules: Iterable[tuple[str, str]],
    people: People,
    templates: Mapping[str, Template],
    open_tasks: Sequence[OpenTask],
    app_url: str,
) -> Plan:
    """Tasks, emails and (on cancel) the open tasks to close for one status event.

    email_rules are the active (status, recipient) rows; open_tasks the order's open tasks now.
    A cancel closes every open task and tells each owner once, listing their closed tasks.
    """
    cancelled = event.to_status == "cancelled"
    tasks = plan_tasks(event, order, task_rules, people)
    to_close = tuple(open_tasks) if cancelled else ()
    kind = "cancelled" if cancelled else "status"
    values = {
        "order_number": order.number,
        "customer": order.customer,
        "status": STATUS_NAMES_RU.get(event.to_status, event.to_status),
        "link": order_link(app_url, order.number),
        "comment": event.comment or NONE,
    }
    emails, without_email = [], 0
    for person in recipients(event.to_status, email_rules, order, people, open_tasks):
        if not person.email:
            without_email += 1
            continue
        if cancelled:
            listed = [t for t in to_close if _owns(person, t, people)]
            lines = [task_line(t.title, t.due_date) for t in listed]
        else:
            listed = list(tasks)
            lines = [task_line(t.title, t.due_date, _who(t, people)) for t in tasks]
        own = [t.due_date for t in listed if _owns(person, t, people) and t.due_date]
        dues = own or [t.due_date for t in listed if t.due_date]
        # an assignee who may not open the order (a manual task) gets its number, not details
        customer = order.customer if people.reads(person, order.sales_manager_id) else NONE
        subject, body = render(
            templates[kind],
            {**values, "customer": customer, "tasks": bullet_list(lines),
             "due_date": ru_date(min(dues, default=None))},
        )  # fmt: skip
        emails.append(
            PlannedEmail(event_message_id(event.id, person.id), kind, person.id, person.email,
                         subject, body)
        )  # fmt: skip
    return Plan(tasks, tuple(emails), tuple(t.id for t in to_close), without_email)


def task_message_id(task_id: int, user_id: int) -> str:
    return f"<zakaz.task-{task_id}.user-{user_id}@zakaz.local>"


def plan_task_email(
    task: OpenTask,
    author: Person | None,
    order: OrderFacts,
    people: People,
    template: Template,
    app_url: str,
) -> tuple[PlannedEmail | None, int]:
    """(the email telling the assignee of a task set by hand, or None; 1 if they have no email)."""
    person = people.get(task.assignee_id)
    if person is None:
        return None, 0
    if not person.email:
        return None, 1
    reads = people.reads(person, order.sales_manager_id)
    by = f"поставил(а): {author.full_name}" if author else None
    subject, body = render(
        template,
        {
            "order_number": order.number,
            "customer": order.customer if reads else NONE,
            "status": STATUS_NAMES_RU.get(order.status, order.status) if reads else NONE,
            "due_date": ru_date(task.due_date),
            "link": order_link(app_url, order.number),
            "tasks": bullet_list([task_line(task.title, task.due_date, by)]),
        },
    )
    message = PlannedEmail(task_message_id(task.id, person.id), "manual_task", person.id,
                           person.email, subject, body)  # fmt: skip
    return message, 0


# --- Loading the rows (the only functions here that touch the database) --------------------


def load_task_rules(conn: duckdb.DuckDBPyConnection, status: str | None = None) -> list[TaskRule]:
    rows = conn.execute(
        "SELECT rule_key, status, role, assignee, title, due_working_days, due_by, is_active "
        "FROM notification_task_rules WHERE ? IS NULL OR status = ? ORDER BY rule_key",
        [status, status],
    ).fetchall()
    return [TaskRule(*row) for row in rows]


def load_email_rules(
    conn: duckdb.DuckDBPyConnection, status: str | None = None
) -> list[tuple[str, str]]:
    """Active (status, recipient) rows, in the order of RECIPIENTS."""
    rows = conn.execute(
        "SELECT status, recipient FROM notification_email_rules "
        "WHERE is_active AND (? IS NULL OR status = ?)",
        [status, status],
    ).fetchall()
    rank = {r: i for i, r in enumerate(RECIPIENTS)}
    return sorted(rows, key=lambda r: (STATUSES.index(r[0]), rank.get(r[1], len(rank))))


def load_people(conn: duckdb.DuckDBPyConnection, matrix: AccessMatrix) -> People:
    rows = conn.execute(
        "SELECT id, login, full_name, role, nullif(trim(email), ''), is_head FROM users "
        "WHERE is_active ORDER BY id"
    ).fetchall()
    return People([Person(*row) for row in rows], matrix)


def load_order(conn: duckdb.DuckDBPyConnection, order_id: int) -> OrderFacts | None:
    row = conn.execute(
        "SELECT o.id, o.number, coalesce(c.name, ''), o.status, o.sales_manager_id, "
        "  o.procurement_manager_id, o.logistics_manager_id, o.planned_shipment_date "
        "FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = ?",
        [order_id],
    ).fetchone()
    if row is None:
        return None
    dues = conn.execute(
        f"SELECT {STEP_DUE_SQL} FROM payment_steps ps JOIN orders o ON o.id = ps.order_id "
        f"WHERE ps.order_id = ? AND ps.base_event IN ('shipped', 'delivered') "
        f"AND {STEP_DUE_SQL} IS NOT NULL",
        [order_id],
    ).fetchall()
    return OrderFacts(*row, payment_due_dates=tuple(d for (d,) in dues))


def load_open_tasks(conn: duckdb.DuckDBPyConnection, order_id: int) -> list[OpenTask]:
    rows = conn.execute(
        "SELECT id, assignee_id, role, title, due_date FROM tasks "
        "WHERE order_id = ? AND state = 'open' ORDER BY due_date NULLS LAST, id",
        [order_id],
    ).fetchall()
    return [OpenTask(*row) for row in rows]
