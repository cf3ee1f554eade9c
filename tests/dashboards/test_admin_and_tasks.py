"""Admin pages (users, access matrix) and My tasks, driven through AppTest; outcomes read back
from the store."""

from __future__ import annotations

import pytest
from apptest_helpers import app_test, assert_clean, errors, log_in_as, open_page, plant_store

from dashboards.i18n import role_name, translate
from ingest.service import Desk, tasks
from zakaz.passwords import verify_password

USERS_PAGE = "app_pages/admin/admin_users.py"
ACCESS_PAGE = "app_pages/admin/admin_access.py"
TASKS_PAGE = "app_pages/common/my_tasks.py"
NEW_PASSWORD = "Kl1uch-k-zamku"


def _row(sql: str, params: list) -> tuple | None:
    with plant_store().read() as conn:
        return conn.execute(sql, params).fetchone()


def _table(at, index: int = 0) -> list[dict]:
    return at.dataframe[index].value.to_dict("records")


# --- users ------------------------------------------------------------------------------------


def _fill_new_user(at, login: str, password: str) -> None:
    at.text_input(key="admin_users_new_login").input(login)
    at.text_input(key="admin_users_new_name").input("Сидоров Пётр Ильич")
    at.text_input(key="admin_users_new_email").input("sidorov@zavod.example")
    at.selectbox(key="admin_users_new_role").set_value("logistics")
    at.checkbox(key="admin_users_new_head").check()
    at.text_input(key="admin_users_new_pw").input(password)
    at.button(key="FormSubmitter:admin_users_new-Создать пользователя").click()
    at.run()


def test_admin_creates_a_user_through_the_form(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "admin")
    open_page(at, USERS_PAGE)
    assert_clean(at)
    logins = {r["Логин"] for r in _table(at)}
    assert {"admin", "ivanov", "makarova"} <= logins
    assert not any("argon2" in str(v) for r in _table(at) for v in r.values())

    _fill_new_user(at, "sidorov", NEW_PASSWORD)

    assert_clean(at)
    assert [s.value for s in at.success] == ["Пользователь создан"]
    row = _row("SELECT id, full_name, email, role, is_head, is_active, password_hash "
               "FROM users WHERE login = 'sidorov'", [])  # fmt: skip
    assert row is not None
    user_id, full_name, email, role, is_head, is_active, password_hash = row
    assert (full_name, email, role, is_head, is_active) == (
        "Сидоров Пётр Ильич", "sidorov@zavod.example", "logistics", True, True)  # fmt: skip
    assert password_hash.startswith("$argon2") and NEW_PASSWORD not in password_hash
    assert verify_password(password_hash, NEW_PASSWORD)
    audit = _row("SELECT user_id, action, count(*) FROM audit_log WHERE entity = 'user' "
                 "AND entity_id = ? GROUP BY ALL", [user_id])  # fmt: skip
    assert audit is not None and audit[:2] == (1, "insert")
    masked = _row("SELECT new_value FROM audit_log WHERE entity = 'user' AND entity_id = ? "
                  "AND field = 'password'", [user_id])  # fmt: skip
    assert masked == ("***",)
    # the list shows the new user; the form is empty again
    new = next(r for r in _table(at) if r["Логин"] == "sidorov")
    assert new["Роль"] == role_name("logistics") and new["Руководитель отдела"] == "да"
    assert at.text_input(key="admin_users_new_login").value == ""
    assert at.text_input(key="admin_users_new_pw").value == ""


def test_refused_new_user_keeps_the_form(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "admin")
    open_page(at, USERS_PAGE)
    _fill_new_user(at, "sidorov", "short")
    assert not at.exception
    assert any("не короче 8" in e for e in errors(at))
    assert _row("SELECT id FROM users WHERE login = 'sidorov'", []) is None
    assert at.text_input(key="admin_users_new_login").value == "sidorov"
    assert at.text_input(key="admin_users_new_name").value == "Сидоров Пётр Ильич"


