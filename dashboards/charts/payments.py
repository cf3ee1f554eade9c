"""Payments charts: invoices by collection status, ageing of overdue debt, payments by month
(actual vs planned, forecast), top debtors."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts.common import (
    COLORS,
    PAYMENT_STATUS_COLORS,
    apply_layout,
    empty_figure,
    money_floats,
    money_hover,
)

NO_DATA = "Нет данных за выбранный период"
STATUS_NAMES = {
    "paid": "Оплачены",
    "partly_paid": "Оплачены частично",
    "unpaid": "Не оплачены",
    "overdue": "Просрочены",
}


def invoices_by_status(statuses: pl.DataFrame) -> go.Figure:
    """One bar per collection status: the outstanding amount (hover: invoices and amount)."""
    if statuses.is_empty() or statuses.get_column("invoices_count").sum() == 0:
        return empty_figure(NO_DATA)
    codes = statuses.get_column("collection_status").to_list()
    fig = go.Figure(
        go.Bar(
            x=[STATUS_NAMES.get(c, c) for c in codes],
            y=money_floats(statuses.get_column("invoice_amount")),
            name="Сумма счетов",
            marker_color=[PAYMENT_STATUS_COLORS.get(c, COLORS["neutral"]) for c in codes],
            customdata=list(
                zip(
                    statuses.get_column("invoices_count").to_list(),
                    money_floats(statuses.get_column("outstanding_amount")),
                    strict=True,
                )
            ),
            hovertemplate="%{x}: %{customdata[0]} счетов на %{y:,.2f} ₽<br>"
            "к оплате %{customdata[1]:,.2f} ₽<extra></extra>",
        )
    )
    return apply_layout(fig, x_title="Статус оплаты", y_title="Сумма счетов, ₽")


def ageing(buckets: pl.DataFrame) -> go.Figure:
    """Overdue outstanding by days overdue (0–30, 31–60, 61–90, >90)."""
    if buckets.get_column("invoices_count").sum() == 0:
        return empty_figure("Просроченных счетов нет")
    fig = go.Figure(
        go.Bar(
            x=buckets.get_column("bucket").to_list(),
            y=money_floats(buckets.get_column("outstanding_amount")),
            name="Просроченный долг",
            marker_color=COLORS["loss"],
            customdata=buckets.get_column("invoices_count").to_list(),
            hovertemplate="%{x} дн.: %{y:,.2f} ₽, счетов: %{customdata}<extra></extra>",
        )
    )
    return apply_layout(fig, x_title="Дней просрочки", y_title="Долг, ₽")


def by_month(months: pl.DataFrame) -> go.Figure:
    """Per month: received (Факт) and forecast (Прогноз) as stacked bars, planned (План) as a
    line. Forecast only from the as_of month on (NULL before)."""
    if months.is_empty():
        return empty_figure(NO_DATA)
    frame = months.sort("month_start")
    x = frame.get_column("month_start").to_list()
    traces = [
        go.Bar(x=x, y=money_floats(frame.get_column("received_amount")), name="Факт: получено",
               marker_color=COLORS["received"], hovertemplate=money_hover("Получено")),
        go.Bar(x=x, y=money_floats(frame.get_column("forecast_amount")), name="Прогноз",
               marker_color=COLORS["forecast"], hovertemplate=money_hover("Прогноз")),
        go.Scatter(x=x, y=money_floats(frame.get_column("planned_amount")), name="План",
                   mode="lines+markers", line={"color": COLORS["actual"], "dash": "dot"},
                   hovertemplate=money_hover("План")),
    ]  # fmt: skip
    fig = go.Figure(traces)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%m.%Y", dtick="M1")
    return apply_layout(fig, x_title="Месяц", y_title="Сумма, ₽")


def debtors(top: pl.DataFrame) -> go.Figure:
    """Horizontal stacked bars per customer: overdue + not yet due = outstanding."""
    if top.is_empty():
        return empty_figure("Задолженности нет")
    frame = top.sort("outstanding_amount")  # biggest at the top
    names = frame.get_column("customer_name").to_list()
    overdue = frame.get_column("overdue_amount")
    current = (frame.get_column("outstanding_amount") - overdue).to_list()
    fig = go.Figure(
        [
            go.Bar(y=names, x=money_floats(overdue), name="Просрочено", orientation="h",
                   marker_color=COLORS["loss"], hovertemplate=money_hover("Просрочено", "x")),
            go.Bar(y=names, x=money_floats(current), name="В срок", orientation="h",
                   marker_color=COLORS["planned"], hovertemplate=money_hover("В срок", "x")),
        ]
    )  # fmt: skip
    fig.update_layout(barmode="stack")
    return apply_layout(fig, x_title="Долг, ₽", y_title="Заказчик", money_axis="x")
