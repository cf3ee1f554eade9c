"""Quotes (КП): a frozen copy of the lines and prices as issued, one per quote_sent event.

The last version carries the order's current lines; an earlier version shows what the revision
changed (a higher complexity before a discount, or other quantities), priced as it was then.
"""

from __future__ import annotations

import random

import polars as pl

from zakaz.demo.columns import dates, frame, money, scaled, stamps, weight
from zakaz.demo.orders import Lines, Order
from zakaz.demo.priced import price
from zakaz.demo.workdays import day_of

VALID_DAYS = 30


def quote_number(order_number: str, version: int) -> str:
    """З-2026-0142 -> КП-2026-0142/<version>."""
    return f"КП-{order_number.removeprefix('З-')}/{version}"


def quotes_frames(
    rng: random.Random, orders: list[Order], lines: Lines
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(quotes, quote_lines), quote ids in the order the quotes were issued."""
    issued = sorted((q.us, o.id, q.version) for o in orders for q in o.timeline.quotes)
    rank = {(oid, v): i for i, (_, oid, v) in enumerate(issued, start=1)}
    rows: list[int] = []
    qty: list[int] = []
    k: list[int] = []
    vat: list[int] = []
    owner: list[int] = []  # quote id of each quote line
    head: list[tuple] = []
    for order in orders:
        span = range(order.first_line, order.first_line + order.n_lines)
        for q in order.timeline.quotes:
            quote_id = rank[(order.id, q.version)]
            head.append((quote_id, order, q))
            bump = round(rng.uniform(1.08, 1.2), 2) if q.change == "complexity" else 1.0
            changed = (
                set(rng.sample(list(span), min(2, len(span)))) if q.change == "quantity" else ()
            )
            for i in span:
                rows.append(i)
                quantity = lines.quantity[i]
                if i in changed:
                    quantity = max(1, round(quantity * rng.choice((0.5, 0.8, 1.5, 2.0))))
                    if quantity == lines.quantity[i]:
                        quantity += 1
                qty.append(quantity)
                k.append(max(1000, round(lines.complexity_milli[i] * bump / 10) * 10))
                vat.append(q.vat_bp)
                owner.append(quote_id)
    priced = price(lines, rows, qty, k, vat)

    net = dict.fromkeys(range(1, len(issued) + 1), 0)
    tax = dict.fromkeys(net, 0)
    line_no: list[int] = []
    for n, quote_id in enumerate(owner):
        net[quote_id] += priced.line_net[n]
        tax[quote_id] += priced.line_vat[n]
        line_no.append(lines.line_no[rows[n]])

    quote_lines = frame(
        {
            "quote_id": owner,
            "line_no": line_no,
            "drawing_no": [lines.drawing_no[i] for i in rows],
            "name": [lines.name[i] for i in rows],
            "material_grade": [lines.grade[i] for i in rows],
            "quantity": qty,
            "unit_weight_kg": weight(priced.unit_weight_g),
            "unit_price_net": money(priced.unit_price_net),
            "line_net": money(priced.line_net),
            "line_vat": money(priced.line_vat),
            "line_total": money(priced.line_total),
        }
    ).sort("quote_id", "line_no")

    head.sort(key=lambda h: h[0])
    quotes = frame(
        {
            "id": [h[0] for h in head],
            "order_id": [h[1].id for h in head],
            "number": [quote_number(h[1].number, h[2].version) for h in head],
            "version": [h[2].version for h in head],
            "issued_at": stamps([h[2].us for h in head]),
            "issued_by": [h[2].user for h in head],
            "valid_until": dates([day_of(h[2].us) + VALID_DAYS for h in head]),
            "vat_rate": scaled([h[2].vat_bp for h in head], 4, 6),
            "net": money([net[h[0]] for h in head]),
            "vat": money([tax[h[0]] for h in head]),
            "total": money([net[h[0]] + tax[h[0]] for h in head]),
        }
    )
    return quotes, quote_lines
