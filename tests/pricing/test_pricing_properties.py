"""Hypothesis properties: sums are sums of lines, and the frame API equals the scalar API."""

import random
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pricing_cases import (
    assert_frame_matches_scalar,
    line_inputs,
    order_inputs,
)

from pricing import Blank, Expense, LineInput, Material, OrderInput, price_line, price_order
from pricing.rounding import from_scaled_int

SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(order_inputs())
@settings(max_examples=200, deadline=None)
def test_order_figures_are_sums_of_line_figures(order):
    result = price_order(order)
    assert result.net == sum((x.line_net for x in result.lines), Decimal("0.00"))
    assert result.vat == sum((x.line_vat for x in result.lines), Decimal("0.00"))
    assert result.total == sum((x.line_total for x in result.lines), Decimal("0.00"))
    assert result.total == result.net + result.vat
    assert result.weight_kg == sum((x.line_weight_kg for x in result.lines), Decimal("0.000"))
    expenses = sum((e.planned for e in order.expenses), Decimal(0))
    assert result.planned_cost_price == sum(x.planned_cost for x in result.lines) + expenses
    assert result.planned_profit == result.net - result.planned_cost_price
    actual_expenses = sum((e.planned if e.actual is None else e.actual for e in order.expenses), 0)
    assert result.actual_cost_price == sum(x.actual_cost for x in result.lines) + actual_expenses
    assert result.actual_profit == result.net - result.actual_cost_price
    for line in result.lines:
        assert line.line_total == line.line_net + line.line_vat
        quantity = next(x.quantity for x in order.lines if x.id == line.id)
        assert line.line_net == line.unit_price_net * quantity
        assert line.line_weight_kg == line.unit_weight_kg * quantity


@given(order_inputs())
@settings(max_examples=200, deadline=None)
def test_scalar_rounds_like_decimal_half_up_of_the_exact_formula(order):
    """Independent re-derivation with Decimal arithmetic from the spec's formulas (steps 3-12)."""

    def q(x, e):
        return x.quantize(Decimal(e), rounding=ROUND_HALF_UP)

    result = price_order(order)
    with localcontext(prec=80):
        for line, got in zip(order.lines, result.lines, strict=True):
            material = q(got.unit_weight_kg * line.material.price_per_kg, "0.01")
            assert got.material_cost_unit == material
            factor = 1 + sum(line.surcharges_pct.values(), Decimal(0)) / 100
            unit = line.fixed_unit_price
            if unit is None:
                unit = q(material * line.complexity * factor, "0.01")
            assert got.unit_price_net == unit
            assert got.line_vat == q(got.line_net * got.vat_rate, "0.01")
        cost = result.planned_cost_price
        if cost:
            assert result.planned_efficiency_pct == q(result.planned_profit / cost * 100, "0.1")
        else:
            assert result.planned_efficiency_pct is None


PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")


def _exact_volume(shape, dims):
    d = {k: Decimal(v) for k, v in dims.items()}
    if shape == "round":
        return PI / 4 * d["diameter_mm"] ** 2 * d["length_mm"]
    if shape == "hex":
        return Decimal(3).sqrt() / 2 * d["across_flats_mm"] ** 2 * d["length_mm"]
    if shape == "sheet":
        return d["length_mm"] * d["width_mm"] * d["thickness_mm"]
    inner = d["outer_diameter_mm"] - 2 * d["wall_mm"]
    return PI / 4 * (d["outer_diameter_mm"] ** 2 - inner**2) * d["length_mm"]


def _assert_exact_weight(line, got):
    """Float geometry is accurate to far better than a gram; only razor-thin near-ties may differ
    (within 10 nano-kg of x.xxx5 kg, where the 1e-9 kg snap decides)."""
    with localcontext(prec=60):
        if line.blank.shape == "weight":
            exact_g = line.blank.dims["weight_kg"] * 1000
        else:
            volume = _exact_volume(line.blank.shape, line.blank.dims)
            exact_g = volume * line.material.density_kg_m3 / 1_000_000
        distance_to_tie = abs(exact_g - exact_g.to_integral_value(ROUND_FLOOR) - Decimal("0.5"))
        if distance_to_tie > Decimal("0.00001"):
            assert got == exact_g.quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(-3), line


