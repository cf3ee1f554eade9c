"""Field rules: what one parsed cell must satisfy, whatever the rest of its row says.

A rule takes the parsed value and returns (the value to keep, the Russian reason it is refused or
None). Rules are pure, so run.parse applies each one once per distinct cell value of a column —
an order's columns repeat on every line, a register has tens of thousands of rows — and a refusal
is reported like a cell that does not parse: row, column, reason. Checks that need several fields
of a row (a blank's dimensions, a price without its date) stay in the kinds' check().
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ingest.importing.statuses import status_code
from pricing import validate as limits
from zakaz.domain import STATUS_NAMES_RU
from zakaz.inn import inn_error

Rule = Callable[[Any], tuple[Any, str | None]]

NUMBER_RULES = {
    "diameter_mm": limits.DIMENSION, "across_flats_mm": limits.DIMENSION,
    "outer_diameter_mm": limits.DIMENSION, "wall_mm": limits.DIMENSION,
    "length_mm": limits.DIMENSION, "width_mm": limits.DIMENSION,
    "thickness_mm": limits.DIMENSION, "weight_kg": limits.WEIGHT_KG,
    "complexity": limits.COMPLEXITY, "price_per_kg": limits.PRICE_PER_KG,
    "fixed_unit_price": limits.FIXED_UNIT_PRICE, "density_kg_m3": limits.DENSITY,
}  # fmt: skip
_STEPS = {places: Decimal(1).scaleb(-places) for places in range(6)}
_KPP = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$")
_STATUS_HELP = ", ".join(STATUS_NAMES_RU.values())
MAX_MONEY = Decimal(limits.MAX_MONEY_TEXT)


def number(field: str) -> Rule:
    """Rounded half-up to the pricing library's decimals for the field (money to the kopeck)
    and within its range."""
    rule = limits_of(field)

    def check(value: Decimal) -> tuple[Decimal, str | None]:
        if value < 0:
            return value, "отрицательное число"
        if value.adjusted() > 17:  # far above every limit (and beyond what quantize can hold)
            return value, rule.range_reason
        value = value.quantize(_STEPS[rule.places], rounding=ROUND_HALF_UP)
        too_low = value < rule.low if rule.low_inclusive else value <= rule.low
        if too_low or value > rule.high:
            return value, rule.range_reason
        return value, None

    check.limits = rule  # lets the parse stage run this rule inline on a column of floats
    return check


def limits_of(field: str) -> limits.DecimalRule:
    return NUMBER_RULES[field]


def quantity(value: Decimal) -> tuple[Any, str | None]:
    """Pieces: a whole number from 1 (parsed as a decimal to say what is wrong)."""
    if value < 0:
        return value, "отрицательное количество"
    if value.adjusted() > 17 or value != int(value):
        return value, "количество — целое число штук"
    pieces = int(value)
    problem = limits.quantity_problem(pieces)
    return pieces, (f"количество {problem}" if problem else None)


def money(value: Decimal) -> tuple[Decimal, str | None]:
    """An amount of rubles > 0, rounded half-up to the kopeck."""
    if value < 0:
        return value, "отрицательная сумма"
    if value > MAX_MONEY:
        return value, limits.TOO_BIG_MONEY
    value = value.quantize(_STEPS[2], rounding=ROUND_HALF_UP)
    return value, ("сумма должна быть больше нуля" if value == 0 else None)


def text(limit: int) -> Rule:
    def check(value: str) -> tuple[str, str | None]:
        if len(value) > limit:
            return value, f"слишком длинный текст (больше {limit} символов)"
        return value, None

    check.limit = limit  # lets the parse stage check a column of plain texts inline
    return check


def inn(value: str) -> tuple[str, str | None]:
    return value, inn_error(value)


def kpp(value: str) -> tuple[str, str | None]:
    return value, (None if _KPP.match(value) else "КПП — 9 знаков (например 770101001)")


def email(value: str) -> tuple[str, str | None]:
    if len(value) > 200:
        return value, "слишком длинный адрес почты"
    return value, (None if "@" in value else "адрес почты без @")


def status(value: str) -> tuple[str | None, str | None]:
    code = status_code(value)
    if code is None:
        return None, f"неизвестный статус «{value}»; допустимые: {_STATUS_HELP}"
    return code, None


def vat_rate(value: Decimal) -> tuple[Decimal, str | None]:
    if not 0 <= value < 1:
        return value, "ставка НДС от 0 до 100%"
    if value != value.quantize(_STEPS[4]):
        return value, "ставка НДС: не больше 2 знаков после запятой в процентах"
    return value, None


def line_no(value: int) -> tuple[int, str | None]:
    return value, (None if 1 <= value <= 100_000 else "номер позиции от 1 до 100000")
