"""Lead sources page data on small hand-made frames: the mart's rules recomputed exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from dashboards.analytics.filters import AnalyticsFilters
from dashboards.analytics.sources import (
    build,
    exact_ratio,
    funnel_stages,
    pct,
    rank,
    ranking_table,
    ratio,
    summarize,
    totals,
)

FUNNEL_SCHEMA = {
    "order_id": pl.Int64,
    "order_number": pl.Utf8,
    "status": pl.Utf8,
    "customer_id": pl.Int64,
    "lead_source_code": pl.Utf8,
    "lead_source_name": pl.Utf8,
    "sales_manager_id": pl.Int64,
    "need_date": pl.Date,
    "is_quoted": pl.Boolean,
    "is_won": pl.Boolean,
    "is_cancelled": pl.Boolean,
    "cancelled_after_agreement": pl.Boolean,
    "closed_date": pl.Date,
    "days_need_to_agreed": pl.Int64,
    "days_need_to_closed": pl.Int64,
    "revenue": pl.Decimal(18, 2),
    "paid_amount": pl.Decimal(18, 2),
    "planned_profit": pl.Decimal(18, 2),
    "actual_profit": pl.Decimal(18, 2),
}

SOURCES = pl.DataFrame(
    {
        "lead_source_code": ["site", "fair", "cold"],
        "lead_source_name": ["Сайт", "Выставка", "Холодный звонок"],
    }
)


NAMES = dict(SOURCES.select("lead_source_code", "lead_source_name").iter_rows())


def order(n, source, status, *, manager=1, customer=10, need=date(2026, 1, 10), quoted=True,
          agreed_days=None, closed_days=None, revenue=None, paid="0.00", profit=None):  # fmt: skip
    won = agreed_days is not None and status != "cancelled"
    return {
        "order_id": n,
        "order_number": f"З-2026-{n:04d}",
        "status": status,
        "customer_id": customer,
        "lead_source_code": source,
        "lead_source_name": NAMES.get(source),
        "sales_manager_id": manager,
        "need_date": need,
        "is_quoted": quoted,
        "is_won": won,
        "is_cancelled": status == "cancelled",
        "cancelled_after_agreement": status == "cancelled" and agreed_days is not None,
        "closed_date": date(2026, 3, 1) if status == "closed" else None,
        "days_need_to_agreed": agreed_days,
        "days_need_to_closed": closed_days,
        "revenue": D(revenue) if revenue else None,
        "paid_amount": D(paid),
        "planned_profit": D(profit) if profit else None,
        "actual_profit": D(profit) if profit else None,
    }


def funnel_frame(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FUNNEL_SCHEMA)


# site: 3 needs, 2 won (one closed), one cancelled after agreement with a prepayment;
# fair: 1 need in negotiation; cold: none; one order without a source.
ROWS = [
    order(1, "site", "closed", agreed_days=10, closed_days=51, revenue="1000.00",
          paid="1200.00", profit="100.01"),
    order(2, "site", "production", agreed_days=5, revenue="2000.00", paid="600.00",
          profit="-0.01", manager=2, customer=11, need=date(2026, 2, 3)),
    order(3, "site", "cancelled", agreed_days=7, paid="100.00"),
    order(4, "fair", "quote_sent", quoted=True),
    order(5, None, "need", quoted=False, need=date(2025, 12, 1)),
]  # fmt: skip


def test_exact_ratio_rounds_half_away_from_zero_like_the_marts():
    assert ratio(D("5.35"), 2) == D("2.68")  # a float division gives 2.67
    assert ratio(D("-5.35"), 2) == D("-2.68")
    assert pct(2, 3) == D("66.7")
    assert pct(1, 8) == D("12.5")
    assert pct(1, 16) == D("6.3")  # 6.25 -> 6.3
    assert ratio(7, 2, 1) == D("3.5")
    assert exact_ratio(1, 0, 100, 1) is None
    assert exact_ratio(None, 5, 1, 2) is None
    assert exact_ratio(0, 5, 1, 2) == D("0.00")


def test_summarize_recomputes_every_column_of_the_mart():
    out = summarize(funnel_frame(ROWS), SOURCES).sort("effectiveness_rank")
    site = out.filter(pl.col("lead_source_code") == "site").row(0, named=True)
    assert site["needs_count"] == 3
    assert site["quoted_count"] == 3
    assert site["agreed_count"] == 2  # the cancelled one is not agreed
    assert site["cancelled_after_agreement_count"] == 1
    assert site["cancelled_count"] == 1
    assert site["closed_count"] == 1
    assert site["in_negotiation_count"] == 0
    assert site["revenue"] == D("3000.00")
    assert site["paid_revenue"] == D("1900.00")  # every payment, the cancelled order's too
    assert site["paid_count"] == 3
    assert site["actual_profit"] == D("100.00")
    assert site["win_rate_pct"] == D("66.7")
    assert site["quote_to_agreed_pct"] == D("66.7")
    assert site["avg_days_need_to_agreed"] == D("7.5")  # (10 + 5) / 2 won orders
    assert site["avg_days_need_to_closed"] == D("51.0")
    assert site["paid_revenue_per_need"] == D("633.33")
    assert site["profit_per_need"] == D("33.33")
    fair = out.filter(pl.col("lead_source_code") == "fair").row(0, named=True)
    assert (fair["needs_count"], fair["agreed_count"], fair["in_negotiation_count"]) == (1, 0, 1)
    assert fair["quote_to_agreed_pct"] == D("0.0")
    assert fair["avg_days_need_to_agreed"] is None  # nothing won: no average
    cold = out.filter(pl.col("lead_source_code") == "cold").row(0, named=True)
    assert cold["needs_count"] == 0 and cold["revenue"] == D("0.00")
    assert cold["win_rate_pct"] is None and cold["paid_revenue_per_need"] is None
    unknown = out.filter(pl.col("lead_source_code") == "unknown").row(0, named=True)
    assert unknown["lead_source_name"] == "Источник не указан"
    assert unknown["needs_count"] == 1 and unknown["quote_rate_pct"] == D("0.0")
    # paid per need: site 633.33, then unknown and fair at 0.00 (tie: code), cold NULL last
    assert out["lead_source_code"].to_list() == ["site", "fair", "unknown", "cold"]
    assert out["effectiveness_rank"].to_list() == [1, 2, 3, 4]
    assert out.schema["revenue"] == pl.Decimal(18, 2)
    assert out.schema["win_rate_pct"] == pl.Decimal(9, 1)


def test_rank_breaks_ties_by_profit_only_when_the_viewer_has_profit():
    frame = pl.DataFrame(
        {
            "lead_source_code": ["a", "b"],
            "paid_revenue_per_need": [D("10.00"), D("10.00")],
            "profit_per_need": [D("1.00"), D("5.00")],
        }
    )
    assert rank(frame)["lead_source_code"].to_list() == ["b", "a"]
    assert rank(frame.drop("profit_per_need"))["lead_source_code"].to_list() == ["a", "b"]


def test_without_economics_no_profit_column_comes_out():
    rows = funnel_frame(ROWS).drop("planned_profit", "actual_profit")
    out = summarize(rows, SOURCES)
    assert not [c for c in out.columns if "profit" in c]
    assert "profit_per_need" not in totals(rows)
    data = build(SOURCES, rows, AnalyticsFilters(manager_ids=(1,)))
    assert not [c for c in ranking_table(data.ranking).columns if "profit" in c]


def test_without_payments_the_funnel_has_no_paid_stage():
    rows = funnel_frame(ROWS).drop("paid_amount")
    stages = funnel_stages(summarize(rows, SOURCES))
    assert set(stages["stage"]) == {"needs", "quoted", "agreed"}


def test_build_unfiltered_is_the_mart_itself_plus_paid_orders():
    mart = summarize(funnel_frame(ROWS), SOURCES).drop("paid_count")
    mart = mart.with_columns(pl.col("revenue") + D("0.01"))  # the mart wins over a recompute
    data = build(mart, funnel_frame(ROWS), AnalyticsFilters())
    assert not data.recomputed
    site = data.ranking.filter(pl.col("lead_source_code") == "site").row(0, named=True)
    assert site["revenue"] == D("3000.01")
    assert site["paid_count"] == 3
    assert data.totals["needs_count"] == 5


def test_build_filtered_recomputes_over_the_chosen_orders():
    mart = summarize(funnel_frame(ROWS), SOURCES)
    by_manager = build(mart, funnel_frame(ROWS), AnalyticsFilters(manager_ids=(2,)))
    assert by_manager.recomputed
    site = by_manager.ranking.filter(pl.col("lead_source_code") == "site").row(0, named=True)
    assert (site["needs_count"], site["revenue"]) == (1, D("2000.00"))
    assert by_manager.totals["needs_count"] == 1
    # period by need date: December 2025 holds only the order without a source
    december = build(mart, funnel_frame(ROWS),
                     AnalyticsFilters(date(2025, 12, 1), date(2025, 12, 31)))  # fmt: skip
    needs = dict(december.ranking.select("lead_source_code", "needs_count").iter_rows())
    assert needs == {"unknown": 1, "site": 0, "fair": 0, "cold": 0}
    # a source filter keeps the chosen rows ('unknown' too: orders without a source)
    chosen = build(mart, funnel_frame(ROWS), AnalyticsFilters(source_codes=("unknown", "fair")))
    assert sorted(chosen.ranking["lead_source_code"]) == ["fair", "unknown"]
    assert chosen.totals["needs_count"] == 2


def test_funnel_stages_follow_the_rank():
    stages = funnel_stages(summarize(funnel_frame(ROWS), SOURCES))
    first = stages.filter(pl.col("lead_source_code") == "site")
    assert first["stage"].to_list() == ["needs", "quoted", "agreed", "paid"]
    assert first["orders"].to_list() == [3, 3, 2, 3]
    assert stages["lead_source_code"].to_list()[0] == "site"


def test_no_orders_gives_zero_rows_not_an_error():
    mart = summarize(funnel_frame(ROWS), SOURCES)
    data = build(mart, funnel_frame(ROWS), AnalyticsFilters(customer_ids=(999,)))
    assert data.ranking["needs_count"].sum() == 0
    assert data.totals["needs_count"] == 0 and data.totals["win_rate_pct"] is None
