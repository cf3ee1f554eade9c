"""Daily reminders: overdue tasks and overdue planned payments, one email per owner per day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from demo_clock import DEMO_AS_OF, DEMO_NOW
from event_helpers import (
    APP_URL,
    DEPARTMENT,
    EGOROVA,
    IVANOV,
    MONDAY,
    PETROVA,
    SOKOLOVA,
    desk,
    messages,
    move,
    new_order,
    process,
    rows,
    value,
)

from ingest.notify.reminders import queue_daily_reminders
from ingest.service import payments
from ingest.store import Store


def _remind(home, day: date, now: datetime | None = None) -> int:
    now = now or datetime.combine(day, datetime.min.time()).replace(hour=8)
    return queue_daily_reminders(Store.open(home), day, now, APP_URL)


def _reminders(home, day: date) -> list[dict]:
    return messages(home, "kind = 'reminder' AND message_id LIKE ?", [f"%-{day:%Y%m%d}.%"])


def _overdue_assignees(home, day: date) -> set[int]:
    return {
        r["assignee_id"]
        for r in rows(
            home,
            "SELECT DISTINCT assignee_id FROM tasks WHERE state = 'open' AND due_date < ? "
            "AND assignee_id IS NOT NULL",
            [day],
        )
    }


def test_one_email_per_owner_per_day_listing_all_their_items(demo_home):
    day = DEMO_AS_OF
    queued = _remind(demo_home, day)
    sent = _reminders(demo_home, day)
    assert queued == len(sent) > 0
    by_user = {m["recipient_user_id"]: m for m in sent}
    assert len(by_user) == len(sent)  # one per owner
    for uid, m in by_user.items():
        assert m["message_id"] == f"<zakaz.reminder-{day:%Y%m%d}.user-{uid}@zakaz.local>"
        assert m["state"] == "pending" and m["event_id"] is None
    # every assignee of an overdue task is reminded (the demo's department tasks are assigned),
    # and finance for the demo's overdue payment steps
    assert _overdue_assignees(demo_home, day) | DEPARTMENT["finance"] <= set(by_user)
    petrova_tasks = rows(
        demo_home,
        "SELECT title, due_date FROM tasks WHERE assignee_id = ? AND state = 'open' "
        "AND due_date < ?",
        [PETROVA, day],
    )
    body = by_user[PETROVA]["body"]
    assert body.count("• Задача: ") == len(petrova_tasks) > 0
    for task in petrova_tasks:
        assert f"{task['title']}, срок {task['due_date']:%d.%m.%Y}" in body
    assert f"{APP_URL}/tasks" in body
    assert by_user[PETROVA]["subject"] == "Напоминание: просроченные задачи и платежи"


def test_second_run_the_same_day_adds_nothing_the_next_day_adds_again(demo_home):
    day = DEMO_AS_OF
    first = _remind(demo_home, day)
    total = value(demo_home, "SELECT count(*) FROM notification_outbox")
    assert _remind(demo_home, day, DEMO_NOW + timedelta(hours=5)) == 0
    assert value(demo_home, "SELECT count(*) FROM notification_outbox") == total
    nxt = day + timedelta(days=1)
    again = _remind(demo_home, nxt)
    assert again >= first  # nothing was done overnight, so at least the same owners
    assert len(_reminders(demo_home, nxt)) == again


def test_department_tasks_remind_those_of_the_department_who_see_the_order(demo_home):
    order_id, _, _ = new_order(demo_home)  # ivanov's
    for status in ("costing", "quote_sent", "agreed"):
        event_id = move(demo_home, order_id, status)
    process(demo_home, event_id)  # agreed: finance's department task, due Tue 24.11
    with Store.open(demo_home).write() as tx:  # a sales department task, unassigned
        tx.execute(
            "INSERT INTO tasks (id, order_id, role, title, due_date, state, created_at) "
            "SELECT max(id) + 1, ?, 'sales', 'Проверить комплект документов', ?, 'open', ? "
            "FROM tasks",
            [order_id, date(2026, 11, 24), MONDAY],
        )
    day = date(2026, 11, 26)
    _remind(demo_home, day)
    by_user = {m["recipient_user_id"]: m["body"] for m in _reminders(demo_home, day)}
    for uid in DEPARTMENT["finance"]:
        assert "Выставить счёт на предоплату" in by_user[uid]
    assert "Проверить комплект документов" in by_user[IVANOV]
    assert "Проверить комплект документов" in by_user[SOKOLOVA]  # head of sales sees all
    assert "Проверить комплект документов" not in by_user[PETROVA]  # not her order


def test_overdue_payments_remind_the_manager_and_finance_until_paid(demo_home):
    order_id, number, _ = new_order(demo_home, terms_template_id=1)  # 100% prepay, agreed + 5
    for status in ("costing", "quote_sent", "agreed"):
        move(demo_home, order_id, status)
    # due Sat 28.11 (agreed Mon 23.11 + 5 days): overdue from Sunday on
    assert _remind(demo_home, date(2026, 11, 28)) > 0
    mine = [m for m in _reminders(demo_home, date(2026, 11, 28)) if number in m["body"]]
    assert mine == []
    day = date(2026, 11, 29)
    _remind(demo_home, day)
    with_order = {m["recipient_user_id"] for m in _reminders(demo_home, day) if number in m["body"]}
    assert with_order == {IVANOV} | DEPARTMENT["finance"]
    (ivanov_mail,) = [m for m in _reminders(demo_home, day) if m["recipient_user_id"] == IVANOV]
    assert "этап «Предоплата 100%»: не оплачено" in ivanov_mail["body"]
    assert "срок 28.11.2026 (просрочено на 1 дн.)" in ivanov_mail["body"]

    with desk(demo_home, "egorova", datetime(2026, 11, 29, 12)).writing() as a:
        (step,) = payments.payment_calendar(a, order_id)["steps"]
        invoice_id, _ = payments.issue_invoice(
            a, order_id, step_id=step["id"], issue_date=date(2026, 11, 23),
            due_date=date(2026, 11, 28), amount=step["amount"],
        )  # fmt: skip
        payments.record_payment(
            a, order_id, invoice_id=invoice_id, payment_date=date(2026, 11, 29),
            amount=Decimal(step["amount"]), doc_no="п/п 1",
        )  # fmt: skip
    nxt = day + timedelta(days=1)
    _remind(demo_home, nxt)
    assert not [m for m in _reminders(demo_home, nxt) if number in m["body"]]
    assert EGOROVA in {m["recipient_user_id"] for m in _reminders(demo_home, nxt)}


def test_cancelled_orders_have_no_overdue_payments(demo_home):
    order_id, number, _ = new_order(demo_home, terms_template_id=1)
    for status in ("costing", "quote_sent", "agreed"):
        move(demo_home, order_id, status)
    move(demo_home, order_id, "cancelled", comment="Отказ заказчика")
    day = date(2026, 12, 10)
    _remind(demo_home, day)
    assert not [m for m in _reminders(demo_home, day) if number in m["body"]]
