"""The notification rules page (Администрирование → Уведомления) and the outbox page.

The rules are data (migration 0004): task rules per status, email recipients per status and the
email templates. Admin and leadership read them, only the admin changes them; every change is
audited (entity notification_rule / notification_template / outbox) and applies to the next
status event, because each event run loads the rules afresh. The outbox (messages, delivery
state, dead letters) is the admin's.
"""

from __future__ import annotations

from typing import Any

from ingest.access.errors import role_name
from ingest.notify.rules import (
    ASSIGNEES,
    DEPARTMENTS,
    DUE_BY,
    ORDER_PEOPLE,
    RECIPIENT_NAMES,
    RECIPIENTS,
)
from ingest.notify.templates import KIND_NAMES, KINDS, PLACEHOLDERS, template_problem
from ingest.service.acting import Acting
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from zakaz.domain import STATUS_NAMES_RU, STATUSES

OUTBOX_STATES = ("pending", "retry", "sent", "dead")
MAX_DUE_WORKING_DAYS = 250
TITLE_LIMIT = 200


def _read(a: Acting) -> None:
    a.require_role("admin", "leadership", what="просматривать правила уведомлений")


def _write(a: Acting) -> None:
    a.require_role("admin", what="изменять правила уведомлений")


def _status_rank(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


# --- Task rules ----------------------------------------------------------------------------

TASK_RULE_FIELDS = ("title", "role", "assignee", "due_working_days", "due_by", "is_active")


def task_rules(a: Acting) -> list[dict[str, Any]]:
    """Every task rule in process order of its status (switched-off ones included)."""
    _read(a)
    rules = a.rows(
        "SELECT rule_key, status, role, assignee, title, due_working_days, due_by, is_active, "
        "  updated_at, updated_by FROM notification_task_rules"
    )
    for rule in rules:
        rule["status_name"] = STATUS_NAMES_RU.get(rule["status"], rule["status"])
    return sorted(rules, key=lambda r: (_status_rank(r["status"]), r["rule_key"]))


def _check_task_rule(rule: dict[str, Any]) -> dict[str, Any]:
    where = f"правило задачи {rule['rule_key']}"
    title = rule["title"].strip() if isinstance(rule["title"], str) else ""
    if not title:
        raise ValidationError(where, "title", "не заполнено")
    if len(title) > TITLE_LIMIT:
        raise ValidationError(where, "title", f"слишком длинный текст (больше {TITLE_LIMIT})")
    if rule["role"] not in DEPARTMENTS:
        raise ValidationError(where, "role", f"отдел — одно из {', '.join(DEPARTMENTS)}")
    if rule["assignee"] not in ASSIGNEES:
        raise ValidationError(where, "assignee", f"исполнитель — одно из {', '.join(ASSIGNEES)}")
    if rule["assignee"] in ORDER_PEOPLE and ORDER_PEOPLE[rule["assignee"]][1] != rule["role"]:
        raise ValidationError(
            where, "role",
            f"{RECIPIENT_NAMES[rule['assignee']]} — из отдела "
            f"«{role_name(ORDER_PEOPLE[rule['assignee']][1])}», а не «{role_name(rule['role'])}»",
        )  # fmt: skip
    days, due_by = rule["due_working_days"], rule["due_by"]
    if (days is None) == (due_by is None):
        raise ValidationError(
            where, "due_working_days", "срок — либо число рабочих дней, либо по дате заказа"
        )
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DUE_WORKING_DAYS
    ):
        raise ValidationError(
            where, "due_working_days", f"целое число от 0 до {MAX_DUE_WORKING_DAYS}"
        )
    if due_by is not None and due_by not in DUE_BY:
        raise ValidationError(where, "due_by", f"срок по дате — одно из {', '.join(DUE_BY)}")
    if not isinstance(rule["is_active"], bool):
        raise ValidationError(where, "is_active", "да или нет")
    return {**rule, "title": title}


