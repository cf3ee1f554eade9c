"""Order economics page data: planned vs actual cost price and profit by order, customer and
month; loss-making orders; expenses by category. Pure Polars over MartReader frames.

The aggregated marts (order_economics_by_month, order_economics_by_customer,
expenses_by_category) are used as they are when the filters can be applied to them; otherwise
the figures are recomputed here from the order-grain marts (order_economics, order_expenses)
with the marts' own definitions — tests prove that the recompute without a filter equals the
mart exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboards.analytics.filters import AnalyticsFilters, apply, is_filtered, keep_orders
from dashboards.analytics.filters import order_ids as filter_order_ids
from dashboards.analytics.measures import money_sum, pct_column
from dashboards.analytics.reader import MartReader

# order_economics_by_month / _by_customer: sums over WON orders.
WON_SUMS = ("net", "total", "planned_cost_price", "actual_cost_price", "planned_profit",
            "actual_profit", "paid_amount")  # fmt: skip
ORDER_COLUMNS = [
    "order_id", "order_number", "status", "is_won", "customer_id", "customer_name",
    "lead_source_code", "sales_manager_id", "sales_manager_name", "agreed_date", "agreed_month",
    "net", "total", "planned_cost_price", "actual_cost_price", "planned_profit", "actual_profit",
    "planned_efficiency_pct", "actual_efficiency_pct", "cost_price_variance", "profit_variance",
    "actual_margin_pct", "paid_amount", "need_date",
]  # fmt: skip


def _present(frame: pl.DataFrame, names) -> list[str]:
    return [n for n in names if n in frame.columns]


def _efficiencies(frame: pl.DataFrame) -> pl.DataFrame:
    frame = pct_column(frame, "planned_efficiency_pct", "planned_profit", "planned_cost_price")
    return pct_column(frame, "actual_efficiency_pct", "actual_profit", "actual_cost_price")


def by_month_from_orders(orders: pl.DataFrame) -> pl.DataFrame:
    """order_economics_by_month recomputed from order_economics rows (won orders by agreed
    month; efficiency = sum of profit / sum of cost price; margin = actual profit / net)."""
    won = orders.filter(pl.col("is_won"))
    sums = [money_sum(c) for c in _present(won, WON_SUMS)]
    out = (
        won.group_by(pl.col("agreed_month").alias("month_start"))
        .agg(pl.len().cast(pl.Int64).alias("won_orders_count"), *sums)
        .rename({"net": "revenue", "total": "revenue_incl_vat"}, strict=False)
        .sort("month_start")
    )
    out = _efficiencies(out)
    return pct_column(out, "actual_margin_pct", "actual_profit", "revenue", precision=9)


def by_customer_from_orders(orders: pl.DataFrame) -> pl.DataFrame:
    """order_economics_by_customer recomputed: all orders counted, economics of won orders,
    paid over all the customer's orders."""
    won_sums = [money_sum(c, pl.col("is_won")) for c in _present(orders, WON_SUMS[:-1])]
    paid = [money_sum("paid_amount")] if "paid_amount" in orders.columns else []
    out = (
        orders.group_by("customer_id", "customer_name")
        .agg(
            pl.len().cast(pl.Int64).alias("orders_count"),
            pl.col("is_won").sum().cast(pl.Int64).alias("won_orders_count"),
            *won_sums,
            *paid,
            pl.col("need_date").min().alias("first_need_date"),
            pl.col("need_date").max().alias("last_need_date"),
        )
        .rename({"net": "revenue"}, strict=False)
        .drop("total", strict=False)
    )
    return _efficiencies(out).sort("customer_id")


def expenses_from_orders(order_expenses: pl.DataFrame) -> pl.DataFrame:
    """expenses_by_category recomputed from order_expenses (won orders, by agreed month)."""
    won = order_expenses.filter(pl.col("is_won"))
    return (
        won.group_by("category", pl.col("agreed_month").alias("month_start"))
        .agg(
            pl.col("order_id").n_unique().cast(pl.Int64).alias("orders_count"),
            money_sum("planned_amount"),
            money_sum("actual_amount"),
        )
        .sort("month_start", "category")
    )


def expenses_totals(expenses: pl.DataFrame) -> pl.DataFrame:
    """Per category over the months given: planned and actual (biggest actual first)."""
    return (
        expenses.group_by("category")
        .agg(money_sum("planned_amount"), money_sum("actual_amount"))
        .sort("actual_amount", "category", descending=[True, False])
    )


def loss_making(orders: pl.DataFrame) -> pl.DataFrame:
    """Won orders whose actual profit is negative, worst first."""
    if "actual_profit" not in orders.columns:
        return orders.clear()
    return orders.filter(pl.col("is_won") & (pl.col("actual_profit") < 0)).sort("actual_profit")


@dataclass(frozen=True)
class EconomicsData:
    orders: pl.DataFrame  # won orders agreed in the period (after filters)
    by_month: pl.DataFrame
    by_customer: pl.DataFrame
    losses: pl.DataFrame
    expenses: pl.DataFrame  # category x month in the period
    expense_totals: pl.DataFrame  # per category
    recomputed: bool


def load(reader: MartReader, filters: AnalyticsFilters) -> EconomicsData:
    """Everything the page shows, for these filters (reader gives only readable columns)."""
    available = reader.columns("order_economics")
    orders_all = reader.frame("order_economics", [c for c in ORDER_COLUMNS if c in available])
    filtered = is_filtered(filters)
    ids = filter_order_ids(orders_all, filters) if filtered else None
    orders = keep_orders(orders_all, ids)
    in_period = apply(orders, filters, date_column="agreed_date").filter(pl.col("is_won"))

    if filtered:
        by_month = apply(by_month_from_orders(orders), filters, date_column="month_start")
        expenses_all = expenses_from_orders(keep_orders(reader.frame("order_expenses"), ids))
    else:
        by_month = apply(reader.frame("order_economics_by_month"), filters,
                         date_column="month_start").sort("month_start")  # fmt: skip
        expenses_all = reader.frame("expenses_by_category")
    expenses = apply(expenses_all, filters, date_column="month_start")

    if filtered or filters.period_start or filters.period_end:
        # by_customer has no date: cut the orders by the period of need, then aggregate
        by_customer = by_customer_from_orders(apply(orders, filters, date_column="need_date"))
    else:
        by_customer = reader.frame("order_economics_by_customer")
    if "revenue" in by_customer.columns:
        by_customer = by_customer.sort("revenue", "customer_id", descending=[True, False])
    return EconomicsData(
        orders=in_period.sort("agreed_date", "order_number"),
        by_month=by_month,
        by_customer=by_customer,
        losses=loss_making(in_period),
        expenses=expenses,
        expense_totals=expenses_totals(expenses),
        recomputed=filtered,
    )
