"""The acting user: every read and write in the store carries one."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingest.access.errors import InactiveUserError
from ingest.store.errors import NotFoundError


@dataclass(frozen=True)
class Actor:
    user_id: int
    login: str
    role: str
    is_head: bool = False

    @property
    def is_head_of_sales(self) -> bool:
        """A head of sales is not limited to own orders (domain.md, Access)."""
        return self.role == "sales" and self.is_head


def load_actor(conn: duckdb.DuckDBPyConnection, login: str) -> Actor:
    """The active user with this login; an unknown or deactivated login is refused."""
    row = conn.execute(
        "SELECT id, login, role, is_head, is_active FROM users WHERE login = ?", [login]
    ).fetchone()
    if row is None:
        raise NotFoundError(f"Пользователь {login} не найден")
    user_id, login, role, is_head, is_active = row
    if not is_active:
        raise InactiveUserError(login)
    return Actor(user_id=int(user_id), login=login, role=role, is_head=bool(is_head))