def update_task_rule(
    a: Acting,
    rule_key: str,
    *,
    title: str | None = None,
    role: str | None = None,
    assignee: str | None = None,
    due_working_days: int | None = None,
    due_by: str | None = None,
    is_active: bool | None = None,
) -> bool:
    """Change a rule (admin); None leaves a field as it is. Setting working days drops a due_by
    and the other way round. Returns whether anything changed."""
    _write(a)
    old = a.row(
        "SELECT rule_key, status, role, assignee, title, due_working_days, due_by, is_active "
        "FROM notification_task_rules WHERE rule_key = ?",
        [rule_key],
    )
    if old is None:
        raise NotFoundError(f"Правило задачи {rule_key} не найдено")
    if due_working_days is not None and due_by is not None:
        raise ValidationError(
            f"правило задачи {rule_key}", "due_by",
            "укажите либо число рабочих дней, либо срок по дате заказа",
        )  # fmt: skip
    new = dict(old)
    for name, value in (("title", title), ("role", role), ("assignee", assignee),
                        ("is_active", is_active)):  # fmt: skip
        if value is not None:
            new[name] = value
    if due_working_days is not None:
        new["due_working_days"], new["due_by"] = due_working_days, None
    if due_by is not None:
        new["due_working_days"], new["due_by"] = None, due_by
    new = _check_task_rule(new)
    changes = {f: (old[f], new[f]) for f in TASK_RULE_FIELDS if old[f] != new[f]}
    if not changes:
        return False
    a.execute(
        "UPDATE notification_task_rules SET title = ?, role = ?, assignee = ?, "
        "due_working_days = ?, due_by = ?, is_active = ?, updated_at = ?, updated_by = ? "
        "WHERE rule_key = ?",
        [*(new[f] for f in TASK_RULE_FIELDS), a.now, a.user_id, rule_key],
    )
    audit.record(
        a.conn, user_id=a.user_id, entity="notification_rule", entity_id=None, action="update",
        changes={f"task.{rule_key}.{f}": change for f, change in changes.items()}, at=a.now,
    )  # fmt: skip
    return True


def add_task_rule(
    a: Acting,
    status: str,
    *,
    role: str,
    assignee: str,
    title: str,
    due_working_days: int | None = None,
    due_by: str | None = None,
) -> str:
    """A new task rule (admin), keyed <status>.<role> (a suffix when taken); returns the key."""
    _write(a)
    if status not in STATUSES:
        raise ValidationError("новое правило задачи", "status", f"неизвестный статус {status!r}")
    taken = {r[0] for r in a.execute("SELECT rule_key FROM notification_task_rules").fetchall()}
    rule_key, n = f"{status}.{role}", 1
    while rule_key in taken:
        n += 1
        rule_key = f"{status}.{role}.{n}"
    rule = _check_task_rule(
        {"rule_key": rule_key, "status": status, "role": role, "assignee": assignee,
         "title": title, "due_working_days": due_working_days, "due_by": due_by,
         "is_active": True}
    )  # fmt: skip
    a.execute(
        "INSERT INTO notification_task_rules (rule_key, status, role, assignee, title, "
        "due_working_days, due_by, is_active, updated_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
        [rule_key, status, rule["role"], rule["assignee"], rule["title"],
         rule["due_working_days"], rule["due_by"], a.now, a.user_id],
    )  # fmt: skip
    audit.record(
        a.conn, user_id=a.user_id, entity="notification_rule", entity_id=None, action="insert",
        changes={f"task.{rule_key}.{f}": (None, rule[f]) for f in ("status", *TASK_RULE_FIELDS)},
        at=a.now,
    )  # fmt: skip
    return rule_key


# --- Email recipients ----------------------------------------------------------------------


def email_rules(a: Acting) -> list[dict[str, Any]]:
    """Per status (process order): the active recipients, in the order of RECIPIENTS."""
    _read(a)
    active: dict[str, set[str]] = {}
    for status, recipient in a.execute(
        "SELECT status, recipient FROM notification_email_rules WHERE is_active"
    ).fetchall():
        active.setdefault(status, set()).add(recipient)
    return [
        {
            "status": status,
            "status_name": STATUS_NAMES_RU[status],
            "recipients": [r for r in RECIPIENTS if r in active.get(status, ())],
        }
        for status in STATUSES
    ]


def set_email_recipients(a: Acting, status: str, recipients: list[str]) -> bool:
    """Who is emailed when an order reaches the status (admin); returns whether it changed."""
    _write(a)
    where = f"получатели писем о статусе {status}"
    if status not in STATUSES:
        raise ValidationError(where, "status", f"неизвестный статус {status!r}")
    if isinstance(recipients, str):
        raise ValidationError(where, "recipients", "нужен список получателей")
    unknown = [r for r in recipients if r not in RECIPIENTS]
    if unknown:
        raise ValidationError(
            where, "recipients",
            f"неизвестный получатель {unknown[0]!r}; допустимы: {', '.join(RECIPIENTS)}",
        )  # fmt: skip
    wanted = [r for r in RECIPIENTS if r in set(recipients)]
    rows = a.rows(
        "SELECT recipient, is_active FROM notification_email_rules WHERE status = ?", [status]
    )
    before = [r for r in RECIPIENTS if any(x["recipient"] == r and x["is_active"] for x in rows)]
    if before == wanted:
        return False
    a.execute(
        "UPDATE notification_email_rules SET is_active = list_contains(?, recipient), "
        "updated_at = ?, updated_by = ? WHERE status = ?",
        [wanted, a.now, a.user_id, status],
    )
    known = {x["recipient"] for x in rows}
    for recipient in wanted:
        if recipient not in known:
            a.execute(
                "INSERT INTO notification_email_rules (status, recipient, is_active, updated_at, "
                "updated_by) VALUES (?, ?, TRUE, ?, ?)",
                [status, recipient, a.now, a.user_id],
            )
    audit.record(
        a.conn, user_id=a.user_id, entity="notification_rule", entity_id=None, action="update",
        changes={f"email.{status}": (", ".join(before) or None, ", ".join(wanted) or None)},
        at=a.now,
    )  # fmt: skip
    return True


