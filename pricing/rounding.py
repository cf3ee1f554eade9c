"""Half-up rounding and exact scaled-integer conversions.

Every price figure is computed as an integer number of kopecks (grams, basis points...), so the
scalar and the Polars APIs agree to the last digit. These helpers are the only bridge between
those integers and ``Decimal``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MONEY = Decimal("0.01")
WEIGHT = Decimal("0.001")
PCT = Decimal("0.1")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(MONEY, rounding=ROUND_HALF_UP)


def round_weight(value: Decimal) -> Decimal:
    return value.quantize(WEIGHT, rounding=ROUND_HALF_UP)


def round_pct(value: Decimal) -> Decimal:
    return value.quantize(PCT, rounding=ROUND_HALF_UP)


def div_half_up(n: int, d: int) -> int:
    """n / d rounded half-up, for n >= 0 and d > 0 (``(n + d//2) // d`` is exact for integers)."""
    if n < 0 or d <= 0:
        raise ValueError("div_half_up: n must be >= 0 and d > 0")
    return (n + d // 2) // d


def div_half_away(n: int, d: int) -> int:
    """n / d rounded to nearest, ties away from zero (Decimal ROUND_HALF_UP), for any n, d > 0."""
    q = div_half_up(abs(n), d)
    return -q if n < 0 else q


def decimal_places(value: Decimal) -> int:
    """Significant digits after the point, by value: Decimal("1.2300") has 2 (no context used)."""
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN / Infinity
        raise ValueError("decimal_places: not a finite number")
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if trailing_zeros == len(digits):  # the value is zero
        return 0
    return max(0, -(exponent + trailing_zeros))


def to_scaled_int(value: Decimal, places: int) -> int:
    """value * 10**places as an exact int; value must have at most ``places`` decimals."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or decimal_places(value) > places:
        raise ValueError(f"to_scaled_int: {value} has more than {places} decimals")
    magnitude = int("".join(map(str, digits)) or "0")
    shift = exponent + places
    # Avoid Decimal arithmetic here: it would depend on the thread's context precision.
    magnitude = magnitude * 10**shift if shift >= 0 else magnitude // 10**-shift
    return -magnitude if sign else magnitude


def from_scaled_int(n: int, places: int) -> Decimal:
    """The Decimal n / 10**places with exactly ``places`` decimals (12345, 2 -> 123.45)."""
    sign = 1 if n < 0 else 0
    digits = tuple(int(c) for c in str(abs(n)))
    return Decimal((sign, digits, -places))
