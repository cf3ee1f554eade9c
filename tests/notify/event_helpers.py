"""Orders made and moved through the real services, then their status events processed.

Every move is made by a user whose role may make it (domain.md), at a given moment, so due
dates in working days can be checked against literal dates.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ingest.notify.events import EventOutcome, process_status_event
from ingest.repos.orders import LineDraft, OrderDraft
from ingest.service import Desk, orders, payments, status
from ingest.store import Store

APP_URL = "http://app.test:8501"
MONDAY = datetime(2026, 11, 23, 10, 0)  # every move happens here unless a test says otherwise

# The demo plant's users (tests/demo: README's table)
ADMIN, SOKOLOVA, IVANOV, PETROVA = 1, 2, 3, 4
MOROZOV, VOLKOVA, LEBEDEV = 9, 10, 11
KOZLOV, NOVIKOV, ZAITSEV = 12, 13, 14
FEDOROV, ORLOVA = 15, 16
EGOROVA, PAVLOV, NIKITINA = 17, 18, 19
SERGEEV, MAKAROVA = 20, 21
DEPARTMENT = {
    "sales": {SOKOLOVA, IVANOV, PETROVA, 5, 6, 7, 8},
    "procurement": {MOROZOV, VOLKOVA, LEBEDEV},
    "production": {KOZLOV, NOVIKOV, ZAITSEV},
    "logistics": {FEDOROV, ORLOVA},
    "finance": {EGOROVA, PAVLOV, NIKITINA},
    "leadership": {SERGEEV, MAKAROVA},
}
# who makes each move (the order's own sales manager is ivanov)
MOVER = {
    "costing": "ivanov", "quote_sent": "ivanov", "agreed": "ivanov", "procurement": "ivanov",
    "production": "morozov", "ready_to_ship": "kozlov", "shipped": "fedorov",
    "delivered": "fedorov", "closed": "egorova", "cancelled": "ivanov",
}  # fmt: skip
PATH = ("costing", "quote_sent", "agreed", "procurement", "production", "ready_to_ship",
        "shipped", "delivered")  # fmt: skip


def desk(home: Path, login: str, at: datetime = MONDAY) -> Desk:
    return Desk(Store.open(home), login, clock=lambda: at)


def rows(home: Path, sql: str, params: list | None = None) -> list[dict]:
    with Store.open(home).read() as conn:
        cur = conn.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def value(home: Path, sql: str, params: list | None = None):
    found = rows(home, sql, params)
    return next(iter(found[0].values())) if found else None


def new_order(
    home: Path,
    *,
    at: datetime = MONDAY,
    planned_shipment: date | None = date(2026, 12, 15),
    terms_template_id: int | None = 4,  # 70% prepayment, 30% on shipment
    procurement_id: int | None = VOLKOVA,
    logistics_id: int | None = ORLOVA,
) -> tuple[int, str, int]:
    """ivanov's new order (one line of pricing.md's worked example); (id, number, need event)."""
    with desk(home, "ivanov", at).writing() as a:
        material = a.execute("SELECT id FROM materials WHERE grade = '40Х'").fetchone()[0]
        line = LineDraft(
            name="Вал ступенчатый", material_id=material, blank_shape="round",
            dims={"diameter_mm": Decimal("60"), "length_mm": Decimal("500")}, quantity=10,
            complexity=Decimal("2.5"), price_per_kg=Decimal("95.00"),
        )  # fmt: skip
        draft = OrderDraft(
            customer_id=a.execute("SELECT min(id) FROM customers").fetchone()[0],
            need_date=at.date(), planned_shipment_date=planned_shipment, lines=(line,),
        )  # fmt: skip
        order_id, number = orders.create_order(a, draft)
        if terms_template_id is not None:
            payments.apply_terms(a, order_id, terms_template_id)
    with desk(home, "admin", at).writing() as a:
        version = orders.get_order(a, order_id)["version"]
        orders.update_header(
            a, order_id, version,
            {"procurement_manager_id": procurement_id, "logistics_manager_id": logistics_id},
        )  # fmt: skip
    event_id = value(home, "SELECT max(id) FROM status_events WHERE order_id = ?", [order_id])
    return order_id, number, event_id


def move(
    home: Path, order_id: int, to: str, *, at: datetime = MONDAY, login: str | None = None,
    comment: str | None = None,
) -> int:  # fmt: skip
    with desk(home, login or MOVER[to], at).writing() as a:
        return status.change_status(a, order_id, to, comment=comment)


def process(home: Path, event_id: int, now: datetime = MONDAY) -> EventOutcome:
    return process_status_event(Store.open(home), event_id, now, APP_URL)


def move_and_process(home: Path, order_id: int, to: str, **kw) -> tuple[int, EventOutcome]:
    event_id = move(home, order_id, to, **kw)
    return event_id, process(home, event_id, kw.get("at", MONDAY))


def tasks_of_event(home: Path, event_id: int) -> list[dict]:
    return rows(home, "SELECT * FROM tasks WHERE event_id = ? ORDER BY rule_key", [event_id])


def messages(home: Path, where: str = "TRUE", params: list | None = None) -> list[dict]:
    return rows(home, f"SELECT * FROM notification_outbox WHERE {where} ORDER BY id", params)


def counts(home: Path) -> tuple[int, int, int]:
    """(tasks, outbox messages, audit rows): what a repeated run must not change."""
    return tuple(
        value(home, f"SELECT count(*) FROM {t}")
        for t in ("tasks", "notification_outbox", "audit_log")
    )
