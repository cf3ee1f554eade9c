"""Logging in: the right password, one message for every wrong one, the lockout after five
failures, inactive users, idle sessions."""

from datetime import timedelta

import pytest
from demo_clock import DEMO_NOW

from ingest.access import Actor, InactiveUserError
from ingest.service.auth import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    SESSION_IDLE_TIMEOUT,
    LoginFailed,
    LoginLocked,
    authenticate,
    session_expired,
)
from ingest.store import Store, StoreError

IVANOV = 3


def _login_state(store: Store, user_id: int):
    with store.read() as conn:
        return conn.execute(
            "SELECT failed_logins, locked_until FROM users WHERE id = ?", [user_id]
        ).fetchone()


def _audit_count(store: Store) -> int:
    with store.read() as conn:
        return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_right_password_gives_the_actor(demo_home):
    store = Store.open(demo_home)
    actor = authenticate(store, "ivanov", "demo", DEMO_NOW)
    assert actor == Actor(user_id=IVANOV, login="ivanov", role="sales", is_head=False)
    head = authenticate(store, " sokolova ", "demo", DEMO_NOW)
    assert (head.login, head.role, head.is_head) == ("sokolova", "sales", True)


def test_unknown_login_and_wrong_password_read_the_same(demo_home):
    store = Store.open(demo_home)
    with pytest.raises(LoginFailed) as unknown:
        authenticate(store, "nobody", "demo", DEMO_NOW)
    with pytest.raises(LoginFailed) as wrong:
        authenticate(store, "ivanov", "wrong-password", DEMO_NOW)
    assert str(unknown.value) == str(wrong.value) == "Неверный логин или пароль"
    assert isinstance(wrong.value, StoreError)
    assert _login_state(store, IVANOV) == (1, None)


def test_fifth_failure_locks_for_fifteen_minutes(demo_home):
    store = Store.open(demo_home)
    audit_before = _audit_count(store)
    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            authenticate(store, "ivanov", f"wrong-{attempt}", DEMO_NOW)
        assert _login_state(store, IVANOV) == (attempt, None)
    assert _audit_count(store) == audit_before  # failed logins are not changes

    with pytest.raises(LoginLocked) as locked:
        authenticate(store, "ivanov", "wrong-5", DEMO_NOW)
    until = DEMO_NOW + LOCKOUT
    assert locked.value.until == until
    assert _login_state(store, IVANOV) == (MAX_FAILED_LOGINS, until)
    with store.read() as conn:
        audit_rows = conn.execute(
            "SELECT entity, entity_id, action, field, old_value, new_value FROM audit_log "
            "WHERE id > (SELECT max(id) - 1 FROM audit_log)"
        ).fetchall()
    assert audit_rows == [("user", IVANOV, "update", "locked_until", None, str(until))]

    # The right password is refused while locked, and the refusal says until when.
    with pytest.raises(LoginLocked) as refused:
        authenticate(store, "ivanov", "demo", DEMO_NOW + timedelta(minutes=5))
    assert str(refused.value) == "Вход заблокирован до 11:15 после 5 неудачных попыток"
    assert _login_state(store, IVANOV) == (MAX_FAILED_LOGINS, until)

    # Once the lock ran out the right password works and clears the counter.
    actor = authenticate(store, "ivanov", "demo", until)
    assert actor.user_id == IVANOV
    assert _login_state(store, IVANOV) == (0, None)


def test_after_an_expired_lock_the_count_starts_afresh(demo_home):
    store = Store.open(demo_home)
    for attempt in range(MAX_FAILED_LOGINS):
        with pytest.raises((LoginFailed, LoginLocked)):
            authenticate(store, "ivanov", f"wrong-{attempt}", DEMO_NOW)
    later = DEMO_NOW + LOCKOUT + timedelta(minutes=1)
    with pytest.raises(LoginFailed):
        authenticate(store, "ivanov", "wrong-again", later)
    assert _login_state(store, IVANOV) == (1, None)


def test_success_resets_the_counter(demo_home):
    store = Store.open(demo_home)
    for _ in range(3):
        with pytest.raises(LoginFailed):
            authenticate(store, "ivanov", "wrong", DEMO_NOW)
    authenticate(store, "ivanov", "demo", DEMO_NOW)
    assert _login_state(store, IVANOV) == (0, None)
    # Four more failures do not lock: the earlier three were forgotten.
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginFailed):
            authenticate(store, "ivanov", "wrong", DEMO_NOW)
    assert _login_state(store, IVANOV) == (MAX_FAILED_LOGINS - 1, None)


def test_unknown_logins_never_lock_anything(demo_home):
    store = Store.open(demo_home)
    for _ in range(MAX_FAILED_LOGINS + 1):
        with pytest.raises(LoginFailed):
            authenticate(store, "nobody", "demo", DEMO_NOW)


def test_inactive_user_is_refused_only_with_the_right_password(demo_home):
    store = Store.open(demo_home)
    with store.write() as conn:
        conn.execute("UPDATE users SET is_active = FALSE WHERE id = ?", [IVANOV])
    with pytest.raises(InactiveUserError) as refused:
        authenticate(store, "ivanov", "demo", DEMO_NOW)
    assert "отключён" in str(refused.value)
    with pytest.raises(LoginFailed):  # a guesser does not learn the account exists
        authenticate(store, "ivanov", "wrong", DEMO_NOW)


def test_idle_session_expires_after_eight_hours():
    assert SESSION_IDLE_TIMEOUT == timedelta(hours=8)
    assert not session_expired(DEMO_NOW, DEMO_NOW + timedelta(hours=8))
    assert session_expired(DEMO_NOW, DEMO_NOW + timedelta(hours=8, seconds=1))
    assert not session_expired(DEMO_NOW, DEMO_NOW)
