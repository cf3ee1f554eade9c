"""The ``zakaz price`` JSON contract as a pure function (see pricing.md).

The CLI does the I/O: ``json.loads(text, parse_float=Decimal)``, then ``price_request``, then
``json.dumps``; on ``PricingError`` it prints ``str(error)`` (one line) and exits 2. Numbers may
come as JSON numbers (int or Decimal) or as strings; floats are refused because they may already
have lost digits. Every number in the output is a decimal string; unknown keys are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pricing.errors import PricingError
from pricing.model import Blank, Expense, LineInput, Material, OrderInput, OrderResult
from pricing.scalar import price_order
from pricing.shapes import SHAPES, unknown_shape_reason
from pricing.validate import MISSING, NOT_EXACT, NOT_NUMBER, QUANTITY_MAX, QUANTITY_REASON
from pricing.vat import DEFAULT_VAT_TABLE, VatTable

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NOT_OBJECT = "ожидается JSON-объект"
NOT_LIST = "ожидается JSON-массив"
NOT_TEXT = "ожидается непустая строка"

LINE_KEYS = (
    "id",
    "unit_weight_kg",
    "line_weight_kg",
    "material_cost_unit",
    "unit_price_net",
    "line_net",
    "vat_rate",
    "line_vat",
    "line_total",
    "planned_cost",
    "actual_cost",
)
ORDER_KEYS = (
    "net",
    "vat",
    "total",
    "weight_kg",
    "planned_cost_price",
    "actual_cost_price",
    "planned_profit",
    "actual_profit",
    "planned_efficiency_pct",
    "actual_efficiency_pct",
)

Fail = Callable[[str, str], PricingError]


def _number_problem(value: object) -> tuple[Decimal | None, str | None]:
    """(parsed, None) or (None, reason). None stays None: the validator reports it missing."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, NOT_NUMBER
    if isinstance(value, int | Decimal):
        return Decimal(value), None
    if isinstance(value, float):
        return None, NOT_EXACT
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return Decimal(value.strip()), None
    return None, NOT_NUMBER


def _number(data: Mapping[str, Any], key: str, fail: Fail) -> Decimal | None:
    parsed, problem = _number_problem(data.get(key))
    if problem is not None:
        raise fail(key, problem)
    return parsed


def _object(value: object, key: str, fail: Fail) -> Mapping[str, Any]:
    if value is None:
        raise fail(key, MISSING)
    if not isinstance(value, Mapping):
        raise fail(key, NOT_OBJECT)
    return value


def _text(data: Mapping[str, Any], key: str, fail: Fail) -> str:
    value = data.get(key)
    if value is None:
        raise fail(key, MISSING)
    if not isinstance(value, str) or not value.strip():
        raise fail(key, NOT_TEXT)
    return value


def _quantity(data: Mapping[str, Any], fail: Fail) -> int | None:
    """An integer value (10, "10", 10.0 all mean 10); range is left to the validator."""
    value = _number(data, "quantity", fail)
    if value is None:
        return None
    if not value.is_finite() or abs(value) > QUANTITY_MAX or value != value.to_integral_value():
        raise fail("quantity", QUANTITY_REASON)
    return int(value)


def _line_id(raw: Mapping[str, Any], position: int) -> str:
    value = raw.get("id")
    if value is None or (isinstance(value, str) and not value.strip()):
        return str(position)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PricingError.for_line(position, "id", "ожидается строка или целое число")
    return str(value)


