"""Batch pricing for the pipeline: the pricing library's frame API fed from the store snapshot.

    lines = read_line_inputs(conn)          # sql/pricing_inputs.sql, one row per order line
    priced = price_order_lines(lines, read_vat_table(conn))
    orders = price_order_economics(priced, read_expenses(conn))

Every figure comes from ``pricing.price_lines`` / ``pricing.price_orders`` (the same code as the
order card and ``zakaz price``); this module only looks the inputs up and fixes the column types
of the two Parquet files that are dbt's ``pricing`` sources.

VAT: the order's explicit rate where set, else the rate in force on the planned shipment date
(the need date while there is none), resolved by ``pricing.resolve_vat_rate`` with the plant's
own table — the store's ``vat_rates`` rows in the snapshot (seeded from pricing/vat_rates.csv);
``pricing.DEFAULT_VAT_TABLE`` is used only if that table is empty.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl

from ingest.store.leftovers import sweep_dead_temps
from pricing import DEFAULT_VAT_TABLE, VatTable, price_lines, price_orders, resolve_vat_rate

SQL_DIR = Path(__file__).with_name("sql")

MONEY = pl.Decimal(18, 2)
WEIGHT = pl.Decimal(18, 3)
RATE = pl.Decimal(6, 4)
EFFICIENCY = pl.Decimal(22, 1)

# The contract with dbt (its sources pricing.priced_order_lines / pricing.order_pricing):
# column -> dtype, in the order written.
PRICED_LINE_COLUMNS: dict[str, pl.DataType] = {
    "line_id": pl.Int64,
    "order_id": pl.Int64,
    "line_no": pl.Int32,
    "material_id": pl.Int64,
    "quantity": pl.Int32,
    "price_per_kg": MONEY,
    "vat_rate": RATE,
    "unit_weight_kg": WEIGHT,
    "line_weight_kg": WEIGHT,
    "material_cost_unit": MONEY,
    "unit_price_net": MONEY,
    "line_net": MONEY,
    "line_vat": MONEY,
    "line_total": MONEY,
    "planned_cost": MONEY,
    "actual_cost": MONEY,
}
ORDER_PRICING_COLUMNS: dict[str, pl.DataType] = {
    "order_id": pl.Int64,
    "net": MONEY,
    "vat": MONEY,
    "total": MONEY,
    "weight_kg": WEIGHT,
    "expenses_planned": MONEY,
    "expenses_actual": MONEY,
    "planned_cost_price": MONEY,
    "actual_cost_price": MONEY,
    "planned_profit": MONEY,
    "actual_profit": MONEY,
    "planned_efficiency_pct": EFFICIENCY,
    "actual_efficiency_pct": EFFICIENCY,
}


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def read_line_inputs(conn: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The inputs of ``price_lines`` plus ``vat_date`` and ``order_vat_rate``, by line_id."""
    return conn.sql(sql("pricing_inputs")).pl()


def read_expenses(conn: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return conn.sql(sql("order_expenses")).pl()


def vat_table_from_rows(rows: list[tuple]) -> VatTable:
    """The plant's VAT table from (valid_from, rate) rows; pricing's default if there are none."""
    if not rows:
        return DEFAULT_VAT_TABLE
    return VatTable(tuple(sorted((day, rate) for day, rate in rows)))


def read_vat_table(conn: duckdb.DuckDBPyConnection) -> VatTable:
    rows = conn.execute("SELECT valid_from, rate FROM main.vat_rates ORDER BY valid_from")
    return vat_table_from_rows(rows.fetchall())


def typed(frame: pl.DataFrame, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """Exactly the contract's columns, in order, with its types."""
    return frame.select(pl.col(name).cast(dtype) for name, dtype in columns.items())


def price_order_lines(lines: pl.DataFrame, vat_table: VatTable) -> pl.DataFrame:
    """Pure: the priced_order_lines frame (PricingError names the first bad line and field)."""
    resolved = resolve_vat_rate(
        lines, vat_table, shipment_date="vat_date", explicit_rate="order_vat_rate"
    )
    return typed(price_lines(resolved), PRICED_LINE_COLUMNS).sort("line_id")


def price_order_economics(priced_lines: pl.DataFrame, expenses: pl.DataFrame) -> pl.DataFrame:
    """Pure: one row per order with lines or expenses — sums, cost prices, profit, efficiency."""
    orders = price_orders(priced_lines, expenses)
    return typed(orders, ORDER_PRICING_COLUMNS).sort("order_id")


def write_parquet_atomically(frame: pl.DataFrame, dest: Path) -> Path:
    """Write to a temporary name beside dest, then rename: a reader sees the old or new file.
    Temporaries of killed runs are swept first (a whole file each)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    sweep_dead_temps(dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        frame.write_parquet(tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def write_pricing_sources(snapshot_path: Path, out_dir: Path) -> dict[str, int]:
    """Both Parquet files from a snapshot file in one call (what the two pricing assets do in
    turn); rows per file. For tests that feed dbt without running Dagster."""
    from pipelines.snapshot import duckdb_config

    with duckdb.connect(str(snapshot_path), read_only=True, config=duckdb_config()) as conn:
        lines, expenses, vat_table = (
            read_line_inputs(conn),
            read_expenses(conn),
            read_vat_table(conn),
        )
    priced = price_order_lines(lines, vat_table)
    orders = price_order_economics(priced, expenses)
    out = Path(out_dir)
    write_parquet_atomically(priced, out / "priced_order_lines.parquet")
    write_parquet_atomically(orders, out / "order_pricing.parquet")
    return {"priced_order_lines": priced.height, "order_pricing": orders.height}
