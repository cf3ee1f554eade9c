"""Sales managers page data on small hand-made frames: sums, ratios from sums, trend gaps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from dashboards.analytics.filters import AnalyticsFilters
from dashboards.analytics.managers import (
    available_kpis,
    build,
    leaderboard,
    month_range,
    totals,
    trend,
)

MONTH_SCHEMA = {
    "sales_manager_id": pl.Int64,
    "month_start": pl.Date,
    "sales_manager_name": pl.Utf8,
    "orders_count": pl.Int64,
    "positions_count": pl.Int64,
    "positions_per_order": pl.Decimal(18, 2),
    "quotes_issued_count": pl.Int64,
    "quotes_issued_net": pl.Decimal(18, 2),
    "quotes_issued_total": pl.Decimal(18, 2),
    "quoted_orders_count": pl.Int64,
    "quoted_orders_won_count": pl.Int64,
    "quote_to_agreed_pct": pl.Decimal(9, 1),
    "won_orders_count": pl.Int64,
    "revenue": pl.Decimal(18, 2),
    "planned_profit": pl.Decimal(18, 2),
    "actual_profit": pl.Decimal(18, 2),
    "payments_on_quoted_orders": pl.Decimal(18, 2),
    "payments_on_own_orders": pl.Decimal(18, 2),
}


def month(manager, name, m, orders, positions, quoted, won, revenue, paid, profit="0.00"):
    return {
        "sales_manager_id": manager,
        "month_start": date(2026, m, 1),
        "sales_manager_name": name,
        "orders_count": orders,
        "positions_count": positions,
        "positions_per_order": None,  # recomputed; the mart's monthly value is not summed
        "quotes_issued_count": quoted + 1,
        "quotes_issued_net": D("100.00") * quoted,
        "quotes_issued_total": D("122.00") * quoted,
        "quoted_orders_count": quoted,
        "quoted_orders_won_count": won,
        "quote_to_agreed_pct": D("99.9"),  # a wrong monthly value: must never be averaged
        "won_orders_count": won,
        "revenue": D(revenue),
        "planned_profit": D(profit),
        "actual_profit": D(profit),
        "payments_on_quoted_orders": D(paid),
        "payments_on_own_orders": D(paid),
    }


ROWS = pl.DataFrame(
    [
        month(1, "Иванов", 1, 2, 5, 1, 1, "1000.00", "500.00", "10.00"),
        month(1, "Иванов", 3, 1, 2, 2, 0, "0.00", "0.00"),
        month(2, "Петрова", 2, 4, 8, 3, 2, "5000.00", "100.00", "-5.00"),
    ],
    schema=MONTH_SCHEMA,
)


def test_leaderboard_sums_and_recomputes_ratios_from_the_sums():
    board = leaderboard(ROWS)
    assert board["sales_manager_name"].to_list() == ["Петрова", "Иванов"]  # by revenue
    assert board["place"].to_list() == [1, 2]
    ivanov = board.filter(pl.col("sales_manager_id") == 1).row(0, named=True)
    assert ivanov["orders_count"] == 3 and ivanov["positions_count"] == 7
    assert ivanov["positions_per_order"] == D("2.33")
    assert ivanov["quote_to_agreed_pct"] == D("33.3")  # 1 won of 3 quoted, not avg(100, 0)
    assert ivanov["quotes_issued_count"] == 5
    assert ivanov["quotes_issued_net"] == D("300.00")
    assert ivanov["revenue"] == D("1000.00") and ivanov["actual_profit"] == D("10.00")
    assert board.schema["revenue"] == pl.Decimal(18, 2)
    assert board.schema["quote_to_agreed_pct"] == pl.Decimal(9, 1)


def test_leaderboard_can_be_ordered_by_any_kpi():
    board = leaderboard(ROWS, by="payments_on_quoted_orders")
    assert board["sales_manager_name"].to_list() == ["Иванов", "Петрова"]


def test_totals_skip_payments_on_quoted_orders_which_would_double_count():
    total = totals(ROWS)
    assert total["orders_count"] == 7
    assert total["quote_to_agreed_pct"] == D("50.0")  # 3 of 6
    assert total["revenue"] == D("6000.00")
    assert total["payments_on_own_orders"] == D("600.00")
    assert "payments_on_quoted_orders" not in total


def test_trend_fills_months_without_activity():
    out = trend(ROWS, "revenue", (date(2026, 1, 1), date(2026, 3, 31)))
    ivanov = out.filter(pl.col("sales_manager_id") == 1)
    assert ivanov["month_start"].to_list() == month_range(date(2026, 1, 5), date(2026, 3, 31))
    assert ivanov["value"].to_list() == [D("1000.00"), D("0.00"), D("0.00")]
    pct = trend(ROWS, "quote_to_agreed_pct").filter(pl.col("sales_manager_id") == 2)
    assert pct["value"].to_list() == [None, D("99.9"), None]  # a ratio has no value, not 0


def test_period_keeps_whole_months_and_manager_filter_applies():
    data = build(ROWS, AnalyticsFilters(date(2026, 1, 20), date(2026, 2, 10)))
    assert sorted(data.months["month_start"].to_list()) == [date(2026, 1, 1), date(2026, 2, 1)]
    assert data.period == (date(2026, 1, 1), date(2026, 2, 10))
    only = build(ROWS, AnalyticsFilters(manager_ids=(2,)))
    assert only.leaderboard["sales_manager_id"].to_list() == [2]
    empty = build(ROWS, AnalyticsFilters(date(2027, 1, 1), date(2027, 2, 1)))
    assert empty.leaderboard.is_empty() and empty.totals["orders_count"] == 0


def test_without_economics_or_prices_those_kpis_are_gone():
    limited = ROWS.drop("planned_profit", "actual_profit", "revenue", "quotes_issued_net",
                        "quotes_issued_total")  # fmt: skip
    keys = [k.key for k in available_kpis(limited.columns)]
    assert "actual_profit" not in keys and "revenue" not in keys
    board = leaderboard(limited)
    assert not [c for c in board.columns if "profit" in c or c == "revenue"]
    assert board["sales_manager_name"].to_list() == ["Иванов", "Петрова"]  # by payments
