"""The pipeline's batch pricing (pipelines/pricing_inputs.py) against the scalar pricing API.

The scalar inputs are rebuilt here from the store's rows in plain Python — price list looked up
by hand, surcharges by name, VAT through pricing.price_order — so the SQL lookups and the frame
plumbing are checked, not just the library.
"""

from __future__ import annotations

import bisect
import os
import random
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import duckdb
import polars as pl
import pytest
from pipeline_plant import copy_plant

from ingest.store import Store
from ingest.store.copy import copy_store
from pipelines.pricing_inputs import (
    ORDER_PRICING_COLUMNS,
    PRICED_LINE_COLUMNS,
    price_order_economics,
    price_order_lines,
    read_expenses,
    read_line_inputs,
    read_vat_table,
    vat_table_from_rows,
    write_parquet_atomically,
)
from pricing import (
    DEFAULT_VAT_TABLE,
    SHAPES,
    Blank,
    Expense,
    LineInput,
    Material,
    OrderInput,
    PricingError,
    price_order,
)


@pytest.fixture(scope="module")
def snapshot(demo_home, tmp_path_factory):
    path = copy_store(Store.open(demo_home), tmp_path_factory.mktemp("snap") / "snap.duckdb")
    conn = duckdb.connect(str(path), read_only=True)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def priced(snapshot):
    lines = price_order_lines(read_line_inputs(snapshot), read_vat_table(snapshot))
    return lines, price_order_economics(lines, read_expenses(snapshot))


def _rows(conn, sql: str) -> list[dict]:
    rel = conn.execute(sql)
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def _scalar_orders(conn, order_ids: list[int]):
    """price_order for each order, inputs assembled from the raw store rows."""
    ids = ",".join(map(str, order_ids))
    orders = {o["id"]: o for o in _rows(conn, f"SELECT * FROM orders WHERE id IN ({ids})")}
    lines = _rows(conn, f"SELECT * FROM order_lines WHERE order_id IN ({ids}) ORDER BY id")
    materials = {m["id"]: m for m in _rows(conn, "SELECT * FROM materials")}
    price_list = defaultdict(list)
    for p in _rows(conn, "SELECT * FROM material_prices ORDER BY material_id, valid_from"):
        price_list[p["material_id"]].append((p["valid_from"], p["price_per_kg"]))
    surcharges = defaultdict(dict)
    for s in _rows(conn, "SELECT * FROM order_line_surcharges"):
        surcharges[s["line_id"]][s["name"]] = s["pct"]
    actual = {
        r["line_id"]: r["actual_material_cost"]
        for r in _rows(conn, "SELECT line_id, actual_material_cost FROM procurement_records")
    }
    expenses = defaultdict(list)
    for e in _rows(conn, f"SELECT * FROM order_expenses WHERE order_id IN ({ids}) ORDER BY id"):
        expenses[e["order_id"]].append(Expense(e["category"], e["planned"], e["actual"]))
    vat = vat_table_from_rows(conn.execute("SELECT valid_from, rate FROM vat_rates").fetchall())

    by_order = defaultdict(list)
    for line in lines:
        order = orders[line["order_id"]]
        price = line["price_per_kg"]
        if price is None:  # the price list row valid on the order's need date
            history = price_list[line["material_id"]]
            i = bisect.bisect_right([d for d, _ in history], order["need_date"]) - 1
            price = history[i][1]
        material = materials[line["material_id"]]
        shape = line["blank_shape"]
        by_order[order["id"]].append(
            LineInput(
                id=str(line["id"]),
                quantity=line["quantity"],
                material=Material(material["grade"], material["density_kg_m3"], price),
                blank=Blank(shape, {k: line[k] for k in SHAPES[shape]}),
                complexity=line["complexity"],
                surcharges_pct=surcharges.get(line["id"], {}),
                fixed_unit_price=line["fixed_unit_price"],
                actual_material_cost=actual.get(line["id"]),
            )
        )
    return {
        oid: price_order(
            OrderInput(
                shipment_date=o["planned_shipment_date"] or o["need_date"],
                lines=by_order[oid],
                expenses=expenses[oid],
                vat_rate=o["vat_rate"],
            ),
            vat,
        )
        for oid, o in orders.items()
    }


