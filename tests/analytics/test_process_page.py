"""AppTests of Аналитика → Процесс on the really published demo plant, for every login that may
see it (leadership, admin, finance, heads of sales, procurement, production and logistics): the
marts' figures, order links, no amounts for roles without prices, a filter recomputes; refusal
for a login that may not see it."""

from __future__ import annotations

from fractions import Fraction

import pytest
from apptest_helpers import assert_clean
from test_sources_marts import half_up
from test_sources_page import (
    assert_common_parts,
    assert_refused,
    leaked_economics,
    open_as,
    sql,
    tiles,
)

from dashboards.ui.format import number

PAGE = "app_pages/analytics/process.py"
WITH_PRICES = ["makarova", "sergeev", "admin", "pavlov", "egorova", "sokolova"]
WITHOUT_PRICES = ["morozov", "kozlov", "fedorov"]
REFUSED = ["ivanov", "volkova", "novikov"]

LATE_SQL = """
SELECT count(*), count(*) FILTER (WHERE lateness = 'not_shipped'),
       count(*) FILTER (WHERE lateness = 'shipped_late'), sum(days_late), max(days_late)
FROM marts.late_orders {where}
"""


def expected_late(home, where="", params=()) -> dict[str, str]:
    count, not_shipped, shipped_late, days, longest = sql(home, LATE_SQL.format(where=where),
                                                          params)[0]  # fmt: skip
    return {
        "Опаздывают": number(count),
        "Не отгружены в срок": number(not_shipped),
        "Отгружены с опозданием": number(shipped_late),
        "Среднее опоздание, дн.": number(half_up(Fraction(days, count), 1), 1),
        "Наибольшее опоздание, дн.": number(longest),
    }


@pytest.mark.parametrize("login", WITH_PRICES + WITHOUT_PRICES)
def test_page_shows_the_marts_figures(published_home, monkeypatch, login):
    at = open_as(published_home, monkeypatch, login, PAGE)
    assert_clean(at)
    assert_common_parts(at)
    assert leaked_economics(at) == []  # no economics on this page for anyone
    shown = tiles(at)
    amount = shown.pop("Сумма без НДС", None)
    assert shown == expected_late(published_home)
    statuses, late, departments, tasks = (f.value for f in at.dataframe)
    now = dict(
        sql(published_home, "SELECT status_name_ru, orders_count FROM marts.pipeline_statuses")
    )
    assert dict(zip(statuses["Статус"], statuses["Заказов сейчас"], strict=True)) == now
    assert late.shape[0] == 677 and late.iloc[0, 0].startswith("order?order=З-")
    overdue = dict(
        sql(
            published_home,
            "SELECT role_name_ru, overdue_tasks_count FROM marts.overdue_tasks_by_department",
        )
    )
    assert dict(zip(departments["Отдел"], departments["Просрочено"], strict=True)) == overdue
    assert tasks.shape[0] == sum(overdue.values())
    assert tasks.iloc[0, 0].startswith("order?order=З-")
    if login in WITHOUT_PRICES:
        assert amount is None
        assert "Сумма без НДС" not in statuses.columns and "Сумма без НДС" not in late.columns
    else:
        assert amount is not None and amount.endswith(" ₽")
        assert "Сумма без НДС" in late.columns


def test_customer_filter_recomputes(published_home, monkeypatch):
    customer = sql(published_home, "SELECT customer_id FROM marts.late_orders GROUP BY 1 "
                   "ORDER BY count(*) DESC, 1 LIMIT 1")[0][0]  # fmt: skip
    at = open_as(published_home, monkeypatch, "kozlov", PAGE)
    at.multiselect(key="analytics_process_customer").set_value([customer])
    at.run()
    assert_clean(at)
    assert "Показатели пересчитаны по заказам, попавшим в фильтры" in [c.value for c in at.caption]
    assert tiles(at) == expected_late(published_home, "WHERE customer_id = ?", [customer])
    statuses = at.dataframe[0].value
    assert list(statuses.columns) == ["Статус", "Заказов сейчас", "Заказов побывало",
                                      "Среднее на заказ, дн.", "Медиана на заказ, дн."]  # fmt: skip
    departments = at.dataframe[2].value
    assert "Открытых задач" not in departments.columns


@pytest.mark.parametrize("login", REFUSED)
def test_a_login_that_may_not_see_the_page_is_refused(published_home, monkeypatch, login):
    assert_refused(published_home, monkeypatch, login, PAGE)
