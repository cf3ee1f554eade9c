"""Acting: one transaction seen through one user's permissions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from ingest.access import AccessMatrix, Actor, PermissionDeniedError, load_actor, load_matrix
from ingest.access.errors import role_name


@dataclass(frozen=True)
class Acting:
    conn: duckdb.DuckDBPyConnection
    actor: Actor
    matrix: AccessMatrix
    now: datetime

    @property
    def user_id(self) -> int:
        return self.actor.user_id

    def can(self, group: str, mode: str, order: Mapping[str, Any] | None = None) -> bool:
        if order is None:
            return self.matrix.can(self.actor, group, mode)
        return self.matrix.can(self.actor, group, mode, order.get("sales_manager_id"))

    def require(self, group: str, mode: str, order: Mapping[str, Any] | None = None) -> None:
        self.matrix.require(self.actor, group, mode, order)

    def visible(self, group: str = "header", column: str = "o.sales_manager_id"):
        """WHERE fragment + params limiting a query on orders to those the actor may see."""
        return self.matrix.visible_orders_filter(self.actor, group, column)

    def require_role(self, *roles: str, what: str) -> None:
        """For actions outside the field-group matrix (user admin, editing the matrix)."""
        if self.actor.role not in roles:
            raise PermissionDeniedError(
                f"Нет доступа: роль «{role_name(self.actor.role)}» не может {what}",
                login=self.actor.login,
                role=self.actor.role,
            )

    def execute(self, sql: str, params: list | tuple | None = None):
        return self.conn.execute(sql, params or [])

    def rows(self, sql: str, params: list | tuple | None = None) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def row(self, sql: str, params: list | tuple | None = None) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None


def acting(conn: duckdb.DuckDBPyConnection, login: str, now: datetime | None = None) -> Acting:
    """Load the actor and the matrix inside this transaction (a changed rule applies at once)."""
    return Acting(conn, load_actor(conn, login), load_matrix(conn), now or datetime.now())
