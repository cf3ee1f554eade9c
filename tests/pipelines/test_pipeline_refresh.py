"""Real refreshes of the demo plant: every asset and check, the published marts, `zakaz run`
again (through the pipeline bench, with a reader in a loop), and the failures it must name."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from pipeline_plant import AS_OF, copy_plant

from pipelines.freshness import REFRESH_TAG_KEY, REFRESH_TAG_VALUE
from pipelines.publish import Build, publish_marts
from pipelines.published import open_published, published_info, read_publish_info
from pipelines.warehouse import (
    ORDER_PRICING_KEY,
    PRICED_ORDER_LINES_KEY,
    PUBLISHED_KEY,
    SNAPSHOT_KEY,
)

REPO = Path(__file__).resolve().parents[2]
NAMED_CHECKS = {
    "order_total_equals_sum_of_lines",
    "no_negative_quantities",
    "payments_do_not_exceed_invoices",
    "every_open_order_has_a_responsible_manager",
    "mart_payment_totals_reconcile_with_store",
}


def zakaz(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ZAKAZ_HOME", "DAGSTER_HOME")}
    return subprocess.run(
        [sys.executable, "-m", "zakaz.cli", *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO,
    )  # fmt: skip


def mart_digests(home: Path) -> dict[str, str]:
    """A digest of every published mart's rows (order-independent)."""
    with open_published(home) as conn:
        info = read_publish_info(conn)
        return {
            mart: conn.execute(
                f"SELECT md5(coalesce(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR), '')) "
                f"FROM marts.{mart} AS t"
            ).fetchone()[0]
            for mart in info.rows
        }


@pytest.fixture(scope="module")
def definitions(pipeline_env):
    from pipelines.definitions import defs

    return defs()


def test_every_asset_and_check_of_the_refresh_succeeds(first_refresh, definitions, demo_home):
    report = first_refresh
    assert report.ok, report.failures
    assert all(s.status == "success" for s in report.stages), report.stages
    materialized = {key for s in report.stages for key in s.assets}
    job = definitions.resolve_job_def("refresh_analytics")
    expected = {k.to_user_string() for k in job.asset_layer.asset_graph.materializable_asset_keys}
    assert materialized == expected
    checks = {c.name: c for c in report.checks}
    assert NAMED_CHECKS <= set(checks)
    assert all(c.passed for c in report.checks), [c for c in report.checks if not c.passed]
    assert len(report.checks) >= 100  # dbt's data tests are checks too

    instance = dg.DagsterInstance.get()
    run = instance.get_run_by_id(report.run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags[REFRESH_TAG_KEY] == REFRESH_TAG_VALUE
    assert Path(os.environ["DAGSTER_HOME"]) == demo_home / "dagster"
    assert (demo_home / "dagster" / "dagster.yaml").exists()


def test_asset_keys_are_the_schema_and_table_they_write(first_refresh, definitions, demo_home):
    graph = definitions.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"snapshots/app_snapshot", "pricing/priced_order_lines", "pricing/order_pricing",
            "published/marts"} <= keys  # fmt: skip

    def parents(key: str) -> set[dg.AssetKey]:
        return graph.get(dg.AssetKey(key.split("/"))).parent_keys

    assert SNAPSHOT_KEY in parents("staging/stg_app__orders")
    assert PRICED_ORDER_LINES_KEY in parents("staging/stg_pricing__priced_order_lines")
    assert ORDER_PRICING_KEY in parents("staging/stg_pricing__order_pricing")
    marts = {k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert graph.get(PUBLISHED_KEY).parent_keys == marts

    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as wh:
        written = {
            f"{schema}/{table}"
            for schema, table in wh.execute(
                "SELECT table_schema, table_name FROM information_schema.tables"
            ).fetchall()
        }
    dbt_keys = {k for k in keys if k.split("/")[0] in ("staging", "intermediate", "marts")}
    assert dbt_keys and dbt_keys <= written


def test_published_marts_equal_the_warehouse_marts(first_refresh, demo_home):
    info = published_info(demo_home)
    assert info is not None and info.as_of == AS_OF and info.snapshot_taken_at is not None
    with open_published(demo_home) as conn:
        conn.execute(f"ATTACH '{demo_home / 'warehouse.duckdb'}' AS wh (READ_ONLY)")
        for mart, rows in info.rows.items():
            assert conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] == rows
            for a, b in (("marts", "wh.marts"), ("wh.marts", "marts")):
                extra = conn.execute(
                    f"SELECT count(*) FROM (FROM {a}.{mart} EXCEPT ALL FROM {b}.{mart})"
                ).fetchone()[0]
                assert extra == 0, (mart, a, b)
    assert info.rows["order_economics"] == 1600 and info.rows["invoices"] > 0
    assert [p.name for p in (demo_home / "published").iterdir()] == ["marts.duckdb"]


