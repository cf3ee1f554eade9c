"""Shared builders for the pricing tests: the worked example, frames from scalar inputs, and
Hypothesis strategies. (Not a test module; imported by the test_pricing_* files.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import polars as pl
from hypothesis import strategies as st

from pricing import (
    Blank,
    Expense,
    LineInput,
    Material,
    OrderInput,
    PricingError,
    order_vat_rate,
    price_lines,
    price_order,
    price_orders,
)
from pricing.rounding import decimal_places, from_scaled_int
from pricing.shapes import DIMENSION_KEYS

D = Decimal


# --- the worked example of pricing.md ---------------------------------------------------------

WORKED_LINES = {
    "1": {
        "unit_weight_kg": "11.098",
        "line_weight_kg": "110.980",
        "material_cost_unit": "1054.31",
        "unit_price_net": "2899.35",
        "line_net": "28993.50",
        "vat_rate": "0.22",
        "line_vat": "6378.57",
        "line_total": "35372.07",
        "planned_cost": "10543.10",
        "actual_cost": "10543.10",
    },
    "2": {
        "unit_weight_kg": "18.840",
        "line_weight_kg": "75.360",
        "material_cost_unit": "1477.06",
        "unit_price_net": "2658.71",
        "line_net": "10634.84",
        "vat_rate": "0.22",
        "line_vat": "2339.66",
        "line_total": "12974.50",
        "planned_cost": "5908.24",
        "actual_cost": "5908.24",
    },
    "3": {
        "unit_weight_kg": "42.500",
        "line_weight_kg": "85.000",
        "material_cost_unit": "2592.50",
        "unit_price_net": "9900.00",
        "line_net": "19800.00",
        "vat_rate": "0.22",
        "line_vat": "4356.00",
        "line_total": "24156.00",
        "planned_cost": "5185.00",
        "actual_cost": "5185.00",
    },
}
WORKED_ORDER = {
    "net": "59428.34",
    "vat": "13074.23",
    "total": "72502.57",
    "weight_kg": "271.340",
    "planned_cost_price": "49136.34",
    "actual_cost_price": "49136.34",
    "planned_profit": "10292.00",
    "actual_profit": "10292.00",
    "planned_efficiency_pct": "20.9",
    "actual_efficiency_pct": "20.9",
}


def worked_example() -> OrderInput:
    return OrderInput(
        shipment_date=date(2026, 3, 16),
        lines=(
            LineInput(
                "1",
                10,
                Material("40Х", D("7850"), D("95.00")),
                Blank("round", {"diameter_mm": D("60"), "length_mm": D("500")}),
                D("2.5"),
                {"heat_treatment": D("10")},
            ),
            LineInput(
                "2",
                4,
                Material("09Г2С", D("7850"), D("78.40")),
                Blank("sheet", {"length_mm": D(400), "width_mm": D(300), "thickness_mm": D(20)}),
                D("1.8"),
            ),
            LineInput(
                "3",
                2,
                Material("СЧ20", D("7200"), D("61.00")),
                Blank("weight", {"weight_kg": D("42.5")}),
                D("3.0"),
                fixed_unit_price=D("9900.00"),
            ),
        ),
        expenses=(Expense("logistics", D("6500.00")), Expense("production", D("21000.00"))),
    )


def worked_payload() -> dict:
    """The worked example as ``zakaz price`` JSON (numbers as JSON numbers)."""
    return {
        "shipment_date": "2026-03-16",
        "lines": [
            {
                "id": "1",
                "quantity": 10,
                "material": {"grade": "40Х", "density_kg_m3": 7850, "price_per_kg": D("95.00")},
                "blank": {"shape": "round", "diameter_mm": 60, "length_mm": 500},
                "complexity": D("2.5"),
                "surcharges_pct": {"heat_treatment": 10},
            },
            {
                "id": "2",
                "quantity": 4,
                "material": {"grade": "09Г2С", "density_kg_m3": 7850, "price_per_kg": D("78.40")},
                "blank": {"shape": "sheet", "length_mm": 400, "width_mm": 300, "thickness_mm": 20},
                "complexity": D("1.8"),
            },
            {
                "id": "3",
                "quantity": 2,
                "material": {"grade": "СЧ20", "density_kg_m3": 7200, "price_per_kg": D("61.00")},
                "blank": {"shape": "weight", "weight_kg": D("42.5")},
                "complexity": D("3.0"),
                "fixed_unit_price": D("9900.00"),
            },
        ],
        "expenses": [
            {"category": "logistics", "planned": D("6500.00")},
            {"category": "production", "planned": D("21000.00")},
        ],
    }


# --- frames built from scalar inputs ----------------------------------------------------------

# Default scales of the frame columns; a column gets more when a value needs it.
SCALES = {
    "density_kg_m3": 3,
    "price_per_kg": 2,
    **dict.fromkeys(DIMENSION_KEYS, 3),
    "complexity": 3,
    "surcharge_pct_total": 2,
    "fixed_unit_price": 2,
    "actual_material_cost": 2,
    "vat_rate": 4,
    "planned": 2,
    "actual": 2,
}


def _decimal_series(name: str, values: list, extra_scale: int = 0) -> pl.Series:
    needed = [decimal_places(Decimal(v)) for v in values if isinstance(v, Decimal | int)]
    scale = max([SCALES[name] + extra_scale, *needed])
    series = pl.Series(name, values, dtype=pl.Decimal(38, scale))
    assert series.to_list() == values  # the frame must hold exactly the scalar inputs
    return series


def _surcharge_total(line: LineInput) -> Decimal:
    return sum((Decimal(v) for v in line.surcharges_pct.values()), Decimal(0))


def lines_frame(
    orders: Sequence[tuple[object, OrderInput]], extra_scale: int = 0, rates=None
) -> pl.DataFrame:
    """All lines of ``orders`` as one ``price_lines`` input frame, VAT resolved per order."""
    rows = []
    for order_id, order in orders:
        rate = order_vat_rate(order) if rates is None else rates
        rows += [(order_id, line, rate) for line in order.lines]
    lines = [line for _, line, _ in rows]
    decimals = {
        "density_kg_m3": [x.material.density_kg_m3 for x in lines],
        "price_per_kg": [x.material.price_per_kg for x in lines],
        **{key: [x.blank.dims.get(key) for x in lines] for key in DIMENSION_KEYS},
        "complexity": [x.complexity for x in lines],
        "surcharge_pct_total": [_surcharge_total(x) for x in lines],
        "fixed_unit_price": [x.fixed_unit_price for x in lines],
        "actual_material_cost": [x.actual_material_cost for x in lines],
        "vat_rate": [rate for _, _, rate in rows],
    }
    return pl.DataFrame(
        [
            pl.Series("order_id", [o for o, _, _ in rows], dtype=pl.Int64),
            pl.Series("line_id", [x.id for x in lines], dtype=pl.String),
            pl.Series("quantity", [x.quantity for x in lines], dtype=pl.Int64),
            pl.Series("shape", [x.blank.shape for x in lines], dtype=pl.String),
            *(_decimal_series(k, v, extra_scale) for k, v in decimals.items()),
        ]
    )


def expenses_frame(orders: Sequence[tuple[object, OrderInput]]) -> pl.DataFrame:
    rows = [(order_id, e) for order_id, order in orders for e in order.expenses]
    return pl.DataFrame(
        [
            pl.Series("order_id", [o for o, _ in rows], dtype=pl.Int64),
            pl.Series("category", [e.category for _, e in rows], dtype=pl.String),
            _decimal_series("planned", [e.planned for _, e in rows]),
            _decimal_series("actual", [e.actual for _, e in rows]),
        ]
    )


LINE_FIELDS = (
    "unit_weight_kg",
    "line_weight_kg",
    "material_cost_unit",
    "unit_price_net",
    "line_net",
    "line_vat",
    "line_total",
    "planned_cost",
    "actual_cost",
)
ORDER_FIELDS = (
    "net",
    "vat",
    "total",
    "weight_kg",
    "expenses_planned",
    "expenses_actual",
    "planned_cost_price",
    "actual_cost_price",
    "planned_profit",
    "actual_profit",
    "planned_efficiency_pct",
    "actual_efficiency_pct",
)


def assert_same_digits(a: Decimal | None, b: Decimal | None) -> None:
    """Equal value AND equal text (same number of decimals), or both None."""
    assert (a is None) == (b is None), (a, b)
    if a is not None:
        assert a == b and str(a) == str(b), (a, b)


def frame_outcome(orders: Sequence[tuple[object, OrderInput]], extra_scale: int = 0):
    """("ok", per-order results) or ("error", field, reason, line_id) from the frame API."""
    try:
        priced = price_lines(lines_frame(orders, extra_scale))
        totals = price_orders(priced, expenses_frame(orders))
    except PricingError as e:
        return ("error", e.line_id, e.field, e.reason)
    return ("ok", priced, totals)


def scalar_outcome(orders: Sequence[tuple[object, OrderInput]]):
    try:
        return ("ok", [price_order(order) for _, order in orders])
    except PricingError as e:
        return ("error", e.line_id, e.field, e.reason)


def assert_frame_matches_scalar(orders: Sequence[tuple[object, OrderInput]], extra_scale=0):
    scalar = scalar_outcome(orders)
    frame = frame_outcome(orders, extra_scale)
    if scalar[0] == "error" or frame[0] == "error":
        assert scalar == frame
        return
    results, (_, priced, totals) = scalar[1], frame
    scalar_lines = [line for result in results for line in result.lines]
    assert priced.height == len(scalar_lines)
    for row, line in zip(priced.iter_rows(named=True), scalar_lines, strict=True):
        assert row["line_id"] == line.id
        assert row["vat_rate"] == line.vat_rate
        for name in LINE_FIELDS:
            assert_same_digits(row[name], getattr(line, name))
    by_order = {row["order_id"]: row for row in totals.iter_rows(named=True)}
    for (order_id, order), result in zip(orders, results, strict=True):
        if not order.lines and not order.expenses:  # the frame cannot know such an order
            assert order_id not in by_order and result.total == 0
            continue
        row = by_order[order_id]
        for name in ORDER_FIELDS:
            assert_same_digits(row[name], getattr(result, name))


# --- Hypothesis strategies --------------------------------------------------------------------


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] with up to ``places`` decimals, drawn as exact scaled integers."""
    lo, hi = int(D(low).scaleb(places)), int(D(high).scaleb(places))
    return st.integers(lo, hi).map(lambda n: from_scaled_int(n, places))


