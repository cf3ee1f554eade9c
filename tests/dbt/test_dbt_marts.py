"""dbt_project against a demo plant: build with every test and unit test, reconcile the marts with
independent SQL over the store snapshot, rebuild to identical marts, generate the docs offline.

One demo plant (scale 1) and one `dbt build` per module; dbt runs as a subprocess, exactly as the
pipeline runs it, with its target and logs in the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.store import Store
from ingest.store.copy import copy_store
from pipelines.pricing_inputs import write_pricing_sources
from zakaz.demo import build_demo_plant

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
AS_OF = date(2026, 11, 28)
MARTS = {
    "report_as_of", "invoices", "payment_steps", "payments_by_month", "order_economics",
    "order_economics_by_month", "order_economics_by_customer", "lead_sources",
    "sales_manager_months", "order_status_durations", "pipeline_statuses", "late_orders",
    "overdue_tasks", "overdue_tasks_by_department", "payments", "order_funnel", "order_expenses",
    "expenses_by_category",
}  # fmt: skip


@dataclass(frozen=True)
class Workspace:
    root: Path
    snapshot: Path
    warehouse: Path
    pipeline_dir: Path
    target: Path

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "ZAKAZ_WAREHOUSE_PATH": str(self.warehouse),
            "ZAKAZ_SNAPSHOT_PATH": str(self.snapshot),
            "ZAKAZ_PIPELINE_DIR": str(self.pipeline_dir),
            "ZAKAZ_AS_OF": AS_OF.isoformat(),
            "DBT_TARGET_PATH": str(self.target),
            "DBT_LOG_PATH": str(self.root / "dbt_logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }


def run_dbt(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DBT), *args, "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT)],
        env=ws.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextmanager
def warehouse(ws: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    """The built warehouse (read only) with the snapshot attached as `app`, closed afterwards."""
    con = duckdb.connect(str(ws.warehouse), read_only=True)
    try:
        con.execute(f"ATTACH '{ws.snapshot}' AS app (READ_ONLY)")
        yield con
    finally:
        con.close()


@pytest.fixture(scope="module")
def dbt_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("dbt_marts")
    store = Store.open(root / "plant")
    store.create()
    build_demo_plant(store, scale=1, as_of=AS_OF)
    ws = Workspace(
        root=root,
        snapshot=root / "snapshot.duckdb",
        warehouse=root / "warehouse.duckdb",
        pipeline_dir=root / "pipeline",
        target=root / "dbt_target",
    )
    copy_store(store, ws.snapshot)
    write_pricing_sources(ws.snapshot, ws.pipeline_dir)
    return ws


@pytest.fixture(scope="module")
def dbt_built(dbt_workspace: Workspace) -> Workspace:
    result = run_dbt(dbt_workspace, "build")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return dbt_workspace


def _manifest(ws: Workspace) -> dict:
    return json.loads((ws.target / "manifest.json").read_text(encoding="utf-8"))


def test_dbt_build_runs_every_test_and_unit_test(dbt_built: Workspace) -> None:
    results = json.loads((dbt_built.target / "run_results.json").read_text(encoding="utf-8"))
    statuses = {
        r["unique_id"]: r["status"]
        for r in results["results"]
        if not r["unique_id"].startswith("exposure.")  # exposures report "no-op"
    }
    assert all(s in ("success", "pass") for s in statuses.values()), {
        k: s for k, s in statuses.items() if s not in ("success", "pass")
    }
    manifest = _manifest(dbt_built)
    unit_tests = set(manifest["unit_tests"])
    data_tests = {k for k, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    assert unit_tests and unit_tests <= set(statuses), "every unit test ran"
    assert data_tests <= set(statuses), "every data test ran"
    singular = [
        k
        for k in data_tests
        if manifest["nodes"][k]["original_file_path"].startswith("tests/")
        and "generic" not in manifest["nodes"][k]["original_file_path"]
    ]
    assert len(singular) >= 5


def test_every_mart_states_its_grain_and_has_unit_tests(dbt_built: Workspace) -> None:
    manifest = _manifest(dbt_built)
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    marts = {name for name, n in models.items() if n["schema"] == "marts"}
    assert marts == MARTS
    for name, node in models.items():
        assert node["description"].startswith("Grain:"), name
    tested = {u["model"] for u in manifest["unit_tests"].values()}
    assert marts - {"report_as_of"} <= tested, marts - tested
    exposures = {e["label"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {
        "Overview", "Payments", "Lead sources", "Sales managers", "Order economics", "Process",
    }  # fmt: skip
    for exposure in exposures.values():
        assert exposure["type"] == "dashboard" and exposure["owner"]["email"]
        assert exposure["depends_on"]["nodes"]


def test_marts_hold_no_floating_point(dbt_built: Workspace) -> None:
    with warehouse(dbt_built) as con:
        bad = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND data_type IN ('DOUBLE', 'FLOAT', 'HUGEINT')"
        ).fetchall()
        money = con.execute(
            "SELECT DISTINCT data_type FROM information_schema.columns WHERE table_schema = "
            "'marts' AND regexp_matches(column_name, '(amount|revenue|profit|cost_price|net)$')"
        ).fetchall()
    assert bad == []
    assert money == [("DECIMAL(18,2)",)]


def test_payments_per_month_reconcile(dbt_built: Workspace) -> None:
    with warehouse(dbt_built) as con:
        store = dict(
            con.execute(
                "SELECT CAST(date_trunc('month', payment_date) AS DATE), sum(amount) "
                "FROM app.main.payments GROUP BY 1"
            ).fetchall()
        )
        mart = dict(
            con.execute(
                "SELECT month_start, received_amount FROM marts.payments_by_month "
                "WHERE payment_count > 0"
            ).fetchall()
        )
        total = con.execute("SELECT sum(received_amount) FROM marts.payments_by_month").fetchone()
    assert len(store) > 6
    assert mart == store
    assert total[0] == sum(store.values())


def test_planned_payments_per_month_reconcile(dbt_built: Workspace) -> None:
    """Planned = steps of not-cancelled orders, dated by the event (or the planned shipment)."""
    with warehouse(dbt_built) as con:
        store = dict(
            con.execute(
                """
                SELECT CAST(date_trunc('month', d) AS DATE), sum(amount) FROM (
                    SELECT s.amount, coalesce(CASE s.base_event WHEN 'agreed' THEN o.agreed_date
                        WHEN 'shipped' THEN o.actual_shipment_date
                        ELSE o.delivered_date END, CASE WHEN s.base_event <> 'agreed'
                        THEN o.planned_shipment_date END) + s.offset_days AS d
                    FROM app.main.payment_steps s JOIN app.main.orders o ON o.id = s.order_id
                    WHERE o.status <> 'cancelled')
                WHERE d IS NOT NULL GROUP BY 1
                """
            ).fetchall()
        )
        mart = dict(
            con.execute(
                "SELECT month_start, planned_amount FROM marts.payments_by_month "
                "WHERE planned_step_count > 0"
            ).fetchall()
        )
    assert mart == store


def test_quotes_per_manager_and_month_reconcile(dbt_built: Workspace) -> None:
    with warehouse(dbt_built) as con:
        store = {
            (m, month): (n, total)
            for m, month, n, total in con.execute(
                "SELECT issued_by, CAST(date_trunc('month', issued_at) AS DATE), count(*), "
                "sum(total) FROM app.main.quotes GROUP BY 1, 2"
            ).fetchall()
        }
        mart = {
            (m, month): (n, total)
            for m, month, n, total in con.execute(
                "SELECT sales_manager_id, month_start, quotes_issued_count, quotes_issued_total "
                "FROM marts.sales_manager_months WHERE quotes_issued_count > 0"
            ).fetchall()
        }
    assert len(store) > 20
    assert mart == store


def test_outstanding_per_invoice_reconciles(dbt_built: Workspace) -> None:
    with warehouse(dbt_built) as con:
        store = dict(
            con.execute(
                "SELECT i.id, greatest(i.amount - coalesce(sum(p.amount), 0), 0) "
                "FROM app.main.invoices i LEFT JOIN app.main.payments p ON p.invoice_id = i.id "
                "GROUP BY i.id, i.amount"
            ).fetchall()
        )
        mart = dict(
            con.execute("SELECT invoice_id, outstanding_amount FROM marts.invoices").fetchall()
        )
        overdue = con.execute(
            "SELECT count(*) FILTER (WHERE collection_status = 'overdue'), "
            "count(*) FILTER (WHERE outstanding_amount > 0 AND due_date < ?) FROM marts.invoices",
            [AS_OF],
        ).fetchone()
    assert mart == store
    assert any(v > 0 for v in store.values())
    assert overdue[0] == overdue[1] > 0


def test_lead_source_needs_and_paid_revenue_reconcile(dbt_built: Workspace) -> None:
    with warehouse(dbt_built) as con:
        store = {
            code: (needs, paid)
            for code, needs, paid in con.execute(
                "SELECT ls.code, count(DISTINCT o.id), coalesce(sum(p.amount), 0) "
                "FROM app.main.lead_sources ls "
                "LEFT JOIN app.main.orders o ON o.lead_source_id = ls.id "
                "LEFT JOIN app.main.payments p ON p.order_id = o.id GROUP BY ls.code"
            ).fetchall()
        }
        mart = {
            code: (needs, paid)
            for code, needs, paid in con.execute(
                "SELECT lead_source_code, needs_count, paid_revenue FROM marts.lead_sources"
            ).fetchall()
        }
    assert mart == store


def test_revenue_per_manager_reconciles_with_pricing(dbt_built: Workspace) -> None:
    """Revenue = net (from pricing/'s order_pricing) of orders agreed and not cancelled."""
    pricing = dbt_built.pipeline_dir / "order_pricing.parquet"
    with warehouse(dbt_built) as con:
        store = dict(
            con.execute(
                "SELECT o.sales_manager_id, sum(p.net) FROM app.main.orders o "
                f"JOIN read_parquet('{pricing}') p ON p.order_id = o.id "
                "WHERE o.agreed_date IS NOT NULL AND o.status <> 'cancelled' GROUP BY 1"
            ).fetchall()
        )
        mart = dict(
            con.execute(
                "SELECT sales_manager_id, sum(revenue) FROM marts.sales_manager_months GROUP BY 1 "
                "HAVING sum(revenue) <> 0"
            ).fetchall()
        )
    assert mart == store


def test_overdue_tasks_and_late_orders_reconcile(dbt_built: Workspace) -> None:
    with warehouse(dbt_built) as con:
        store_tasks = dict(
            con.execute(
                "SELECT role, count(*) FROM app.main.tasks WHERE state = 'open' AND due_date < ? "
                "GROUP BY role",
                [AS_OF],
            ).fetchall()
        )
        mart_tasks = dict(
            con.execute(
                "SELECT role, overdue_tasks_count FROM marts.overdue_tasks_by_department "
                "WHERE overdue_tasks_count > 0"
            ).fetchall()
        )
        store_late = set(
            con.execute(
                "SELECT id FROM app.main.orders WHERE status <> 'cancelled' AND "
                "(actual_shipment_date > planned_shipment_date OR "
                "(actual_shipment_date IS NULL AND planned_shipment_date < ?))",
                [AS_OF],
            ).fetchall()
        )
        mart_late = set(con.execute("SELECT order_id FROM marts.late_orders").fetchall())
    assert mart_tasks == store_tasks and sum(store_tasks.values()) > 0
    assert mart_late == store_late and store_late


def test_pricing_sources_agree_with_the_payment_plans(dbt_workspace: Workspace) -> None:
    """The demo plans each agreed order's payments from pricing/'s total: the priced sources
    (price list as of need_date, surcharges, VAT by planned shipment) must give the same total."""
    pricing = dbt_workspace.pipeline_dir / "order_pricing.parquet"
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{dbt_workspace.snapshot}' AS app (READ_ONLY)")
        checked, differ = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE s.amount <> p.total) FROM "
            "(SELECT order_id, sum(amount) AS amount FROM app.main.payment_steps GROUP BY 1) s "
            f"JOIN read_parquet('{pricing}') p USING (order_id)"
        ).fetchone()
    assert checked > 100
    assert differ == 0


def test_docs_generate_offline(dbt_built: Workspace) -> None:
    result = run_dbt(dbt_built, "docs", "generate")
    assert result.returncode == 0, result.stdout[-4000:]
    catalog = json.loads((dbt_built.target / "catalog.json").read_text(encoding="utf-8"))
    assert not catalog.get("errors")
    documented = {n["metadata"]["name"] for n in catalog["nodes"].values()}
    assert MARTS <= documented
    assert (dbt_built.target / "index.html").stat().st_size > 100_000


def test_report_as_of_is_the_var(dbt_built: Workspace) -> None:
    with warehouse(dbt_built) as con:
        row = con.execute(
            "SELECT as_of_date, forecast_end_month FROM marts.report_as_of"
        ).fetchall()
    assert row == [(AS_OF, date(2027, 2, 1))]
