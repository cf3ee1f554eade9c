"""Logging in: check a login and password, limit failed attempts, and time out idle sessions.

This is how a session starts, so it takes the Store rather than an Acting. Verifying an argon2
hash takes ~50 ms, too long to hold the store's exclusive lock for: the hash is read in a read
transaction, verified outside any transaction, and the outcome is recorded in a short write
transaction that re-reads the lock state (another attempt may have locked the login meanwhile).

An unknown login and a wrong password get the same message, so the reply never tells whether a
login exists. Failed attempts are not changes and are not audited; a lockout is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from ingest.access import Actor, InactiveUserError
from ingest.store import Store, audit
from ingest.store.errors import StoreError
from zakaz.passwords import hash_password, verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE_TIMEOUT = timedelta(hours=8)


class LoginFailed(StoreError):
    """Unknown login or wrong password (deliberately the same message for both)."""

    def __init__(self) -> None:
        super().__init__("Неверный логин или пароль")


class LoginLocked(StoreError):
    """Too many failed attempts: the login is refused until `until`, even with the password."""

    def __init__(self, until: datetime):
        super().__init__(
            f"Вход заблокирован до {until:%H:%M} после {MAX_FAILED_LOGINS} неудачных попыток"
        )
        self.until = until


@dataclass(frozen=True)
class _Account:
    user_id: int
    login: str
    role: str
    is_head: bool
    is_active: bool
    password_hash: str
    failed_logins: int
    locked_until: datetime | None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


_ACCOUNT_SQL = (
    "SELECT id, login, role, is_head, is_active, password_hash, coalesce(failed_logins, 0), "
    "locked_until FROM users WHERE login = ?"
)


def _account(conn, login: str) -> _Account | None:
    row = conn.execute(_ACCOUNT_SQL, [login]).fetchone()
    if row is None:
        return None
    uid, login, role, is_head, is_active, pw_hash, failed, locked_until = row
    return _Account(int(uid), login, role, bool(is_head), bool(is_active), pw_hash, int(failed),
                    locked_until)  # fmt: skip


@cache
def _decoy_hash() -> str:
    """A hash to verify against for an unknown login, so it takes as long as a known one."""
    return hash_password("no such user: decoy password")


def authenticate(store: Store, login: str, password: str, now: datetime) -> Actor:
    """The actor for this login and password.

    Raises LoginFailed (unknown login, wrong password), LoginLocked (the attempt that makes the
    MAX_FAILED_LOGINS-th consecutive failure, and every attempt while locked) or
    InactiveUserError (only to someone who knows the password).
    """
    login = (login or "").strip()
    with store.read() as conn:
        account = _account(conn, login)
    if account is None:
        verify_password(_decoy_hash(), password or "")
        raise LoginFailed()
    if account.locked_at(now):
        raise LoginLocked(account.locked_until)
    password_ok = verify_password(account.password_hash, password or "")

    with store.write() as conn:
        outcome = _record_outcome(conn, login, password_ok, now)
    # Raised after the block: raising inside it would roll the recorded failure back.
    if isinstance(outcome, StoreError):
        raise outcome
    return outcome


def _record_outcome(conn, login: str, password_ok: bool, now: datetime) -> Actor | StoreError:
    """Write the attempt's effect on the counter/lock; the actor, or the refusal to raise."""
    account = _account(conn, login)  # afresh: the role or the lock may have changed meanwhile
    if account is None:  # renamed between the two transactions
        return LoginFailed()
    if account.locked_at(now):
        return LoginLocked(account.locked_until)
    if not password_ok:
        return _record_failure(conn, account, now)
    if not account.is_active:
        return InactiveUserError(account.login)
    if account.failed_logins or account.locked_until is not None:
        conn.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
            [account.user_id],
        )
    return Actor(account.user_id, account.login, account.role, account.is_head)


def _record_failure(conn, account: _Account, now: datetime) -> StoreError:
    # After an expired lockout the count starts afresh: another MAX_FAILED_LOGINS tries.
    before = 0 if account.locked_until is not None else account.failed_logins
    failed = before + 1
    if failed < MAX_FAILED_LOGINS:
        conn.execute(
            "UPDATE users SET failed_logins = ?, locked_until = NULL WHERE id = ?",
            [failed, account.user_id],
        )
        return LoginFailed()
    until = now + LOCKOUT
    conn.execute(
        "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
        [failed, until, account.user_id],
    )
    audit.record(
        conn, user_id=None, entity="user", entity_id=account.user_id, action="update",
        changes={"locked_until": (account.locked_until, until)}, at=now,
    )  # fmt: skip
    return LoginLocked(until)  # the attempt that locks already says so, and until when


def session_expired(last_seen: datetime, now: datetime) -> bool:
    """Has a session been idle longer than SESSION_IDLE_TIMEOUT?"""
    return now - last_seen > SESSION_IDLE_TIMEOUT
