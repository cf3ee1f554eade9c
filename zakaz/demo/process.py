"""Each order's road through the process, and the money that moves along it.

``simulate`` plays an order forward from its need date, as if nothing stopped at as_of: costing,
quote (sometimes revised), agreement or loss, prepayment, procurement, production, shipment (some in
two parts), delivery, payments and closing once fully paid. ``cut`` then keeps only what had
happened by as_of. Payment behaviour is decided here (when, and which share of each invoice), the
amounts later from the priced order, so dates never depend on money and money never on floats.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from zakaz.demo.context import Context, Template, TemplateStep
from zakaz.demo.orders import Order
from zakaz.demo.shipments import Shipment, choose_carrier
from zakaz.demo.workdays import day_of, stamp, work_minute

EARLY_REASONS = (
    "Потребность отпала", "Дубль заявки", "Заказчик не предоставил чертежи",
    "Нет технической возможности изготовить",
)  # fmt: skip
LOST_REASONS = (
    "Клиент выбрал другого поставщика", "Цена не устроила заказчика",
    "Сроки изготовления не устроили заказчика", "Заказчик не ответил на КП",
    "Проект заказчика отложен", "Тендер выигран другим участником",
)  # fmt: skip
AFTER_REASONS = (
    "Заказчик отказался от заказа после согласования", "Изменение конструкции изделия заказчиком",
)  # fmt: skip
NO_PREPAYMENT = "Не поступила предоплата"
# Why a quote was revised -> how the earlier version differed from the final lines.
REVISIONS = (
    ("Заказчик изменил количество, пересчёт КП", "quantity"),
    ("Замечания заказчика к цене, пересчёт КП", "complexity"),
    ("Запрос скидки, пересчёт КП", "complexity"),
    ("Уточнение чертежей и количества", "quantity"),
)  # fmt: skip

P_DROP = 0.035  # cancelled before any quote
P_LOST = 0.17  # quoted but lost
P_AFTER = 0.01  # cancelled after agreement (before procurement)
NEVER_PREPAYS = {"good": 0.005, "ok": 0.02, "poor": 0.07}
PAYER = {  # on time / late / partial shares, late days, partial rest gap, never-pay share
    "good": ((0.88, 0.09), (2, 12), (5, 30), 0.0),
    "ok": ((0.60, 0.28), (3, 35), (10, 45), 0.01),
    "poor": ((0.30, 0.40), (10, 70), (20, 90), 0.06),
}


@dataclass(slots=True)
class Event:
    status: str
    us: int
    user: int
    comment: str | None = None


@dataclass(slots=True)
class QuoteVersion:
    version: int
    us: int
    user: int
    vat_bp: int
    change: str | None  # None: the final lines; "quantity" / "complexity": how it differed


@dataclass(slots=True)
class Bill:
    """A payment step's invoice and what the customer pays against it."""

    step: TemplateStep
    base_day: int | None = None
    issue_day: int | None = None
    due_day: int | None = None
    pays: list[tuple[int, int | None]] = field(default_factory=list)  # (day, per mille | None=rest)

    @property
    def settles(self) -> bool:
        """The payments (as planned) cover the whole invoice."""
        return bool(self.pays) and self.pays[-1][1] is None


@dataclass(slots=True)
class Timeline:
    events: list[Event] = field(default_factory=list)
    quotes: list[QuoteVersion] = field(default_factory=list)
    template: Template | None = None
    procurement_id: int | None = None
    logistics_id: int | None = None
    planned_ship: int | None = None
    lead_days: int = 30
    carrier: str | None = None  # chosen at agreement
    road_days: int = 0
    vat_bp: int = 0
    shipments: list[Shipment] = field(default_factory=list)
    bills: list[Bill] = field(default_factory=list)
    cancel_reason: str | None = None

    @property
    def status(self) -> str:
        return self.events[-1].status

    def day_of(self, status: str) -> int | None:
        """The day of the last move into ``status`` (None if the order never got there)."""
        for e in reversed(self.events):
            if e.status == status:
                return day_of(e.us)
        return None


