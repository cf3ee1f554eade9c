"""The consistent copy of the operational store that every later stage reads."""

import dagster as dg

from pipelines.defs.resources import ZakazPlant
from pipelines.snapshot import connect_snapshot, table_counts, take_snapshot
from pipelines.warehouse import SNAPSHOT_KEY

COUNTED_TABLES = ["orders", "order_lines", "invoices", "payments", "status_events"]


@dg.asset(
    key=SNAPSHOT_KEY,
    group_name="store",
    kinds={"duckdb"},
    description=(
        "snapshots/app_snapshot.duckdb: a consistent copy of app.duckdb taken in one short read "
        "under the store's shared lock (ingest.store.copy.copy_store). dbt attaches it read-only "
        "as catalog `app`; the pricing assets and the checks read it, never app.duckdb."
    ),
)
def app_snapshot(plant: ZakazPlant) -> dg.MaterializeResult:
    info = take_snapshot(plant.paths)
    with connect_snapshot(plant.paths) as conn:
        counts = table_counts(conn, COUNTED_TABLES)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(info.path),
            "taken_at": info.taken_at,
            "copy_seconds": info.seconds,
            "bytes": info.bytes,
            "store_marker": info.store_marker,
            "dagster/row_count": counts["orders"],
            **{f"rows_{table}": n for table, n in counts.items()},
        }
    )
