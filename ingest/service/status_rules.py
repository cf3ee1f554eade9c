"""The order process of domain.md as pure data and functions: transitions and who may make them."""

from __future__ import annotations

from zakaz.domain import MAIN_PATH, OPEN_STATUSES

# Forward along the main path, back from quote_sent to costing (a revised quote), and
# cancelled from any open status.
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(
        {MAIN_PATH[i + 1]} | ({"costing"} if status == "quote_sent" else set()) | {"cancelled"}
    )
    for i, status in enumerate(MAIN_PATH[:-1])
}
TRANSITIONS["closed"] = frozenset()
TRANSITIONS["cancelled"] = frozenset()

# Who may move an order INTO a status (leadership and admin may make any allowed move).
MOVERS: dict[str, frozenset[str]] = {
    "costing": frozenset({"sales"}),
    "quote_sent": frozenset({"sales"}),
    "agreed": frozenset({"sales"}),
    "procurement": frozenset({"sales"}),
    "cancelled": frozenset({"sales"}),
    "production": frozenset({"procurement"}),
    "ready_to_ship": frozenset({"production"}),
    "shipped": frozenset({"logistics"}),
    "delivered": frozenset({"logistics"}),
    "closed": frozenset({"finance", "sales"}),
}
ANY_MOVE_ROLES = frozenset({"leadership", "admin"})

# The date column a status stamps on the order when it is reached.
STATUS_DATE_COLUMN: dict[str, str] = {
    "quote_sent": "quote_sent_date",
    "agreed": "agreed_date",
    "shipped": "actual_shipment_date",
    "delivered": "delivered_date",
    "closed": "closed_date",
    "cancelled": "cancelled_date",
}


def is_allowed_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def role_may_move(role: str, to_status: str) -> bool:
    return role in ANY_MOVE_ROLES or role in MOVERS.get(to_status, frozenset())


def next_statuses(from_status: str, role: str) -> list[str]:
    """Allowed targets for this role, in process order (cancel last)."""
    order = {s: i for i, s in enumerate((*MAIN_PATH, "cancelled"))}
    return sorted(
        (s for s in TRANSITIONS.get(from_status, ()) if role_may_move(role, s)),
        key=order.__getitem__,
    )


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES
