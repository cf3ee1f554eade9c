"""The column formatting in Polars gives exactly the texts of dashboards/ui/format.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards.analytics.frame_format import date_text, decimal_text, names_of
from dashboards.analytics.widgets import display_frame
from dashboards.ui.format import EMPTY, day, money, number

AMOUNTS = st.one_of(
    st.none(),
    st.decimals(min_value=Decimal("-99999999999.99"), max_value=Decimal("99999999999.99"),
                places=2, allow_nan=False, allow_infinity=False),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(AMOUNTS, min_size=1, max_size=30))
def test_money_and_numbers_match_the_per_cell_formatting(values):
    frame = pl.DataFrame({"amount": values}, schema={"amount": pl.Decimal(18, 2)})
    shown = frame.select(decimal_text("amount", 2, currency=True)).get_column("amount")
    assert shown.to_list() == [money(v) for v in values]
    plain = frame.select(decimal_text("amount", 2, currency=False)).get_column("amount")
    assert plain.to_list() == [number(v, 2) for v in values]


def test_edge_values_and_other_scales():
    values = [Decimal("0.00"), Decimal("-0.05"), Decimal("999.99"), Decimal("1000.00"),
              Decimal("-1234567.80"), None]  # fmt: skip
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Decimal(18, 2)})
    assert frame.select(decimal_text("v", 2, currency=True))["v"].to_list() == [
        "0,00 ₽", "-0,05 ₽", "999,99 ₽", "1 000,00 ₽", "-1 234 567,80 ₽", EMPTY,
    ]  # fmt: skip
    days = pl.DataFrame({"d": [Decimal("20.9"), Decimal("-3.0")]}, schema={"d": pl.Decimal(9, 1)})
    assert days.select(decimal_text("d", 1, currency=False))["d"].to_list() == ["20,9", "-3,0"]


def test_dates_and_names():
    frame = pl.DataFrame({"when": [date(2026, 11, 28), None], "status": ["agreed", None]})
    assert frame.select(date_text("when"))["when"].to_list() == [day(date(2026, 11, 28)), EMPTY]
    calls = []

    def name_of(code):
        calls.append(code)
        return code.upper()

    big = pl.DataFrame({"status": ["agreed", "need"] * 500 + [None]})
    assert big.select(names_of(big, "status", name_of))["status"].to_list()[:3] == [
        "AGREED", "NEED", "AGREED",
    ]  # fmt: skip
    assert sorted(calls) == ["agreed", "need"]  # one look-up per distinct code, not per row


def test_display_frame_keeps_days_and_ratios_without_the_rouble_sign():
    frame = pl.DataFrame(
        {"net": [Decimal("1500.00")], "avg_days_in_status": [Decimal("1.69")],
         "positions_per_order": [Decimal("4.25")]},
        schema={"net": pl.Decimal(18, 2), "avg_days_in_status": pl.Decimal(18, 2),
                "positions_per_order": pl.Decimal(18, 2)},
    )  # fmt: skip
    assert display_frame(frame).row(0) == ("1 500,00 ₽", "1,69", "4,25")
