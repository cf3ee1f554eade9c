"""AppTests of Аналитика → Менеджеры по продажам on the really published demo plant: tiles and
the leaderboard equal sums over marts.sales_manager_months for the period (ratios from sums),
also under a manager filter; the KPI and sort pickers work; profit only with economics; refusal
for a login that may not see it."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest
from apptest_helpers import assert_clean
from test_sources_marts import half_up
from test_sources_page import (
    NO_ECONOMICS_NOTE,
    assert_common_parts,
    assert_refused,
    leaked_economics,
    open_as,
    sql,
    tiles,
)

from dashboards.ui.format import money, number
from dashboards.ui.format import pct as pct_text

PAGE = "app_pages/analytics/sales_managers.py"
WITH_ECONOMICS = ["makarova", "sergeev", "admin", "pavlov", "egorova"]
WITHOUT_ECONOMICS = ["sokolova"]
REFUSED = ["ivanov", "volkova"]
PERIOD = (date(2025, 12, 1), date(2026, 11, 28))

TOTALS_SQL = """
SELECT sum(orders_count), sum(quotes_issued_count), sum(quotes_issued_total),
       sum(quoted_orders_won_count), sum(quoted_orders_count), sum(revenue), sum(actual_profit),
       count(DISTINCT sales_manager_id)
FROM marts.sales_manager_months WHERE month_start BETWEEN ? AND ? {extra}
"""


def expected(home, extra="", params=()) -> tuple[dict[str, str], int]:
    orders, quotes, total, won, quoted, revenue, profit, managers = sql(
        home, TOTALS_SQL.format(extra=extra), [*PERIOD, *params])[0]  # fmt: skip
    figures = {
        "Заказов (ответственный)": number(orders),
        "КП выдано": number(quotes),
        "Сумма КП с НДС": money(total),
        "КП → согласование, %": pct_text(half_up(Fraction(won * 100, quoted), 1)),
        "Выручка без НДС": money(revenue),
        "Прибыль факт": money(profit),
    }
    return figures, managers


@pytest.mark.parametrize("login", WITH_ECONOMICS + WITHOUT_ECONOMICS)
def test_page_shows_the_marts_figures(published_home, monkeypatch, login):
    at = open_as(published_home, monkeypatch, login, PAGE)
    assert_clean(at)
    assert_common_parts(at)
    figures, managers = expected(published_home)
    board = at.dataframe[0].value
    if login in WITHOUT_ECONOMICS:
        del figures["Прибыль факт"]
        assert leaked_economics(at) == []
        assert NO_ECONOMICS_NOTE in [c.value for c in at.caption]
        assert not [o for o in at.selectbox(key="managers_trend_kpi").options if "рибыл" in o]
    else:
        assert {"Прибыль факт", "Прибыль план"} <= set(board.columns)
    assert tiles(at) == figures
    assert board.shape[0] == managers and list(board["Место"]) == list(range(1, managers + 1))
    assert "Оплаты по заказам с КП менеджера" in board.columns
    assert board["Позиций на заказ"].iloc[0].count(",") == 1  # «4,25», no ₽


def test_manager_filter_and_pickers(published_home, monkeypatch):
    at = open_as(published_home, monkeypatch, "makarova", PAGE)
    at.multiselect(key="analytics_managers_manager").set_value([3, 5])
    at.run()
    assert_clean(at)
    figures, managers = expected(published_home, "AND sales_manager_id IN (3, 5)")
    assert tiles(at) == figures and managers == 2
    # the trend of another KPI: one line per chosen manager
    at.selectbox(key="managers_trend_kpi").set_value("quotes_issued_count")
    at.run()
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert trend["layout"]["title"]["text"] == "КП выдано"
    assert [tr["type"] for tr in trend["data"]] == ["scatter", "scatter"]
    # the leaderboard sorted by payments on quoted orders
    at.selectbox(key="managers_sort").set_value("payments_on_quoted_orders")
    at.run()
    assert_clean(at)
    best = sql(published_home, "SELECT sales_manager_name FROM marts.sales_manager_months "
               "WHERE month_start BETWEEN ? AND ? AND sales_manager_id IN (3, 5) GROUP BY 1 "
               "ORDER BY sum(payments_on_quoted_orders) DESC LIMIT 1", PERIOD)[0][0]  # fmt: skip
    assert at.dataframe[0].value["Менеджер"].iloc[0] == best


@pytest.mark.parametrize("login", REFUSED)
def test_a_login_that_may_not_see_the_page_is_refused(published_home, monkeypatch, login):
    assert_refused(published_home, monkeypatch, login, PAGE)
