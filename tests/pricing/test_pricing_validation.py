"""Every validation rule, in both APIs: the error names the line id and the field, in Russian,
on one line; the frame API reports the first offending row exactly as the scalar API would."""

import pickle
from dataclasses import replace
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from pricing_cases import expenses_frame, lines_frame

from pricing import (
    Blank,
    Expense,
    LineInput,
    Material,
    OrderInput,
    PricingError,
    price_line,
    price_lines,
    price_order,
    price_orders,
)

D = Decimal
RATE = D("0.22")

BASE = {
    "round": {"diameter_mm": D("60"), "length_mm": D("500")},
    "hex": {"across_flats_mm": D("41"), "length_mm": D("120.5")},
    "sheet": {"length_mm": D(400), "width_mm": D(300), "thickness_mm": D(20)},
    "tube": {"outer_diameter_mm": D(89), "wall_mm": D(6), "length_mm": D(1000)},
    "weight": {"weight_kg": D("42.5")},
}


def good(line_id="L7", shape="round", **changes) -> LineInput:
    line = LineInput(
        line_id,
        10,
        Material("40Х", D("7850"), D("95.00")),
        Blank(shape, dict(BASE[shape])),
        D("2.5"),
        {"heat": D("10")},
    )
    return replace(line, **changes)


def with_material(**changes) -> LineInput:
    line = good()
    return replace(line, material=replace(line.material, **changes))


def with_dim(shape, key, value) -> LineInput:
    dims = dict(BASE[shape])
    if value is None:
        del dims[key]
    else:
        dims[key] = value
    return good(shape=shape, blank=Blank(shape, dims))


_RANGE = "должно быть"
_PLACES = "знаков после запятой"
_MISSING = "обязательное поле"

