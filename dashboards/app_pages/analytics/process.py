"""Аналитика → Процесс: time in each status, orders late against the planned shipment date,
overdue tasks by department.

Data: dashboards/analytics/process.py (pipeline_statuses, late_orders, overdue_tasks_by_department,
overdue_tasks; under filters recomputed from order_status_durations and the task rows of the
chosen orders); charts: dashboards/charts/process.py.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards.analytics import process
from dashboards.analytics.widgets import (
    filter_bar,
    filter_choices,
    published_view,
    require_analytics_page,
    table,
)
from dashboards.charts import process as charts
from dashboards.i18n import current_language, role_name, status_name, t
from dashboards.ui.format import EMPTY, money, number

MART_STATUS_COLUMNS = (
    "status_name",
    "orders_now",
    "orders_net",
    "avg_days_in_status_now",
    "completed_visits_count",
    "avg_days_per_visit",
    "median_days_per_visit",
)
ORDER_STATUS_COLUMNS = (
    "status_name",
    "orders_now",
    "orders_in_status",
    "avg_days_per_order",
    "median_days_per_order",
)
LATE_COLUMNS = (
    "order_number",
    "customer_name",
    "sales_manager_name",
    "status",
    "planned_shipment_date",
    "actual_shipment_date",
    "lateness",
    "days_late",
    "net",
)
DEPARTMENT_COLUMNS = (
    "role_name",
    "open_tasks_count",
    "overdue_tasks_count",
    "overdue_share_pct",
    "avg_days_overdue",
    "max_days_overdue",
    "oldest_due_date",
)
TASK_COLUMNS = (
    "order_number",
    "task_title",
    "role_name",
    "assignee_name",
    "due_date",
    "days_overdue",
)
MONEY_COLUMNS = ("orders_net", "orders_total", "net")
LATE_TILES = (
    "late_count",
    "not_shipped_count",
    "shipped_late_count",
    "avg_days_late",
    "max_days_late",
    "net",
)


def labels(columns) -> dict[str, str]:
    return {c: t(f"analytics2.col.{c}") for c in columns}


def pick(frame: pl.DataFrame, columns) -> pl.DataFrame:
    return frame.select([c for c in columns if c in frame.columns])


def names(frame: pl.DataFrame, column: str, name_of, target: str) -> pl.DataFrame:
    """A code column shown by its name in the UI language (statuses, departments)."""
    return frame.with_columns(
        pl.col(column).map_elements(name_of, return_dtype=pl.Utf8).alias(target)
    )


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Day counts as text «1,69» / «290» («—» when empty): the shared table formats every
    2-place decimal as money and shows an integer column with gaps as «290.0»."""
    out = []
    for name, dtype in frame.schema.items():
        if name in MONEY_COLUMNS:
            continue
        if isinstance(dtype, pl.Decimal) and dtype.scale == 2:
            fmt = lambda v: number(v, 2)  # noqa: E731
        elif dtype.is_integer() and frame[name].null_count():
            fmt = number
        else:
            continue
        out.append(pl.col(name).map_elements(fmt, return_dtype=pl.Utf8, skip_nulls=False))
    return frame.with_columns(out)


def tile_text(key: str, value: object) -> str:
    if value is None:
        return EMPTY
    if key == "net":
        return money(value)
    return number(value, 1 if key == "avg_days_late" else 0)


def statuses_section(data: process.ProcessData, lang: str) -> None:
    st.subheader(t("analytics2.process.statuses"))
    if data.statuses_recomputed:
        st.caption(t("analytics2.process.statuses_orders"))
        avg, median, columns = "avg_days_per_order", "median_days_per_order", ORDER_STATUS_COLUMNS
    else:
        st.caption(t("analytics2.process.statuses_mart"))
        avg, median, columns = "avg_days_per_visit", "median_days_per_visit", MART_STATUS_COLUMNS
    st.plotly_chart(charts.status_times(data.statuses, avg, median, lang), key="process_statuses")
    statuses = data.statuses.rename({"orders_count": "orders_now"}, strict=False)
    frame = as_text(pick(names(statuses, "status", status_name, "status_name"), columns))
    table(
        frame,
        labels(frame.columns),
        key="process_statuses_table",
        order_link_column=None,
        sheet=t("analytics2.process.statuses"),
    )


def late_section(data: process.ProcessData, lang: str) -> None:
    st.subheader(t("analytics2.process.late"))
    shown = [k for k in LATE_TILES if k in data.late_summary]
    for col, key in zip(st.columns(len(shown)), shown, strict=True):
        col.metric(t(f"analytics2.col.{key}"), tile_text(key, data.late_summary[key]))
    st.plotly_chart(charts.late_by_month(data.late_months, lang), key="process_late_chart")
    late = names(data.late, "status", status_name, "status")
    late = names(late, "lateness", lambda k: t(f"analytics2.lateness.{k}"), "lateness")
    frame = pick(late, LATE_COLUMNS)
    table(frame, labels(frame.columns), key="process_late", sheet=t("analytics2.process.late"))


def tasks_section(data: process.ProcessData, lang: str) -> None:
    st.subheader(t("analytics2.process.tasks"))
    if data.recomputed:
        st.caption(t("analytics2.process.tasks_recomputed"))
    st.plotly_chart(charts.overdue_by_department(data.departments, lang), key="process_tasks_chart")
    departments = names(data.departments, "role", role_name, "role_name")
    frame = as_text(pick(departments, DEPARTMENT_COLUMNS))
    if data.recomputed:
        frame = frame.drop("open_tasks_count", "overdue_share_pct")
    table(
        frame,
        labels(frame.columns),
        key="process_departments",
        order_link_column=None,
        sheet=t("analytics2.process.tasks"),
    )
    st.subheader(t("analytics2.process.tasks_list"))
    tasks = pick(names(data.tasks, "role", role_name, "role_name"), TASK_COLUMNS)
    table(
        tasks, labels(tasks.columns), key="process_tasks", sheet=t("analytics2.process.tasks_list")
    )


def render() -> None:
    st.title(t("analytics.nav.process"))
    viewer = require_analytics_page("process")
    with published_view(viewer) as (reader, info):
        filters = filter_bar("process", filter_choices(reader, info.as_of))
        try:
            data = process.load(reader, filters)
        except LookupError as error:  # a build published before order_funnel existed
            st.warning(str(error))
            st.stop()
    lang = current_language()
    st.caption(t("analytics2.recomputed") if data.recomputed else t("analytics2.from_mart"))
    statuses_section(data, lang)
    late_section(data, lang)
    tasks_section(data, lang)


render()
