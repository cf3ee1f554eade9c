"""Lead sources page data: effectiveness ranking, funnel and cycle time per source (pure Polars).

    data = load(reader, filters)        # SourcesData: ranking, funnel, totals, recomputed
    summarize(order_funnel, sources)     # lead_sources' figures recomputed from order rows

Without filters the ranking IS marts.lead_sources (every column as published). With a period
(need date), manager, customer or source filter it is recomputed from marts.order_funnel (one row
per order) with the mart's own SQL rules, so an unfiltered recompute equals the mart to the kopek:
sums of DECIMAL are exact, every ratio is rounded half away from zero from integer hundredths
(exact_ratio = dbt macro `exact_ratio`), a ratio over 0 is NULL, the rank orders by paid revenue
per need, then profit per need, then code. Columns the viewer may not read never reach this
module (MartReader removed them), so every function works with whatever columns are present.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from dashboards.analytics.filters import AnalyticsFilters, apply, is_filtered

UNKNOWN_CODE = "unknown"
UNKNOWN_NAME = "Источник не указан"  # as the mart names orders without a source

MONEY = pl.Decimal(18, 2)
PCT = pl.Decimal(9, 1)

# Stages of the funnel chart, in order: (stage, count column of the ranking).
FUNNEL_STAGES = (
    ("needs", "needs_count"),
    ("quoted", "quoted_count"),
    ("agreed", "agreed_count"),
    ("paid", "paid_count"),
)

# What the ranking table shows, in order (a column the viewer lacks is skipped).
RANKING_COLUMNS = (
    "effectiveness_rank",
    "lead_source_name",
    "needs_count",
    "quoted_count",
    "agreed_count",
    "paid_count",
    "win_rate_pct",
    "quote_to_agreed_pct",
    "revenue",
    "paid_revenue",
    "actual_profit",
    "paid_revenue_per_need",
    "profit_per_need",
    "avg_days_need_to_agreed",
    "avg_days_need_to_closed",
)

# order_funnel columns read (the reader refuses forbidden ones by name, so they are asked for
# only when the viewer may read them: see funnel_columns()).
FUNNEL_BASE_COLUMNS = (
    "order_id",
    "order_number",
    "status",
    "customer_id",
    "customer_name",
    "lead_source_code",
    "lead_source_name",
    "sales_manager_id",
    "sales_manager_name",
    "need_date",
    "agreed_date",
    "is_quoted",
    "is_won",
    "is_cancelled",
    "cancelled_after_agreement",
    "closed_date",
    "days_need_to_agreed",
    "days_need_to_closed",
)
FUNNEL_MONEY_COLUMNS = ("revenue", "paid_amount", "planned_profit", "actual_profit")

# The order list under the charts (each number opens the card), newest need first.
ORDER_COLUMNS = (
    "order_number",
    "need_date",
    "customer_name",
    "lead_source_name",
    "sales_manager_name",
    "status",
    "agreed_date",
    "closed_date",
    "revenue",
    "paid_amount",
    "actual_profit",
)


# -- exact ratios (the dbt macros of dbt_project/macros/numbers.sql) ---------------------------
def _hundredths(value: Decimal | int) -> int:
    # CAST(x * 100 AS HUGEINT): exact for money (2 places) and counts
    return int((Decimal(value) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def exact_ratio(
    numerator: Decimal | int | None, denominator: Decimal | int | None, factor: int, scale: int
) -> Decimal | None:
    """factor * numerator / denominator rounded half away from zero to `scale` places, in
    integer arithmetic like the marts (no binary rounding); None when the denominator is 0 or
    None or the numerator is None."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    num, den = _hundredths(numerator), _hundredths(denominator)
    if den == 0:
        return None
    sign = (num > 0) - (num < 0)
    sign *= (den > 0) - (den < 0)
    units = (2 * abs(num) * factor * 10**scale + abs(den)) // (2 * abs(den))
    return (Decimal(sign * units).scaleb(-scale)).quantize(Decimal(1).scaleb(-scale))


def pct(numerator, denominator) -> Decimal | None:
    """numerator / denominator * 100, 0.1 (dbt `pct`)."""
    return exact_ratio(numerator, denominator, 100, 1)


def ratio(numerator, denominator, scale: int = 2) -> Decimal | None:
    """numerator / denominator to `scale` places (dbt `ratio`)."""
    return exact_ratio(numerator, denominator, 1, scale)


def ratio_column(frame: pl.DataFrame, name: str, fn, *args, dtype: pl.DataType) -> pl.Series:
    """A column computed row by row with an exact ratio function over columns `args`."""
    values = [fn(*row) for row in frame.select(list(args)).iter_rows()]
    return pl.Series(name, values, dtype=dtype)


