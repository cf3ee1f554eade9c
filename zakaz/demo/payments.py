"""The payment calendar: steps from the agreed terms, invoices per step, and the payments.

Step amounts are the order total times the step's percent, rounded half-up; the last step takes
the remainder, so the steps add up to the total exactly. Invoices carry their step's amount and a
VAT part split the same way. A payment never exceeds what is left of its invoice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import polars as pl

from pricing import div_half_up
from zakaz.demo.columns import dates, frame, money, scaled, stamps
from zakaz.demo.context import Context
from zakaz.demo.orders import Order
from zakaz.demo.priced import OrderSums
from zakaz.demo.workdays import stamp, work_minute


def split(total: int, pcts_centi: list[int]) -> list[int]:
    """total x pct (half-up) per step, the last step the remainder: sums to total exactly."""
    parts = [div_half_up(total * p, 10_000) for p in pcts_centi[:-1]]
    return [*parts, total - sum(parts)]


def rubles(kopecks: int) -> str:
    """1234567 -> '12 345,67' (the plant's way of writing money)."""
    whole, cents = divmod(kopecks, 100)
    return f"{whole:,}".replace(",", " ") + f",{cents:02d}"


@dataclass
class _Invoice:
    order: Order
    step_id: int
    issue: int
    due: int
    amount: int
    vat: int
    pays: list[tuple[int, int | None]]


def payment_frames(
    rng: random.Random, ctx: Context, orders: list[Order], sums: OrderSums
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(payment_steps, invoices, payments)."""
    steps: dict[str, list] = {k: [] for k in (
        "order_id", "step_no", "name", "pct", "amount", "base_event", "offset_days",
    )}  # fmt: skip
    invoices: list[_Invoice] = []
    for order in orders:
        tl = order.timeline
        if tl.template is None:
            continue
        o = order.id - 1
        pcts = [b.step.pct_centi for b in tl.bills]
        amounts = split(sums.total[o], pcts)
        vats = split(sums.vat[o], pcts)
        for bill, amount, vat in zip(tl.bills, amounts, vats, strict=True):
            steps["order_id"].append(order.id)
            steps["step_no"].append(bill.step.step_no)
            steps["name"].append(bill.step.name)
            steps["pct"].append(bill.step.pct_centi)
            steps["amount"].append(amount)
            steps["base_event"].append(bill.step.base_event)
            steps["offset_days"].append(bill.step.offset_days)
            if bill.issue_day is not None and amount > 0:
                step_id = len(steps["order_id"])
                invoices.append(
                    _Invoice(order, step_id, bill.issue_day, bill.due_day, amount, vat, bill.pays)
                )
    n_steps = len(steps["order_id"])
    steps_frame = frame(
        {
            "id": list(range(1, n_steps + 1)),
            **{k: v for k, v in steps.items() if k not in ("pct", "amount")},
            "pct": scaled(steps["pct"], 2, 8),
            "amount": money(steps["amount"]),
        }
    )
    invoices.sort(key=lambda inv: (inv.issue, inv.order.id, inv.step_id))
    finance = ctx.staff.of("finance")
    invoices_frame = frame(
        {
            "id": list(range(1, len(invoices) + 1)),
            "number": [str(i) for i in range(1, len(invoices) + 1)],
            "order_id": [inv.order.id for inv in invoices],
            "payment_step_id": [inv.step_id for inv in invoices],
            "issue_date": dates([inv.issue for inv in invoices]),
            "due_date": dates([inv.due for inv in invoices]),
            "amount": money([inv.amount for inv in invoices]),
            "vat_amount": money([inv.vat for inv in invoices]),
            "created_at": stamps([stamp(inv.issue, work_minute(rng)) for inv in invoices]),
            "created_by": [rng.choice(finance) for _ in invoices],
        }
    )
    return steps_frame, invoices_frame, _payments(rng, ctx, invoices)


def _payments(rng: random.Random, ctx: Context, invoices: list[_Invoice]) -> pl.DataFrame:
    rows = []  # (day, invoice id, amount)
    for invoice_id, inv in enumerate(invoices, start=1):
        left = inv.amount
        for day, share in inv.pays:
            amount = left if share is None else div_half_up(inv.amount * share, 1000)
            amount = min(max(amount, 1), left)
            if amount <= 0:
                break
            rows.append((day, invoice_id, amount))
            left -= amount
    rows.sort()
    doc_no: dict[int, int] = {}
    finance = ctx.staff.of("finance")
    cols: dict[str, list] = {k: [] for k in (
        "order_id", "invoice_id", "customer_id", "payment_date", "amount", "doc_no", "payer_inn",
        "purpose", "source", "source_key", "created_at", "created_by",
    )}  # fmt: skip
    for day, invoice_id, amount in rows:
        inv = invoices[invoice_id - 1]
        customer = inv.order.customer
        doc_no[customer.id] = doc_no.get(customer.id, rng.randint(100, 3000)) + rng.randint(1, 25)
        number = str(doc_no[customer.id])
        bank = rng.random() < 0.85
        rate_bp = inv.order.timeline.vat_bp
        vat_in = div_half_up(amount * rate_bp, 10_000 + rate_bp)
        vat_text = (
            f"в т.ч. НДС {rate_bp / 100:g}% — {rubles(vat_in)} руб."
            if rate_bp
            else "НДС не облагается"
        )
        issued = date.fromordinal(inv.issue).strftime("%d.%m.%Y")
        cols["order_id"].append(inv.order.id)
        cols["invoice_id"].append(invoice_id)
        cols["customer_id"].append(customer.id)
        cols["payment_date"].append(day)
        cols["amount"].append(amount)
        cols["doc_no"].append(number)
        cols["payer_inn"].append(customer.inn)
        cols["purpose"].append(
            f"Оплата по счету № {invoice_id} от {issued} за изготовление деталей "
            f"по заказу {inv.order.number}, {vat_text}"
        )
        cols["source"].append("bank" if bank else "manual")
        cols["source_key"].append(
            f"bank:{customer.inn}:{number}:{date.fromordinal(day).isoformat()}" if bank else None
        )
        cols["created_at"].append(stamp(day, work_minute(rng, 10 * 60)))
        cols["created_by"].append(rng.choice(finance))
    n = len(rows)
    return frame(
        {
            "id": list(range(1, n + 1)),
            **{k: v for k, v in cols.items() if k not in ("payment_date", "amount", "created_at")},
            "payment_date": dates(cols["payment_date"]),
            "amount": money(cols["amount"]),
            "created_at": stamps(cols["created_at"]),
            "source_key": pl.Series(cols["source_key"], dtype=pl.String),
        }
    )
