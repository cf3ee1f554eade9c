"""Render a quote (КП) to PDF bytes with fpdf2: a pure function of the `QuoteDoc`.

Figures are printed exactly as the `Decimal`s given (no float, no re-computation). User text
goes through `_safe` so that characters the embedded font lacks print as "?" instead of
failing or vanishing. The creation date is derived from `issued_on`, so equal documents give
equal bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import MethodReturnValue

from ingest.documents.quote_document import QuoteDoc, QuoteLineDoc

FONTS_DIR = Path(__file__).parent / "fonts"
FONT_FILES = {"": FONTS_DIR / "DejaVuSans.ttf", "B": FONTS_DIR / "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"

MARGIN_MM = 12
TABLE_FONT_PT = 7
CELL_PADDING_MM = 0.8
# (heading, width in mm, alignment of the body cells); widths sum to the A4 text width, 186 mm.
# At 7 pt an amount column of 20 mm holds "99 999 999,99" on one line.
COLUMNS = (
    ("№", 7, "RIGHT"),
    ("Чертёж", 24, "LEFT"),
    ("Наименование", 32, "LEFT"),
    ("Материал", 17, "LEFT"),
    ("Кол-во, шт.", 13, "RIGHT"),
    ("Масса ед., кг", 14, "RIGHT"),
    ("Цена ед. без НДС, ₽", 20, "RIGHT"),
    ("Сумма без НДС, ₽", 20, "RIGHT"),
    ("НДС, ₽", 19, "RIGHT"),
    ("Сумма с НДС, ₽", 20, "RIGHT"),
)
LABEL_WIDTH_MM = 30  # the "Поставщик:" / "Покупатель:" column
EMPTY = "—"
# fpdf2 cannot split a table row across pages, so user text in a cell is clipped ("…") to
# MAX_CELL_LINES wrapped lines (about 200 mm at 7 pt); MAX_CELL_CHARS just bounds the work.
MAX_CELL_LINES = 60
MAX_CELL_CHARS = 4000
FOOTER_LIMIT = 60
# Stands for the page count until the PDF is closed. fpdf2 substitutes it in all text, so it
# holds NUL, which `_safe` never lets through: a name typed as "{nb}" stays literal.
PAGE_COUNT_ALIAS = "\x00nb"


# --- formatting ----------------------------------------------------------------------------


def format_amount(value: Decimal) -> str:
    """`Decimal("1234567.89")` → "1 234 567,89": every digit given, none added or rounded."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"expected a finite Decimal, got {value!r}")
    # "f" keeps the Decimal's own exponent (no scientific notation, no rounding).
    return format(value, ",f").replace(",", " ").replace(".", ",")


def format_money(value: Decimal) -> str:
    return f"{format_amount(value)} ₽"


def format_quantity(value: int) -> str:
    return format(value, ",d").replace(",", " ")


def format_percent(rate: Decimal) -> str:
    """`Decimal("0.2200")` → "22", `Decimal("0.055")` → "5,5" (a fraction shown as percent)."""
    # Multiplying by 100 is exact in Decimal; normalize drops the trailing zeros.
    return format_amount((rate * 100).normalize())


def format_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


@cache
def _covered_codepoints() -> frozenset[int]:
    """Code points both shipped faces can draw (bold is used for some user text too)."""
    maps = []
    for path in FONT_FILES.values():
        with TTFont(path, lazy=True) as font:
            maps.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*maps)


