"""The blank (shape + dimensions) of a line or a catalog item as registers write it.

The shape may be written in Russian ("круг", "лист", "шестигранник", "труба", "масса"...) or left
out: then the dimensions present decide (diameter + length = round ...), and a mass alone means a
blank by weight. Only the shape's own dimensions are kept. (Each number's own limits are
field rules, rules.py.)
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from ingest.importing.errors import RowError
from ingest.importing.kinds.base import ColumnOf, Row
from ingest.importing.statuses import status_key
from ingest.service.order_pricing import SHAPE_DIMS
from pricing import validate as limits

SHAPE_WORDS: dict[str, tuple[str, ...]] = {
    "round": ("круг", "круглый", "пруток", "пруток круглый", "кругляк", "round", "bar"),
    "hex": ("шестигранник", "шестигранный", "шестигр", "шестигранный пруток", "hex", "hexagon"),
    "sheet": ("лист", "листовой", "плита", "полоса", "sheet", "plate"),
    "tube": ("труба", "трубный", "tube", "pipe"),
    "weight": (
        "масса",
        "по массе",
        "вес",
        "поковка",
        "отливка",
        "штамповка",
        "weight",
        "casting",
        "forging",
    ),
}
SHAPE_NAMES_RU = {
    "round": "круг",
    "hex": "шестигранник",
    "sheet": "лист",
    "tube": "труба",
    "weight": "масса",
}
_SHAPES = {status_key(w): code for code, words in SHAPE_WORDS.items() for w in words}
_SHAPES.update({code: code for code in SHAPE_WORDS})
DIM_FIELDS = (
    "diameter_mm",
    "across_flats_mm",
    "outer_diameter_mm",
    "wall_mm",
    "length_mm",
    "width_mm",
    "thickness_mm",
    "weight_kg",
)


@lru_cache(maxsize=1024)
def shape_code(text: str) -> str | None:
    return _SHAPES.get(status_key(text))


def given_blank(
    row: Row, col: ColumnOf, errors: list[RowError], present: tuple[str, ...] = DIM_FIELDS
) -> tuple[str | None, dict]:
    """(shape, {dimension: value}) written in the row; (None, {}) when the row has no blank.
    `present`: the dimension fields the file has (a shortcut; all of them by default)."""
    values = row.values
    dims = {name: values[name] for name in present if values.get(name) is not None}
    text = values.get("blank_shape")
    if text:
        shape = shape_code(text)
        if shape is None:
            allowed = ", ".join(SHAPE_NAMES_RU.values())
            errors.append(
                RowError(
                    row.row,
                    col("blank_shape"),
                    f"неизвестная форма заготовки «{text}»; допустимы: {allowed}",
                )
            )
            return None, {}
    else:
        shape = infer_shape(dims)
        if shape is None:
            return None, {}
    needed = SHAPE_DIMS[shape]
    missing = [n for n in needed if n not in dims]
    if missing:
        errors.append(
            RowError(
                row.row, col(missing[0]), f"для заготовки «{SHAPE_NAMES_RU[shape]}» не заполнено"
            )
        )
        return None, {}
    if shape == "tube" and dims["wall_mm"] * 2 >= dims["outer_diameter_mm"]:
        errors.append(RowError(row.row, col("wall_mm"), limits.TUBE_WALL))
        return None, {}
    return shape, {n: dims[n] for n in needed}


def infer_shape(dims: dict[str, Any]) -> str | None:
    """The one geometric shape whose dimensions are all given, else a mass alone."""
    if len(dims) == 1 and "weight_kg" in dims:
        return "weight"
    full = [s for s, need in SHAPE_DIMS.items() if s != "weight" and all(n in dims for n in need)]
    if len(full) == 1:
        return full[0]
    if not full and "weight_kg" in dims:
        return "weight"
    return None


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
