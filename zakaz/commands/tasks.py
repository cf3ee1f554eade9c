"""`zakaz tasks [--order NUMBER] [--user LOGIN] [--state open|done|cancelled|all] [--json]`.

An operator command on the plant's own machine: it reads the tasks table directly (every
department's tasks), e.g. to check what a status change created. `--user` means tasks assigned
to that user; department tasks (no assignee) carry their role instead. Sorted by due date
(undated last), then id.
"""

from __future__ import annotations

import json

from ingest.service.tasks import STATE_NAMES
from ingest.store import Store
from ingest.store.copy import require_plant
from zakaz.commands.orders import print_table
from zakaz.domain import ROLES
from zakaz.errors import UserError

FIELDS = ("id", "order", "assignee_login", "role", "title", "due_date", "state")
HEADERS = ("ID", "Заказ", "Исполнитель", "Отдел", "Задача", "Срок", "Состояние")
STATES = (*STATE_NAMES, "all")


def add_parser(sub, common) -> None:
    p = sub.add_parser("tasks", parents=[common], help="задачи по заказам")
    p.add_argument("--order", metavar="NUMBER", help="только задачи заказа")
    p.add_argument("--user", metavar="LOGIN", help="только задачи, назначенные пользователю")
    p.add_argument("--state", choices=STATES, default="open", help="состояние (по умолчанию open)")
    p.add_argument("--json", action="store_true", help="вывести JSON")
    p.set_defaults(run=run)


def _one_id(conn, sql: str, value: str, missing: str) -> int:
    row = conn.execute(sql, [value.strip()]).fetchone()
    if row is None:
        raise UserError(missing, 2)
    return row[0]


def collect(
    store: Store, order: str | None = None, user: str | None = None, state: str = "open"
) -> list[dict]:
    require_plant(store)
    where, params = ["TRUE"], []
    with store.read() as conn:
        if order is not None:
            where.append("t.order_id = ?")
            params.append(_one_id(conn, "SELECT id FROM orders WHERE number = ?", order,
                                  f"заказ {order.strip()} не найден"))  # fmt: skip
        if user is not None:
            where.append("t.assignee_id = ?")
            params.append(_one_id(conn, "SELECT id FROM users WHERE login = ?", user,
                                  f"пользователь {user.strip()} не найден"))  # fmt: skip
        if state != "all":
            where.append("t.state = ?")
            params.append(state)
        rows = conn.execute(
            "SELECT t.id, o.number, u.login, t.role, t.title, t.due_date, t.state "
            "FROM tasks t LEFT JOIN orders o ON o.id = t.order_id "
            "LEFT JOIN users u ON u.id = t.assignee_id "
            f"WHERE {' AND '.join(where)} ORDER BY t.due_date ASC NULLS LAST, t.id",
            params,
        ).fetchall()
    tasks = [dict(zip(FIELDS, row, strict=True)) for row in rows]
    for task in tasks:
        task["due_date"] = task["due_date"].isoformat() if task["due_date"] else None
    return tasks


def _date_ru(iso: str | None) -> str:
    return "" if iso is None else ".".join(reversed(iso.split("-")))


def run(args) -> int:
    tasks = collect(Store.open(args.home), args.order, args.user, args.state)
    if args.json:
        print(json.dumps(tasks, ensure_ascii=False, indent=2))
        return 0
    rows = [
        (t["id"], t["order"], t["assignee_login"], ROLES.get(t["role"], (t["role"],))[0],
         t["title"], _date_ru(t["due_date"]), STATE_NAMES.get(t["state"], t["state"]))
        for t in tasks
    ]  # fmt: skip
    print_table(HEADERS, rows)
    print(f"Всего: {len(tasks)}")
    return 0
