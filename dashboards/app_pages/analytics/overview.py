"""Аналитика → Обзор: the leadership front page (see dashboards/analytics/overview.py for what
each figure is and which filters apply to it)."""

from __future__ import annotations

import streamlit as st

from dashboards.analytics import overview
from dashboards.analytics.filters import add_months, month_start
from dashboards.analytics.measures import pct
from dashboards.analytics.widgets import (
    column_labels,
    filter_bar,
    filter_choices,
    money_text,
    published_view,
    require_analytics_page,
    table,
    with_names,
)
from dashboards.charts import overview as charts
from dashboards.i18n import status_name, t
from dashboards.ui.format import number
from dashboards.ui.format import pct as pct_text

PAGE = "overview"
LATE_SHOWN = [
    "order_number", "status", "customer_name", "sales_manager_name", "planned_shipment_date",
    "actual_shipment_date", "lateness", "days_late", "net",
]  # fmt: skip


def _month(day) -> str:
    return day.strftime("%m.%Y")


def _revenue(col, data: overview.OverviewData) -> None:
    if data.revenue_month is None:
        return
    this_month = month_start(data.as_of)
    last_year = add_months(this_month, -12)
    change = pct(data.revenue_month - data.revenue_last_year, data.revenue_last_year)
    delta = None
    if change is not None:
        sign = "+" if change > 0 else ""
        delta = t("analytics.ov.revenue_delta", delta=sign + pct_text(change),
                  month=_month(last_year))  # fmt: skip
    col.metric(
        t("analytics.ov.revenue_month", month=_month(this_month)),
        money_text(data.revenue_month),
        delta,
        help=t("analytics.ov.revenue_help"),
    )


def _money_tiles(data: overview.OverviewData) -> None:
    c1, c2, c3, c4 = st.columns(4)
    _revenue(c1, data)
    if data.invoiced is not None:
        c2.metric(t("analytics.ov.invoiced"), money_text(data.invoiced))
        share = pct(data.paid, data.invoiced)
        c3.metric(
            t("analytics.ov.paid"),
            money_text(data.paid),
            t("analytics.ov.paid_share", share=pct_text(share)) if share is not None else None,
            delta_color="off",
        )
        c4.metric(
            t("analytics.ov.overdue"),
            money_text(data.overdue_amount),
            t("analytics.ov.overdue_count", count=number(data.overdue_count)),
            delta_color="off",
        )


def _profit_tiles(data: overview.OverviewData) -> None:
    profit = data.profit
    if profit is None:  # the reader gave no economics columns
        return
    c1, c2, c3, c4 = st.columns(4)
    help_text = t("analytics.ov.profit_help")
    c1.metric(t("analytics.ov.planned_profit"), money_text(profit.planned_profit), help=help_text)
    c2.metric(t("analytics.ov.actual_profit"), money_text(profit.actual_profit), help=help_text)
    c3.metric(t("analytics.ov.planned_efficiency"), pct_text(profit.planned_efficiency_pct))
    c4.metric(t("analytics.ov.actual_efficiency"), pct_text(profit.actual_efficiency_pct))


def _work_tiles(data: overview.OverviewData) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric(t("analytics.ov.in_work"), number(data.statuses.get_column("orders_count").sum()))
    c2.metric(t("analytics.ov.late"), number(data.late_orders.height))
    c3.metric(t("analytics.ov.overdue_tasks"), number(data.overdue_tasks))


def render() -> None:
    st.title(t("analytics.nav.overview"))
    viewer = require_analytics_page(PAGE)
    with published_view(viewer) as (reader, info):
        filters = filter_bar(PAGE, filter_choices(reader, info.as_of))
        data = overview.load(reader, filters)
    if data.recomputed:
        st.caption(t("analytics.filter.recomputed"))
    _money_tiles(data)
    _profit_tiles(data)
    _work_tiles(data)

    left, right = st.columns(2)
    with left:
        st.subheader(t("analytics.ov.by_status"))
        st.plotly_chart(charts.orders_by_status(data.statuses), key="ov_status_chart")
    if data.money_months is not None:
        with right:
            st.subheader(t("analytics.ov.money_by_month"))
            st.plotly_chart(charts.invoiced_vs_received(data.money_months), key="ov_money_chart")

    st.subheader(t("analytics.ov.late_table"))
    late = data.late_orders.select([c for c in LATE_SHOWN if c in data.late_orders.columns])
    late = with_names(late, "status", status_name)
    late = with_names(late, "lateness", lambda c: t(f"analytics.lateness.{c}"))
    table(late, column_labels(late.columns), key="ov_late_orders", sheet="Опаздывающие заказы")


render()