# (bad line, field in the scalar API, field in the frame API or None if not expressible, reason)
CASES = [
    (good(quantity=0), "quantity", "quantity", "целым числом от 1 до 10000000"),
    (good(quantity=-1), "quantity", "quantity", "целым числом"),
    (good(quantity=10_000_001), "quantity", "quantity", "целым числом"),
    (good(quantity=None), "quantity", "quantity", _MISSING),
    (good(quantity=True), "quantity", None, "целым числом"),
    (good(quantity=D("2")), "quantity", None, "целым числом"),
    (
        with_material(density_kg_m3=D(0)),
        "density_kg_m3",
        "density_kg_m3",
        "больше 0 и не больше 30000",
    ),
    (with_material(density_kg_m3=D("30000.001")), "density_kg_m3", "density_kg_m3", _RANGE),
    (
        with_material(density_kg_m3=D("7850.0001")),
        "density_kg_m3",
        "density_kg_m3",
        "не более 3 " + _PLACES,
    ),
    (with_material(density_kg_m3=None), "density_kg_m3", "density_kg_m3", _MISSING),
    (with_material(density_kg_m3=7850.0), "density_kg_m3", None, "а не float"),
    (with_material(density_kg_m3=D("NaN")), "density_kg_m3", None, "конечным"),
    (with_material(density_kg_m3="7850"), "density_kg_m3", None, "числом"),
    (with_material(price_per_kg=D("-0.01")), "price_per_kg", "price_per_kg", "от 0 до 1000000"),
    (with_material(price_per_kg=D("1000000.01")), "price_per_kg", "price_per_kg", _RANGE),
    (
        with_material(price_per_kg=D("95.001")),
        "price_per_kg",
        "price_per_kg",
        "не более 2 " + _PLACES,
    ),
    (with_material(price_per_kg=None), "price_per_kg", "price_per_kg", _MISSING),
    (good(blank=Blank("cube", {})), "shape", "shape", "неизвестная форма заготовки 'cube'"),
    (good(blank=Blank(None, {})), "shape", "shape", "неизвестная форма"),
    (
        with_dim("round", "diameter_mm", D(0)),
        "diameter_mm",
        "diameter_mm",
        "больше 0 и не больше 100000",
    ),
    (with_dim("round", "diameter_mm", None), "diameter_mm", "diameter_mm", _MISSING),
    (with_dim("round", "length_mm", D("100000.001")), "length_mm", "length_mm", _RANGE),
    (
        with_dim("round", "length_mm", D("1.0005")),
        "length_mm",
        "length_mm",
        "не более 3 " + _PLACES,
    ),
    (with_dim("hex", "across_flats_mm", D("-1")), "across_flats_mm", "across_flats_mm", _RANGE),
    (with_dim("hex", "length_mm", None), "length_mm", "length_mm", _MISSING),
    (with_dim("sheet", "width_mm", None), "width_mm", "width_mm", _MISSING),
    (with_dim("sheet", "thickness_mm", D("0.0001")), "thickness_mm", "thickness_mm", _PLACES),
    (
        with_dim("tube", "outer_diameter_mm", D("100001")),
        "outer_diameter_mm",
        "outer_diameter_mm",
        _RANGE,
    ),
    (with_dim("tube", "wall_mm", D("44.5")), "wall_mm", "wall_mm", "меньше половины"),
    (with_dim("tube", "wall_mm", D("50")), "wall_mm", "wall_mm", "меньше половины"),
    (with_dim("tube", "wall_mm", None), "wall_mm", "wall_mm", _MISSING),
    (
        with_dim("weight", "weight_kg", D(0)),
        "weight_kg",
        "weight_kg",
        "больше 0 и не больше 1000000",
    ),
    (with_dim("weight", "weight_kg", D("1000000.001")), "weight_kg", "weight_kg", _RANGE),
    (with_dim("weight", "weight_kg", D("0.0005")), "weight_kg", "weight_kg", _PLACES),
    (good(complexity=D(0)), "complexity", "complexity", "больше 0 и не больше 100"),
    (good(complexity=D("100.001")), "complexity", "complexity", _RANGE),
    (good(complexity=D("1.0001")), "complexity", "complexity", "не более 3 " + _PLACES),
    (good(complexity=None), "complexity", "complexity", _MISSING),
    (
        good(surcharges_pct={"heat": D("-100.01")}),
        "surcharges_pct.heat",
        "surcharge_pct_total",
        _RANGE,
    ),
    (good(surcharges_pct={"heat": D("1000.01")}), "surcharges_pct.heat", None, "от -100 до 1000"),
    (
        good(surcharges_pct={"heat": D("1.001")}),
        "surcharges_pct.heat",
        "surcharge_pct_total",
        _PLACES,
    ),
    (
        good(surcharges_pct={"a": D(-50), "b": D(-50)}),
        "surcharges_pct",
        "surcharge_pct_total",
        "больше -100",
    ),
    (
        good(surcharges_pct={str(i): D(1000) for i in range(11)}),
        "surcharges_pct",
        "surcharge_pct_total",
        "не больше 10000",
    ),
    (good(surcharges_pct={"heat": None}), "surcharges_pct.heat", None, _MISSING),
    (good(fixed_unit_price=D("-0.01")), "fixed_unit_price", "fixed_unit_price", _RANGE),
    (good(fixed_unit_price=D("1000000000000.01")), "fixed_unit_price", "fixed_unit_price", _RANGE),
    (good(fixed_unit_price=D("1.001")), "fixed_unit_price", "fixed_unit_price", _PLACES),
    (good(actual_material_cost=D("-1")), "actual_material_cost", "actual_material_cost", _RANGE),
    (
        good(actual_material_cost=D("100000000000000.01")),
        "actual_material_cost",
        "actual_material_cost",
        _RANGE,
    ),
    (
        good(actual_material_cost=D("0.001")),
        "actual_material_cost",
        "actual_material_cost",
        _PLACES,
    ),
    # Derived limits: a blank heavier than 1000 t, sums beyond DECIMAL(18,2).
    (
        LineInput(
            "L7",
            1,
            Material("X", D(7850), D(1)),
            Blank("sheet", {"length_mm": D(100000), "width_mm": D(100000), "thickness_mm": D(100)}),
            D(1),
        ),
        "blank",
        "blank",
        "больше 1000000 кг",
    ),
    (
        good(quantity=10_000_000, fixed_unit_price=D("1000000000000")),
        "line_total",
        "line_total",
        "9999999999999999.99",
    ),
    (
        LineInput(
            "L7",
            10_000_000,
            Material("X", D(1), D(1000000)),
            Blank("weight", {"weight_kg": D(1000000)}),
            D(1),
            fixed_unit_price=D(0),
        ),
        "planned_cost",
        "planned_cost",
        "предельной",
    ),
]


def _ids(case):
    return f"{case[1]}-{CASES.index(case)}"


@pytest.mark.parametrize(("line", "field", "frame_field", "reason"), CASES, ids=map(_ids, CASES))
def test_scalar_error_names_line_and_field(line, field, frame_field, reason):
    with pytest.raises(PricingError) as info:
        price_line(line, RATE)
    error = info.value
    assert (error.line_id, error.field) == ("L7", field)
    assert reason in error.reason
    assert str(error) == f"строка L7, поле {field}: {error.reason}"
    assert "\n" not in str(error)
    # The same error through a whole order (after a good first line).
    with pytest.raises(PricingError) as info:
        price_order(OrderInput(date(2026, 1, 1), (good("L1"), line)))
    assert (info.value.line_id, info.value.field, info.value.reason) == ("L7", field, error.reason)


