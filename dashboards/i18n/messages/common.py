"""Vocabulary shared by every page: app title, sign-in, buttons, messages, fields, sections."""

MESSAGES: dict[str, tuple[str, str]] = {
    # The application
    "common.app_title": ("Заказ", "Zakaz"),
    # Sign-in and session
    "common.login.title": ("Вход", "Sign in"),
    "common.login.username": ("Логин", "Login"),
    "common.login.password": ("Пароль", "Password"),
    "common.login.submit": ("Войти", "Sign in"),
    "common.login.wrong": ("Неверный логин или пароль", "Wrong login or password"),
    "common.login.locked": (
        "Слишком много неудачных попыток. Вход заблокирован до {until}",
        "Too many failed attempts. Sign-in is locked until {until}",
    ),
    "common.login.session_expired": (
        "Сеанс истёк, войдите снова",
        "Your session has expired, please sign in again",
    ),
    "common.logout": ("Выйти", "Sign out"),
    "common.lang.label": ("Язык", "Language"),
    "common.lang.ru": ("Русский", "Русский"),  # each language is named in itself
    "common.lang.en": ("English", "English"),
    # Buttons
    "common.save": ("Сохранить", "Save"),
    "common.cancel": ("Отмена", "Cancel"),
    "common.add": ("Добавить", "Add"),
    "common.delete": ("Удалить", "Delete"),
    "common.search": ("Найти", "Search"),
    "common.export_excel": ("Выгрузить в Excel", "Export to Excel"),
    "common.refresh": ("Обновить", "Refresh"),
    "common.back": ("Назад", "Back"),
    # Messages
    "common.saved": ("Сохранено", "Saved"),
    "common.nothing_found": ("Ничего не найдено", "Nothing found"),
    "common.no_access": ("Нет доступа", "No access"),
    "common.busy": (
        "База занята другим сохранением, повторите через несколько секунд",
        "The database is busy with another save, please try again in a few seconds",
    ),
    "common.stale": (
        "Заказ уже изменил {who} в {when}. Ваши изменения не сохранены, но остались в форме: "
        "проверьте и сохраните ещё раз.",
        "The order was changed by {who} at {when}. Your changes were not saved but are still "
        "in the form: check them and save again.",
    ),
    # Field labels
    "common.order_number": ("Номер заказа", "Order number"),
    "common.customer": ("Заказчик", "Customer"),
    "common.status": ("Статус", "Status"),
    "common.manager": ("Менеджер", "Manager"),
    "common.date_from": ("Дата с", "Date from"),
    "common.date_to": ("Дата по", "Date to"),
    "common.inn": ("ИНН", "INN"),
    "common.kpp": ("КПП", "KPP"),
    "common.address": ("Адрес", "Address"),
    "common.phone": ("Телефон", "Phone"),
    "common.email": ("Эл. почта", "Email"),
    "common.comment": ("Комментарий", "Comment"),
    "common.amount": ("Сумма", "Amount"),
    "common.total": ("Итого", "Total"),
    "common.net": ("Без НДС", "Net"),
    "common.vat": ("НДС", "VAT"),
    "common.quantity": ("Количество", "Quantity"),
    "common.name": ("Наименование", "Name"),
    "common.material": ("Материал", "Material"),
    "common.drawing_number": ("Номер чертежа", "Drawing number"),
    # Navigation sections
    "common.section.sales": ("Продажи", "Sales"),
    "common.section.procurement": ("Снабжение", "Procurement"),
    "common.section.production": ("Производство", "Production"),
    "common.section.logistics": ("Логистика", "Logistics"),
    "common.section.finance": ("Финансы", "Finance"),
    "common.section.leadership": ("Руководство", "Leadership"),
    "common.section.admin": ("Администрирование", "Administration"),
    "common.section.my_work": ("Моя работа", "My work"),
}
