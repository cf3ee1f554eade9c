"""Process page data: time in each status, orders late against the planned shipment date,
overdue tasks by department (pure Polars).

    data = load(reader, filters)           # ProcessData

Without filters every figure is a mart as published: pipeline_statuses (per status: orders in it
now, how long they have been there, average and median of every finished stay), late_orders,
overdue_tasks_by_department. With a manager or customer filter (and a period, when the page
offers one) the figures are recomputed over the chosen orders:
- time in status (manager/customer only: it is about the orders' whole lives, not a period)
  from order_status_durations, whose grain is (order, status) with all visits of the status
  summed, so a finished stay cannot be told from the current one there: the filtered figures
  are PER ORDER (orders now in the status; orders that have been in it; average and median of
  the total time an order spent in it, up to the end of the as_of day);
- late orders: late_orders' rows of those orders (period: planned shipment date);
- overdue tasks: overdue_tasks' rows of those orders (period: due date) counted per department;
  tasks without an order drop out, and the open-task count and share are not recomputable from
  overdue rows, so they are left empty.
Ratios use the marts' exact half-away-from-zero rounding (sources.exact_ratio).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from dashboards.analytics.filters import AnalyticsFilters, apply, is_filtered, keep_orders
from dashboards.analytics.filters import order_ids as filtered_order_ids
from dashboards.analytics.sources import MONEY, needs_recompute, ratio, ratio_column

SECONDS_PER_DAY = 86400
DAYS = pl.Decimal(18, 2)


# -- time in status ------------------------------------------------------------------------
def status_times_mart(pipeline: pl.DataFrame) -> pl.DataFrame:
    """pipeline_statuses in process order, the final statuses (no duration) included."""
    return pipeline.sort("status_rank")


def _median_seconds(values: list[int]) -> Decimal | None:
    # the exact median (a half second when the count is even), like DuckDB's median
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[mid])
    return (Decimal(ordered[mid - 1]) + Decimal(ordered[mid])) / 2


def status_times_orders(durations: pl.DataFrame, statuses: pl.DataFrame) -> pl.DataFrame:
    """Per order and status, from order_status_durations rows (already cut to the chosen orders):
    orders_now (the status is the order's current one), orders_in_status (orders that have been
    in it), avg_days_per_order, median_days_per_order (total time of an order in the status).
    One row per status of `statuses` (status, status_rank, status_name_ru, status_name_en,
    is_final), in process order; final statuses have no time."""
    per = durations.group_by("status").agg(
        pl.col("is_current").sum().cast(pl.Int64).alias("orders_now"),
        pl.col("order_id").n_unique().cast(pl.Int64).alias("orders_in_status"),
        pl.col("seconds_in_status").sum().cast(pl.Int64).alias("seconds_total"),
        pl.col("seconds_in_status").alias("seconds_list"),
    )
    per = per.with_columns(
        pl.Series(
            "median_seconds",
            [_median_seconds(v) for v in per["seconds_list"]],
            dtype=pl.Decimal(38, 1),
        ),
        (pl.col("orders_in_status") * SECONDS_PER_DAY).alias("order_seconds"),
    )
    per = per.with_columns(
        ratio_column(
            per, "avg_days_per_order", ratio, "seconds_total", "order_seconds", dtype=DAYS
        ),
        ratio_column(
            per,
            "median_days_per_order",
            lambda s: ratio(s, SECONDS_PER_DAY),
            "median_seconds",
            dtype=DAYS,
        ),
    )
    base = statuses.select("status", "status_rank", "status_name_ru", "status_name_en", "is_final")
    out = base.join(per, on="status", how="left").with_columns(
        pl.col("orders_now").fill_null(0), pl.col("orders_in_status").fill_null(0)
    )
    # A final status has no rows in durations: its current orders are the orders now in it.
    finals = (
        durations.filter(pl.col("order_status").is_in(["closed", "cancelled"]))
        .group_by(pl.col("order_status").alias("status"))
        .agg(pl.col("order_id").n_unique().cast(pl.Int64).alias("final_now"))
    )
    out = out.join(finals, on="status", how="left").with_columns(
        pl.coalesce("final_now", "orders_now").alias("orders_now")
    )
    return out.select(
        "status",
        "status_rank",
        "status_name_ru",
        "status_name_en",
        "is_final",
        "orders_now",
        "orders_in_status",
        "avg_days_per_order",
        "median_days_per_order",
    ).sort("status_rank")


# -- late orders ---------------------------------------------------------------------------
def late_summary(late: pl.DataFrame) -> dict[str, object]:
    """Count, not shipped / shipped late, average and longest delay, and net when readable."""
    count = late.height
    out: dict[str, object] = {
        "late_count": count,
        "not_shipped_count": late.filter(pl.col("lateness") == "not_shipped").height,
        "shipped_late_count": late.filter(pl.col("lateness") == "shipped_late").height,
        "avg_days_late": ratio(int(late["days_late"].sum()), count, 1) if count else None,
        "max_days_late": int(late["days_late"].max()) if count else None,
    }
    if "net" in late.columns:
        out["net"] = Decimal(late["net"].fill_null(Decimal(0)).cast(MONEY).sum())
    return out


def late_by_month(late: pl.DataFrame) -> pl.DataFrame:
    """Late orders per planned shipment month and kind (not shipped / shipped late)."""
    return (
        late.group_by("planned_shipment_month", "lateness")
        .agg(pl.len().cast(pl.Int64).alias("orders"))
        .sort("planned_shipment_month", "lateness")
    )


# -- overdue tasks -------------------------------------------------------------------------
def overdue_by_department(tasks: pl.DataFrame, departments: pl.DataFrame) -> pl.DataFrame:
    """overdue_tasks_by_department recomputed from overdue task rows (already cut): every
    department of `departments`; open count and share are unknown here (None)."""
    per = tasks.group_by("role").agg(
        pl.len().cast(pl.Int64).alias("overdue_tasks_count"),
        pl.col("days_overdue").sum().alias("days_total"),
        pl.col("days_overdue").max().cast(pl.Int64).alias("max_days_overdue"),
        pl.col("due_date").min().alias("oldest_due_date"),
    )
    per = per.with_columns(
        ratio_column(
            per,
            "avg_days_overdue",
            lambda n, d: ratio(n, d, 1),
            "days_total",
            "overdue_tasks_count",
            dtype=pl.Decimal(18, 1),
        )
    ).drop("days_total")
    out = departments.select("role", "role_name_ru", "role_name_en").join(
        per, on="role", how="left"
    )
    return out.with_columns(
        pl.lit(None, dtype=pl.Int64).alias("open_tasks_count"),
        pl.col("overdue_tasks_count").fill_null(0),
        pl.lit(None, dtype=pl.Decimal(9, 1)).alias("overdue_share_pct"),
    ).select(departments.columns)


# -- the page ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProcessData:
    statuses: pl.DataFrame  # pipeline_statuses (unfiltered) or status_times_orders (filtered)
    late: pl.DataFrame  # late_orders rows, most late first
    late_summary: dict[str, object]
    late_months: pl.DataFrame
    departments: pl.DataFrame  # overdue_tasks_by_department (or recomputed)
    tasks: pl.DataFrame  # overdue_tasks rows, most overdue first
    recomputed: bool  # late orders / tasks cut by a filter or a period
    statuses_recomputed: bool  # time in status per order for a manager/customer filter


def build(
    *,
    pipeline: pl.DataFrame,
    durations: pl.DataFrame,
    late: pl.DataFrame,
    departments: pl.DataFrame,
    tasks: pl.DataFrame,
    orders: pl.DataFrame,
    filters: AnalyticsFilters,
) -> ProcessData:
    """The page's frames from the marts as the viewer reads them (pure). `orders` is an
    order-grain frame (order_id, sales_manager_id, customer_id, lead_source_code) that says
    which orders a manager/customer filter keeps."""
    recompute, per_order = needs_recompute(filters), is_filtered(filters)
    ids = filtered_order_ids(orders, filters) if per_order else None
    late = apply(
        keep_orders(late, ids),
        filters,
        date_column="planned_shipment_date",
        manager_column=None,
        source_column=None,
        customer_column=None,
    )
    late = late.sort(["days_late", "order_number"], descending=[True, False])
    tasks = apply(
        keep_orders(tasks, ids),
        filters,
        date_column="due_date",
        manager_column=None,
        source_column=None,
        customer_column=None,
    )
    tasks = tasks.sort(["days_overdue", "task_id"], descending=[True, False])
    if per_order:
        statuses = status_times_orders(keep_orders(durations, ids), pipeline)
    else:
        statuses = status_times_mart(pipeline)
    if recompute:
        departments = overdue_by_department(tasks, departments)
    return ProcessData(
        statuses,
        late,
        late_summary(late),
        late_by_month(late),
        departments,
        tasks,
        recompute,
        per_order,
    )


ORDER_COLUMNS = ["order_id", "sales_manager_id", "customer_id", "lead_source_code"]


def load(reader, filters: AnalyticsFilters) -> ProcessData:
    """Read the marts through the viewer's MartReader and build the page's frames."""
    per_order = is_filtered(filters)
    return build(
        pipeline=reader.frame("pipeline_statuses"),
        durations=reader.frame("order_status_durations") if per_order else _NO_DURATIONS,
        late=reader.frame("late_orders"),
        departments=reader.frame("overdue_tasks_by_department"),
        tasks=reader.frame("overdue_tasks"),
        orders=reader.frame("order_funnel", ORDER_COLUMNS) if per_order else _NO_ORDERS,
        filters=filters,
    )


# Placeholders for the marts an unfiltered view does not need to read.
_NO_DURATIONS = pl.DataFrame(
    schema={
        "order_id": pl.Int64,
        "status": pl.Utf8,
        "order_status": pl.Utf8,
        "is_current": pl.Boolean,
        "seconds_in_status": pl.Int64,
    }
)
_NO_ORDERS = pl.DataFrame(
    schema={c: pl.Int64 for c in ORDER_COLUMNS} | {"lead_source_code": pl.Utf8}
)
