"""Order status names: Russian from ``zakaz.domain`` (the one source), English here."""

from zakaz.domain import STATUS_NAMES_RU, STATUSES

_STATUS_NAMES_EN: dict[str, str] = {
    "need": "Need",
    "costing": "Costing",
    "quote_sent": "Quote sent",
    "agreed": "Agreed",
    "procurement": "Procurement",
    "production": "Production",
    "ready_to_ship": "Ready to ship",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "closed": "Closed",
    "cancelled": "Cancelled",
}

# A status added to the domain without an English name fails here, at catalog load.
MESSAGES: dict[str, tuple[str, str]] = {
    f"status.{code}": (STATUS_NAMES_RU[code], _STATUS_NAMES_EN[code]) for code in STATUSES
}