def test_the_pricing_assets_wrote_the_contract_files(first_refresh, demo_home, tmp_path):
    from pipelines.pricing_inputs import write_pricing_sources

    counts = write_pricing_sources(demo_home / "snapshots" / "app_snapshot.duckdb", tmp_path)
    assert counts == {"priced_order_lines": 6701, "order_pricing": 1600}
    for name in counts:
        written = demo_home / "pipeline" / f"{name}.parquet"
        assert pl.read_parquet(tmp_path / f"{name}.parquet").equals(pl.read_parquet(written))
    with duckdb.connect() as conn:  # the types dbt's sources see
        types = dict(
            conn.execute(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                [str(demo_home / "pipeline" / "priced_order_lines.parquet")],
            ).fetchall()
        )
    assert types["price_per_kg"] == "DECIMAL(18,2)" and types["vat_rate"] == "DECIMAL(6,4)"
    assert types["line_weight_kg"] == "DECIMAL(18,3)" and types["actual_cost"] == "DECIMAL(18,2)"
    assert types["line_id"] == "BIGINT" and types["quantity"] == "INTEGER"


def test_zakaz_run_again_gives_identical_marts_equal_to_the_raw_script_and_whole_reads(
    first_refresh, demo_home, tmp_path
):
    """`zakaz run` on the published plant, run by bench/pipeline_scale.py: the one run checks the
    command's second run (same marts, every stage printed, a reader never sees half of two
    builds) and the bench (stage times from the run's event log, the raw SQL script's marts
    equal the published ones). A pipeline run costs minutes of CPU in CI, so it is not run twice.
    """
    work = tmp_path / "bench"
    plant = work / "scale-1"  # the bench's folder for scale 1; --reuse takes the plant there
    shutil.copytree(demo_home, plant)
    before, first_build = mart_digests(plant), published_info(plant).build_id
    seen_builds: set[str] = set()
    errors: list[str] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                with open_published(plant) as conn:  # one whole build per connection
                    info = read_publish_info(conn)
                    for mart, rows in info.rows.items():
                        n = conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0]
                        if n != rows:
                            errors.append(f"{info.build_id} {mart}: {n} != {rows}")
                    seen_builds.add(info.build_id)
                reads += 1
            except Exception as exc:
                errors.append(repr(exc))
            time.sleep(0.25)  # ~3 reads/s: the swap is one rename; leave the cores to the run

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        done = subprocess.run(
            [sys.executable, "bench/pipeline_scale.py", "--scales", "1", "--runs", "1",
             "--work", str(work), "--reuse", "--json"],
            capture_output=True, text=True, cwd=REPO, timeout=1500,
        )  # fmt: skip
        time.sleep(0.6)  # let the reader open the new file at least once
    finally:
        stop.set()
        thread.join(timeout=30)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = (work / "scale-1-run1.log").read_text(encoding="utf-8")  # zakaz run's stdout+stderr
    for stage in ("snapshots/app_snapshot", "pricing/priced_order_lines", "pricing/order_pricing",
                  "dbt build", "published/marts", "проверки: пройдено", "Готово за"):  # fmt: skip
        assert stage in out, out
    assert "строк 6 701" in out  # the priced lines of the demo plant
    assert "Traceback" not in out and "Warning" not in out, out
    assert errors == [] and reads > 10
    second_build = published_info(plant).build_id
    assert second_build != first_build and {first_build, second_build} <= seen_builds
    assert mart_digests(plant) == before

    (result,) = json.loads(done.stdout)["results"]
    assert result["generate"] is None  # the copied plant was used
    assert result["identical"] is True
    assert len(result["marts"]) >= 14
    assert all(m["identical"] and m["rows_raw"] == m["rows_published"] for m in result["marts"])
    (run,) = result["runs"]
    assert run["ok"]
    for stage in ("snapshot", "pricing_lines", "pricing_orders", "checks", "dbt", "publish"):
        assert run["stages"][stage] > 0
    assert run["dbt"]["models"] >= 14 and run["dbt"]["tests"] > 0
    assert result["raw"]["best_s"] > 0
    assert (work / "raw-1" / "raw_marts.sql").read_text().count("CREATE TABLE") >= 14


