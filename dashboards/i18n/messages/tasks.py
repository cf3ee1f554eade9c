"""My tasks: the user's own and department tasks, marking them done."""

MESSAGES: dict[str, tuple[str, str]] = {
    "tasks.title": ("Мои задачи", "My tasks"),
    "tasks.open_count": ("Открытых задач", "Open tasks"),
    "tasks.overdue_count": ("Просрочено", "Overdue"),
    "tasks.show_done": ("Показывать выполненные", "Show done tasks"),
    "tasks.none": ("Открытых задач нет", "No open tasks"),
    "tasks.none_at_all": ("Задач нет", "No tasks"),
    "tasks.pick_hint": (
        "Выберите задачу в таблице, чтобы открыть заказ или отметить её выполненной.",
        "Select a task in the table to open its order or mark it done.",
    ),
    "tasks.col.overdue": ("Просрочка", "Overdue"),
    "tasks.col.due": ("Срок", "Due"),
    "tasks.col.title": ("Задача", "Task"),
    "tasks.col.assignee": ("Исполнитель", "Assignee"),
    "tasks.col.state": ("Состояние", "State"),
    "tasks.overdue": ("просрочено", "overdue"),
    "tasks.department": ("отдел «{role}»", "department «{role}»"),
    "tasks.state.open": ("открыта", "open"),
    "tasks.state.done": ("выполнена", "done"),
    "tasks.state.cancelled": ("отменена", "cancelled"),
    "tasks.selected": ("Выбранная задача", "Selected task"),
    "tasks.open_order": ("Открыть карточку заказа", "Open the order card"),
    "tasks.mark_done": ("Отметить выполненной", "Mark done"),
    "tasks.done_ok": ("Задача отмечена выполненной", "The task is marked done"),
}