def _parse_line(raw: object, position: int) -> LineInput:
    if not isinstance(raw, Mapping):
        raise PricingError.for_line(position, "lines", NOT_OBJECT)
    line_id = _line_id(raw, position)

    def fail(field: str, reason: str) -> PricingError:
        return PricingError.for_line(line_id, field, reason)

    quantity = _quantity(raw, fail)
    material = _object(raw.get("material"), "material", fail)
    grade = _text(material, "grade", fail)
    density = _number(material, "density_kg_m3", fail)
    price = _number(material, "price_per_kg", fail)
    blank = _object(raw.get("blank"), "blank", fail)
    shape = blank.get("shape")
    if shape is None:
        raise fail("shape", MISSING)
    if not isinstance(shape, str) or shape not in SHAPES:
        raise fail("shape", unknown_shape_reason(shape))
    dims = {key: _number(blank, key, fail) for key in SHAPES[shape]}
    complexity = _number(raw, "complexity", fail)
    surcharges: dict[str, Decimal | None] = {}
    if raw.get("surcharges_pct") is not None:
        for name, value in _object(raw["surcharges_pct"], "surcharges_pct", fail).items():
            parsed, problem = _number_problem(value)
            if problem is not None:
                raise fail(f"surcharges_pct.{name}", problem)
            surcharges[str(name)] = parsed
    return LineInput(
        id=line_id,
        quantity=quantity,  # type: ignore[arg-type]  # None is reported by the validator
        material=Material(grade, density, price),  # type: ignore[arg-type]
        blank=Blank(shape, dims),  # type: ignore[arg-type]
        complexity=complexity,  # type: ignore[arg-type]
        surcharges_pct=surcharges,  # type: ignore[arg-type]
        fixed_unit_price=_number(raw, "fixed_unit_price", fail),
        actual_material_cost=_number(raw, "actual_material_cost", fail),
    )


def _parse_expense(raw: object, number: int) -> Expense:
    def fail(field: str, reason: str) -> PricingError:
        return PricingError.for_expense(number, field, reason)

    if not isinstance(raw, Mapping):
        raise fail("expenses", NOT_OBJECT)
    return Expense(
        category=_text(raw, "category", fail),
        planned=_number(raw, "planned", fail),  # type: ignore[arg-type]
        actual=_number(raw, "actual", fail),
    )


def _list(payload: Mapping[str, Any], key: str, required: bool) -> list[Any]:
    value = payload.get(key)
    if value is None:
        if required:
            raise PricingError.for_order(key, MISSING)
        return []
    if not isinstance(value, list | tuple):
        raise PricingError.for_order(key, NOT_LIST)
    return list(value)


def _shipment_date(value: object) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PricingError.for_order("shipment_date", "ожидается дата в формате ГГГГ-ММ-ДД")


def parse_request(payload: object) -> OrderInput:
    """The JSON request as an ``OrderInput`` (shape errors raised; limits checked when pricing)."""
    if not isinstance(payload, Mapping):
        raise PricingError.for_order("запрос", NOT_OBJECT)
    vat_rate = _number(payload, "vat_rate", PricingError.for_order)
    return OrderInput(
        shipment_date=_shipment_date(payload.get("shipment_date")),
        vat_rate=vat_rate,
        lines=tuple(
            _parse_line(raw, n) for n, raw in enumerate(_list(payload, "lines", True), start=1)
        ),
        expenses=tuple(
            _parse_expense(raw, n)
            for n, raw in enumerate(_list(payload, "expenses", False), start=1)
        ),
    )


def _text_number(value: Decimal) -> str:
    return format(value, "f")


def format_rate(rate: Decimal) -> str:
    """0.22 -> "0.22", 0.2 / 0.2000 -> "0.20", 0.125 -> "0.125": at least two decimals."""
    normal = rate.normalize()
    if normal.as_tuple().exponent > -2:  # type: ignore[operator]
        normal = normal.quantize(Decimal("0.01"))
    return _text_number(normal)


def format_result(result: OrderResult) -> dict[str, Any]:
    """The response dict in the contract's key order, every number a decimal string."""
    lines = []
    for line in result.lines:
        values = {key: getattr(line, key) for key in LINE_KEYS}
        values = {k: v if k == "id" else _text_number(v) for k, v in values.items()}
        values["vat_rate"] = format_rate(line.vat_rate)
        lines.append(values)
    order = {}
    for key in ORDER_KEYS:
        value = getattr(result, key)
        order[key] = None if value is None else _text_number(value)
    return {"lines": lines, "order": order}


def price_request(payload: dict, vat_table: VatTable = DEFAULT_VAT_TABLE) -> dict:
    """``zakaz price``: request dict in, response dict out; PricingError on bad input."""
    return format_result(price_order(parse_request(payload), vat_table))
