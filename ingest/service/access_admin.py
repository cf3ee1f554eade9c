"""The access matrix page: read the role x field group rules, and (admin) change one.

The matrix is data (access_rules, docs/access.md); every Acting loads it afresh, so a change
applies from the next request on. Each change is audited as entity "permission".
"""

from __future__ import annotations

from typing import Any

from ingest.access import FIELD_GROUPS
from ingest.service.acting import Acting
from ingest.store import audit
from ingest.store.errors import ValidationError
from zakaz.domain import ROLES

ACCESS_LEVELS = ("none", "read", "write")
SCOPES = ("all", "own")
NO_RULE = ("none", "all")  # what a missing row means (ingest/access/matrix.py)


def access_rules(a: Acting) -> list[dict[str, Any]]:
    """Every role x field group, in the order of ROLES and FIELD_GROUPS (a missing row shows
    as none/all, which is what it means)."""
    a.require_role("admin", "leadership", what="просматривать права доступа")
    stored = {
        (r["role"], r["field_group"]): (r["access"], r["scope"])
        for r in a.rows("SELECT role, field_group, access, scope FROM access_rules")
    }
    return [
        {"role": role, "field_group": group, "access": access, "scope": scope}
        for role in ROLES
        for group in FIELD_GROUPS
        for access, scope in [stored.get((role, group), NO_RULE)]
    ]


def _validate(role: str, field_group: str, access: str, scope: str) -> None:
    where = f"права роли {role}"
    if role not in ROLES:
        raise ValidationError(where, "role", f"неизвестная роль {role!r}")
    if field_group not in FIELD_GROUPS:
        raise ValidationError(where, "field_group", f"неизвестная группа полей {field_group!r}")
    if access not in ACCESS_LEVELS:
        raise ValidationError(where, "access", f"доступ — одно из {', '.join(ACCESS_LEVELS)}")
    if scope not in SCOPES:
        raise ValidationError(where, "scope", f"область — одно из {', '.join(SCOPES)}")
    # The admin works through orders' headers; without write on them (all orders) the
    # admin could lock themselves out of the data with no one left to undo it.
    if role == "admin" and field_group == "header" and (access, scope) != ("write", "all"):
        raise ValidationError(
            where, "access", "у администратора шапка заказа должна оставаться «запись» по всем"
        )


def set_access_rule(a: Acting, role: str, field_group: str, access: str, scope: str) -> bool:
    """Set one rule (admin only); returns whether anything changed."""
    a.require_role("admin", what="изменять права доступа")
    _validate(role, field_group, access, scope)
    old = a.row(
        "SELECT access, scope FROM access_rules WHERE role = ? AND field_group = ?",
        [role, field_group],
    )
    if old is not None and (old["access"], old["scope"]) == (access, scope):
        return False
    a.execute(
        "INSERT INTO access_rules (role, field_group, access, scope) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (role, field_group) DO UPDATE SET access = excluded.access, "
        "scope = excluded.scope",
        [role, field_group, access, scope],
    )
    before = None if old is None else f"{old['access']}/{old['scope']}"
    audit.record(
        a.conn, user_id=a.user_id, entity="permission", entity_id=None,
        action="insert" if old is None else "update",
        changes={f"{role}.{field_group}": (before, f"{access}/{scope}")}, at=a.now,
    )  # fmt: skip
    return True
