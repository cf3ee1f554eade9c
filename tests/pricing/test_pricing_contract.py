"""The ``zakaz price`` JSON contract: numbers in any exact form, decimal strings out, one-line
errors naming the line id and the field."""

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pricing_cases import WORKED_ORDER, order_inputs, worked_payload

from pricing import PricingError, format_result, price_order, price_request

D = Decimal


def _stringify_numbers(value):
    if isinstance(value, dict):
        return {k: v if k == "id" else _stringify_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_numbers(v) for v in value]
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def test_numbers_as_strings_give_the_same_output():
    as_numbers = price_request(worked_payload())
    as_strings = price_request(_stringify_numbers(worked_payload()))
    assert as_strings == as_numbers
    assert as_numbers["order"] == WORKED_ORDER


def test_every_output_number_is_a_decimal_string():
    response = price_request(worked_payload())
    for leaf in _leaves(response):
        assert isinstance(leaf, str)
        Decimal(leaf)  # parses as a plain decimal...
        assert "E" not in leaf.upper()  # ...without exponent notation


def test_cli_style_json_round_trip():
    text = json.dumps(_stringify_numbers(worked_payload()), ensure_ascii=False)
    response = price_request(json.loads(text, parse_float=Decimal))
    assert json.loads(json.dumps(response, ensure_ascii=False)) == response


def _to_payload(order, stringify):
    def num(x):
        return None if x is None else (str(x) if stringify.draw(st.booleans()) else x)

    return {
        "shipment_date": order.shipment_date.isoformat(),
        **({"vat_rate": num(order.vat_rate)} if order.vat_rate is not None else {}),
        "lines": [
            {
                "id": line.id,
                "quantity": num(line.quantity),
                "material": {
                    "grade": line.material.grade,
                    "density_kg_m3": num(line.material.density_kg_m3),
                    "price_per_kg": num(line.material.price_per_kg),
                },
                "blank": {
                    "shape": line.blank.shape,
                    **{k: num(v) for k, v in line.blank.dims.items()},
                },
                "complexity": num(line.complexity),
                "surcharges_pct": {k: num(v) for k, v in line.surcharges_pct.items()},
                "fixed_unit_price": num(line.fixed_unit_price),
                "actual_material_cost": num(line.actual_material_cost),
            }
            for line in order.lines
        ],
        "expenses": [
            {"category": e.category, "planned": num(e.planned), "actual": num(e.actual)}
            for e in order.expenses
        ],
    }


@given(order_inputs(), st.data())
@settings(max_examples=100, deadline=None)
def test_contract_equals_scalar_api_for_any_mix_of_number_forms(order, data):
    response = price_request(_to_payload(order, data))
    assert response == format_result(price_order(order))
    assert response["order"]["total"] == str(price_order(order).total)


@pytest.mark.parametrize(
    ("rate", "expected"), [("0.2", "0.20"), (D("0.2200"), "0.22"), ("0.125", "0.125"), (0, "0.00")]
)
def test_vat_rate_is_printed_with_at_least_two_decimals(rate, expected):
    payload = worked_payload() | {"vat_rate": rate}
    assert {line["vat_rate"] for line in price_request(payload)["lines"]} == {expected}


def test_quantity_may_be_any_integral_number():
    for value in ("4", D("4.0"), "4.00", "4e0", 4):
        payload = worked_payload()
        payload["lines"][1]["quantity"] = value
        assert price_request(payload)["lines"][1]["line_net"] == "10634.84"


def test_missing_id_falls_back_to_the_position():
    payload = worked_payload()
    payload["lines"][0]["id"] = 17  # integer ids are fine and printed as text
    del payload["lines"][1]["id"]
    payload["lines"][1]["quantity"] = -4
    with pytest.raises(PricingError) as info:
        price_request(payload)
    assert info.value.line_id == "2"
    assert str(info.value) == "строка 2, поле quantity: должно быть целым числом от 1 до 10000000"
    payload["lines"][1]["quantity"] = 4
    payload["lines"][2]["id"] = " "  # blank ids count as missing
    assert [line["id"] for line in price_request(payload)["lines"]] == ["17", "2", "3"]


def _broken(path, value, delete=False):
    payload = copy.deepcopy(worked_payload())
    for line, new_id in zip(payload["lines"], ("A1", "B2", "C3"), strict=True):
        line["id"] = new_id  # so that messages show the id, not the position
    target = payload
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return payload


