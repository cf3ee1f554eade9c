"""The data behind the asset checks: small functions on a DuckDB connection.

Each returns a ``Finding``: how many rows break the rule and the first few of them (as strings,
ready for check metadata); ``check_result`` turns one into a Dagster AssetCheckResult. The
queries are the .sql files in sql/checks/, each saying in a comment what failure it catches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from zakaz.domain import OPEN_STATUSES

CHECKS_SQL = Path(__file__).with_name("sql") / "checks"
SAMPLE_ROWS = 10


@dataclass(frozen=True)
class Finding:
    count: int
    sample: list[dict[str, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.count == 0

    def describe(self, what: str) -> str:
        if self.passed:
            return f"нарушений нет ({what})"
        first = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in self.sample[:3])
        return f"{self.count} — {what}: {first}"


def check_sql(name: str) -> str:
    return (CHECKS_SQL / f"{name}.sql").read_text(encoding="utf-8")


def _finding(conn: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> Finding:
    rel = conn.execute(check_sql(name), params or {})
    columns = [d[0] for d in rel.description]
    rows = rel.fetchall()
    sample = [
        {c: "" if v is None else str(v) for c, v in zip(columns, row, strict=True)}
        for row in rows[:SAMPLE_ROWS]
    ]
    return Finding(len(rows), sample)


def open_orders_without_manager(snapshot: duckdb.DuckDBPyConnection) -> Finding:
    return _finding(
        snapshot,
        "every_open_order_has_a_responsible_manager",
        {"open_statuses": sorted(OPEN_STATUSES)},
    )


def overpaid_orders(snapshot: duckdb.DuckDBPyConnection) -> Finding:
    return _finding(snapshot, "payments_do_not_exceed_invoices")


def negative_quantities(snapshot: duckdb.DuckDBPyConnection) -> Finding:
    return _finding(snapshot, "no_negative_quantities")


def order_total_mismatches(
    conn: duckdb.DuckDBPyConnection, priced_order_lines: Path, order_pricing: Path
) -> Finding:
    return _finding(
        conn,
        "order_total_equals_sum_of_lines",
        {"priced_order_lines": str(priced_order_lines), "order_pricing": str(order_pricing)},
    )


def payment_totals(conn: duckdb.DuckDBPyConnection, query: str) -> dict[str, object]:
    rel = conn.execute(check_sql(query))
    columns = [d[0] for d in rel.description]
    return dict(zip(columns, rel.fetchone(), strict=True))


def payment_totals_mismatch(
    published: duckdb.DuckDBPyConnection, snapshot: duckdb.DuckDBPyConnection
) -> Finding:
    """Payments and invoices (count and amount) in the published marts vs the store snapshot."""
    marts = payment_totals(published, "mart_payment_totals")
    store = payment_totals(snapshot, "store_payment_totals")
    sample = [
        {"figure": k, "marts": str(marts[k]), "store": str(store[k])}
        for k in store
        if marts[k] != store[k]
    ]
    return Finding(len(sample), sample)


def check_result(
    finding: Finding, what: str, severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR
) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=finding.passed,
        severity=severity,
        description=finding.describe(what),
        metadata={"violations": finding.count, "sample": finding.sample},
    )
