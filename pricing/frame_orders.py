"""Frame API, order level: sums of priced lines plus expenses, profit and efficiency per order.

Everything is summed as Int128 kopecks/grams (exact), checked against DECIMAL(18,2), then turned
back into Decimals, the same steps as ``pricing.scalar.price_order``.
"""

from __future__ import annotations

import polars as pl

from pricing.errors import PricingError
from pricing.frame_checks import Check, decimal_checks, find_first, raise_line_error
from pricing.frame_columns import Columns, from_scaled, scaled_int
from pricing.validate import (
    EXPENSE_ACTUAL,
    EXPENSE_PLANNED,
    MAX_MONEY_UNITS,
    MISSING,
    TOO_BIG_MONEY,
    TOO_BIG_WEIGHT,
)

# profit / cost * 100 is unbounded above (tiny cost price, big price): up to ~1e20 %.
EFFICIENCY_PRECISION = 22
_P = "__pricing_"

# order figure -> (priced-lines column, decimals)
_LINE_SUMS = {
    "net": ("line_net", 2),
    "vat": ("line_vat", 2),
    "total": ("line_total", 2),
    "weight_kg": ("line_weight_kg", 3),
    "lines_planned": ("planned_cost", 2),
    "lines_actual": ("actual_cost", 2),
}
# Checked against DECIMAL(18,x) in this order (the scalar API checks the same order).
_LIMITED = (
    "net",
    "vat",
    "total",
    "weight_kg",
    "expenses_planned",
    "expenses_actual",
    "planned_cost_price",
    "actual_cost_price",
)


def _i(name: str) -> pl.Expr:
    return pl.col(_P + name)


def _line_sums(priced: pl.DataFrame) -> pl.DataFrame:
    c = Columns(priced.schema, "строк")
    if "order_id" not in priced.columns:
        raise c.fail("order_id", "нет такого столбца")
    checks = [Check(pl.col("order_id").is_null(), "order_id", MISSING)]
    for column, places in _LINE_SUMS.values():
        value = c.decimal(column)
        checks.append(Check(value.is_null(), column, MISSING))
        if c.decimal_scale(column) > places:  # not price_lines output: refuse to truncate
            exact = (value.cast(pl.Decimal(38, places), strict=False) == value).fill_null(True)
            checks.append(Check(~exact, column, f"не более {places} знаков после запятой"))
    raise_line_error(priced, checks)
    return priced.group_by("order_id", maintain_order=True).agg(
        [
            scaled_int(c.decimal(column), places).sum().alias(_P + name)
            for name, (column, places) in _LINE_SUMS.items()
        ]
    )


def _expense_sums(expenses: pl.DataFrame, order_dtype: pl.DataType) -> pl.DataFrame:
    if expenses.height == 0:
        return pl.DataFrame(
            schema={
                "order_id": order_dtype,
                _P + "exp_planned": pl.Int128,
                _P + "exp_actual": pl.Int128,
            }
        )
    c = Columns(expenses.schema, "расходов")
    if "order_id" not in expenses.columns:
        raise c.fail("order_id", "нет такого столбца")
    category = c.text("category")
    planned, actual = c.decimal("planned"), c.decimal("actual", required=False)
    checks = [
        Check(pl.col("order_id").is_null(), "order_id", MISSING),
        Check(category.is_null() | (category.str.strip_chars() == ""), "category", MISSING),
        *decimal_checks(EXPENSE_PLANNED, planned, c.decimal_scale("planned")),
        *decimal_checks(EXPENSE_ACTUAL, actual, c.decimal_scale("actual"), required=False),
    ]
    found = find_first(expenses, checks)
    if found is not None:
        index, one, check, reason = found
        raise PricingError.for_expense(index + 1, check.field, reason, one["order_id"][0])
    if order_dtype != pl.Null:
        try:
            expenses = expenses.with_columns(pl.col("order_id").cast(order_dtype))
        except pl.exceptions.PolarsError:
            reason = f"тип не совпадает с order_id строк ({order_dtype})"
            raise c.fail("order_id", reason) from None
    planned_kop = scaled_int(planned, 2)
    return expenses.group_by("order_id", maintain_order=True).agg(
        planned_kop.sum().alias(_P + "exp_planned"),
        pl.coalesce(scaled_int(actual, 2), planned_kop).sum().alias(_P + "exp_actual"),
    )


def _efficiency(profit: pl.Expr, cost: pl.Expr) -> pl.Expr:
    """round1(profit / cost * 100) in tenths, ties away from zero; null when cost is 0."""
    scaled = profit * 1000
    magnitude = (scaled.abs() + cost // 2) // cost
    signed = pl.when(scaled < 0).then(0 - magnitude).otherwise(magnitude)  # Int128 has no neg
    return pl.when(cost != 0).then(signed)


def price_orders(priced_lines: pl.DataFrame, expenses: pl.DataFrame) -> pl.DataFrame:
    """One row per ``order_id``: lines' orders first (in order), then orders with only expenses.

    ``priced_lines``: ``price_lines`` output with an ``order_id`` column. ``expenses``: columns
    ``order_id, category, planned, actual`` (Decimal; actual nullable), or an empty frame.
    Output: ``order_id, net, vat, total, weight_kg, expenses_planned, expenses_actual,
    planned_cost_price, actual_cost_price, planned_profit, actual_profit`` (Decimal(18,2),
    weight Decimal(18,3)) and ``planned_efficiency_pct, actual_efficiency_pct`` (Decimal(22,1),
    null when the cost price is 0).
    """
    lines = _line_sums(priced_lines)
    costs = _expense_sums(expenses, priced_lines.schema["order_id"])
    if lines.schema["order_id"] == pl.Null:  # no lines at all: key by the expenses' ids
        lines = lines.with_columns(pl.col("order_id").cast(costs.schema["order_id"]))
    keys = pl.concat([lines.select("order_id"), costs.select("order_id")]).unique(
        "order_id", maintain_order=True
    )
    sums = (
        keys.join(lines, on="order_id", how="left", maintain_order="left")
        .join(costs, on="order_id", how="left", maintain_order="left")
        .with_columns(pl.exclude("order_id").fill_null(pl.lit(0, dtype=pl.Int128)))
        .with_columns(
            _i("exp_planned").alias(_P + "expenses_planned"),
            _i("exp_actual").alias(_P + "expenses_actual"),
            (_i("lines_planned") + _i("exp_planned")).alias(_P + "planned_cost_price"),
            (_i("lines_actual") + _i("exp_actual")).alias(_P + "actual_cost_price"),
        )
    )
    checks = [
        Check(
            _i(name) > MAX_MONEY_UNITS,
            name,
            TOO_BIG_WEIGHT if name == "weight_kg" else TOO_BIG_MONEY,
        )
        for name in _LIMITED
    ]
    found = find_first(sums, checks)
    if found is not None:
        _, one, check, reason = found
        raise PricingError.for_order(check.field, reason, one["order_id"][0])

    profit = {
        "planned": _i("net") - _i("planned_cost_price"),
        "actual": _i("net") - _i("actual_cost_price"),
    }
    return sums.select(
        "order_id",
        *(from_scaled(_i(name), 3 if name == "weight_kg" else 2).alias(name) for name in _LIMITED),
        *(from_scaled(profit[k], 2).alias(f"{k}_profit") for k in profit),
        *(
            from_scaled(
                _efficiency(profit[k], _i(f"{k}_cost_price")), 1, EFFICIENCY_PRECISION
            ).alias(f"{k}_efficiency_pct")
            for k in profit
        ),
    )
