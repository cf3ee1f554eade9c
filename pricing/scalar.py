"""Scalar API: price one line or one order on ``Decimal`` inputs.

After validation everything is an exact integer (grams, kopecks, basis points); the only
floating-point step is the blank's volume (see ``pricing.shapes``). ``pricing.frame`` performs the
same integer steps column-wise, so both APIs give identical figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from pricing.errors import PricingError
from pricing.model import Expense, LineInput, LineResult, OrderInput, OrderResult
from pricing.rounding import div_half_away, div_half_up, from_scaled_int, to_scaled_int
from pricing.shapes import SHAPES, grams_from_nano_kg, nano_kg, unknown_shape_reason, volume_mm3
from pricing.validate import (
    ACTUAL_MATERIAL_COST,
    COMPLEXITY,
    DENSITY,
    DIMENSION,
    EXPENSE_ACTUAL,
    EXPENSE_PLANNED,
    FIXED_UNIT_PRICE,
    MAX_MONEY_UNITS,
    MAX_UNIT_WEIGHT_NANO_KG,
    MISSING,
    PRICE_PER_KG,
    SURCHARGE,
    SURCHARGE_TOTAL,
    TOO_BIG_MONEY,
    TOO_BIG_WEIGHT,
    TOO_HEAVY,
    TUBE_WALL,
    VAT_RATE,
    WEIGHT_KG,
    DecimalRule,
    decimal_problem,
    quantity_problem,
)
from pricing.vat import DEFAULT_VAT_TABLE, VatTable

# Kopecks (0.01), grams (0.001 kg), milli-units of k, centi-percent, basis points of VAT.
MONEY_PLACES, WEIGHT_PLACES, PCT_PLACES, RATE_PLACES = 2, 3, 1, 4


class _Line(NamedTuple):
    """A priced line in scaled integers (money in kopecks, weight in grams)."""

    id: str
    weight_g: int
    line_weight_g: int
    material_unit: int
    unit_price: int
    net: int
    vat: int
    total: int
    planned_cost: int
    actual_cost: int
    vat_rate: Decimal


def _number(line_id: str, rule: DecimalRule, value: object, required: bool = True) -> Decimal:
    problem = decimal_problem(rule, value, required=required)
    if problem is not None:
        raise PricingError.for_line(line_id, rule.field, problem)
    return value  # type: ignore[return-value]  # validated: Decimal | int | None


def _scaled(value: Decimal | int, places: int) -> int:
    return to_scaled_int(Decimal(value), places)


def _dimensions(line_id: str, shape: object, dims: Mapping[str, Decimal]) -> dict[str, Decimal]:
    if not isinstance(shape, str) or shape not in SHAPES:
        raise PricingError.for_line(line_id, "shape", unknown_shape_reason(shape))
    if not isinstance(dims, Mapping):
        raise PricingError.for_line(line_id, "blank", MISSING)
    out = {}
    for key in SHAPES[shape]:  # extra keys are ignored, like unused frame columns
        rule = WEIGHT_KG if key == "weight_kg" else DIMENSION.named(key)
        out[key] = Decimal(_number(line_id, rule, dims.get(key)))
    if shape == "tube" and out["wall_mm"] * 2 >= out["outer_diameter_mm"]:
        raise PricingError.for_line(line_id, "wall_mm", TUBE_WALL)
    return out


def _surcharge_centi(line_id: str, surcharges: Mapping[str, Decimal]) -> int:
    if not isinstance(surcharges, Mapping):
        raise PricingError.for_line(line_id, "surcharges_pct", "должно быть словарём")
    total = 0
    for name, pct in surcharges.items():
        problem = decimal_problem(SURCHARGE, pct)
        if problem is not None:
            raise PricingError.for_line(line_id, f"surcharges_pct.{name}", problem)
        total += _scaled(pct, 2)
    _number(line_id, SURCHARGE_TOTAL, from_scaled_int(total, 2))
    return total


def _unit_weight_g(line_id: str, shape: str, dims: dict[str, Decimal], density: Decimal) -> int:
    if shape == "weight":
        return _scaled(dims["weight_kg"], 3)
    volume = volume_mm3(shape, lambda key: float(dims[key]))
    nano = nano_kg(volume, float(density))
    if nano > MAX_UNIT_WEIGHT_NANO_KG:
        raise PricingError.for_line(line_id, "blank", TOO_HEAVY)
    return grams_from_nano_kg(nano)


def _price_line(line: LineInput, vat_rate: Decimal) -> _Line:
    line_id = str(line.id)
    problem = quantity_problem(line.quantity)
    if problem is not None:
        raise PricingError.for_line(line_id, "quantity", problem)
    quantity = line.quantity
    density = Decimal(_number(line_id, DENSITY, line.material.density_kg_m3))
    price_kop = _scaled(_number(line_id, PRICE_PER_KG, line.material.price_per_kg), 2)
    dims = _dimensions(line_id, line.blank.shape, line.blank.dims)
    k_milli = _scaled(_number(line_id, COMPLEXITY, line.complexity), 3)
    s_centi = _surcharge_centi(line_id, line.surcharges_pct)
    fixed = _number(line_id, FIXED_UNIT_PRICE, line.fixed_unit_price, required=False)
    actual = _number(line_id, ACTUAL_MATERIAL_COST, line.actual_material_cost, required=False)
    rate_bp = _scaled(_number(line_id, VAT_RATE, vat_rate), 4)

    weight_g = _unit_weight_g(line_id, line.blank.shape, dims, density)
    material_unit = div_half_up(weight_g * price_kop, 1000)
    if fixed is not None:
        unit_price = _scaled(fixed, 2)
    else:  # kop * (k*1000) * ((100 + s) * 100) / 1e7 = kop * k * (1 + s/100)
        unit_price = div_half_up(material_unit * k_milli * (10_000 + s_centi), 10_000_000)
    net = unit_price * quantity
    vat = div_half_up(net * rate_bp, 10_000)
    planned_cost = material_unit * quantity
    actual_cost = planned_cost if actual is None else _scaled(actual, 2)
    for field, value in (("line_total", net + vat), ("planned_cost", planned_cost)):
        if value > MAX_MONEY_UNITS:
            raise PricingError.for_line(line_id, field, TOO_BIG_MONEY)
    return _Line(
        line_id,
        weight_g,
        weight_g * quantity,
        material_unit,
        unit_price,
        net,
        vat,
        net + vat,
        planned_cost,
        actual_cost,
        Decimal(vat_rate),
    )


def _line_result(p: _Line) -> LineResult:
    def money(n: int) -> Decimal:
        return from_scaled_int(n, MONEY_PLACES)

    return LineResult(
        id=p.id,
        unit_weight_kg=from_scaled_int(p.weight_g, WEIGHT_PLACES),
        line_weight_kg=from_scaled_int(p.line_weight_g, WEIGHT_PLACES),
        material_cost_unit=money(p.material_unit),
        unit_price_net=money(p.unit_price),
        line_net=money(p.net),
        vat_rate=p.vat_rate,
        line_vat=money(p.vat),
        line_total=money(p.total),
        planned_cost=money(p.planned_cost),
        actual_cost=money(p.actual_cost),
    )


def price_line(line: LineInput, vat_rate: Decimal) -> LineResult:
    """Price one line at an already resolved VAT rate; PricingError names the line and field."""
    return _line_result(_price_line(line, vat_rate))


def order_vat_rate(order: OrderInput, vat_table: VatTable = DEFAULT_VAT_TABLE) -> Decimal:
    """The explicit order rate if given, else the table rate on the shipment date."""
    if order.vat_rate is not None:
        problem = decimal_problem(VAT_RATE, order.vat_rate)
        if problem is not None:
            raise PricingError.for_order("vat_rate", problem)
        return Decimal(order.vat_rate)
    day = order.shipment_date
    if day is None:
        raise PricingError.for_order("shipment_date", f"{MISSING}, если не задана ставка vat_rate")
    if isinstance(day, datetime) or not isinstance(day, date):
        raise PricingError.for_order("shipment_date", "должно быть датой")
    return vat_table.rate_on(day)


def _expense_kop(number: int, expense: Expense) -> tuple[int, int]:
    if not isinstance(expense.category, str) or not expense.category.strip():
        raise PricingError.for_expense(number, "category", MISSING)
    for rule, value, required in (
        (EXPENSE_PLANNED, expense.planned, True),
        (EXPENSE_ACTUAL, expense.actual, False),
    ):
        problem = decimal_problem(rule, value, required=required)
        if problem is not None:
            raise PricingError.for_expense(number, rule.field, problem)
    planned = _scaled(expense.planned, 2)
    actual = planned if expense.actual is None else _scaled(expense.actual, 2)
    return planned, actual


def efficiency_tenths(profit: int, cost_price: int) -> int | None:
    """profit / cost_price * 100 in 0.1 %, ties away from zero (Decimal ROUND_HALF_UP)."""
    return None if cost_price == 0 else div_half_away(profit * 1000, cost_price)


def price_order(order: OrderInput, vat_table: VatTable = DEFAULT_VAT_TABLE) -> OrderResult:
    """Price a whole order: lines, sums, cost price, profit and efficiency (рентабельность)."""
    rate = order_vat_rate(order, vat_table)
    lines = [_price_line(line, rate) for line in order.lines]
    expenses = [_expense_kop(n, e) for n, e in enumerate(order.expenses, start=1)]

    net = sum(p.net for p in lines)
    expenses_planned = sum(e[0] for e in expenses)
    expenses_actual = sum(e[1] for e in expenses)
    figures = {
        "net": net,
        "vat": sum(p.vat for p in lines),
        "total": sum(p.total for p in lines),
        "weight_kg": sum(p.line_weight_g for p in lines),
        "expenses_planned": expenses_planned,
        "expenses_actual": expenses_actual,
        "planned_cost_price": sum(p.planned_cost for p in lines) + expenses_planned,
        "actual_cost_price": sum(p.actual_cost for p in lines) + expenses_actual,
    }
    for field, value in figures.items():  # same order as the frame API's checks
        if value > MAX_MONEY_UNITS:
            reason = TOO_BIG_WEIGHT if field == "weight_kg" else TOO_BIG_MONEY
            raise PricingError.for_order(field, reason)

    def money(n: int) -> Decimal:
        return from_scaled_int(n, MONEY_PLACES)

    def pct(tenths: int | None) -> Decimal | None:
        return None if tenths is None else from_scaled_int(tenths, PCT_PLACES)

    planned_profit = net - figures["planned_cost_price"]
    actual_profit = net - figures["actual_cost_price"]
    return OrderResult(
        lines=tuple(_line_result(p) for p in lines),
        net=money(net),
        vat=money(figures["vat"]),
        total=money(figures["total"]),
        weight_kg=from_scaled_int(figures["weight_kg"], WEIGHT_PLACES),
        planned_cost_price=money(figures["planned_cost_price"]),
        actual_cost_price=money(figures["actual_cost_price"]),
        planned_profit=money(planned_profit),
        actual_profit=money(actual_profit),
        planned_efficiency_pct=pct(
            efficiency_tenths(planned_profit, figures["planned_cost_price"])
        ),
        actual_efficiency_pct=pct(efficiency_tenths(actual_profit, figures["actual_cost_price"])),
        expenses_planned=money(expenses_planned),
        expenses_actual=money(expenses_actual),
    )
