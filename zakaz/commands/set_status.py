"""`zakaz set-status NUMBER STATUS --as LOGIN [--comment TEXT]`: move an order as a user.

The same service call as the app's status panel (ingest/service/status.py), so the same rules
apply: the transitions, who may move into which status, the own-orders scope, the payment check
for «Закрыт». The status event is written in the same transaction; the notification sensor picks
it up from there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from ingest.service import Acting, acting
from ingest.service.orders import find_order_id
from ingest.service.status import change_status
from ingest.store import NotFoundError, Store
from ingest.store.copy import require_plant
from zakaz.domain import STATUS_NAMES_RU, STATUSES
from zakaz.errors import UserError


def add_parser(sub, common) -> None:
    p = sub.add_parser(
        "set-status",
        parents=[common],
        help="перевести заказ в другой статус от имени пользователя (правила как в приложении)",
    )
    p.add_argument("number", help="номер заказа, например З-2026-0001")
    p.add_argument("status", help="новый статус: код (agreed) или название (Согласован)")
    p.add_argument("--as", dest="as_login", required=True, metavar="LOGIN", help="кто переводит")
    p.add_argument("--comment", default=None, help="комментарий (для отмены — причина)")
    p.add_argument("--json", action="store_true", help="вывести JSON")
    p.set_defaults(run=run)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")


_BY_KEY = {_key(s): s for s in STATUSES} | {_key(n): s for s, n in STATUS_NAMES_RU.items()}


def status_code(text: str) -> str:
    """A status code from its code or Russian name, any case («отменен» = «Отменён»)."""
    code = _BY_KEY.get(_key(text))
    if code is None:
        allowed = ", ".join(f"{s} ({STATUS_NAMES_RU[s]})" for s in STATUSES)
        raise UserError(f"неизвестный статус «{text.strip()}»; допустимые: {allowed}", 2)
    return code


@contextmanager
def acting_as(store: Store, login: str, *, write: bool = False) -> Iterator[Acting]:
    """Desk(store, login).reading()/writing(), with an unknown login as a bad argument (exit 2)."""
    require_plant(store)
    with store.write() if write else store.read() as conn:
        try:
            a = acting(conn, login)
        except NotFoundError:
            raise UserError(f"пользователь {login} не найден", 2) from None
        yield a


def order_id_by_number(a: Acting, number: str) -> int:
    """The order's id as this user may see it; a missing number is a bad argument (exit 2)."""
    try:
        return find_order_id(a, number)
    except NotFoundError:
        raise UserError(f"заказ {number.strip()} не найден", 2) from None


def run(args) -> int:
    to_status = status_code(args.status)
    store = Store.open(args.home)
    # One write transaction: a refusal (ValidationError → exit 2, PermissionDeniedError →
    # exit 1, both raised by the service) rolls everything back.
    with acting_as(store, args.as_login, write=True) as a:
        order_id = order_id_by_number(a, args.number)
        number, from_status = a.execute(
            "SELECT number, status FROM orders WHERE id = ?", [order_id]
        ).fetchone()
        event_id = change_status(a, order_id, to_status, comment=args.comment)
    if args.json:
        result = {"number": number, "from_status": from_status, "to_status": to_status,
                  "event_id": event_id}  # fmt: skip
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(
        f"Заказ {number}: {STATUS_NAMES_RU[from_status]} → {STATUS_NAMES_RU[to_status]} "
        f"(событие {event_id})"
    )
    return 0
