"""Lead sources page data on the REAL published marts of the demo plant: the recompute equals
marts.lead_sources to the kopek, a filter equals hand-written SQL over marts.order_funnel, and a
viewer without economics gets no profit anywhere (frames, totals, export)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

import openpyxl
import polars as pl
import pytest

from dashboards.analytics import sources
from dashboards.analytics.export import frame_to_xlsx
from dashboards.analytics.filters import AnalyticsFilters
from dashboards.analytics.reader import MartReader
from dashboards.analytics.viewer import viewer_for
from pipelines.published import open_published


def half_up(value: Fraction, places: int) -> Decimal:
    """Round half away from zero with Fractions (independent of the code under test)."""
    scaled = abs(value) * 10**places
    units = int(scaled + Fraction(1, 2))
    sign = -1 if value < 0 else 1
    return Decimal(sign * units).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def reader(home, store, login) -> MartReader:
    return MartReader(home, viewer_for(store, login))


def load(home, store, login, filters):
    r = reader(home, store, login)
    with r.session():
        return sources.load(r, filters)


def test_recompute_without_filter_equals_lead_sources_in_every_column(published_home, plant_store):
    r = reader(published_home, plant_store, "makarova")
    with r.session():
        mart = r.frame("lead_sources")
        funnel = r.frame("order_funnel")
    again = sources.summarize(funnel, mart)
    columns = [c for c in mart.columns if c != "lead_source_id"]
    assert len(columns) == 21
    expected = mart.select(columns).sort("lead_source_code")
    got = again.select(columns).sort("lead_source_code")
    assert got.schema == expected.schema
    assert got.to_dicts() == expected.to_dicts()  # Decimal-exact, rank included


def test_unfiltered_page_shows_the_mart(published_home, plant_store):
    data = load(published_home, plant_store, "makarova", AnalyticsFilters())
    assert not data.recomputed
    with open_published(published_home) as conn:
        mart = conn.sql("SELECT * FROM marts.lead_sources ORDER BY effectiveness_rank").pl()
        paid = dict(conn.execute("SELECT lead_source_code, count(*) FILTER (WHERE paid_amount > 0) "
                                 "FROM marts.order_funnel GROUP BY 1").fetchall())  # fmt: skip
    assert data.ranking.select(mart.columns).to_dicts() == mart.to_dicts()
    assert dict(data.ranking.select("lead_source_code", "paid_count").iter_rows()) == paid
    assert data.totals["needs_count"] == mart["needs_count"].sum() == 1600
    assert data.totals["paid_revenue"] == mart["paid_revenue"].sum()


FILTERED_SQL = """
SELECT lead_source_code,
       count(*) AS needs,
       count(*) FILTER (WHERE is_quoted) AS quoted,
       count(*) FILTER (WHERE is_won) AS agreed,
       count(*) FILTER (WHERE paid_amount > 0) AS paid_orders,
       coalesce(sum(revenue) FILTER (WHERE is_won), 0) AS revenue,
       coalesce(sum(paid_amount), 0) AS paid,
       coalesce(sum(actual_profit) FILTER (WHERE is_won), 0) AS profit,
       sum(agreed_date - need_date) FILTER (WHERE is_won) AS days_agreed,
       count(*) FILTER (WHERE status = 'closed') AS closed,
       sum(closed_date - need_date) FILTER (WHERE status = 'closed') AS days_closed
FROM marts.order_funnel
WHERE need_date BETWEEN ? AND ? AND sales_manager_id IN (3, 5)
GROUP BY lead_source_code
"""


def test_filtered_figures_equal_hand_written_sql(published_home, plant_store):
    start, end = date(2026, 3, 1), date(2026, 8, 31)
    data = load(published_home, plant_store, "makarova",
                AnalyticsFilters(start, end, manager_ids=(3, 5)))  # fmt: skip
    assert data.recomputed
    with open_published(published_home) as conn:
        rows = conn.execute(FILTERED_SQL, [start, end]).fetchall()
    assert rows, "the demo plant has orders of these managers in the period"
    got = {r["lead_source_code"]: r for r in data.ranking.iter_rows(named=True)}
    for (
        code,
        needs,
        quoted,
        agreed,
        paid_orders,
        revenue,
        paid,
        profit,
        d_agr,
        closed,
        d_cl,
    ) in rows:
        row = got.pop(code)
        assert (row["needs_count"], row["quoted_count"], row["agreed_count"]) == (
            needs, quoted, agreed)  # fmt: skip
        assert row["paid_count"] == paid_orders
        assert (row["revenue"], row["paid_revenue"], row["actual_profit"]) == (
            revenue, paid, profit)  # fmt: skip
        assert row["win_rate_pct"] == half_up(Fraction(agreed * 100, needs), 1)
        assert row["paid_revenue_per_need"] == half_up(Fraction(paid) / needs, 2)
        assert row["profit_per_need"] == half_up(Fraction(profit) / needs, 2)
        avg_agreed = half_up(Fraction(d_agr, agreed), 1) if agreed else None
        avg_closed = half_up(Fraction(d_cl, closed), 1) if closed else None
        assert (row["avg_days_need_to_agreed"], row["avg_days_need_to_closed"]) == (
            avg_agreed, avg_closed)  # fmt: skip
    assert all(r["needs_count"] == 0 for r in got.values())  # sources without such orders
    assert data.totals["needs_count"] == sum(r[1] for r in rows)
    assert data.orders.height == data.totals["needs_count"]


def test_customer_and_source_filters(published_home, plant_store):
    with open_published(published_home) as conn:
        customer, code, needs = conn.execute(
            "SELECT customer_id, lead_source_code, count(*) FROM marts.order_funnel "
            "GROUP BY ALL ORDER BY 3 DESC, 1 LIMIT 1"
        ).fetchone()
    data = load(published_home, plant_store, "pavlov",
                AnalyticsFilters(customer_ids=(customer,), source_codes=(code,)))  # fmt: skip
    assert data.ranking["lead_source_code"].to_list() == [code]
    assert data.ranking["needs_count"].to_list() == [needs]
    assert data.orders["lead_source_name"].n_unique() == 1
    assert data.orders.height == needs


@pytest.mark.parametrize("filters", [AnalyticsFilters(), AnalyticsFilters(manager_ids=(3,))])
def test_head_of_sales_gets_no_profit_in_any_frame_or_export(published_home, plant_store,
                                                             filters):  # fmt: skip
    data = load(published_home, plant_store, "sokolova", filters)
    frames = [data.ranking, data.funnel, data.orders, sources.ranking_table(data.ranking)]
    assert not [c for f in frames for c in f.columns if "profit" in c]
    assert not [k for k in data.totals if "profit" in k]
    assert "paid_revenue" in data.ranking.columns  # payments she may read
    exported = frame_to_xlsx(sources.ranking_table(data.ranking), {}, "Источники")
    book = openpyxl.load_workbook(io.BytesIO(exported))
    headers = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert headers and not [h for h in headers if "profit" in h or "Прибыль" in h]
    full = load(published_home, plant_store, "makarova", filters)
    assert {"actual_profit", "profit_per_need"} <= set(full.ranking.columns)
    assert isinstance(full.ranking.schema["profit_per_need"], pl.Decimal)
