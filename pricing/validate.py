"""Input limits, shared by the scalar and the frame APIs.

Each numeric input has one ``DecimalRule`` (range + allowed decimals). The scalar API asks
``decimal_problem``; the frame API turns the same rule into Polars expressions. Both report the
same Russian reasons, so a bad line fails the same way everywhere.

The limits keep every intermediate integer (kopecks, grams) well inside Int128 and every result
inside DECIMAL(18,2) except at absurd extremes, which ``MAX_MONEY_UNITS`` checks catch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from pricing.rounding import decimal_places

MISSING = "обязательное поле"
NOT_EXACT = "должно быть точным числом (Decimal или int), а не float"
NOT_NUMBER = "должно быть числом"
NOT_FINITE = "должно быть конечным числом"

QUANTITY_MIN = 1
QUANTITY_MAX = 10_000_000
QUANTITY_REASON = f"должно быть целым числом от {QUANTITY_MIN} до {QUANTITY_MAX}"

# DECIMAL(18,2) / DECIMAL(18,3): 16 digits before the point.
MAX_MONEY_UNITS = 10**18 - 1
MAX_MONEY_TEXT = "9999999999999999.99"
TOO_BIG_MONEY = f"сумма больше предельной {MAX_MONEY_TEXT}"
TOO_BIG_WEIGHT = "масса больше предельной 999999999999999.999 кг"

# A computed blank may not weigh more than the largest allowed ``weight_kg`` (1e15 * 1e-9 kg).
MAX_UNIT_WEIGHT_NANO_KG = 10**15
TOO_HEAVY = "расчётная масса заготовки больше 1000000 кг"

TUBE_WALL = "стенка должна быть меньше половины наружного диаметра"


def _text(value: Decimal) -> str:
    return format(value, "f")


@dataclass(frozen=True)
class DecimalRule:
    """low < value (or <= when ``low_inclusive``) <= high, at most ``places`` decimals."""

    field: str
    low: Decimal
    low_inclusive: bool
    high: Decimal
    places: int

    @property
    def range_reason(self) -> str:
        if self.low_inclusive:
            return f"должно быть от {_text(self.low)} до {_text(self.high)}"
        return f"должно быть больше {_text(self.low)} и не больше {_text(self.high)}"

    @property
    def places_reason(self) -> str:
        return f"не более {self.places} знаков после запятой"

    def named(self, field: str) -> DecimalRule:
        return replace(self, field=field)


def _rule(field: str, low: str, low_inclusive: bool, high: str, places: int) -> DecimalRule:
    return DecimalRule(field, Decimal(low), low_inclusive, Decimal(high), places)


DENSITY = _rule("density_kg_m3", "0", False, "30000", 3)
PRICE_PER_KG = _rule("price_per_kg", "0", True, "1000000", 2)
DIMENSION = _rule("dimension_mm", "0", False, "100000", 3)
WEIGHT_KG = _rule("weight_kg", "0", False, "1000000", 3)
COMPLEXITY = _rule("complexity", "0", False, "100", 3)
SURCHARGE = _rule("surcharges_pct", "-100", True, "1000", 2)
# The sum must leave a positive price factor; the cap keeps the factor's integers bounded.
SURCHARGE_TOTAL = _rule("surcharges_pct", "-100", False, "10000", 2)
FIXED_UNIT_PRICE = _rule("fixed_unit_price", "0", True, "1000000000000", 2)
ACTUAL_MATERIAL_COST = _rule("actual_material_cost", "0", True, "100000000000000", 2)
VAT_RATE = _rule("vat_rate", "0", True, "1", 4)
EXPENSE_PLANNED = _rule("planned", "0", True, "100000000000000", 2)
EXPENSE_ACTUAL = _rule("actual", "0", True, "100000000000000", 2)


def decimal_problem(rule: DecimalRule, value: object, *, required: bool = True) -> str | None:
    """The Russian reason why ``value`` breaks ``rule``, or None when it is fine."""
    if value is None:
        return MISSING if required else None
    if isinstance(value, float):
        return NOT_EXACT
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return NOT_NUMBER
    number = Decimal(value)
    if not number.is_finite():
        return NOT_FINITE
    too_low = number < rule.low if rule.low_inclusive else number <= rule.low
    if too_low or number > rule.high:
        return rule.range_reason
    if decimal_places(number) > rule.places:
        return rule.places_reason
    return None


def quantity_problem(value: object) -> str | None:
    if value is None:
        return MISSING
    if isinstance(value, bool) or not isinstance(value, int):
        return QUANTITY_REASON
    if not QUANTITY_MIN <= value <= QUANTITY_MAX:
        return QUANTITY_REASON
    return None