def _dims(shape: str, max_mm: str) -> st.SearchStrategy[dict]:
    size = st.one_of(decimals("0.001", "50", 3), decimals("1", max_mm, 3), decimals("1", "400", 0))
    if shape == "round":
        return st.fixed_dictionaries({"diameter_mm": size, "length_mm": size})
    if shape == "hex":
        return st.fixed_dictionaries({"across_flats_mm": size, "length_mm": size})
    if shape == "sheet":
        return st.fixed_dictionaries({"length_mm": size, "width_mm": size, "thickness_mm": size})
    if shape == "tube":
        od_units = st.integers(3, int(D(max_mm).scaleb(3)))
        return od_units.flatmap(
            lambda od: st.integers(1, (od - 1) // 2).map(
                lambda wall: {
                    "outer_diameter_mm": from_scaled_int(od, 3),
                    "wall_mm": from_scaled_int(wall, 3),
                    "length_mm": from_scaled_int(od * 7 % 900_000 + 1, 3),
                }
            )
        )
    return st.fixed_dictionaries(
        {"weight_kg": st.one_of(decimals("0.001", "5", 3), decimals("0.001", "30000", 3))}
    )


@st.composite
def line_inputs(draw, line_id: str = "1", extreme: bool = False) -> LineInput:
    """A valid line; ``extreme`` spans the full limits (sums may then overflow DECIMAL(18,2))."""
    shape = draw(st.sampled_from(["round", "hex", "sheet", "tube", "weight"]))
    surcharge = decimals("-100", "1000", 2)
    surcharges = draw(st.dictionaries(st.sampled_from(["heat", "coat", "rush"]), surcharge))
    if sum(surcharges.values(), D(0)) <= -100:
        surcharges = {}
    money = "1000000000000" if extreme else "1000000000"
    return LineInput(
        id=line_id,
        quantity=draw(st.integers(1, 10_000_000 if extreme else 1000)),
        material=Material(
            "X",
            draw(st.one_of(decimals("0.001", "30000", 3), st.sampled_from([D(7850), D(2700)]))),
            draw(
                st.one_of(
                    decimals("0", "1000000" if extreme else "10000", 2), decimals("0", "3", 2)
                )
            ),
        ),
        blank=Blank(shape, draw(_dims(shape, "100000" if extreme else "1000"))),
        complexity=draw(decimals("0.001", "100" if extreme else "10", 3)),
        surcharges_pct=surcharges,
        fixed_unit_price=draw(st.none() | decimals("0", money, 2)),
        actual_material_cost=draw(
            st.none() | decimals("0", "100000000000000" if extreme else money, 2)
        ),
    )


@st.composite
def order_inputs(draw, extreme: bool = False, max_lines: int = 5) -> OrderInput:
    n = draw(st.integers(0, max_lines))
    lines = tuple(draw(line_inputs(str(i + 1), extreme)) for i in range(n))
    expense = st.builds(
        Expense,
        st.sampled_from(["production", "logistics", "other"]),
        decimals("0", "1000000000", 2),
        st.none() | decimals("0", "1000000000", 2),
    )
    explicit = draw(st.booleans())
    return OrderInput(
        shipment_date=draw(st.dates(date(2004, 1, 1), date(2035, 12, 31))),
        lines=lines,
        expenses=tuple(draw(st.lists(expense, max_size=3))),
        vat_rate=draw(decimals("0", "1", 4)) if explicit else None,
    )
