"""Sales managers page data: every KPI of domain.md per manager and month (pure Polars).

    data = load(reader, filters)          # ManagersData: months, leaderboard, totals
    leaderboard(months)                    # one row per manager over the period
    trend(months, "revenue")               # manager x month values of one KPI, gaps filled

Everything comes from marts.sales_manager_months (one row per manager and month with activity).
Over a period, counts and money are summed; the two ratios are recomputed from the summed counts
(conversion = won / quoted, positions per order = positions / orders), never averaged from the
monthly percentages, with the mart's exact half-away-from-zero rounding. Columns the viewer may
not read (revenue, quote amounts: prices; payments; profit: economics) are absent from the frame
the reader gives, so they are absent here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboards.analytics.filters import AnalyticsFilters, add_months, apply, month_start
from dashboards.analytics.sources import MONEY, PCT, pct, ratio, ratio_column


@dataclass(frozen=True)
class Kpi:
    key: str  # column of sales_manager_months
    kind: str  # "count", "money", "ratio_pct", "ratio"
    parts: tuple[str, str] | None = None  # numerator, denominator of a ratio


# domain.md's KPIs, in the order the page offers them.
KPIS: tuple[Kpi, ...] = (
    Kpi("orders_count", "count"),
    Kpi("positions_count", "count"),
    Kpi("positions_per_order", "ratio", ("positions_count", "orders_count")),
    Kpi("quotes_issued_count", "count"),
    Kpi("quotes_issued_net", "money"),
    Kpi("quotes_issued_total", "money"),
    Kpi("quoted_orders_count", "count"),
    Kpi("quoted_orders_won_count", "count"),
    Kpi("quote_to_agreed_pct", "ratio_pct", ("quoted_orders_won_count", "quoted_orders_count")),
    Kpi("won_orders_count", "count"),
    Kpi("revenue", "money"),
    Kpi("payments_on_quoted_orders", "money"),
    Kpi("payments_on_own_orders", "money"),
    Kpi("planned_profit", "money"),
    Kpi("actual_profit", "money"),
)
KPI_BY_KEY = {k.key: k for k in KPIS}
SUMMED = tuple(k.key for k in KPIS if k.kind in ("count", "money"))


def available_kpis(columns: list[str]) -> list[Kpi]:
    """The KPIs this frame carries (a ratio needs both its parts)."""
    present = set(columns)
    return [k for k in KPIS if k.key in present and (k.parts is None or set(k.parts) <= present)]


def _ratios(frame: pl.DataFrame) -> pl.DataFrame:
    columns = []
    if {"positions_count", "orders_count"} <= set(frame.columns):
        columns.append(
            ratio_column(
                frame,
                "positions_per_order",
                ratio,
                "positions_count",
                "orders_count",
                dtype=pl.Decimal(18, 2),
            )
        )
    if {"quoted_orders_won_count", "quoted_orders_count"} <= set(frame.columns):
        columns.append(
            ratio_column(
                frame,
                "quote_to_agreed_pct",
                pct,
                "quoted_orders_won_count",
                "quoted_orders_count",
                dtype=PCT,
            )
        )
    return frame.with_columns(columns)


def _sum_exprs(frame: pl.DataFrame) -> list[pl.Expr]:
    out = []
    for key in SUMMED:
        if key in frame.columns:
            kind = KPI_BY_KEY[key].kind
            out.append(pl.col(key).sum().cast(MONEY if kind == "money" else pl.Int64))
    return out


def sort_key(columns: list[str]) -> str:
    """The leaderboard's default order: revenue, else payments on quoted orders, else orders."""
    for key in ("revenue", "payments_on_quoted_orders", "orders_count"):
        if key in columns:
            return key
    raise LookupError("в витрине менеджеров нет ни выручки, ни оплат, ни заказов")


def leaderboard(months: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """One row per manager over the months given: sums, ratios from sums, `place` (1 = best by
    `by`, default sort_key; ties by name). Months without a row had no activity: they add 0."""
    if months.is_empty():
        return _empty_board(months)
    by = by or sort_key(months.columns)
    board = months.group_by("sales_manager_id").agg(
        pl.col("sales_manager_name").drop_nulls().first(), *_sum_exprs(months)
    )
    board = _ratios(board).sort(
        [by, "sales_manager_name", "sales_manager_id"],
        descending=[True, False, False],
        nulls_last=True,
    )
    board = board.with_columns(pl.int_range(1, board.height + 1, dtype=pl.Int32).alias("place"))
    order = ["place", "sales_manager_id", "sales_manager_name"]
    order += [k.key for k in KPIS if k.key in board.columns]
    return board.select(order)


def _empty_board(months: pl.DataFrame) -> pl.DataFrame:
    schema = {"place": pl.Int32, "sales_manager_id": pl.Int64, "sales_manager_name": pl.Utf8}
    for k in available_kpis(months.columns):
        schema[k.key] = months.schema[k.key]
    return pl.DataFrame(schema=schema)


def totals(months: pl.DataFrame) -> dict[str, object]:
    """The whole team over the period (ratios from the sums). Payments on quoted orders are not
    totalled: an order quoted by two managers counts for both, so the sum would double it."""
    summed = _ratios(months.select(_sum_exprs(months)))
    return {k: v for k, v in summed.row(0, named=True).items() if k != "payments_on_quoted_orders"}


def month_range(first: date, last: date) -> list[date]:
    """Every month start from first's month to last's month."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def trend(months: pl.DataFrame, kpi: str, period: tuple[date, date] | None = None) -> pl.DataFrame:
    """(sales_manager_id, sales_manager_name, month_start, value) for one KPI, every month of the
    period (else of the data) for every manager in the frame: a month without a row is 0 for a
    count or a sum (no activity), empty for a ratio (nothing to divide)."""
    spec = KPI_BY_KEY[kpi]
    schema = {
        "sales_manager_id": pl.Int64,
        "sales_manager_name": pl.Utf8,
        "month_start": pl.Date,
        "value": months.schema.get(kpi, pl.Int64),
    }
    if months.is_empty():
        return pl.DataFrame(schema=schema)
    first, last = period or (months["month_start"].min(), months["month_start"].max())
    grid = months.select("sales_manager_id", "sales_manager_name").unique("sales_manager_id")
    grid = grid.join(pl.DataFrame({"month_start": month_range(first, last)}), how="cross")
    values = months.select("sales_manager_id", "month_start", pl.col(kpi).alias("value"))
    out = grid.join(values, on=["sales_manager_id", "month_start"], how="left")
    if spec.kind in ("count", "money"):
        out = out.with_columns(pl.col("value").fill_null(0))
    return out.select(list(schema)).cast(schema).sort("sales_manager_name", "month_start")


@dataclass(frozen=True)
class ManagersData:
    months: pl.DataFrame  # sales_manager_months rows of the period and managers
    leaderboard: pl.DataFrame
    totals: dict[str, object]
    kpis: list[Kpi]  # the KPIs this viewer gets
    period: tuple[date, date] | None


def build(months: pl.DataFrame, filters: AnalyticsFilters) -> ManagersData:
    """The page's frames from sales_manager_months as the viewer reads it (pure)."""
    shown = apply(
        months, filters, date_column="month_start", source_column=None, customer_column=None
    )
    period = None
    if filters.period_start and filters.period_end:
        period = (month_start(filters.period_start), filters.period_end)
    return ManagersData(
        shown, leaderboard(shown), totals(shown), available_kpis(months.columns), period
    )


def load(reader, filters: AnalyticsFilters) -> ManagersData:
    return build(reader.frame("sales_manager_months"), filters)