L2 = ("lines", 1)
ERRORS = [
    # missing fields
    (_broken((*L2, "quantity"), None, delete=True), "строка B2, поле quantity: обязательное поле"),
    (_broken((*L2, "material"), None, delete=True), "строка B2, поле material: обязательное поле"),
    (
        _broken((*L2, "material", "grade"), None, delete=True),
        "строка B2, поле grade: обязательное поле",
    ),
    (
        _broken((*L2, "material", "price_per_kg"), None),
        "строка B2, поле price_per_kg: обязательное поле",
    ),
    (
        _broken((*L2, "blank", "shape"), None, delete=True),
        "строка B2, поле shape: обязательное поле",
    ),
    (
        _broken((*L2, "blank", "width_mm"), None, delete=True),
        "строка B2, поле width_mm: обязательное поле",
    ),
    (
        _broken((*L2, "complexity"), None, delete=True),
        "строка B2, поле complexity: обязательное поле",
    ),
    (_broken(("lines",), None, delete=True), "заказ, поле lines: обязательное поле"),
    (
        _broken(("expenses", 0, "planned"), None, delete=True),
        "расход 1, поле planned: обязательное поле",
    ),
    (
        _broken(("expenses", 1, "category"), ""),
        "расход 2, поле category: ожидается непустая строка",
    ),
    (
        _broken(("shipment_date",), None, delete=True),
        "заказ, поле shipment_date: обязательное поле, если не задана ставка vat_rate",
    ),
    # negative / fractional quantity
    (
        _broken((*L2, "quantity"), -4),
        "строка B2, поле quantity: должно быть целым числом от 1 до 10000000",
    ),
    (
        _broken((*L2, "quantity"), "2.5"),
        "строка B2, поле quantity: должно быть целым числом от 1 до 10000000",
    ),
    # unknown shape
    (
        _broken((*L2, "blank", "shape"), "cube"),
        "строка B2, поле shape: неизвестная форма заготовки 'cube'; "
        "допустимы: round, hex, sheet, tube, weight",
    ),
    # non-numeric text and inexact numbers
    (
        _broken((*L2, "material", "price_per_kg"), "abc"),
        "строка B2, поле price_per_kg: должно быть числом",
    ),
    (
        _broken((*L2, "material", "price_per_kg"), "78,40"),
        "строка B2, поле price_per_kg: должно быть числом",
    ),
    (
        _broken((*L2, "material", "price_per_kg"), "NaN"),
        "строка B2, поле price_per_kg: должно быть числом",
    ),
    (
        _broken((*L2, "material", "price_per_kg"), ""),
        "строка B2, поле price_per_kg: должно быть числом",
    ),
    (
        _broken((*L2, "material", "price_per_kg"), "1_000"),
        "строка B2, поле price_per_kg: должно быть числом",
    ),
    (
        _broken((*L2, "material", "price_per_kg"), True),
        "строка B2, поле price_per_kg: должно быть числом",
    ),
    (
        _broken((*L2, "complexity"), 1.8),
        "строка B2, поле complexity: должно быть точным числом (Decimal или int), а не float",
    ),
    (_broken((*L2, "blank", "length_mm"), "x"), "строка B2, поле length_mm: должно быть числом"),
    (
        _broken((*L2, "surcharges_pct"), {"rush": "много"}),
        "строка B2, поле surcharges_pct.rush: должно быть числом",
    ),
    (_broken(("vat_rate",), "двадцать"), "заказ, поле vat_rate: должно быть числом"),
    # limits checked by the shared validator
    (
        _broken((*L2, "material", "price_per_kg"), "78.401"),
        "строка B2, поле price_per_kg: не более 2 знаков после запятой",
    ),
    (_broken(("vat_rate",), "1.5"), "заказ, поле vat_rate: должно быть от 0 до 1"),
    # structure
    (
        _broken(("shipment_date",), "16.03.2026"),
        "заказ, поле shipment_date: ожидается дата в формате ГГГГ-ММ-ДД",
    ),
    (
        _broken(("shipment_date",), "2026-02-30"),
        "заказ, поле shipment_date: ожидается дата в формате ГГГГ-ММ-ДД",
    ),
    (_broken(("lines",), {"a": 1}), "заказ, поле lines: ожидается JSON-массив"),
    (_broken(("lines", 1), "line"), "строка 2, поле lines: ожидается JSON-объект"),
    (_broken((*L2, "blank"), "round"), "строка B2, поле blank: ожидается JSON-объект"),
    (_broken((*L2, "id"), {"x": 1}), "строка 2, поле id: ожидается строка или целое число"),
    (_broken(("expenses",), "many"), "заказ, поле expenses: ожидается JSON-массив"),
]


@pytest.mark.parametrize(("payload", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_bad_input_raises_a_one_line_error_naming_line_and_field(payload, message):
    with pytest.raises(PricingError) as info:
        price_request(payload)
    assert str(info.value) == message


def test_request_must_be_an_object():
    with pytest.raises(PricingError, match=r"^заказ, поле запрос: ожидается JSON-объект$"):
        price_request([1, 2])  # type: ignore[arg-type]


def test_explicit_rate_makes_the_date_optional_and_unknown_keys_are_ignored():
    payload = worked_payload()
    del payload["shipment_date"]
    payload["vat_rate"] = "0.22"
    payload["comment"] = "срочно"
    payload["lines"][0]["name"] = "вал"
    assert price_request(payload)["order"] == WORKED_ORDER
