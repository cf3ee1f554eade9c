"""An order's history: the audit log of everything changed on it, and its status events.

Each audit row belongs to a field group (by its entity, and for the order and its lines by the
field: prices are a group of their own); rows of a group the actor may not read on this order
are left out, so the history never shows more than the tabs do.
"""

from __future__ import annotations

from typing import Any

from ingest.access import FIELD_GROUPS
from ingest.service.acting import Acting
from ingest.service.orders import get_order

ENTITY_GROUPS: dict[str, str] = {
    "order": "header",
    "order_line": "header",
    "quote": "prices",
    "procurement": "procurement",
    "shipment": "logistics",
    "payment_step": "payment_plan",
    "invoice": "payments",
    "payment": "payments",
    "expense": "expenses",
    "task": "header",
    "contact": "contacts",
}
# Fields of an entity that belong to another group than the entity's.
FIELD_GROUP_OVERRIDES: dict[tuple[str, str], str] = {
    ("order", "vat_rate"): "prices",
    ("order_line", "price_per_kg"): "prices",
    ("order_line", "fixed_unit_price"): "prices",
    ("order_line", "surcharges"): "prices",
}
# An entity not listed above is shown only to someone who may read every group of the order.
UNKNOWN_ENTITY = None


def group_of(entity: str, field: str | None) -> str | None:
    """The field group an audit row belongs to (None: unknown entity)."""
    if field is not None and (entity, field) in FIELD_GROUP_OVERRIDES:
        return FIELD_GROUP_OVERRIDES[(entity, field)]
    return ENTITY_GROUPS.get(entity, UNKNOWN_ENTITY)


def order_history(a: Acting, order_id: int) -> list[dict[str, Any]]:
    """Audit rows of the order, newest first, without those the actor may not read.

    Rows from before audit_log.order_id existed are found by entity 'order' and its id.
    """
    order = get_order(a, order_id)
    rows = a.rows(
        "SELECT al.id, al.logged_at, al.user_id, u.full_name AS user_name, u.login AS user_login, "
        "al.entity, al.entity_id, al.action, al.field, al.old_value, al.new_value "
        "FROM audit_log al LEFT JOIN users u ON u.id = al.user_id "
        "WHERE al.order_id = ? OR (al.order_id IS NULL AND al.entity = 'order' "
        "AND al.entity_id = ?) ORDER BY al.logged_at DESC, al.id DESC",
        [order_id, order_id],
    )
    readable = {group: a.can(group, "read", order) for group in FIELD_GROUPS}
    readable[UNKNOWN_ENTITY] = all(readable.values())
    shown = []
    for row in rows:
        row["field_group"] = group_of(row["entity"], row["field"])
        if readable[row["field_group"]]:
            shown.append(row)
    return shown


def status_events(a: Acting, order_id: int) -> list[dict[str, Any]]:
    """The order's moves (from, to, who, when, comment), oldest first; needs header read."""
    get_order(a, order_id)
    return a.rows(
        "SELECT se.id, se.from_status, se.to_status, se.changed_at, se.changed_by, "
        "u.full_name AS user_name, se.comment "
        "FROM status_events se LEFT JOIN users u ON u.id = se.changed_by "
        "WHERE se.order_id = ? ORDER BY se.changed_at, se.id",
        [order_id],
    )
