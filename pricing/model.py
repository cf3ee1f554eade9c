"""Plain input/output records of the scalar API (frozen, Decimal everywhere for money)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Material:
    grade: str
    density_kg_m3: Decimal
    price_per_kg: Decimal  # RUB/kg excl. VAT


@dataclass(frozen=True)
class Blank:
    shape: str  # round | hex | sheet | tube | weight (see pricing.shapes)
    dims: Mapping[str, Decimal]  # keys exactly as in the JSON contract, e.g. diameter_mm


@dataclass(frozen=True)
class LineInput:
    id: str
    quantity: int
    material: Material
    blank: Blank
    complexity: Decimal
    surcharges_pct: Mapping[str, Decimal] = field(default_factory=dict)
    fixed_unit_price: Decimal | None = None  # per piece excl. VAT; replaces the computed price
    actual_material_cost: Decimal | None = None  # for the whole line


@dataclass(frozen=True)
class Expense:
    category: str
    planned: Decimal
    actual: Decimal | None = None


@dataclass(frozen=True)
class OrderInput:
    shipment_date: date | None
    lines: Sequence[LineInput]
    expenses: Sequence[Expense] = ()
    vat_rate: Decimal | None = None  # explicit rate; wins over the table


@dataclass(frozen=True)
class LineResult:
    id: str
    unit_weight_kg: Decimal
    line_weight_kg: Decimal
    material_cost_unit: Decimal
    unit_price_net: Decimal
    line_net: Decimal
    vat_rate: Decimal
    line_vat: Decimal
    line_total: Decimal
    planned_cost: Decimal
    actual_cost: Decimal


@dataclass(frozen=True)
class OrderResult:
    lines: tuple[LineResult, ...]
    net: Decimal
    vat: Decimal
    total: Decimal
    weight_kg: Decimal
    planned_cost_price: Decimal
    actual_cost_price: Decimal
    planned_profit: Decimal
    actual_profit: Decimal
    planned_efficiency_pct: Decimal | None  # None when the cost price is 0
    actual_efficiency_pct: Decimal | None
    expenses_planned: Decimal = Decimal("0.00")
    expenses_actual: Decimal = Decimal("0.00")
