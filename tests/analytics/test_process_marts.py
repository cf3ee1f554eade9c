"""Process page data on the REAL published marts: unfiltered = the marts; a manager filter
equals hand-written SQL over order_status_durations, late_orders and overdue_tasks; a role
without prices gets no amounts."""

from __future__ import annotations

from fractions import Fraction

from test_sources_marts import half_up, reader

from dashboards.analytics import process
from dashboards.analytics.filters import AnalyticsFilters
from pipelines.published import open_published


def load(home, store, login, filters):
    r = reader(home, store, login)
    with r.session():
        return process.load(r, filters)


def test_unfiltered_page_shows_the_marts(published_home, plant_store):
    data = load(published_home, plant_store, "makarova", AnalyticsFilters())
    assert not data.recomputed
    with open_published(published_home) as conn:
        pipeline = conn.sql("SELECT * FROM marts.pipeline_statuses ORDER BY status_rank").pl()
        departments = conn.sql("SELECT * FROM marts.overdue_tasks_by_department").pl()
        count, days, longest = conn.execute(
            "SELECT count(*), sum(days_late), max(days_late) FROM marts.late_orders"
        ).fetchone()
        tasks = conn.execute("SELECT count(*) FROM marts.overdue_tasks").fetchone()[0]
    assert data.statuses.to_dicts() == pipeline.to_dicts()
    assert data.departments.sort("role").to_dicts() == departments.sort("role").to_dicts()
    assert data.late.height == data.late_summary["late_count"] == count == 677
    assert data.late_summary["avg_days_late"] == half_up(Fraction(days, count), 1)
    assert data.late_summary["max_days_late"] == longest
    assert data.tasks.height == tasks


DURATIONS_SQL = """
SELECT d.status, count(DISTINCT d.order_id), count(*) FILTER (WHERE d.is_current),
       sum(d.seconds_in_status), median(d.seconds_in_status)
FROM marts.order_status_durations d JOIN marts.order_funnel f USING (order_id)
WHERE f.sales_manager_id = ? GROUP BY d.status
"""
TASKS_SQL = """
SELECT t.role, count(*), sum(t.days_overdue), max(t.days_overdue)
FROM marts.overdue_tasks t JOIN marts.order_funnel f USING (order_id)
WHERE f.sales_manager_id = ? GROUP BY t.role
"""


def test_manager_filter_equals_hand_written_sql(published_home, plant_store):
    manager = 3
    data = load(published_home, plant_store, "sergeev", AnalyticsFilters(manager_ids=(manager,)))
    assert data.recomputed
    with open_published(published_home) as conn:
        durations = conn.execute(DURATIONS_SQL, [manager]).fetchall()
        late = conn.execute("SELECT order_number FROM marts.late_orders WHERE sales_manager_id = ?",
                            [manager]).fetchall()  # fmt: skip
        tasks = conn.execute(TASKS_SQL, [manager]).fetchall()
    statuses = {r["status"]: r for r in data.statuses.iter_rows(named=True)}
    assert len(durations) == 9  # every non-final status
    for status, orders, now, seconds, median in durations:
        row = statuses[status]
        assert (row["orders_in_status"], row["orders_now"]) == (orders, now)
        assert row["avg_days_per_order"] == half_up(Fraction(seconds, orders * 86400), 2)
        assert row["median_days_per_order"] == half_up(Fraction(median) / 86400, 2)
    assert sorted(data.late["order_number"]) == sorted(r[0] for r in late)
    departments = {r["role"]: r for r in data.departments.iter_rows(named=True)}
    for role, count, days, longest in tasks:
        row = departments.pop(role)
        assert (row["overdue_tasks_count"], row["max_days_overdue"]) == (count, longest)
        assert row["avg_days_overdue"] == half_up(Fraction(days, count), 1)
        assert row["open_tasks_count"] is None  # not recomputable from overdue rows
    assert all(r["overdue_tasks_count"] == 0 for r in departments.values())
    assert data.tasks.height == sum(r[1] for r in tasks)


def test_customer_filter_keeps_that_customers_late_orders(published_home, plant_store):
    with open_published(published_home) as conn:
        customer, count = conn.execute(
            "SELECT customer_id, count(*) FROM marts.late_orders GROUP BY 1 ORDER BY 2 DESC, 1 "
            "LIMIT 1").fetchone()  # fmt: skip
    data = load(published_home, plant_store, "fedorov", AnalyticsFilters(customer_ids=(customer,)))
    assert data.late_summary["late_count"] == count


def test_procurement_head_gets_no_amounts(published_home, plant_store):
    for filters in (AnalyticsFilters(), AnalyticsFilters(manager_ids=(3,))):
        data = load(published_home, plant_store, "morozov", filters)
        frames = (data.statuses, data.late, data.departments, data.tasks)
        assert not {"net", "orders_net", "orders_total"} & {c for f in frames for c in f.columns}
        assert "net" not in data.late_summary