def recipient_choices() -> dict[str, str]:
    """recipient code -> Russian name, for the editor."""
    return dict(RECIPIENT_NAMES)


# --- Templates -----------------------------------------------------------------------------


def templates(a: Acting) -> list[dict[str, Any]]:
    """Each kind of email with its subject, body and the placeholders it may use."""
    _read(a)
    stored = {
        r["kind"]: r
        for r in a.rows(
            "SELECT kind, subject, body, updated_at, updated_by FROM notification_templates"
        )
    }
    return [
        {
            **stored[kind],
            "kind_name": KIND_NAMES[kind],
            "placeholders": sorted(PLACEHOLDERS[kind]),
        }
        for kind in KINDS
        if kind in stored
    ]


def update_template(a: Acting, kind: str, subject: str, body: str) -> bool:
    """Change an email text (admin): known placeholders only, a one-line subject, a body."""
    _write(a)
    problem = template_problem(kind, subject, body)
    if problem is not None:
        raise ValidationError(f"шаблон письма «{KIND_NAMES.get(kind, kind)}»", *problem)
    subject = subject.strip()
    old = a.row("SELECT subject, body FROM notification_templates WHERE kind = ?", [kind])
    if old is None:
        raise NotFoundError(f"Шаблон письма {kind} не найден")
    changes = {
        f"template.{kind}.{f}": (old[f], new)
        for f, new in (("subject", subject), ("body", body))
        if old[f] != new
    }
    if not changes:
        return False
    a.execute(
        "UPDATE notification_templates SET subject = ?, body = ?, updated_at = ?, updated_by = ? "
        "WHERE kind = ?",
        [subject, body, a.now, a.user_id, kind],
    )
    audit.record(
        a.conn, user_id=a.user_id, entity="notification_template", entity_id=None,
        action="update", changes=changes, at=a.now,
    )  # fmt: skip
    return True


# --- The outbox ----------------------------------------------------------------------------


def outbox(a: Acting, state: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Messages newest first (without bodies), optionally of one state (admin only)."""
    a.require_role("admin", what="просматривать очередь писем")
    if state is not None and state not in OUTBOX_STATES:
        raise ValidationError("очередь писем", "state", f"одно из {', '.join(OUTBOX_STATES)}")
    return a.rows(
        "SELECT m.id, m.message_id, m.event_id, m.kind, m.recipient_user_id, "
        "  u.login AS recipient_login, m.recipient_email, m.subject, m.state, m.attempts, "
        "  m.next_attempt_at, m.last_error, m.created_at, m.sent_at "
        "FROM notification_outbox m LEFT JOIN users u ON u.id = m.recipient_user_id "
        "WHERE ? IS NULL OR m.state = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?",
        [state, state, max(1, min(int(limit), 10_000))],
    )


def outbox_counts(a: Acting) -> dict[str, int]:
    """Messages per delivery state (every state present, 0 when none)."""
    a.require_role("admin", what="просматривать очередь писем")
    found = dict(
        a.execute("SELECT state, count(*) FROM notification_outbox GROUP BY state").fetchall()
    )
    return {s: int(found.get(s, 0)) for s in OUTBOX_STATES}


def retry_dead(a: Acting, message_id: str) -> bool:
    """Send a dead letter again (admin): back to 'retry', due now, its error cleared. Attempts
    are kept (the message's history). False when it is not dead (e.g. a second click)."""
    a.require_role("admin", what="повторять отправку писем")
    row = a.row("SELECT id, state FROM notification_outbox WHERE message_id = ?", [message_id])
    if row is None:
        raise NotFoundError(f"Письмо {message_id} не найдено в очереди отправки")
    if row["state"] != "dead":
        return False
    a.execute(
        "UPDATE notification_outbox SET state = 'retry', next_attempt_at = ?, last_error = NULL "
        "WHERE id = ?",
        [a.now, row["id"]],
    )
    audit.record(
        a.conn, user_id=a.user_id, entity="outbox", entity_id=row["id"], action="update",
        changes={"state": ("dead", "retry")}, at=a.now,
    )  # fmt: skip
    return True
