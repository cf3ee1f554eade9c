"""Аналитика → Источники заявок: effectiveness ranking, funnel and cycle time per lead source.

Data: dashboards/analytics/sources.py (marts.lead_sources; recomputed from marts.order_funnel
under filters); charts: dashboards/charts/sources.py. The reader removes what the viewer may not
read (profit without economics), so nothing here needs to hide it.
"""

from __future__ import annotations

import streamlit as st

from dashboards.analytics import sources
from dashboards.analytics.widgets import (
    filter_bar,
    filter_choices,
    published_view,
    require_analytics_page,
    table,
)
from dashboards.charts import sources as charts
from dashboards.i18n import current_language, status_name, t
from dashboards.ui.format import money, number, pct

TILES = (
    ("needs_count", number),
    ("agreed_count", number),
    ("win_rate_pct", pct),
    ("paid_revenue", money),
    ("paid_revenue_per_need", money),
    ("profit_per_need", money),
    ("avg_days_need_to_agreed", lambda v: number(v, 1)),
)


def labels(columns) -> dict[str, str]:
    return {c: t(f"analytics2.col.{c}") for c in columns}


def tiles(totals: dict[str, object]) -> None:
    shown = [(key, fmt) for key, fmt in TILES if key in totals]
    for col, (key, fmt) in zip(st.columns(len(shown)), shown, strict=True):
        col.metric(t(f"analytics2.col.{key}"), fmt(totals[key]))


def render() -> None:
    st.title(t("analytics.nav.sources"))
    viewer = require_analytics_page("sources")
    with published_view(viewer) as (reader, info):
        filters = filter_bar("sources", filter_choices(reader, info.as_of))
        try:
            data = sources.load(reader, filters)
        except LookupError as error:  # a build published before the mart existed
            st.warning(str(error))
            st.stop()
    lang = current_language()
    st.caption(t("analytics2.recomputed") if data.recomputed else t("analytics2.from_mart"))
    tiles(data.totals)

    st.subheader(t("analytics2.sources.ranking"))
    has_profit = "profit_per_need" in data.ranking.columns
    st.caption(
        t(
            "analytics2.sources.ranking_help"
            if has_profit
            else "analytics2.sources.ranking_help_no_profit"
        )
    )
    st.plotly_chart(charts.effectiveness(data.ranking, lang), key="sources_effectiveness")
    ranking = sources.ranking_table(data.ranking)
    table(
        ranking,
        labels(ranking.columns),
        key="sources_ranking",
        order_link_column=None,
        sheet=t("analytics.nav.sources"),
    )
    if not viewer.may_read("economics"):
        st.caption(t("analytics.no_economics"))

    st.subheader(t("analytics2.sources.funnel"))
    st.plotly_chart(charts.funnel(data.funnel, lang), key="sources_funnel")

    st.subheader(t("analytics2.sources.cycle"))
    st.plotly_chart(charts.cycle_time(data.ranking, lang), key="sources_cycle")

    st.subheader(t("analytics2.sources.orders"))
    orders = data.orders.with_columns(
        data.orders["status"].map_elements(status_name, return_dtype=str)
    )
    table(orders, labels(orders.columns), key="sources_orders")


render()
