"""The pure parts of the dbt wiring: asset keys of manifest nodes, dbt's environment, and the
one-line summary of a failed dbt build."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg

from pipelines.paths import PipelinePaths
from pipelines.warehouse import (
    PRICED_ORDER_LINES_KEY,
    SNAPSHOT_KEY,
    asset_key_for,
    dbt_env,
    dbt_failures,
)


def test_models_are_keyed_by_schema_and_table_and_sources_by_our_assets():
    model = {"resource_type": "model", "schema": "marts", "name": "invoices", "alias": "invoices"}
    assert asset_key_for(model) == dg.AssetKey(["marts", "invoices"])
    aliased = {**model, "schema": "staging", "name": "stg_x", "alias": "x"}
    assert asset_key_for(aliased) == dg.AssetKey(["staging", "x"])
    app = {"resource_type": "source", "source_name": "app", "name": "orders"}
    assert asset_key_for(app) == SNAPSHOT_KEY
    priced = {"resource_type": "source", "source_name": "pricing", "name": "priced_order_lines"}
    assert asset_key_for(priced) == PRICED_ORDER_LINES_KEY


def test_dbt_reads_the_plants_files():
    env = dbt_env(PipelinePaths(Path("/plant")), date(2026, 11, 28))
    assert env == {
        "ZAKAZ_WAREHOUSE_PATH": "/plant/warehouse.duckdb",
        "ZAKAZ_SNAPSHOT_PATH": "/plant/snapshots/app_snapshot.duckdb",
        "ZAKAZ_PIPELINE_DIR": "/plant/pipeline",
        "ZAKAZ_AS_OF": "2026-11-28",
    }


def test_a_failed_build_is_summarised_by_node():
    run_results = {
        "results": [
            {"unique_id": "model.zakaz.invoices", "status": "success", "message": "OK"},
            {"unique_id": "model.zakaz.late_orders", "status": "error",
             "message": "Binder Error:\n  column x not found"},
            {"unique_id": "test.zakaz.unique_invoices_invoice_id.abc", "status": "fail",
             "message": "Got 2 results, configured to fail if != 0"},
            {"unique_id": "model.zakaz.order_economics", "status": "skipped", "message": None},
        ]
    }  # fmt: skip
    assert dbt_failures(run_results) == [
        "model late_orders: Binder Error: column x not found",
        "test unique_invoices_invoice_id: Got 2 results, configured to fail if != 0",
    ]
    assert dbt_failures({}) == []
