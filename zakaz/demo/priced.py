"""The bridge to the pricing library: every price in the demo comes from ``pricing.price_lines``.

Lines (current or as in an earlier quote version) go in as one frame; the figures come back as
exact integers (kopecks, grams) for the generators that need them: quote totals, payment steps,
invoices, procurement masses, planned expenses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from pricing import price_lines
from zakaz.demo.catalog import DIM_KEYS
from zakaz.demo.columns import dimension, frame, money, scaled, to_grams, to_kopecks, weight
from zakaz.demo.orders import Lines

MONEY_OUT = (
    "material_cost_unit", "unit_price_net", "line_net", "line_vat", "line_total", "planned_cost",
)  # fmt: skip


@dataclass
class Priced:
    """pricing's results for a list of lines, as integers (kopecks / grams), in input order."""

    unit_weight_g: list[int]
    line_weight_g: list[int]
    material_cost_unit: list[int]
    unit_price_net: list[int]
    line_net: list[int]
    line_vat: list[int]
    line_total: list[int]
    planned_cost: list[int]


def price(
    lines: Lines,
    rows: Sequence[int],
    quantity: Sequence[int],
    complexity_milli: Sequence[int],
    vat_bp: Sequence[int],
) -> Priced:
    """Price lines[rows] with the given quantities, complexities and VAT rates."""
    n = len(rows)
    inputs = frame(
        {
            "line_id": list(range(1, n + 1)),
            "quantity": pl.Series(quantity, dtype=pl.Int64),
            "density_kg_m3": scaled([lines.density_milli[i] for i in rows], 3, 10),
            "price_per_kg": money([lines.price_kop[i] for i in rows]),
            "shape": [lines.shape[i] for i in rows],
            **{k: dimension([lines.dims[k][i] for i in rows]) for k in DIM_KEYS},
            "weight_kg": weight([lines.weight_g[i] for i in rows]),
            "complexity": scaled(complexity_milli, 3, 8),
            "surcharge_pct_total": scaled([lines.surcharge_centi[i] for i in rows], 2, 8),
            "fixed_unit_price": money([lines.fixed_kop[i] for i in rows]),
            "vat_rate": scaled(vat_bp, 4, 6),
        }
    )
    out = price_lines(inputs)
    return Priced(
        unit_weight_g=to_grams(out["unit_weight_kg"]),
        line_weight_g=to_grams(out["line_weight_kg"]),
        **{name: to_kopecks(out[name]) for name in MONEY_OUT},
    )


def price_current_lines(lines: Lines, vat_bp_by_order: Sequence[int]) -> Priced:
    """Every order line as it stands, at its order's VAT rate (index = order id - 1)."""
    return price(
        lines,
        range(len(lines)),
        lines.quantity,
        lines.complexity_milli,
        [vat_bp_by_order[o - 1] for o in lines.order_id],
    )


@dataclass
class OrderSums:
    """Per order (index = order id - 1): sums of the priced lines in kopecks / grams."""

    net: list[int]
    vat: list[int]
    total: list[int]
    weight_g: list[int]
    material: list[int]  # planned material cost


def order_sums(lines: Lines, priced: Priced, n_orders: int) -> OrderSums:
    sums = OrderSums(*([0] * n_orders for _ in range(5)))
    for i, o in enumerate(lines.order_id):
        k = o - 1
        sums.net[k] += priced.line_net[i]
        sums.vat[k] += priced.line_vat[i]
        sums.total[k] += priced.line_total[i]
        sums.weight_g[k] += priced.line_weight_g[i]
        sums.material[k] += priced.planned_cost[i]
    return sums
