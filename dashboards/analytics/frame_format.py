"""Whole-column formatting in Polars, for tables of tens of thousands of rows.

The same texts as dashboards/ui/format.py (`money`, `number`, `day`) — «1 234 567,89 ₽»,
«20,9», «28.11.2026», «—» for a missing value — but as expressions over a column instead of a
Python call per cell: per-cell formatting was most of a big page's render time
(docs/analytics-figures.md). tests/analytics/test_frame_format.py checks both agree.
"""

from __future__ import annotations

import polars as pl

from dashboards.ui.format import CURRENCY, EMPTY


def decimal_text(name: str, scale: int, *, currency: bool) -> pl.Expr:
    """A Decimal column of this scale as «-1 234,50» (plus « ₽» with currency)."""
    col = pl.col(name)
    units = (col * (10**scale)).cast(pl.Int128)  # exact: the column already has `scale` places
    size = units.abs()
    whole = (
        (size // (10**scale)).cast(pl.Utf8)
        .str.reverse().str.replace_all(r"(\d{3})", "$1 ").str.reverse()
        .str.strip_chars_start(" ")
    )  # fmt: skip
    text = pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit("")) + whole
    if scale:
        text = text + "," + (size % (10**scale)).cast(pl.Utf8).str.zfill(scale)
    if currency:
        text = text + f" {CURRENCY}"
    return pl.when(col.is_null()).then(pl.lit(EMPTY)).otherwise(text).alias(name)


def date_text(name: str) -> pl.Expr:
    """A Date or Datetime column as «28.11.2026»."""
    col = pl.col(name)
    text = col.dt.strftime("%d.%m.%Y")
    return pl.when(col.is_null()).then(pl.lit(EMPTY)).otherwise(text).alias(name)


def names_of(frame: pl.DataFrame, column: str, name_of) -> pl.Expr:
    """The codes of `column` replaced by their names, looking each distinct code up once."""
    codes = frame.get_column(column).drop_nulls().unique().to_list()
    return pl.col(column).replace_strict(
        {code: name_of(code) for code in codes}, default=None, return_dtype=pl.Utf8
    )
