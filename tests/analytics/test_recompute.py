"""Figures under filters: the page's recompute from the order-grain marts equals the aggregated
mart EXACTLY without a filter (Decimal equality), and equals a hand-written DuckDB query on the
marts with a manager / source / customer filter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from dashboards.analytics import economics, overview, payments
from dashboards.analytics.filters import AnalyticsFilters, keep_orders, order_ids
from dashboards.analytics.reader import MartReader
from dashboards.analytics.viewer import viewer_for
from pipelines.published import open_published

AS_OF = date(2026, 11, 28)
PERIOD = (date(2025, 12, 1), AS_OF)


@pytest.fixture(scope="module")
def reader(published_home, plant_store) -> MartReader:
    return MartReader(published_home, viewer_for(plant_store, "makarova"))


@pytest.fixture(scope="module")
def sql(published_home):
    def run(query: str, params=None) -> list[tuple]:
        with open_published(published_home) as conn:
            return conn.execute(query, params or []).fetchall()

    return run


@pytest.fixture(scope="module")
def busiest(sql):
    """The manager, source and customer with the most orders (real filter values)."""
    pick = "SELECT {c} FROM marts.order_economics WHERE {c} IS NOT NULL GROUP BY 1 " \
           "ORDER BY count(*) DESC, 1 LIMIT 1"  # fmt: skip
    return {c: sql(pick.format(c=c))[0][0]
            for c in ("sales_manager_id", "lead_source_code", "customer_id")}  # fmt: skip


def _same(got: pl.DataFrame, mart: pl.DataFrame, key) -> None:
    got = got.select(mart.columns).sort(key)
    mart = mart.sort(key)
    assert got.schema == mart.schema
    assert got.equals(mart)


# -- without a filter: the recompute IS the mart ---------------------------------------------
def test_by_month_recompute_equals_order_economics_by_month(reader):
    _same(economics.by_month_from_orders(reader.frame("order_economics")),
          reader.frame("order_economics_by_month"), "month_start")  # fmt: skip


def test_by_customer_recompute_equals_order_economics_by_customer(reader):
    _same(economics.by_customer_from_orders(reader.frame("order_economics")),
          reader.frame("order_economics_by_customer"), "customer_id")  # fmt: skip


def test_expenses_recompute_equals_expenses_by_category(reader):
    _same(economics.expenses_from_orders(reader.frame("order_expenses")),
          reader.frame("expenses_by_category"), ["month_start", "category"])  # fmt: skip


def test_payment_months_recompute_equals_payments_by_month(reader):
    as_of, _, horizon = reader.frame("report_as_of").row(0)
    got = payments.months_from_orders(reader.frame("payments"), reader.frame("payment_steps"),
                                      reader.frame("invoices"), as_of, horizon)  # fmt: skip
    _same(got, reader.frame("payments_by_month"), "month_start")


def test_status_recompute_equals_pipeline_statuses(reader):
    mart = reader.frame("pipeline_statuses").select(
        "status", "status_rank", "status_name_ru", "status_name_en", "is_final", "orders_count",
        "orders_net", "orders_total")  # fmt: skip
    _same(overview.statuses_from_orders(reader.frame("order_economics"), mart), mart, "status")


def test_money_months_recompute_equals_payments_by_month(reader):
    got = overview.money_months(reader.frame("invoices"), reader.frame("payments"))
    mart = reader.frame("payments_by_month", ["month_start", "invoiced_amount",
                                              "received_amount"])  # fmt: skip
    mart = mart.filter((pl.col("invoiced_amount") != 0) | (pl.col("received_amount") != 0))
    _same(got, mart, "month_start")


# -- with a filter: the recompute equals SQL on the order-grain marts --------------------------
def test_by_month_for_one_manager_equals_sql(reader, sql, busiest):
    manager = busiest["sales_manager_id"]
    data = economics.load(reader, AnalyticsFilters(*PERIOD, manager_ids=(manager,)))
    expected = sql(
        "SELECT agreed_month, count(*), sum(net), sum(planned_profit), sum(actual_profit), "
        "sum(actual_cost_price) FROM marts.order_economics WHERE is_won AND sales_manager_id = ? "
        "AND agreed_month BETWEEN ? AND ? GROUP BY 1 ORDER BY 1",
        [manager, *PERIOD],
    )
    got = data.by_month.select("month_start", "won_orders_count", "revenue", "planned_profit",
                               "actual_profit", "actual_cost_price").rows()  # fmt: skip
    assert got == expected and len(got) >= 6
    assert data.recomputed
    orders = sql("SELECT order_number FROM marts.order_economics WHERE is_won AND "
                 "sales_manager_id = ? AND agreed_date BETWEEN ? AND ? ORDER BY 1",
                 [manager, *PERIOD])  # fmt: skip
    assert sorted(data.orders.get_column("order_number").to_list()) == [r[0] for r in orders]
    losses = sql(
        "SELECT count(*) FROM marts.order_economics WHERE is_won AND actual_profit < 0 "
        "AND sales_manager_id = ? AND agreed_date BETWEEN ? AND ?",
        [manager, *PERIOD],
    )
    assert data.losses.height == losses[0][0]


def test_expenses_for_one_customer_equals_sql(reader, sql, busiest):
    customer = busiest["customer_id"]
    data = economics.load(reader, AnalyticsFilters(*PERIOD, customer_ids=(customer,)))
    expected = sql(
        "SELECT x.category, sum(x.planned_amount), sum(coalesce(x.actual_amount, 0)) "
        "FROM marts.order_expenses x JOIN marts.order_economics o USING (order_id) "
        "WHERE o.is_won AND o.customer_id = ? AND o.agreed_month BETWEEN ? AND ? "
        "GROUP BY 1 ORDER BY 3 DESC, 1", [customer, *PERIOD])  # fmt: skip
    assert data.expense_totals.rows() == expected and expected


def test_payment_months_for_one_source_equal_sql(reader, sql, busiest):
    source = busiest["lead_source_code"]
    data = payments.load(reader, AnalyticsFilters(*PERIOD, source_codes=(source,)))
    months = {r[0]: r[1:] for r in data.months.select(
        "month_start", "received_amount", "planned_amount", "invoiced_amount").rows()}  # fmt: skip
    received = dict(sql("SELECT payment_month, sum(amount) FROM marts.payments "
                        "WHERE lead_source_code = ? GROUP BY 1", [source]))  # fmt: skip
    planned = dict(sql(
        "SELECT date_trunc('month', s.planned_date)::DATE, sum(s.step_amount) "
        "FROM marts.payment_steps s JOIN marts.order_economics o USING (order_id) "
        "WHERE o.lead_source_code = ? AND s.schedule_basis <> 'cancelled' "
        "AND s.planned_date IS NOT NULL GROUP BY 1", [source]))  # fmt: skip
    invoiced = dict(sql(
        "SELECT i.issue_month, sum(i.invoice_amount) FROM marts.invoices i "
        "JOIN marts.order_economics o USING (order_id) WHERE o.lead_source_code = ? GROUP BY 1",
        [source]))  # fmt: skip
    zero = Decimal("0.00")
    assert len(months) >= 12
    for month, (got_received, got_planned, got_invoiced) in months.items():
        assert got_received == received.get(month, zero), month
        assert got_planned == planned.get(month, zero), month
        assert got_invoiced == invoiced.get(month, zero), month
    outstanding = sql(
        "SELECT coalesce(sum(i.outstanding_amount), 0) FROM marts.invoices i "
        "JOIN marts.order_economics o USING (order_id) "
        "WHERE o.lead_source_code = ? AND i.is_overdue", [source])[0][0]  # fmt: skip
    assert data.ageing.get_column("outstanding_amount").sum() == outstanding


def test_payment_forecast_for_one_manager_equals_sql(reader, sql, busiest):
    manager = busiest["sales_manager_id"]
    data = payments.load(reader, AnalyticsFilters(*PERIOD, manager_ids=(manager,)))
    forecast = dict(
        sql(
            "SELECT greatest(date_trunc('month', expected_date)::DATE, DATE '2026-11-01'), "
            "sum(outstanding_amount) FROM marts.payment_steps WHERE sales_manager_id = ? "
            "AND expected_date IS NOT NULL AND outstanding_amount > 0 GROUP BY 1",
            [manager],
        )
    )
    ahead = data.months.filter(pl.col("month_start") >= date(2026, 11, 1))
    assert ahead.height == 4  # the as_of month and the three coming months
    for month, amount in ahead.select("month_start", "forecast_amount").rows():
        assert amount == forecast.get(month, Decimal("0.00")), month
    horizon = {m: v for m, v in forecast.items() if m <= date(2027, 2, 1)}
    assert sum(horizon.values()) == ahead.get_column("forecast_amount").sum() > 0


def test_overview_for_one_customer_equals_sql(reader, sql, busiest):
    customer = busiest["customer_id"]
    data = overview.load(reader, AnalyticsFilters(*PERIOD, customer_ids=(customer,)))
    in_work = dict(
        sql(
            "SELECT status, count(*) FROM marts.order_economics WHERE customer_id = ? "
            "AND status NOT IN ('closed', 'cancelled') GROUP BY 1",
            [customer],
        )
    )
    got = {s: n for s, n in data.statuses.select("status", "orders_count").rows() if n}
    assert got == in_work
    overdue = sql("SELECT coalesce(sum(outstanding_amount), 0), count(*) FROM marts.invoices "
                  "WHERE customer_id = ? AND is_overdue", [customer])[0]  # fmt: skip
    assert (data.overdue_amount, data.overdue_count) == overdue
    paid = sql("SELECT coalesce(sum(amount), 0) FROM marts.payments WHERE customer_id = ? "
               "AND payment_month BETWEEN ? AND ?", [customer, *PERIOD])[0][0]  # fmt: skip
    assert data.paid == paid
    revenue = sql(
        "SELECT coalesce(sum(net), 0) FROM marts.order_economics WHERE is_won AND "
        "customer_id = ? AND agreed_month = DATE '2026-11-01'",
        [customer],
    )[0][0]
    assert data.revenue_month == revenue
    tasks = sql("SELECT count(*) FROM marts.overdue_tasks t JOIN marts.order_economics o "
                "USING (order_id) WHERE o.customer_id = ?", [customer])[0][0]  # fmt: skip
    assert data.overdue_tasks == tasks


def test_order_ids_follow_the_order_grain_mart(reader, sql, busiest):
    orders = reader.frame("order_economics")
    f = AnalyticsFilters(manager_ids=(busiest["sales_manager_id"],),
                         source_codes=(busiest["lead_source_code"],))  # fmt: skip
    expected = [r[0] for r in sql(
        "SELECT order_id FROM marts.order_economics WHERE sales_manager_id = ? "
        "AND lead_source_code = ? ORDER BY 1",
        [busiest["sales_manager_id"], busiest["lead_source_code"]])]  # fmt: skip
    assert order_ids(orders, f) == expected
    assert keep_orders(orders, expected).height == len(expected)
