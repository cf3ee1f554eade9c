"""Reading files and finding the table: title blocks, merged and two-row headers, hidden sheets,
empty rows and columns, totals, numbering rows, repeated headers; .xlsx, .xls and .csv."""

from __future__ import annotations

from datetime import date

import pytest
from files import Book, Formula, Serial, csv_bytes

from ingest.importing.errors import ImportFileError
from ingest.importing.header import column_letter, find_table
from ingest.importing.mapping import auto_mapping
from ingest.importing.reader import decode_text, read_sheets, sniff_separator

HEADER = ["№ заказа", "Дата", "Заказчик", "ИНН", None, "№ поз.", "Наименование", "Марка",
          "Масса, кг", "Кол-во, шт", "Цена за ед. без НДС"]  # fmt: skip
LINE = ["З-1", "15.03.2026", "ООО «Ромашка»", "7707083893", None, 1, "Вал", "40Х", "12,5", 10,
        "1 234,50"]  # fmt: skip


def messy_book() -> Book:
    book = Book()
    book.hidden("Справочник", [HEADER, LINE])  # a hidden sheet with a table: not read
    sheet = book.sheet("Реестр")
    sheet.title("Реестр заказов ООО «Завод» за 2026 год", "Составил: отдел продаж")
    sheet.header(HEADER, groups=[("Заказ", 0, 3), ("Позиция", 5, 10)])
    sheet.put_row([1, 2, 3, 4, None, 6, 7, 8, 9, 10, 11])  # the form numbers its columns
    sheet.rows([
        LINE,
        [Formula('=HYPERLINK("http://crm/З-1","З-1")', "З-1"), Serial(date(2026, 3, 15)),
         "ООО «Ромашка»", 7707083893, None, 2, "Втулка", "12Х18Н10Т", 3.25, "5 шт",
         Formula("=100*9.99", 999.0)],
    ])  # fmt: skip
    sheet.blank_row(2)
    sheet.put_row(HEADER)  # the header again after a page break
    sheet.put_row(["З-2", date(2026, 4, 1), "ЗАО «Бета»", "7728168971", None, 1, "Фланец",
                   "Ст3сп", 7, 3, 500])  # fmt: skip
    sheet.totals("Итого", col=0, value_col=9, value=18)
    return book


def test_the_table_below_a_title_with_a_group_row_and_a_hidden_sheet():
    table = find_table(read_sheets(messy_book().xlsx(), "реестр.xlsx"), "orders")
    assert table.sheet == "Реестр"
    assert table.hidden_sheets == ("Справочник",)
    assert table.header_rows == (4, 5)  # the merged group row and the header row
    labels = [c.label for c in table.columns]
    assert labels[0] == "Заказ / № заказа" and labels[4] == "Позиция / № поз."
    assert "E" not in [c.letter for c in table.columns]  # the empty column between is dropped
    assert [n for n, _ in table.rows] == [7, 8, 12]
    reasons = dict(table.ignored)
    assert reasons[6] == "строка с номерами столбцов"
    assert reasons[11] == "повтор строки заголовков"
    assert reasons[13] == "итоговая строка"


def test_formulas_give_their_cached_values_and_dates_stay_dates():
    table = find_table(read_sheets(messy_book().xlsx(), "реестр.xlsx"), "orders")
    second = dict(zip([c.label for c in table.columns],
                      [table.rows[1][1][c.index] for c in table.columns], strict=True))  # fmt: skip
    assert second["Заказ / № заказа"] == "З-1"
    assert second["Позиция / Цена за ед. без НДС"] == 999.0
    assert table.rows[2][1][1] == date(2026, 4, 1)


def test_every_field_is_mapped_by_its_synonyms():
    table = find_table(read_sheets(messy_book().xlsx(), "реестр.xlsx"), "orders")
    mapping = auto_mapping("orders", table.columns)
    by_letter = {name: column_letter(index) for name, index in mapping.items()}
    assert by_letter == {
        "order_number": "A", "need_date": "B", "customer_name": "C", "customer_inn": "D",
        "line_no": "F", "name": "G", "material_grade": "H", "weight_kg": "I", "quantity": "J",
        "fixed_unit_price": "K",
    }  # fmt: skip


