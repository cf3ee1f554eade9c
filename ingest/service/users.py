"""Users: the admin's list and forms (create, edit, reset a password, unlock), the dropdown of
colleagues anyone may pick from, and changing one's own password.

Password hashes never leave this module; in the audit log a password change shows as '***'.
Hashing takes ~50 ms inside the write transaction, acceptable for these rare admin actions.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.service.acting import Acting
from ingest.store import audit
from ingest.store.errors import NotFoundError, ValidationError
from ingest.store.ids import next_id
from zakaz.domain import ROLES
from zakaz.passwords import hash_password, verify_password

LOGIN_PATTERN = re.compile(r"[A-Za-z0-9._-]{3,32}")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 200
MASK = "***"
USER_COLUMNS = (
    "id, login, full_name, email, role, is_head, is_active, created_at, "
    "coalesce(failed_logins, 0) AS failed_logins, locked_until, password_changed_at"
)
EDITABLE = ("full_name", "email", "role", "is_head", "is_active")


def _require_admin(a: Acting) -> None:
    a.require_role("admin", what="управлять пользователями")


def list_users(a: Acting) -> list[dict[str, Any]]:
    """All users for the admin page (never the password hashes); `locked` is as of a.now."""
    _require_admin(a)
    users = a.rows(f"SELECT {USER_COLUMNS} FROM users ORDER BY id")
    for user in users:
        user["locked"] = user["locked_until"] is not None and user["locked_until"] > a.now
    return users


def _load(a: Acting, user_id: int) -> dict[str, Any]:
    user = a.row(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", [user_id])
    if user is None:
        raise NotFoundError(f"Пользователь с id {user_id} не найден")
    return user


def user_choices(a: Acting, role: str | None = None) -> list[dict[str, Any]]:
    """Active users (optionally of one role) for dropdowns such as the order's managers."""
    if role is not None and role not in ROLES:
        raise ValidationError("список пользователей", "role", f"неизвестная роль {role!r}")
    return a.rows(
        "SELECT id, login, full_name, role, is_head FROM users "
        "WHERE is_active AND (CAST(? AS VARCHAR) IS NULL OR role = ?) ORDER BY full_name, id",
        [role, role],
    )


# --- validation ---------------------------------------------------------------------------


def _check_login(a: Acting, login: str) -> None:
    where = f"пользователь {login}"
    if not LOGIN_PATTERN.fullmatch(login):
        raise ValidationError(where, "login", "логин — от 3 до 32 латинских букв, цифр и . _ -")
    taken = a.row("SELECT login FROM users WHERE lower(login) = lower(?)", [login])
    if taken is not None:
        raise ValidationError(where, "login", f"логин уже занят ({taken['login']})")


def _check_password(where: str, password: str, field: str = "password") -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            where, field, f"пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            where, field, f"пароль должен быть не длиннее {MAX_PASSWORD_LENGTH} символов"
        )


def _clean_full_name(where: str, full_name: str) -> str:
    name = (full_name or "").strip()
    if not name:
        raise ValidationError(where, "full_name", "укажите ФИО")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(where, "full_name", f"не длиннее {MAX_NAME_LENGTH} символов")
    return name


def _clean_email(where: str, email: str | None) -> str | None:
    """A blank email is stored as none (the user gets no notifications)."""
    value = (email or "").strip()
    if not value:
        return None
    if "@" not in value or " " in value or len(value) > MAX_NAME_LENGTH:
        raise ValidationError(where, "email", f"неверный адрес почты {value!r}")
    return value


def _check_role(where: str, role: str) -> None:
    if role not in ROLES:
        known = ", ".join(ROLES)
        raise ValidationError(where, "role", f"неизвестная роль {role!r} (есть: {known})")


# --- admin actions ------------------------------------------------------------------------


def create_user(
    a: Acting,
    *,
    login: str,
    full_name: str,
    email: str | None,
    role: str,
    is_head: bool,
    password: str,
) -> int:
    """A new active user; returns the id."""
    _require_admin(a)
    login = (login or "").strip()
    where = f"пользователь {login}"
    _check_login(a, login)
    name = _clean_full_name(where, full_name)
    email = _clean_email(where, email)
    _check_role(where, role)
    _check_password(where, password)
    user_id = next_id(a.conn, "users")
    a.execute(
        "INSERT INTO users (id, login, full_name, email, role, is_head, password_hash, is_active, "
        "created_at, failed_logins, locked_until, password_changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?, 0, NULL, ?)",
        [user_id, login, name, email, role, bool(is_head), hash_password(password), a.now, a.now],
    )
    audit.record(
        a.conn, user_id=a.user_id, entity="user", entity_id=user_id, action="insert",
        changes={"login": (None, login), "full_name": (None, name), "email": (None, email),
                 "role": (None, role), "is_head": (None, bool(is_head)),
                 "password": (None, MASK)},
        at=a.now,
    )  # fmt: skip
    return user_id


