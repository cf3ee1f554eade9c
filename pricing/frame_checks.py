"""Validation rules (``pricing.validate``) as vectorised Polars checks.

A check is ``(flag, field, reason)`` where ``flag`` is a non-null Boolean expression that is true on
bad rows. Checks are listed in the same order as the scalar API validates a line, so the first
failing check of a row gives the same error the scalar API would raise.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

import polars as pl

from pricing.errors import PricingError
from pricing.validate import MISSING, QUANTITY_MAX, QUANTITY_MIN, QUANTITY_REASON, DecimalRule


class Check(NamedTuple):
    flag: pl.Expr
    field: str
    # A text, or a function of the offending value (given by ``value``) for messages naming it.
    reason: str | Callable[[object], str]
    value: pl.Expr | None = None


def _lit(value: Decimal) -> pl.Expr:
    return pl.lit(value, dtype=pl.Decimal(38, max(0, -value.as_tuple().exponent)))


def decimal_checks(
    rule: DecimalRule,
    value: pl.Expr,
    scale: int,
    *,
    field: str | None = None,
    required: bool = True,
    applies: pl.Expr | None = None,
) -> list[Check]:
    """Missing / range / decimals checks of one Decimal column (``scale`` = its dtype scale).

    ``applies`` limits the checks to some rows (a dimension only matters for its shapes).
    """
    field = field or rule.field
    low = _lit(rule.low)
    too_low = value < low if rule.low_inclusive else value <= low
    flags = []
    if required:
        flags.append((value.is_null(), MISSING))
    flags.append(((too_low | (value > _lit(rule.high))).fill_null(False), rule.range_reason))
    if scale > rule.places:  # a column with fewer decimals than allowed cannot break the rule
        rounded = value.cast(pl.Decimal(38, rule.places), strict=False)
        flags.append(((rounded != value).fill_null(False), rule.places_reason))
    if applies is not None:
        flags = [(applies & flag, reason) for flag, reason in flags]
    return [Check(flag, field, reason) for flag, reason in flags]


def quantity_checks(value: pl.Expr) -> list[Check]:
    out_of_range = (value < QUANTITY_MIN) | (value > QUANTITY_MAX)
    return [
        Check(value.is_null(), "quantity", MISSING),
        Check(out_of_range.fill_null(False), "quantity", QUANTITY_REASON),
    ]


def first_failed(row: pl.DataFrame, checks: list[Check]) -> tuple[Check, str]:
    """The first check failing on a one-row frame (the caller knows one does), and its reason."""
    flags = row.select([c.flag.alias(f"c{i}") for i, c in enumerate(checks)]).row(0)
    check = checks[flags.index(True)]
    if isinstance(check.reason, str):
        return check, check.reason
    value = None if check.value is None else row.select(check.value).item()
    return check, check.reason(value)


def first_true_row(frame: pl.DataFrame, flags: list[pl.Expr]) -> int | None:
    """Index of the first row where any flag is true (flags must not be null), else None."""
    if not flags or frame.height == 0:
        return None
    hit = frame.lazy().select(pl.any_horizontal(flags).alias("hit")).collect()["hit"]
    return hit.arg_max() if hit.any() else None


def find_first(
    frame: pl.DataFrame, checks: list[Check], row: int | None = None
) -> tuple[int, pl.DataFrame, Check, str] | None:
    """(row index, that row, failed check, reason) of the first bad row, or None if all pass.

    Pass ``row`` when the caller already knows which row is the first bad one.
    """
    if row is None:
        row = first_true_row(frame, [c.flag for c in checks])
    if row is None:
        return None
    one = frame.slice(row, 1)
    return (row, one, *first_failed(one, checks))


def row_id(row: pl.DataFrame, id_column: str, index: int) -> str:
    """The row's id as text; its 1-based position when there is no id (like the JSON contract)."""
    value = row[id_column][0] if id_column in row.columns else None
    return str(index + 1) if value is None else str(value)


def raise_line_error(
    frame: pl.DataFrame, checks: list[Check], id_column: str = "line_id", row: int | None = None
) -> None:
    """PricingError for the first row failing ``checks``, named by ``id_column``; else nothing."""
    found = find_first(frame, checks, row)
    if found is not None:
        index, one, check, reason = found
        raise PricingError.for_line(row_id(one, id_column, index), check.field, reason)
