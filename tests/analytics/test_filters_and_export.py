"""Filters (pure Polars), exact ratios, and the .xlsx export read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from dashboards.analytics.export import MONEY_FORMAT, frame_to_xlsx, sheet_name
from dashboards.analytics.filters import (
    PAGE_FILTERS,
    AnalyticsFilters,
    add_months,
    apply,
    default_period,
    is_filtered,
    keep_orders,
    order_ids,
)
from dashboards.analytics.measures import pct, pct_column, total
from dashboards.analytics.viewer import ANALYTICS_PAGES

D = Decimal
ORDERS = pl.DataFrame(
    {
        "order_id": [1, 2, 3, 4],
        "sales_manager_id": [10, 11, 10, None],
        "lead_source_code": ["website", "tender", "tender", None],
        "customer_id": [100, 100, 101, 102],
        "agreed_date": [date(2025, 11, 30), date(2025, 12, 1), None, date(2026, 11, 28)],
        "agreed_month": [date(2025, 11, 1), date(2025, 12, 1), None, date(2026, 11, 1)],
    }
)


def test_no_filter_keeps_everything():
    assert apply(ORDERS, AnalyticsFilters(), date_column="agreed_date").equals(ORDERS)
    assert not is_filtered(AnalyticsFilters(date(2026, 1, 1), date(2026, 2, 1)))


def test_period_on_a_date_is_inclusive_and_drops_null_dates():
    f = AnalyticsFilters(date(2025, 12, 1), date(2026, 11, 28))
    got = apply(ORDERS, f, date_column="agreed_date")
    assert got.get_column("order_id").to_list() == [2, 4]


def test_period_on_a_month_column_counts_the_starting_month_whole():
    f = AnalyticsFilters(date(2025, 11, 15), date(2026, 10, 31))
    got = apply(ORDERS, f, date_column="agreed_month")
    assert got.get_column("order_id").to_list() == [1, 2]


def test_manager_source_customer_combine_with_and():
    f = AnalyticsFilters(None, None, manager_ids=(10,), source_codes=("tender",))
    assert apply(ORDERS, f, date_column=None).get_column("order_id").to_list() == [3]
    f = AnalyticsFilters(customer_ids=(100,))
    assert order_ids(ORDERS, f) == [1, 2]
    assert is_filtered(f)


def test_a_filter_without_its_column_is_not_applied():
    f = AnalyticsFilters(manager_ids=(10,), customer_ids=(100,))
    got = apply(ORDERS, f, date_column=None, manager_column=None)
    assert got.get_column("order_id").to_list() == [1, 2]
    no_customer = ORDERS.drop("customer_id")
    assert apply(no_customer, f, date_column=None).get_column("order_id").to_list() == [1, 3]


def test_keep_orders():
    assert keep_orders(ORDERS, None).equals(ORDERS)
    assert keep_orders(ORDERS, [4, 2]).get_column("order_id").to_list() == [2, 4]


def test_period_start_after_end_is_refused_in_russian():
    with pytest.raises(ValueError, match=r"Начало периода 02\.01\.2026 позже конца 01\.01\.2026"):
        AnalyticsFilters(date(2026, 1, 2), date(2026, 1, 1))


def test_default_period_is_twelve_calendar_months_to_as_of():
    assert default_period(date(2026, 11, 28)) == (date(2025, 12, 1), date(2026, 11, 28))
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 12, 5), 1) == date(2027, 1, 1)


def test_every_page_declares_its_filters():
    assert set(PAGE_FILTERS) == set(ANALYTICS_PAGES)
    assert all(kinds <= {"period", "manager", "source", "customer"} for kinds in
               PAGE_FILTERS.values())  # fmt: skip


def test_pct_rounds_half_away_from_zero_exactly():
    assert pct(D("1.00"), D("8.00")) == D("12.5")
    assert pct(D("5.35"), D("200")) == D("2.7")  # 2.675 -> 2.7 (a float would give 2.67...)
    assert pct(D("-1.00"), D("16.00")) == D("-6.3")  # -6.25 -> -6.3
    assert pct(D("1"), D("0")) is None and pct(None, D("1")) is None
    frame = pl.DataFrame({"p": [D("1.00"), D("2.00")], "c": [D("3.00"), D("0.00")]})
    got = pct_column(frame, "e", "p", "c").get_column("e").to_list()
    assert got == [D("33.3"), None]


def test_total_of_decimals():
    frame = pl.DataFrame({"a": [D("0.10"), D("0.20")]}, schema={"a": pl.Decimal(18, 2)})
    assert total(frame, "a") == D("0.30")
    assert total(frame.head(0), "a") == D("0.00")
    assert total(frame, "missing") is None


def test_xlsx_export_has_russian_headers_money_numbers_and_dates():
    frame = pl.DataFrame(
        {
            "order_number": ["З-2026-0001", "З-2026-0002"],
            "agreed_date": [date(2026, 11, 28), None],
            "net": [D("1234567.89"), D("-0.05")],
            "actual_margin_pct": [D("20.9"), None],
            "orders_count": [3, 0],
            "is_won": [True, False],
            "taken_at": [datetime(2026, 11, 28, 14, 35), None],
        },
        schema_overrides={"net": pl.Decimal(18, 2), "actual_margin_pct": pl.Decimal(9, 1)},
    )
    data = frame_to_xlsx(frame, {"order_number": "Заказ", "net": "Сумма без НДС"}, "Заказы")
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Заказы"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Заказ", "agreed_date", "Сумма без НДС", "actual_margin_pct",
                       "orders_count", "is_won", "taken_at")  # fmt: skip
    assert rows[1][0] == "З-2026-0001"
    assert rows[1][1] == datetime(2026, 11, 28)
    assert D(repr(rows[1][2])) == D("1234567.89") and D(repr(rows[2][2])) == D("-0.05")
    assert rows[1][3] == 20.9 and rows[2][3] is None
    assert rows[1][5] == "да" and rows[2][5] == "нет"
    assert rows[1][6] == datetime(2026, 11, 28, 14, 35)
    assert ws.cell(2, 3).number_format == MONEY_FORMAT
    assert ws.cell(2, 2).number_format == "dd.mm.yyyy"
    assert ws.cell(2, 4).number_format == "#,##0.0"
    assert len(rows) == 3


def test_xlsx_of_an_empty_frame_and_odd_sheet_names():
    frame = pl.DataFrame(schema={"net": pl.Decimal(18, 2)})
    book = openpyxl.load_workbook(io.BytesIO(frame_to_xlsx(frame, {}, "a/b:c" * 10)))
    assert book.sheetnames == [sheet_name("a/b:c" * 10)]
    assert len(book.sheetnames[0]) <= 31
    assert list(book.active.iter_rows(values_only=True)) == [("net",)]