FRAME_CASES = [c for c in CASES if c[2] is not None]


@pytest.mark.parametrize(
    ("line", "field", "frame_field", "reason"), FRAME_CASES, ids=map(_ids, FRAME_CASES)
)
@pytest.mark.parametrize("extra_scale", [0, 6])
def test_frame_reports_the_first_bad_row_like_the_scalar_api(
    line, field, frame_field, reason, extra_scale
):
    later_bad = good("L9", quantity=0)
    order = OrderInput(None, (good("L1"), line, later_bad, good("L2")), (), RATE)
    frame = lines_frame([(1, order)], extra_scale)
    with pytest.raises(PricingError) as info:
        price_lines(frame)
    error = info.value
    assert (error.line_id, error.field) == ("L7", frame_field)
    assert reason in error.reason
    assert str(error).startswith(f"строка L7, поле {frame_field}: ")
    if frame_field == field:  # same field: same words as the scalar API
        with pytest.raises(PricingError) as scalar:
            price_line(line, RATE)
        assert scalar.value.reason == error.reason


@pytest.mark.parametrize(
    ("rate", "reason"),
    [(D("-0.0001"), "от 0 до 1"), (D("1.0001"), "от 0 до 1"), (D("0.12345"), "не более 4")],
)
def test_vat_rate_limits(rate, reason):
    with pytest.raises(PricingError) as info:
        price_line(good(), rate)
    assert (info.value.line_id, info.value.field) == ("L7", "vat_rate") and reason in str(
        info.value
    )
    with pytest.raises(PricingError) as info:
        price_order(OrderInput(date(2026, 1, 1), (good(),), vat_rate=rate))
    assert str(info.value).startswith("заказ, поле vat_rate: ")
    frame = lines_frame([(1, OrderInput(None, (good(),)))], rates=rate)
    with pytest.raises(PricingError) as info:
        price_lines(frame)
    assert (info.value.line_id, info.value.field) == ("L7", "vat_rate") and reason in str(
        info.value
    )


def test_an_earlier_derived_error_wins_over_a_later_input_error():
    heavy = CASES[[c[1] for c in CASES].index("blank")][0]
    first_heavy = OrderInput(None, (good("L1"), heavy, good("L9", quantity=0)), (), RATE)
    first_bad = OrderInput(None, (good("L1"), good("L9", quantity=0), heavy), (), RATE)
    for order, expected in ((first_heavy, ("L7", "blank")), (first_bad, ("L9", "quantity"))):
        for call in (
            lambda o=order: price_order(o),
            lambda o=order: price_lines(lines_frame([(1, o)])),
        ):
            with pytest.raises(PricingError) as info:
                call()
            assert (info.value.line_id, info.value.field) == expected


def test_order_sums_beyond_decimal_18_2_are_errors():
    big = good("A", quantity=10_000_000, fixed_unit_price=D("900000000"))  # 9e15 each
    order = OrderInput(None, (big, replace(big, id="B")), (), D(0))
    with pytest.raises(PricingError) as info:
        price_order(order)
    assert str(info.value) == "заказ, поле net: сумма больше предельной 9999999999999999.99"
    with pytest.raises(PricingError) as info:
        price_orders(price_lines(lines_frame([(5, order)])), pl.DataFrame())
    assert str(info.value) == "заказ 5, поле net: сумма больше предельной 9999999999999999.99"

    expenses = tuple(Expense("other", D("100000000000000")) for _ in range(101))
    order = OrderInput(None, (good(),), expenses, RATE)
    with pytest.raises(PricingError) as info:
        price_order(order)
    assert info.value.field == "expenses_planned"
    with pytest.raises(PricingError) as info:
        price_orders(price_lines(lines_frame([(5, order)])), expenses_frame([(5, order)]))
    assert info.value.field == "expenses_planned"


@pytest.mark.parametrize(
    ("expense", "field", "reason"),
    [
        (Expense("other", D("-1")), "planned", "от 0 до"),
        (Expense("other", D("1.001")), "planned", "не более 2"),
        (Expense("other", None), "planned", _MISSING),
        (Expense("other", D(1), D("-0.01")), "actual", "от 0 до"),
        (Expense("other", D(1), D("100000000000000.01")), "actual", "от 0 до"),
        (Expense(" ", D(1)), "category", _MISSING),
    ],
)
def test_expense_errors_name_the_expense_and_field(expense, field, reason):
    order = OrderInput(date(2026, 1, 1), (good(),), (Expense("ok", D(1)), expense))
    with pytest.raises(PricingError) as info:
        price_order(order)
    assert str(info.value).startswith(f"расход 2, поле {field}: ") and reason in info.value.reason
    assert info.value.line_id is None
    with pytest.raises(PricingError) as info:
        price_orders(price_lines(lines_frame([(5, order)])), expenses_frame([(5, order)]))
    assert str(info.value).startswith(f"расход 2 заказа 5, поле {field}: ")
    assert reason in info.value.reason


