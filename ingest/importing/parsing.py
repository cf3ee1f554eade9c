"""The parse stage of an import: the table's cells -> checked rows, column by column.

Each distinct cell value of a column is parsed (cells.py) and checked by its field rule
(kinds/rules.py) once — an order's columns repeat on every line of a register — and the common
cells (plain text, a float, "1 234,50 руб.") take a fast path that a fuzz test holds equal to
the general parsers. Rows are then assembled and checked by the kind (no store yet).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import Any

from ingest.importing.cells import (
    CellError,
    clean_text,
    float_decimal,
    is_blank,
    parse_date,
    parse_decimal,
    parse_inn,
    parse_int,
    parse_rate,
)
from ingest.importing.errors import RowError
from ingest.importing.header import Table
from ingest.importing.kinds import kind_module
from ingest.importing.kinds.base import Row
from ingest.importing.kinds.rules import Rule
from ingest.importing.mapping import FieldMap, check_complete, fingerprint
from ingest.importing.synonyms import FIELDS, field_spec

Progress = Callable[[float, str], None]
NOT_DATA = "строка без данных: заполнена одна ячейка (примечание, подпись или сумма)"
PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": clean_text,
    "decimal": parse_decimal,
    "int": parse_int,
    "date": parse_date,
    "inn": parse_inn,
    "rate": parse_rate,
}
# The field whose emptiness (with at most one other cell filled) marks a row as not data:
# a signature, a note under the table.
KEY_FIELD = {
    "customers": "inn",
    "products": "drawing_no",
    "materials": "grade",
    "orders": "order_number",
    "payments": "amount",
}


@dataclass(frozen=True)
class Loaded:
    file_name: str
    kind: str
    table: Table

    @property
    def layout(self) -> str:
        return fingerprint(self.kind, self.table.columns)


@dataclass
class Parsed:
    loaded: Loaded
    mapping: FieldMap
    rows: list[Row]  # rows that passed the checks that need no store
    errors: list[RowError]
    ignored: list[tuple[int, str]]
    data_rows: int

    @property
    def kind(self) -> str:
        return self.loaded.kind

    def col(self, name: str) -> str:
        """The file's header of the column mapped to a field (the field's name if unmapped)."""
        index = self.mapping.get(name)
        for column in self.loaded.table.columns:
            if column.index == index:
                return column.label
        return field_spec(self.kind, name).ru


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off while a file is read and imported: a register makes
    hundreds of thousands of small objects and no reference cycles, and each automatic
    collection would walk all of them again (about a fifth of the import's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_value(raw: Any, parser: Callable[[Any], Any], rule: Rule | None):
    """(value, None) or (None, the reason): the cell parsed, then the field's rule applied."""
    if is_blank(raw):
        return None, None
    try:
        value = parser(raw)
    except CellError as exc:
        return None, str(exc)
    if value is None or rule is None:
        return value, None
    return rule(value)


def _fast_text(raw: Any) -> Any:
    """The common text cell, without the general parser's checks; _SLOW when it does not apply
    (not text, a formula, an Excel error, leading spaces or empty)."""
    if raw.__class__ is str and raw[:1] not in _SLOW_FIRST:
        return " ".join(raw.split())
    return _SLOW


def _fast_decimal(raw: Any) -> Any:
    """A plain number cell (a float, or "1234,50" without spaces or units) as Decimal."""
    cls = raw.__class__
    if cls is float and -1e15 < raw < 1e15:  # False for NaN and infinities
        return float_decimal(raw)
    if cls is str and len(raw) < 40 and (plain := _PLAIN.match(raw)) is not None:
        whole, fraction = plain.groups()
        whole = whole.replace(" ", "").replace("\u00a0", "")
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    return _SLOW


_SLOW = object()
_SLOW_FIRST = frozenset("=# \t\n\r\u00a0") | {""}
# "1234,50", "1 234,50 руб.", "-3.5", "12 шт": digits grouped by spaces, a unit after
_PLAIN = re.compile(
    r"^(-?\d{1,3}(?:[ \u00a0]\d{3})+|-?\d+)(?:[,.](\d+))?(?: ?(?:руб\.?|р\.|₽|шт\.?))?$"
)
FAST: dict[str, Callable[[Any], Any]] = {"text": _fast_text, "decimal": _fast_decimal}


def _plain_texts(raws: Any, rule: Rule, done: dict[Any, tuple]) -> list[Any]:
    """The text rule run inline on plain text cells (the hot loop of a big register); returns
    the cells that need the general path."""
    limit, rest = rule.limit, []
    too_long = f"слишком длинный текст (больше {limit} символов)"
    for raw in raws:
        if raw.__class__ is str and raw[:1] not in _SLOW_FIRST:
            text = " ".join(raw.split())
            done[raw] = (text or None, too_long if len(text) > limit else None)
        else:
            rest.append(raw)
    return rest


