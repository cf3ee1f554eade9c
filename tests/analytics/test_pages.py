"""AppTests of the Overview, Payments and Order economics pages on the really published demo
plant: every login that may see a page gets it with the marts' figures (tile texts equal the
formatted mart values, also under filters); a login that may not gets a refusal and no data;
a role without economics gets no economics in any tile, table, chart or export; nothing
published -> a clear warning."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from apptest_helpers import APP_FILE, TIMEOUT, app_test, assert_clean, log_in_as, open_page
from streamlit.testing.v1 import AppTest

from dashboards.analytics.measures import pct
from dashboards.ui.format import money, number
from dashboards.ui.format import pct as pct_text
from ingest.service import Desk
from ingest.service.access_admin import set_access_rule
from ingest.store import Store
from pipelines.published import open_published

PAGES = {
    "overview": "app_pages/analytics/overview.py",
    "payments": "app_pages/analytics/payments.py",
    "economics": "app_pages/analytics/order_economics.py",
}
ALLOWED = ["makarova", "sergeev", "admin", "pavlov", "egorova"]
REFUSED = ["sokolova", "morozov", "ivanov", "kozlov"]
PERIOD = (date(2025, 12, 1), date(2026, 11, 28))  # the default: 12 months to as_of
ECONOMICS_WORDS = ("Прибыль", "Себестоимость", "Рентабельность", "Маржа", "Расходы")


@pytest.fixture(scope="module")
def sql(published_home):
    def run(query: str, params=None):
        with open_published(published_home) as conn:
            return conn.execute(query, params or []).fetchall()

    return run


def _open(home, monkeypatch, login: str, page: str) -> AppTest:
    at = app_test(home, monkeypatch)
    log_in_as(at, login)
    return open_page(at, PAGES[page])


def _tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest) -> list[str]:
    """Titles, captions, tile labels, table headers, chart specs of the page."""
    out = [m.label for m in at.metric] + [c.value for c in at.caption]
    for frame in at.dataframe:
        out += [str(c) for c in frame.value.columns]
    out += [chart.proto.spec for chart in at.get("plotly_chart")]
    return out


def _period_sum(sql, mart: str, column: str, date_column: str = "month_start") -> Decimal:
    return sql(f"SELECT coalesce(sum({column}), 0) FROM marts.{mart} "
               f"WHERE {date_column} BETWEEN ? AND ?", list(PERIOD))[0][0]  # fmt: skip


def _check_overview(at, sql) -> None:
    tiles = _tiles(at)
    revenue = sql("SELECT revenue FROM marts.order_economics_by_month "
                  "WHERE month_start = DATE '2026-11-01'")[0][0]  # fmt: skip
    assert tiles["Выручка за 11.2026"] == money(revenue)
    assert tiles["Выставлено счетов за период"] == money(
        _period_sum(sql, "payments_by_month", "invoiced_amount"))  # fmt: skip
    assert tiles["Получено оплат за период"] == money(
        _period_sum(sql, "payments_by_month", "received_amount"))  # fmt: skip
    overdue, count = sql("SELECT sum(outstanding_amount), count(*) FROM marts.invoices "
                         "WHERE is_overdue")[0]  # fmt: skip
    assert tiles["Просроченная дебиторка"] == money(overdue)
    assert f"счетов: {count}" in [m.delta for m in at.metric]
    planned = _period_sum(sql, "order_economics_by_month", "planned_profit")
    actual = _period_sum(sql, "order_economics_by_month", "actual_profit")
    cost = _period_sum(sql, "order_economics_by_month", "actual_cost_price")
    assert tiles["Прибыль плановая"] == money(planned)
    assert tiles["Прибыль фактическая"] == money(actual)
    assert tiles["Рентабельность фактическая"] == pct_text(pct(actual, cost))
    in_work = sql("SELECT sum(orders_count) FROM marts.pipeline_statuses WHERE NOT is_final")
    assert tiles["Заказов в работе"] == number(in_work[0][0])
    late = sql("SELECT count(*) FROM marts.late_orders "
               "WHERE planned_shipment_date BETWEEN ? AND ?", list(PERIOD))[0][0]  # fmt: skip
    assert tiles["Опаздывающих заказов"] == number(late)
    assert at.dataframe[0].value.shape[0] == late
    tasks = sql("SELECT sum(overdue_tasks_count) FROM marts.overdue_tasks_by_department")
    assert tiles["Просроченных задач"] == number(tasks[0][0])


def _check_payments(at, sql) -> None:
    tiles = _tiles(at)
    count, amount, outstanding = sql(
        "SELECT count(*), sum(invoice_amount), sum(outstanding_amount) FROM marts.invoices "
        "WHERE issue_date BETWEEN ? AND ?", list(PERIOD))[0]  # fmt: skip
    assert tiles["Счетов за период"] == number(count)
    assert tiles["Сумма счетов"] == money(amount)
    assert tiles["Остаток к оплате"] == money(outstanding)
    overdue = sql("SELECT sum(outstanding_amount) FROM marts.invoices WHERE is_overdue")[0][0]
    assert tiles["Просрочено на расчётную дату"] == money(overdue)
    invoices = at.dataframe[-1].value
    assert invoices.shape[0] == count and "Счёт" in invoices.columns


def _check_economics(at, sql) -> None:
    tiles = _tiles(at)
    assert tiles["Выручка без НДС"] == money(_period_sum(sql, "order_economics_by_month",
                                                         "revenue"))  # fmt: skip
    assert tiles["Себестоимость фактическая"] == money(
        _period_sum(sql, "order_economics_by_month", "actual_cost_price"))  # fmt: skip
    assert tiles["Прибыль фактическая"] == money(
        _period_sum(sql, "order_economics_by_month", "actual_profit"))  # fmt: skip
    losses = sql("SELECT count(*) FROM marts.order_economics WHERE is_won AND actual_profit < 0 "
                 "AND agreed_date BETWEEN ? AND ?", list(PERIOD))[0][0]  # fmt: skip
    assert tiles["Убыточных заказов"] == number(losses) and losses > 0


CHECKS = {"overview": _check_overview, "payments": _check_payments, "economics": _check_economics}
CASES = [(login, page) for page in PAGES for login in ALLOWED]


@pytest.mark.parametrize(("login", "page"), CASES, ids=[f"{lg}-{p}" for lg, p in CASES])
def test_page_shows_the_marts_figures(published_home, monkeypatch, sql, login, page):
    at = _open(published_home, monkeypatch, login, page)
    assert_clean(at)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("данные на ") and "расчётная дата 28.11.2026" in c for c in captions)
    CHECKS[page](at, sql)
    # every table has its export, and the export has exactly the table's columns (same frame)
    assert len(at.get("download_button")) == len(at.dataframe) >= 1
    assert len(at.get("plotly_chart")) >= 1
    for chart in at.get("plotly_chart"):
        assert json.loads(chart.proto.spec)["layout"].get("separators") == ", "


def test_filters_recompute_the_tiles(published_home, monkeypatch, sql):
    manager = sql("SELECT sales_manager_id FROM marts.order_economics GROUP BY 1 "
                  "ORDER BY count(*) DESC LIMIT 1")[0][0]  # fmt: skip
    at = _open(published_home, monkeypatch, "makarova", "overview")
    at.multiselect(key="analytics_overview_manager").set_value([manager])
    at.run()
    assert_clean(at)
    assert "Показатели пересчитаны" in " ".join(c.value for c in at.caption)
    tiles = _tiles(at)
    paid = sql("SELECT sum(amount) FROM marts.payments WHERE sales_manager_id = ? "
               "AND payment_month BETWEEN ? AND ?", [manager, *PERIOD])[0][0]  # fmt: skip
    assert tiles["Получено оплат за период"] == money(paid)
    profit = sql(
        "SELECT sum(actual_profit) FROM marts.order_economics WHERE is_won AND "
        "sales_manager_id = ? AND agreed_month BETWEEN ? AND ?",
        [manager, *PERIOD],
    )
    assert tiles["Прибыль фактическая"] == money(profit[0][0])


def test_period_filter_on_order_economics(published_home, monkeypatch, sql):
    at = _open(published_home, monkeypatch, "pavlov", "economics")
    period = (date(2026, 3, 1), date(2026, 6, 30))
    at.date_input(key="analytics_economics_period").set_value(period)
    at.run()
    assert_clean(at)
    revenue, profit = sql("SELECT sum(revenue), sum(actual_profit) FROM "
                          "marts.order_economics_by_month WHERE month_start BETWEEN ? AND ?",
                          list(period))[0]  # fmt: skip
    assert _tiles(at)["Выручка без НДС"] == money(revenue)
    assert _tiles(at)["Прибыль фактическая"] == money(profit)


PAIRS = [(login, page) for page in PAGES for login in REFUSED]


@pytest.mark.parametrize(("login", "page"), PAIRS, ids=[f"{lg}-{p}" for lg, p in PAIRS])
def test_a_login_that_may_not_see_the_page_gets_a_refusal(published_home, monkeypatch, login,
                                                          page):  # fmt: skip
    """The page file run directly (as if reached by URL, past the navigation): refusal only."""
    monkeypatch.setenv("ZAKAZ_HOME", str(published_home))
    at = AppTest.from_file(str(Path(APP_FILE).parent / PAGES[page]), default_timeout=TIMEOUT)
    log_in_as(at, login)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] and at.error[0].value.startswith("Нет доступа: роль «")
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    # and the router does not even offer it
    router = app_test(published_home, monkeypatch)
    log_in_as(router, login)
    router.run()
    with pytest.raises(ValueError):
        router.switch_page(PAGES[page])


@pytest.fixture
def finance_without_economics(plant_copy) -> Path:
    with Desk(Store.open(plant_copy), "admin").writing() as a:
        set_access_rule(a, "finance", "economics", "none", "all")
    return plant_copy


@pytest.mark.parametrize("page", list(PAGES))
def test_no_economics_in_any_tile_table_chart_or_export(finance_without_economics, monkeypatch,
                                                         page):  # fmt: skip
    at = _open(finance_without_economics, monkeypatch, "pavlov", page)
    assert_clean(at)
    leaked = [text for text in _texts(at) if any(word in text for word in ECONOMICS_WORDS)]
    assert leaked == []
    if page == "economics":
        assert [i.value for i in at.info] == ["Себестоимость и прибыль вашей роли недоступны"]
        assert not at.metric and not at.dataframe
    else:
        assert at.metric  # the rest of the page is there
        assert len(at.get("download_button")) == len(at.dataframe)


def test_nothing_published_shows_a_warning(demo_home, monkeypatch):
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, "makarova")
    for page in PAGES.values():
        open_page(at, page)
        assert_clean(at)
        assert [w.value for w in at.warning] == ["Витрины ещё не построены: запустите zakaz run"]
        assert not at.metric
