"""Order economics charts: planned vs actual profit and cost price by month, per-order planned
vs actual profit, by customer, expenses by category."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts.common import COLORS, apply_layout, empty_figure, money_floats, money_hover

NO_DATA = "Нет данных за выбранный период"


def _planned_actual(frame: pl.DataFrame, x: list, columns: tuple[str, str],
                    names: tuple[str, str]) -> list[go.Bar]:  # fmt: skip
    return [
        go.Bar(x=x, y=money_floats(frame.get_column(column)), name=name, marker_color=color,
               hovertemplate=money_hover(name))
        for column, name, color in zip(columns, names, (COLORS["planned"], COLORS["actual"]),
                                       strict=True)
    ]  # fmt: skip


def profit_by_month(by_month: pl.DataFrame) -> go.Figure:
    """Grouped bars per month of agreement: planned and actual profit."""
    if by_month.is_empty():
        return empty_figure(NO_DATA)
    frame = by_month.sort("month_start")
    x = frame.get_column("month_start").to_list()
    fig = go.Figure(
        _planned_actual(
            frame,
            x,
            ("planned_profit", "actual_profit"),
            ("Прибыль плановая", "Прибыль фактическая"),
        )
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat="%m.%Y", dtick="M1")
    return apply_layout(fig, x_title="Месяц согласования", y_title="Прибыль, ₽")


def cost_by_month(by_month: pl.DataFrame) -> go.Figure:
    """Grouped bars per month of agreement: planned and actual cost price."""
    if by_month.is_empty():
        return empty_figure(NO_DATA)
    frame = by_month.sort("month_start")
    x = frame.get_column("month_start").to_list()
    fig = go.Figure(
        _planned_actual(
            frame,
            x,
            ("planned_cost_price", "actual_cost_price"),
            ("Себестоимость плановая", "Себестоимость фактическая"),
        )
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat="%m.%Y", dtick="M1")
    return apply_layout(fig, x_title="Месяц согласования", y_title="Себестоимость, ₽")


def profit_per_order(orders: pl.DataFrame) -> go.Figure:
    """Scatter, one point per order: planned (x) vs actual (y) profit; loss-making orders
    (actual < 0) in their own trace."""
    frame = orders.filter(pl.col("actual_profit").is_not_null())
    if frame.is_empty():
        return empty_figure(NO_DATA)
    traces = []
    for name, part, color in (
        ("Прибыльные", frame.filter(pl.col("actual_profit") >= 0), COLORS["actual"]),
        ("Убыточные", frame.filter(pl.col("actual_profit") < 0), COLORS["loss"]),
    ):
        traces.append(
            go.Scatter(
                x=money_floats(part.get_column("planned_profit")),
                y=money_floats(part.get_column("actual_profit")),
                mode="markers",
                name=name,
                marker={"color": color, "size": 7, "opacity": 0.75},
                text=part.get_column("order_number").to_list(),
                hovertemplate="%{text}<br>план %{x:,.2f} ₽<br>факт %{y:,.2f} ₽<extra></extra>",
            )
        )
    fig = go.Figure(traces)
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽")
    return apply_layout(fig, x_title="Прибыль плановая, ₽", y_title="Прибыль фактическая, ₽")


def profit_by_customer(by_customer: pl.DataFrame, limit: int = 15) -> go.Figure:
    """Horizontal grouped bars: planned and actual profit of the first `limit` customers."""
    frame = by_customer.head(limit)
    if frame.is_empty():
        return empty_figure(NO_DATA)
    frame = frame.reverse()  # first customer at the top
    names = frame.get_column("customer_name").to_list()
    fig = go.Figure(
        [
            go.Bar(y=names, x=money_floats(frame.get_column("planned_profit")), orientation="h",
                   name="Прибыль плановая", marker_color=COLORS["planned"],
                   hovertemplate=money_hover("Прибыль плановая", "x")),
            go.Bar(y=names, x=money_floats(frame.get_column("actual_profit")), orientation="h",
                   name="Прибыль фактическая", marker_color=COLORS["actual"],
                   hovertemplate=money_hover("Прибыль фактическая", "x")),
        ]
    )  # fmt: skip
    fig.update_layout(barmode="group", height=max(320, 28 * frame.height + 120))
    return apply_layout(fig, x_title="Прибыль, ₽", y_title="Заказчик", money_axis="x")


def expenses_by_category(totals: pl.DataFrame, names: dict[str, str]) -> go.Figure:
    """Grouped bars per expense category (Russian names given): planned and actual."""
    if totals.is_empty():
        return empty_figure(NO_DATA)
    x = [names.get(c, c) for c in totals.get_column("category").to_list()]
    fig = go.Figure(
        _planned_actual(
            totals,
            x,
            ("planned_amount", "actual_amount"),
            ("Расходы плановые", "Расходы фактические"),
        )
    )
    fig.update_layout(barmode="group")
    return apply_layout(fig, x_title="Статья расходов", y_title="Расходы, ₽")
