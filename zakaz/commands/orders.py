"""`zakaz orders [--status S ...] [--as LOGIN] [--limit N] [--json]`: orders as a user sees them.

Reads go through the access-checked service (ingest/service/orders.list_orders) as the user given
by --as (default `admin`), so the access rules apply: `--as ivanov` lists ivanov's orders only.
Newest need date first, like the app's list.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from ingest.service.orders import OrderFilters, count_orders, list_orders
from ingest.store import Store
from zakaz.commands.set_status import acting_as, status_code
from zakaz.domain import STATUS_NAMES_RU

FIELDS = ("number", "customer", "status", "manager", "manager_login")
HEADERS = ("Номер", "Заказчик", "Статус", "Менеджер")


def positive_int(text: str) -> int:
    """--limit: argparse reports a bad value as one usage line (exit 2)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"нужно целое число больше 0, а не {text!r}")
    return value


def add_parser(sub, common) -> None:
    p = sub.add_parser("orders", parents=[common], help="список заказов (как видит пользователь)")
    p.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="S",
        help="только эти статусы: код или название, можно повторять или через запятую",
    )
    p.add_argument(
        "--as",
        dest="as_login",
        default="admin",
        metavar="LOGIN",
        help="читать от имени пользователя (по умолчанию admin); права доступа применяются",
    )
    p.add_argument(
        "--limit", type=positive_int, default=None, metavar="N", help="не больше N заказов"
    )
    p.add_argument("--json", action="store_true", help="вывести JSON")
    p.set_defaults(run=run)


def collect(store: Store, login: str, statuses: Sequence[str], limit: int | None) -> list[dict]:
    """The orders `login` may see, as the JSON objects of this command."""
    with acting_as(store, login) as a:
        filters = OrderFilters(statuses=tuple(statuses))
        # All of them unless --limit: the service caps a page, so ask for exactly the count.
        wanted = limit if limit is not None else count_orders(a, filters)
        if wanted == 0:
            return []
        rows = list_orders(a, OrderFilters(statuses=tuple(statuses), limit=wanted))
        ids = sorted({r["sales_manager_id"] for r in rows if r["sales_manager_id"] is not None})
        logins = dict(
            a.execute("SELECT id, login FROM users WHERE list_contains(?, id)", [ids]).fetchall()
        )
    return [
        {
            "number": r["number"],
            "customer": r["customer_name"],
            "status": r["status"],
            "manager": r["sales_manager_name"],
            "manager_login": logins.get(r["sales_manager_id"]),
        }
        for r in rows
    ]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Columns padded to their widest cell; an empty cell for None."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    for row in (list(headers), ["-" * w for w in widths], *cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def run(args) -> int:
    statuses = [status_code(s) for arg in args.status for s in arg.split(",") if s.strip()]
    orders = collect(Store.open(args.home), args.as_login, statuses, args.limit)
    if args.json:
        print(json.dumps(orders, ensure_ascii=False, indent=2))
        return 0
    rows = [
        (o["number"], o["customer"], STATUS_NAMES_RU[o["status"]], o["manager"]) for o in orders
    ]
    print_table(HEADERS, rows)
    print(f"Всего: {len(orders)}")
    return 0
