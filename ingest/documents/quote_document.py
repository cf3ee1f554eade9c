"""The quote (КП) as a document: plain, already-computed figures ready to print.

The renderer prints these values as given and never recomputes them, so whoever builds a
`QuoteDoc` (from the stored quote) owns the arithmetic; money and weights stay `Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class QuoteLineDoc:
    line_no: int
    drawing_no: str | None
    name: str
    material_grade: str | None
    quantity: int
    unit_weight_kg: Decimal
    unit_price_net: Decimal
    line_net: Decimal
    line_vat: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class QuoteDoc:
    number: str  # e.g. "КП-2026-0142/2"
    version: int
    issued_on: date
    valid_until: date | None
    order_number: str  # e.g. "З-2026-0142"
    customer_name: str
    customer_inn: str
    customer_kpp: str | None
    customer_address: str | None
    manager_name: str | None
    plant_name: str  # the seller, e.g. 'АО «Завод»'
    vat_rate: Decimal  # a fraction: Decimal("0.2200") is 22 %
    net: Decimal
    vat: Decimal
    total: Decimal
    lines: tuple[QuoteLineDoc, ...]
