"""Customers, the product catalog, the material price list and the payments register: natural
keys, what an update may change, the rules that protect stored figures, and access."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from demo_clock import DEMO_AS_OF
from files import Book, csv_bytes
from import_helpers import fingerprint, one, rows, run_import

from ingest.access import PermissionDeniedError
from zakaz.inn import make_org_inn
from zakaz.money import rub
from zakaz.reference import material_grades

INNS = [make_org_inn(random.Random(n), region="66") for n in range(5)]


# --- Customers -------------------------------------------------------------------------------


def customers_file(*data: list) -> bytes:
    return csv_bytes([["Справочник контрагентов"], [],
                      ["Наименование организации", "ИНН", "КПП", "Юр. адрес", "Телефон"],
                      *data], encoding="cp1251")  # fmt: skip


def test_customers_new_updated_unchanged_and_refused(empty_plant):
    first = customers_file(
        ["ООО «Альфа»", INNS[0], "660101001", "Екатеринбург", "+7 343 000-00-00"],
        ["ООО «Бета»", INNS[1], "", "", ""],
    )
    result = run_import(empty_plant, first, "контрагенты.csv", "customers", "sokolova")
    assert (result.imported, result.updated, result.skipped, result.rejected) == (2, 0, 0, [])
    second = customers_file(
        ["ООО «Альфа»", INNS[0], "", "", ""],  # empty cells never erase stored values
        ["ООО «Бета-2»", INNS[1], "660201001", "", ""],  # renamed, КПП added
        ["", INNS[2], "", "", ""],  # a new ИНН without a name
        ["ООО «Гамма»", "6601234567", "", "", ""],  # a wrong checksum
        ["ООО «Дельта»", INNS[3], "12345", "", ""],  # a malformed КПП
        ["ООО «Дубль»", INNS[1], "", "", ""],  # the same ИНН again in this file
    )
    result = run_import(empty_plant, second, "контрагенты.csv", "customers", "sokolova")
    assert (result.imported, result.updated, result.skipped) == (0, 1, 1)
    assert sorted((e.row, e.column, e.reason) for e in result.rejected) == [
        (6, "Наименование организации", "наименование не заполнено (новый заказчик)"),
        (7, "ИНН", "неверная контрольная сумма ИНН"),
        (8, "КПП", "КПП — 9 знаков (например 770101001)"),
        (9, "ИНН", "дубликат ключа: строка 5"),
    ]
    sql = "SELECT name, kpp, address FROM customers WHERE inn = ?"
    assert rows(empty_plant, sql, [INNS[0]]) == [("ООО «Альфа»", "660101001", "Екатеринбург")]
    assert rows(empty_plant, sql, [INNS[1]]) == [("ООО «Бета-2»", "660201001", None)]
    changes = rows(
        empty_plant,
        "SELECT field, old_value, new_value FROM audit_log "
        "WHERE entity = 'customer' AND action = 'update' ORDER BY field",
    )
    assert changes == [("kpp", None, "660201001"), ("name", "ООО «Бета»", "ООО «Бета-2»")]


def test_contact_columns_need_the_contacts_group(empty_plant):
    """An administrator writes names and ИНН (header) but only reads contacts."""
    data = customers_file(["ООО «Альфа»", INNS[0], "660101001", "", ""])
    with pytest.raises(PermissionDeniedError, match="контакты заказчика"):
        run_import(empty_plant, data, "к.csv", "customers", "admin")
    names_only = csv_bytes([["Контрагент", "ИНН"], ["ООО «Альфа»", INNS[0]]])
    assert run_import(empty_plant, names_only, "к.csv", "customers", "admin").imported == 1


# --- Products --------------------------------------------------------------------------------


def test_catalog_items_with_blanks_and_new_grades(empty_plant):
    book = Book()
    book.sheet("Каталог").rows([
        ["Обозначение", "Наименование", "Материал", "Заготовка", "Диаметр, мм", "Длина, мм",
         "Масса, кг", "Коэф. сложности"],
        ["ВЗ-1.001", "Вал", "40Х", "круг", 60, 500, None, "2,5"],
        ["ВЗ-1.002", "Плита", "09Г2С", None, None, None, 42.5, None],  # a mass alone: by weight
        ["ВЗ-1.003", "Корпус", "ЭИ-961Ш", "лист", 10, None, None, 1],  # sheet without sizes
        ["ВЗ-1.004", "Ось", "ВТ22", None, 30, 200, None, 1],  # round from its sizes; new grade
        ["ВЗ-1.005", None, "45", "круг", 30, 200, None, 1],  # a new item needs a name
        ["ВЗ-1.006", "Втулка", "45", "овал", 30, 200, None, 1],
    ])  # fmt: skip
    result = run_import(empty_plant, book.xlsx(), "каталог.xlsx", "products", "sokolova")
    assert result.imported == 3
    assert sorted((e.row, e.column, e.reason) for e in result.rejected) == [
        (4, "Длина, мм", "для заготовки «лист» не заполнено"),
        (6, "Наименование", "наименование не заполнено (новое изделие)"),
        (7, "Заготовка", "неизвестная форма заготовки «овал»; допустимы: круг, шестигранник, "
                         "лист, труба, масса"),
    ]  # fmt: skip
    assert rows(empty_plant, "SELECT p.drawing_no, m.grade, p.blank_shape, p.diameter_mm, "
                             "p.weight_kg, p.default_complexity FROM products p "
                             "JOIN materials m ON m.id = p.material_id ORDER BY 1") == [
        ("ВЗ-1.001", "40Х", "round", Decimal("60.000"), None, Decimal("2.500")),
        ("ВЗ-1.002", "09Г2С", "weight", None, Decimal("42.500"), Decimal("1.000")),
        ("ВЗ-1.004", "ВТ22", "round", Decimal("30.000"), None, Decimal("1.000")),
    ]  # fmt: skip
    assert rows(empty_plant, "SELECT grade FROM materials WHERE needs_review") == [("ВТ22",)]
    assert any("ВТ22" in note for note in result.notes)
    again = run_import(empty_plant, book.xlsx(), "каталог.xlsx", "products", "sokolova")
    assert (again.imported, again.updated, again.skipped) == (0, 0, 3)


# --- Material prices -------------------------------------------------------------------------


def price_list(*data: list) -> bytes:
    return csv_bytes([["Марка стали", "Группа", "Плотность, кг/м3", "Цена, руб/кг без НДС",
                       "Действует с"], *data])  # fmt: skip


def test_price_list_history_for_a_new_plant(empty_plant):
    data = price_list(
        ["40Х", "", "", "95,00", "01.01.2024"],  # history before the reference price
        ["40Х", "", "", "99,50", "01.01.2027"],  # a future price
        ["ЭП-679", "Нержавеющая сталь", "7900", "410", "01.06.2026"],  # a new complete grade
        ["ЭП-680", "", "", "", ""],  # a new grade without density: for procurement
        ["40Х", "", "", "96", "01.01.2024"],  # the same key twice
        ["45", "", "7850", "", ""],  # the density of a reviewed grade stays
        ["20", "", "", "-5", "01.01.2027"],
        ["20", "", "", "5", ""],
    )
    result = run_import(empty_plant, data, "прайс.csv", "materials", "volkova")
    assert (result.imported, result.updated, result.skipped) == (4, 0, 1)
    assert sorted((e.row, e.reason) for e in result.rejected) == [
        (6, "дубликат ключа: строка 2"),
        (8, "отрицательное число"),
        (9, "дата начала действия цены не заполнена"),
    ]
    assert rows(empty_plant, "SELECT m.grade, m.category, m.density_kg_m3, m.needs_review "
                             "FROM materials m WHERE m.grade LIKE 'ЭП-%' ORDER BY 1") == [
        ("ЭП-679", "stainless_steel", Decimal("7900.000"), False),
        ("ЭП-680", None, None, True),
    ]  # fmt: skip
    assert rows(empty_plant, "SELECT p.valid_from, p.price_per_kg FROM material_prices p "
                             "JOIN materials m ON m.id = p.material_id WHERE m.grade = '40Х' "
                             "ORDER BY 1") == [
        (date(2024, 1, 1), Decimal("95.00")), (date(2026, 1, 1), list_price("40Х")),
        (date(2027, 1, 1), Decimal("99.50")),
    ]  # fmt: skip


def list_price(grade: str) -> Decimal:
    return next(g.price_per_kg for g in material_grades() if g.grade == grade)


def test_a_reviewed_density_is_not_changed(empty_plant):
    data = price_list(["45", "", "7000", "", ""])
    result = run_import(empty_plant, data, "прайс.csv", "materials", "volkova")
    assert [e.reason for e in result.rejected] == [
        "плотность проверенной марки импортом не меняется (по ней взвешены заказы)"
    ]


def test_a_back_dated_price_would_reprice_costed_orders(demo_plant):
    grade, need_date = rows(demo_plant, """
        SELECT m.grade, max(o.need_date) FROM order_lines l JOIN orders o ON o.id = l.order_id
        JOIN materials m ON m.id = l.material_id WHERE l.price_per_kg IS NULL
        GROUP BY m.grade ORDER BY count(*) DESC LIMIT 1""")[0]  # fmt: skip
    stored = fingerprint(demo_plant)
    day = (need_date - timedelta(days=1)).strftime("%d.%m.%Y")
    result = run_import(demo_plant, price_list([grade, "", "", "1", day]), "п.csv", "materials",
                        "morozov")  # fmt: skip
    assert len(result.rejected) == 1
    assert result.rejected[0].reason.startswith(f"цена с прошедшей даты {day} изменила бы суммы")
    assert fingerprint(demo_plant) == stored
    future = (DEMO_AS_OF + timedelta(days=30)).strftime("%d.%m.%Y")
    ok = run_import(demo_plant, price_list([grade, "", "", "1", future]), "п.csv", "materials",
                    "morozov")  # fmt: skip
    assert (ok.imported, ok.rejected) == (1, [])


def test_only_procurement_writes_the_price_list(empty_plant):
    with pytest.raises(PermissionDeniedError, match="снабжение"):
        run_import(empty_plant, price_list(["45", "", "", "1", "01.01.2027"]), "п.csv",
                   "materials", "sokolova")  # fmt: skip


# --- Payments --------------------------------------------------------------------------------


def open_invoice(store):
    """An invoice of the demo plant with something still unpaid."""
    return rows(store, """
        SELECT i.number, o.number, i.amount - coalesce(sum(p.amount), 0) AS unpaid
        FROM invoices i JOIN orders o ON o.id = i.order_id
        LEFT JOIN payments p ON p.invoice_id = i.id
        WHERE o.status <> 'cancelled'
        GROUP BY i.id, i.number, o.number, i.amount HAVING unpaid > 100 ORDER BY i.id LIMIT 1
    """)[0]  # fmt: skip


def payments_file(*data: list) -> bytes:
    return csv_bytes([["Реестр поступлений"], ["№ счёта", "Номер заказа", "Дата оплаты",
                                               "Сумма, руб", "ИНН плательщика", "№ п/п"],
                      *data], encoding="cp1251")  # fmt: skip


def test_payments_against_invoices_and_orders(demo_plant):
    invoice, order, unpaid = open_invoice(demo_plant)
    paid_before = one(demo_plant, "SELECT count(*) FROM payments")
    data = payments_file(
        [invoice, "", "20.11.2026", "100,00", "", "501"],
        ["", order, "21.11.2026", "1 000,00 руб.", "", ""],  # an order without an invoice
        [invoice, "З-1999-0001", "20.11.2026", "5", "", ""],  # the invoice is another order's
        ["999999", "", "20.11.2026", "5", "", ""],
        [invoice, "", "20.12.2026", "5", "", ""],  # in the future
        [invoice, "", "22.11.2026", str(unpaid + 1).replace(".", ","), "", ""],  # too much
        [invoice, "", "22.11.2026", "-5", "", ""],
        ["", "", "22.11.2026", "5", "", ""],
        [invoice, "", "20.11.2026", "100,00", "", "501"],  # the same payment twice in the file
        [invoice, "", "23.11.2026", "7", "7707083894", ""],  # the payer's ИНН is wrong
    )
    result = run_import(demo_plant, data, "оплаты.csv", "payments", "pavlov")
    assert (result.imported, result.updated, result.skipped) == (2, 0, 0)
    assert sorted((e.row, e.reason) for e in result.rejected) == [
        (5, f"счёт № {invoice} выставлен по заказу {order}"),
        (6, "счёт № 999999 не найден"),
        (7, "дата 20.12.2026 ещё не наступила"),
        (8, f"сумма {rub(unpaid + 1)} больше неоплаченного остатка счёта № {invoice}: "
            f"{rub(unpaid - 100)}"),
        (9, "отрицательная сумма"),
        (10, "не указан ни счёт, ни заказ"),
        (11, "дубликат ключа: строка 3"),
        (12, "неверная контрольная сумма ИНН"),
    ]  # fmt: skip
    assert one(demo_plant, "SELECT count(*) FROM payments") == paid_before + 2
    assert rows(demo_plant, "SELECT source, source_key FROM payments WHERE doc_no = '501' "
                            "AND source = 'import'") == [
        ("import", f"import:{invoice}||2026-11-20|100.00|501")]  # fmt: skip
    stored = fingerprint(demo_plant)
    again = run_import(demo_plant, data, "оплаты.csv", "payments", "pavlov")
    assert (again.imported, again.skipped) == (0, 2)
    assert fingerprint(demo_plant) == stored


def test_a_payment_already_in_from_the_bank_is_not_doubled(demo_plant):
    number, day, amount, doc_no = rows(demo_plant, """
        SELECT i.number, p.payment_date, p.amount, p.doc_no FROM payments p
        JOIN invoices i ON i.id = p.invoice_id WHERE p.source = 'bank' ORDER BY p.id LIMIT 1
    """)[0]  # fmt: skip
    data = payments_file([number, "", day.strftime("%d.%m.%Y"), str(amount), "", doc_no])
    result = run_import(demo_plant, data, "оплаты.csv", "payments", "pavlov")
    assert (result.imported, result.skipped, result.rejected) == (0, 1, [])


def test_only_finance_records_payments(demo_plant):
    invoice, _, _ = open_invoice(demo_plant)
    data = payments_file([invoice, "", "20.11.2026", "100,00", "", "501"])
    with pytest.raises(PermissionDeniedError, match="платежи"):
        run_import(demo_plant, data, "оплаты.csv", "payments", "sokolova")
