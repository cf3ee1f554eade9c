"""Checks of the published marts against the store snapshot they were built from."""

import dagster as dg

from pipelines.defs.resources import ZakazPlant
from pipelines.published import open_published
from pipelines.quality import check_result, payment_totals_mismatch
from pipelines.snapshot import connect_snapshot
from pipelines.warehouse import PUBLISHED_KEY


@dg.asset_check(
    asset=PUBLISHED_KEY,
    description=(
        "The published marts hold every payment and invoice of the snapshot: count and amount of "
        "payments (payments_by_month) and of invoices (invoices) equal the store's."
    ),
)
def mart_payment_totals_reconcile_with_store(plant: ZakazPlant) -> dg.AssetCheckResult:
    with open_published(plant.home) as marts, connect_snapshot(plant.paths) as snapshot:
        finding = payment_totals_mismatch(marts, snapshot)
    return check_result(finding, "расхождения витрин с базой по платежам и счетам")
