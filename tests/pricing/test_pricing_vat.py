"""VAT rate: the table is data, the shipment date decides, an explicit rate wins."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from pricing_cases import lines_frame, worked_example

from pricing import (
    DEFAULT_VAT_TABLE,
    OrderInput,
    PricingError,
    VatTable,
    order_vat_rate,
    price_lines,
    price_order,
    resolve_vat_rate,
    vat_rate_expr,
)

D = Decimal

SWITCHES = [
    (date(2004, 1, 1), "0.18"),
    (date(2018, 12, 31), "0.18"),
    (date(2019, 1, 1), "0.20"),
    (date(2025, 12, 31), "0.20"),
    (date(2026, 1, 1), "0.22"),
    (date(2030, 6, 1), "0.22"),
]


@pytest.mark.parametrize(("day", "rate"), SWITCHES)
def test_table_rate_on_shipment_date(day, rate):
    assert DEFAULT_VAT_TABLE.rate_on(day) == D(rate)
    assert order_vat_rate(OrderInput(day, ())) == D(rate)


def test_default_table_comes_from_the_data_file():
    assert DEFAULT_VAT_TABLE.entries == (
        (date(2004, 1, 1), D("0.18")),
        (date(2019, 1, 1), D("0.20")),
        (date(2026, 1, 1), D("0.22")),
    )


def test_date_before_the_table_is_an_error():
    with pytest.raises(PricingError) as info:
        DEFAULT_VAT_TABLE.rate_on(date(2003, 12, 31))
    assert info.value.field == "shipment_date" and info.value.line_id is None
    assert str(info.value).startswith("заказ, поле shipment_date: нет ставки НДС на 2003-12-31")


def test_explicit_rate_wins_over_the_date():
    assert order_vat_rate(OrderInput(date(2026, 3, 1), (), vat_rate=D("0.1"))) == D("0.1")
    assert order_vat_rate(OrderInput(None, (), vat_rate=D("0"))) == D("0")


def test_no_date_and_no_rate_is_an_error():
    with pytest.raises(PricingError) as info:
        order_vat_rate(OrderInput(None, ()))
    assert (info.value.field, info.value.line_id) == ("shipment_date", None)
    assert "\n" not in str(info.value)


def test_a_custom_table_is_just_data():
    table = VatTable.from_csv("valid_from,rate\n2030-01-01,0.25\n2000-01-01,0.2\n")
    assert table.rate_on(date(2029, 12, 31)) == D("0.2")
    assert table.rate_on(date(2030, 1, 1)) == D("0.25")
    assert order_vat_rate(OrderInput(date(2031, 1, 1), ()), table) == D("0.25")


@pytest.mark.parametrize(
    "text",
    [
        "valid_from,rate\n",  # empty
        "valid_from,rate\n2019-01-01,0.2\n2019-01-01,0.22\n",  # duplicate date
        "valid_from,rate\n2019-01-01,1.5\n",  # rate out of range
        "valid_from,rate\n2019-13-01,0.2\n",  # bad date
        "valid_from,rate\n2019-01-01,abc\n",  # bad rate
    ],
)
def test_bad_tables_are_rejected(text):
    with pytest.raises(PricingError):
        VatTable.from_csv(text)


def test_frame_resolution_matches_the_scalar_table():
    days = [d for d, _ in SWITCHES]
    frame = pl.DataFrame(
        {
            "line_id": [str(i) for i in range(len(days) + 1)],
            "shipment_date": [*days, None],
            "vat_rate": pl.Series(
                [None] * (len(days) - 1) + [D("0.1"), D("0.05")], dtype=pl.Decimal(6, 2)
            ),
        }
    )
    resolved = resolve_vat_rate(frame)["vat_rate"].to_list()
    assert resolved[:-2] == [D(r) for _, r in SWITCHES[:-1]]
    assert resolved[-2:] == [D("0.1"), D("0.05")]  # explicit wins, with or without a date
    # The expression alone (no explicit column): table rate, null before the table.
    just_dates = pl.DataFrame({"d": [date(2003, 1, 1), date(2026, 1, 1)]})
    rates = just_dates.select(vat_rate_expr(pl.col("d"))).to_series().to_list()
    assert rates == [None, D("0.22")]


def test_frame_resolution_errors_name_the_line():
    frame = pl.DataFrame({"line_id": ["a", "b"], "shipment_date": [date(2026, 1, 1), None]})
    with pytest.raises(PricingError) as info:
        resolve_vat_rate(frame)
    assert (info.value.line_id, info.value.field) == ("b", "shipment_date")
    early = pl.DataFrame({"line_id": ["x"], "shipment_date": [date(1999, 1, 1)]})
    with pytest.raises(PricingError, match=r"^строка x, поле shipment_date: нет ставки НДС"):
        resolve_vat_rate(early)


@pytest.mark.parametrize(
    ("day", "vat"),
    [
        (date(2018, 12, 31), "10697.10"),  # 18 %
        (date(2019, 1, 1), "11885.67"),  # 20 %
        (date(2025, 12, 31), "11885.67"),
        (date(2026, 1, 1), "13074.23"),  # 22 %
    ],
)
def test_whole_order_vat_switches_with_the_shipment_date_in_both_apis(day, vat):
    order = replace(worked_example(), shipment_date=day)
    assert price_order(order).vat == D(vat)
    frame = lines_frame([(1, order)]).drop("vat_rate").with_columns(shipment_date=pl.lit(day))
    priced = price_lines(resolve_vat_rate(frame))
    assert sum(priced["line_vat"].to_list()) == D(vat)
