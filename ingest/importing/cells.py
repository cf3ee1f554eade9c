"""Pure parsers of spreadsheet cells as people really fill them in.

A cell arrives as whatever the reader gives: str (always, from CSV), float/int (Excel numbers),
date/datetime, bool, or None. Each parser returns a clean Python value or raises CellError with a
Russian reason; none of them ever raises anything else (hypothesis fuzzes them).

    parse_decimal("1 234,50 руб.") == Decimal("1234.50")
    parse_decimal("22%") == Decimal("22")          # percent: the caller decides what 22 means
    parse_int("10 шт") == 10
    parse_date("15.03.2026") == parse_date(46096) == date(2026, 3, 15)
    clean_text('=HYPERLINK("http://x";"З-2026-0001")') == "З-2026-0001"
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any


class CellError(ValueError):
    """The cell's value cannot be used; str(exc) is the Russian reason."""


# Excel's 1900 date system (with its phantom 29.02.1900): serial 1 = 01.01.1900 from 1.03.1900 on.
EXCEL_EPOCH = date(1899, 12, 30)
# Business dates of a plant that exists today: a 4-digit year-only number is not a 1905 date.
MIN_YEAR, MAX_YEAR = 1990, 2100
EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#ДЕЛ/0!",
        "#Н/Д",
        "#ИМЯ?",
        "#ПУСТО!",
        "#ЧИСЛО!",
        "#ССЫЛКА!",
        "#ЗНАЧ!",
    }
)

# Units and currency people type after a number: "руб.", "р.", "₽", "RUB", "шт", "кг", "мм".
_UNIT_SUFFIX = re.compile(
    r"(?:руб(?:лей|ля|ль)?\.?|р\.?|₽|rub\.?|rur\.?|шт\.?|штук|pcs\.?|кг\.?|kg|мм\.?|mm|"
    r"коп\.?)$",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"^(-?\d+)(?:[,.](\d+))?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$", re.IGNORECASE)
_HYPERLINK = re.compile(r"^=\s*(?:HYPERLINK|ГИПЕРССЫЛКА)\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_DMY = re.compile(
    r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})(?:\s*г\.?)?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:[.,]\d+)?$")
_WORDS = re.compile(r"^(\d{1,2})\s+([а-яё]+)\s+(\d{4})(?:\s*(?:г\.?|года))?$", re.IGNORECASE)
_MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_MONTH_ENDINGS = ("я", "ь", "а", "й", "")


def is_blank(value: Any) -> bool:
    """Empty cell: None, "" or only spaces."""
    return value is None or (value.__class__ is str and not value.strip())


