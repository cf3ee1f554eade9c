"""The plant's vocabulary: order statuses and roles, with their Russian names."""

from __future__ import annotations

STATUSES: tuple[str, ...] = (
    "need", "costing", "quote_sent", "agreed", "procurement", "production",
    "ready_to_ship", "shipped", "delivered", "closed", "cancelled",
)  # fmt: skip

STATUS_NAMES_RU: dict[str, str] = {
    "need": "Потребность",
    "costing": "Расчёт",
    "quote_sent": "КП отправлено",
    "agreed": "Согласован",
    "procurement": "Снабжение",
    "production": "Производство",
    "ready_to_ship": "Готов к отгрузке",
    "shipped": "Отгружен",
    "delivered": "Доставлен",
    "closed": "Закрыт",
    "cancelled": "Отменён",
}

# The main road an order travels; cancelled may leave any open status.
MAIN_PATH: tuple[str, ...] = STATUSES[:10]
OPEN_STATUSES: frozenset[str] = frozenset(MAIN_PATH[:-1])

ROLES: dict[str, tuple[str, str]] = {
    "sales": ("Продажи", "Sales"),
    "procurement": ("Снабжение", "Procurement"),
    "production": ("Производство", "Production"),
    "logistics": ("Логистика", "Logistics"),
    "finance": ("Финансы", "Finance"),
    "leadership": ("Руководство", "Leadership"),
    "admin": ("Администратор", "Administrator"),
}

EXPENSE_CATEGORIES: tuple[str, ...] = (
    "production",
    "outsourcing",
    "logistics",
    "packaging",
    "other",
)
