"""Value formatting and parsing for the UI: Russian number and date style, Decimal only."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboards.ui.format import (
    EMPTY,
    day,
    moment,
    money,
    number,
    parse_day,
    parse_money,
    pct,
    vat_rate_pct,
    weight_kg,
)

# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.89"), "1 234 567,89 ₽"),
        (Decimal("1234.5"), "1 234,50 ₽"),
        (Decimal("-1234.5"), "-1 234,50 ₽"),
        (Decimal("-1234567.89"), "-1 234 567,89 ₽"),
        (Decimal("0"), "0,00 ₽"),
        (Decimal("0.00"), "0,00 ₽"),
        (0, "0,00 ₽"),
        (1000, "1 000,00 ₽"),
        (-7, "-7,00 ₽"),
        (Decimal("999.999"), "1 000,00 ₽"),
        (Decimal("123456"), "123 456,00 ₽"),
        (Decimal("1E+6"), "1 000 000,00 ₽"),
        (Decimal("12.3"), "12,30 ₽"),
    ],
)
def test_money(value, expected):
    assert money(value) == expected


def test_money_spec_example_uses_ordinary_spaces():
    text = money(Decimal("1234567.89"))
    assert text == "1 234 567,89 ₽"
    assert "\u00a0" not in text and "\u202f" not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.005"), "0,01 ₽"),
        (Decimal("0.004"), "0,00 ₽"),
        (Decimal("2.675"), "2,68 ₽"),  # 2.675 as a float would round down; Decimal must not
        (Decimal("1.125"), "1,13 ₽"),
        (Decimal("-0.005"), "-0,01 ₽"),
        (Decimal("-1.125"), "-1,13 ₽"),
    ],
)
def test_money_rounds_half_up(value, expected):
    assert money(value) == expected


def test_money_never_shows_negative_zero():
    assert money(Decimal("-0.001")) == "0,00 ₽"
    assert money(Decimal("-0")) == "0,00 ₽"


def test_money_without_currency():
    assert money(Decimal("1234567.89"), currency=False) == "1 234 567,89"
    assert money(Decimal("-5"), currency=False) == "-5,00"


def test_money_none_is_a_dash():
    assert money(None) == "—" == EMPTY
    assert money(None, currency=False) == "—"


@pytest.mark.parametrize("bad", [1.5, 0.0, float("nan"), True, "12", [1]])
def test_money_refuses_float_and_non_numbers(bad):
    with pytest.raises(TypeError):
        money(bad)


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_money_refuses_non_finite(bad):
    with pytest.raises(ValueError):
        money(bad)


# --- numbers, weights, percentages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("271.340"), 3, "271,340"),
        (Decimal("271.34"), 3, "271,340"),
        (Decimal("1234"), 0, "1 234"),
        (Decimal("1234.5"), 0, "1 235"),
        (Decimal("1234.4"), 0, "1 234"),
        (12, 0, "12"),
        (Decimal("-1234567.1234"), 2, "-1 234 567,12"),
        (Decimal("0"), 3, "0,000"),
        (2.5, 1, "2,5"),
        (0.1, 3, "0,100"),
    ],
)
def test_number(value, places, expected):
    assert number(value, places) == expected


def test_number_default_places_and_none():
    assert number(Decimal("1500")) == "1 500"
    assert number(None) == "—"


def test_weight_kg():
    assert weight_kg(Decimal("271.340")) == "271,340 кг"
    assert weight_kg(Decimal("1520")) == "1 520,000 кг"
    assert weight_kg(Decimal("0.0005")) == "0,001 кг"
    assert weight_kg(None) == "—"


def test_pct():
    assert pct(Decimal("20.9")) == "20,9 %"
    assert pct(Decimal("20.94")) == "20,9 %"
    assert pct(Decimal("20.95")) == "21,0 %"
    assert pct(Decimal("-3.25"), places=2) == "-3,25 %"
    assert pct(Decimal("1500"), places=0) == "1 500 %"
    assert pct(None) == "—"


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (Decimal("0.2200"), "22 %"),
        (Decimal("0.2000"), "20 %"),
        (Decimal("0.1000"), "10 %"),
        (Decimal("0.0750"), "7,5 %"),
        (Decimal("0.0000"), "0 %"),
        (Decimal("0"), "0 %"),
        (Decimal("0.12345"), "12,35 %"),
        (Decimal("1"), "100 %"),
        (0, "0 %"),
    ],
)
def test_vat_rate_pct(rate, expected):
    assert vat_rate_pct(rate) == expected


def test_vat_rate_pct_none_and_float():
    assert vat_rate_pct(None) == "—"
    with pytest.raises(TypeError):
        vat_rate_pct(0.22)


# --- dates ------------------------------------------------------------------------------------


def test_day_and_moment():
    assert day(date(2026, 11, 28)) == "28.11.2026"
    assert day(datetime(2026, 11, 28, 14, 35)) == "28.11.2026"
    assert day(date(2026, 1, 5)) == "05.01.2026"
    assert moment(datetime(2026, 11, 28, 14, 35, 59)) == "28.11.2026 14:35"
    assert moment(datetime(2026, 1, 2, 3, 4)) == "02.01.2026 03:04"
    assert day(None) == "—"
    assert moment(None) == "—"


# --- parsing money ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50", "1234.50"),
        ("1234.5", "1234.50"),
        ("1234,5", "1234.50"),
        ("1 234,50 ₽", "1234.50"),
        ("1 234,50₽", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("1\u202f234,50", "1234.50"),
        ("1 234 567,89", "1234567.89"),
        ("1 234 руб.", "1234.00"),
        ("1 234,5 руб", "1234.50"),
        ("1 234 Руб.", "1234.00"),
        ("100 р.", "100.00"),
        ("  42  ", "42.00"),
        ("0", "0.00"),
        ("-1 234,50", "-1234.50"),
        ("−15,00 ₽", "-15.00"),
        ("007", "7.00"),
    ],
)
def test_parse_money_accepts(text, expected):
    result = parse_money(text)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2  # always two places


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "₽",
        "abc",
        "12a",
        "1,234.50",  # two separators
        "1.234.567",
        "1 23",  # wrong grouping
        "1234 567",
        "12,",
        ",5",
        "1e5",
        "--5",
        "5-",
        "NaN",
        "Infinity",
        "$5",
    ],
)
def test_parse_money_refuses_non_numbers(text):
    with pytest.raises(ValueError) as info:
        parse_money(text)
    assert any("а" <= ch <= "я" for ch in str(info.value).lower())  # a Russian message


@pytest.mark.parametrize("text", ["1,234", "0.001", "1 234,567 ₽", "5,0000"])
def test_parse_money_refuses_more_than_two_decimals(text):
    with pytest.raises(ValueError, match="двух знаков"):
        parse_money(text)


def test_parse_money_refuses_non_text():
    with pytest.raises(TypeError):
        parse_money(12)  # type: ignore[arg-type]


MONEY = st.decimals(
    min_value=Decimal("-1000000000.00"),
    max_value=Decimal("1000000000.00"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(MONEY)
def test_parse_money_reads_back_what_money_writes(value):
    assert parse_money(money(value, currency=False)) == value
    assert parse_money(money(value)) == value


@given(MONEY)
def test_money_text_shape(value):
    text = money(value, currency=False)
    whole, frac = text.lstrip("-").split(",")
    assert len(frac) == 2
    groups = whole.split(" ")
    assert 1 <= len(groups[0]) <= 3
    assert all(len(g) == 3 for g in groups[1:])


# --- parsing dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28.11.2026", date(2026, 11, 28)),
        ("2026-11-28", date(2026, 11, 28)),
        (" 05.01.2026 ", date(2026, 1, 5)),
        ("5.1.2026", date(2026, 1, 5)),
        ("29.02.2028", date(2028, 2, 29)),
    ],
)
def test_parse_day_accepts(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "28/11/2026", "2026.11.28", "28.11.26", "31.02.2026", "2026-13-01", "завтра", "28.11"],
)
def test_parse_day_refuses(text):
    with pytest.raises(ValueError) as info:
        parse_day(text)
    assert any("а" <= ch <= "я" for ch in str(info.value).lower())


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_parse_day_reads_back_what_day_writes(value):
    assert parse_day(day(value)) == value
    assert parse_day(value.isoformat()) == value
