"""Navigation: page titles."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.my_tasks": ("Мои задачи", "My tasks"),
    "nav.orders": ("Заказы", "Orders"),
    "nav.order_card": ("Карточка заказа", "Order card"),
    "nav.new_order": ("Новый заказ", "New order"),
    "nav.procurement_work": ("Закупки по заказам", "Purchasing"),
    "nav.material_prices": ("Прайс-лист материалов", "Material prices"),
    "nav.production_work": ("Заказы в производстве", "In production"),
    "nav.logistics_work": ("Отгрузки", "Shipments"),
    "nav.finance_work": ("Счета и оплаты", "Invoices and payments"),
    "nav.admin_users": ("Пользователи", "Users"),
    "nav.admin_access": ("Права доступа", "Access rights"),
    "nav.signed_in_as": ("{name} · {role}", "{name} · {role}"),
    "nav.login_hint": (
        "Демо: admin / admin, остальные пользователи — пароль demo (например ivanov).",
        "Demo: admin / admin, every other user has the password demo (e.g. ivanov).",
    ),
}
