"""Аналитика → Платежи: invoices by payment status with outstanding and ageing, payments by
month (actual, plan, forecast), top debtors (see dashboards/analytics/payments.py)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards.analytics import payments
from dashboards.analytics.measures import total
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
from dashboards.charts import payments as charts
from dashboards.i18n import t
from dashboards.ui.format import number

PAGE = "payments"
INVOICE_SHOWN = [
    "invoice_number", "order_number", "customer_name", "sales_manager_name", "issue_date",
    "due_date", "invoice_amount", "paid_amount", "outstanding_amount", "collection_status",
    "days_overdue",
]  # fmt: skip
MONTH_SHOWN = ["month_start", "received_amount", "planned_amount", "received_vs_planned_pct",
               "forecast_amount", "invoiced_amount"]  # fmt: skip
DEBTOR_SHOWN = ["customer_name", "invoices_count", "outstanding_amount", "overdue_amount",
                "max_days_overdue"]  # fmt: skip


def _status_name(code: str) -> str:
    return t(f"analytics.pay.status.{code}")


def _tiles(data: payments.PaymentsData) -> None:
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(t("analytics.pay.invoices"), number(data.invoices.height))
    c2.metric(t("analytics.pay.invoiced"), money_text(total(data.invoices, "invoice_amount")))
    c3.metric(t("analytics.pay.paid"), money_text(total(data.invoices, "paid_amount")))
    c4.metric(t("analytics.pay.outstanding"),
              money_text(total(data.invoices, "outstanding_amount")))  # fmt: skip
    overdue = data.ageing
    c5.metric(
        t("analytics.pay.overdue"),
        money_text(total(overdue, "outstanding_amount")),
        t("analytics.ov.overdue_count", count=number(overdue.get_column("invoices_count").sum())),
        delta_color="off",
    )


def render() -> None:
    st.title(t("analytics.nav.payments"))
    viewer = require_analytics_page(PAGE)
    with published_view(viewer) as (reader, info):
        filters = filter_bar(PAGE, filter_choices(reader, info.as_of))
        data = payments.load(reader, filters)
    if data.recomputed:
        st.caption(t("analytics.filter.recomputed"))
    _tiles(data)
    st.caption(t("analytics.pay.state_note"))

    left, right = st.columns(2)
    with left:
        st.subheader(t("analytics.pay.by_status"))
        st.plotly_chart(charts.invoices_by_status(data.statuses), key="pay_status_chart")
    with right:
        st.subheader(t("analytics.pay.ageing"))
        st.plotly_chart(charts.ageing(data.ageing), key="pay_ageing_chart")

    st.subheader(t("analytics.pay.by_month"))
    st.plotly_chart(charts.by_month(data.months), key="pay_month_chart")
    months = data.months.select(MONTH_SHOWN)
    table(months, column_labels(months.columns), key="pay_months", order_link_column=None,
          sheet="Оплаты по месяцам")  # fmt: skip

    st.subheader(t("analytics.pay.debtors"))
    st.plotly_chart(charts.debtors(data.debtors), key="pay_debtors_chart")
    debtors = data.debtors.select(DEBTOR_SHOWN)
    table(debtors, column_labels(debtors.columns), key="pay_debtors", order_link_column=None,
          sheet="Должники")  # fmt: skip

    st.subheader(t("analytics.pay.invoice_list"))
    invoices = with_names(data.invoices.select(INVOICE_SHOWN), "collection_status", _status_name)
    invoices = invoices.with_columns(
        pl.when(pl.col("days_overdue") > 0).then(pl.col("days_overdue")).alias("days_overdue")
    )
    table(invoices, column_labels(invoices.columns), key="pay_invoices", sheet="Счета")


render()
