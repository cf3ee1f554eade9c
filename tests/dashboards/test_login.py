"""Signing in through the form, failed-login lockout, signing out, session expiry, language."""

from __future__ import annotations

from datetime import datetime, timedelta

from apptest_helpers import (
    app_test,
    assert_clean,
    errors,
    log_in_as,
    login_via_form,
    plant_store,
)

from dashboards.session import AUTH_KEY
from ingest.service.auth import MAX_FAILED_LOGINS

WRONG = "Неверный логин или пароль"


def _on_login_page(at) -> bool:
    return [t.value for t in at.title] == ["Заказ"] and len(at.text_input) == 2


def _lock_state(login: str) -> tuple:
    with plant_store().read() as conn:
        return conn.execute(
            "SELECT failed_logins, locked_until FROM users WHERE login = ?", [login]
        ).fetchone()


def test_login_page_first(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch).run()
    assert_clean(at)
    assert _on_login_page(at)
    assert [s.value for s in at.subheader] == ["Вход"]
    assert AUTH_KEY not in at.session_state


def test_correct_password_signs_in(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch).run()
    login_via_form(at, "ivanov", "demo")
    assert_clean(at)
    user = at.session_state[AUTH_KEY]["user"]
    assert (user.login, user.role, user.user_id) == ("ivanov", "sales", 3)
    assert not _on_login_page(at)
    assert any("Иванов" in c.value for c in at.sidebar.caption)


def test_wrong_password_and_unknown_login_get_the_same_message(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch).run()
    login_via_form(at, "ivanov", "not-the-password")
    assert errors(at) == [WRONG]
    assert AUTH_KEY not in at.session_state
    assert _lock_state("ivanov") == (1, None)
    login_via_form(at, "nobody-here", "demo")
    assert errors(at) == [WRONG]
    assert AUTH_KEY not in at.session_state
    assert _on_login_page(at)


def test_fifth_wrong_attempt_locks_and_the_lock_refuses_the_right_password(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch).run()
    for _ in range(MAX_FAILED_LOGINS - 1):
        login_via_form(at, "petrova", "wrong-password")
        assert errors(at) == [WRONG]
    assert _lock_state("petrova")[1] is None
    login_via_form(at, "petrova", "wrong-password")
    failed, locked_until = _lock_state("petrova")
    assert failed == MAX_FAILED_LOGINS and locked_until > datetime.now()
    locked_message = f"Слишком много неудачных попыток. Вход заблокирован до {locked_until:%H:%M}"
    assert errors(at) == [locked_message]

    login_via_form(at, "petrova", "demo")
    assert errors(at) == [locked_message]
    assert AUTH_KEY not in at.session_state
    assert _on_login_page(at)


def test_logout_clears_the_session(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "volkova")
    at.session_state["orders_text"] = "something typed"
    at.run()
    assert_clean(at)
    assert not _on_login_page(at)
    at.sidebar.button(key="logout").click().run()
    assert_clean(at)
    assert AUTH_KEY not in at.session_state
    assert "orders_text" not in at.session_state
    assert _on_login_page(at)


def test_expired_session_shows_the_notice(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "ivanov", last_seen=datetime.now() - timedelta(hours=9))
    at.run()
    assert_clean(at)
    assert AUTH_KEY not in at.session_state
    assert _on_login_page(at)
    assert [i.value for i in at.info] == ["Сеанс истёк, войдите снова"]


def test_recent_session_stays(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "ivanov", last_seen=datetime.now() - timedelta(hours=7))
    at.run()
    assert AUTH_KEY in at.session_state
    assert not _on_login_page(at)


def test_english_switch_changes_the_login_page(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch).run()
    assert [w.label for w in at.text_input] == ["Логин", "Пароль"]
    at.segmented_control(key="lang").set_value("en").run()
    assert_clean(at)
    assert [t.value for t in at.title] == ["Zakaz"]
    assert [s.value for s in at.subheader] == ["Sign in"]
    assert [w.label for w in at.text_input] == ["Login", "Password"]
    login_via_form(at, "ivanov", "wrong-password")
    assert errors(at) == ["Wrong login or password"]
