"""Sales managers charts: a KPI's trend per manager, the leaderboard, payments on quoted orders.

Pure functions: a frame of dashboards.analytics.managers -> a Plotly figure with Russian texts.
Money axes and hovers show «1 234 567,89 ₽»; percentages «74,8 %».
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.analytics.managers import KPI_BY_KEY
from dashboards.charts.common import COLORS, apply_layout, empty_figure, money_floats
from dashboards.i18n import translate


def label(column: str, lang: str = "ru") -> str:
    return translate(f"analytics2.col.{column}", lang)


def _value_format(kpi: str) -> tuple[str, str | None, str]:
    """(hover number format, axis tick suffix, hover suffix) for the KPI's kind."""
    kind = KPI_BY_KEY[kpi].kind
    if kind == "money":
        return ",.2f", " ₽", " ₽"
    if kind == "ratio_pct":
        return ",.1f", " %", " %"
    if kind == "ratio":
        return ",.2f", None, ""
    return ",d", None, ""


def kpi_trend(trend: pl.DataFrame, kpi: str, lang: str = "ru") -> go.Figure:
    """One line per manager over the months of `trend` (analytics.managers.trend)."""
    if trend.is_empty():
        return empty_figure(translate("analytics2.chart.empty", lang))
    number, tick_suffix, hover_suffix = _value_format(kpi)
    name_kpi = label(kpi, lang)
    fig = go.Figure()
    for (manager,), rows in trend.group_by("sales_manager_name", maintain_order=True):
        fig.add_scatter(
            name=manager,
            mode="lines+markers",
            x=rows["month_start"].to_list(),
            y=money_floats(rows["value"]),
            connectgaps=False,
            hovertemplate=f"{manager}<br>%{{x|%m.%Y}}<br>{name_kpi}: "
            f"%{{y:{number}}}{hover_suffix}<extra></extra>",
        )
    apply_layout(fig, title=name_kpi, x_title=translate("analytics2.month", lang), money_axis=None)
    fig.update_xaxes(tickformat="%m.%Y", dtick="M1")
    if tick_suffix:
        fig.update_yaxes(tickformat=",.0f", ticksuffix=tick_suffix)
    return fig


def leaderboard_bars(board: pl.DataFrame, kpi: str, lang: str = "ru") -> go.Figure:
    """Horizontal bars of one KPI per manager, in the leaderboard's order (first on top)."""
    if board.is_empty() or kpi not in board.columns:
        return empty_figure(translate("analytics2.chart.empty", lang))
    number, tick_suffix, hover_suffix = _value_format(kpi)
    name_kpi = label(kpi, lang)
    fig = go.Figure()
    fig.add_bar(
        name=name_kpi,
        y=board["sales_manager_name"].to_list(),
        x=money_floats(board[kpi]),
        orientation="h",
        marker_color=COLORS["actual"],
        hovertemplate=f"%{{y}}<br>{name_kpi}: %{{x:{number}}}{hover_suffix}<extra></extra>",
    )
    fig.update_layout(height=max(300, 40 * board.height), showlegend=False)
    fig.update_yaxes(autorange="reversed")
    apply_layout(fig, title=name_kpi, money_axis=None)
    if tick_suffix:
        fig.update_xaxes(tickformat=",.0f", ticksuffix=tick_suffix)
    return fig


def payments_on_quotes(board: pl.DataFrame, lang: str = "ru") -> go.Figure:
    """Per manager: payments received on orders with the manager's quote, beside payments on the
    manager's own orders."""
    columns = [
        c for c in ("payments_on_quoted_orders", "payments_on_own_orders") if c in board.columns
    ]
    if board.is_empty() or not columns:
        return empty_figure(translate("analytics2.chart.empty", lang))
    fig = go.Figure()
    colors = {
        "payments_on_quoted_orders": COLORS["received"],
        "payments_on_own_orders": COLORS["planned"],
    }
    for column in columns:
        name = label(column, lang)
        fig.add_bar(
            name=name,
            x=board["sales_manager_name"].to_list(),
            y=money_floats(board[column]),
            marker_color=colors[column],
            hovertemplate=f"%{{x}}<br>{name}: %{{y:,.2f}} ₽<extra></extra>",
        )
    fig.update_layout(barmode="group")
    return apply_layout(fig, title=translate("analytics2.managers.payments", lang))
