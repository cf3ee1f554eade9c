"""Sales managers charts on small frames: traces, values, Russian labels, ₽ and %."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from dashboards.charts.managers import kpi_trend, leaderboard_bars, payments_on_quotes

TREND = pl.DataFrame(
    {
        "sales_manager_id": [1, 1, 2, 2],
        "sales_manager_name": ["Иванов", "Иванов", "Петрова", "Петрова"],
        "month_start": [date(2026, 1, 1), date(2026, 2, 1)] * 2,
        "value": [D("1000.00"), D("0.00"), D("250.50"), D("99.99")],
    }
)
BOARD = pl.DataFrame(
    {
        "place": [1, 2],
        "sales_manager_id": [2, 1],
        "sales_manager_name": ["Петрова", "Иванов"],
        "quote_to_agreed_pct": [D("74.8"), None],
        "payments_on_quoted_orders": [D("1500.00"), D("10.10")],
        "payments_on_own_orders": [D("1400.00"), D("0.00")],
    }
)


def test_trend_draws_one_line_per_manager_with_money_format():
    fig = kpi_trend(TREND, "revenue")
    assert [tr.name for tr in fig.data] == ["Иванов", "Петрова"]
    assert sum(sum(tr.y) for tr in fig.data) == float(sum(TREND["value"].to_list()))
    assert fig.layout.title.text == "Выручка без НДС"
    assert fig.layout.yaxis.ticksuffix == " ₽"
    assert "₽" in fig.data[0].hovertemplate and fig.layout.separators == ", "


def test_trend_of_a_percentage_shows_percent_and_keeps_gaps():
    frame = TREND.with_columns(pl.Series("value", [D("50.0"), None, D("75.5"), D("80.0")]))
    fig = kpi_trend(frame, "quote_to_agreed_pct")
    assert list(fig.data[0].y) == [50.0, None]
    assert fig.layout.yaxis.ticksuffix == " %"
    assert "%" in fig.data[0].hovertemplate and "₽" not in fig.data[0].hovertemplate


def test_leaderboard_bars_in_board_order():
    fig = leaderboard_bars(BOARD, "payments_on_quoted_orders")
    assert list(fig.data[0].y) == ["Петрова", "Иванов"]
    assert list(fig.data[0].x) == [1500.0, 10.1]
    assert fig.layout.xaxis.ticksuffix == " ₽"
    assert not leaderboard_bars(BOARD, "actual_profit").data  # a KPI the frame lacks


def test_payments_on_quotes_two_series_and_only_what_is_there():
    fig = payments_on_quotes(BOARD)
    names = [tr.name for tr in fig.data]
    assert names == ["Оплаты по заказам с КП менеджера", "Оплаты по своим заказам"]
    assert sum(fig.data[0].y) == 1510.1
    assert fig.layout.yaxis.ticksuffix == " ₽"
    without = payments_on_quotes(BOARD.drop("payments_on_quoted_orders", "payments_on_own_orders"))
    assert not without.data
