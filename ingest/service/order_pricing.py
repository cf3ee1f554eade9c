"""Live pricing of an order (or of a form's unsaved draft) by pricing/, from the store's inputs.

The lookups mirror pipelines/sql/pricing_inputs.sql, so the order card, the quote and the marts
agree to the kopeck: the line's own price per kg, else the material price list valid on the
order's need_date; VAT by the explicit order rate, else the rate on the planned shipment date
(else the need date). Nothing here checks access: callers decide who may see the figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from ingest.repos.orders import BLANK_COLUMNS, LineDraft
from pricing import Blank, Expense, LineInput, Material, OrderInput, OrderResult, VatTable
from pricing import price_order as _price_order
from pricing.errors import PricingError

SHAPE_DIMS: dict[str, tuple[str, ...]] = {
    "round": ("diameter_mm", "length_mm"),
    "hex": ("across_flats_mm", "length_mm"),
    "sheet": ("length_mm", "width_mm", "thickness_mm"),
    "tube": ("outer_diameter_mm", "wall_mm", "length_mm"),
    "weight": ("weight_kg",),
}


def vat_table(conn: duckdb.DuckDBPyConnection) -> VatTable:
    rows = conn.execute("SELECT valid_from, rate FROM vat_rates ORDER BY valid_from").fetchall()
    return VatTable(tuple((d, Decimal(r)) for d, r in rows))


def materials_on(
    conn: duckdb.DuckDBPyConnection, material_ids: Sequence[int], on: date
) -> dict[int, tuple[str, Decimal | None, Decimal | None]]:
    """{material id: (grade, density, list price per kg valid on the date)}."""
    if not material_ids:
        return {}
    rows = conn.execute(
        "SELECT m.id, m.grade, m.density_kg_m3, "
        "  (SELECT p.price_per_kg FROM material_prices p WHERE p.material_id = m.id "
        "   AND p.valid_from <= ? ORDER BY p.valid_from DESC LIMIT 1) "
        "FROM materials m WHERE list_contains(?, m.id)",
        [on, list(set(material_ids))],
    ).fetchall()
    return {mid: (grade, density, price) for mid, grade, density, price in rows}


def line_input(
    line_id: str,
    draft: LineDraft,
    material: tuple[str, Decimal | None, Decimal | None] | None,
    actual_material_cost: Decimal | None = None,
) -> LineInput:
    """A stored or drafted line as pricing's input; a missing material or price names the line."""
    if material is None:
        raise PricingError("material", "материал не найден", where=f"позиция {line_id}")
    grade, density, list_price = material
    price = draft.price_per_kg if draft.price_per_kg is not None else list_price
    if density is None:
        raise PricingError(
            "density_kg_m3", f"у марки {grade} не задана плотность", where=f"позиция {line_id}"
        )
    if price is None:
        raise PricingError(
            "price_per_kg", f"нет цены марки {grade} в прайс-листе", where=f"позиция {line_id}"
        )
    dims = {k: v for k, v in draft.dims.items() if k in SHAPE_DIMS.get(draft.blank_shape, ())}
    return LineInput(
        id=line_id,
        quantity=draft.quantity,
        material=Material(grade, Decimal(density), Decimal(price)),
        blank=Blank(draft.blank_shape, dims),
        complexity=Decimal(draft.complexity),
        surcharges_pct=dict(draft.surcharges_pct),
        fixed_unit_price=draft.fixed_unit_price,
        actual_material_cost=actual_material_cost,
    )


def price_draft(
    conn: duckdb.DuckDBPyConnection,
    *,
    need_date: date,
    planned_shipment_date: date | None,
    vat_rate: Decimal | None,
    lines: Sequence[LineDraft],
    expenses: Sequence[Expense] = (),
    actual_costs: Mapping[int, Decimal] | None = None,
) -> OrderResult:
    """Price lines as the form shows them now (line ids are their 1-based positions)."""
    materials = materials_on(conn, [ln.material_id for ln in lines], need_date)
    inputs = [
        line_input(str(n), ln, materials.get(ln.material_id), (actual_costs or {}).get(n))
        for n, ln in enumerate(lines, start=1)
    ]
    order = OrderInput(
        shipment_date=planned_shipment_date or need_date,
        lines=inputs,
        expenses=tuple(expenses),
        vat_rate=vat_rate,
    )
    return _price_order(order, vat_table(conn))