def test_admin_edits_resets_and_unlocks_a_user(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    with plant_store().write() as conn:
        conn.execute("UPDATE users SET failed_logins = 5, locked_until = now()::TIMESTAMP "
                     "+ INTERVAL 10 MINUTE WHERE login = 'petrova'")  # fmt: skip
    log_in_as(at, "admin")
    open_page(at, USERS_PAGE)
    at.selectbox(key="admin_users_pick").set_value(4).run()  # petrova
    assert_clean(at)
    assert at.warning[0].value == "Вход заблокирован после неудачных попыток"
    at.button(key="admin_users_unlock_4").click().run()
    assert_clean(at)
    assert _row("SELECT failed_logins, locked_until FROM users WHERE id = 4", []) == (0, None)

    at.selectbox(key="admin_users_edit_role_4").set_value("finance")
    at.checkbox(key="admin_users_edit_head_4").check()
    at.checkbox(key="admin_users_edit_active_4").uncheck()
    at.button(key="FormSubmitter:admin_users_edit_4-Сохранить изменения").click().run()
    assert_clean(at)
    assert _row("SELECT role, is_head, is_active FROM users WHERE id = 4", []) == (
        "finance", True, False)  # fmt: skip

    at.text_input(key="admin_users_reset_pw_4").input(NEW_PASSWORD)
    at.button(key="FormSubmitter:admin_users_reset_4-Сменить пароль").click().run()
    assert_clean(at)
    (password_hash,) = _row("SELECT password_hash FROM users WHERE id = 4", [])
    assert verify_password(password_hash, NEW_PASSWORD)


# --- access matrix ----------------------------------------------------------------------------


def test_admin_changes_an_access_cell(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    assert _row("SELECT access, scope FROM access_rules WHERE role = 'sales' "
                "AND field_group = 'economics'", []) == ("none", "own")  # fmt: skip
    log_in_as(at, "admin")
    open_page(at, ACCESS_PAGE)
    assert_clean(at)
    at.selectbox(key="admin_access_role").set_value("sales")
    at.selectbox(key="admin_access_group").set_value("economics").run()
    at.selectbox(key="admin_access_level_sales_economics").set_value("read")
    at.selectbox(key="admin_access_scope_sales_economics").set_value("all")
    at.button(key="FormSubmitter:admin_access_cell-Сохранить право").click().run()

    assert_clean(at)
    assert [s.value for s in at.success] == ["Право доступа изменено"]
    assert _row("SELECT access, scope FROM access_rules WHERE role = 'sales' "
                "AND field_group = 'economics'", []) == ("read", "all")  # fmt: skip
    audit = _row("SELECT user_id, field, old_value, new_value FROM audit_log "
                 "WHERE entity = 'permission' ORDER BY id DESC LIMIT 1", [])  # fmt: skip
    assert audit == (1, "sales.economics", "none/own", "read/all")
    grid = {r["Группа полей"]: r for r in _table(at)}
    economics = grid[translate("admin.group.economics", "ru")]
    assert economics[role_name("sales")] == "чтение (все)"


def test_admin_cannot_break_own_header_access(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "admin")
    open_page(at, ACCESS_PAGE)
    at.selectbox(key="admin_access_role").set_value("admin")
    at.selectbox(key="admin_access_group").set_value("header").run()
    at.selectbox(key="admin_access_level_admin_header").set_value("read")
    at.button(key="FormSubmitter:admin_access_cell-Сохранить право").click().run()
    assert not at.exception
    assert len(errors(at)) == 1
    assert at.selectbox(key="admin_access_level_admin_header").value == "read"  # kept as typed
    assert _row("SELECT access FROM access_rules WHERE role = 'admin' "
                "AND field_group = 'header'", []) == ("write",)  # fmt: skip


def test_leadership_sees_the_grid_read_only(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "makarova")
    open_page(at, ACCESS_PAGE)
    assert_clean(at)
    grid = _table(at)
    assert len(grid) == 9
    header = {r["Группа полей"]: r for r in grid}[translate("admin.group.header", "ru")]
    assert header[role_name("sales")] == "запись (свои)"
    assert header[role_name("leadership")] == "чтение (все)"
    main = at.main
    assert list(main.selectbox) == [] and list(main.button) == []
    assert list(at.form_submit_button) == [] and list(at.form) == []
    assert at.info[0].value == "Только просмотр: права меняет администратор."


@pytest.mark.parametrize("login", ["ivanov", "makarova", "pavlov"])
def test_non_admin_cannot_reach_the_users_page(demo_home, monkeypatch, login):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, login)
    at.run()
    with pytest.raises(ValueError):
        at.switch_page(USERS_PAGE)
    if login != "makarova":
        with pytest.raises(ValueError):
            at.switch_page(ACCESS_PAGE)


# --- my tasks ---------------------------------------------------------------------------------


def _my_tasks(login: str) -> list[dict]:
    with Desk(plant_store(), login).reading() as a:
        return tasks.my_tasks(a)


def test_my_tasks_overdue_first_then_mark_done(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "ivanov")
    open_page(at, TASKS_PAGE)
    assert_clean(at)
    expected = _my_tasks("ivanov")
    overdue = sum(1 for task in expected if task["overdue"])
    assert overdue > 0  # the demo (as of today) has overdue tasks
    table = _table(at)
    assert len(table) == len(expected)
    marks = [r["Просрочка"] for r in table]
    assert marks == ["просрочено"] * overdue + [""] * (len(expected) - overdue)
    assert [r["Номер заказа"] for r in table] == [t["order_number"] for t in expected]
    assert [m.value for m in at.metric] == [str(len(expected)), str(overdue)]

    first = expected[0]
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [0], "columns": [],
                                                           "cells": []}}  # fmt: skip
    at.run()
    at.button(key="tasks_mark_done").click().run()

    assert_clean(at)
    assert [s.value for s in at.success] == ["Задача отмечена выполненной"]
    assert _row("SELECT state, closed_by FROM tasks WHERE id = ?", [first["id"]]) == ("done", 3)
    assert len(_table(at)) == len(expected) - 1
    assert [m.value for m in at.metric] == [str(len(expected) - 1), str(overdue - 1)]
    assert "tasks_mark_done" not in [b.key for b in at.button]  # the selection was reset


def test_my_tasks_shows_done_tasks_and_opens_the_card(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "orlova")
    open_page(at, TASKS_PAGE)
    open_count = len(_table(at))
    at.toggle(key="tasks_show_done").set_value(True).run()
    assert_clean(at)
    states = [r["Состояние"] for r in _table(at)]
    assert states.count("открыта") == open_count and "выполнена" in states
    assert states.index("выполнена") == open_count  # open ones first
    number = _my_tasks("orlova")[0]["order_number"]
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [0], "columns": [],
                                                           "cells": []}}  # fmt: skip
    at.run()
    at.button(key="tasks_open_order").click().run()
    assert at.query_params.get("order") == number
