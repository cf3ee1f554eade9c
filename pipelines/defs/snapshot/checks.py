"""Checks of the store's own data, run on the snapshot."""

import dagster as dg

from pipelines.defs.resources import ZakazPlant
from pipelines.quality import (
    check_result,
    negative_quantities,
    open_orders_without_manager,
    overpaid_orders,
)
from pipelines.snapshot import connect_snapshot
from pipelines.warehouse import SNAPSHOT_KEY


@dg.asset_check(
    asset=SNAPSHOT_KEY,
    description="Every open order has a responsible sales manager who is an active user.",
)
def every_open_order_has_a_responsible_manager(plant: ZakazPlant) -> dg.AssetCheckResult:
    with connect_snapshot(plant.paths) as conn:
        finding = open_orders_without_manager(conn)
    return check_result(finding, "открытые заказы без активного ответственного менеджера")


@dg.asset_check(
    asset=SNAPSHOT_KEY,
    description="No line quantity, procurement mass or shipment weight in the store is negative.",
)
def no_negative_quantities(plant: ZakazPlant) -> dg.AssetCheckResult:
    with connect_snapshot(plant.paths) as conn:
        finding = negative_quantities(conn)
    return check_result(finding, "отрицательные количества и массы")


@dg.asset_check(
    asset=SNAPSHOT_KEY,
    description="No order is paid more than it was invoiced (a warning: money to return).",
)
def payments_do_not_exceed_invoices(plant: ZakazPlant) -> dg.AssetCheckResult:
    with connect_snapshot(plant.paths) as conn:
        finding = overpaid_orders(conn)
    return check_result(
        finding, "заказы, оплаченные сверх выставленных счетов", dg.AssetCheckSeverity.WARN
    )
