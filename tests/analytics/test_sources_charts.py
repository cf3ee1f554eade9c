"""Lead sources charts on small frames: traces, totals, Russian labels, ₽."""

from __future__ import annotations

from decimal import Decimal as D

import polars as pl

from dashboards.analytics.sources import funnel_stages
from dashboards.charts.sources import cycle_time, effectiveness, funnel

RANKING = pl.DataFrame(
    {
        "effectiveness_rank": [2, 1],
        "lead_source_code": ["fair", "site"],
        "lead_source_name": ["Выставка", "Сайт"],
        "needs_count": [4, 10],
        "quoted_count": [3, 9],
        "agreed_count": [2, 6],
        "paid_count": [1, 5],
        "paid_revenue_per_need": [D("100.50"), D("1234567.89")],
        "profit_per_need": [D("-3.00"), D("200.00")],
        "avg_days_need_to_agreed": [D("20.5"), D("12.0")],
        "avg_days_need_to_closed": [None, D("90.1")],
    },
    schema_overrides={"effectiveness_rank": pl.Int32},
)


def test_effectiveness_has_payments_and_profit_per_need_best_first():
    fig = effectiveness(RANKING)
    assert [tr.name for tr in fig.data] == ["Оплаты на потребность", "Прибыль на потребность"]
    paid = fig.data[0]
    assert list(paid.y) == ["Сайт", "Выставка"]  # rank order
    assert list(paid.x) == [1234567.89, 100.5]
    assert "₽" in paid.hovertemplate and fig.layout.separators == ", "
    assert fig.layout.xaxis.ticksuffix == " ₽"
    assert fig.layout.title.text == "Эффективность: на одну потребность"


def test_effectiveness_without_profit_draws_no_profit_trace():
    fig = effectiveness(RANKING.drop("profit_per_need"))
    assert [tr.name for tr in fig.data] == ["Оплаты на потребность"]
    assert "рибыл" not in fig.to_json()


def test_funnel_has_a_trace_per_stage_with_the_counts():
    fig = funnel(funnel_stages(RANKING))
    assert [tr.name for tr in fig.data] == ["Потребности", "С КП", "Согласованы", "С оплатой"]
    assert (
        sum(sum(tr.y) for tr in fig.data)
        == RANKING.select(
            pl.sum_horizontal("needs_count", "quoted_count", "agreed_count", "paid_count")
        )
        .to_series()
        .sum()
    )
    assert list(fig.data[0].x) == ["Сайт", "Выставка"]
    assert list(fig.data[0].y) == [10, 4]


def test_cycle_time_in_days_and_english_labels():
    fig = cycle_time(RANKING)
    assert list(fig.data[1].x) == [90.1, None]
    assert "дн." in fig.data[0].hovertemplate
    english = cycle_time(RANKING, lang="en")
    assert english.data[0].name == "Days need → agreed"


def test_empty_frames_give_a_blank_chart_with_a_reason():
    fig = effectiveness(RANKING.head(0))
    assert not fig.data
    assert fig.layout.annotations[0].text == "Нет данных для выбранных фильтров"
    assert not funnel(funnel_stages(RANKING.head(0))).data
