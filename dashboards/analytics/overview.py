"""Overview page data: orders in work by status, revenue this month vs the same month last year,
invoiced vs paid, overdue receivables, planned and actual profit and efficiency, late orders,
overdue tasks. Pure Polars over MartReader frames.

Without a manager/source/customer filter the aggregated marts are shown as they are
(pipeline_statuses, order_economics_by_month, payments_by_month, overdue_tasks_by_department);
with one, each figure is recomputed from the order-grain marts with the mart's definitions.
What the period applies to: invoiced / paid and profit (months in the period), late orders
(planned shipment in the period). Orders in work, overdue receivables and overdue tasks are the
state on the as_of day; revenue compares the as_of month with the same month a year before.
A figure of a field group the viewer may not read is None (its columns never left the reader).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from dashboards.analytics.economics import by_month_from_orders
from dashboards.analytics.filters import (
    AnalyticsFilters,
    add_months,
    apply,
    is_filtered,
    keep_orders,
    month_start,
)
from dashboards.analytics.filters import order_ids as filter_order_ids
from dashboards.analytics.measures import MONEY, money_sum, pct, total
from dashboards.analytics.reader import MartReader

STATUS_SUMS = ("orders_net", "orders_total")


def statuses_from_orders(orders: pl.DataFrame, statuses: pl.DataFrame) -> pl.DataFrame:
    """pipeline_statuses' counts and sums recomputed from order_economics rows (the order's
    current status), on the mart's list of statuses (all eleven, in process order)."""
    renamed = orders.rename({"net": "orders_net", "total": "orders_total"}, strict=False)
    sums = [money_sum(c) for c in STATUS_SUMS if c in renamed.columns]
    got = renamed.group_by("status").agg(pl.len().cast(pl.Int64).alias("orders_count"), *sums)
    base = statuses.select("status", "status_rank", "status_name_ru", "status_name_en", "is_final")
    out = base.join(got, on="status", how="left").with_columns(
        pl.col("orders_count").fill_null(0),
        *[pl.col(c).fill_null(0).cast(MONEY) for c in STATUS_SUMS if c in got.columns],
    )
    return out.sort("status_rank")


def in_work(statuses: pl.DataFrame) -> pl.DataFrame:
    """The non-final statuses (orders still in work), in process order."""
    return statuses.filter(~pl.col("is_final")).sort("status_rank")


def month_figure(by_month: pl.DataFrame, month: date, column: str) -> Decimal | None:
    """The column's value in that month (0 when the month has no row; None: not readable)."""
    if column not in by_month.columns:
        return None
    row = by_month.filter(pl.col("month_start") == month)
    return row.get_column(column)[0] if row.height else Decimal("0.00")


@dataclass(frozen=True)
class ProfitSummary:
    planned_profit: Decimal
    actual_profit: Decimal
    planned_cost_price: Decimal
    actual_cost_price: Decimal
    planned_efficiency_pct: Decimal | None
    actual_efficiency_pct: Decimal | None


def profit_summary(by_month: pl.DataFrame) -> ProfitSummary | None:
    """Sums over the months given; efficiency = sum profit / sum cost price (None: no access)."""
    needed = ("planned_profit", "actual_profit", "planned_cost_price", "actual_cost_price")
    if any(c not in by_month.columns for c in needed):
        return None
    pp, ap, pc, ac = (total(by_month, c) for c in needed)
    return ProfitSummary(pp, ap, pc, ac, pct(pp, pc), pct(ap, ac))  # type: ignore[arg-type]


