"""Overview charts: orders in work by status, invoiced vs received by month."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts.common import COLORS, apply_layout, empty_figure, money_floats, money_hover

NO_DATA = "Нет данных за выбранный период"


def orders_by_status(statuses: pl.DataFrame) -> go.Figure:
    """Bars: orders per status (x = the status' Russian name, in process order); the amount in
    work (net) in the hover when the frame has it."""
    if statuses.is_empty():
        return empty_figure(NO_DATA)
    frame = statuses.sort("status_rank")
    custom = None
    hover = "%{x}: %{y} заказов<extra></extra>"
    if "orders_net" in frame.columns:
        custom = money_floats(frame.get_column("orders_net"))
        hover = "%{x}: %{y} заказов<br>на сумму %{customdata:,.2f} ₽ без НДС<extra></extra>"
    fig = go.Figure(
        go.Bar(
            x=frame.get_column("status_name_ru").to_list(),
            y=frame.get_column("orders_count").to_list(),
            name="Заказов",
            marker_color=COLORS["actual"],
            customdata=custom,
            hovertemplate=hover,
        )
    )
    return apply_layout(fig, x_title="Статус", y_title="Заказов", money_axis=None)


def invoiced_vs_received(months: pl.DataFrame) -> go.Figure:
    """Grouped bars by month: invoiced (Выставлено счетов) and received (Получено оплат)."""
    if months.is_empty():
        return empty_figure(NO_DATA)
    frame = months.sort("month_start")
    x = frame.get_column("month_start").to_list()
    fig = go.Figure(
        [
            go.Bar(x=x, y=money_floats(frame.get_column("invoiced_amount")),
                   name="Выставлено счетов", marker_color=COLORS["planned"],
                   hovertemplate=money_hover("Выставлено")),
            go.Bar(x=x, y=money_floats(frame.get_column("received_amount")),
                   name="Получено оплат", marker_color=COLORS["received"],
                   hovertemplate=money_hover("Получено")),
        ]
    )  # fmt: skip
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat="%m.%Y", dtick="M1")
    return apply_layout(fig, x_title="Месяц", y_title="Сумма, ₽")
