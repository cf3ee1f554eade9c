"""Blank shapes and their geometry: dimensions (mm) -> unit weight in grams.

Geometry is the only floating-point step. The volume formula is written ONCE, generic over
"something that multiplies": Python floats for the scalar API and ``pl.Expr`` for the frame API,
so both perform the same IEEE-754 operations in the same order and get bit-identical volumes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import polars as pl

# Required keys per shape, exactly as in the JSON contract (and the frame's column names).
SHAPES: dict[str, tuple[str, ...]] = {
    "round": ("diameter_mm", "length_mm"),
    "hex": ("across_flats_mm", "length_mm"),
    "sheet": ("length_mm", "width_mm", "thickness_mm"),
    "tube": ("outer_diameter_mm", "wall_mm", "length_mm"),
    "weight": ("weight_kg",),
}
# Every dimension column the frame API knows, in a stable order.
DIMENSION_KEYS: tuple[str, ...] = tuple(dict.fromkeys(k for ks in SHAPES.values() for k in ks))
GEOMETRIC_SHAPES = ("round", "hex", "sheet", "tube")

PI_4 = math.pi / 4
HEX_AREA = math.sqrt(3) / 2  # area of a regular hexagon = HEX_AREA * S^2 (S across flats)

# 1 mm3 * 1 kg/m3 = 1e-9 kg: volume_mm3 * density is the weight in nano-kilograms.
NANO_KG_PER_GRAM = 1_000_000

T = TypeVar("T", float, pl.Expr)


def unknown_shape_reason(shape: object) -> str:
    return f"неизвестная форма заготовки {shape!r}; допустимы: {', '.join(SHAPES)}"


def volume_mm3(shape: str, dim: Callable[[str], T]) -> T:
    """Volume of a geometric blank; ``dim(key)`` gives a dimension as float or float expr."""
    if shape == "round":
        d, length = dim("diameter_mm"), dim("length_mm")
        return ((d * d) * length) * PI_4
    if shape == "hex":
        s, length = dim("across_flats_mm"), dim("length_mm")
        return ((s * s) * length) * HEX_AREA
    if shape == "sheet":
        return (dim("length_mm") * dim("width_mm")) * dim("thickness_mm")
    if shape == "tube":
        od, wall, length = dim("outer_diameter_mm"), dim("wall_mm"), dim("length_mm")
        inner = od - (wall * 2.0)
        return (((od * od) - (inner * inner)) * length) * PI_4
    raise ValueError(unknown_shape_reason(shape))


def nano_kg(volume: float, density: float) -> int:
    # Snap to whole 1e-9 kg: drops float noise so exact decimal ties (x.xxx5 kg) stay ties.
    return math.floor(volume * density + 0.5)


def nano_kg_expr(volume: pl.Expr, density: pl.Expr) -> pl.Expr:
    """Same as ``nano_kg`` but still a Float64 (the caller range-checks before the int cast)."""
    return (volume * density + 0.5).floor()


def grams_from_nano_kg(nano: int) -> int:
    """Half-up to whole grams (0.001 kg); works for ints and Int64 expressions alike."""
    return (nano + NANO_KG_PER_GRAM // 2) // NANO_KG_PER_GRAM
