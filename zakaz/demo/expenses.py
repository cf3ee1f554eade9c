"""Order expenses: planned at costing, actual once the order is made and shipped."""

from __future__ import annotations

import random

import polars as pl

from pricing import div_half_up
from zakaz.demo.columns import frame, money, stamps
from zakaz.demo.orders import Lines, Order
from zakaz.demo.priced import OrderSums, Priced
from zakaz.demo.shipments import PICKUP, delivery_cost_kop, transit_days

FINISHED = frozenset({"shipped", "delivered", "closed"})
OTHER = (
    "Командировка на приёмку у заказчика", "Сертификация продукции", "Изготовление оснастки",
)  # fmt: skip


def _to(kopecks: float, rubles: int) -> int:
    """Round to a whole number of ``rubles``."""
    step = rubles * 100
    return max(step, round(kopecks / step) * step)


def expenses_frame(
    rng: random.Random,
    orders: list[Order],
    lines: Lines,
    priced: Priced,
    sums: OrderSums,
    freight: dict[int, int],
    treated: dict[str, set[int]],
) -> pl.DataFrame:
    """``freight``: delivery cost of each order's shipments so far (kopecks); ``treated``:
    surcharge name -> line indexes carrying it (coating and heat treatment may be outsourced)."""
    cols: dict[str, list] = {k: [] for k in (
        "order_id", "category", "planned", "actual", "comment", "created_at", "created_by",
    )}  # fmt: skip

    def add(order: Order, category: str, planned: int, actual: int | None, comment: str, us: int):
        cols["order_id"].append(order.id)
        cols["category"].append(category)
        cols["planned"].append(planned)
        cols["actual"].append(actual)
        cols["comment"].append(comment)
        cols["created_at"].append(us)
        cols["created_by"].append(order.manager_id)

    for order in orders:
        tl = order.timeline
        costing = next((e for e in tl.events if e.status == "costing"), None)
        if costing is None:
            continue
        o = order.id - 1
        finished = tl.status in FINISHED
        span = range(order.first_line, order.first_line + order.n_lines)
        us = costing.us + rng.randint(5, 90) * 60_000_000

        factor = rng.uniform(0.45, 0.65)
        work = sum(priced.planned_cost[i] * (lines.complexity_milli[i] - 1000) / 1000 for i in span)
        planned = _to(work * factor, 100)
        actual = _to(planned * rng.uniform(0.9, 1.25), 10) if finished else None
        add(order, "production", planned, actual, "Механообработка и сборка", us)

        if tl.carrier != PICKUP and rng.random() < 0.92:
            kg = sums.weight_g[o] / 1000 * 0.7
            planned = _to(delivery_cost_kop(rng, "ПЭК", kg, transit_days(order.delivery_city)), 10)
            actual = None
            if finished:
                actual = freight.get(order.id) or _to(planned * rng.uniform(0.9, 1.15), 10)
            add(order, "logistics", planned, actual, f"Доставка: {tl.carrier or 'ТК'}", us)

        if rng.random() < 0.8:
            planned = max(50_000, _to(div_half_up(sums.net[o] * 15, 1000), 10))
            actual = _to(planned * rng.uniform(0.9, 1.15), 10) if finished else None
            add(order, "packaging", planned, actual, "Упаковка и тара", us)

        coated = [i for i in span if i in treated.get("покрытие", ())]
        heated = [i for i in span if i in treated.get("термообработка", ())]
        outsourced = None
        if coated and rng.random() < 0.6:
            outsourced = (coated, "Покрытие на стороне")
        elif heated and rng.random() < 0.25:
            outsourced = (heated, "Термообработка на стороне")
        elif rng.random() < 0.03:
            outsourced = (list(span), "Заготовки на стороне (поковки)")
        if outsourced:
            base = sum(priced.line_net[i] for i in outsourced[0])
            planned = max(150_000, _to(base * rng.uniform(0.04, 0.08), 10))
            actual = _to(planned * rng.uniform(0.95, 1.2), 10) if finished else None
            add(order, "outsourcing", planned, actual, outsourced[1], us)

        if rng.random() < 0.03:
            planned = rng.randint(30, 250) * 10_000
            actual = _to(planned * rng.uniform(0.9, 1.1), 10) if finished else None
            add(order, "other", planned, actual, rng.choice(OTHER), us)

    n = len(cols["order_id"])
    return frame(
        {
            "id": list(range(1, n + 1)),
            "order_id": cols["order_id"],
            "category": cols["category"],
            "planned": money(cols["planned"]),
            "actual": money(cols["actual"]),
            "comment": cols["comment"],
            "created_at": stamps(cols["created_at"]),
            "created_by": cols["created_by"],
        }
    )
