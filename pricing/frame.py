"""Frame API: price many lines / orders at once with Polars, identical to ``pricing.scalar``.

``price_lines(lines)`` input columns (one row per order line):

==========================  =====================  ===========================================
column                      dtype                  notes
==========================  =====================  ===========================================
line_id                     String or integer      named in error messages
order_id                    any                    optional here; needed by ``price_orders``
quantity                    integer (Int32/Int64)  pieces
density_kg_m3               Decimal                any precision/scale
price_per_kg                Decimal
shape                       String                 round | hex | sheet | tube | weight
diameter_mm, across_flats_mm, outer_diameter_mm, wall_mm, length_mm, width_mm,
thickness_mm, weight_kg     Decimal, nullable      only the row's shape keys are needed; a
                                                   column no row needs may be absent
complexity                  Decimal
surcharge_pct_total         Decimal, nullable      sum of the line's surcharges; null/absent = 0
fixed_unit_price            Decimal, nullable      may be absent
actual_material_cost        Decimal, nullable      may be absent
vat_rate                    Decimal                already resolved (see ``resolve_vat_rate``)
==========================  =====================  ===========================================

The output is the input plus ``unit_weight_kg, line_weight_kg`` (Decimal(18,3)) and
``material_cost_unit, unit_price_net, line_net, line_vat, line_total, planned_cost, actual_cost``
(Decimal(18,2)); ``vat_rate`` comes back as Decimal(6,4). Invalid input raises ``PricingError``
for the first bad row, naming its ``line_id`` and the field, exactly as the scalar API would.

Orders: ``price_orders`` (pricing.frame_orders). VAT: ``resolve_vat_rate`` (pricing.frame_vat).

Money is computed in Int128 kopecks (the products of the limits in ``pricing.validate`` stay below
1e30, far inside Int128), so no float ever touches money.
"""

from __future__ import annotations

import polars as pl

from pricing.frame_checks import (
    Check,
    decimal_checks,
    first_true_row,
    quantity_checks,
    raise_line_error,
)
from pricing.frame_columns import Columns, exact_float, from_scaled, scaled_int
from pricing.frame_orders import price_orders
from pricing.frame_vat import RATE, resolve_vat_rate, vat_rate_expr
from pricing.shapes import (
    DIMENSION_KEYS,
    GEOMETRIC_SHAPES,
    SHAPES,
    grams_from_nano_kg,
    nano_kg_expr,
    unknown_shape_reason,
    volume_mm3,
)
from pricing.validate import (
    ACTUAL_MATERIAL_COST,
    COMPLEXITY,
    DENSITY,
    DIMENSION,
    FIXED_UNIT_PRICE,
    MAX_MONEY_UNITS,
    MAX_UNIT_WEIGHT_NANO_KG,
    PRICE_PER_KG,
    SURCHARGE_TOTAL,
    TOO_BIG_MONEY,
    TOO_HEAVY,
    TUBE_WALL,
    VAT_RATE,
    WEIGHT_KG,
)

LINE_OUTPUT_COLUMNS = (
    "unit_weight_kg",
    "line_weight_kg",
    "material_cost_unit",
    "unit_price_net",
    "line_net",
    "line_vat",
    "line_total",
    "planned_cost",
    "actual_cost",
)
# Internal integer columns; the prefix keeps them clear of the caller's names.
_P = "__pricing_"


def _i(name: str) -> pl.Expr:
    return pl.col(_P + name)


class _LineColumns:
    """The typed input columns of ``price_lines`` (schema errors are raised here)."""

    def __init__(self, schema: pl.Schema) -> None:
        c = Columns(schema, "строк")
        self.c = c
        self.line_id = c.identifier("line_id")
        self.quantity = c.integer("quantity")
        self.density = c.decimal("density_kg_m3")
        self.price = c.decimal("price_per_kg")
        self.shape = c.text("shape")
        self.dims = {key: c.decimal(key, required=False) for key in DIMENSION_KEYS}
        self.complexity = c.decimal("complexity")
        self.surcharge = c.decimal("surcharge_pct_total", required=False)
        self.fixed = c.decimal("fixed_unit_price", required=False)
        self.actual = c.decimal("actual_material_cost", required=False)
        self.vat_rate = c.decimal("vat_rate")

    def input_checks(self) -> list[Check]:
        c, shape = self.c, self.shape
        checks = quantity_checks(self.quantity)
        checks += decimal_checks(DENSITY, self.density, c.decimal_scale("density_kg_m3"))
        checks += decimal_checks(PRICE_PER_KG, self.price, c.decimal_scale("price_per_kg"))
        unknown = ~shape.is_in(list(SHAPES)).fill_null(False)
        checks.append(Check(unknown, "shape", unknown_shape_reason, shape))
        for key in DIMENSION_KEYS:  # scalar order: the shape's keys in SHAPES order
            rule = WEIGHT_KG if key == "weight_kg" else DIMENSION.named(key)
            users = [s for s, keys in SHAPES.items() if key in keys]
            checks += decimal_checks(
                rule, self.dims[key], c.decimal_scale(key), applies=shape.is_in(users)
            )
        wall, outer = self.dims["wall_mm"], self.dims["outer_diameter_mm"]
        thick_wall = (shape == "tube") & (wall * 2 >= outer).fill_null(False)
        checks.append(Check(thick_wall, "wall_mm", TUBE_WALL))
        checks += decimal_checks(COMPLEXITY, self.complexity, c.decimal_scale("complexity"))
        checks += decimal_checks(
            SURCHARGE_TOTAL,
            self.surcharge,
            c.decimal_scale("surcharge_pct_total"),
            field="surcharge_pct_total",
            required=False,
        )
        for rule, value, name in (
            (FIXED_UNIT_PRICE, self.fixed, "fixed_unit_price"),
            (ACTUAL_MATERIAL_COST, self.actual, "actual_material_cost"),
        ):
            checks += decimal_checks(rule, value, c.decimal_scale(name), required=False)
        checks += decimal_checks(VAT_RATE, self.vat_rate, c.decimal_scale("vat_rate"))
        return checks

    def integers(self) -> list[pl.Expr]:
        """Stage 1: grams and the scaled integer inputs (valid rows only)."""
        shape = self.shape

        def dim(key: str) -> pl.Expr:
            return exact_float(self.dims[key], 3)

        volume = pl.lit(None, dtype=pl.Float64)
        for name in reversed(GEOMETRIC_SHAPES):
            volume = pl.when(shape == name).then(volume_mm3(name, dim)).otherwise(volume)
        nano = nano_kg_expr(volume, exact_float(self.density, 3))
        nano_ok = pl.when(nano <= MAX_UNIT_WEIGHT_NANO_KG).then(nano)
        grams = (
            pl.when(shape == "weight")
            .then(scaled_int(self.dims["weight_kg"], 3).cast(pl.Int64))
            .otherwise(grams_from_nano_kg(nano_ok.cast(pl.Int64)))
        )
        return [
            (shape.is_in(GEOMETRIC_SHAPES) & (nano > MAX_UNIT_WEIGHT_NANO_KG))
            .fill_null(False)
            .alias(_P + "heavy"),
            grams.alias(_P + "grams"),
            self.quantity.cast(pl.Int64).alias(_P + "qty"),
            scaled_int(self.price, 2).alias(_P + "price"),
            scaled_int(self.complexity, 3).alias(_P + "k_milli"),
            scaled_int(self.surcharge, 2).fill_null(0).alias(_P + "s_centi"),
            scaled_int(self.fixed, 2).alias(_P + "fixed"),
            scaled_int(self.actual, 2).alias(_P + "actual"),
            scaled_int(self.vat_rate, 4).alias(_P + "rate_bp"),
        ]


