"""Pricing and order economics (pricing.md): one pure implementation for the order card, quotes,
``zakaz price`` and the pipeline.

- scalar API on Decimal: ``price_line``, ``price_order``
- frame API on Polars (identical figures): ``price_lines``, ``price_orders``, ``resolve_vat_rate``
- JSON contract of ``zakaz price``: ``price_request``
"""

from pricing.contract import format_result, parse_request, price_request
from pricing.errors import PricingError
from pricing.frame import price_lines, price_orders, resolve_vat_rate, vat_rate_expr
from pricing.model import (
    Blank,
    Expense,
    LineInput,
    LineResult,
    Material,
    OrderInput,
    OrderResult,
)
from pricing.rounding import div_half_up, round_money, round_pct, round_weight
from pricing.scalar import order_vat_rate, price_line, price_order
from pricing.shapes import SHAPES
from pricing.vat import DEFAULT_VAT_TABLE, VatTable

__all__ = [
    "DEFAULT_VAT_TABLE",
    "SHAPES",
    "Blank",
    "Expense",
    "LineInput",
    "LineResult",
    "Material",
    "OrderInput",
    "OrderResult",
    "PricingError",
    "VatTable",
    "div_half_up",
    "format_result",
    "order_vat_rate",
    "parse_request",
    "price_line",
    "price_lines",
    "price_order",
    "price_orders",
    "price_request",
    "resolve_vat_rate",
    "round_money",
    "round_pct",
    "round_weight",
    "vat_rate_expr",
]