class _Run:
    """Plays one order forward; ``add`` appends a status event at a working-hours timestamp."""

    def __init__(self, rng: random.Random, ctx: Context, order: Order) -> None:
        self.rng, self.ctx, self.cal, self.order = rng, ctx, ctx.cal, order
        self.tl = Timeline()
        self.tl.events.append(Event("need", order.need_us, order.manager_id))

    def add(self, status: str, day: int, user: int, comment: str | None = None) -> int:
        prev = self.tl.events[-1].us
        us = stamp(day, work_minute(self.rng))
        if us <= prev:
            us = prev + self.rng.randint(5, 40) * 60_000_000
        self.tl.events.append(Event(status, us, user, comment))
        return day

    def wd(self, day: int, n: int) -> int:
        return self.cal.add(day, n)

    def cancel(self, day: int, reason: str) -> Timeline:
        staff = self.ctx.staff
        user = self.order.manager_id
        if self.rng.random() < 0.1:
            user = staff.heads.get("leadership", user)
        self.add("cancelled", day, user, reason)
        self.tl.cancel_reason = reason
        for bill in self.tl.bills:  # an unpaid invoice of a cancelled order is annulled
            bill.issue_day, bill.due_day, bill.pays = None, None, []
        return self.tl

    def vat_for(self, shipment_day: int) -> int:
        if self.order.explicit_vat_bp is not None:
            return self.order.explicit_vat_bp
        return self.ctx.ref.vat_bp_on(shipment_day)

    def quote(self, day: int, change: str | None) -> None:
        tl = self.tl
        self.add("quote_sent", day, self.order.manager_id)
        vat = self.vat_for(day + tl.lead_days)
        tl.quotes.append(
            QuoteVersion(len(tl.quotes) + 1, tl.events[-1].us, self.order.manager_id, vat, change)
        )

    def pay_plan(self, issue: int, due: int) -> list[tuple[int, int | None]]:
        rng, cal = self.rng, self.cal
        (on_time, late), late_days, rest_gap, never = PAYER[self.order.customer.payer]
        r = rng.random()
        if r < never:
            return []
        if r < on_time:
            return [(cal.roll(rng.randint(min(issue + 1, due), max(due, issue + 1))), None)]
        if r < on_time + late:
            return [(cal.roll(due + rng.randint(*late_days)), None)]
        first_day = cal.roll(max(issue + 1, due + rng.randint(-5, late_days[1] // 3)))
        share = (
            rng.randint(500, 800) if self.order.customer.payer == "good" else rng.randint(200, 700)
        )
        if self.order.customer.payer == "poor" and rng.random() < 0.25:
            return [(first_day, share)]  # the rest never comes
        return [(first_day, share), (cal.roll(first_day + rng.randint(*rest_gap)), None)]

    def bill(self, bill: Bill, base_day: int) -> None:
        bill.base_day = base_day
        bill.issue_day = self.wd(base_day, self.rng.choice((0, 0, 1)))
        bill.due_day = max(bill.issue_day, self.cal.roll(base_day + bill.step.offset_days))
        bill.pays = self.pay_plan(bill.issue_day, bill.due_day)


def _lead_days(rng: random.Random, order: Order) -> int:
    """Calendar days from agreement to the planned shipment."""
    days = 14 + 6 * math.log1p(order.blank_kg / 50) + 2 * order.n_lines + rng.uniform(0, 15)
    if order.urgent:
        days *= 0.5
    return max(7, round(days))


def simulate(rng: random.Random, ctx: Context, order: Order) -> Timeline:
    run = _Run(rng, ctx, order)
    tl, staff, mgr = run.tl, ctx.staff, order.manager_id
    tl.lead_days = _lead_days(rng, order)
    tl.vat_bp = run.vat_for(order.need_day + tl.lead_days)
    fate = rng.random()

    if fate < P_DROP / 2:
        return run.cancel(run.wd(order.need_day, rng.randint(1, 4)), rng.choice(EARLY_REASONS))
    costing = run.add("costing", run.wd(order.need_day, rng.choice((0, 0, 1, 1, 2))), mgr)
    if fate < P_DROP:
        return run.cancel(run.wd(costing, rng.randint(1, 6)), rng.choice(EARLY_REASONS))
    quoted = run.wd(costing, 1 + order.n_lines // 3 + rng.randint(0, 3))
    revisions: list[tuple[str, str]] = []
    while len(revisions) < 2 and rng.random() < (0.2 if not revisions else 0.3):
        revisions.append(rng.choice(REVISIONS))
    # Earlier versions differ from the final lines by the change their revision asked for.
    run.quote(quoted, revisions[0][1] if revisions else None)
    for i, (comment, _) in enumerate(revisions):
        recost = run.add("costing", run.wd(quoted, rng.randint(2, 8)), mgr, comment)
        quoted = run.wd(recost, rng.randint(1, 4))
        run.quote(quoted, revisions[i + 1][1] if i + 1 < len(revisions) else None)
    if fate < P_DROP + P_LOST:
        return run.cancel(run.wd(quoted, rng.randint(3, 30)), rng.choice(LOST_REASONS))

    agreed = run.add("agreed", run.wd(quoted, 2 + int(18 * rng.random() ** 1.5)), mgr)
    tl.planned_ship = ctx.cal.roll(agreed + tl.lead_days)
    tl.vat_bp = run.vat_for(tl.planned_ship)
    terms = order.customer.terms
    code = rng.choices(list(terms), weights=list(terms.values()))[0]
    tl.template = ctx.ref.templates[code]
    tl.procurement_id = rng.choice(staff.of("procurement"))
    tl.logistics_id = rng.choice(staff.of("logistics"))
    tl.bills = [Bill(step) for step in tl.template.steps]
    tl.carrier, tl.road_days = choose_carrier(rng, order.delivery_city)

    prepay = [b for b in tl.bills if b.step.base_event == "agreed"]
    for bill in prepay:
        run.bill(bill, agreed)
        if rng.random() < NEVER_PREPAYS[order.customer.payer]:
            bill.pays = []
    if any(not b.pays for b in prepay):  # the plant waits a few weeks, then gives up
        last_due = max(b.due_day for b in prepay)
        return run.cancel(run.wd(last_due, rng.randint(10, 25)), NO_PREPAYMENT)
    if rng.random() < P_AFTER:
        return run.cancel(run.wd(agreed, rng.randint(1, 2)), rng.choice(AFTER_REASONS))

    start = run.wd(agreed, rng.randint(1, 3))
    if prepay:  # work starts once the (first part of the) prepayment is in
        paid = min(b.pays[0][0] for b in prepay)
        start = max(start, run.wd(paid, rng.randint(0, 1)))
    procurement = run.add("procurement", start, mgr)
    waiting = rng.randint(3, 12) + (rng.randint(15, 40) if rng.random() < 0.03 else 0)
    production = run.add("production", run.wd(procurement, waiting), tl.procurement_id)
    earliest = run.wd(production, 3 + int(min(20, order.blank_kg / 100)))
    if rng.random() < 0.28:  # late against the planned shipment date
        target = run.wd(tl.planned_ship, rng.randint(1, 20))
    else:
        target = ctx.cal.roll(tl.planned_ship - rng.randint(1, 5))
    ready = run.add("ready_to_ship", max(earliest, target), rng.choice(staff.of("production")))

    carrier, road = tl.carrier, tl.road_days
    if order.n_lines >= 2 and rng.random() < 0.15:
        first = run.wd(ready, rng.randint(0, 1))
        last = run.wd(first, rng.randint(3, 12))
        share = rng.randint(400, 700)
        parts = [(first, share), (last, 1000 - share)]
    else:
        last = run.wd(ready, rng.choice((0, 1, 1, 2, 3)))
        parts = [(last, 1000)]
    for day, share in parts:
        delivered = ctx.cal.roll(day + road) if road else day
        tl.shipments.append(Shipment(day, delivered, share, carrier, road))
    shipped = run.add("shipped", last, tl.logistics_id)
    delivered = run.add("delivered", max(s.delivered for s in tl.shipments), tl.logistics_id)

    for bill in tl.bills:
        if bill.step.base_event == "shipped":
            run.bill(bill, shipped)
        elif bill.step.base_event == "delivered":
            run.bill(bill, delivered)
    if all(b.settles for b in tl.bills):
        last_pay = max(p[0] for b in tl.bills for p in b.pays)
        close = max(run.wd(delivered, rng.randint(1, 5)), run.wd(last_pay, rng.randint(1, 4)))
        if rng.random() < 0.1:
            close = run.wd(close, rng.randint(5, 20))
        closer = rng.choice(staff.of("finance")) if rng.random() < 0.6 else mgr
        run.add("closed", close, closer)
    return tl


def cut(tl: Timeline, ctx: Context, order: Order) -> Timeline:
    """Keep only what had happened by the end of as_of."""
    as_of = ctx.as_of
    events = [e for e in tl.events if day_of(e.us) <= as_of]
    kept = {id(e) for e in events}
    quote_events = [e for e in tl.events if e.status == "quote_sent"]
    quotes = [q for q, e in zip(tl.quotes, quote_events, strict=True) if id(e) in kept]
    if quotes and quotes[-1].change is not None and events[-1].status != "costing":
        quotes[-1].change = None  # the revision it would have led to had not happened yet
    agreed = any(e.status == "agreed" for e in events)
    out = Timeline(
        events=events,
        quotes=quotes,
        lead_days=tl.lead_days,
        cancel_reason=tl.cancel_reason if events[-1].status == "cancelled" else None,
    )
    if agreed:
        out.template, out.planned_ship = tl.template, tl.planned_ship
        out.procurement_id, out.logistics_id = tl.procurement_id, tl.logistics_id
        out.vat_bp = tl.vat_bp
        out.carrier, out.road_days = tl.carrier, tl.road_days
        for bill in tl.bills:
            issued = bill.issue_day is not None and bill.issue_day <= as_of
            out.bills.append(
                Bill(
                    bill.step,
                    bill.base_day if bill.base_day is not None and bill.base_day <= as_of else None,
                    bill.issue_day if issued else None,
                    bill.due_day if issued else None,
                    [p for p in bill.pays if p[0] <= as_of] if issued else [],
                )
            )
    else:
        last_quote = quotes[-1].us if quotes else order.need_us
        explicit = order.explicit_vat_bp
        out.vat_bp = (
            explicit
            if explicit is not None
            else ctx.ref.vat_bp_on(day_of(last_quote) + tl.lead_days)
        )
    for s in tl.shipments:
        if s.shipped <= as_of:
            delivered = s.delivered if s.delivered <= as_of else None
            out.shipments.append(
                Shipment(s.shipped, delivered, s.share_milli, s.carrier, s.road_days)
            )
    return out


def plan_orders(rng: random.Random, ctx: Context, orders: list[Order]) -> None:
    """Set every order's timeline (as of the demo's today)."""
    for order in orders:
        order.timeline = cut(simulate(rng, ctx, order), ctx, order)
