"""The notification rules as data through the service: who may read and change them, that a
change applies to the next status event, the outbox's dead letters, and tasks set by hand."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "notify"))

from event_helpers import (
    DEPARTMENT,
    IVANOV,
    MONDAY,
    PETROVA,
    VOLKOVA,
    desk,
    messages,
    move,
    move_and_process,
    new_order,
    process,
    rows,
    tasks_of_event,
    value,
)

from ingest.access import PermissionDeniedError
from ingest.service import notifications, tasks
from ingest.store import ValidationError
from ingest.store.errors import NotFoundError


def _to_agreed(home) -> tuple[int, str]:
    order_id, number, _ = new_order(home)
    for status in ("costing", "quote_sent"):
        move(home, order_id, status)
    return order_id, number


# --- reading and who may change -----------------------------------------------------------


@pytest.mark.parametrize("login", ["admin", "sergeev"])
def test_admin_and_leadership_read_the_rules(demo_home, login):
    with desk(demo_home, login).reading() as a:
        rules = notifications.task_rules(a)
        emails = notifications.email_rules(a)
        texts = notifications.templates(a)
    assert [r["rule_key"] for r in rules][:3] == ["need.sales", "quote_sent.sales",
                                                  "agreed.finance"]  # fmt: skip
    assert len(rules) == 11 and all(r["is_active"] for r in rules)
    by_status = {e["status"]: e["recipients"] for e in emails}
    assert by_status["agreed"] == ["sales_manager", "procurement", "finance"]
    assert by_status["cancelled"] == ["task_owners"] and by_status["quote_sent"] == []
    assert {t["kind"] for t in texts} == {"status", "cancelled", "reminder", "manual_task"}
    assert "order_number" in next(t for t in texts if t["kind"] == "status")["placeholders"]


@pytest.mark.parametrize("login", ["ivanov", "morozov", "egorova"])
def test_other_roles_may_not_read_the_rules(demo_home, login):
    with desk(demo_home, login).reading() as a, pytest.raises(PermissionDeniedError):
        notifications.task_rules(a)


@pytest.mark.parametrize("login", ["sergeev", "sokolova", "ivanov"])
def test_only_the_admin_changes_rules_templates_and_the_outbox(demo_home, login):
    with desk(demo_home, login).writing() as a:
        with pytest.raises(PermissionDeniedError, match="Нет доступа"):
            notifications.update_task_rule(a, "need.sales", title="Другое")
        with pytest.raises(PermissionDeniedError):
            notifications.set_email_recipients(a, "need", ["finance"])
        with pytest.raises(PermissionDeniedError):
            notifications.update_template(a, "status", "Тема", "Текст")
        with pytest.raises(PermissionDeniedError):
            notifications.outbox(a)
        with pytest.raises(PermissionDeniedError):
            notifications.retry_dead(a, "<x@zakaz.local>")


# --- changes take effect on the next event -----------------------------------------------


def test_a_task_rule_edit_applies_to_the_next_event_and_is_audited(demo_home):
    with desk(demo_home, "admin").writing() as a:
        assert notifications.update_task_rule(
            a, "need.sales", title="Позвонить заказчику", due_working_days=4
        )
        assert not notifications.update_task_rule(a, "need.sales", title="Позвонить заказчику")
        notifications.update_task_rule(a, "agreed.finance", is_active=False)
        notifications.update_task_rule(a, "agreed.procurement", due_by="planned_shipment")
    order_id, number, need_event = new_order(demo_home)
    process(demo_home, need_event)
    (task,) = tasks_of_event(demo_home, need_event)
    assert task["title"] == f"Позвонить заказчику — {number}"
    assert task["due_date"] == date(2026, 11, 27)  # Monday + 4 working days
    for status in ("costing", "quote_sent"):
        move(demo_home, order_id, status)
    agreed, _ = move_and_process(demo_home, order_id, "agreed")
    got = {t["rule_key"]: t["due_date"] for t in tasks_of_event(demo_home, agreed)}
    assert got == {"agreed.procurement": date(2026, 12, 15)}  # finance's switched off
    audit = rows(
        demo_home,
        "SELECT field, old_value, new_value, user_id FROM audit_log "
        "WHERE entity = 'notification_rule' ORDER BY id",
    )
    fields = {r["field"]: (r["old_value"], r["new_value"]) for r in audit}
    assert fields["task.need.sales.title"] == ("Подготовить расчёт и КП", "Позвонить заказчику")
    assert fields["task.need.sales.due_working_days"] == ("2", "4")
    assert fields["task.agreed.finance.is_active"] == ("True", "False")
    assert fields["task.agreed.procurement.due_by"] == (None, "planned_shipment")
    assert fields["task.agreed.procurement.due_working_days"] == ("3", None)
    assert {r["user_id"] for r in audit} == {1}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"role": "finance"}, "role"),  # the order's sales manager is in sales
        ({"role": "admin", "assignee": "department"}, "role"),
        ({"assignee": "boss"}, "assignee"),
        ({"due_working_days": -1}, "due_working_days"),
        ({"due_working_days": 2, "due_by": "planned_shipment"}, "due_by"),
        ({"due_by": "tomorrow"}, "due_by"),
    ],
)
def test_task_rule_validation_names_the_field(demo_home, changes, field):
    with desk(demo_home, "admin").writing() as a:
        with pytest.raises(ValidationError) as caught:
            notifications.update_task_rule(a, "need.sales", **changes)
    assert caught.value.field == field


def test_a_new_task_rule_applies_to_its_status(demo_home):
    with desk(demo_home, "admin").writing() as a:
        key = notifications.add_task_rule(
            a, "costing", role="sales", assignee="sales_manager", title="Посчитать",
            due_working_days=1,
        )  # fmt: skip
        assert key == "costing.sales"
        notifications.set_email_recipients(a, "costing", ["sales_manager"])
    order_id, _, _ = new_order(demo_home)
    event_id, outcome = move_and_process(demo_home, order_id, "costing")
    assert (outcome.tasks_created, outcome.messages_queued) == (1, 1)
    (task,) = tasks_of_event(demo_home, event_id)
    assert task["rule_key"] == "costing.sales" and task["assignee_id"] == IVANOV


def test_email_recipients_change_and_each_user_gets_one_message(demo_home):
    with desk(demo_home, "admin").writing() as a:
        changed = notifications.set_email_recipients(
            a, "agreed", ["procurement", "procurement_manager", "sales"]
        )
        assert changed
        assert not notifications.set_email_recipients(
            a, "agreed", ["sales", "procurement_manager", "procurement"]
        )
        with pytest.raises(ValidationError, match="неизвестный получатель"):
            notifications.set_email_recipients(a, "agreed", ["everyone"])
        with pytest.raises(ValidationError):
            notifications.set_email_recipients(a, "sold", [])
    order_id, _ = _to_agreed(demo_home)
    event_id, _ = move_and_process(demo_home, order_id, "agreed")
    got = [m["recipient_user_id"] for m in messages(demo_home, "event_id = ?", [event_id])]
    assert sorted(got) == sorted(set(got))  # volkova is in two groups, emailed once
    # the sales department, but only those who may open ivanov's order (and its head)
    assert set(got) == DEPARTMENT["procurement"] | {IVANOV, 2}
    assert VOLKOVA in got and PETROVA not in got
    audit = value(
        demo_home,
        "SELECT new_value FROM audit_log WHERE entity = 'notification_rule' "
        "AND field = 'email.agreed'",
    )
    assert audit == "procurement_manager, sales, procurement"


def test_template_edits_are_checked_and_used_by_the_next_email(demo_home):
    with desk(demo_home, "admin").writing() as a:
        with pytest.raises(ValidationError, match=r"\{foo\}"):
            notifications.update_template(a, "status", "Заказ {foo}", "Текст")
        with pytest.raises(ValidationError, match="допустимы"):
            notifications.update_template(a, "reminder", "Напоминание", "{order_number}")
        with pytest.raises(ValidationError) as empty:
            notifications.update_template(a, "status", "Тема", "  ")
        assert empty.value.field == "body"
        with pytest.raises(ValidationError) as two_lines:
            notifications.update_template(a, "status", "Тема\nBcc: x@y", "Текст")
        assert two_lines.value.field == "subject"
        assert notifications.update_template(
            a,
            "status",
            "{order_number} → {status}",
            "Новый статус: {status}. {link} { это не подстановка }",
        )
    _, number, need_event = new_order(demo_home)
    process(demo_home, need_event)
    (mail,) = messages(demo_home, "event_id = ?", [need_event])
    assert mail["subject"] == f"{number} → Потребность"
    assert mail["body"].startswith("Новый статус: Потребность. http://")
    assert mail["body"].endswith("{ это не подстановка }")  # other braces stay as written
    assert value(
        demo_home, "SELECT count(*) FROM audit_log WHERE entity = 'notification_template'"
    ) == 2  # fmt: skip


# --- the outbox ----------------------------------------------------------------------------


def test_the_admin_lists_the_outbox_and_retries_a_dead_letter(demo_home):
    _, _, need_event = new_order(demo_home)
    process(demo_home, need_event)
    (mail,) = messages(demo_home, "event_id = ?", [need_event])
    with desk(demo_home, "admin").writing() as a:
        a.execute(
            "UPDATE notification_outbox SET state = 'dead', attempts = 1, "
            "last_error = '550 mailbox unavailable' WHERE id = ?",
            [mail["id"]],
        )
    later = MONDAY + timedelta(hours=2)
    with desk(demo_home, "admin", later).writing() as a:
        (dead,) = notifications.outbox(a, state="dead")
        assert dead["message_id"] == mail["message_id"] and dead["recipient_login"] == "ivanov"
        assert dead["last_error"] == "550 mailbox unavailable" and "body" not in dead
        assert notifications.outbox_counts(a)["dead"] == 1
        assert notifications.retry_dead(a, mail["message_id"]) is True
        assert notifications.retry_dead(a, mail["message_id"]) is False  # a second click
        with pytest.raises(NotFoundError):
            notifications.retry_dead(a, "<nope@zakaz.local>")
        with pytest.raises(ValidationError):
            notifications.outbox(a, state="lost")
    (row,) = messages(demo_home, "id = ?", [mail["id"]])
    assert (row["state"], row["next_attempt_at"], row["last_error"]) == ("retry", later, None)
    assert value(
        demo_home, "SELECT new_value FROM audit_log WHERE entity = 'outbox' AND entity_id = ?",
        [mail["id"]],
    ) == "retry"  # fmt: skip


# --- tasks set by hand ---------------------------------------------------------------------


@pytest.mark.parametrize("login", ["sokolova", "morozov", "sergeev", "admin"])
def test_heads_and_leadership_assign_a_task_and_the_assignee_is_emailed(demo_home, login):
    order_id, number, _ = new_order(demo_home)
    with desk(demo_home, login).writing() as a:
        task_id = tasks.assign_task(
            a, order_id, assignee_id=VOLKOVA, title="  Проверить сертификаты  ",
            due_date=date(2026, 11, 30),
        )  # fmt: skip
    (task,) = rows(demo_home, "SELECT * FROM tasks WHERE id = ?", [task_id])
    author = value(demo_home, "SELECT id FROM users WHERE login = ?", [login])
    assert (task["event_id"], task["rule_key"], task["role"]) == (None, None, "procurement")
    assert (task["assignee_id"], task["created_by"], task["state"]) == (VOLKOVA, author, "open")
    assert task["title"] == "Проверить сертификаты" and task["order_id"] == order_id
    (mail,) = messages(demo_home, "kind = 'manual_task'")
    assert mail["message_id"] == f"<zakaz.task-{task_id}.user-{VOLKOVA}@zakaz.local>"
    assert mail["recipient_user_id"] == VOLKOVA and mail["state"] == "pending"
    assert mail["subject"] == f"Новая задача по заказу {number}"
    assert "Проверить сертификаты" in mail["body"] and "Срок: 30.11.2026" in mail["body"]
    assert value(
        demo_home, "SELECT count(*) FROM audit_log WHERE entity = 'task' AND entity_id = ? "
        "AND action = 'insert' AND user_id = ?", [task_id, author],
    ) > 0  # fmt: skip
    with desk(demo_home, "volkova").reading() as a:
        assert task_id in {t["id"] for t in tasks.my_tasks(a)}


@pytest.mark.parametrize("login", ["ivanov", "volkova", "pavlov"])
def test_a_plain_user_may_not_assign_tasks(demo_home, login):
    order_id, _, _ = new_order(demo_home)
    with desk(demo_home, login).writing() as a, pytest.raises(PermissionDeniedError):
        tasks.assign_task(
            a, order_id, assignee_id=VOLKOVA, title="Сделать", due_date=date(2026, 12, 1)
        )
    assert value(demo_home, "SELECT count(*) FROM tasks WHERE order_id = ?", [order_id]) == 0


def test_manual_task_checks_and_an_assignee_who_cannot_open_the_order(demo_home):
    order_id, number, _ = new_order(demo_home)  # ivanov's
    with desk(demo_home, "admin").writing() as a:
        a.execute("UPDATE users SET is_active = FALSE WHERE id = 11")
    with desk(demo_home, "sokolova").writing() as a:
        for kwargs, field in (
            ({"assignee_id": 11}, "assignee_id"),  # lebedev is switched off
            ({"assignee_id": 999}, "assignee_id"),
            ({"title": " "}, "title"),
            ({"due_date": date(2026, 11, 20)}, "due_date"),  # before today (23.11)
            ({"due_date": None}, "due_date"),
        ):
            args = {"assignee_id": VOLKOVA, "title": "Сделать", "due_date": date(2026, 12, 1)}
            with pytest.raises(ValidationError) as caught:
                tasks.assign_task(a, order_id, **(args | kwargs))
            assert caught.value.field == field
        task_id = tasks.assign_task(
            a, order_id, assignee_id=PETROVA, title="Подменить Иванова",
            due_date=date(2026, 12, 1),
        )  # fmt: skip
    (mail,) = messages(demo_home, "kind = 'manual_task'")
    assert mail["recipient_user_id"] == PETROVA and number in mail["body"]
    customer = value(
        demo_home,
        "SELECT c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = ?",
        [order_id],
    )
    assert customer not in mail["body"]  # she may not open ivanov's order
    with desk(demo_home, "petrova").reading() as a:
        assert task_id in {t["id"] for t in tasks.my_tasks(a)}
    move(demo_home, order_id, "cancelled", comment="Отказ")  # no tasks on a cancelled order
    with desk(demo_home, "sergeev").writing() as a, pytest.raises(ValidationError, match="отмен"):
        tasks.assign_task(
            a, order_id, assignee_id=VOLKOVA, title="Сделать", due_date=date(2026, 12, 1)
        )


def test_an_order_the_head_may_not_open_is_refused(demo_home):
    order_id, _, _ = new_order(demo_home)
    with desk(demo_home, "admin").writing() as a:  # a head whose role cannot read headers
        a.execute(
            "UPDATE access_rules SET access = 'none' WHERE role = 'procurement' "
            "AND field_group = 'header'"
        )
    with desk(demo_home, "morozov").writing() as a, pytest.raises(PermissionDeniedError):
        tasks.assign_task(
            a, order_id, assignee_id=VOLKOVA, title="Сделать", due_date=date(2026, 12, 1)
        )
