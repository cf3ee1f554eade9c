"""The quote (КП) PDF: what a reader sees in the text, robustness to hostile input, same bytes
for the same document. Text is read back with pypdf and whitespace-normalised, since extraction
may split lines or render spaces differently."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ingest.documents import QuoteDoc, QuoteLineDoc, render_quote_pdf
from ingest.documents.quote_pdf import format_amount, format_date, format_percent

D = Decimal

# Three lines at 22 % whose figures add up: net 59 428,34 + VAT 13 074,23 = 72 502,57.
LINES = (
    QuoteLineDoc(
        line_no=1, drawing_no="ВЛ-01.02.003", name="Вал ступенчатый", material_grade="40Х",
        quantity=10, unit_weight_kg=D("11.098"), unit_price_net=D("2899.35"),
        line_net=D("28993.50"), line_vat=D("6378.57"), line_total=D("35372.07"),
    ),
    QuoteLineDoc(
        line_no=2, drawing_no="ВТ-07.11.001", name="Втулка переходная", material_grade="45",
        quantity=4, unit_weight_kg=D("2.450"), unit_price_net=D("3500.00"),
        line_net=D("14000.00"), line_vat=D("3080.00"), line_total=D("17080.00"),
    ),
    QuoteLineDoc(
        line_no=3, drawing_no=None, name="Фланец приварной", material_grade=None,
        quantity=6, unit_weight_kg=D("7.5"), unit_price_net=D("2739.14"),
        line_net=D("16434.84"), line_vat=D("3615.66"), line_total=D("20050.50"),
    ),
)  # fmt: skip


def make_doc(**changes) -> QuoteDoc:
    doc = QuoteDoc(
        number="КП-2026-0142/2",
        version=2,
        issued_on=date(2026, 11, 28),
        valid_until=date(2026, 12, 28),
        order_number="З-2026-0142",
        customer_name="ООО «Ромашка»",
        customer_inn="7701234567",
        customer_kpp="770101001",
        customer_address="г. Москва, ул. Заводская, д. 5",
        manager_name="Иванов Иван Иванович",
        plant_name="АО «Завод»",
        vat_rate=D("0.2200"),
        net=D("59428.34"),
        vat=D("13074.23"),
        total=D("72502.57"),
        lines=LINES,
    )
    return dataclasses.replace(doc, **changes)


def many_lines(count: int) -> tuple[QuoteLineDoc, ...]:
    return tuple(
        dataclasses.replace(LINES[0], line_no=n, name=f"Вал ступенчатый поз. {n}")
        for n in range(1, count + 1)
    )


def normalise(text: str) -> str:
    return " ".join(text.split())


def page_texts(data: bytes) -> list[str]:
    return [normalise(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(page_texts(data))


# --- content -------------------------------------------------------------------------------


def test_quote_shows_header_parties_and_validity():
    text = pdf_text(render_quote_pdf(make_doc()))

    assert "Коммерческое предложение № КП-2026-0142/2" in text
    assert "28.11.2026" in text
    assert "АО «Завод»" in text
    assert "ООО «Ромашка»" in text
    assert "ИНН 7701234567" in text
    assert "КПП 770101001" in text
    assert "г. Москва, ул. Заводская, д. 5" in text
    assert "З-2026-0142" in text
    assert "Предложение действительно до 28.12.2026" in text
    assert "Иванов Иван Иванович" in text


def test_quote_lists_every_line_with_its_figures_as_given():
    text = pdf_text(render_quote_pdf(make_doc()))

    for name in ("Вал ступенчатый", "Втулка переходная", "Фланец приварной"):
        assert name in text
    for total in ("35 372,07", "17 080,00", "20 050,50"):
        assert total in text
    # Printed with the Decimal's own digits: no rounding to 2 places, no padding.
    assert "11,098" in text
    assert "7,5" in text
    assert "ВЛ-01.02.003" in text
    assert "40Х" in text


def test_quote_totals_and_vat_rate_as_percent():
    text = pdf_text(render_quote_pdf(make_doc()))

    assert "Итого без НДС: 59 428,34 ₽" in text
    assert "НДС 22%: 13 074,23 ₽" in text
    assert "Всего с НДС: 72 502,57 ₽" in text


def test_other_vat_rate_is_shown_as_its_percent():
    text = pdf_text(render_quote_pdf(make_doc(vat_rate=D("0.20"))))

    assert "НДС 20%" in text


def test_optional_fields_may_be_absent():
    doc = make_doc(valid_until=None, manager_name=None, customer_kpp=None, customer_address=None)

    text = pdf_text(render_quote_pdf(doc))

    assert "действительно" not in text
    assert "КПП" not in text
    assert "Всего с НДС: 72 502,57 ₽" in text


def test_quote_without_lines_still_renders():
    doc = make_doc(lines=(), net=D("0.00"), vat=D("0.00"), total=D("0.00"))

    assert "Всего с НДС: 0,00 ₽" in pdf_text(render_quote_pdf(doc))


def test_page_is_a4():
    page = PdfReader(io.BytesIO(render_quote_pdf(make_doc()))).pages[0]

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


# --- long tables and long text -----------------------------------------------------------


def test_long_quote_spans_pages_and_repeats_the_table_header():
    pages = page_texts(render_quote_pdf(make_doc(lines=many_lines(120))))

    assert len(pages) >= 3
    for page in pages:
        if "Вал ступенчатый поз." in page:
            assert "Наименование" in page  # the heading row is repeated on every table page
    assert f"стр. {len(pages)} из {len(pages)}" in pages[-1]
    text = " ".join(pages)
    assert "Всего с НДС: 72 502,57 ₽" in text
    assert all(f"поз. {n}" in text for n in (1, 60, 120))


def test_long_name_wraps_within_its_cell():
    name = "Вал ступенчатый с длинным описанием исполнения " * 8 + "Ж" * 150
    doc = make_doc(lines=(dataclasses.replace(LINES[0], name=name),))

    text = pdf_text(render_quote_pdf(doc))

    # Wrapping splits the words over lines; with whitespace removed the whole name is there.
    assert "".join(name.split()) in "".join(text.split())
    assert "35 372,07" in text


def test_name_too_long_for_one_page_is_clipped_not_an_error():
    doc = make_doc(lines=(dataclasses.replace(LINES[0], name="Вал " * 5000),))

    text = pdf_text(render_quote_pdf(doc))

    assert "…" in text
    assert "Всего с НДС: 72 502,57 ₽" in text


# --- hostile input ---------------------------------------------------------------------------


def test_hostile_text_is_printed_literally():
    script = "<script>alert(1)</script>"
    doc = make_doc(
        customer_name="'); DROP TABLE orders;--",
        customer_address='"Склад" <b>&amp; {nb} **жирный**',
        manager_name=script,
        lines=(dataclasses.replace(LINES[0], name=script, drawing_no="'); DROP TABLE x;--"),),
    )

    text = pdf_text(render_quote_pdf(doc))

    assert "'); DROP TABLE orders;--" in text
    assert '"Склад" <b>&amp; {nb} **жирный**' in text  # no markup, no page-count alias
    assert f"Менеджер: {script}" in text
    # In the narrow name column the text wraps: compare without the line breaks.
    assert text.replace(" ", "").count(script) == 2


def test_characters_the_font_lacks_become_question_marks():
    doc = make_doc(
        customer_name="ООО «Ракета» 🚀",  # U+1F680: not in DejaVu Sans
        manager_name="Петров\x00\ud800 П.",  # NUL and a lone surrogate
        lines=(dataclasses.replace(LINES[0], name="Вал 🦀 ступенчатый"),),
    )

    text = pdf_text(render_quote_pdf(doc))

    assert "ООО «Ракета» ?" in text
    assert "Вал ? ступенчатый" in text
    assert "Петров?? П." in text


# --- determinism and formatting ------------------------------------------------------------


def test_same_document_gives_same_bytes():
    assert render_quote_pdf(make_doc()) == render_quote_pdf(make_doc())


def test_issue_date_is_the_creation_date():
    reader = PdfReader(io.BytesIO(render_quote_pdf(make_doc())))

    assert reader.metadata.creation_date.date() == date(2026, 11, 28)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234567.89", "1 234 567,89"),
        ("72502.57", "72 502,57"),
        ("0.10", "0,10"),
        ("999.999", "999,999"),
        ("-1500.5", "-1 500,5"),
        ("1E+3", "1 000"),
    ],
)
def test_format_amount_keeps_the_decimal_digits(value, expected):
    assert format_amount(D(value)) == expected


def test_format_amount_refuses_floats():
    with pytest.raises(TypeError):
        format_amount(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rate", "expected"), [("0.2200", "22"), ("0.20", "20"), ("0.1", "10"), ("0.055", "5,5")]
)
def test_format_percent(rate, expected):
    assert format_percent(D(rate)) == expected


def test_format_date():
    assert format_date(date(2026, 1, 5)) == "05.01.2026"


def test_documents_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_doc().total = D("1")  # type: ignore[misc]
