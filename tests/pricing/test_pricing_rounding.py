"""Half-up rounding everywhere (never banker's), exact ties, and the exact int<->Decimal bridges."""

import random
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from pricing_cases import assert_frame_matches_scalar, expenses_frame, lines_frame

from pricing import (
    Blank,
    Expense,
    LineInput,
    Material,
    OrderInput,
    div_half_up,
    price_line,
    price_lines,
    price_order,
    price_orders,
    round_money,
    round_pct,
    round_weight,
)
from pricing.frame_columns import exact_float, from_scaled, scaled_int
from pricing.rounding import decimal_places, div_half_away, from_scaled_int, to_scaled_int

D = Decimal


def test_round_helpers_are_half_up_not_bankers():
    assert round_money(D("0.005")) == D("0.01")
    assert round_money(D("0.025")) == D("0.03")  # banker's would give 0.02
    assert round_money(D("-0.025")) == D("-0.03")  # ties away from zero
    assert round_money(D("0.0049999")) == D("0.00")
    assert round_weight(D("529.1685")) == D("529.169")
    assert round_pct(D("20.25")) == D("20.3")
    assert str(round_money(D("7"))) == "7.00"


@pytest.mark.parametrize(
    ("n", "d", "expected"),
    [(0, 10, 0), (4, 10, 0), (5, 10, 1), (15, 10, 2), (25, 10, 3), (1, 3, 0), (2, 3, 1), (3, 2, 2)],
)
def test_div_half_up(n, d, expected):
    assert div_half_up(n, d) == expected
    assert div_half_away(-n, d) == -expected


def test_div_half_up_rejects_negative_numerators():
    with pytest.raises(ValueError):
        div_half_up(-1, 2)


@pytest.mark.parametrize(
    ("text", "places"),
    [("1.2300", 2), ("1E+3", 0), ("-0.50", 1), ("0.000", 0), ("12", 0), ("0.001", 3)],
)
def test_decimal_places_counts_significant_decimals(text, places):
    assert decimal_places(D(text)) == places


def test_scaled_int_round_trip_is_exact():
    assert to_scaled_int(D("95.00"), 2) == 9500
    assert to_scaled_int(D("1E+3"), 3) == 1_000_000
    assert to_scaled_int(D("-0.5"), 2) == -50
    assert to_scaled_int(D("1.2300000000000000000000000000000000"), 2) == 123  # > 28 digits
    assert from_scaled_int(12345, 2) == D("123.45") and str(from_scaled_int(0, 3)) == "0.000"
    assert str(from_scaled_int(-5, 1)) == "-0.5"
    with pytest.raises(ValueError):
        to_scaled_int(D("1.234"), 2)


def _line(shape, dims, density, price, *, k="1", fixed=None, quantity=1):
    return LineInput(
        "1",
        quantity,
        Material("X", D(density), D(price)),
        Blank(shape, dims),
        D(k),
        fixed_unit_price=None if fixed is None else D(fixed),
    )


def _both(line, rate="0.22"):
    """The line priced by the scalar API, after checking the frame API agrees exactly."""
    order = OrderInput(None, (line,), (), D(rate))
    assert_frame_matches_scalar([(1, order)])
    return price_line(line, D(rate))


def test_material_cost_tie_half_a_kopeck_rounds_up():
    line = _both(_line("weight", {"weight_kg": D("0.5")}, "7850", "0.01"))
    assert line.material_cost_unit == D("0.01")  # 0.005 -> 0.01


@pytest.mark.parametrize(
    ("dims", "density", "expected"),
    [
        # exactly 529.1685 kg: banker's rounding would give 529.168
        ((6741, 200, 50), 7850, "529.169"),
        # exactly 176.6115 kg, but the naive float product is 176.61149999999998
        (("1207.6", 325, "62.5"), 7200, "176.612"),
        # exactly 0.0785 kg: 100 x 100 x 1 mm steel
        ((100, 100, 1), 7850, "0.079"),
    ],
)
def test_exact_weight_ties_round_up_despite_float_noise(dims, density, expected):
    keys = ("length_mm", "width_mm", "thickness_mm")
    line = _both(_line("sheet", {k: D(v) for k, v in zip(keys, dims, strict=True)}, density, "1"))
    assert str(line.unit_weight_kg) == expected


