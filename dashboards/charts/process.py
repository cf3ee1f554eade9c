"""Process charts: days in each status, late orders by planned shipment month, overdue tasks by
department.

Pure functions: a frame of dashboards.analytics.process -> a Plotly figure with Russian texts.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts.common import COLORS, apply_layout, empty_figure, money_floats
from dashboards.i18n import role_name, status_name, translate

LATENESS_COLORS = {"not_shipped": COLORS["loss"], "shipped_late": COLORS["forecast"]}


def _empty(lang: str) -> go.Figure:
    return empty_figure(translate("analytics2.chart.empty", lang))


def status_times(
    statuses: pl.DataFrame, avg_column: str, median_column: str, lang: str = "ru"
) -> go.Figure:
    """Average days per status as bars and the median as markers, non-final statuses in process
    order (closed and cancelled have no duration)."""
    rows = statuses.filter(~pl.col("is_final")).sort("status_rank")
    if rows.is_empty() or rows[avg_column].null_count() == rows.height:
        return _empty(lang)
    names = [status_name(s, lang) for s in rows["status"].to_list()]
    days = translate("analytics2.days", lang)
    avg_name = translate("analytics2.process.avg_days", lang)
    median_name = translate("analytics2.process.median_days", lang)
    fig = go.Figure()
    fig.add_bar(
        name=avg_name,
        x=names,
        y=money_floats(rows[avg_column]),
        marker_color=COLORS["actual"],
        hovertemplate=f"%{{x}}<br>{avg_name}: %{{y:,.2f}} {days}<extra></extra>",
    )
    fig.add_scatter(
        name=median_name,
        x=names,
        y=money_floats(rows[median_column]),
        mode="markers",
        marker={"color": COLORS["forecast"], "size": 12, "symbol": "diamond"},
        hovertemplate=f"%{{x}}<br>{median_name}: %{{y:,.2f}} {days}<extra></extra>",
    )
    return apply_layout(
        fig, title=translate("analytics2.process.statuses", lang), y_title=days, money_axis=None
    )


def late_by_month(months: pl.DataFrame, lang: str = "ru") -> go.Figure:
    """Late orders per planned shipment month, stacked: not shipped / shipped late."""
    if months.is_empty():
        return _empty(lang)
    unit = translate("analytics2.orders_unit", lang)
    fig = go.Figure()
    for kind in ("not_shipped", "shipped_late"):
        rows = months.filter(pl.col("lateness") == kind)
        if rows.is_empty():
            continue
        name = translate(f"analytics2.lateness.{kind}", lang)
        fig.add_bar(
            name=name,
            x=rows["planned_shipment_month"].to_list(),
            y=rows["orders"].to_list(),
            marker_color=LATENESS_COLORS[kind],
            hovertemplate=f"%{{x|%m.%Y}}<br>{name}: %{{y:,d}} {unit}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    apply_layout(
        fig,
        title=translate("analytics2.process.late", lang),
        x_title=translate("analytics2.col.planned_shipment_date", lang),
        y_title=unit,
        money_axis=None,
    )
    fig.update_xaxes(tickformat="%m.%Y", dtick="M1")
    return fig


def overdue_by_department(departments: pl.DataFrame, lang: str = "ru") -> go.Figure:
    """Overdue tasks per department, beside open tasks when known (unfiltered)."""
    if departments.is_empty():
        return _empty(lang)
    names = [role_name(r, lang) for r in departments["role"].to_list()]
    unit = translate("analytics2.col.overdue_tasks_count", lang)
    fig = go.Figure()
    if departments["open_tasks_count"].null_count() < departments.height:
        open_name = translate("analytics2.col.open_tasks_count", lang)
        fig.add_bar(
            name=open_name,
            x=names,
            y=departments["open_tasks_count"].to_list(),
            marker_color=COLORS["planned"],
            hovertemplate=f"%{{x}}<br>{open_name}: %{{y:,d}}<extra></extra>",
        )
    fig.add_bar(
        name=unit,
        x=names,
        y=departments["overdue_tasks_count"].to_list(),
        marker_color=COLORS["loss"],
        hovertemplate=f"%{{x}}<br>{unit}: %{{y:,d}}<extra></extra>",
    )
    fig.update_layout(barmode="group")
    return apply_layout(fig, title=translate("analytics2.process.tasks", lang), money_axis=None)
