"""The rejected rows as a file to download, fix and import again: the row number, every column
of the original table as it was, and the reasons.

Cells are written as they were read (a date stays a date, a number a number), so the file can be
corrected in Excel and fed back in: the header row is the table's own, so the same mapping fits.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import xlsxwriter

from ingest.importing.errors import RowError
from ingest.importing.header import Table

ROW_HEADER = "Строка"
REASON_HEADER = "Причины отказа"


def rejected_table(table: Table, errors: list[RowError]) -> tuple[list[str], list[list[Any]]]:
    """(headers, rows): one row per rejected Excel row, in file order."""
    reasons: dict[int, list[str]] = {}
    for e in sorted(errors):
        text = f"«{e.column}»: {e.reason}" if e.column else e.reason
        reasons.setdefault(e.row, []).append(text)
    headers = [ROW_HEADER, *(c.label for c in table.columns), REASON_HEADER]
    rows = []
    for number, cells in table.rows:
        if number in reasons:
            values = [cells[c.index] if c.index < len(cells) else None for c in table.columns]
            rows.append([number, *values, "; ".join(reasons[number])])
    return headers, rows


def to_xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Отклонённые строки")
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, headers, bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, datetime | date):
                sheet.write_datetime(r, c, _as_datetime(value), day)
            elif value is None or value == "":
                continue
            elif isinstance(value, str):
                sheet.write_string(r, c, value)  # never re-read as a formula or a number
            else:
                sheet.write(r, c, value)
    sheet.freeze_panes(1, 1)
    book.close()
    return out.getvalue()


def to_csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM and ';' — what Russian Excel opens correctly by a double click."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def _text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(value, ".15g").replace(".", ",")
    return str(value)
