"""Sales managers page data on the REAL published marts: period sums and ratios from sums equal
hand-written SQL over marts.sales_manager_months; one month reproduces the mart's own ratios;
a viewer without economics gets no profit."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from test_sources_marts import half_up, reader

from dashboards.analytics import managers
from dashboards.analytics.filters import AnalyticsFilters
from pipelines.published import open_published

PERIOD_SQL = """
SELECT sales_manager_id, sum(orders_count), sum(positions_count), sum(quotes_issued_count),
       sum(quotes_issued_total), sum(quoted_orders_count), sum(quoted_orders_won_count),
       sum(revenue), sum(actual_profit), sum(payments_on_quoted_orders)
FROM marts.sales_manager_months
WHERE month_start BETWEEN ? AND ? {managers}
GROUP BY sales_manager_id
"""


def load(home, store, login, filters):
    r = reader(home, store, login)
    with r.session():
        return managers.load(r, filters)


@pytest.mark.parametrize(
    "filters, where",
    [
        (AnalyticsFilters(date(2026, 2, 14), date(2026, 7, 31)), ""),
        (AnalyticsFilters(date(2025, 1, 1), date(2026, 11, 28), manager_ids=(2, 4)),
         "AND sales_manager_id IN (2, 4)"),
    ],
)  # fmt: skip
def test_leaderboard_equals_hand_written_sql(published_home, plant_store, filters, where):
    data = load(published_home, plant_store, "makarova", filters)
    first = filters.period_start.replace(day=1)  # a period counts whole months
    with open_published(published_home) as conn:
        rows = conn.execute(PERIOD_SQL.format(managers=where),
                            [first, filters.period_end]).fetchall()  # fmt: skip
    assert rows
    board = {r["sales_manager_id"]: r for r in data.leaderboard.iter_rows(named=True)}
    assert set(board) == {r[0] for r in rows}
    for (
        manager,
        orders,
        positions,
        quotes,
        quotes_total,
        quoted,
        won,
        revenue,
        profit,
        paid,
    ) in rows:
        got = board[manager]
        assert (got["orders_count"], got["positions_count"], got["quotes_issued_count"]) == (
            orders, positions, quotes)  # fmt: skip
        assert (got["quotes_issued_total"], got["revenue"], got["actual_profit"]) == (
            quotes_total, revenue, profit)  # fmt: skip
        assert got["payments_on_quoted_orders"] == paid
        assert got["positions_per_order"] == half_up(Fraction(positions, orders), 2)
        assert got["quote_to_agreed_pct"] == (
            half_up(Fraction(won * 100, quoted), 1) if quoted else None)  # fmt: skip
    revenues = data.leaderboard["revenue"].to_list()
    assert revenues == sorted(revenues, reverse=True)
    assert data.totals["orders_count"] == sum(r[1] for r in rows)


def test_one_month_reproduces_the_marts_own_ratios(published_home, plant_store):
    month = date(2026, 5, 1)
    data = load(published_home, plant_store, "makarova", AnalyticsFilters(month, date(2026, 5, 31)))
    with open_published(published_home) as conn:
        mart = conn.sql(
            "SELECT sales_manager_id, positions_per_order, quote_to_agreed_pct, revenue "
            "FROM marts.sales_manager_months WHERE month_start = ?", params=[month]
        ).pl()  # fmt: skip
    got = data.leaderboard.select(mart.columns).sort("sales_manager_id")
    assert got.to_dicts() == mart.sort("sales_manager_id").to_dicts()


def test_trend_months_match_the_mart_and_fill_gaps(published_home, plant_store):
    filters = AnalyticsFilters(date(2025, 12, 1), date(2026, 11, 28))
    data = load(published_home, plant_store, "pavlov", filters)
    trend = managers.trend(data.months, "quotes_issued_count", data.period)
    assert trend.height == data.leaderboard.height * 12
    with open_published(published_home) as conn:
        total = conn.execute(
            "SELECT sum(quotes_issued_count) FROM marts.sales_manager_months "
            "WHERE month_start BETWEEN ? AND ?", [date(2025, 12, 1), date(2026, 11, 28)]
        ).fetchone()[0]  # fmt: skip
    assert trend["value"].sum() == total


def test_head_of_sales_gets_no_profit(published_home, plant_store):
    data = load(published_home, plant_store, "sokolova", AnalyticsFilters())
    assert not [c for c in data.months.columns if "profit" in c]
    assert not [c for c in data.leaderboard.columns if "profit" in c]
    assert not [k for k in data.totals if "profit" in k]
    assert not [k.key for k in data.kpis if "profit" in k.key]
    assert "revenue" in data.leaderboard.columns and "payments_on_quoted_orders" in data.months
