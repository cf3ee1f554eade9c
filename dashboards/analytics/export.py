"""Exports of the analytics tables: a frame -> an .xlsx workbook with Russian headers.

    data = frame_to_xlsx(frame, {"order_number": "Заказ", "net": "Сумма без НДС"}, "Заказы")

Money (Decimal with 2 places) is written as numbers formatted `1 234 567,89 ₽` (the cell format
is locale-independent; Excel shows Russian separators on a Russian system), other decimals with
their own places, dates as dates `28.11.2026`, booleans as да/нет. The frame is what the viewer
got from MartReader, so an export can never carry a column the screen could not.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

import polars as pl
import xlsxwriter

MONEY_FORMAT = '#,##0.00 "₽"'
DATE_FORMAT = "dd.mm.yyyy"
MOMENT_FORMAT = "dd.mm.yyyy hh:mm"
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str) -> str:
    """A valid worksheet name: no []:*?/\\, at most 31 characters, not empty."""
    cleaned = _BAD_SHEET.sub(" ", name).strip()[:31]
    return cleaned or "Лист1"


def _number_format(dtype: pl.DataType) -> str | None:
    if isinstance(dtype, pl.Decimal):
        scale = dtype.scale or 0
        return MONEY_FORMAT if scale == 2 else ("#,##0." + "0" * scale if scale else "#,##0")
    if dtype.is_integer():
        return "#,##0"
    if dtype == pl.Date:
        return DATE_FORMAT
    if isinstance(dtype, pl.Datetime):
        return MOMENT_FORMAT
    return None


def _cell(value: object) -> object:
    if isinstance(value, Decimal):
        # xlsx stores numbers as doubles: converting is the file format's last step
        return float(value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    return value


def frame_to_xlsx(frame: pl.DataFrame, labels: dict[str, str], sheet: str) -> bytes:
    """The frame as one worksheet: header row (labels, else the column name), typed cells."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet(sheet_name(sheet))
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    formats = {}
    for col, (name, dtype) in enumerate(frame.schema.items()):
        header = labels.get(name, name)
        ws.write_string(0, col, header, bold)
        code = _number_format(dtype)
        formats[name] = book.add_format({"num_format": code}) if code else None
        width = max(len(header), 12 if code == MONEY_FORMAT else 10)
        ws.set_column(col, col, min(width + 2, 50))
    for row_no, row in enumerate(frame.iter_rows(named=True), start=1):
        for col, (name, value) in enumerate(row.items()):
            if value is None:
                continue
            cell_format = formats[name]
            if isinstance(value, datetime):
                ws.write_datetime(row_no, col, value, cell_format)
            elif isinstance(value, date):
                ws.write_datetime(row_no, col, datetime(value.year, value.month, value.day),
                                  cell_format)  # fmt: skip
            else:
                ws.write(row_no, col, _cell(value), cell_format)
    ws.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
