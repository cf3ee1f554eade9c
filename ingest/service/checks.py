"""Input checks shared by the tab services: money, masses, texts and dates.

Each raises ValidationError(where, field, reason) naming the record and the field, before
anything is written.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ingest.service.acting import Acting
from ingest.store.errors import ValidationError
from pricing.rounding import decimal_places


def check_decimal(
    value: Any,
    where: str,
    field: str,
    *,
    places: int,
    positive: bool = False,
    required: bool = False,
    digits: int = 18,
) -> Decimal | None:
    """An exact non-negative number (> 0 when positive) with at most `places` decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(where, field, "не заполнено")
        return None
    if isinstance(value, float | bool):
        # A float has already lost kopecks; forms pass Decimal or text.
        raise ValidationError(where, field, "нужно точное число (Decimal или текст), не float")
    try:
        number = Decimal(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(where, field, f"не число: {value!r}") from None
    if not number.is_finite():
        raise ValidationError(where, field, f"не число: {value!r}")
    if decimal_places(number) > places:
        raise ValidationError(where, field, f"не больше {places} знаков после запятой")
    if number < 0:
        raise ValidationError(where, field, "не может быть отрицательным")
    if positive and number == 0:
        raise ValidationError(where, field, "должно быть больше нуля")
    if number >= Decimal(10) ** (digits - places):
        raise ValidationError(where, field, "слишком большое число")
    return number.quantize(Decimal(1).scaleb(-places))


def check_money(
    value: Any, where: str, field: str, *, positive: bool = False, required: bool = False
) -> Decimal | None:
    """Rubles with kopecks, DECIMAL(18,2)."""
    return check_decimal(value, where, field, places=2, positive=positive, required=required)


def check_mass(
    value: Any, where: str, field: str, *, positive: bool = False, required: bool = False
) -> Decimal | None:
    """Kilograms to the gram, DECIMAL(18,3)."""
    return check_decimal(value, where, field, places=3, positive=positive, required=required)


def check_text(
    value: Any, where: str, field: str, *, limit: int = 1000, required: bool = False
) -> str | None:
    """Stripped text (None when blank)."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(where, field, "нужен текст")
    text = (value or "").strip() or None
    if text is None and required:
        raise ValidationError(where, field, "не заполнено")
    if text is not None and len(text) > limit:
        raise ValidationError(where, field, f"слишком длинный текст (больше {limit} символов)")
    return text


def check_date(value: Any, where: str, field: str, *, required: bool = False) -> date | None:
    if value is None:
        if required:
            raise ValidationError(where, field, "дата не заполнена")
        return None
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise ValidationError(where, field, f"не дата: {value!r}")
    return value


def check_not_future(a: Acting, value: date | None, where: str, field: str) -> None:
    """A date of something that has happened cannot be after today."""
    if value is not None and value > a.now.date():
        raise ValidationError(where, field, f"дата {value:%d.%m.%Y} ещё не наступила")
