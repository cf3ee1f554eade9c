"""The field group x role access matrix, loaded from access_rules (admin-editable data).

Only load_matrix touches the database; every check is a pure function of the loaded rules, the
actor and (for the own-orders scope) the order's responsible sales manager. A role or group with
no row has no access.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from ingest.access.actor import Actor
from ingest.access.errors import FIELD_GROUPS, PermissionDeniedError

Access = Literal["none", "read", "write"]
Scope = Literal["all", "own"]
Mode = Literal["read", "write"]

_RANK = {"none": 0, "read": 1, "write": 2}


class _AnyOrder:
    """Default of can(): no particular order, check the role's access to the group only."""

    def __repr__(self) -> str:
        return "ANY_ORDER"


ANY_ORDER: Any = _AnyOrder()


def _check_args(group: str, mode: str) -> None:
    if group not in FIELD_GROUPS:
        raise ValueError(f"unknown field group {group!r}; expected one of {FIELD_GROUPS}")
    if mode not in ("read", "write"):
        raise ValueError(f"unknown access mode {mode!r}; expected 'read' or 'write'")


@dataclass(frozen=True)
class AccessMatrix:
    """(role, field_group) -> (access, scope), as stored in access_rules."""

    rules: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def access(self, role: str, group: str) -> Access:
        return self.rules.get((role, group), ("none", "all"))[0]  # type: ignore[return-value]

    def scope(self, role: str, group: str) -> Scope:
        return self.rules.get((role, group), ("none", "all"))[1]  # type: ignore[return-value]

    def _role_allows(self, role: str, group: str, mode: str) -> bool:
        return _RANK[self.access(role, group)] >= _RANK[mode]

    def _limited_to_own(self, actor: Actor, group: str) -> bool:
        return self.scope(actor.role, group) == "own" and not actor.is_head_of_sales

    def can(
        self,
        actor: Actor,
        group: str,
        mode: Mode,
        order_sales_manager_id: int | None = ANY_ORDER,
    ) -> bool:
        """May the actor read/write this field group ('write' implies 'read')?

        Without order_sales_manager_id the role's access is checked (lists, new orders); with it
        (None for an order without a responsible manager) the own-orders scope applies too.
        """
        _check_args(group, mode)
        if not self._role_allows(actor.role, group, mode):
            return False
        if order_sales_manager_id is ANY_ORDER or not self._limited_to_own(actor, group):
            return True
        return order_sales_manager_id is not None and order_sales_manager_id == actor.user_id

    def require(
        self,
        actor: Actor,
        group: str,
        mode: Mode,
        order: Mapping[str, Any] | None = None,
    ) -> None:
        """Raise PermissionDeniedError unless can(); order has 'number' and 'sales_manager_id'."""
        manager_id = ANY_ORDER if order is None else order.get("sales_manager_id")
        if self.can(actor, group, mode, manager_id):
            return
        number = None if order is None else order.get("number")
        raise PermissionDeniedError.refused(
            role=actor.role,
            group=group,
            mode=mode,
            login=actor.login,
            order_number=number,
            not_own=order is not None and self._role_allows(actor.role, group, mode),
        )

    def visible_orders_filter(
        self, actor: Actor, group: str = "header", column: str = "sales_manager_id"
    ) -> tuple[str, list[Any]]:
        """WHERE fragment and parameters restricting order lists, search and exports.

        column names the orders' responsible manager column (qualify it, e.g. "o.sales_manager_id",
        in a join). It is code-supplied, never user input.
        """
        _check_args(group, "read")
        if not self._role_allows(actor.role, group, "read"):
            return "FALSE", []
        if self._limited_to_own(actor, group):
            return f"{column} = ?", [actor.user_id]
        return "TRUE", []


def load_matrix(conn: duckdb.DuckDBPyConnection) -> AccessMatrix:
    rows = conn.execute("SELECT role, field_group, access, scope FROM access_rules").fetchall()
    return AccessMatrix({(role, group): (access, scope) for role, group, access, scope in rows})
