"""Checks of the pricing assets' output."""

import dagster as dg
import duckdb

from pipelines.defs.resources import ZakazPlant
from pipelines.quality import check_result, order_total_mismatches
from pipelines.snapshot import duckdb_config
from pipelines.warehouse import ORDER_PRICING_KEY


@dg.asset_check(
    asset=ORDER_PRICING_KEY,
    blocking=True,  # inconsistent totals must never reach the dashboards
    description=(
        "Each order's net, VAT and total equal the sums of its priced lines, and total = net + VAT."
    ),
)
def order_total_equals_sum_of_lines(plant: ZakazPlant) -> dg.AssetCheckResult:
    paths = plant.paths
    with duckdb.connect(":memory:", config=duckdb_config()) as conn:
        finding = order_total_mismatches(conn, paths.priced_order_lines, paths.order_pricing)
    return check_result(finding, "заказы, чьи суммы не равны суммам строк")