def _sample_orders(conn) -> list[int]:
    """Every kind of case: explicit VAT rate, line price override, fixed unit price, no planned
    shipment date, actual material cost known, no surcharges; plus random orders."""
    special = [
        "SELECT id FROM orders WHERE vat_rate IS NOT NULL",
        "SELECT order_id FROM order_lines WHERE price_per_kg IS NOT NULL",
        "SELECT order_id FROM order_lines WHERE fixed_unit_price IS NOT NULL",
        "SELECT id FROM orders WHERE planned_shipment_date IS NULL",
        "SELECT order_id FROM procurement_records WHERE actual_material_cost IS NOT NULL",
        "SELECT order_id FROM order_lines WHERE id NOT IN "
        "(SELECT line_id FROM order_line_surcharges)",
    ]
    chosen: set[int] = set()
    for sql in special:
        found = sorted(r[0] for r in conn.execute(sql).fetchall())
        assert found, sql  # the demo plant has every case
        chosen.update(found[:8])
    every = [r[0] for r in conn.execute("SELECT id FROM orders ORDER BY id").fetchall()]
    chosen.update(random.Random(2026).sample(every, 40))
    return sorted(chosen)


def test_priced_lines_and_orders_equal_the_scalar_pricing_api(snapshot, priced):
    lines, orders = priced
    sample = _sample_orders(snapshot)
    expected = _scalar_orders(snapshot, sample)
    by_line = {
        row["line_id"]: row for row in lines.filter(pl.col("order_id").is_in(sample)).to_dicts()
    }
    by_order = {row["order_id"]: row for row in orders.to_dicts()}
    compared = 0
    for oid, result in expected.items():
        for line in result.lines:
            row = by_line[int(line.id)]
            for name in ("unit_weight_kg", "line_weight_kg", "material_cost_unit",
                         "unit_price_net", "line_net", "vat_rate", "line_vat", "line_total",
                         "planned_cost", "actual_cost"):  # fmt: skip
                assert row[name] == getattr(line, name), (oid, line.id, name)
            compared += 1
        row = by_order[oid]
        for name in ("net", "vat", "total", "weight_kg", "expenses_planned", "expenses_actual",
                     "planned_cost_price", "actual_cost_price", "planned_profit", "actual_profit",
                     "planned_efficiency_pct", "actual_efficiency_pct"):  # fmt: skip
            assert row[name] == getattr(result, name), (oid, name)
    assert len(expected) >= 60 and compared >= 200


def test_every_line_and_order_is_priced_with_the_contract_columns(snapshot, priced):
    lines, orders = priced
    assert dict(lines.schema) == PRICED_LINE_COLUMNS
    assert dict(orders.schema) == ORDER_PRICING_COLUMNS
    n_lines, n_orders = snapshot.execute(
        "SELECT (SELECT count(*) FROM order_lines), (SELECT count(*) FROM orders)"
    ).fetchone()
    assert lines.height == n_lines and lines["line_id"].is_sorted()
    assert orders.height == n_orders  # every demo order has lines
    # the price per kg written is the one used: material cost per piece = weight x price
    sample = lines.head(50).to_dicts()
    for row in sample:
        cost = (row["unit_weight_kg"] * row["price_per_kg"]).quantize(Decimal("0.01"))
        assert abs(cost - row["material_cost_unit"]) <= Decimal("0.01")


def test_the_vat_table_comes_from_the_store_and_falls_back_to_pricings(snapshot):
    assert read_vat_table(snapshot) == DEFAULT_VAT_TABLE  # the store was seeded from it
    assert vat_table_from_rows([]) is DEFAULT_VAT_TABLE


def test_a_line_whose_material_has_no_density_is_named(demo_home, tmp_path):
    store = copy_plant(demo_home, tmp_path / "plant")
    with store.write() as tx:
        line_id, material_id = tx.execute(
            "SELECT id, material_id FROM order_lines ORDER BY id LIMIT 1"
        ).fetchone()
        tx.execute("UPDATE materials SET density_kg_m3 = NULL WHERE id = ?", [material_id])
    with store.read() as conn:
        lines, vat = read_line_inputs(conn), read_vat_table(conn)
    with pytest.raises(PricingError) as failure:
        price_order_lines(lines, vat)
    assert "density_kg_m3" in str(failure.value) and str(line_id) in str(failure.value)


def test_parquet_is_written_aside_and_renamed(tmp_path, priced):
    lines, _ = priced
    dest = tmp_path / "out" / "priced_order_lines.parquet"
    write_parquet_atomically(lines, dest)
    assert pl.read_parquet(dest).equals(lines)
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]  # no temporary left


def test_a_killed_runs_temporary_is_swept_by_the_next_write(tmp_path, priced):
    lines, _ = priced
    dest = tmp_path / "out" / "priced_order_lines.parquet"
    dest.parent.mkdir()
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its pid is now a dead process's: what a SIGKILLed run leaves behind
    dead = dest.with_name(f".{dest.name}.{finished.pid}.tmp")
    dead.write_bytes(b"half a parquet file")
    writing = dest.with_name(f".{dest.name}.{os.getppid()}.tmp")  # a live process's, kept
    writing.write_bytes(b"in progress")

    write_parquet_atomically(lines, dest)

    assert sorted(p.name for p in dest.parent.iterdir()) == sorted([dest.name, writing.name])
