"""Notification pages driven through AppTest: the rules editor (admin) and its read-only view
(leadership), the outbox's dead letters, the demo mailbox, and the order card's tasks panel.
Outcomes are read back from the store.

The pages are run straight from their files with the session seeded (they only need the
session), so they are tested whether or not the navigation lists them yet.
"""

from __future__ import annotations

import mailbox
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from apptest_helpers import TIMEOUT, assert_clean, errors, log_in_as, plant_store
from streamlit.testing.v1 import AppTest

import dashboards
from dashboards.ui.escape import md_escape

PAGES = Path(dashboards.__file__).parent / "app_pages"
RULES_PAGE = PAGES / "admin" / "admin_notifications.py"
OUTBOX_PAGE = PAGES / "admin" / "admin_outbox.py"
MAILBOX_PAGE = PAGES / "common" / "mailbox.py"
RULE = "agreed.finance"


def _page(demo_home, monkeypatch, path: Path, login: str) -> AppTest:
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    at = AppTest.from_file(str(path), default_timeout=TIMEOUT)
    log_in_as(at, login)
    return at.run()


def _one(sql: str, params: list | None = None):
    with plant_store().read() as conn:
        return conn.execute(sql, params or []).fetchone()


def _texts(at) -> list[str]:
    return [el.value for el in at.text]


def _submit(at, form_key: str):
    return next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form_key}-"))


# --- rules ------------------------------------------------------------------------------------


def test_admin_edits_a_task_rule_title(demo_home, monkeypatch):
    at = _page(demo_home, monkeypatch, RULES_PAGE, "admin")
    assert_clean(at)
    titles = at.dataframe[0].value["Задача"].tolist()
    assert "Выставить счёт на предоплату" in titles
    at.selectbox(key="admin_notifications_rule").set_value(RULE).run()
    form = f"admin_notifications_task_{RULE}"
    at.text_input(key=f"{form}_title").input("Выставить счёт на аванс 50 %")
    at.number_input(key=f"{form}_days").set_value(2)
    _submit(at, form).click().run()

    assert_clean(at)
    assert [s.value for s in at.success] == ["Правило сохранено"]
    assert _one("SELECT title, due_working_days, due_by, updated_by "
                "FROM notification_task_rules WHERE rule_key = ?", [RULE]) == (
        "Выставить счёт на аванс 50 %", 2, None, 1)  # fmt: skip
    audit = _one("SELECT user_id, action, old_value, new_value FROM audit_log "
                 "WHERE entity = 'notification_rule' AND field = ?",
                 [f"task.{RULE}.title"])  # fmt: skip
    assert audit == (1, "update", "Выставить счёт на предоплату", "Выставить счёт на аванс 50 %")
    assert "Выставить счёт на аванс 50 %" in at.dataframe[0].value["Задача"].tolist()


def test_admin_sets_email_recipients_and_a_template(demo_home, monkeypatch):
    at = _page(demo_home, monkeypatch, RULES_PAGE, "admin")
    at.selectbox(key="admin_notifications_email_status").set_value("quote_sent").run()
    at.multiselect(key="admin_notifications_emails_quote_sent_pick").select("sales_manager")
    _submit(at, "admin_notifications_emails_quote_sent").click().run()
    assert_clean(at)
    assert _one("SELECT is_active FROM notification_email_rules "
                "WHERE status = 'quote_sent' AND recipient = 'sales_manager'") == (
        True,)  # fmt: skip

    at.selectbox(key="admin_notifications_tpl_kind").set_value("reminder").run()
    at.text_input(key="admin_notifications_tpl_reminder_subject").input("Просрочено {nope}")
    _submit(at, "admin_notifications_tpl_reminder").click().run()
    assert not at.exception
    assert any("nope" in e and "подстановка" in e for e in errors(at))  # refused, form kept
    assert at.text_input(key="admin_notifications_tpl_reminder_subject").value == (
        "Просрочено {nope}")  # fmt: skip
    at.text_input(key="admin_notifications_tpl_reminder_subject").input("Просрочено у вас")
    _submit(at, "admin_notifications_tpl_reminder").click().run()
    assert_clean(at)
    assert _one("SELECT subject FROM notification_templates WHERE kind = 'reminder'") == (
        "Просрочено у вас",)  # fmt: skip