def test_zakaz_run_names_the_failing_asset_and_publishes_nothing(demo_home, tmp_path):
    store = copy_plant(demo_home, tmp_path / "broken")
    with store.write() as tx:  # a grade imported without its density, used by a line
        tx.execute(
            "UPDATE materials SET density_kg_m3 = NULL, needs_review = TRUE "
            "WHERE id = (SELECT material_id FROM order_lines ORDER BY id LIMIT 1)"
        )
    result = zakaz("run", "--home", str(store.paths.home), "--as-of", AS_OF.isoformat())
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "pricing/priced_order_lines" in lines[0] and "density_kg_m3" in lines[0], lines[0]
    assert "snapshots/app_snapshot" in result.stdout  # the stages before it are shown
    assert not (store.paths.home / "published" / "marts.duckdb").exists()


def test_zakaz_run_without_a_plant_says_so(tmp_path):
    result = zakaz("run", "--home", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "nowhere" in result.stderr


def test_failed_checks_on_a_snapshot_are_real(demo_home, tmp_path):
    from pipelines.defs.snapshot.assets import app_snapshot
    from pipelines.defs.snapshot.checks import (
        every_open_order_has_a_responsible_manager,
        no_negative_quantities,
        payments_do_not_exceed_invoices,
    )
    from pipelines.plant import ZakazPlant
    from pipelines.refresh import report_from_logs

    store = copy_plant(demo_home, tmp_path / "dirty")
    with store.write() as tx:
        tx.execute("UPDATE shipments SET weight_kg = -5 WHERE id = (SELECT min(id) FROM shipments)")
        tx.execute(
            "UPDATE orders SET sales_manager_id = NULL "
            "WHERE id = (SELECT min(id) FROM orders WHERE status = 'production')"
        )
        invoice = tx.execute("SELECT id, order_id, amount FROM invoices LIMIT 1").fetchone()
        tx.execute(
            "INSERT INTO payments (id, order_id, invoice_id, payment_date, amount, source, "
            "created_at) SELECT max(id) + 1, ?, ?, DATE '2026-11-27', ?, 'manual', now() "
            "FROM payments",
            [invoice[1], invoice[0], invoice[2] * 2],
        )
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [
                app_snapshot,
                every_open_order_has_a_responsible_manager,
                no_negative_quantities,
                payments_do_not_exceed_invoices,
            ],
            resources={"plant": ZakazPlant(home=str(store.paths.home), as_of="2026-11-28")},
            instance=instance,
        )
        assert result.success  # failed checks are findings, not crashes
        report = report_from_logs(instance.all_logs(result.run_id), result.run_id, True)
    outcome = {c.name: c for c in report.checks}
    assert not outcome["no_negative_quantities"].passed
    assert "shipments" in outcome["no_negative_quantities"].description
    assert not outcome["every_open_order_has_a_responsible_manager"].passed
    overpaid = outcome["payments_do_not_exceed_invoices"]
    assert not overpaid.passed and overpaid.severity == "WARN"
    assert str(invoice[1]) in overpaid.description
    assert not report.ok and len(report.failures) == 2 and report.warnings == [overpaid]


def test_a_failed_publish_keeps_the_old_marts_and_leaves_no_temporary(tmp_path):
    from datetime import datetime

    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "published"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("CREATE SCHEMA marts; CREATE TABLE marts.a AS SELECT range AS x FROM range(3)")
    build = Build("b1", datetime(2026, 11, 28, 10), AS_OF, None)
    first = publish_marts(warehouse, published, build, marts=["a"])
    assert first.rows == {"a": 3}
    with pytest.raises(RuntimeError, match="нет витрин: b"):
        publish_marts(warehouse, published, Build("b2", build.built_at, AS_OF, None), ["a", "b"])
    assert sorted(p.name for p in published.iterdir()) == ["marts.duckdb"]
    assert published_info(tmp_path).build_id == "b1"


def test_zakaz_run_refuses_while_a_refresh_is_running(first_refresh, demo_home):
    from dagster._core.test_utils import create_run_for_test

    from pipelines.freshness import REFRESH_TAGS
    from pipelines.refresh import RefreshBusyError, run_refresh

    instance = dg.DagsterInstance.get()  # the plant's own ({home}/dagster)
    running = create_run_for_test(
        instance, job_name="refresh_analytics", status=dg.DagsterRunStatus.STARTED,
        tags={**REFRESH_TAGS, "zakaz/trigger": "store_change"},
    )  # fmt: skip
    try:
        with pytest.raises(RefreshBusyError, match=running.run_id[:8]):
            run_refresh(demo_home, AS_OF)
    finally:
        instance.report_run_failed(running)
