"""Payments page data: invoices paid / partly paid / unpaid / overdue with outstanding and
ageing; payments by month, actual against planned, and the forecast; top debtors.

payments_by_month is used as it is without a manager/source/customer filter; with one, the
months are recomputed from the order-grain marts (payments, payment_steps, invoices) with the
mart's definitions (tests prove the recompute without a filter equals the mart).
The period cuts invoices by issue date and the months shown; outstanding, ageing and top debtors
are the state on the as_of day and ignore the period (a debt does not expire with the period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboards.analytics.filters import (
    AnalyticsFilters,
    apply,
    is_filtered,
    keep_orders,
    month_start,
    period_condition,
)
from dashboards.analytics.filters import order_ids as filter_order_ids
from dashboards.analytics.measures import MONEY, money_sum, pct_column
from dashboards.analytics.reader import MartReader

COLLECTION_STATUSES = ("paid", "partly_paid", "unpaid", "overdue")
# (label, first day overdue, last day overdue or None)
AGEING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–30", 0, 30),
    ("31–60", 31, 60),
    ("61–90", 61, 90),
    (">90", 91, None),
)
TOP_DEBTORS = 10


def status_summary(invoices: pl.DataFrame) -> pl.DataFrame:
    """One row per collection status (all four, in order): count, amounts."""
    sums = [money_sum(c) for c in ("invoice_amount", "paid_amount", "outstanding_amount")]
    got = invoices.group_by("collection_status").agg(
        pl.len().cast(pl.Int64).alias("invoices_count"), *sums
    )
    spine = pl.DataFrame({"collection_status": list(COLLECTION_STATUSES)})
    out = spine.join(got, on="collection_status", how="left")
    return out.with_columns(
        pl.col("invoices_count").fill_null(0),
        *[pl.col(c).fill_null(0).cast(MONEY) for c in out.columns[2:]],
    )


def ageing(invoices: pl.DataFrame) -> pl.DataFrame:
    """Overdue invoices by days overdue (0–30, 31–60, 61–90, >90): count and outstanding."""
    overdue = invoices.filter(pl.col("is_overdue"))
    rows = []
    for label, first, last in AGEING_BUCKETS:
        cond = pl.col("days_overdue") >= first
        if last is not None:
            cond = cond & (pl.col("days_overdue") <= last)
        part = overdue.filter(cond)
        rows.append(
            {
                "bucket": label,
                "invoices_count": part.height,
                "outstanding_amount": part.get_column("outstanding_amount").sum(),
            }
        )
    return pl.DataFrame(
        rows, schema={"bucket": pl.Utf8, "invoices_count": pl.Int64, "outstanding_amount": MONEY}
    ).with_columns(pl.col("outstanding_amount").fill_null(0).cast(MONEY))


def top_debtors(invoices: pl.DataFrame, limit: int = TOP_DEBTORS) -> pl.DataFrame:
    """Customers by outstanding amount (biggest first), with the overdue part."""
    owing = invoices.filter(pl.col("outstanding_amount") > 0)
    return (
        owing.group_by("customer_id", "customer_name")
        .agg(
            pl.len().cast(pl.Int64).alias("invoices_count"),
            money_sum("outstanding_amount"),
            money_sum("outstanding_amount", pl.col("is_overdue")).alias("overdue_amount"),
            pl.col("days_overdue").max().alias("max_days_overdue"),
        )
        .sort("outstanding_amount", "customer_id", descending=[True, False])
        .head(limit)
    )


def _month(column: str) -> pl.Expr:
    return pl.col(column).dt.truncate("1mo").cast(pl.Date)


def months_from_orders(
    payments: pl.DataFrame,
    steps: pl.DataFrame,
    invoices: pl.DataFrame,
    as_of: date,
    horizon_end: date,
) -> pl.DataFrame:
    """payments_by_month recomputed from the order-grain marts (see marts.md for each rule)."""
    as_of_month = month_start(as_of)
    received = payments.group_by(pl.col("payment_month").alias("month_start")).agg(
        money_sum("amount").alias("received_amount"),
        pl.len().cast(pl.Int64).alias("payment_count"),
    )
    scheduled = (pl.col("schedule_basis") != "cancelled") & pl.col("planned_date").is_not_null()
    planned = (
        steps.filter(scheduled)
        .group_by(_month("planned_date").alias("month_start"))
        .agg(money_sum("step_amount").alias("planned_amount"),
             pl.len().cast(pl.Int64).alias("planned_step_count"))
    )  # fmt: skip
    invoiced = invoices.group_by(pl.col("issue_month").alias("month_start")).agg(
        money_sum("invoice_amount").alias("invoiced_amount"),
        pl.len().cast(pl.Int64).alias("invoice_count"),
    )
    open_steps = steps.filter(
        pl.col("expected_date").is_not_null() & (pl.col("outstanding_amount") > 0)
    ).with_columns(_month("expected_date").alias("expected_month"))
    forecast = open_steps.group_by(
        pl.max_horizontal("expected_month", pl.lit(as_of_month)).alias("month_start")
    ).agg(
        money_sum("outstanding_amount").alias("forecast_amount"),
        money_sum("outstanding_amount", pl.col("expected_month") < as_of_month).alias(
            "overdue_carried_amount"
        ),
    )
    seen = pl.concat([f.select("month_start") for f in (received, planned, invoiced, forecast)])
    first = min([as_of_month, *seen.get_column("month_start").drop_nulls().to_list()])
    last = max([horizon_end, *seen.get_column("month_start").drop_nulls().to_list()])
    spine = pl.DataFrame(
        {"month_start": pl.date_range(first, last, "1mo", eager=True)}
    ).with_columns(pl.col("month_start").cast(pl.Date))
    out = spine
    for part in (received, planned, invoiced, forecast):
        out = out.join(part, on="month_start", how="left")
    current = pl.col("month_start") == as_of_month
    ahead = pl.col("month_start") >= as_of_month
    zero = pl.lit(0).cast(MONEY)
    out = out.with_columns(
        pl.when(pl.col("month_start") < as_of_month).then(pl.lit("past"))
        .when(current).then(pl.lit("current")).otherwise(pl.lit("future")).alias("period"),
        (ahead & (pl.col("month_start") <= horizon_end)).alias("is_forecast_horizon"),
        *[pl.col(c).fill_null(0).cast(MONEY) for c in ("received_amount", "planned_amount",
                                                        "invoiced_amount")],
        *[pl.col(c).fill_null(0).cast(pl.Int64) for c in ("payment_count", "planned_step_count",
                                                           "invoice_count")],
        pl.when(ahead).then(pl.col("forecast_amount").fill_null(zero)).alias("forecast_amount"),
        pl.when(current).then(pl.col("overdue_carried_amount").fill_null(zero))
        .alias("overdue_carried_amount"),
    )  # fmt: skip
    out = out.with_columns(
        (pl.col("received_amount") - pl.col("planned_amount")).cast(MONEY)
        .alias("received_minus_planned"),
        pl.when(ahead).then((pl.col("received_amount") + pl.col("forecast_amount")).cast(MONEY))
        .alias("expected_total_amount"),
    )  # fmt: skip
    out = pct_column(
        out, "received_vs_planned_pct", "received_amount", "planned_amount", precision=9
    )
    # the mart's pct(): NULL when nothing was received either (r.received_amount is NULL)
    out = out.with_columns(
        pl.when(pl.col("payment_count") > 0).then(pl.col("received_vs_planned_pct"))
        .alias("received_vs_planned_pct")
    )  # fmt: skip
    return out.sort("month_start")


def months_view(months: pl.DataFrame, filters: AnalyticsFilters) -> pl.DataFrame:
    """The months the page shows: those in the period, and always the forecast horizon."""
    in_period = period_condition("month_start", filters, by_month=True)
    return months.filter(in_period | pl.col("is_forecast_horizon")).sort("month_start")


@dataclass(frozen=True)
class PaymentsData:
    as_of: date
    invoices: pl.DataFrame  # issued in the period (after filters)
    statuses: pl.DataFrame
    ageing: pl.DataFrame
    debtors: pl.DataFrame
    months: pl.DataFrame
    recomputed: bool


INVOICE_COLUMNS = [
    "invoice_number", "order_id", "order_number", "customer_id", "customer_name",
    "sales_manager_id", "sales_manager_name", "issue_date", "due_date", "issue_month",
    "invoice_amount", "paid_amount", "outstanding_amount", "payment_status", "is_overdue",
    "days_overdue", "collection_status",
]  # fmt: skip


def load(reader: MartReader, filters: AnalyticsFilters) -> PaymentsData:
    """Everything the page shows (the viewer must read `payments`: the marts are refused)."""
    as_of, _, horizon_end = reader.frame("report_as_of").row(0)
    invoices_all = reader.frame("invoices", INVOICE_COLUMNS)
    filtered = is_filtered(filters)
    ids = None
    if filtered:
        orders = reader.frame(
            "order_economics", ["order_id", "sales_manager_id", "lead_source_code", "customer_id"]
        )
        ids = filter_order_ids(orders, filters)
        invoices_all = keep_orders(invoices_all, ids)
        months = months_from_orders(
            keep_orders(reader.frame("payments"), ids),
            keep_orders(reader.frame("payment_steps"), ids),
            invoices_all,
            as_of,
            horizon_end,
        )
    else:
        months = reader.frame("payments_by_month")
    invoices = apply(invoices_all, filters, date_column="issue_date")
    return PaymentsData(
        as_of=as_of,
        invoices=invoices.sort("issue_date", "invoice_number", descending=[True, False]),
        statuses=status_summary(invoices),
        ageing=ageing(invoices_all),
        debtors=top_debtors(invoices_all),
        months=months_view(months, filters),
        recomputed=filtered,
    )