def test_missing_shipment_date_without_rate():
    with pytest.raises(PricingError, match=r"^заказ, поле shipment_date: обязательное поле"):
        price_order(OrderInput(None, (good(),)))


# --- frame schema ---------------------------------------------------------------------------


def _frame(*lines, **kwargs):
    return lines_frame([(1, OrderInput(None, lines, (), RATE))], **kwargs)


def test_frame_schema_errors_name_the_column():
    frame = _frame(good())
    with pytest.raises(PricingError, match=r"^таблица строк, поле complexity: нет такого столбца"):
        price_lines(frame.drop("complexity"))
    with pytest.raises(PricingError, match=r"поле density_kg_m3: ожидается тип Decimal"):
        price_lines(frame.with_columns(pl.col("density_kg_m3").cast(pl.Float64)))
    with pytest.raises(PricingError, match=r"поле quantity: ожидается целочисленный тип"):
        price_lines(frame.with_columns(pl.col("quantity").cast(pl.Float64)))
    with pytest.raises(PricingError, match=r"поле shape: ожидается текстовый тип"):
        price_lines(frame.with_columns(pl.lit(1).alias("shape")))


def test_frame_accepts_optional_columns_absent_and_other_integer_and_text_types():
    frame = _frame(good(surcharges_pct={}), good("L8", shape="sheet", surcharges_pct={}))
    full = price_lines(frame)
    slim = frame.drop(
        "fixed_unit_price",
        "actual_material_cost",
        "surcharge_pct_total",
        "across_flats_mm",
        "outer_diameter_mm",
        "wall_mm",
        "weight_kg",
    ).with_columns(
        pl.col("quantity").cast(pl.Int32),
        pl.col("shape").cast(pl.Categorical),
        pl.col("line_id").cast(pl.Categorical),
    )
    out = price_lines(slim)
    assert out["line_total"].to_list() == full["line_total"].to_list()
    assert out.columns[: len(slim.columns)] == slim.columns  # input columns first, unchanged order


def test_frame_errors_use_integer_ids_or_the_row_number():
    frame = _frame(good(), good(quantity=0))
    with pytest.raises(PricingError, match=r"^строка 8, поле quantity"):
        price_lines(frame.with_columns(pl.Series("line_id", [7, 8])))
    with pytest.raises(PricingError, match=r"^строка 2, поле quantity"):
        price_lines(frame.with_columns(pl.lit(None, dtype=pl.String).alias("line_id")))


def test_price_orders_needs_order_ids():
    priced = price_lines(_frame(good(), good("L8")))
    with pytest.raises(PricingError, match=r"^строка L8, поле order_id: обязательное поле"):
        price_orders(priced.with_columns(pl.Series("order_id", [1, None])), pl.DataFrame())
    with pytest.raises(PricingError, match=r"поле order_id: нет такого столбца"):
        price_orders(priced.drop("order_id"), pl.DataFrame())


def test_orders_with_only_expenses_still_appear():
    priced = price_lines(_frame(good()))
    expenses = pl.DataFrame(
        {
            "order_id": [2, 1],
            "category": ["x", "y"],
            "planned": [D("5.00"), D("1.00")],
            "actual": [None, None],
        },
        schema_overrides={"planned": pl.Decimal(18, 2), "actual": pl.Decimal(18, 2)},
    )
    out = price_orders(priced, expenses)
    assert out["order_id"].to_list() == [1, 2]
    assert out.filter(pl.col("order_id") == 2)["planned_profit"].item() == D("-5.00")


# --- the error type ---------------------------------------------------------------------------


def test_error_is_one_line_even_with_a_multiline_id():
    with pytest.raises(PricingError) as info:
        price_line(good("a\nb", quantity=0), RATE)
    assert "\n" not in str(info.value) and info.value.line_id == "a\nb"


def test_error_survives_pickling():
    error = PricingError.for_line("L7", "quantity", "плохо")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.line_id, copy.field, copy.reason) == (
        str(error),
        "L7",
        "quantity",
        "плохо",
    )
    assert isinstance(copy, ValueError)
