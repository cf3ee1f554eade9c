"""Batch pricing: every order line and every order's economics, by the pricing library."""

import dagster as dg
import polars as pl

from pipelines.defs.resources import ZakazPlant
from pipelines.pricing_inputs import (
    price_order_economics,
    price_order_lines,
    read_expenses,
    read_line_inputs,
    read_vat_table,
    write_parquet_atomically,
)
from pipelines.snapshot import connect_snapshot
from pipelines.warehouse import ORDER_PRICING_KEY, PRICED_ORDER_LINES_KEY, SNAPSHOT_KEY
from pricing import PricingError


def _priced(compute, *args) -> pl.DataFrame:
    """Run a pricing function; a PricingError (it names the line/order and field) fails the step
    with that message alone."""
    try:
        return compute(*args)
    except PricingError as exc:
        raise dg.Failure(description=f"ошибка расчёта цен: {exc}") from None


@dg.asset(
    key=PRICED_ORDER_LINES_KEY,
    deps=[SNAPSHOT_KEY],
    group_name="pricing",
    kinds={"polars", "parquet"},
    description=(
        "pipeline/priced_order_lines.parquet — one row per order line: weight, price, VAT, totals "
        "and planned/actual material cost from pricing.price_lines (pipelines/pricing_inputs.py)."
    ),
)
def priced_order_lines(plant: ZakazPlant) -> dg.MaterializeResult:
    paths = plant.paths
    with connect_snapshot(paths) as conn:
        lines = read_line_inputs(conn)
        vat_table = read_vat_table(conn)
    priced = _priced(price_order_lines, lines, vat_table)
    write_parquet_atomically(priced, paths.priced_order_lines)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(paths.priced_order_lines)),
            "dagster/row_count": priced.height,
            "line_total_sum": str(priced["line_total"].sum()),
        }
    )


@dg.asset(
    key=ORDER_PRICING_KEY,
    deps=[PRICED_ORDER_LINES_KEY, SNAPSHOT_KEY],
    group_name="pricing",
    kinds={"polars", "parquet"},
    description=(
        "pipeline/order_pricing.parquet — one row per order with lines or expenses: net, VAT, "
        "total, weight, expenses, planned and actual cost price, profit and efficiency "
        "(pricing.price_orders)."
    ),
)
def order_pricing(plant: ZakazPlant) -> dg.MaterializeResult:
    paths = plant.paths
    priced = pl.read_parquet(paths.priced_order_lines)
    with connect_snapshot(paths) as conn:
        expenses = read_expenses(conn)
    orders = _priced(price_order_economics, priced, expenses)
    write_parquet_atomically(orders, paths.order_pricing)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(paths.order_pricing)),
            "dagster/row_count": orders.height,
            "total_sum": str(orders["total"].sum()),
            "planned_profit_sum": str(orders["planned_profit"].sum()),
        }
    )