def _money_integers() -> list[list[pl.Expr]]:
    """Stages 2-4: the kopeck arithmetic of ``pricing.scalar._price_line``, in Int128."""
    grams, qty = _i("grams").cast(pl.Int128), _i("qty").cast(pl.Int128)
    material_unit = (grams * _i("price") + 500) // 1000
    computed = (
        _i("material_unit") * _i("k_milli") * (10_000 + _i("s_centi")) + 5_000_000
    ) // 10_000_000
    unit_price = pl.when(_i("fixed").is_not_null()).then(_i("fixed")).otherwise(computed)
    return [
        [material_unit.alias(_P + "material_unit"), (grams * qty).alias(_P + "line_weight")],
        [
            unit_price.alias(_P + "unit_price"),
            (_i("material_unit") * qty).alias(_P + "planned_cost"),
        ],
        [(_i("unit_price") * qty).alias(_P + "net")],
        [((_i("net") * _i("rate_bp") + 5_000) // 10_000).alias(_P + "vat")],
        [
            (_i("net") + _i("vat")).alias(_P + "total"),
            pl.coalesce(_i("actual"), _i("planned_cost")).alias(_P + "actual_cost"),
        ],
    ]


_DERIVED_CHECKS = [
    Check(_i("heavy"), "blank", TOO_HEAVY),
    Check((_i("total") > MAX_MONEY_UNITS).fill_null(False), "line_total", TOO_BIG_MONEY),
    Check((_i("planned_cost") > MAX_MONEY_UNITS).fill_null(False), "planned_cost", TOO_BIG_MONEY),
]


def _compute_lines(frame: pl.DataFrame, columns: _LineColumns) -> pl.DataFrame:
    lazy = frame.lazy().with_columns(columns.integers())
    for stage in _money_integers():
        lazy = lazy.with_columns(stage)
    return lazy.collect()


def price_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """Price every row of ``lines`` (schema in the module docstring)."""
    columns = _LineColumns(lines.schema)
    input_checks = columns.input_checks()
    bad_row = first_true_row(lines, [c.flag for c in input_checks])
    # Rows before the first invalid one are valid: price them, so that a too-heavy blank or an
    # oversized sum on an earlier row is reported first, as the scalar API would (line by line).
    valid = lines if bad_row is None else lines.head(bad_row)
    computed = _compute_lines(valid, columns)
    raise_line_error(computed, _DERIVED_CHECKS)
    if bad_row is not None:
        raise_line_error(lines, input_checks, row=bad_row)

    return computed.with_columns(
        pl.col("vat_rate").cast(RATE),
        from_scaled(_i("grams"), 3).alias("unit_weight_kg"),
        from_scaled(_i("line_weight"), 3).alias("line_weight_kg"),
        from_scaled(_i("material_unit"), 2).alias("material_cost_unit"),
        from_scaled(_i("unit_price"), 2).alias("unit_price_net"),
        from_scaled(_i("net"), 2).alias("line_net"),
        from_scaled(_i("vat"), 2).alias("line_vat"),
        from_scaled(_i("total"), 2).alias("line_total"),
        from_scaled(_i("planned_cost"), 2).alias("planned_cost"),
        from_scaled(_i("actual_cost"), 2).alias("actual_cost"),
    ).select([*lines.columns, *(c for c in LINE_OUTPUT_COLUMNS if c not in lines.columns)])


__all__ = ["price_lines", "price_orders", "resolve_vat_rate", "vat_rate_expr"]