def test_leadership_reads_the_rules_without_forms(demo_home, monkeypatch):
    at = _page(demo_home, monkeypatch, RULES_PAGE, "makarova")
    assert_clean(at)
    assert [i.value for i in at.info] == ["Правила может менять только администратор."]
    rules = at.dataframe[0].value
    assert "Выставить счёт на предоплату" in rules["Задача"].tolist()
    emails = dict(zip(at.dataframe[1].value["Новый статус"], at.dataframe[1].value["Кому письмо"],
                      strict=True))  # fmt: skip
    assert emails["Согласован"].count("отдел") == 2 and "менеджер" in emails["Согласован"]
    assert not any(b.key and b.key.startswith("FormSubmitter:") for b in at.button)
    assert not any((w.key or "").startswith("admin_notifications_") for w in at.text_input)
    assert any("{order_number}" in text for text in _texts(at))  # the stored template, as text


# --- outbox -----------------------------------------------------------------------------------


def _dead_letter() -> str:
    message_id = "<zakaz.event-999999.user-3@zakaz.local>"
    with plant_store().write() as conn:
        conn.execute(
            "INSERT INTO notification_outbox (id, message_id, event_id, kind, recipient_user_id, "
            "recipient_email, subject, body, state, attempts, next_attempt_at, last_error, "
            "created_at) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM notification_outbox), "
            "?, NULL, 'status', 3, 'ivanov@zakaz.local', 'Заказ **З-1**: <b>статус</b>', 'x', "
            "'dead', 1, NULL, '550 5.1.1 mailbox unavailable', ?)",
            [message_id, datetime.now() - timedelta(hours=1)],
        )
    return message_id


def test_dead_letter_is_listed_and_sent_again(demo_home, monkeypatch):
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    message_id = _dead_letter()
    at = _page(demo_home, monkeypatch, OUTBOX_PAGE, "admin")
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}["не доставлено"] == "1"
    texts = _texts(at)
    assert any("ivanov@zakaz.local · Заказ **З-1**: <b>статус</b>" in x for x in texts)
    assert any("550 5.1.1 mailbox unavailable" in x for x in texts)
    (row_id,) = _one("SELECT id FROM notification_outbox WHERE message_id = ?", [message_id])
    at.button(key=f"admin_outbox_retry_{row_id}").click().run()

    assert_clean(at)
    assert [s.value for s in at.success] == ["Письмо снова поставлено в очередь"]
    state, last_error, due = _one("SELECT state, last_error, next_attempt_at "
                                  "FROM notification_outbox WHERE id = ?", [row_id])  # fmt: skip
    assert (state, last_error) == ("retry", None) and due is not None
    assert not any(b.key == f"admin_outbox_retry_{row_id}" for b in at.button)
    assert _one("SELECT new_value FROM audit_log WHERE entity = 'outbox' AND entity_id = ?",
                [row_id]) == ("retry",)  # fmt: skip


# --- demo mailbox -----------------------------------------------------------------------------

HTML_BODY = "Здравствуйте!\n<script>alert(1)</script> <b>жирный</b> **не markdown**"


def _deliver(home: Path, to: str, subject: str, body: str) -> None:
    box = mailbox.Maildir(home / "mail", create=True)
    msg = EmailMessage()
    msg["From"] = "zakaz@zakaz.local"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash((to, subject)))}@zakaz.local>"
    msg.set_content(body)
    box.add(msg)


def test_mailbox_shows_own_mail_as_plain_text(demo_home, monkeypatch):
    _deliver(demo_home, "Соколова <sokolova@zakaz.local>", "Заказ З-2026-0002: Отгружен", "x")
    _deliver(demo_home, "Иванов Иван <ivanov@zakaz.local>", "Заказ З-2026-0001: Согласован",
             HTML_BODY)  # fmt: skip
    at = _page(demo_home, monkeypatch, MAILBOX_PAGE, "ivanov")
    assert_clean(at)
    assert at.toggle(key="mailbox_only_mine").value is True
    table = at.dataframe[0].value
    assert table["Тема"].tolist() == ["Заказ З-2026-0001: Согласован"]
    assert HTML_BODY in _texts(at)  # st.text: shown literally, never as HTML or Markdown
    assert not any("<script>" in m.value or "жирный" in m.value for m in at.markdown)

    admin = _page(demo_home, monkeypatch, MAILBOX_PAGE, "admin")
    assert_clean(admin)
    assert admin.toggle(key="mailbox_only_mine").value is False
    assert sorted(admin.dataframe[0].value["Тема"]) == [
        "Заказ З-2026-0001: Согласован", "Заказ З-2026-0002: Отгружен"]  # fmt: skip