def test_xls_is_read_the_same_way():
    table = find_table(read_sheets(messy_book().xls(), "реестр.xls"), "orders")
    assert table.sheet == "Реестр" and table.hidden_sheets == ("Справочник",)
    assert [n for n, _ in table.rows] == [7, 8, 12]


def test_a_two_row_header_without_merges():
    """A header spread over two rows with blanks (a CSV keeps no merges)."""
    data = csv_bytes([
        ["Номер заказа", "Дата", "Количество", "Цена", ""],
        ["", "", "шт", "за ед. без НДС", "с НДС"],
        ["З-1", "01.02.2026", "4", "100", "122"],
    ])  # fmt: skip
    table = find_table(read_sheets(data, "r.csv"), "orders")
    assert table.header_rows == (1, 2)
    mapping = auto_mapping("orders", table.columns)
    assert column_letter(mapping["fixed_unit_price"]) == "D"  # "Цена за ед. без НДС", not "с НДС"
    assert column_letter(mapping["quantity"]) == "C"


def test_order_number_merged_down_its_lines_fills_every_line():
    book = Book()
    sheet = book.sheet("Лист1")
    sheet.header(["№ заказа", "Дата заказа", "Наименование", "Кол-во"])
    sheet.rows([[None, None, "Вал", 1], [None, None, "Ось", 2], [None, None, "Втулка", 3]])
    sheet.merge_down(0, 1, 3, "З-7").merge_down(1, 1, 3, "01.02.2026")
    table = find_table(read_sheets(book.xlsx(), "m.xlsx"), "orders")
    assert [cells[0] for _, cells in table.rows] == ["З-7", "З-7", "З-7"]


@pytest.mark.parametrize(("encoding", "sep", "bom"),
                         [("cp1251", ";", False), ("utf-8", ",", True), ("utf-8", "\t", False),
                          ("utf-8", ";", False)])  # fmt: skip
def test_csv_encodings_and_separators(encoding, sep, bom):
    rows = [["Реестр оплат"], [], ["Номер счёта", "Дата оплаты", "Сумма, руб"],
            ["17", "01.03.2026", "1 234,50"]]  # fmt: skip
    data = csv_bytes(rows, encoding=encoding, sep=sep, bom=bom)
    table = find_table(read_sheets(data, "оплаты.csv"), "payments")
    assert [c.label for c in table.columns] == ["Номер счёта", "Дата оплаты", "Сумма, руб"]
    assert table.rows == [(4, ["17", "01.03.2026", "1 234,50"])]


def test_decoding_and_sniffing():
    assert decode_text("Сумма".encode("cp1251")) == "Сумма"
    assert decode_text("\ufeffСумма".encode()) == "Сумма"
    assert sniff_separator('a;b;c\n1,5;2;"x;y"\n') == ";"
    assert sniff_separator("a,b,c\n1,2,3\n") == ","


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "x.xlsx", "пуст"),
        (b"PK\x03\x04 broken zip", "x.xlsx", "не читается как книга Excel"),
        (b"\x00\x01\x02", "x.csv", "не текстовый"),
        (b"%PDF-1.4", "x.pdf", "не поддерживается"),
        (csv_bytes([["Привет"], ["мир"]]), "x.csv", "не найдена строка заголовков"),
    ],
)
def test_unusable_files(data, name, reason):
    with pytest.raises(ImportFileError, match=reason):
        find_table(read_sheets(data, name), "orders")


def test_a_table_only_on_a_hidden_sheet_is_named():
    book = Book()
    book.sheet("Обложка").put_row(["Отчёт"])
    book.hidden("Данные", [HEADER, LINE])
    with pytest.raises(ImportFileError, match="скрытом листе «Данные»"):
        find_table(read_sheets(book.xlsx(), "x.xlsx"), "orders")


def test_the_best_sheet_wins():
    book = Book()
    book.sheet("Заметки").rows([["Заказ"], ["что-то"]])
    book.sheet("Реестр").rows([HEADER, LINE])
    assert find_table(read_sheets(book.xlsx(), "x.xlsx"), "orders").sheet == "Реестр"
