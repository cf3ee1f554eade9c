"""VAT rate resolution for frames: explicit rate where given, else the table rate on the date."""

from __future__ import annotations

import polars as pl

from pricing.frame_checks import Check, raise_line_error
from pricing.frame_columns import Columns
from pricing.validate import MISSING
from pricing.vat import DEFAULT_VAT_TABLE, VatTable

RATE = pl.Decimal(6, 4)


def vat_rate_expr(
    shipment_date: pl.Expr,
    explicit_rate: pl.Expr | None = None,
    table: VatTable = DEFAULT_VAT_TABLE,
) -> pl.Expr:
    """The explicit rate where given, else the table rate on the shipment date (null if none).

    The table is tiny, so a when/then chain (newest entry tested first) does what a join_asof
    would, without sorting and in the frame's row order.
    """
    rate: pl.Expr = pl.lit(None, dtype=RATE)
    for valid_from, value in table.entries:  # later entries wrap earlier ones, so they win
        rate = (
            pl.when(shipment_date >= pl.lit(valid_from))
            .then(pl.lit(value, dtype=RATE))
            .otherwise(rate)
        )
    return rate if explicit_rate is None else pl.coalesce(explicit_rate, rate)


def resolve_vat_rate(
    frame: pl.DataFrame,
    table: VatTable = DEFAULT_VAT_TABLE,
    *,
    shipment_date: str = "shipment_date",
    explicit_rate: str = "vat_rate",
    id_column: str = "line_id",
    output: str = "vat_rate",
) -> pl.DataFrame:
    """Add/overwrite ``output`` with the resolved rate; PricingError for a row that has none.

    ``shipment_date`` is a Date column; ``explicit_rate`` (Decimal, nullable) may be absent. The
    explicit rate's limits are checked by ``price_lines`` like any other input.
    """
    columns = Columns(frame.schema, "строк")
    dtype = frame.schema.get(shipment_date)
    if dtype not in (pl.Date, pl.Null, None):
        raise columns.fail(shipment_date, f"ожидается тип Date, а не {dtype}")
    day = pl.col(shipment_date) if dtype is not None else pl.lit(None, dtype=pl.Date)
    explicit = columns.decimal(explicit_rate, required=False)
    checks = [
        Check(
            explicit.is_null() & day.is_null(),
            shipment_date,
            f"{MISSING}, если не задана ставка vat_rate",
        ),
        Check(
            (explicit.is_null() & (day < pl.lit(table.first_date))).fill_null(False),
            shipment_date,
            f"нет ставки НДС на эту дату: таблица начинается с {table.first_date.isoformat()}",
        ),
    ]
    raise_line_error(frame, checks, id_column)
    return frame.with_columns(vat_rate_expr(day, explicit, table).alias(output))
