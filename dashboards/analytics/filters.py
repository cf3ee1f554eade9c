"""The filters of the analytics pages (period, manager, source, customer) as pure Polars helpers.

    f = AnalyticsFilters(date(2025, 12, 1), date(2026, 11, 28), manager_ids=(3,))
    apply(order_economics, f, date_column="agreed_date")   # rows of the period and manager
    order_ids(order_economics, f)                           # ids of the orders passing the filters
    is_filtered(f)                                          # manager/source/customer set?

A filter whose column is None or absent from the frame is not applied (a mart without a manager
column cannot be cut by manager — the page then recomputes from an order-grain mart instead).
Monthly columns (`month_start`, `need_month`, ...) match a period by month: the month of
period_start counts whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

FILTER_KINDS = ("period", "manager", "source", "customer")

# Which filters each analytics page offers (the filter bar shows only these). See
# docs/analytics.md "Filters" for why.
PAGE_FILTERS: dict[str, frozenset[str]] = {
    "overview": frozenset({"period", "manager", "source", "customer"}),
    "payments": frozenset({"period", "manager", "customer"}),
    "economics": frozenset({"period", "manager", "source", "customer"}),
    "sources": frozenset({"period", "manager", "source", "customer"}),
    "managers": frozenset({"period", "manager"}),
    "process": frozenset({"period", "manager", "customer"}),
}


@dataclass(frozen=True)
class AnalyticsFilters:
    period_start: date | None = None
    period_end: date | None = None
    manager_ids: tuple[int, ...] = ()
    source_codes: tuple[str, ...] = ()
    customer_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError(
                f"Начало периода {self.period_start:%d.%m.%Y} позже конца "
                f"{self.period_end:%d.%m.%Y}"
            )


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after day's month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def default_period(as_of: date) -> tuple[date, date]:
    """The last 12 months up to as_of: the first day of as_of's month − 11 months … as_of."""
    return add_months(as_of, -11), as_of


def is_filtered(filters: AnalyticsFilters) -> bool:
    """True when a manager, source or customer filter is set (the period does not count: the
    aggregated marts are already by month, so a period alone never needs a recompute)."""
    return bool(filters.manager_ids or filters.source_codes or filters.customer_ids)


def _is_monthly(column: str) -> bool:
    return column == "month_start" or column.endswith("_month")


def period_condition(
    column: str, filters: AnalyticsFilters, *, by_month: bool | None = None
) -> pl.Expr:
    """The period as a Polars condition on `column` (True when no period is set)."""
    monthly = _is_monthly(column) if by_month is None else by_month
    cond = pl.lit(True)
    if filters.period_start is not None:
        start = month_start(filters.period_start) if monthly else filters.period_start
        cond = cond & (pl.col(column) >= pl.lit(start))
    if filters.period_end is not None:
        cond = cond & (pl.col(column) <= pl.lit(filters.period_end))
    return cond


def apply(
    frame: pl.DataFrame,
    filters: AnalyticsFilters,
    *,
    date_column: str | None,
    manager_column: str | None = "sales_manager_id",
    source_column: str | None = "lead_source_code",
    customer_column: str | None = "customer_id",
    by_month: bool | None = None,
) -> pl.DataFrame:
    """The rows of `frame` passing every filter that has a column in it.

    A row with a NULL date is outside any set period (an order not agreed has no agreed month).
    """
    cond = pl.lit(True)
    columns = set(frame.columns)
    if date_column and date_column in columns:
        if filters.period_start is not None or filters.period_end is not None:
            cond = cond & period_condition(date_column, filters, by_month=by_month)
            cond = cond & pl.col(date_column).is_not_null()
    if manager_column in columns and filters.manager_ids:
        cond = cond & pl.col(manager_column).is_in(list(filters.manager_ids))
    if source_column in columns and filters.source_codes:
        cond = cond & pl.col(source_column).is_in(list(filters.source_codes))
    if customer_column in columns and filters.customer_ids:
        cond = cond & pl.col(customer_column).is_in(list(filters.customer_ids))
    return frame.filter(cond)


def order_ids(
    order_frame: pl.DataFrame, filters: AnalyticsFilters, *, id_column: str = "order_id"
) -> list[int]:
    """Ids of the orders of an order-grain frame passing the manager/source/customer filters
    (not the period: a mart keyed by order_id has its own date to cut by)."""
    kept = apply(order_frame, filters, date_column=None)
    return sorted(kept.get_column(id_column).unique().to_list())


def keep_orders(
    frame: pl.DataFrame, ids: list[int] | None, *, id_column: str = "order_id"
) -> pl.DataFrame:
    """Rows whose order is in ids (None: no filter, every row)."""
    if ids is None:
        return frame
    return frame.filter(pl.col(id_column).is_in(ids))
