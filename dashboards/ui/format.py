"""Display formatting and input parsing for the UI, in the Russian style.

Pure functions, no Streamlit.  Numbers use an ordinary space (U+0020) between thousands and a
comma before the decimals: ``1 234 567,89 ₽``.  Dates are ``28.11.2026``.  The same Russian style
is used whatever the UI language, since the figures are the plant's documents.

Money is never a float: :func:`money` refuses one, rounding is ``Decimal.quantize`` with
``ROUND_HALF_UP``.  Quantities, weights and percentages accept a float (it arrives from analytics
frames) and convert it through its shortest ``repr``, never through binary arithmetic.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "EMPTY",
    "day",
    "moment",
    "money",
    "number",
    "parse_day",
    "parse_money",
    "pct",
    "vat_rate_pct",
    "weight_kg",
]

EMPTY = "—"
"""Shown for a missing value (None)."""

CURRENCY = "₽"
_SPACES = " \u00a0\u202f\u2009"  # ordinary, no-break, narrow no-break, thin
_MONEY_PLACES = 2


def _grouped(value: Decimal, places: int) -> str:
    """``value`` rounded half-up to ``places`` decimals, with spaces and a decimal comma."""
    if not value.is_finite():
        raise ValueError(f"Не число: {value}")
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,00"
    sign = "-" if rounded < 0 else ""
    whole, _, frac = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + " ".join(groups)
    return f"{text},{frac}" if places > 0 else text


def _exact(value: Decimal | int | float, *, allow_float: bool) -> Decimal:
    if isinstance(value, bool):
        raise TypeError(f"Ожидалось число, получено {type(value).__name__}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not allow_float:
            raise TypeError("Денежная сумма не может быть float: передайте Decimal или int")
        return Decimal(repr(value))
    raise TypeError(f"Ожидалось число, получено {type(value).__name__}")


def money(value: Decimal | int | None, *, currency: bool = True) -> str:
    """``Decimal("1234567.89")`` -> ``"1 234 567,89 ₽"``; None -> ``"—"``; float -> TypeError."""
    if value is None:
        return EMPTY
    text = _grouped(_exact(value, allow_float=False), _MONEY_PLACES)
    return f"{text} {CURRENCY}" if currency else text


def number(value: Decimal | int | float | None, places: int = 0) -> str:
    """A quantity or weight: ``number(Decimal("271.340"), 3)`` -> ``"271,340"``."""
    if value is None:
        return EMPTY
    if places < 0:
        raise ValueError("places must be >= 0")
    return _grouped(_exact(value, allow_float=True), places)


def weight_kg(value: Decimal | int | float | None) -> str:
    """``Decimal("271.34")`` -> ``"271,340 кг"`` (always three decimals, grams)."""
    if value is None:
        return EMPTY
    return f"{number(value, 3)} кг"


def pct(value: Decimal | int | float | None, places: int = 1) -> str:
    """A percentage already in percent: ``Decimal("20.9")`` -> ``"20,9 %"``."""
    if value is None:
        return EMPTY
    return f"{number(value, places)} %"


def vat_rate_pct(rate: Decimal | int | None) -> str:
    """A VAT rate as a fraction: ``0.2200`` -> ``"22 %"``, ``0.0750`` -> ``"7,5 %"``.

    Shows only the decimals needed (at most two).
    """
    if rate is None:
        return EMPTY
    percent = _exact(rate, allow_float=False) * 100
    if not percent.is_finite():
        raise ValueError(f"Не число: {rate}")
    percent = percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    places = max(0, -percent.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{_grouped(percent, places)} %"


def day(value: date | datetime | None) -> str:
    """``date(2026, 11, 28)`` -> ``"28.11.2026"``; a datetime shows its date."""
    if value is None:
        return EMPTY
    return value.strftime("%d.%m.%Y")


def moment(value: datetime | None) -> str:
    """``datetime(2026, 11, 28, 14, 35)`` -> ``"28.11.2026 14:35"`` (in the value's own zone)."""
    if value is None:
        return EMPTY
    return value.strftime("%d.%m.%Y %H:%M")


_CURRENCY_SUFFIX = re.compile(r"\s*(₽|руб\.?|р\.?)\s*$", re.IGNORECASE)
_MONEY_TEXT = re.compile(
    r"""
    (?P<sign>[-−]?)
    (?P<whole>\d{1,3}(?:\ \d{3})+|\d+)   # digits, or digits grouped by single spaces
    (?:[.,](?P<frac>\d+))?
    """,
    re.VERBOSE,
)


def parse_money(text: str) -> Decimal:
    """What a person typed as a sum -> ``Decimal`` with two places.

    Accepts ``"1 234,50"``, ``"1234.5"``, ``"1 234,50 ₽"``, ``"1\u00a0234,50"``, ``"1 234 руб."``.
    Raises ValueError (Russian message) for anything else or for more than two decimals.
    """
    if not isinstance(text, str):
        raise TypeError(f"Ожидалась строка, получено {type(text).__name__}")
    cleaned = text.strip()
    for space in _SPACES[1:]:
        cleaned = cleaned.replace(space, " ")
    cleaned = _CURRENCY_SUFFIX.sub("", cleaned).strip()
    if not cleaned:
        raise ValueError("Введите сумму, например 1 234,50")
    match = _MONEY_TEXT.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"«{text.strip()}» — не сумма. Введите число, например 1 234,50")
    frac = match["frac"] or ""
    if len(frac) > _MONEY_PLACES:
        raise ValueError(
            f"В сумме «{text.strip()}» больше двух знаков после запятой: копейки — два знака"
        )
    sign = "-" if match["sign"] else ""
    digits = match["whole"].replace(" ", "")
    try:
        value = Decimal(f"{sign}{digits}.{frac or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"«{text.strip()}» — не сумма") from error
    return value.quantize(Decimal("0.01"))


_DAY_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DAY_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_day(text: str) -> date:
    """``"28.11.2026"`` or ``"2026-11-28"`` -> ``date``; ValueError (Russian message) otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"Ожидалась строка, получено {type(text).__name__}")
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("Введите дату в виде ДД.ММ.ГГГГ, например 28.11.2026")
    if match := _DAY_RU.fullmatch(cleaned):
        d, m, y = (int(part) for part in match.groups())
    elif match := _DAY_ISO.fullmatch(cleaned):
        y, m, d = (int(part) for part in match.groups())
    else:
        raise ValueError(
            f"«{cleaned}» — не дата. Введите дату в виде ДД.ММ.ГГГГ, например 28.11.2026"
        )
    try:
        return date(y, m, d)
    except ValueError as error:
        raise ValueError(f"Такой даты нет: «{cleaned}»") from error
