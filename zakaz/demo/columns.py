"""Typed Polars columns from the generators' plain Python values.

Generators keep money as integer kopecks, weights as grams, dimensions as thousandths of a mm,
dates as ordinals and timestamps as epoch microseconds: exact and cheap. These helpers turn them
into the store's types (DECIMAL(p,s), DATE, TIMESTAMP) without any float.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import polars as pl

from zakaz.demo.workdays import EPOCH


def scaled(values: Sequence[int | None], scale: int, precision: int = 18) -> pl.Series:
    """Decimal(precision, scale) from integers counting 10**-scale units (exact)."""
    unit = pl.lit(Decimal(1).scaleb(-scale), dtype=pl.Decimal(38, scale))
    ints = pl.Series(values, dtype=pl.Int64)
    return (
        pl.select((ints.cast(pl.Decimal(38, 0)) * unit).cast(pl.Decimal(precision, scale)))
        .to_series()
        .alias("")
    )


def money(kopecks: Sequence[int | None]) -> pl.Series:
    return scaled(kopecks, 2)


def weight(grams: Sequence[int | None]) -> pl.Series:
    return scaled(grams, 3)


def dimension(thousandths: Sequence[int | None]) -> pl.Series:
    return scaled(thousandths, 3, 12)


def dates(ordinals: Sequence[int | None]) -> pl.Series:
    days = [None if o is None else o - EPOCH for o in ordinals]
    return pl.Series(days, dtype=pl.Int32).cast(pl.Date)


def stamps(micros: Sequence[int | None]) -> pl.Series:
    return pl.Series(micros, dtype=pl.Int64).cast(pl.Datetime("us"))


def frame(columns: dict[str, pl.Series | Sequence]) -> pl.DataFrame:
    """A frame from named columns; plain lists keep Polars' inferred dtype (ints -> Int64)."""
    return pl.DataFrame(
        [
            value.alias(name) if isinstance(value, pl.Series) else pl.Series(name, value)
            for name, value in columns.items()
        ]
    )


def to_kopecks(series: pl.Series) -> list[int]:
    """The exact integer kopecks of a Decimal column (scale <= 2)."""
    return series.cast(pl.Decimal(38, 2)).to_physical().cast(pl.Int64).to_list()


def to_grams(series: pl.Series) -> list[int]:
    return series.cast(pl.Decimal(38, 3)).to_physical().cast(pl.Int64).to_list()