def _safe(text: str | None, limit: int | None = None) -> str:
    """User text made printable: whitespace runs become one space, unknown glyphs become "?",
    and past `limit` characters the rest becomes "…" (a table row must fit on one page)."""
    if not text:
        return ""
    flat = " ".join(text.split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    covered = _covered_codepoints()
    return "".join(ch if ord(ch) in covered else "?" for ch in flat)


# --- layout --------------------------------------------------------------------------------


class _QuotePDF(FPDF):
    """FPDF with a page footer: the quote number and "стр. N из M" on every page."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text
        self.alias_nb_pages(PAGE_COUNT_ALIAS)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.cell(
            0, 4, f"{self._footer_text} · стр. {self.page_no()} из {PAGE_COUNT_ALIAS}", align="R"
        )


def render_quote_pdf(doc: QuoteDoc) -> bytes:
    """The quote as a PDF (A4, Cyrillic, multi-page table with repeated header)."""
    number = _safe(doc.number)
    pdf = _QuotePDF(footer_text=f"Коммерческое предложение № {_safe(doc.number, FOOTER_LIMIT)}")
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT, style, str(path))
    # A fixed creation date (the issue date) instead of "now" keeps the bytes reproducible.
    pdf.set_creation_date(datetime.combine(doc.issued_on, time(), tzinfo=UTC))
    pdf.set_title(f"Коммерческое предложение № {number}")
    pdf.set_author(_safe(doc.plant_name))
    pdf.set_lang("ru")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()

    _title(pdf, doc, number)
    _parties(pdf, doc)
    _lines_table(pdf, doc.lines)
    _totals(pdf, doc)
    _closing(pdf, doc)
    return bytes(pdf.output())


def _title(pdf: FPDF, doc: QuoteDoc, number: str) -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, f"Коммерческое предложение № {number}", align="C", new_x="LMARGIN")
    pdf.set_font(FONT, "", 10)
    subtitle = f"от {format_date(doc.issued_on)} (редакция {doc.version})"
    pdf.multi_cell(0, 5, subtitle, align="C", new_x="LMARGIN")
    pdf.ln(4)


def _parties(pdf: FPDF, doc: QuoteDoc) -> None:
    _field(pdf, "Поставщик:", _safe(doc.plant_name))
    pdf.ln(1)
    requisites = f"ИНН {_safe(doc.customer_inn)}"
    if doc.customer_kpp:
        requisites += f", КПП {_safe(doc.customer_kpp)}"
    _field(pdf, "Покупатель:", _safe(doc.customer_name))
    _field(pdf, "", requisites)
    if doc.customer_address:
        _field(pdf, "", f"Адрес: {_safe(doc.customer_address)}")
    pdf.ln(1)
    _field(pdf, "Основание:", f"заказ № {_safe(doc.order_number)}")
    pdf.ln(4)


def _field(pdf: FPDF, label: str, value: str) -> None:
    """A bold label in a fixed column, the value wrapping in the rest of the line."""
    pdf.set_font(FONT, "B", 10)
    pdf.cell(LABEL_WIDTH_MM, 5, label)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")


def _lines_table(pdf: FPDF, lines: tuple[QuoteLineDoc, ...]) -> None:
    pdf.set_font(FONT, "", TABLE_FONT_PT)
    headings = FontFace(family=FONT, emphasis="BOLD", fill_color=(225, 225, 225))
    with pdf.table(
        col_widths=tuple(width for _, width, _ in COLUMNS),
        width=sum(width for _, width, _ in COLUMNS),
        headings_style=headings,
        line_height=pdf.font_size * 1.3,
        padding=CELL_PADDING_MM,
        v_align="TOP",
        repeat_headings=1,  # the heading row on top of every page the table spans
    ) as table:
        heading_row = table.row()
        for heading, _, _ in COLUMNS:
            heading_row.cell(heading, align="CENTER", v_align="MIDDLE")
        for line in lines:
            row = table.row()
            for text, (_, _, align) in zip(_line_cells(pdf, line), COLUMNS, strict=True):
                row.cell(text, align=align)
    pdf.ln(3)


def _line_cells(pdf: FPDF, line: QuoteLineDoc) -> tuple[str, ...]:
    def text(value: str | None, column: int) -> str:
        return _fit_cell(pdf, _safe(value, MAX_CELL_CHARS), COLUMNS[column][1]) or EMPTY

    return (
        str(line.line_no),
        text(line.drawing_no, 1),
        text(line.name, 2),
        text(line.material_grade, 3),
        format_quantity(line.quantity),
        format_amount(line.unit_weight_kg),
        format_amount(line.unit_price_net),
        format_amount(line.line_net),
        format_amount(line.line_vat),
        format_amount(line.line_total),
    )


def _fit_cell(pdf: FPDF, text: str, column_width: float) -> str:
    """`text` clipped to MAX_CELL_LINES lines as wrapped in the column (in the current font)."""
    width = column_width - 2 * CELL_PADDING_MM
    wrapped = pdf.multi_cell(width, 1, text, dry_run=True, output=MethodReturnValue.LINES)
    if len(wrapped) <= MAX_CELL_LINES:
        return text
    # Wrapping drops the spaces it breaks at, so this prefix is never longer than the lines.
    kept = sum(len(part) for part in wrapped[: MAX_CELL_LINES - 1])
    return text[:kept].rstrip() + "…"


def _totals(pdf: FPDF, doc: QuoteDoc) -> None:
    rows = (
        ("Итого без НДС:", doc.net, ""),
        (f"НДС {format_percent(doc.vat_rate)}%:", doc.vat, ""),
        ("Всего с НДС:", doc.total, "B"),
    )
    value_width, label_width = 55, 45
    for label, amount, style in rows:
        pdf.set_font(FONT, style, 10)
        pdf.set_x(pdf.w - pdf.r_margin - value_width - label_width)
        pdf.cell(label_width, 6, label, align="R")
        pdf.cell(value_width, 6, format_money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _closing(pdf: FPDF, doc: QuoteDoc) -> None:
    pdf.set_font(FONT, "", 10)
    if doc.valid_until is not None:
        validity = f"Предложение действительно до {format_date(doc.valid_until)}."
        pdf.multi_cell(0, 5, validity, new_x="LMARGIN", new_y="NEXT")
    if doc.manager_name:
        pdf.multi_cell(0, 5, f"Менеджер: {_safe(doc.manager_name)}", new_x="LMARGIN", new_y="NEXT")