def test_mailbox_without_the_sink_says_so(demo_home, monkeypatch):
    at = _page(demo_home, monkeypatch, MAILBOX_PAGE, "ivanov")
    assert_clean(at)
    assert len(at.dataframe) == 0
    assert [i.value for i in at.info] == [
        "Локальный почтовый сервер не запущен: письма уходят на настроенный SMTP-сервер."
    ]


# --- the order card's tasks panel -------------------------------------------------------------


def _panel_script(order_id: int) -> None:
    from dashboards.order_card import tasks_panel

    tasks_panel.render(order_id)


def _panel(demo_home, monkeypatch, login: str, order_id: int) -> AppTest:
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    at = AppTest.from_function(_panel_script, args=(order_id,), default_timeout=TIMEOUT)
    log_in_as(at, login)
    return at.run()


def _order(sql_where: str) -> tuple[int, str]:
    return _one(f"SELECT id, number FROM orders WHERE {sql_where} ORDER BY id LIMIT 1")


def test_head_assigns_a_task_from_the_card(demo_home, monkeypatch):
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    order_id, _ = _order("status = 'agreed'")
    at = _panel(demo_home, monkeypatch, "morozov", order_id)  # head of procurement
    assert_clean(at)
    form = f"tasks_panel_{order_id}"
    at.selectbox(key=f"{form}_assignee").set_value(16)  # orlova, logistics
    at.text_input(key=f"{form}_title").input("Уточнить габариты для перевозки")
    due = datetime.now().date() + timedelta(days=3)
    at.date_input(key=f"{form}_due").set_value(due)
    _submit(at, f"{form}_form").click().run()

    assert_clean(at)
    (name,) = _one("SELECT full_name FROM users WHERE id = 16")
    assert [s.value for s in at.success] == [f"Задача назначена: {md_escape(name)}"]
    task = _one("SELECT id, assignee_id, role, title, due_date, state, created_by, rule_key "
                "FROM tasks WHERE order_id = ? AND title = ?",
                [order_id, "Уточнить габариты для перевозки"])  # fmt: skip
    assert task is not None and task[1:] == (
        16, "logistics", "Уточнить габариты для перевозки", due, "open", 9, None)  # fmt: skip
    mail = _one("SELECT kind, recipient_user_id, recipient_email, state FROM notification_outbox "
                "WHERE recipient_user_id = 16 AND kind = 'manual_task'")  # fmt: skip
    assert mail == ("manual_task", 16, "orlova@zakaz.local", "pending")
    assert "Уточнить габариты для перевозки" in at.dataframe[0].value["Задача"].tolist()
    assert at.text_input(key=f"{form}_title").value == ""


def test_refused_assignment_keeps_the_form(demo_home, monkeypatch):
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    order_id, _ = _order("status = 'agreed'")
    at = _panel(demo_home, monkeypatch, "sergeev", order_id)  # leadership
    form = f"tasks_panel_{order_id}"
    title = "Позвонить заказчику " + "и уточнить " * 40  # longer than the store takes
    at.text_input(key=f"{form}_title").input(title)
    _submit(at, f"{form}_form").click().run()
    assert not at.exception
    assert len(errors(at)) == 1 and "300" in errors(at)[0]
    assert at.text_input(key=f"{form}_title").value == title
    assert _one("SELECT count(*) FROM tasks WHERE title LIKE 'Позвонить заказчику%'") == (0,)


@pytest.mark.parametrize("login", ["ivanov", "volkova"])
def test_plain_employee_gets_no_assign_form(demo_home, monkeypatch, login):
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    order_id, _ = _order("sales_manager_id = 3 AND status = 'agreed'")
    at = _panel(demo_home, monkeypatch, login, order_id)
    assert_clean(at)
    assert at.expander and at.expander[0].label == "Задачи по заказу"
    assert not any((b.key or "").startswith("FormSubmitter:") for b in at.button)
    assert not any((w.key or "").startswith("tasks_panel_") for w in at.text_input)
