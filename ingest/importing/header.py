"""Find the table in a sheet: the header row(s) below any title block, its columns, its data rows.

The header is the row (or pair of rows) among the first HEADER_SCAN rows whose cells name the most
fields of the kind (synonyms.py). A pair wins over a single row only when it names more fields
(a header spread over two rows: "Номер заказа" above an empty cell, or a group "Цена" over
"без НДС"); a row of horizontally merged cells just above the header is kept as group labels.
Below it: empty rows are dropped; totals ("Итого", "Всего"), a column-numbering row (1 2 3 ...)
and repeated headers (printed page breaks) are set aside with the reason, never imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ingest.importing.cells import is_blank
from ingest.importing.errors import ImportFileError
from ingest.importing.reader import Sheet
from ingest.importing.synonyms import FIELDS, KIND_NAMES, field_for_label, normalize_label

HEADER_SCAN = 40
Hints = Mapping[str, str]  # normalized header label -> field (from a mapping)
_TOTALS = re.compile(r"^\s*(итого|итог|всего|total|grand total|subtotal)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    index: int  # 0-based position in the sheet
    label: str  # as the user sees it ("Цена / без НДС"); unique within the table
    parts: tuple[str, ...]  # the header cells above each other, top first

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class Table:
    sheet: str
    header_rows: tuple[int, ...]  # Excel row numbers
    columns: tuple[Column, ...]
    rows: list[tuple[int, list[Any]]]  # (Excel row number, the row's cells from column A)
    ignored: tuple[tuple[int, str], ...] = ()  # (Excel row number, why it is not data)
    hidden_sheets: tuple[str, ...] = ()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    return None


def _parts(rows: list[list[Any]], header: tuple[int, ...], col: int) -> tuple[str, ...]:
    parts: list[str] = []
    for r in header:
        row = rows[r]
        text = _text(row[col]) if col < len(row) else None
        if text and text not in parts:
            parts.append(text)
    return tuple(parts)


def label_candidates(parts: tuple[str, ...]) -> list[tuple[int, str]]:
    """(quality, text) to try against the synonyms, best first: the whole header top-down,
    bottom-up, then each cell from the bottom (the most specific)."""
    if not parts:
        return []
    found = [(0, " ".join(parts))]
    if len(parts) > 1:
        found.append((1, " ".join(reversed(parts))))
        found += [(2, p) for p in reversed(parts)]
    return found


def column_field(
    kind: str, parts: tuple[str, ...], hints: Hints | None = None
) -> tuple[int, str] | None:
    """(quality, field) the header cells of one column name, or None. `hints` are headers a
    mapping (a --mapping file, or one saved in the app) gave a field: they count first."""
    for quality, text in label_candidates(parts):
        name = (hints or {}).get(normalize_label(text)) or field_for_label(kind, text)
        if name:
            return quality, name
    return None


def _width(rows: list[list[Any]], header: tuple[int, ...]) -> int:
    return max(len(rows[r]) for r in header)


def _score(
    rows: list[list[Any]], header: tuple[int, ...], kind: str, hints: Hints | None
) -> tuple[int, int]:
    """(fields named, columns whose name needs both rows): a second header row counts only
    when it refines names ("Цена" over "за ед. без НДС"); a data row under a one-row header
    never makes a known name together with it."""
    names, refined = set(), 0
    for col in range(_width(rows, header)):
        parts = _parts(rows, header, col)
        found = column_field(kind, parts, hints)
        if found:
            names.add(found[1])
            refined += len(parts) > 1 and found[0] <= 1
    return len(names), refined


def _best_header(
    rows: list[list[Any]], kind: str, hints: Hints | None
) -> tuple[int, tuple[int, ...]]:
    """(score, header rows) of the best candidate among the first HEADER_SCAN rows: the most
    fields named; on a tie a second row that refines names, else one row, else the first."""
    best: tuple[int, ...] = (0, 0, 0, 0)
    best_rows: tuple[int, ...] = ()
    for r in range(min(len(rows), HEADER_SCAN)):
        for header in ((r,), (r, r + 1)):
            if header[-1] >= len(rows):
                continue
            score, refined = _score(rows, header, kind, hints)
            key = (score, refined, -len(header), -r)
            if score and key > best:
                best, best_rows = key, header
    return best[0], best_rows


def _with_group_row(sheet: Sheet, header: tuple[int, ...]) -> tuple[int, ...]:
    """Add the row above when it holds horizontally merged labels over the header (groups)."""
    above = header[0] - 1
    if above < 0 or not any(r0 <= above <= r1 and c1 > c0 for r0, c0, r1, c1 in sheet.merged):
        return header
    row = sheet.rows[above]
    if not all(isinstance(v, str) for v in row if not is_blank(v)):
        return header
    return (above, *header)


def _enough(
    kind: str, score: int, rows: list[list[Any]], header: tuple[int, ...], hints: Hints | None
) -> bool:
    required = {f.name for f in FIELDS[kind] if f.required}
    named = set()
    for col in range(_width(rows, header) if header else 0):
        found = column_field(kind, _parts(rows, header, col), hints)
        if found:
            named.add(found[1])
    # One known header is too weak a sign on its own, unless a mapping named it (hints).
    return (score >= 2 or bool(hints)) and bool(required & named)


def _columns(rows: list[list[Any]], header: tuple[int, ...], data_rows: list) -> list[Column]:
    width = max([_width(rows, header), *(len(r) for _, r in data_rows)])
    columns, seen = [], set()
    for col in range(width):
        parts = _parts(rows, header, col)
        if not parts and not any(col < len(r) and not is_blank(r[col]) for _, r in data_rows):
            continue  # an empty column between the data
        label = " / ".join(parts) if parts else f"Столбец {column_letter(col)}"
        if label in seen:
            label = f"{label} ({column_letter(col)})"
        seen.add(label)
        columns.append(Column(col, label, parts))
    return columns


def _numbering_row(row: list[Any]) -> bool:
    """1 2 3 4 ... under the header (Russian forms number their columns; an empty column may
    leave a gap)."""
    values = [v for v in row if not is_blank(v)]
    if len(values) < 3 or any(isinstance(v, bool) for v in values):
        return False
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        return False
    whole = all(n.is_integer() for n in numbers)
    rising = all(b > a for a, b in pairwise(numbers))
    return whole and rising and numbers[0] in (0, 1) and numbers[-1] <= 2 * len(numbers)


def _is_totals(row: list[Any]) -> bool:
    """A totals row: its first filled cell says Итого / Всего / Total."""
    first = next((v for v in row if v is not None and v != ""), None)
    return first.__class__ is str and _TOTALS.match(first) is not None


def _data_rows(rows: list[list[Any]], header: tuple[int, ...], header_cells: list[Any]):
    """(kept rows, ignored rows with the reason) below the header. Written for speed: a
    register has tens of thousands of rows, so each test is one C-level pass or short-circuits."""
    kept, ignored = [], []
    keyed = [(c, v) for c, v in enumerate(header_cells) if v.__class__ is str and v.strip()]
    probe_col, probe_text = keyed[0] if keyed else (-1, None)
    first = header[-1] + 1
    for index in range(first, len(rows)):
        row, number = rows[index], index + 1
        if row.count("") + row.count(None) == len(row):
            continue
        if _is_totals(row):
            ignored.append((number, "итоговая строка"))
        elif index == first and _numbering_row(row):
            ignored.append((number, "строка с номерами столбцов"))
        elif probe_col < len(row) and row[probe_col] == probe_text and _repeats_header(row, keyed):
            ignored.append((number, "повтор строки заголовков"))
        else:
            kept.append((number, row))
    return kept, ignored


def _repeats_header(row: list[Any], keyed: list[tuple[int, str]]) -> bool:
    """The header printed again (a page break in the source): the same texts in most columns."""
    same = sum(1 for col, text in keyed if col < len(row) and row[col] == text)
    return same >= max(2, len(keyed) // 2)


def _guessed_header(sheets: list[Sheet]) -> tuple[Sheet, tuple[int, ...]] | None:
    """For a file whose headers name nothing known (the user maps the columns by hand): the
    row with the most text cells among the first HEADER_SCAN rows of the visible sheets."""
    best, found = 1, None
    for sheet in sheets:
        if sheet.hidden:
            continue
        for r, row in enumerate(sheet.rows[:HEADER_SCAN]):
            count = sum(1 for v in row if _text(v))
            if count > best:
                best, found = count, (sheet, (r,))
    return found


def find_table(
    sheets: list[Sheet], kind: str, hints: Hints | None = None, guess: bool = False
) -> Table:
    """The best table for this kind among the visible sheets; ImportFileError if none. With
    `guess`, a file whose headers name no known field still gives its most header-like row."""
    hidden = tuple(s.name for s in sheets if s.hidden)
    candidates = []
    for n, sheet in enumerate(sheets):
        score, header = _best_header(sheet.rows, kind, hints)
        if header and _enough(kind, score, sheet.rows, header, hints):
            candidates.append((score, -n, sheet, header))
    visible = [c for c in candidates if not c[2].hidden]
    guessed = _guessed_header(sheets) if guess and not visible else None
    if guessed is not None:
        visible = [(0, 0, *guessed)]
    if not visible:
        what = KIND_NAMES[kind][0]
        expected = ", ".join(f"«{f.ru}»" for f in FIELDS[kind] if f.required)
        if candidates:
            raise ImportFileError(
                f"таблица «{what}» найдена только на скрытом листе «{candidates[0][2].name}»: "
                "откройте лист в Excel или сохраните его отдельным файлом"
            )
        raise ImportFileError(
            f"не найдена строка заголовков таблицы «{what}» в первых {HEADER_SCAN} строках "
            f"(обязательные столбцы: {expected})"
        )
    _, _, sheet, header = max(visible, key=lambda c: (c[0], c[1]))
    header = _with_group_row(sheet, header)
    data, ignored = _data_rows(sheet.rows, header, sheet.rows[header[-1]])
    return Table(
        sheet=sheet.name,
        header_rows=tuple(r + 1 for r in header),
        columns=tuple(_columns(sheet.rows, header, data)),
        rows=data,
        ignored=tuple(ignored),
        hidden_sheets=hidden,
    )
