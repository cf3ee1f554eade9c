"""Spreadsheet fixtures made by the tests: .xlsx (xlsxwriter), .xls (xlwt) and .csv in any
encoding and separator, as messy as docs/import.md says real files are.

    book = Book()
    sheet = book.sheet("Реестр")
    sheet.title("Реестр заказов за 2025 год")           # a title block above the header
    sheet.header(["№ заказа", "Дата", ...], groups=[("Заказ", 0, 5), ("Позиция", 6, 12)])
    sheet.rows([[...], [...]])                          # cells: str, int, float, date, Formula
    sheet.blank_row(); sheet.totals("Итого", col=11, value=15)
    book.hidden("Справочник", [["служебный"]])
    data = book.xlsx()          # or book.xls(), or csv_bytes(rows, encoding="cp1251")
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import xlsxwriter
import xlwt


@dataclass(frozen=True)
class Formula:
    """A formula with the value Excel last computed (what calamine reads)."""

    text: str
    value: Any


@dataclass(frozen=True)
class Serial:
    """A date written as its Excel serial number (a plain number cell)."""

    day: date

    @property
    def number(self) -> int:
        return (self.day - date(1899, 12, 30)).days


@dataclass
class Sheet:
    name: str
    cells: list[tuple[int, int, Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int, Any]] = field(default_factory=list)
    hidden: bool = False
    row: int = 0  # the next row to write (0-based)

    def title(self, *lines: str, width: int = 6) -> Sheet:
        for line in lines:
            self.merges.append((self.row, 0, self.row, width - 1, line))
            self.row += 1
        self.row += 1  # an empty row under the title block
        return self

    def header(self, labels: list[str | None], groups: list[tuple[str, int, int]] = ()) -> Sheet:
        """The header row; `groups` (label, first col, last col) go in a merged row above it."""
        if groups:
            for label, c0, c1 in groups:
                self.merges.append((self.row, c0, self.row, c1, label))
            self.row += 1
        self.put_row(labels)
        return self

    def put_row(self, values: list[Any], start_col: int = 0) -> Sheet:
        for c, value in enumerate(values, start=start_col):
            if value is not None:
                self.cells.append((self.row, c, value))
        self.row += 1
        return self

    def rows(self, rows: list[list[Any]], start_col: int = 0) -> Sheet:
        for values in rows:
            self.put_row(values, start_col)
        return self

    def blank_row(self, count: int = 1) -> Sheet:
        self.row += count
        return self

    def totals(self, label: str = "Итого", col: int = 0, value_col: int | None = None,
               value: Any = None) -> Sheet:  # fmt: skip
        cells = {col: label}
        if value_col is not None:
            cells[value_col] = value
        for c, v in cells.items():
            self.cells.append((self.row, c, v))
        self.row += 1
        return self

    def merge_down(self, col: int, first_row: int, last_row: int, value: Any) -> Sheet:
        """A value merged over several rows (an order number over its lines)."""
        self.merges.append((first_row, col, last_row, col, value))
        return self


class Book:
    def __init__(self):
        self.sheets: list[Sheet] = []

    def sheet(self, name: str) -> Sheet:
        sheet = Sheet(name)
        self.sheets.append(sheet)
        return sheet

    def hidden(self, name: str, rows: list[list[Any]]) -> Sheet:
        sheet = self.sheet(name)
        sheet.hidden = True
        return sheet.rows(rows)

    def xlsx(self) -> bytes:
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        day = book.add_format({"num_format": "dd.mm.yyyy"})
        made = []
        for s in self.sheets:
            ws = book.add_worksheet(s.name)
            made.append((s, ws))
            for r0, c0, r1, c1, value in s.merges:
                ws.merge_range(r0, c0, r1, c1, value)
            for r, c, value in s.cells:
                _write_xlsx(ws, r, c, value, day)
        visible = [ws for s, ws in made if not s.hidden]
        if visible:
            visible[0].activate()  # the active sheet cannot be hidden
        for s, ws in made:
            if s.hidden:
                ws.hide()
        book.close()
        return out.getvalue()

    def xls(self) -> bytes:
        book = xlwt.Workbook(encoding="utf-8")
        day = xlwt.easyxf(num_format_str="DD.MM.YYYY")
        for s in self.sheets:
            ws = book.add_sheet(s.name, cell_overwrite_ok=True)
            if s.hidden:
                ws.visibility = 1
            for r0, c0, r1, c1, value in s.merges:
                ws.write_merge(r0, r1, c0, c1, value)
            for r, c, value in s.cells:
                if isinstance(value, Formula):
                    ws.write(r, c, value.value)  # xlwt keeps no cached values: write the value
                elif isinstance(value, Serial):
                    ws.write(r, c, value.number)
                elif isinstance(value, datetime | date):
                    ws.write(r, c, value, day)
                else:
                    ws.write(r, c, value)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _write_xlsx(ws, r: int, c: int, value: Any, day) -> None:
    if isinstance(value, Formula):
        ws.write_formula(r, c, value.text, None, value.value)
    elif isinstance(value, Serial):
        ws.write_number(r, c, value.number)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, day)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
    elif isinstance(value, str):
        ws.write_string(r, c, value)  # "1 234,50" stays text, "=..." is not a formula
    else:
        ws.write(r, c, value)


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8", sep: str = ";",
              bom: bool = False) -> bytes:  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else _csv_text(v) for v in row])
    text = ("\ufeff" if bom else "") + out.getvalue()
    return text.encode(encoding)


def _csv_text(value: Any) -> str:
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, Serial):
        return str(value.number)
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return str(value)
