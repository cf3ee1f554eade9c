"""Process charts on small frames: traces, totals, Russian status and department names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from dashboards.charts.process import late_by_month, overdue_by_department, status_times

STATUSES = pl.DataFrame(
    {
        "status": ["costing", "need", "closed"],
        "status_rank": [2, 1, 10],
        "is_final": [False, False, True],
        "avg_days_per_visit": [D("4.77"), D("1.24"), None],
        "median_days_per_visit": [D("4.97"), D("0.93"), None],
    }
)


def test_status_times_bars_and_median_markers_in_process_order():
    fig = status_times(STATUSES, "avg_days_per_visit", "median_days_per_visit")
    bars, medians = fig.data
    assert list(bars.x) == ["Потребность", "Расчёт"]  # closed has no duration
    assert list(bars.y) == [1.24, 4.77] and list(medians.y) == [0.93, 4.97]
    assert (bars.name, medians.name) == ("Среднее, дн.", "Медиана, дн.")
    assert fig.layout.title.text == "Время в статусах"


def test_late_by_month_stacks_the_two_kinds():
    months = pl.DataFrame(
        {
            "planned_shipment_month": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 1)],
            "lateness": ["shipped_late", "not_shipped", "shipped_late"],
            "orders": [3, 2, 4],
        }
    )
    fig = late_by_month(months)
    assert [tr.name for tr in fig.data] == ["не отгружен", "отгружен с опозданием"]
    assert sum(sum(tr.y) for tr in fig.data) == 9
    assert fig.layout.barmode == "stack"


def test_overdue_by_department_open_tasks_only_when_known():
    departments = pl.DataFrame(
        {
            "role": ["sales", "finance"],
            "open_tasks_count": [5, 2],
            "overdue_tasks_count": [3, 1],
        }
    )
    fig = overdue_by_department(departments)
    assert [tr.name for tr in fig.data] == ["Открытых задач", "Просрочено"]
    assert list(fig.data[1].x) == ["Продажи", "Финансы"] and sum(fig.data[1].y) == 4
    unknown = departments.with_columns(pl.lit(None, dtype=pl.Int64).alias("open_tasks_count"))
    assert [tr.name for tr in overdue_by_department(unknown).data] == ["Просрочено"]
