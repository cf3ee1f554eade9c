"""Аналитика → Менеджеры по продажам: every KPI of domain.md per manager and month — trend of a
chosen KPI, the leaderboard for the period, payments on orders the manager quoted.

Data: dashboards/analytics/managers.py (marts.sales_manager_months); charts:
dashboards/charts/managers.py. Revenue, quote amounts, payments and profit reach the page only
when the viewer may read them (MartReader), so the KPI lists offer only those.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards.analytics import managers
from dashboards.analytics.widgets import (
    filter_bar,
    filter_choices,
    published_view,
    require_analytics_page,
    table,
)
from dashboards.charts import managers as charts
from dashboards.i18n import current_language, t
from dashboards.ui.format import money, number, pct

TILES = (
    ("orders_count", number),
    ("quotes_issued_count", number),
    ("quotes_issued_total", money),
    ("quote_to_agreed_pct", pct),
    ("revenue", money),
    ("actual_profit", money),
)


def label(column: str) -> str:
    return t(f"analytics2.col.{column}")


def tiles(totals: dict[str, object]) -> None:
    shown = [(key, fmt) for key, fmt in TILES if key in totals]
    for col, (key, fmt) in zip(st.columns(len(shown)), shown, strict=True):
        col.metric(label(key), fmt(totals[key]))


def render() -> None:
    st.title(t("analytics.nav.managers"))
    viewer = require_analytics_page("managers")
    with published_view(viewer) as (reader, info):
        filters = filter_bar("managers", filter_choices(reader, info.as_of))
        data = managers.load(reader, filters)
    lang = current_language()
    tiles(data.totals)
    kpis = [k.key for k in data.kpis]

    st.subheader(t("analytics2.managers.trend"))
    kpi = st.selectbox(
        t("analytics2.managers.kpi"),
        kpis,
        format_func=label,
        index=kpis.index(managers.sort_key(kpis)),
        key="managers_trend_kpi",
    )
    trend = managers.trend(data.months, kpi, data.period)
    st.plotly_chart(charts.kpi_trend(trend, kpi, lang), key="managers_trend")

    st.subheader(t("analytics2.managers.leaderboard"))
    by = st.selectbox(
        t("analytics2.managers.sort_by"),
        kpis,
        format_func=label,
        index=kpis.index(managers.sort_key(kpis)),
        key="managers_sort",
    )
    board = managers.leaderboard(data.months, by=by)
    st.plotly_chart(charts.leaderboard_bars(board, by, lang), key="managers_board_chart")
    # positions per order is no money: as text «4,25» (the shared table shows 2 places as ₽)
    shown = board.drop("sales_manager_id").with_columns(
        pl.col("positions_per_order").map_elements(lambda v: number(v, 2), return_dtype=pl.Utf8)
    )
    table(
        shown,
        {c: label(c) for c in shown.columns},
        key="managers_leaderboard",
        order_link_column=None,
        sheet=t("analytics.nav.managers"),
    )
    if not viewer.may_read("economics"):
        st.caption(t("analytics.no_economics"))

    if "payments_on_quoted_orders" in board.columns:
        st.subheader(t("analytics2.managers.payments"))
        st.plotly_chart(charts.payments_on_quotes(board, lang), key="managers_payments")
        st.caption(t("analytics2.managers.payments_help"))


render()
