"""Money as Russian text for messages from the store and the CLI: 1 234 567,89 ₽."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rub(value: Decimal | int) -> str:
    if isinstance(value, float):
        raise TypeError("money is never a float")
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", " ")
    return f"{sign}{groups},{cents} ₽"