def update_user(
    a: Acting,
    user_id: int,
    *,
    full_name: str | None = None,
    email: str | None = None,
    role: str | None = None,
    is_head: bool | None = None,
    is_active: bool | None = None,
) -> None:
    """Change the given fields (None: leave as is; email "" clears it). An admin cannot
    deactivate themselves or give up their own admin role (no one could undo it)."""
    _require_admin(a)
    user = _load(a, user_id)
    where = f"пользователь {user['login']}"
    wanted: dict[str, Any] = {}
    if full_name is not None:
        wanted["full_name"] = _clean_full_name(where, full_name)
    if email is not None:
        wanted["email"] = _clean_email(where, email)
    if role is not None:
        _check_role(where, role)
        wanted["role"] = role
    if is_head is not None:
        wanted["is_head"] = bool(is_head)
    if is_active is not None:
        wanted["is_active"] = bool(is_active)
    if user_id == a.user_id:
        if wanted.get("is_active") is False:
            raise ValidationError(where, "is_active", "нельзя отключить самого себя")
        if wanted.get("role", "admin") != "admin":
            raise ValidationError(where, "role", "нельзя снять роль администратора с себя")
    diff = {k: (user[k], v) for k, v in wanted.items() if user[k] != v}
    if not diff:
        return
    a.execute(
        f"UPDATE users SET {', '.join(f'{k} = ?' for k in diff)} WHERE id = ?",
        [*(new for _, new in diff.values()), user_id],
    )
    audit.record(a.conn, user_id=a.user_id, entity="user", entity_id=user_id, action="update",
                 changes=diff, at=a.now)  # fmt: skip


def _set_password(a: Acting, user: dict[str, Any], new_password: str) -> None:
    """Store the new hash and clear any lockout, auditing it (the password itself masked)."""
    a.execute(
        "UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, "
        "locked_until = NULL WHERE id = ?",
        [hash_password(new_password), a.now, user["id"]],
    )
    changes: dict[str, tuple[Any, Any]] = {"password": (MASK, MASK)}
    if user["locked_until"] is not None:
        changes["locked_until"] = (user["locked_until"], None)
    audit.record(a.conn, user_id=a.user_id, entity="user", entity_id=user["id"],
                 action="update", changes=changes, at=a.now)  # fmt: skip


def reset_password(a: Acting, user_id: int, new_password: str) -> None:
    """The admin sets a new password (e.g. a forgotten one); the lockout is lifted too."""
    _require_admin(a)
    user = _load(a, user_id)
    _check_password(f"пользователь {user['login']}", new_password)
    _set_password(a, user, new_password)


def unlock_user(a: Acting, user_id: int) -> None:
    """Lift a lockout after failed logins before it runs out."""
    _require_admin(a)
    user = _load(a, user_id)
    changes = {}
    if user["locked_until"] is not None:
        changes["locked_until"] = (user["locked_until"], None)
    if user["failed_logins"]:
        changes["failed_logins"] = (user["failed_logins"], 0)
    if not changes:
        return
    a.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", [user_id])
    audit.record(a.conn, user_id=a.user_id, entity="user", entity_id=user_id, action="update",
                 changes=changes, at=a.now)  # fmt: skip


# --- everyone -----------------------------------------------------------------------------


def change_own_password(a: Acting, old_password: str, new_password: str) -> None:
    """Any user changes their own password, proving they know the current one."""
    user = _load(a, a.user_id)
    where = f"пользователь {user['login']}"
    stored = a.execute("SELECT password_hash FROM users WHERE id = ?", [a.user_id]).fetchone()[0]
    if not verify_password(stored, old_password or ""):
        raise ValidationError(where, "old_password", "текущий пароль указан неверно")
    _check_password(where, new_password, "new_password")
    if new_password == old_password:
        raise ValidationError(where, "new_password", "новый пароль совпадает с текущим")
    _set_password(a, user, new_password)
