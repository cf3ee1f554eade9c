"""Shared AppTest helpers for the Streamlit app (used by several test modules: keep stable).

at = app_test(demo_home, monkeypatch)     # the router, ZAKAZ_HOME -> demo_home
log_in_as(at, "ivanov")                    # session_state auth from the users row
open_page(at, "app_pages/common/order_card.py", order="З-2026-0001")
assert not at.exception and not at.error
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from streamlit.testing.v1 import AppTest

import dashboards
from dashboards.session import AUTH_KEY, SessionUser
from ingest.store import Store

APP_FILE = Path(dashboards.__file__).parent / "streamlit_app.py"
TIMEOUT = 60
LOGIN_SUBMIT = "FormSubmitter:login-Войти"


def app_test(demo_home, monkeypatch) -> AppTest:
    """An AppTest of dashboards/streamlit_app.py on the plant in demo_home (not run yet)."""
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    return AppTest.from_file(str(APP_FILE), default_timeout=TIMEOUT)


def plant_store() -> Store:
    """The store the app under test uses ($ZAKAZ_HOME, as set by app_test)."""
    return Store.open(os.environ["ZAKAZ_HOME"])


def session_user(login: str) -> SessionUser:
    """The SessionUser for a login, from its users row."""
    with plant_store().read() as conn:
        row = conn.execute(
            "SELECT id, login, full_name, role, is_head FROM users WHERE login = ?", [login]
        ).fetchone()
    if row is None:
        raise LookupError(f"no user {login!r} in the plant")
    user_id, login, full_name, role, is_head = row
    return SessionUser(int(user_id), login, full_name, role, bool(is_head))


def log_in_as(at: AppTest, login: str, *, last_seen: datetime | None = None) -> SessionUser:
    """Seed the session as logged in (skips the form); last_seen defaults to now."""
    user = session_user(login)
    at.session_state[AUTH_KEY] = {"user": user, "last_seen": last_seen or datetime.now()}
    return user


def open_page(at: AppTest, path: str, **query: str) -> AppTest:
    """Run the app (once, to register the navigation if needed), then go to `path`
    (relative to dashboards/) with the given query parameters and run it."""
    if not at._registered_pages:
        at.run()
    try:
        at.switch_page(path)
    except ValueError:  # the registry may depend on state set since the last run (a login)
        at.run()
        at.switch_page(path)
    at.query_params.clear()
    at.query_params.update(query)
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def assert_clean(at: AppTest) -> None:
    """No exception, no error element."""
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at) == []


def login_via_form(at: AppTest, login: str, password: str) -> AppTest:
    """Fill in and submit the login form (the app must show it)."""
    at.text_input(key="login_name").input(login)
    at.text_input(key="login_pw").input(password)
    submit = next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:login-"))
    submit.click()
    return at.run()