def _plain_floats(raws: Any, rule: Rule, done: dict[Any, tuple]) -> list[Any]:
    """The number rule run inline on float cells (what Excel stores); returns the rest."""
    limits, rest = rule.limits, []
    step = Decimal(1).scaleb(-limits.places)
    low, high, inclusive = limits.low, limits.high, limits.low_inclusive
    for raw in raws:
        if raw.__class__ is float and (1e-12 <= raw < 1e15):
            value = Decimal(format(raw, ".15g")).quantize(step, rounding=ROUND_HALF_UP)
            bad = (value < low if inclusive else value <= low) or value > high
            done[raw] = (value, limits.range_reason if bad else None)
        else:
            rest.append(raw)
    return rest


def _parse_unique(raws: Any, type_: str, rule: Rule | None) -> dict[Any, tuple]:
    """{cell value: (parsed value, reason or None)} for each distinct cell value."""
    parser, fast = PARSERS[type_], FAST.get(type_)
    done: dict[Any, tuple] = {}
    if type_ == "text" and hasattr(rule, "limit"):
        raws = _plain_texts(raws, rule, done)
    elif type_ == "decimal" and hasattr(rule, "limits"):
        raws = _plain_floats(raws, rule, done)
    for raw in raws:
        value = _SLOW if fast is None else fast(raw)
        if value is _SLOW:
            done[raw] = _parse_value(raw, parser, rule)
        elif value is None or value == "" or rule is None:
            done[raw] = (value or None, None)
        else:
            done[raw] = rule(value)
    return done


def _parse_column(
    raws: list[Any], type_: str, rule: Rule | None = None
) -> tuple[list[Any], dict[int, str]]:
    """One column's cells parsed and checked: (values, {position: reason}). Each distinct cell
    value is done once (an order's columns repeat on each of its lines), the rest is lookups."""
    if bool in set(map(type, raws)):  # True == 1 as a dict key: parse cell by cell
        results = [_parse_value(r, PARSERS[type_], rule) for r in raws]
        values = [r[0] for r in results]
        return values, {i: r[1] for i, r in enumerate(results) if r[1] is not None}
    parsed = _parse_unique(dict.fromkeys(raws), type_, rule)
    values = [parsed[raw][0] for raw in raws]
    bad = {raw: result[1] for raw, result in parsed.items() if result[1] is not None}
    if not bad:
        return values, {}
    return values, {i: bad[raw] for i, raw in enumerate(raws) if raw in bad}


def _rectangular(grid: list[list[Any]], width: int) -> list[list[Any]]:
    """Rows at least `width` cells long (CSV rows may be ragged; Excel's are not)."""
    if all(len(r) >= width for r in grid):
        return grid
    return [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in grid]


def _not_data(kind: str, values: dict[str, Any], filled: int) -> bool:
    return filled == 0 or (filled <= 1 and values.get(KEY_FIELD[kind]) is None)


def parse(loaded: Loaded, mapping: FieldMap, progress: Progress | None = None) -> Parsed:
    """Every data row's mapped cells parsed (cells.py) and checked by the kind (no store yet).

    Column by column: one parser and one cache per loop, then the rows are assembled."""
    with paused_gc():
        return _parse(loaded, mapping, progress)


def _parse(loaded: Loaded, mapping: FieldMap, progress: Progress | None) -> Parsed:
    kind = loaded.kind
    check_complete(kind, mapping)
    module = kind_module(kind)
    specs = {f.name: f for f in FIELDS[kind]}
    parsed = Parsed(loaded, dict(mapping), [], [], list(loaded.table.ignored), 0)
    rows = loaded.table.rows
    names = list(mapping)
    grid = _rectangular([cells for _, cells in rows], max(mapping.values(), default=0) + 1)
    columns, problems = [], []
    for n, name in enumerate(names):
        if progress:
            progress(0.4 * n / max(1, len(names)), "разбор ячеек")
        raws = list(map(itemgetter(mapping[name]), grid))
        rule = module.RULES.get(name)
        values, bad = _parse_column(raws, specs[name].type, rule)
        columns.append(values)
        problems.append(bad)
    labels = [parsed.col(name) for name in names]
    bad_rows = set().union(*problems) if problems else set()
    width, keep, refused = len(names), parsed.rows.append, []
    for i, values in enumerate(zip(*columns, strict=True)):
        number = rows[i][0]
        record = dict(zip(names, values, strict=True))
        if i in bad_rows:
            parsed.data_rows += 1
            parsed.errors += [
                RowError(number, labels[k], bad[i]) for k, bad in enumerate(problems) if i in bad
            ]
            refused.append(Row(number, record))
            continue
        filled = width - values.count(None)
        if filled <= 1 and _not_data(kind, record, filled):
            parsed.ignored.append((number, NOT_DATA))
            continue
        parsed.data_rows += 1
        keep(Row(number, record))
    if progress:
        progress(0.45, "проверка строк")
    good, errors = module.check(parsed.rows, parsed.col, refused)
    parsed.rows, parsed.errors = good, parsed.errors + errors
    return parsed
