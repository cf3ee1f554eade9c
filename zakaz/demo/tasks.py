"""Tasks made by the default notification rules (task_rules.csv, domain.md) for each status event,
plus a few assigned by hand.

A task is done once the order moved on from the status that made it, cancelled when the order was
cancelled instead, and open otherwise (some of those are overdue on as_of).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

from zakaz.demo.columns import dates, frame, stamps
from zakaz.demo.context import Context
from zakaz.demo.orders import Order
from zakaz.demo.workdays import day_of, stamp, work_minute

MANUAL_TITLES = (
    "Уточнить у заказчика требования к упаковке", "Согласовать с ОТК порядок приёмки",
    "Подготовить сертификаты на материал", "Проверить задолженность заказчика",
    "Запросить у заказчика 3D-модель", "Согласовать изменение сроков с производством",
)  # fmt: skip


@dataclass(frozen=True)
class TaskRule:
    key: str  # rule_key stored on the task, e.g. agreed.finance
    status: str  # the new status that triggers it
    role: str
    assignee: str  # sales_manager | procurement_manager | logistics_manager | department
    title: str
    due_working_days: int | None
    due_by: str | None  # planned_shipment | payment_calendar (instead of working days)


@cache
def task_rules() -> tuple[TaskRule, ...]:
    text = resources.files(__package__).joinpath("task_rules.csv").read_text(encoding="utf-8")
    return tuple(
        TaskRule(
            r["rule_key"],
            r["status"],
            r["role"],
            r["assignee"],
            r["title"],
            int(r["due_working_days"]) if r["due_working_days"] else None,
            r["due_by"] or None,
        )
        for r in csv.DictReader(io.StringIO(text))
    )


def _rules_by_status() -> dict[str, list[TaskRule]]:
    out: dict[str, list[TaskRule]] = {}
    for rule in task_rules():
        out.setdefault(rule.status, []).append(rule)
    return out


def _closed_between(rng: random.Random, ctx: Context, start_us: int, end_us: int) -> int:
    """A working-hours moment in (start_us, end_us]."""
    days = ctx.cal.between(day_of(start_us), day_of(end_us)) or [day_of(end_us)]
    us = stamp(rng.choice(days), work_minute(rng))
    return min(max(us, start_us + 60_000_000), end_us)


def tasks_frame(
    rng: random.Random, ctx: Context, orders: list[Order], ids: dict[int, list[int]]
) -> pl.DataFrame:
    cal, staff = ctx.cal, ctx.staff
    rules = _rules_by_status()
    # (created_us, event_id, order_id, rule_key, assignee, role, title, due, state,
    #  closed_us, closed_by, created_by)
    rows = []
    for order in orders:
        tl = order.timeline
        events = tl.events
        for n, event in enumerate(events):
            day = day_of(event.us)
            for rule in rules.get(event.status, ()):
                if rule.assignee == "sales_manager":
                    assignee = order.manager_id
                elif rule.assignee == "procurement_manager" and tl.procurement_id:
                    assignee = tl.procurement_id
                elif rule.assignee == "logistics_manager" and tl.logistics_id:
                    assignee = tl.logistics_id
                else:
                    assignee = rng.choice(staff.workers(rule.role))
                if rule.due_by == "planned_shipment":
                    due = tl.planned_ship or cal.add(day, 10)
                elif rule.due_by == "payment_calendar":
                    dues = [
                        b.due_day
                        if b.due_day is not None
                        else cal.roll(day + tl.road_days + b.step.offset_days)
                        for b in tl.bills
                        if b.step.base_event in ("shipped", "delivered")
                    ]
                    due = max(dues) if dues else cal.add(day, 5)
                else:
                    due = cal.add(day, rule.due_working_days or 0)
                state, closed_us, closed_by = "open", None, None
                if n + 1 < len(events):
                    nxt = events[n + 1]
                    if nxt.status == "cancelled":
                        state, closed_us, closed_by = "cancelled", nxt.us, nxt.user
                    else:
                        state, closed_by = "done", assignee
                        closed_us = _closed_between(rng, ctx, event.us, nxt.us)
                rows.append((
                    event.us, ids[order.id][n], order.id, rule.key, assignee, rule.role,
                    f"{rule.title} — {order.number}", due, state, closed_us, closed_by, None,
                ))  # fmt: skip
        if rng.random() < 0.03:
            rows.append(_manual(rng, ctx, order))
    rows.sort(key=lambda r: (r[0], r[1] or 0, r[2]))
    return frame(
        {
            "id": list(range(1, len(rows) + 1)),
            "order_id": [r[2] for r in rows],
            "event_id": pl.Series([r[1] for r in rows], dtype=pl.Int64),
            "rule_key": pl.Series([r[3] for r in rows], dtype=pl.String),
            "assignee_id": [r[4] for r in rows],
            "role": [r[5] for r in rows],
            "title": [r[6] for r in rows],
            "due_date": dates([r[7] for r in rows]),
            "state": [r[8] for r in rows],
            "created_at": stamps([r[0] for r in rows]),
            "created_by": pl.Series([r[11] for r in rows], dtype=pl.Int64),
            "closed_at": stamps([r[9] for r in rows]),
            "closed_by": pl.Series([r[10] for r in rows], dtype=pl.Int64),
        }
    )


def _manual(rng: random.Random, ctx: Context, order: Order) -> tuple:
    """A task a head or leadership assigned by hand from the order card."""
    staff, events = ctx.staff, order.timeline.events
    author = rng.choice([staff.heads.get("sales"), staff.heads.get("leadership")])
    start, end = events[0].us, events[-1].us
    created = _closed_between(rng, ctx, start, max(end, start + 60_000_000))
    role = rng.choice(("sales", "procurement", "production", "logistics", "finance"))
    assignee = order.manager_id if role == "sales" else rng.choice(staff.of(role))
    due = ctx.cal.add(day_of(created), rng.randint(3, 7))
    state, closed_us, closed_by = "open", None, None
    finished = events[-1].status in ("closed", "cancelled")
    if due < ctx.as_of and (finished or rng.random() < 0.7):
        state, closed_by = "done", assignee
        closed_us = _closed_between(rng, ctx, created, stamp(due, 17 * 60))
    title = f"{rng.choice(MANUAL_TITLES)} — {order.number}"
    return (
        created,
        None,
        order.id,
        None,
        assignee,
        role,
        title,
        due,
        state,
        closed_us,
        closed_by,
        author,
    )