# -- recompute from order rows ---------------------------------------------------------------
def with_unknown_source(funnel: pl.DataFrame) -> pl.DataFrame:
    """Orders without a source count under `unknown`, as in the mart (and in the source filter)."""
    out = funnel.with_columns(pl.col("lead_source_code").fill_null(UNKNOWN_CODE))
    if "lead_source_name" in out.columns:
        out = out.with_columns(pl.col("lead_source_name").fill_null(UNKNOWN_NAME))
    return out


def _sums(funnel: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    won = pl.col("is_won")
    closed = pl.col("status") == "closed"
    aggs = [
        pl.len().cast(pl.Int64).alias("needs_count"),
        pl.col("is_quoted").sum().cast(pl.Int64).alias("quoted_count"),
        won.sum().cast(pl.Int64).alias("agreed_count"),
        pl.col("cancelled_after_agreement")
        .sum()
        .cast(pl.Int64)
        .alias("cancelled_after_agreement_count"),
        pl.col("is_cancelled").sum().cast(pl.Int64).alias("cancelled_count"),
        pl.col("status")
        .is_in(["need", "costing", "quote_sent"])
        .sum()
        .cast(pl.Int64)
        .alias("in_negotiation_count"),
        closed.sum().cast(pl.Int64).alias("closed_count"),
        # NULL when no order counts (the SQL sum over no rows), then the ratio is NULL too
        pl.col("days_need_to_agreed").filter(won).sum().alias("days_need_to_agreed"),
        pl.col("days_need_to_closed").filter(closed).sum().alias("days_need_to_closed"),
    ]
    if "revenue" in funnel.columns:
        aggs.append(pl.col("revenue").filter(won).sum().cast(MONEY).alias("revenue"))
    if "paid_amount" in funnel.columns:
        aggs.append(pl.col("paid_amount").sum().cast(MONEY).alias("paid_revenue"))
        aggs.append((pl.col("paid_amount") > 0).sum().cast(pl.Int64).alias("paid_count"))
    for profit in ("planned_profit", "actual_profit"):
        if profit in funnel.columns:
            aggs.append(pl.col(profit).filter(won).sum().cast(MONEY).alias(profit))
    return funnel.group_by(by).agg(aggs) if by else funnel.select(aggs)


def _measure(sums: pl.DataFrame) -> pl.DataFrame:
    """The mart's `measured` step: rates, cycle times and per-need figures, exactly."""
    columns = [
        ratio_column(sums, "quote_rate_pct", pct, "quoted_count", "needs_count", dtype=PCT),
        ratio_column(sums, "win_rate_pct", pct, "agreed_count", "needs_count", dtype=PCT),
        ratio_column(sums, "quote_to_agreed_pct", pct, "agreed_count", "quoted_count", dtype=PCT),
        ratio_column(
            sums,
            "avg_days_need_to_agreed",
            lambda n, d: ratio(n, d, 1),
            "days_need_to_agreed",
            "agreed_count",
            dtype=pl.Decimal(18, 1),
        ),
        ratio_column(
            sums,
            "avg_days_need_to_closed",
            lambda n, d: ratio(n, d, 1),
            "days_need_to_closed",
            "closed_count",
            dtype=pl.Decimal(18, 1),
        ),
    ]
    if "paid_revenue" in sums.columns:
        columns.append(
            ratio_column(
                sums, "paid_revenue_per_need", ratio, "paid_revenue", "needs_count", dtype=MONEY
            )
        )
    if "actual_profit" in sums.columns:
        columns.append(
            ratio_column(
                sums, "profit_per_need", ratio, "actual_profit", "needs_count", dtype=MONEY
            )
        )
    return sums.with_columns(columns).drop("days_need_to_agreed", "days_need_to_closed")


def rank(frame: pl.DataFrame) -> pl.DataFrame:
    """effectiveness_rank (1 = best) by paid revenue per need, then profit per need, then code —
    by the columns present: a viewer without economics is ranked without profit (no profit
    leaks through a tie-break)."""
    keys = [c for c in ("paid_revenue_per_need", "profit_per_need") if c in frame.columns]
    ordered = frame.sort(
        [*keys, "lead_source_code"],
        descending=[True] * len(keys) + [False],
        nulls_last=True,
    )
    return ordered.with_columns(
        pl.int_range(1, ordered.height + 1, dtype=pl.Int32).alias("effectiveness_rank")
    )


def summarize(funnel: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """marts.lead_sources recomputed from order_funnel rows (already filtered): one row per
    source of `sources` (lead_source_code, lead_source_name; every source, also those without
    orders) plus `unknown` when some orders have no source; ranked."""
    funnel = with_unknown_source(funnel)
    sums = _sums(funnel, ["lead_source_code"])
    listed = sources.select("lead_source_code", "lead_source_name")
    extra = (
        sums.select("lead_source_code")
        .join(listed, on="lead_source_code", how="anti")
        .with_columns(pl.lit(UNKNOWN_NAME).alias("lead_source_name"))
    )
    keys = pl.concat([listed, extra])
    joined = keys.join(sums, on="lead_source_code", how="left")
    counts = [c for c in joined.columns if c.endswith("_count")]
    moneys = [
        c
        for c in ("revenue", "paid_revenue", "planned_profit", "actual_profit")
        if c in joined.columns
    ]
    joined = joined.with_columns(
        [pl.col(c).fill_null(0) for c in counts]
        + [pl.col(c).fill_null(Decimal(0)).cast(MONEY) for c in moneys]
    )
    return rank(_measure(joined))


def totals(funnel: pl.DataFrame) -> dict[str, object]:
    """All (filtered) orders as one group: the page's KPI tiles, same rules as a source row."""
    return _measure(_sums(funnel, [])).row(0, named=True)


def paid_counts(funnel: pl.DataFrame) -> pl.DataFrame:
    """Orders with a payment received, per source (the funnel's last stage; not in the mart)."""
    return (
        with_unknown_source(funnel)
        .group_by("lead_source_code")
        .agg((pl.col("paid_amount") > 0).sum().cast(pl.Int64).alias("paid_count"))
    )


def funnel_stages(ranking: pl.DataFrame) -> pl.DataFrame:
    """The ranking as long rows (source, stage, orders) for the funnel chart, in rank order;
    a stage whose count column is absent (paid without payments access) is left out."""
    stages = [(s, c) for s, c in FUNNEL_STAGES if c in ranking.columns]
    rows = [
        {
            "lead_source_code": r["lead_source_code"],
            "lead_source_name": r["lead_source_name"],
            "stage": stage,
            "orders": r[column],
        }
        for r in ranking.sort("effectiveness_rank").iter_rows(named=True)
        for stage, column in stages
    ]
    schema = {
        "lead_source_code": pl.Utf8,
        "lead_source_name": pl.Utf8,
        "stage": pl.Utf8,
        "orders": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)


# -- the page ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourcesData:
    ranking: pl.DataFrame  # one row per source, in rank order
    funnel: pl.DataFrame  # long: source, stage, orders
    totals: dict[str, object]  # all shown orders together
    orders: pl.DataFrame  # the order_funnel rows behind the figures (ORDER_COLUMNS present)
    recomputed: bool  # True: from order_funnel under filters; False: marts.lead_sources


def needs_recompute(filters: AnalyticsFilters) -> bool:
    """The mart is over all orders of all time: any filter, the period too, means a recompute."""
    has_period = filters.period_start is not None or filters.period_end is not None
    return is_filtered(filters) or has_period


def filter_orders(funnel: pl.DataFrame, filters: AnalyticsFilters) -> pl.DataFrame:
    """Orders of the period (by need date), managers, customers and sources chosen."""
    return apply(with_unknown_source(funnel), filters, date_column="need_date")


def build(
    lead_sources: pl.DataFrame, funnel: pl.DataFrame, filters: AnalyticsFilters
) -> SourcesData:
    """The page's frames from the two marts as the viewer reads them (pure)."""
    shown = filter_orders(funnel, filters)
    if needs_recompute(filters):
        ranking = summarize(shown, lead_sources)
        recomputed = True
    else:
        ranking = lead_sources
        if "profit_per_need" not in ranking.columns:
            ranking = rank(ranking)  # the mart's rank breaks ties by profit
        recomputed = False
        if "paid_amount" in shown.columns:
            ranking = ranking.join(paid_counts(shown), on="lead_source_code", how="left")
            ranking = ranking.with_columns(pl.col("paid_count").fill_null(0))
    if filters.source_codes:
        ranking = ranking.filter(pl.col("lead_source_code").is_in(list(filters.source_codes)))
    ranking = ranking.sort("effectiveness_rank")
    orders = shown.sort("need_date", "order_number", descending=[True, False])
    orders = orders.select([c for c in ORDER_COLUMNS if c in orders.columns])
    return SourcesData(ranking, funnel_stages(ranking), totals(shown), orders, recomputed)


def funnel_columns(readable: list[str]) -> list[str]:
    """The order_funnel columns to ask for, given the columns the viewer may read."""
    wanted = [*FUNNEL_BASE_COLUMNS, *FUNNEL_MONEY_COLUMNS]
    return [c for c in wanted if c in readable]


def load(reader, filters: AnalyticsFilters) -> SourcesData:
    """Read both marts through the viewer's MartReader and build the page's frames."""
    lead_sources = reader.frame("lead_sources")
    funnel = reader.frame("order_funnel", funnel_columns(reader.columns("order_funnel")))
    return build(lead_sources, funnel, filters)


def ranking_table(ranking: pl.DataFrame) -> pl.DataFrame:
    """The ranking's shown columns, in order (those present)."""
    return ranking.select([c for c in RANKING_COLUMNS if c in ranking.columns])
