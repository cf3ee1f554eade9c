"""`zakaz users [--json]`: who works at the plant — login, name, role, head, active, e-mail.

An operator command on the plant's own machine: it reads the users table directly (never the
password hashes) rather than through the admin-only service list, so a script can find out whom
a status change will notify without holding an admin login.
"""

from __future__ import annotations

import json

from ingest.store import Store
from ingest.store.copy import require_plant
from zakaz.commands.orders import print_table
from zakaz.domain import ROLES

FIELDS = ("login", "full_name", "role", "is_head", "is_active", "email")
HEADERS = ("Логин", "ФИО", "Роль", "Почта", "Активен")


def add_parser(sub, common) -> None:
    p = sub.add_parser("users", parents=[common], help="пользователи: логин, роль, почта")
    p.add_argument("--json", action="store_true", help="вывести JSON")
    p.set_defaults(run=run)


def collect(store: Store) -> list[dict]:
    require_plant(store)
    with store.read() as conn:
        rows = conn.execute(f"SELECT {', '.join(FIELDS)} FROM users ORDER BY id").fetchall()
    return [dict(zip(FIELDS, row, strict=True)) for row in rows]


def _role(user: dict) -> str:
    name = ROLES.get(user["role"], (user["role"],))[0]
    return f"{name}, руководитель" if user["is_head"] else name


def run(args) -> int:
    users = collect(Store.open(args.home))
    if args.json:
        print(json.dumps(users, ensure_ascii=False, indent=2))
        return 0
    rows = [
        (u["login"], u["full_name"], _role(u), u["email"], "да" if u["is_active"] else "нет")
        for u in users
    ]
    print_table(HEADERS, rows)
    print(f"Всего: {len(users)}")
    return 0