def _shown(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _formula_text(text: str) -> str:
    """A formula typed into a cell (CSV keeps no computed values): HYPERLINK gives its text."""
    match = _HYPERLINK.match(text)
    if match is None:
        raise CellError(f"формула вместо значения: {_shown(text)}")
    parts = [p.replace('""', '"') for p in _QUOTED.findall(match[1])]
    if not parts:
        raise CellError(f"формула вместо значения: {_shown(text)}")
    return parts[-1]


def _check_text_cell(text: str) -> str:
    text = text.strip()
    first = text[:1]
    if first == "#" and text.upper() in EXCEL_ERRORS:
        raise CellError(f"ошибка в ячейке Excel: {text}")
    if first == "=":
        text = _formula_text(text)
    return text


def number_as_text(value: float | int) -> str:
    """12345.0 -> "12345" (drawing numbers, ИНН or order numbers stored as Excel numbers)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(Decimal(format(value, ".15g")).normalize(), "f")


def clean_text(value: Any) -> str | None:
    """Text with spaces collapsed (NBSP included); None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"логическое значение вместо текста: {value}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("не текст")
        return number_as_text(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M") if value.time() else value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if not isinstance(value, str):
        raise CellError(f"не текст: {_shown(value)}")
    text = " ".join(_check_text_cell(value).split())  # NBSP, tabs, line breaks too
    return text or None


def float_decimal(value: float) -> Decimal:
    """What Excel shows: 15 significant digits (drops binary noise such as 2899.3500000000004;
    a remainder like 5.5e-17 left by a formula is the 0 Excel shows)."""
    if not math.isfinite(value):
        raise CellError("не число")
    if -1e-12 < value < 1e-12:
        return Decimal(0)
    return Decimal(format(value, ".15g"))


def _text_decimal(text: str) -> tuple[Decimal, bool]:
    """(number, was a percentage) from text such as "1 234,50 руб.", "(15,00)", "22 %"."""
    raw = _check_text_cell(text)
    body = "".join(raw.split()).replace("'", "").replace("’", "")
    plain = _PLAIN.match(body)  # the common case first: "1234,50", "12", "-3.5"
    if plain is not None and len(body) < 32:
        whole, fraction = plain.groups()
        return Decimal(f"{whole}.{fraction}" if fraction else whole), False
    body = body.replace("−", "-").replace("–", "-")
    negative = False
    if body.startswith("(") and body.endswith(")"):  # accounting negative: (1 234,50)
        body, negative = body[1:-1], True
    percent = body.endswith("%")
    if percent:
        body = body[:-1]
    body = _UNIT_SUFFIX.sub("", body)
    if "," in body and "." in body:  # the last mark is the decimal one: 1.234,50 or 1,234.50
        if body.rfind(",") > body.rfind("."):
            body = body.replace(".", "").replace(",", ".")
        else:
            body = body.replace(",", "")
    elif body.count(",") == 1:
        body = body.replace(",", ".")
    elif body.count(",") > 1:  # 1,234,567
        body = body.replace(",", "")
    elif body.count(".") > 1:  # 1.234.567
        body = body.replace(".", "")
    if not _NUMBER.match(body):
        raise CellError(f"не число: «{_shown(raw)}»")
    try:
        number = Decimal(body)
    except InvalidOperation:
        raise CellError(f"не число: «{_shown(raw)}»") from None
    if not number.is_finite() or abs(number.adjusted()) > 30:
        raise CellError(f"не число: «{_shown(raw)}»")
    return (-number if negative else number), percent


def parse_decimal(value: Any) -> Decimal:
    """An exact number from a number cell or text; "22%" gives 22 (see parse_rate)."""
    return parse_decimal_pct(value)[0]


def parse_decimal_pct(value: Any) -> tuple[Decimal, bool]:
    """(number, written with %)."""
    if is_blank(value):
        raise CellError("не заполнено")
    if isinstance(value, bool):
        raise CellError(f"логическое значение вместо числа: {value}")
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        number = float_decimal(value)
        if abs(number.adjusted()) > 30:
            raise CellError("не число")
        return number, False
    if isinstance(value, date | datetime):
        raise CellError(f"дата вместо числа: {value:%d.%m.%Y}")
    if not isinstance(value, str):
        raise CellError(f"не число: {_shown(value)}")
    return _text_decimal(value)


def quantize(value: Decimal, places: int) -> Decimal:
    """Half-up to `places` decimals (money to the kopeck, masses to the gram)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_int(value: Any) -> int:
    """A whole number: 10, 10.0, "10", "10 шт", "1 000"; 10.5 is refused."""
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError(f"не целое число: {format(number.normalize(), 'f')}")
    return int(number)


def parse_rate(value: Any) -> Decimal:
    """A rate as a fraction: "22%", 22 and 0.22 all give 0.22 (a rate is never above 100%)."""
    number, percent = parse_decimal_pct(value)
    if percent or number > 1:
        number = number / 100
    return number


def _checked_date(year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError(f"год {year} вне {MIN_YEAR}–{MAX_YEAR}")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"нет такой даты: {day:02d}.{month:02d}.{year}") from None


def serial_date(serial: float) -> date:
    """Excel serial day number -> date (the time of day is dropped)."""
    shown = number_as_text(serial) if math.isfinite(serial) else str(serial)
    if not math.isfinite(serial) or not 1 <= serial < 73051:  # 73051 = 01.01.2100
        raise CellError(f"число {shown} не похоже на дату")
    day = EXCEL_EPOCH + timedelta(days=int(serial))
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CellError(f"число {shown} не похоже на дату (это {day:%d.%m.%Y})")
    return day


def _month(word: str) -> int | None:
    word = word.casefold().replace("ё", "е")
    for stem, month in _MONTHS.items():
        if any(word == stem + end for end in _MONTH_ENDINGS):
            return month
    return None


def parse_date(value: Any) -> date:
    """A date from a date cell, an Excel serial, or text: 15.03.2026, 15.03.26, 2026-03-15,
    15/03/2026, 20260315, «15 марта 2026 г.», with an optional time after it."""
    if is_blank(value):
        raise CellError("не заполнено")
    if isinstance(value, bool):
        raise CellError(f"логическое значение вместо даты: {value}")
    if isinstance(value, datetime):
        return _checked_date(value.year, value.month, value.day)
    if isinstance(value, date):
        return _checked_date(value.year, value.month, value.day)
    if isinstance(value, int | float):
        if 19000101 <= value <= 21001231 and float(value).is_integer():  # 20260315
            return parse_date(str(int(value)))
        return serial_date(float(value))
    if not isinstance(value, str):
        raise CellError(f"не дата: {_shown(value)}")
    text = " ".join(_check_text_cell(value).split())
    if match := _DMY.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        if len(match[3]) == 2:
            year += 2000
        return _checked_date(year, month, day)
    if match := _YMD.match(text) or _YMD_COMPACT.match(text):
        return _checked_date(int(match[1]), int(match[2]), int(match[3]))
    if _SERIAL.match(text):
        return serial_date(float(text.replace(",", ".")))
    if (match := _WORDS.match(text)) and (month := _month(match[2])):
        return _checked_date(int(match[3]), month, int(match[1]))
    raise CellError(f"не дата: «{_shown(text)}» (ожидается ДД.ММ.ГГГГ)")


def parse_inn(value: Any) -> str:
    """ИНН as digits. An Excel number loses a leading zero (02xx… regions): it is put back."""
    if is_blank(value):
        raise CellError("не заполнено")
    if isinstance(value, bool):
        raise CellError(f"логическое значение вместо ИНН: {value}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(f"ИНН — целое число из цифр, а не {number_as_text(value)}")
        if not 0 < value < 10**12:
            raise CellError("ИНН должен содержать 10 (организация) или 12 (ИП) цифр")
        digits = str(int(value))
        if len(digits) in (9, 11):
            digits = "0" + digits
        return digits
    text = clean_text(value) or ""
    return "".join(text.split("/")[0].split())  # "ИНН/КПП" columns: 7701234567/770101001
