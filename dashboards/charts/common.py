"""Shared Plotly settings for the analytics charts: Russian number style, ₽, layout defaults.

Pure helpers, no Streamlit, no files. Plotly formats numbers with d3-format; the figure's
`layout.separators = ", "` makes it write a decimal comma and a space between thousands, so a
hover `%{y:,.2f} ₽` shows «1 234 567,89 ₽». Money reaches a trace as float only here
(money_floats), the last step before drawing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import plotly.graph_objects as go

RUB = "₽"
SEPARATORS = ", "  # decimal point, thousands separator
MONEY_TICKS = ",.0f"
MONEY_HOVER = ",.2f"
FONT = "Inter, Arial, sans-serif"
COLORS = {
    "planned": "#9DB4CF",
    "actual": "#1F5A96",
    "forecast": "#F2A541",
    "received": "#2E8B57",
    "loss": "#C0392B",
    "neutral": "#7F8C8D",
}
PAYMENT_STATUS_COLORS = {
    "paid": "#2E8B57",
    "partly_paid": "#F2A541",
    "unpaid": "#9DB4CF",
    "overdue": "#C0392B",
}


def money_floats(values: Iterable[Decimal | int | float | None]) -> list[float | None]:
    """Decimal money -> floats for a trace (None stays None): the last step, display only."""
    return [None if v is None else float(v) for v in values]


def money_hover(label: str, axis: str = "y") -> str:
    """A hover line «label: 1 234,56 ₽» for the value on `axis`."""
    return f"{label}: %{{{axis}:{MONEY_HOVER}}} {RUB}<extra></extra>"


def apply_layout(
    fig: go.Figure,
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    money_axis: str | None = "y",
) -> go.Figure:
    """Russian separators, titles, a legend under the plot; the money axis ticks «1 234 567 ₽»."""
    fig.update_layout(
        separators=SEPARATORS,
        title={"text": title} if title else None,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        hoverlabel={"namelength": -1},
        template="plotly_white",
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    if money_axis == "y":
        fig.update_yaxes(tickformat=MONEY_TICKS, ticksuffix=f" {RUB}")
    elif money_axis == "x":
        fig.update_xaxes(tickformat=MONEY_TICKS, ticksuffix=f" {RUB}")
    return fig


def empty_figure(text: str) -> go.Figure:
    """A blank chart saying why it is blank (no data for the filters)."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(separators=SEPARATORS, template="plotly_white", height=240)
    return fig
