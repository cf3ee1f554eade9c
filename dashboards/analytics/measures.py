"""Exact money arithmetic for the analytics frames (Polars Decimal, half away from zero).

Sums stay Decimal(18, 2) like the marts; a ratio is computed in Python Decimal and rounded
ROUND_HALF_UP (= half away from zero, the marts' rule), never through a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

MONEY = pl.Decimal(18, 2)
ZERO = Decimal("0.00")


def money_sum(column: str, where: pl.Expr | None = None) -> pl.Expr:
    """sum(column) (of the rows matching `where`) as Decimal(18, 2); 0 when nothing summed."""
    col = pl.col(column) if where is None else pl.col(column).filter(where)
    return col.sum().fill_null(0).cast(MONEY).alias(column)


def pct(numerator: Decimal | int | None, denominator: Decimal | int | None, places: int = 1):
    """numerator / denominator * 100 rounded half away from zero; None when the denominator is
    0 or None (the marts' `pct` macro)."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def pct_column(
    frame: pl.DataFrame, name: str, numerator: str, denominator: str, precision: int = 22
) -> pl.DataFrame:
    """frame with `name` = pct(numerator, denominator) per row, as Decimal(precision, 1) (22 for
    efficiency like pricing/, 9 for shares and margins like the marts)."""
    if numerator not in frame.columns or denominator not in frame.columns:
        return frame
    values = [
        pct(n, d)
        for n, d in zip(frame.get_column(numerator), frame.get_column(denominator), strict=True)
    ]
    return frame.with_columns(pl.Series(name, values, dtype=pl.Decimal(precision, 1)))


def total(frame: pl.DataFrame, column: str) -> Decimal | None:
    """The column's Decimal sum (0.00 for no rows); None when the viewer did not get it."""
    if column not in frame.columns:
        return None
    value = frame.get_column(column).sum()
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))