def stored_lines(conn: duckdb.DuckDBPyConnection, order_id: int) -> list[dict[str, Any]]:
    cursor = conn.execute(
        "SELECT l.*, m.grade AS material_grade, pr.actual_material_cost, "
        "  coalesce((SELECT map(list(s.name), list(s.pct)) FROM order_line_surcharges s "
        "            WHERE s.line_id = l.id), MAP {}) AS surcharges "
        "FROM order_lines l LEFT JOIN materials m ON m.id = l.material_id "
        "LEFT JOIN procurement_records pr ON pr.line_id = l.id "
        "WHERE l.order_id = ? ORDER BY l.line_no",
        [order_id],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def draft_of(line: Mapping[str, Any]) -> LineDraft:
    """A stored line row as the draft a form edits."""
    return LineDraft(
        name=line["name"],
        material_id=line["material_id"],
        blank_shape=line["blank_shape"],
        dims={k: line[k] for k in BLANK_COLUMNS if line.get(k) is not None},
        quantity=line["quantity"],
        complexity=line["complexity"],
        product_id=line.get("product_id"),
        drawing_no=line.get("drawing_no"),
        price_per_kg=line.get("price_per_kg"),
        fixed_unit_price=line.get("fixed_unit_price"),
        surcharges_pct=dict(line.get("surcharges") or {}),
    )


def stored_expenses(conn: duckdb.DuckDBPyConnection, order_id: int) -> list[Expense]:
    rows = conn.execute(
        "SELECT category, planned, actual FROM order_expenses WHERE order_id = ? ORDER BY id",
        [order_id],
    ).fetchall()
    return [Expense(c, p, a) for c, p, a in rows]


def price_stored_order(conn: duckdb.DuckDBPyConnection, order: Mapping[str, Any]) -> OrderResult:
    """The order as stored: its lines, procurement's actual costs and its expenses."""
    lines = stored_lines(conn, order["id"])
    return price_draft(
        conn,
        need_date=order["need_date"],
        planned_shipment_date=order["planned_shipment_date"],
        vat_rate=order["vat_rate"],
        lines=[draft_of(ln) for ln in lines],
        expenses=stored_expenses(conn, order["id"]),
        actual_costs={
            n: ln["actual_material_cost"]
            for n, ln in enumerate(lines, start=1)
            if ln["actual_material_cost"] is not None
        },
    )


def price_many(
    conn: duckdb.DuckDBPyConnection, order_ids: Sequence[int]
) -> dict[int, OrderResult | PricingError]:
    """Price many stored orders with three queries (lists and exports): id -> result or error."""
    if not order_ids:
        return {}
    ids = list(order_ids)
    headers = conn.execute(
        "SELECT id, need_date, planned_shipment_date, vat_rate FROM orders "
        "WHERE list_contains(?, id)", [ids],
    ).fetchall()  # fmt: skip
    cursor = conn.execute(
        "WITH s AS (SELECT line_id, map(list(name), list(pct)) AS surcharges "
        "           FROM order_line_surcharges GROUP BY line_id) "
        "SELECT l.*, m.grade, m.density_kg_m3, p.price_per_kg AS list_price, "
        "  pr.actual_material_cost, coalesce(s.surcharges, MAP {}) AS surcharges "
        "FROM (SELECT l.*, o.need_date FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "      WHERE list_contains(?, l.order_id)) l "
        "LEFT JOIN s ON s.line_id = l.id "
        "LEFT JOIN materials m ON m.id = l.material_id "
        "ASOF LEFT JOIN material_prices p "
        "  ON p.material_id = l.material_id AND l.need_date >= p.valid_from "
        "LEFT JOIN procurement_records pr ON pr.line_id = l.id "
        "ORDER BY l.order_id, l.line_no",
        [ids],
    )
    names = [d[0] for d in cursor.description]
    by_order: dict[int, list[dict[str, Any]]] = {}
    for row in cursor.fetchall():
        line = dict(zip(names, row, strict=True))
        by_order.setdefault(line["order_id"], []).append(line)
    expenses: dict[int, list[Expense]] = {}
    for oid, category, planned, actual in conn.execute(
        "SELECT order_id, category, planned, actual FROM order_expenses "
        "WHERE list_contains(?, order_id) ORDER BY id", [ids],
    ).fetchall():  # fmt: skip
        expenses.setdefault(oid, []).append(Expense(category, planned, actual))
    table = vat_table(conn)
    results: dict[int, OrderResult | PricingError] = {}
    for oid, need_date, shipment, rate in headers:
        try:
            inputs = [
                line_input(str(n), draft_of(ln),
                           None if ln["grade"] is None
                           else (ln["grade"], ln["density_kg_m3"], ln["list_price"]),
                           ln["actual_material_cost"])
                for n, ln in enumerate(by_order.get(oid, []), start=1)
            ]  # fmt: skip
            results[oid] = _price_order(
                OrderInput(shipment or need_date, inputs, tuple(expenses.get(oid, ())), rate),
                table,
            )
        except PricingError as exc:
            results[oid] = exc
    return results
