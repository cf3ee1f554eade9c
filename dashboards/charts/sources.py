"""Lead sources charts: effectiveness per need, the funnel per source, cycle time.

Pure functions: a frame of dashboards.analytics.sources -> a Plotly figure with Russian texts
(`lang` picks the catalog language, Russian by default). A column the viewer may not read is
absent from the frame, so its trace is never drawn.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.charts.common import COLORS, apply_layout, empty_figure, money_floats, money_hover
from dashboards.i18n import translate

STAGE_COLORS = {"needs": "#9DB4CF", "quoted": "#5B8DB8", "agreed": "#1F5A96", "paid": "#2E8B57"}


def label(column: str, lang: str = "ru") -> str:
    return translate(f"analytics2.col.{column}", lang)


def _empty(lang: str) -> go.Figure:
    return empty_figure(translate("analytics2.chart.empty", lang))


def effectiveness(ranking: pl.DataFrame, lang: str = "ru") -> go.Figure:
    """Horizontal bars per source, best on top: payments per need, and profit per need when the
    frame has it."""
    if ranking.is_empty() or "paid_revenue_per_need" not in ranking.columns:
        return _empty(lang)
    rows = ranking.sort("effectiveness_rank")
    names = rows["lead_source_name"].to_list()
    fig = go.Figure()
    for column, color in (
        ("paid_revenue_per_need", COLORS["received"]),
        ("profit_per_need", COLORS["actual"]),
    ):
        if column in rows.columns:
            fig.add_bar(
                name=label(column, lang),
                y=names,
                x=money_floats(rows[column]),
                orientation="h",
                marker_color=color,
                hovertemplate="%{y}<br>" + money_hover(label(column, lang), axis="x"),
            )
    fig.update_layout(barmode="group", height=max(300, 48 * len(names)))
    fig.update_yaxes(autorange="reversed")
    return apply_layout(
        fig, title=translate("analytics2.sources.per_need_title", lang), money_axis="x"
    )


def funnel(stages: pl.DataFrame, lang: str = "ru") -> go.Figure:
    """Grouped bars per source (in rank order): needs -> quoted -> agreed -> paid orders."""
    if stages.is_empty():
        return _empty(lang)
    fig = go.Figure()
    unit = translate("analytics2.orders_unit", lang)
    for stage in stages["stage"].unique(maintain_order=True).to_list():
        rows = stages.filter(pl.col("stage") == stage)
        name = translate(f"analytics2.stage.{stage}", lang)
        fig.add_bar(
            name=name,
            x=rows["lead_source_name"].to_list(),
            y=rows["orders"].to_list(),
            marker_color=STAGE_COLORS.get(stage),
            hovertemplate=f"%{{x}}<br>{name}: %{{y:,d}} {unit}<extra></extra>",
        )
    fig.update_layout(barmode="group")
    return apply_layout(
        fig,
        title=translate("analytics2.sources.funnel", lang),
        y_title=translate("analytics2.orders_unit", lang),
        money_axis=None,
    )


def cycle_time(ranking: pl.DataFrame, lang: str = "ru") -> go.Figure:
    """Average days from need to agreement and to closing, per source."""
    if ranking.is_empty():
        return _empty(lang)
    rows = ranking.sort("effectiveness_rank")
    names = rows["lead_source_name"].to_list()
    days = translate("analytics2.days", lang)
    fig = go.Figure()
    for column, color in (
        ("avg_days_need_to_agreed", "#5B8DB8"),
        ("avg_days_need_to_closed", COLORS["neutral"]),
    ):
        name = label(column, lang)
        fig.add_bar(
            name=name,
            y=names,
            x=money_floats(rows[column]),
            orientation="h",
            marker_color=color,
            hovertemplate=f"%{{y}}<br>{name}: %{{x:,.1f}} {days}<extra></extra>",
        )
    fig.update_layout(barmode="group", height=max(300, 48 * len(names)))
    fig.update_yaxes(autorange="reversed")
    return apply_layout(
        fig, title=translate("analytics2.sources.cycle", lang), x_title=days, money_axis=None
    )
