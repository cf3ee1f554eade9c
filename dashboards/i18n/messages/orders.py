"""The order list and search."""

MESSAGES: dict[str, tuple[str, str]] = {
    "orders.title": ("Заказы", "Orders"),
    "orders.search": ("Номер, заказчик или ИНН", "Number, customer or INN"),
    "orders.statuses": ("Статусы", "Statuses"),
    "orders.all_managers": ("Все менеджеры", "All managers"),
    "orders.found": ("Найдено заказов: {count}", "Orders found: {count}"),
    "orders.shown_first": ("показаны первые {limit}", "showing the first {limit}"),
    "orders.open": ("Открыть карточку", "Open the card"),
    "orders.pick": ("Выберите заказ", "Choose an order"),
    "orders.need_date": ("Дата потребности", "Need date"),
    "orders.planned_shipment": ("Плановая отгрузка", "Planned shipment"),
    "orders.actual_shipment": ("Фактическая отгрузка", "Actual shipment"),
    "orders.delivered": ("Доставлен", "Delivered"),
    "orders.lead_source": ("Источник", "Lead source"),
    "orders.paid": ("Оплачено", "Paid"),
    "orders.outstanding": ("Не оплачено", "Outstanding"),
    "orders.export_file": ("zakazy.xlsx", "orders.xlsx"),
}
