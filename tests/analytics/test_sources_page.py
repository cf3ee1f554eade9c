"""AppTests of Аналитика → Источники заявок on the really published demo plant: every login that
may see it gets the marts' figures (also under filters and with no period = the mart itself),
profit only for roles with economics, order links and an export for every table; a login that
may not see it is refused."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from apptest_helpers import APP_FILE, TIMEOUT, app_test, assert_clean, log_in_as, open_page
from streamlit.testing.v1 import AppTest
from test_sources_marts import half_up

from dashboards.ui.format import money, number
from dashboards.ui.format import pct as pct_text
from pipelines.published import open_published

PAGE = "app_pages/analytics/lead_sources.py"
WITH_ECONOMICS = ["makarova", "sergeev", "admin", "pavlov", "egorova"]
WITHOUT_ECONOMICS = ["sokolova"]
REFUSED = ["ivanov", "volkova"]
PERIOD = (date(2025, 12, 1), date(2026, 11, 28))  # the filter bar's default
ECONOMICS_WORDS = ("Прибыль", "прибыл", "Себестоимость", "Рентабельность", "Маржа")


# -- helpers shared with the other page tests of this issue --------------------------------
def open_as(home, monkeypatch, login: str, page: str) -> AppTest:
    at = app_test(home, monkeypatch)
    log_in_as(at, login)
    return open_page(at, page)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> list[str]:
    """Tile labels, captions, table headers and chart specs (trace names, hovers, titles)."""
    out = [m.label for m in at.metric] + [c.value for c in at.caption]
    for frame in at.dataframe:
        out += [str(c) for c in frame.value.columns]
    out += [chart.proto.spec for chart in at.get("plotly_chart")]
    return out


NO_ECONOMICS_NOTE = "Себестоимость и прибыль вашей роли недоступны"


def leaked_economics(at: AppTest) -> list[str]:
    """Economics words anywhere on the page, except the note saying they are not available."""
    return [
        text
        for text in texts(at)
        if text != NO_ECONOMICS_NOTE and any(word in text for word in ECONOMICS_WORDS)
    ]


def assert_common_parts(at: AppTest) -> None:
    """Freshness caption, Plotly charts in the Russian number style, an export per table."""
    captions = [c.value for c in at.caption]
    assert any(c.startswith("данные на ") and "расчётная дата 28.11.2026" in c for c in captions)
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        assert json.loads(chart.proto.spec)["layout"]["separators"] == ", "
    assert len(at.get("download_button")) == len(at.dataframe) >= 1
    shown = texts(at) + [s.value for s in at.subheader]
    assert not [text for text in shown if "⟦" in text]  # every text is in the catalog


def assert_refused(home, monkeypatch, login: str, page: str) -> None:
    """The page file run directly (as if reached by URL): a refusal, no data; and the router
    does not offer the page at all."""
    monkeypatch.setenv("ZAKAZ_HOME", str(home))
    at = AppTest.from_file(str(Path(APP_FILE).parent / page), default_timeout=TIMEOUT)
    log_in_as(at, login)
    at.run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Нет доступа: роль «")
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    router = app_test(home, monkeypatch)
    log_in_as(router, login)
    router.run()
    with pytest.raises(ValueError):
        router.switch_page(page)


def sql(home, query: str, params=()):
    with open_published(home) as conn:
        return conn.execute(query, list(params)).fetchall()


# -- the page ------------------------------------------------------------------------------
FUNNEL_SQL = """
SELECT count(*), sum(paid_amount), sum(actual_profit) FILTER (WHERE is_won),
       count(*) FILTER (WHERE is_won), sum(agreed_date - need_date) FILTER (WHERE is_won)
FROM marts.order_funnel WHERE need_date BETWEEN ? AND ? {extra}
"""


def expected_tiles(home, extra="", params=()) -> dict[str, str]:
    needs, paid, profit, won, days = sql(home, FUNNEL_SQL.format(extra=extra),
                                         [*PERIOD, *params])[0]  # fmt: skip
    return {
        "Потребностей": number(needs),
        "Согласовано": number(won),
        "Конверсия в согласование, %": pct_text(half_up(Fraction(won * 100, needs), 1)),
        "Поступило оплат": money(paid),
        "Оплаты на потребность": money(half_up(Fraction(paid) / needs, 2)),
        "Прибыль на потребность": money(half_up(Fraction(profit) / needs, 2)),
        "Дней от потребности до согласования": number(half_up(Fraction(days, won), 1), 1),
    }


@pytest.mark.parametrize("login", WITH_ECONOMICS + WITHOUT_ECONOMICS)
def test_page_shows_the_marts_figures(published_home, monkeypatch, login):
    at = open_as(published_home, monkeypatch, login, PAGE)
    assert_clean(at)
    assert_common_parts(at)
    expected = expected_tiles(published_home)
    if login in WITHOUT_ECONOMICS:
        del expected["Прибыль на потребность"]
        assert leaked_economics(at) == []
        assert NO_ECONOMICS_NOTE in [c.value for c in at.caption]
    else:
        assert "Прибыль на потребность" in at.dataframe[0].value.columns
        assert any("Прибыль на потребность" in chart.proto.spec
                   for chart in at.get("plotly_chart"))  # fmt: skip
    assert tiles(at) == expected
    ranking, orders = at.dataframe[0].value, at.dataframe[1].value
    assert ranking.shape[0] == 10 and list(ranking["Место"]) == list(range(1, 11))
    assert orders.shape[0] == int(sql(published_home, FUNNEL_SQL.format(extra=""), PERIOD)[0][0])
    assert orders.iloc[0, 0].startswith("order?order=З-")  # a link to the order card


def test_manager_filter_recomputes(published_home, monkeypatch):
    at = open_as(published_home, monkeypatch, "makarova", PAGE)
    at.multiselect(key="analytics_sources_manager").set_value([3])
    at.run()
    assert_clean(at)
    assert "Показатели пересчитаны по заказам, попавшим в фильтры" in [c.value for c in at.caption]
    assert tiles(at) == expected_tiles(published_home, "AND sales_manager_id = ?", [3])


def test_without_a_period_the_ranking_is_the_mart(published_home, monkeypatch):
    at = open_as(published_home, monkeypatch, "sergeev", PAGE)
    at.date_input(key="analytics_sources_period").set_value(())
    at.run()
    assert_clean(at)
    assert "Показатели за всё время, по всем заказам" in [c.value for c in at.caption]
    mart = sql(published_home, "SELECT lead_source_name, needs_count, paid_revenue_per_need, "
               "profit_per_need FROM marts.lead_sources ORDER BY effectiveness_rank")  # fmt: skip
    ranking = at.dataframe[0].value
    shown = ranking[["Источник", "Потребностей", "Оплаты на потребность",
                     "Прибыль на потребность"]].values.tolist()  # fmt: skip
    assert shown == [[n, c, money(p), money(q)] for n, c, p, q in mart]
    assert tiles(at)["Потребностей"] == number(1600)


@pytest.mark.parametrize("login", REFUSED)
def test_a_login_that_may_not_see_the_page_is_refused(published_home, monkeypatch, login):
    assert_refused(published_home, monkeypatch, login, PAGE)