def money_months(invoices: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """Invoiced (by issue month) and received (by payment month) per month with either."""
    invoiced = invoices.group_by(pl.col("issue_month").alias("month_start")).agg(
        money_sum("invoice_amount").alias("invoiced_amount")
    )
    received = payments.group_by(pl.col("payment_month").alias("month_start")).agg(
        money_sum("amount").alias("received_amount")
    )
    out = invoiced.join(received, on="month_start", how="full", coalesce=True)
    return out.with_columns(
        pl.col("invoiced_amount").fill_null(0).cast(MONEY),
        pl.col("received_amount").fill_null(0).cast(MONEY),
    ).sort("month_start")


def overdue_receivables(invoices: pl.DataFrame) -> tuple[Decimal, int]:
    """Outstanding of the overdue invoices and how many there are."""
    overdue = invoices.filter(pl.col("is_overdue"))
    return total(overdue, "outstanding_amount") or Decimal("0.00"), overdue.height


@dataclass(frozen=True)
class OverviewData:
    as_of: date
    statuses: pl.DataFrame  # in work, by status
    revenue_month: Decimal | None
    revenue_last_year: Decimal | None
    invoiced: Decimal | None
    paid: Decimal | None
    money_months: pl.DataFrame | None  # month_start, invoiced_amount, received_amount
    overdue_amount: Decimal | None
    overdue_count: int | None
    profit: ProfitSummary | None
    late_orders: pl.DataFrame
    overdue_tasks: int
    recomputed: bool


LATE_COLUMNS = [
    "order_id", "order_number", "status", "customer_id", "customer_name", "sales_manager_id",
    "sales_manager_name", "planned_shipment_date", "actual_shipment_date", "lateness",
    "days_late", "net",
]  # fmt: skip


def load(reader: MartReader, filters: AnalyticsFilters) -> OverviewData:
    as_of = reader.frame("report_as_of", ["as_of_date"]).item()
    this_month = month_start(as_of)
    filtered = is_filtered(filters)
    may_pay = reader.viewer.may_read("payments")
    orders = reader.frame("order_economics")
    ids = filter_order_ids(orders, filters) if filtered else None
    orders = keep_orders(orders, ids)

    statuses = reader.frame("pipeline_statuses")
    by_month_all = reader.frame("order_economics_by_month")
    if filtered:
        statuses = statuses_from_orders(orders, statuses)
        by_month_all = by_month_from_orders(orders)
    by_month = apply(by_month_all, filters, date_column="month_start")

    invoiced = paid = months = overdue_amount = overdue_count = None
    if may_pay:
        if filtered:
            invoices_all = keep_orders(reader.frame("invoices"), ids)
            payments = keep_orders(reader.frame("payments"), ids)
            months = money_months(invoices_all, payments)
        else:
            invoices_all = reader.frame("invoices")
            months = reader.frame(
                "payments_by_month", ["month_start", "invoiced_amount", "received_amount"]
            )
        months = apply(months, filters, date_column="month_start")
        invoiced, paid = total(months, "invoiced_amount"), total(months, "received_amount")
        overdue_amount, overdue_count = overdue_receivables(invoices_all)

    late_available = reader.columns("late_orders")
    late = reader.frame("late_orders", [c for c in LATE_COLUMNS if c in late_available])
    late = apply(keep_orders(late, ids), filters, date_column="planned_shipment_date")

    if filtered:
        tasks = keep_orders(reader.frame("overdue_tasks", ["task_id", "order_id"]), ids)
        overdue_tasks = tasks.height
    else:
        by_department = reader.frame("overdue_tasks_by_department", ["overdue_tasks_count"])
        overdue_tasks = int(by_department.get_column("overdue_tasks_count").sum())

    return OverviewData(
        as_of=as_of,
        statuses=in_work(statuses),
        revenue_month=month_figure(by_month_all, this_month, "revenue"),
        revenue_last_year=month_figure(by_month_all, add_months(this_month, -12), "revenue"),
        invoiced=invoiced,
        paid=paid,
        money_months=months,
        overdue_amount=overdue_amount,
        overdue_count=overdue_count,
        profit=profit_summary(by_month),
        late_orders=late.sort("days_late", "order_number", descending=[True, False]),
        overdue_tasks=overdue_tasks,
        recomputed=filtered,
    )
