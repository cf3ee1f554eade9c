"""The VAT rate table: data (``vat_rates.csv``), not code.

A row ``valid_from,rate`` means the rate applies to shipment dates on or after ``valid_from`` until
the next row. The table starts at 2004-01-01, when 18% came into force; earlier dates are an error
rather than a guess (the rates before 2004 were different and are never needed for current orders).
The shipment date decides the rate (as the tax service ruled for the 2026 change).
"""

from __future__ import annotations

import bisect
import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from itertools import pairwise

from pricing.errors import PricingError
from pricing.validate import VAT_RATE, decimal_problem


@dataclass(frozen=True)
class VatTable:
    """Sorted, non-empty ``(valid_from, rate)`` entries with unique dates."""

    entries: tuple[tuple[date, Decimal], ...]

    def __post_init__(self) -> None:
        if not self.entries:
            raise PricingError.for_table("НДС", "valid_from", "таблица ставок пуста")
        dates = [d for d, _ in self.entries]
        if any(a >= b for a, b in pairwise(dates)):
            raise PricingError.for_table(
                "НДС", "valid_from", "даты должны строго возрастать без повторов"
            )
        for day, rate in self.entries:
            problem = decimal_problem(VAT_RATE, rate)
            if problem is not None:
                raise PricingError.for_table("НДС", "rate", f"{day.isoformat()}: {problem}")

    @property
    def first_date(self) -> date:
        return self.entries[0][0]

    def rate_on(self, day: date) -> Decimal:
        """The rate in force on ``day``; PricingError (order, shipment_date) before the table."""
        dates = [d for d, _ in self.entries]
        i = bisect.bisect_right(dates, day) - 1
        if i < 0:
            raise PricingError.for_order(
                "shipment_date",
                f"нет ставки НДС на {day.isoformat()}: таблица начинается с "
                f"{self.first_date.isoformat()}",
            )
        return self.entries[i][1]

    @classmethod
    def from_csv(cls, text: str) -> VatTable:
        rows = []
        for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            try:
                rows.append((date.fromisoformat(row["valid_from"]), Decimal(row["rate"])))
            except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
                raise PricingError.for_table(
                    "НДС", "valid_from", f"строка файла {n} не читается: {exc}"
                ) from None
        return cls(tuple(sorted(rows)))


def _load_default() -> VatTable:
    return VatTable.from_csv(
        resources.files("pricing").joinpath("vat_rates.csv").read_text(encoding="utf-8")
    )


DEFAULT_VAT_TABLE = _load_default()
