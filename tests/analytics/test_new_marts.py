"""The marts added for the analytics pages, on the really published demo plant: payments sums to
payments_by_month, order_funnel reproduces lead_sources, order_expenses reproduces pricing's
expenses and expenses_by_category the won orders'."""

from __future__ import annotations

import pytest

from pipelines.published import open_published


@pytest.fixture(scope="module")
def sql(published_home):
    def run(query: str, params=None) -> list[tuple]:
        with open_published(published_home) as conn:
            return conn.execute(query, params or []).fetchall()

    return run


def test_new_marts_are_published_with_money_as_decimal(sql):
    rows = dict(sql("SELECT mart, row_count FROM main.publish_info"))
    assert rows["payments"] > 1000 and rows["order_funnel"] == rows["order_economics"]
    assert rows["order_expenses"] > 0 and rows["expenses_by_category"] > 0
    types = dict(sql(
        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND table_name IN ('payments', 'order_funnel', "
        "'order_expenses', 'expenses_by_category')"))  # fmt: skip
    for column in ("payments.amount", "order_funnel.revenue", "order_funnel.paid_amount",
                   "order_funnel.actual_profit", "order_expenses.planned_amount",
                   "expenses_by_category.actual_amount"):  # fmt: skip
        assert types[column] == "DECIMAL(18,2)", column
    assert "DOUBLE" not in types.values()


def test_payments_by_month_of_payment_equal_payments_by_month(sql):
    differ = sql(
        "SELECT m.month_start FROM marts.payments_by_month m FULL JOIN ("
        "  SELECT payment_month, sum(amount) AS received, count(*) AS n FROM marts.payments "
        "  GROUP BY 1) p ON p.payment_month = m.month_start "
        "WHERE coalesce(m.received_amount, 0) <> coalesce(p.received, 0) "
        "   OR coalesce(m.payment_count, 0) <> coalesce(p.n, 0)")  # fmt: skip
    assert differ == []
    assert sql("SELECT count(*) FROM marts.payments WHERE customer_id IS NULL")[0][0] == 0


def test_order_funnel_grouped_by_source_reproduces_lead_sources(sql):
    got = sql(
        "SELECT lead_source_code, count(*), count(*) FILTER (WHERE is_quoted), "
        "count(*) FILTER (WHERE is_won), count(*) FILTER (WHERE cancelled_after_agreement), "
        "count(*) FILTER (WHERE is_cancelled), count(*) FILTER (WHERE is_in_negotiation), "
        "count(*) FILTER (WHERE status = 'closed'), sum(revenue), sum(paid_amount), "
        "sum(planned_profit), sum(actual_profit), "
        "round(sum(days_need_to_agreed) / nullif(count(*) FILTER (WHERE is_won), 0), 1), "
        "round(sum(days_need_to_closed) / nullif(count(*) FILTER (WHERE status = 'closed'), 0), 1)"
        " FROM marts.order_funnel GROUP BY 1 ORDER BY 1")  # fmt: skip
    expected = sql(
        "SELECT lead_source_code, needs_count, quoted_count, agreed_count, "
        "cancelled_after_agreement_count, cancelled_count, in_negotiation_count, closed_count, "
        "revenue, paid_revenue, planned_profit, actual_profit, avg_days_need_to_agreed, "
        "avg_days_need_to_closed FROM marts.lead_sources WHERE needs_count > 0 ORDER BY 1"
    )
    assert len(got) == len(expected) >= 5
    for g, e in zip(got, expected, strict=True):
        assert g[:12] == e[:12], g[0]
        assert [float(x) if x is not None else None for x in g[12:]] == [
            float(x) if x is not None else None for x in e[12:]
        ], g[0]


def test_order_expenses_equal_pricing_expenses_per_order(sql):
    differ = sql(
        "SELECT e.order_id FROM marts.order_economics e LEFT JOIN ("
        "  SELECT order_id, sum(planned_amount) p, sum(actual_amount) a FROM marts.order_expenses"
        "  GROUP BY 1) x USING (order_id) "
        "WHERE coalesce(e.expenses_planned, 0) <> coalesce(x.p, 0) "
        "   OR coalesce(e.expenses_actual, 0) <> coalesce(x.a, 0)")  # fmt: skip
    assert differ == []


def test_expenses_by_category_cover_the_won_orders_by_agreed_month(sql):
    differ = sql(
        "SELECT m.month_start FROM ("
        "  SELECT agreed_month AS month_start, sum(expenses_planned) p, sum(expenses_actual) a "
        "  FROM marts.order_economics WHERE is_won GROUP BY 1) m "
        "FULL JOIN (SELECT month_start, sum(planned_amount) p, sum(actual_amount) a "
        "  FROM marts.expenses_by_category GROUP BY 1) x USING (month_start) "
        "WHERE coalesce(m.p, 0) <> coalesce(x.p, 0) OR coalesce(m.a, 0) <> coalesce(x.a, 0)"
    )
    assert differ == []
    assert sql("SELECT count(DISTINCT category) FROM marts.expenses_by_category")[0][0] == 5
