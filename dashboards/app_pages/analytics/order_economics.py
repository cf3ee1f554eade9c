"""Аналитика → Экономика заказов: planned vs actual cost price and profit by order, customer and
month; loss-making orders; expenses by category (see dashboards/analytics/economics.py)."""

from __future__ import annotations

import streamlit as st

from dashboards.analytics import economics
from dashboards.analytics.measures import pct, total
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
from dashboards.charts import economics as charts
from dashboards.i18n import status_name, t
from dashboards.ui.format import number
from dashboards.ui.format import pct as pct_text
from zakaz.domain import EXPENSE_CATEGORIES

PAGE = "economics"
ORDER_SHOWN = [
    "order_number", "status", "customer_name", "sales_manager_name", "agreed_date", "net",
    "planned_cost_price", "actual_cost_price", "cost_price_variance", "planned_profit",
    "actual_profit", "profit_variance", "planned_efficiency_pct", "actual_efficiency_pct",
    "actual_margin_pct",
]  # fmt: skip
CUSTOMER_SHOWN = [
    "customer_name", "orders_count", "won_orders_count", "revenue", "planned_cost_price",
    "actual_cost_price", "planned_profit", "actual_profit", "planned_efficiency_pct",
    "actual_efficiency_pct", "paid_amount",
]  # fmt: skip
MONTH_SHOWN = [
    "month_start", "won_orders_count", "revenue", "planned_cost_price", "actual_cost_price",
    "planned_profit", "actual_profit", "planned_efficiency_pct", "actual_efficiency_pct",
    "actual_margin_pct",
]  # fmt: skip
EXPENSE_LABELS = {"planned_amount": "analytics.col.expenses_planned",
                  "actual_amount": "analytics.col.expenses_actual"}  # fmt: skip


def _category_names() -> dict[str, str]:
    return {c: t(f"card.econ.category.{c}") for c in EXPENSE_CATEGORIES}


def _shown(frame, columns):
    return frame.select([c for c in columns if c in frame.columns])


def _tiles(data: economics.EconomicsData) -> None:
    months = data.by_month
    c1, c2, c3, c4, c5, c6 = st.columns(6)
    c1.metric(t("analytics.econ.revenue"), money_text(total(months, "revenue")))
    c2.metric(t("analytics.econ.planned_cost"), money_text(total(months, "planned_cost_price")))
    c3.metric(t("analytics.econ.actual_cost"), money_text(total(months, "actual_cost_price")))
    c4.metric(t("analytics.econ.planned_profit"), money_text(total(months, "planned_profit")))
    c5.metric(t("analytics.econ.actual_profit"), money_text(total(months, "actual_profit")))
    planned = pct(total(months, "planned_profit"), total(months, "planned_cost_price"))
    actual = pct(total(months, "actual_profit"), total(months, "actual_cost_price"))
    c6.metric(t("analytics.econ.efficiency"), f"{pct_text(planned)} / {pct_text(actual)}")
    st.metric(t("analytics.econ.losses"), number(data.losses.height))


def _orders_tab(data: economics.EconomicsData) -> None:
    st.plotly_chart(charts.profit_per_order(data.orders), key="econ_orders_chart")
    orders = with_names(_shown(data.orders, ORDER_SHOWN), "status", status_name)
    table(orders, column_labels(orders.columns), key="econ_orders", sheet="Заказы")


def _customers_tab(data: economics.EconomicsData) -> None:
    st.caption(t("analytics.econ.customers_note"))
    st.plotly_chart(charts.profit_by_customer(data.by_customer), key="econ_customers_chart")
    customers = _shown(data.by_customer, CUSTOMER_SHOWN)
    table(customers, column_labels(customers.columns), key="econ_customers",
          order_link_column=None, sheet="Заказчики")  # fmt: skip


def _months_tab(data: economics.EconomicsData) -> None:
    left, right = st.columns(2)
    with left:
        st.plotly_chart(charts.profit_by_month(data.by_month), key="econ_profit_month_chart")
    with right:
        st.plotly_chart(charts.cost_by_month(data.by_month), key="econ_cost_month_chart")
    months = _shown(data.by_month, MONTH_SHOWN)
    table(months, column_labels(months.columns), key="econ_months", order_link_column=None,
          sheet="По месяцам")  # fmt: skip


def _losses_tab(data: economics.EconomicsData) -> None:
    if data.losses.is_empty():
        st.info(t("analytics.econ.no_losses"))
        return
    losses = with_names(_shown(data.losses, ORDER_SHOWN), "status", status_name)
    table(losses, column_labels(losses.columns), key="econ_losses", sheet="Убыточные заказы")


def _expenses_tab(data: economics.EconomicsData) -> None:
    names = _category_names()
    st.plotly_chart(charts.expenses_by_category(data.expense_totals, names),
                    key="econ_expenses_chart")  # fmt: skip
    totals = with_names(data.expense_totals, "category", lambda c: names.get(c, c))
    labels = column_labels(totals.columns, {k: t(v) for k, v in EXPENSE_LABELS.items()})
    table(totals, labels, key="econ_expenses", order_link_column=None,
          sheet="Расходы по статьям")  # fmt: skip


def render() -> None:
    st.title(t("analytics.nav.economics"))
    viewer = require_analytics_page(PAGE)
    if not viewer.may_read("economics"):  # the reader would hand out no economics column
        st.info(t("analytics.no_economics"))
        st.stop()
    with published_view(viewer) as (reader, info):
        filters = filter_bar(PAGE, filter_choices(reader, info.as_of))
        data = economics.load(reader, filters)
    st.caption(t("analytics.econ.period_note"))
    if data.recomputed:
        st.caption(t("analytics.filter.recomputed"))
    _tiles(data)
    tabs = st.tabs([t("analytics.econ.tab.orders"), t("analytics.econ.tab.customers"),
                    t("analytics.econ.tab.months"), t("analytics.econ.tab.losses"),
                    t("analytics.econ.tab.expenses")])  # fmt: skip
    for tab, body in zip(tabs, (_orders_tab, _customers_tab, _months_tab, _losses_tab,
                                _expenses_tab), strict=True):  # fmt: skip
        with tab:
            body(data)


render()