def test_unit_price_tie_rounds_up():
    # material 1.00 * k 1.005 = 1.005 -> 1.01
    line = _both(_line("weight", {"weight_kg": D(1)}, "7850", "1.00", k="1.005"))
    assert line.unit_price_net == D("1.01")


def test_vat_tie_rounds_up():
    # 0.75 * 22% = 0.165 -> 0.17 (banker's: 0.16)
    line = _both(_line("weight", {"weight_kg": D(1)}, "7850", "0", fixed="0.75"))
    assert line.line_vat == D("0.17") and line.line_total == D("0.92")
    # 0.05 * 10% = 0.005 -> 0.01
    assert _both(_line("weight", {"weight_kg": D(1)}, "1", "0", fixed="0.05"), "0.1").line_vat == D(
        "0.01"
    )


@pytest.mark.parametrize(
    ("fixed", "expected"),
    [("20.01", "0.1"), ("19.99", "-0.1"), ("20.03", "0.2"), ("19.97", "-0.2"), ("20.00", "0.0")],
)
def test_efficiency_ties_round_half_away_from_zero(fixed, expected):
    # profit +-0.01 on a cost price of 20.00 is +-0.05 %: a tie at one decimal.
    order = OrderInput(
        date(2026, 1, 1),
        (_line("weight", {"weight_kg": D(1)}, "7850", "0", fixed=fixed),),
        (Expense("production", D("20.00"), D("20.00")),),
    )
    result = price_order(order)
    assert str(result.planned_efficiency_pct) == expected
    assert str(result.actual_efficiency_pct) == expected
    frame = price_orders(price_lines(lines_frame([(1, order)])), expenses_frame([(1, order)]))
    assert str(frame["planned_efficiency_pct"][0]) == expected


def test_efficiency_is_null_when_cost_price_is_zero():
    order = OrderInput(
        date(2026, 1, 1), (_line("weight", {"weight_kg": D(1)}, "7850", "0", fixed="10"),)
    )
    assert price_order(order).planned_efficiency_pct is None
    frame = price_orders(price_lines(lines_frame([(1, order)])), pl.DataFrame())
    assert frame["planned_efficiency_pct"][0] is None
    assert frame["actual_efficiency_pct"].null_count() == 1


# --- the frame API's exact bridges (guards against Polars behaviour changes) --------------------


def test_from_scaled_is_exact_on_random_integers():
    rng = random.Random(1)
    ints = [rng.randrange(-(10**18) + 1, 10**18) for _ in range(100_000)]
    ints += [0, 1, -1, 10**18 - 1, -(10**18) + 1]
    column = pl.Series("i", ints, dtype=pl.Int128).to_frame()
    for places in (1, 2, 3):
        got = column.select(from_scaled(pl.col("i"), places)).to_series().to_list()
        assert got == [from_scaled_int(i, places) for i in ints]


def test_scaled_int_is_exact():
    values = [D("0.001"), D("95.5"), D("100000"), D("-100"), None]
    frame = pl.Series("v", values, dtype=pl.Decimal(38, 9)).to_frame()
    got = frame.select(scaled_int(pl.col("v"), 3)).to_series().to_list()
    assert got == [1, 95500, 100_000_000, -100_000, None]


@pytest.mark.parametrize("scale", [3, 4, 9, 20])
def test_exact_float_equals_python_float_of_decimal(scale):
    """Python float(Decimal) is correctly rounded; the frame's floats must be the same bits."""
    rng = random.Random(scale)
    values = [D(rng.randrange(1, 10**8)).scaleb(-rng.randrange(0, 4)) for _ in range(100_000)]
    frame = pl.Series("v", values, dtype=pl.Decimal(38, scale)).to_frame()
    got = frame.select(exact_float(pl.col("v"), 3)).to_series().to_list()
    assert got == [float(v) for v in values]
