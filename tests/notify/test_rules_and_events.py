"""Status events → tasks and emails, by the default rules of domain.md, each exactly once.

Orders are made and moved with the real services (ingest.service) on a copy of the demo plant;
process_status_event is then called for each new event, as the notification run does.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from importlib import resources

import pytest
from event_helpers import (
    APP_URL,
    DEPARTMENT,
    EGOROVA,
    IVANOV,
    MONDAY,
    NIKITINA,
    ORLOVA,
    PATH,
    PAVLOV,
    VOLKOVA,
    counts,
    messages,
    move,
    move_and_process,
    new_order,
    process,
    rows,
    tasks_of_event,
    value,
)

from ingest.notify import workdays
from ingest.notify.events import event_ids_after
from ingest.notify.rules import load_task_rules
from ingest.store import Store
from zakaz.demo import workdays as demo_workdays

TITLES = {
    "need.sales": "Подготовить расчёт и КП",
    "quote_sent.sales": "Связаться с заказчиком по КП",
    "agreed.finance": "Выставить счёт на предоплату",
    "agreed.procurement": "Проверить и заказать материалы",
    "procurement.procurement": "Закупить материалы",
    "production.production": "Спланировать и изготовить",
    "ready_to_ship.logistics": "Организовать доставку",
    "ready_to_ship.finance": "Выставить счёт на остаток",
    "shipped.finance": "Проконтролировать оплату",
    "shipped.sales": "Подтвердить получение заказчиком",
    "delivered.sales": "Закрыть сделку",
}
# domain.md's table, with every move on Monday 23.11.2026: rule -> (role, assignee, due);
# due in working days: +1 Tue 24.11, +2 Wed 25.11, +3 Thu 26.11, +5 Mon 30.11.
# production: the planned shipment date; shipped: the balance step of terms 4 (30% on the day of
# shipment, Mon 23.11).
EXPECTED_TASKS = {
    "need": {"need.sales": ("sales", IVANOV, date(2026, 11, 25))},
    "costing": {},
    "quote_sent": {"quote_sent.sales": ("sales", IVANOV, date(2026, 11, 26))},
    "agreed": {
        "agreed.finance": ("finance", None, date(2026, 11, 24)),
        "agreed.procurement": ("procurement", VOLKOVA, date(2026, 11, 26)),
    },
    "procurement": {"procurement.procurement": ("procurement", VOLKOVA, date(2026, 11, 30))},
    "production": {"production.production": ("production", None, date(2026, 12, 15))},
    "ready_to_ship": {
        "ready_to_ship.logistics": ("logistics", ORLOVA, date(2026, 11, 25)),
        "ready_to_ship.finance": ("finance", None, date(2026, 11, 24)),
    },
    "shipped": {
        "shipped.finance": ("finance", None, date(2026, 11, 23)),
        "shipped.sales": ("sales", IVANOV, date(2026, 11, 26)),
    },
    "delivered": {"delivered.sales": ("sales", IVANOV, date(2026, 11, 25))},
}
EXPECTED_RECIPIENTS = {
    "need": {IVANOV},
    "costing": set(),
    "quote_sent": set(),
    "agreed": DEPARTMENT["finance"] | DEPARTMENT["procurement"] | {IVANOV},
    "procurement": DEPARTMENT["procurement"] | DEPARTMENT["production"],
    "production": DEPARTMENT["production"] | DEPARTMENT["logistics"],
    "ready_to_ship": DEPARTMENT["logistics"] | DEPARTMENT["finance"] | {IVANOV},
    "shipped": {IVANOV} | DEPARTMENT["finance"],
    "delivered": {IVANOV} | DEPARTMENT["leadership"],
}


def _check_event(home, event_id, status, number):
    tasks = tasks_of_event(home, event_id)
    got = {t["rule_key"]: (t["role"], t["assignee_id"], t["due_date"]) for t in tasks}
    assert got == EXPECTED_TASKS[status], status
    for task in tasks:
        assert task["title"] == f"{TITLES[task['rule_key']]} — {number}"
        assert task["state"] == "open" and task["created_by"] is None
    sent = messages(home, "event_id = ?", [event_id])
    assert {m["recipient_user_id"] for m in sent} == EXPECTED_RECIPIENTS[status], status
    for m in sent:
        uid = m["recipient_user_id"]
        assert m["message_id"] == f"<zakaz.event-{event_id}.user-{uid}@zakaz.local>"
        assert m["state"] == "pending" and m["attempts"] == 0 and m["kind"] == "status"
        assert m["next_attempt_at"] == MONDAY and m["recipient_email"].endswith("@zakaz.local")
        assert number in m["subject"] and number in m["body"]
        assert f"{APP_URL}/order?order=" in m["body"]
        for task in tasks:  # every recipient reads what the event set in motion, with its date
            assert task["title"] in m["body"]
            assert f"{task['due_date']:%d.%m.%Y}" in m["body"]


def test_every_default_rule_gives_its_tasks_and_recipients_exactly_once(demo_home):
    order_id, number, need_event = new_order(demo_home)
    outcome = process(demo_home, need_event)
    assert (outcome.tasks_created, outcome.messages_queued, outcome.tasks_closed) == (1, 1, 0)
    _check_event(demo_home, need_event, "need", number)
    for status in PATH:
        event_id, outcome = move_and_process(demo_home, order_id, status)
        assert outcome.tasks_created == len(EXPECTED_TASKS[status]), status
        assert outcome.messages_queued == len(EXPECTED_RECIPIENTS[status]), status
        _check_event(demo_home, event_id, status, number)
        before = counts(demo_home)
        again = process(demo_home, event_id)  # a rerun (crash and restart) adds nothing
        assert (again.tasks_created, again.messages_queued, again.tasks_closed) == (0, 0, 0)
        assert counts(demo_home) == before
    body = messages(demo_home, "recipient_user_id = ? AND subject LIKE '%Доставлен%'", [IVANOV])
    assert "ООО" in body[0]["body"] or "АО" in body[0]["body"]  # the customer is named


def test_status_texts_are_russian_with_status_due_date_and_link(demo_home):
    order_id, number, need_event = new_order(demo_home)
    process(demo_home, need_event)
    (mail,) = messages(demo_home, "event_id = ?", [need_event])
    customer = value(
        demo_home,
        "SELECT c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = ?",
        [order_id],
    )
    assert mail["subject"] == f"Заказ {number}: Потребность"
    assert f"Заказ {number} ({customer}) переведён в статус «Потребность»" in mail["body"]
    assert "Срок: 25.11.2026" in mail["body"]
    assert "%D0%97" in mail["body"]  # the order number in the link, URL-encoded
    assert "{" not in mail["body"]


def test_audit_rows_for_the_tasks_a_rule_made(demo_home):
    order_id, _, need_event = new_order(demo_home)
    process(demo_home, need_event)
    (task,) = tasks_of_event(demo_home, need_event)
    audited = rows(
        demo_home,
        "SELECT field, new_value, user_id, order_id FROM audit_log "
        "WHERE entity = 'task' AND entity_id = ? AND action = 'insert'",
        [task["id"]],
    )
    fields = {r["field"]: r["new_value"] for r in audited}
    assert fields["rule_key"] == "need.sales" and fields["assignee_id"] == str(IVANOV)
    assert {r["order_id"] for r in audited} == {order_id}
    assert {r["user_id"] for r in audited} == {None}  # made by the rules, not a person


def test_cancel_closes_open_tasks_and_tells_each_owner_once(demo_home):
    order_id, number, need_event = new_order(demo_home)
    process(demo_home, need_event)
    for status in ("costing", "quote_sent", "agreed"):
        move_and_process(demo_home, order_id, status)
    open_before = rows(
        demo_home, "SELECT id FROM tasks WHERE order_id = ? AND state = 'open'", [order_id]
    )
    assert len(open_before) == 4  # need, quote_sent (ivanov), agreed: finance dept, volkova
    cancel_at = datetime(2026, 11, 24, 15, 30)
    event_id = move(demo_home, order_id, "cancelled", at=cancel_at, comment="Заказчик передумал")
    outcome = process(demo_home, event_id, now=cancel_at + timedelta(seconds=5))
    assert outcome.tasks_closed == 4 and outcome.tasks_created == 0

    closed = rows(demo_home, "SELECT * FROM tasks WHERE order_id = ?", [order_id])
    assert {t["state"] for t in closed} == {"cancelled"}
    assert {t["closed_at"] for t in closed} == {cancel_at}
    assert {t["closed_by"] for t in closed} == {IVANOV}
    told = messages(demo_home, "event_id = ?", [event_id])
    owners = {IVANOV, VOLKOVA, EGOROVA, PAVLOV, NIKITINA}  # the finance task is the department's
    assert sorted(m["recipient_user_id"] for m in told) == sorted(owners)
    assert outcome.messages_queued == len(owners)
    by_user = {m["recipient_user_id"]: m for m in told}
    assert by_user[IVANOV]["kind"] == "cancelled"
    assert by_user[IVANOV]["subject"] == f"Заказ {number} отменён"
    assert "Заказчик передумал" in by_user[IVANOV]["body"]
    assert "Подготовить расчёт и КП" in by_user[IVANOV]["body"]
    assert "Связаться с заказчиком по КП" in by_user[IVANOV]["body"]
    assert "Выставить счёт на предоплату" not in by_user[IVANOV]["body"]  # not his
    assert "Выставить счёт на предоплату" in by_user[PAVLOV]["body"]
    audit_rows = value(
        demo_home,
        "SELECT count(*) FROM audit_log WHERE entity = 'task' AND action = 'update' "
        "AND field = 'state' AND new_value = 'cancelled' AND order_id = ?",
        [order_id],
    )
    assert audit_rows == 4

    before = counts(demo_home)
    again = process(demo_home, event_id)
    assert (again.tasks_created, again.messages_queued, again.tasks_closed) == (0, 0, 0)
    assert counts(demo_home) == before


def test_an_event_processed_after_the_cancel_makes_no_tasks(demo_home):
    order_id, _, _ = new_order(demo_home)
    agreed = [move(demo_home, order_id, s) for s in ("costing", "quote_sent", "agreed")][-1]
    cancel = move(demo_home, order_id, "cancelled", comment="Отказ")
    process(demo_home, cancel)  # the cancel's run finished first
    outcome = process(demo_home, agreed)
    assert outcome.tasks_created == 0
    assert value(demo_home, "SELECT count(*) FROM tasks WHERE order_id = ?", [order_id]) == 0
    assert outcome.messages_queued == len(EXPECTED_RECIPIENTS["agreed"])  # what happened


def test_a_status_without_rules_and_unknown_events_are_no_ops(demo_home):
    order_id, _, _ = new_order(demo_home)
    costing = move(demo_home, order_id, "costing")
    before = counts(demo_home)
    outcome = process(demo_home, costing)
    assert outcome.skipped and (outcome.tasks_created, outcome.messages_queued) == (0, 0)
    missing = process(demo_home, 10**9)
    assert missing.skipped and missing.tasks_created == 0
    assert counts(demo_home) == before


def test_users_without_email_are_skipped_and_counted(demo_home):
    with Store.open(demo_home).write() as tx:
        tx.execute("UPDATE users SET email = NULL WHERE id = ?", [PAVLOV])
        tx.execute("UPDATE users SET is_active = FALSE WHERE id = ?", [NIKITINA])
    order_id, _, _ = new_order(demo_home)
    for status in ("costing", "quote_sent"):
        move(demo_home, order_id, status)
    event_id, outcome = move_and_process(demo_home, order_id, "agreed")
    got = {m["recipient_user_id"] for m in messages(demo_home, "event_id = ?", [event_id])}
    expected = EXPECTED_RECIPIENTS["agreed"] - {PAVLOV, NIKITINA}  # inactive: not a recipient
    assert got == expected
    assert outcome.recipients_without_email == 1


def test_order_people_missing_fall_back_to_department_tasks(demo_home):
    order_id, _, _ = new_order(demo_home, procurement_id=None, planned_shipment=None)
    for status in ("costing", "quote_sent", "agreed"):
        move(demo_home, order_id, status)
    proc_event, _ = move_and_process(demo_home, order_id, "procurement")
    (task,) = tasks_of_event(demo_home, proc_event)
    assert task["assignee_id"] is None and task["role"] == "procurement"  # no procurement man
    prod_event, _ = move_and_process(demo_home, order_id, "production")
    (task,) = tasks_of_event(demo_home, prod_event)
    assert task["assignee_id"] is None and task["role"] == "production"
    assert task["due_date"] == date(2026, 12, 7)  # no planned shipment: +10 working days


@pytest.mark.parametrize(
    ("template_id", "shipped_on", "due"),
    [
        (1, MONDAY, date(2026, 11, 30)),  # 100% prepayment, no step after shipment: +5 w. days
        (2, MONDAY + timedelta(days=1), date(2026, 11, 30)),  # Tue + 5 days = Sun → Mon
        (5, MONDAY, date(2026, 11, 30)),  # 50% after delivery: not dated yet → +5 w. days
    ],
)
def test_payment_control_is_due_by_the_payment_calendar(demo_home, template_id, shipped_on, due):
    order_id, _, _ = new_order(demo_home, terms_template_id=template_id)
    for status in PATH[:-2]:
        move(demo_home, order_id, status)
    event_id, _ = move_and_process(demo_home, order_id, "shipped", at=shipped_on)
    got = {t["rule_key"]: t["due_date"] for t in tasks_of_event(demo_home, event_id)}
    assert got["shipped.finance"] == due


def test_event_ids_after_the_cursor_oldest_first(demo_home):
    store = Store.open(demo_home)
    last = value(demo_home, "SELECT max(id) FROM status_events")
    assert event_ids_after(store, last) == []
    order_id, _, need_event = new_order(demo_home)
    costing = move(demo_home, order_id, "costing")
    assert event_ids_after(store, last) == [need_event, costing]
    assert event_ids_after(store, last, limit=1) == [need_event]
    assert event_ids_after(store, need_event) == [costing]


def test_seeded_task_rules_equal_the_demo_plants(demo_home):
    """The demo generator reads its CSV; live tasks use the table: same keys, same meaning."""
    text = resources.files("zakaz.demo").joinpath("task_rules.csv").read_text(encoding="utf-8")
    demo = {
        r["rule_key"]: (
            r["status"], r["role"], r["assignee"], r["title"],
            int(r["due_working_days"]) if r["due_working_days"] else None, r["due_by"] or None,
        )
        for r in csv.DictReader(text.splitlines())
    }  # fmt: skip
    with Store.open(demo_home).read() as conn:
        live = {
            r.rule_key: (r.status, r.role, r.assignee, r.title, r.due_working_days, r.due_by)
            for r in load_task_rules(conn)
        }
    assert live == demo


def test_working_days_agree_with_the_demo_calendar():
    first, last = date(2025, 1, 1), date(2027, 12, 31)
    cal = demo_workdays.Workdays(first, last + timedelta(days=60))
    day = first
    while day <= last:
        assert workdays.is_working_day(day) == demo_workdays.is_working_day(day)
        for n in (0, 1, 2, 3, 5, 10):
            expected = date.fromordinal(cal.add(day.toordinal(), n))
            assert workdays.add_working_days(day, n) == expected, (day, n)
        day += timedelta(days=1)
    assert workdays.add_working_days(date(2026, 11, 28), 1) == date(2026, 12, 1)  # Sat → Tue
    assert workdays.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 11)  # holidays
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2026, 1, 1), -1)
