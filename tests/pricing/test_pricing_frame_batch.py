"""Frame API edge cases (empty frames, expense-only orders) and a large-batch smoke test."""

import time
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from pricing_cases import lines_frame, worked_example

from pricing import OrderInput, price_lines, price_order, price_orders

D = Decimal


def test_empty_frames():
    empty = lines_frame([(1, OrderInput(date(2026, 1, 1), ()))])
    priced = price_lines(empty)
    assert priced.height == 0 and "line_total" in priced.columns
    assert price_orders(priced, pl.DataFrame()).height == 0


def test_expenses_without_any_lines():
    priced = price_lines(lines_frame([(1, OrderInput(date(2026, 1, 1), ()))]))
    expenses = pl.DataFrame(
        {
            "order_id": [3],
            "category": ["logistics"],
            "planned": [D("10.00")],
            "actual": [D("12.50")],
        },
        schema_overrides={"planned": pl.Decimal(18, 2), "actual": pl.Decimal(18, 2)},
    )
    row = price_orders(priced, expenses).row(0, named=True)
    assert (row["order_id"], row["actual_cost_price"], row["actual_profit"]) == (
        3,
        D("12.50"),
        D("-12.50"),
    )
    assert row["actual_efficiency_pct"] == D("-100.0")


def test_many_orders_keep_their_own_sums():
    orders = [(n, worked_example()) for n in (10, 20, 30)]
    out = price_orders(price_lines(lines_frame(orders)), pl.DataFrame())
    expected = price_order(worked_example())
    assert out["order_id"].to_list() == [10, 20, 30]
    assert out["net"].to_list() == [expected.net] * 3


@pytest.mark.slow
def test_one_million_lines_price_quickly():
    base = lines_frame([(1, worked_example())])
    n = 1_000_000
    frame = base.select(pl.all().gather(pl.int_range(n) % base.height)).with_columns(
        pl.int_range(pl.len()).alias("line_id"),
        (pl.int_range(pl.len()) // 10).alias("order_id"),
        (pl.int_range(pl.len()) % 50 + 1).alias("quantity"),
    )
    start = time.perf_counter()
    priced = price_lines(frame)
    orders = price_orders(priced, pl.DataFrame())
    elapsed = time.perf_counter() - start
    assert priced.height == n and orders.height == n // 10
    print(f"1M lines: {elapsed:.2f}s")
    assert elapsed < 10, f"{elapsed:.1f}s"  # about 0.7 s measured on 2 cores
