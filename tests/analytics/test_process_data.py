"""Process page data on small hand-made frames: per-order time in status, late orders, tasks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from dashboards.analytics.filters import AnalyticsFilters
from dashboards.analytics.process import build, late_summary, status_times_orders

STATUSES = pl.DataFrame(
    {
        "status": ["need", "costing", "closed", "cancelled"],
        "status_rank": [1, 2, 10, 11],
        "status_name_ru": ["Потребность", "Расчёт", "Закрыт", "Отменён"],
        "status_name_en": ["Need", "Costing", "Closed", "Cancelled"],
        "is_final": [False, False, True, True],
        "orders_count": [1, 1, 1, 0],
        "avg_days_per_visit": [D("1.00"), D("2.00"), None, None],
        "median_days_per_visit": [D("1.00"), D("2.00"), None, None],
    },
    schema_overrides={"status_rank": pl.Int32},
)

DAY = 86400
DURATIONS = pl.DataFrame(
    {
        "order_id": [1, 1, 2, 3, 3],
        "status": ["need", "costing", "need", "need", "costing"],
        "order_status": ["closed", "closed", "need", "costing", "costing"],
        "is_current": [False, False, True, False, True],
        "seconds_in_status": [DAY, 3 * DAY, 2 * DAY + 1, 4 * DAY, DAY // 2],
    }
)


def test_status_times_per_order_with_exact_median():
    out = status_times_orders(DURATIONS, STATUSES)
    need = out.filter(pl.col("status") == "need").row(0, named=True)
    assert need["orders_in_status"] == 3 and need["orders_now"] == 1
    # (1 + 2.0000116 + 4) / 3 days = 2.33; median 2.0000116 -> 2.00
    assert need["avg_days_per_order"] == D("2.33")
    assert need["median_days_per_order"] == D("2.00")
    costing = out.filter(pl.col("status") == "costing").row(0, named=True)
    # median of 3 and 0.5 days = 1.75 (an even count averages the middle two)
    assert costing["median_days_per_order"] == D("1.75")
    closed = out.filter(pl.col("status") == "closed").row(0, named=True)
    assert closed["orders_now"] == 1 and closed["avg_days_per_order"] is None
    assert out["status"].to_list() == ["need", "costing", "closed", "cancelled"]


LATE = pl.DataFrame(
    {
        "order_id": [1, 2, 3],
        "order_number": ["З-1", "З-2", "З-3"],
        "customer_id": [10, 11, 10],
        "sales_manager_id": [1, 2, 1],
        "planned_shipment_date": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 20)],
        "planned_shipment_month": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 1)],
        "lateness": ["shipped_late", "not_shipped", "not_shipped"],
        "days_late": [5, 27, 8],
        "net": [D("100.00"), D("200.00"), D("300.01")],
    }
)
DEPARTMENTS = pl.DataFrame(
    {
        "role": ["sales", "finance"],
        "role_name_ru": ["Продажи", "Финансы"],
        "role_name_en": ["Sales", "Finance"],
        "open_tasks_count": [5, 2],
        "overdue_tasks_count": [3, 1],
        "overdue_share_pct": [D("60.0"), D("50.0")],
        "avg_days_overdue": [D("4.0"), D("1.0")],
        "max_days_overdue": [6, 1],
        "oldest_due_date": [date(2026, 11, 22), date(2026, 11, 27)],
    }
)
TASKS = pl.DataFrame(
    {
        "task_id": [11, 12, 13, 14],
        "role": ["sales", "sales", "finance", "sales"],
        "order_id": [1, 3, 3, None],
        "order_number": ["З-1", "З-3", "З-3", None],
        "due_date": [
            date(2026, 11, 22),
            date(2026, 11, 25),
            date(2026, 11, 27),
            date(2026, 11, 26),
        ],
        "days_overdue": [6, 3, 1, 2],
    }
)
ORDERS = pl.DataFrame(
    {
        "order_id": [1, 2, 3],
        "sales_manager_id": [1, 2, 1],
        "customer_id": [10, 11, 10],
        "lead_source_code": ["site", "site", None],
    }
)


def run(filters):
    return build(pipeline=STATUSES, durations=DURATIONS, late=LATE, departments=DEPARTMENTS,
                 tasks=TASKS, orders=ORDERS, filters=filters)  # fmt: skip


def test_unfiltered_shows_the_marts():
    data = run(AnalyticsFilters())
    assert not data.recomputed
    assert data.statuses.equals(STATUSES.sort("status_rank"))
    assert data.departments.equals(DEPARTMENTS)
    assert data.late["order_number"].to_list() == ["З-2", "З-3", "З-1"]  # most late first
    assert data.late_summary == {
        "late_count": 3, "not_shipped_count": 2, "shipped_late_count": 1,
        "avg_days_late": D("13.3"), "max_days_late": 27, "net": D("600.01"),
    }  # fmt: skip
    assert data.tasks["task_id"].to_list() == [11, 12, 14, 13]


def test_manager_filter_recomputes_over_the_managers_orders():
    data = run(AnalyticsFilters(manager_ids=(1,)))
    assert data.recomputed and data.statuses_recomputed
    assert data.late["order_number"].to_list() == ["З-3", "З-1"]
    assert data.late_summary["avg_days_late"] == D("6.5")
    # the task without an order drops out; open tasks are unknown under a filter
    assert data.tasks["task_id"].to_list() == [11, 12, 13]
    sales = data.departments.filter(pl.col("role") == "sales").row(0, named=True)
    assert sales["overdue_tasks_count"] == 2 and sales["open_tasks_count"] is None
    assert sales["avg_days_overdue"] == D("4.5") and sales["max_days_overdue"] == 6
    assert data.departments.columns == DEPARTMENTS.columns
    need = data.statuses.filter(pl.col("status") == "need").row(0, named=True)
    assert need["orders_in_status"] == 2  # orders 1 and 3


def test_period_cuts_late_orders_by_planned_shipment_and_tasks_by_due_date():
    data = run(AnalyticsFilters(date(2026, 11, 1), date(2026, 11, 24)))
    assert data.late["order_number"].to_list() == ["З-2", "З-3"]
    assert data.tasks["task_id"].to_list() == [11]
    counts = dict(data.departments.select("role", "overdue_tasks_count").iter_rows())
    assert counts == {"sales": 1, "finance": 0}
    # time in status is about whole order lives, not a period: the mart stays
    assert data.recomputed and not data.statuses_recomputed
    assert data.statuses.equals(STATUSES.sort("status_rank"))


def test_late_summary_of_nothing_and_without_prices():
    empty = late_summary(LATE.head(0).drop("net"))
    assert empty == {"late_count": 0, "not_shipped_count": 0, "shipped_late_count": 0,
                     "avg_days_late": None, "max_days_late": None}  # fmt: skip