@given(line_inputs())
@settings(max_examples=200, deadline=None)
def test_unit_weight_is_the_exact_geometry_rounded_half_up(line):
    _assert_exact_weight(line, price_line(line, Decimal("0.2")).unit_weight_kg)


def test_unit_weight_is_exact_on_a_bulk_random_batch():
    rng = random.Random(7)
    lines = [_random_line(rng, i) for i in range(20_000)]
    for line in lines:
        _assert_exact_weight(line, price_line(line, Decimal("0.2")).unit_weight_kg)
    assert sum(price_line(x, Decimal(0)).unit_weight_kg > 100 for x in lines[:2000]) > 200


@given(st.lists(order_inputs(max_lines=4), min_size=1, max_size=3), st.sampled_from([0, 0, 5]))
@SLOW
def test_frame_equals_scalar_on_random_orders(orders, extra_scale):
    # extra_scale > 0 feeds columns with more decimals (e.g. Decimal(38, 8)) than needed.
    assert_frame_matches_scalar(list(enumerate(orders, start=1)), extra_scale)


@given(st.lists(line_inputs(extreme=True), min_size=1, max_size=3), st.dates(date(2004, 1, 1)))
@SLOW
def test_frame_equals_scalar_at_the_limits_including_overflow_errors(lines, day):
    """Full input ranges: results or the PricingError (line, field, reason) must be identical."""
    order = OrderInput(day, tuple(_renumber(lines)), (Expense("other", Decimal("1.00")),))
    assert_frame_matches_scalar([(1, order)])


def _renumber(lines):
    for i, line in enumerate(lines, start=1):
        yield LineInput(
            str(i),
            line.quantity,
            line.material,
            line.blank,
            line.complexity,
            line.surcharges_pct,
            line.fixed_unit_price,
            line.actual_material_cost,
        )


def _random_line(rng: random.Random, i: int) -> LineInput:
    """Plain-random lines for a bulk check (many more geometry samples than Hypothesis gives)."""

    def dec(lo, hi, places):
        return from_scaled_int(rng.randrange(lo * 10**places, hi * 10**places + 1), places)

    shape = rng.choice(["round", "hex", "sheet", "tube", "weight"])
    size = rng.choice(
        [
            lambda: dec(0, 50, 3) + Decimal("0.001"),
            lambda: dec(1, 2000, 3),
            lambda: Decimal(rng.randrange(1, 3000)),
        ]
    )
    if shape == "round":
        dims = {"diameter_mm": size(), "length_mm": size()}
    elif shape == "hex":
        dims = {"across_flats_mm": size(), "length_mm": size()}
    elif shape == "sheet":
        dims = {"length_mm": size(), "width_mm": size(), "thickness_mm": size()}
    elif shape == "tube":
        od = rng.randrange(3, 2_000_000)
        dims = {
            "outer_diameter_mm": from_scaled_int(od, 3),
            "wall_mm": from_scaled_int(rng.randrange(1, (od - 1) // 2 + 1), 3),
            "length_mm": size(),
        }
    else:
        dims = {"weight_kg": dec(0, 5000, 3) + Decimal("0.001")}
    return LineInput(
        str(i),
        rng.randrange(1, 500),
        Material(
            "X", rng.choice([Decimal(7850), Decimal(2700), dec(1, 20000, 3)]), dec(0, 5000, 2)
        ),
        Blank(shape, dims),
        dec(0, 10, 3) + Decimal("0.001"),
        {"a": dec(-50, 200, 2)} if rng.random() < 0.5 else {},
        dec(0, 100000, 2) if rng.random() < 0.1 else None,
        dec(0, 100000, 2) if rng.random() < 0.2 else None,
    )


def test_frame_equals_scalar_on_a_bulk_random_batch():
    """20 000 lines in 400 orders, seeded: catches rare float/rounding divergences."""
    rng = random.Random(20260316)
    orders = []
    for n in range(400):
        lines = tuple(_random_line(rng, i) for i in range(50))
        day = date(2017, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
        rate = Decimal(rng.randrange(0, 10001)).scaleb(-4) if rng.random() < 0.2 else None
        expenses = (Expense("production", Decimal(rng.randrange(0, 10**8)).scaleb(-2)),)
        orders.append((n, OrderInput(day, lines, expenses, rate)))
    assert_frame_matches_scalar(orders)
