"""Administration: users (create, edit, reset a password, unlock) and the access matrix.

Field group names: Russian from ``ingest.access.GROUP_NAMES`` (the one source), English here.
"""

from ingest.access import GROUP_NAMES

_GROUP_NAMES_EN: dict[str, str] = {
    "header": "order header, specifications and quantities",
    "prices": "prices and quotes",
    "procurement": "procurement",
    "logistics": "logistics",
    "payment_plan": "payment plan",
    "payments": "payments",
    "economics": "order economics",
    "contacts": "customer contacts",
    "expenses": "order expenses",
}

MESSAGES: dict[str, tuple[str, str]] = {
    # Users
    "admin.users.title": ("Пользователи", "Users"),
    "admin.users.count": ("Пользователей: {count}", "Users: {count}"),
    "admin.users.login": ("Логин", "Login"),
    "admin.users.full_name": ("ФИО", "Full name"),
    "admin.users.role": ("Роль", "Role"),
    "admin.users.head": ("Руководитель отдела", "Head of department"),
    "admin.users.active": ("Активен", "Active"),
    "admin.users.locked": ("Заблокирован до", "Locked until"),
    "admin.users.failed": ("Неудачных входов", "Failed logins"),
    "admin.users.created_at": ("Создан", "Created"),
    "admin.users.password_changed": ("Пароль изменён", "Password changed"),
    "admin.users.yes": ("да", "yes"),
    "admin.users.no": ("нет", "no"),
    "admin.users.password": ("Пароль", "Password"),
    "admin.users.password_help": ("Не короче 8 символов", "At least 8 characters"),
    "admin.users.new": ("Новый пользователь", "New user"),
    "admin.users.create": ("Создать пользователя", "Create the user"),
    "admin.users.created": ("Пользователь создан", "The user is created"),
    "admin.users.edit": ("Изменить пользователя", "Edit a user"),
    "admin.users.pick": ("Пользователь", "User"),
    "admin.users.save": ("Сохранить изменения", "Save the changes"),
    "admin.users.saved": ("Изменения сохранены", "The changes are saved"),
    "admin.users.reset": ("Новый пароль", "New password"),
    "admin.users.reset_submit": ("Сменить пароль", "Set the password"),
    "admin.users.reset_done": ("Пароль изменён", "The password is changed"),
    "admin.users.unlock": ("Разблокировать", "Unlock"),
    "admin.users.unlocked": ("Пользователь разблокирован", "The user is unlocked"),
    "admin.users.is_locked": (
        "Вход заблокирован после неудачных попыток",
        "Sign-in is locked after failed attempts",
    ),
    # Access matrix
    "admin.access.title": ("Права доступа", "Access rights"),
    "admin.access.intro": (
        "Строки — группы полей, столбцы — роли. «Свои» — заказы, где пользователь "
        "ответственный менеджер по продажам.",
        "Rows are field groups, columns are roles. «Own» means orders where the user is the "
        "responsible sales manager.",
    ),
    "admin.access.read_only": (
        "Только просмотр: права меняет администратор.",
        "Read only: the administrator changes the rights.",
    ),
    "admin.access.group": ("Группа полей", "Field group"),
    "admin.access.role": ("Роль", "Role"),
    "admin.access.access": ("Доступ", "Access"),
    "admin.access.scope": ("Заказы", "Orders"),
    "admin.access.level.none": ("нет", "none"),
    "admin.access.level.read": ("чтение", "read"),
    "admin.access.level.write": ("запись", "write"),
    "admin.access.scope.all": ("все", "all"),
    "admin.access.scope.own": ("свои", "own"),
    "admin.access.cell": ("{access} ({scope})", "{access} ({scope})"),
    "admin.access.edit": ("Изменить права", "Change a right"),
    "admin.access.current": ("Сейчас: {cell}", "Now: {cell}"),
    "admin.access.save": ("Сохранить право", "Save the right"),
    "admin.access.saved": ("Право доступа изменено", "The access right is changed"),
    "admin.access.unchanged": ("Ничего не изменилось", "Nothing changed"),
    # Field groups
    **{f"admin.group.{code}": (name, _GROUP_NAMES_EN[code]) for code, name in GROUP_NAMES.items()},
}
