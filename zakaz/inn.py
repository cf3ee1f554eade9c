"""ИНН (taxpayer number) checksums: 10 digits for organisations, 12 for individuals."""

from __future__ import annotations

import random

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_error(value: str) -> str | None:
    """None when value is a valid ИНН, else the reason in Russian."""
    text = (value or "").strip()
    if not text.isdigit():
        return "ИНН должен состоять только из цифр"
    digits = [int(c) for c in text]
    if len(digits) == 10:
        ok = digits[9] == _check_digit(digits, _W10)
    elif len(digits) == 12:
        ok = digits[10] == _check_digit(digits, _W11) and digits[11] == _check_digit(digits, _W12)
    else:
        return "ИНН должен содержать 10 (организация) или 12 (ИП) цифр"
    return None if ok else "неверная контрольная сумма ИНН"


def is_valid_inn(value: str) -> bool:
    return inn_error(value) is None


def make_org_inn(rng: random.Random, region: str = "77") -> str:
    """A 10-digit ИНН with a correct check digit (for demo data and tests)."""
    body = [int(c) for c in region] + [rng.randint(0, 9) for _ in range(7)]
    return "".join(map(str, [*body, _check_digit(body, _W10)]))
