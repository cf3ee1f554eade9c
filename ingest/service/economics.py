"""The economics tab (field group `economics`): cost price, profit and efficiency of one order.

Every figure comes from pricing/ (pricing.md, formulas 8-12) over the order as stored: the lines,
procurement's actual material costs and the expenses. Efficiency is profit over cost price; the
margin (profit over net) is shown beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingest.service.acting import Acting
from ingest.service.order_pricing import price_stored_order
from ingest.service.orders import get_order
from pricing.errors import PricingError
from pricing.rounding import round_pct

FIGURES = (
    "net",
    "planned_cost_price",
    "actual_cost_price",
    "material_planned",
    "material_actual",
    "expenses_planned",
    "expenses_actual",
    "planned_profit",
    "actual_profit",
    "planned_efficiency_pct",
    "actual_efficiency_pct",
    "planned_margin_pct",
    "actual_margin_pct",
)


def margin_pct(profit: Decimal, net: Decimal) -> Decimal | None:
    """profit / net x 100 to 0.1 (half-up); None for an order with no revenue."""
    return None if net == 0 else round_pct(profit / net * 100)


def _expenses_by_category(a: Acting, order_id: int) -> list[dict[str, Any]]:
    """Planned, recorded actual and the actual as costed (an unrecorded actual counts planned)."""
    return a.rows(
        "SELECT category, sum(planned) AS planned, sum(actual) AS actual, "
        "  sum(coalesce(actual, planned)) AS actual_or_planned "
        "FROM order_expenses WHERE order_id = ? GROUP BY category ORDER BY category",
        [order_id],
    )


def order_economics(a: Acting, order_id: int) -> dict[str, Any]:
    """The order's economics; when it cannot be priced, the figures are None and `problem` says
    why (e.g. a grade without a price)."""
    order = get_order(a, order_id)
    a.require("economics", "read", order)
    result: dict[str, Any] = {
        "order_id": order_id,
        "number": order["number"],
        "expenses_by_category": _expenses_by_category(a, order_id),
        "problem": None,
    }
    try:
        priced = price_stored_order(a.conn, order)
    except PricingError as exc:
        return {
            **result,
            **dict.fromkeys(FIGURES),
            "lines_count": None,
            "lines_with_actual_cost": None,
            "problem": str(exc),
        }
    recorded = a.execute(
        "SELECT count(*) FROM procurement_records WHERE order_id = ? "
        "AND actual_material_cost IS NOT NULL",
        [order_id],
    ).fetchone()[0]
    result.update(
        net=priced.net,
        planned_cost_price=priced.planned_cost_price,
        actual_cost_price=priced.actual_cost_price,
        material_planned=sum((ln.planned_cost for ln in priced.lines), Decimal("0.00")),
        material_actual=sum((ln.actual_cost for ln in priced.lines), Decimal("0.00")),
        expenses_planned=priced.expenses_planned,
        expenses_actual=priced.expenses_actual,
        planned_profit=priced.planned_profit,
        actual_profit=priced.actual_profit,
        planned_efficiency_pct=priced.planned_efficiency_pct,
        actual_efficiency_pct=priced.actual_efficiency_pct,
        planned_margin_pct=margin_pct(priced.planned_profit, priced.net),
        actual_margin_pct=margin_pct(priced.actual_profit, priced.net),
        lines_count=len(priced.lines),
        # The actual cost counts the planned material of lines procurement has not costed yet.
        lines_with_actual_cost=recorded,
    )
    return result
