"""A file's bytes -> its sheets as grids of raw cells, from A1, with merged cells filled in.

.xlsx/.xlsm/.xls go through python-calamine (Rust): it returns the cached values of formulas (what
Excel last showed), real dates as date/datetime, numbers as float, and tells which sheets are
hidden and which cells are merged. .csv/.txt are decoded as UTF-8 (with or without BOM), else as
Windows-1251, and split on the separator that gives the most consistent column count (';' wins a
tie: Russian Excel writes ';' because ',' is the decimal mark).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import python_calamine as calamine

from ingest.importing.errors import ImportFileError

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
SEPARATORS = (";", ",", "\t")
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Any]]  # rows[0][0] is A1; "" or None for an empty cell
    hidden: bool = False
    merged: tuple[tuple[int, int, int, int], ...] = field(default=())  # r0, c0, r1, c1 (0-based)


def read_sheets(data: bytes, file_name: str) -> list[Sheet]:
    """Every sheet of the file (hidden ones flagged); ImportFileError if it cannot be read."""
    if not data:
        raise ImportFileError(f"файл «{file_name}» пуст")
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"файл «{file_name}» больше {MAX_BYTES // 2**20} МБ")
    suffix = PurePath(file_name).suffix.lower()
    looks_zip, looks_ole = data[:4] == b"PK\x03\x04", data[:4] == b"\xd0\xcf\x11\xe0"
    if suffix in EXCEL_SUFFIXES or looks_zip or looks_ole:
        return _excel_sheets(data, file_name)
    if suffix in CSV_SUFFIXES or not suffix:
        return [_csv_sheet(data, file_name)]
    raise ImportFileError(
        f"формат файла «{file_name}» не поддерживается: нужен .xlsx, .xls или .csv"
    )


def _excel_sheets(data: bytes, file_name: str) -> list[Sheet]:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets have no cells
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = tuple(
                (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
            )
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(meta.name, fill_merged(rows, merged), hidden, merged))
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises its own zoo (zip, xml, password ...)
        raise ImportFileError(
            f"файл «{file_name}» не читается как книга Excel ({type(exc).__name__}: {exc})"
        ) from None
    if not sheets:
        raise ImportFileError(f"в файле «{file_name}» нет листов с ячейками")
    return sheets


def fill_merged(rows: list[list[Any]], merged: tuple[tuple[int, int, int, int], ...]):
    """Every cell of a merged range gets the range's value (Excel keeps it in the top-left only):
    a header spread over several columns, an order number merged down its lines."""
    for r0, c0, r1, c1 in merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
    return rows


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not) if it decodes, else Windows-1251 (what Russian Excel writes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def sniff_separator(text: str) -> str:
    """The separator splitting the first lines into the most consistent column count (> 1)."""
    sample = text.splitlines()[:50]
    best, best_score = ";", (0.0, 0)
    for sep in SEPARATORS:
        widths = [len(r) for r in csv.reader(sample, delimiter=sep) if any(c.strip() for c in r)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = (count / len(widths), width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _csv_sheet(data: bytes, file_name: str) -> Sheet:
    text = decode_text(data)
    if "\x00" in text:
        raise ImportFileError(f"файл «{file_name}» не текстовый (нужен CSV, .xlsx или .xls)")
    separator = sniff_separator(text)
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=separator)]
    except csv.Error as exc:
        raise ImportFileError(f"файл «{file_name}» не читается как CSV: {exc}") from None
    return Sheet(PurePath(file_name).stem or "csv", rows)
