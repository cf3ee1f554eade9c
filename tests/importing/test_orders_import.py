"""The orders register into the demo plant: a messy legacy file, every bad row reported with its
row, column and reason, whole orders or nothing, new grades and customers, no notifications,
idempotence, updates, and the access rules of the data layer."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from files import Book, Formula, Serial
from import_helpers import fingerprint, one, rows, run_import

from ingest.access import PermissionDeniedError
from zakaz.inn import make_org_inn

HEADER = ["№ заказа", "Дата заказа", "Контрагент", "ИНН", "Статус", "Менеджер", "№ поз.",
          "Чертёж", "Наименование", "Марка стали", "Масса, кг", "Кол-во, шт",
          "Цена за ед. без НДС"]  # fmt: skip
NEW_INN = make_org_inn(random.Random(71), region="50")
OTHER_INN = make_org_inn(random.Random(72), region="52")


def demo_product(store):
    sql = (
        "SELECT p.drawing_no, p.name, m.grade, p.blank_shape FROM products p "
        "JOIN materials m ON m.id = p.material_id ORDER BY p.id LIMIT 1"
    )
    return rows(store, sql)[0]


def demo_customer(store):
    return rows(store, "SELECT name, inn FROM customers ORDER BY id LIMIT 1")[0]


def register(store) -> bytes:
    drawing, _, _, _ = demo_product(store)
    customer_name, _ = demo_customer(store)
    book = Book()
    sheet = book.sheet("Реестр")
    sheet.title("Реестр заказов 2025", "(выгрузка из Excel отдела продаж)")
    sheet.header(HEADER, groups=[("Заказ", 0, 5), ("Позиция", 6, 12)])
    sheet.rows([
        # 1: two good lines, a new customer, a status variant, a grade typed in Latin letters
        ["ИМ-1", "15.03.2025", "ООО «Новый заказчик»", NEW_INN, "В производстве", "Иванов Д.А.",
         1, "Д-1", "Вал", "40Х", "12,5", "10", "1 234,50 руб."],
        [Formula('=HYPERLINK("http://crm/ИМ-1";"ИМ-1")', "ИМ-1"), None, None, None, None, None,
         2, "Д-2", "Втулка", "12X18H10T", 3, 5, 999],
        # 2: an unknown grade (a new material for procurement), a serial date, a login
        ["ИМ-2", Serial(date(2025, 4, 1)), "ООО «Новый заказчик»", NEW_INN, "Отгружен", "ivanov",
         1, None, "Фланец", "ЭП-999", 7, 3, 500],
        # 3: a negative quantity in line 2 rejects the whole order
        ["ИМ-3", date(2025, 5, 5), customer_name, None, "Новый", None, 1, None, "Ось", "45", 2,
         1, 100],
        ["ИМ-3", date(2025, 5, 5), customer_name, None, "Новый", None, 2, None, "Ось", "45", 2,
         -4, 100],
        # 4: a wrong ИНН checksum
        ["ИМ-4", "01.06.2025", "ЗАО «Ошибка»", "7707083894", "Закрыт", None, 1, None, "Палец",
         "45", 1, 1, 10],
        # 5: an unknown status
        ["ИМ-5", "01.06.2025", customer_name, None, "В пути", None, 1, None, "Палец", "45", 1, 1,
         10],
        # 6: text in a numeric column
        ["ИМ-6", "01.06.2025", customer_name, None, "Согласован", None, 1, None, "Палец", "45",
         1, "много", 10],
        # 7: the same line number twice
        ["ИМ-7", "01.07.2025", customer_name, None, "Согласован", None, 1, None, "Палец", "45",
         1, 1, 10],
        ["ИМ-7", "01.07.2025", customer_name, None, "Согласован", None, 1, None, "Шайба", "45",
         1, 1, 10],
        # 8: a catalog drawing fills the line's name, grade and blank; no price (list price)
        ["ИМ-8", "02.07.2025", customer_name, None, "КП отправлено", None, 1, drawing, None,
         None, None, 4, None],
    ])  # fmt: skip
    sheet.blank_row()
    sheet.totals("Итого", col=0, value_col=11, value=23)
    book.hidden("Справочник", [["Статусы"], ["Новый"], ["Закрыт"]])
    return book.xlsx()


def counts(store) -> dict[str, int]:
    tables = ("orders", "order_lines", "status_events", "tasks", "notification_outbox",
              "customers", "materials")  # fmt: skip
    return {t: one(store, f"SELECT count(*) FROM {t}") for t in tables}


def test_a_messy_register_goes_in_row_by_row(demo_plant):
    before = counts(demo_plant)
    result = run_import(demo_plant, register(demo_plant), "реестр.xlsx", "orders", "sokolova")
    assert (result.imported, result.updated, result.skipped) == (4, 0, 0)
    reasons = {(e.row, e.column): e.reason for e in result.rejected}
    # Excel row numbers: title 1-2, empty 3, groups 4, header 5, data from 6.
    assert reasons[(10, "Позиция / Кол-во, шт")] == "отрицательное количество"
    assert reasons[(9, "Заказ / № заказа")] == "заказ ИМ-3 не импортирован: ошибка в строке 10"
    assert reasons[(11, "Заказ / ИНН")] == "неверная контрольная сумма ИНН"
    assert reasons[(12, "Заказ / Статус")].startswith("неизвестный статус «В пути»")
    assert reasons[(13, "Позиция / Кол-во, шт")] == "не число: «много»"
    assert reasons[(15, "Позиция / № поз.")] == "дубликат ключа: строка 14"
    assert reasons[(14, "Заказ / № заказа")].startswith("заказ ИМ-7 не импортирован")
    assert result.rejected_rows == [9, 10, 11, 12, 13, 14, 15]
    assert dict(result.ignored)[18] == "итоговая строка"

    after = counts(demo_plant)
    assert after["orders"] == before["orders"] + 3
    assert after["order_lines"] == before["order_lines"] + 4
    assert after["customers"] == before["customers"] + 1
    assert after["materials"] == before["materials"] + 1
    # Legacy orders wake nobody up: no status events, no tasks, no e-mails.
    for table in ("status_events", "tasks", "notification_outbox"):
        assert after[table] == before[table]


def test_what_the_imported_orders_hold(demo_plant):
    run_import(demo_plant, register(demo_plant), "реестр.xlsx", "orders", "sokolova")
    _, product_name, product_grade, product_shape = demo_product(demo_plant)
    got = rows(demo_plant, """
        SELECT o.number, o.status, o.need_date, c.name, c.inn, u.login, l.line_no, l.name,
               m.grade, l.blank_shape, l.weight_kg, l.quantity, l.fixed_unit_price, l.product_id
        FROM orders o JOIN customers c ON c.id = o.customer_id
        LEFT JOIN users u ON u.id = o.sales_manager_id
        JOIN order_lines l ON l.order_id = o.id JOIN materials m ON m.id = l.material_id
        WHERE o.number LIKE 'ИМ-%' ORDER BY o.number, l.line_no""")  # fmt: skip
    assert [g[:13] for g in got[:3]] == [
        ("ИМ-1", "production", date(2025, 3, 15), "ООО «Новый заказчик»", NEW_INN, "ivanov", 1,
         "Вал", "40Х", "weight", Decimal("12.500"), 10, Decimal("1234.50")),
        ("ИМ-1", "production", date(2025, 3, 15), "ООО «Новый заказчик»", NEW_INN, "ivanov", 2,
         "Втулка", "12Х18Н10Т", "weight", Decimal("3.000"), 5, Decimal("999.00")),
        ("ИМ-2", "shipped", date(2025, 4, 1), "ООО «Новый заказчик»", NEW_INN, "ivanov", 1,
         "Фланец", "ЭП-999", "weight", Decimal("7.000"), 3, Decimal("500.00")),
    ]  # fmt: skip
    catalog = got[3]
    assert catalog[0] == "ИМ-8" and catalog[1] == "quote_sent"
    assert (catalog[7], catalog[8], catalog[9]) == (product_name, product_grade, product_shape)
    assert catalog[12] is None and catalog[13] is not None  # priced by the list, from the catalog
    # The unknown grade waits for procurement; the order's number is kept as in the file.
    assert rows(demo_plant, "SELECT density_kg_m3, needs_review FROM materials "
                            "WHERE grade = 'ЭП-999'") == [(None, True)]  # fmt: skip
    audit = rows(demo_plant, "SELECT a.field, a.new_value FROM audit_log a JOIN orders o "
                             "ON o.id = a.entity_id WHERE a.entity = 'order' AND o.number = 'ИМ-1' "
                             "ORDER BY a.field")  # fmt: skip
    assert audit == [("lines", "2"), ("number", "ИМ-1"), ("source", "import")]
    assert one(demo_plant, "SELECT count(*) FROM import_runs WHERE kind = 'orders'") == 1


def test_the_same_file_twice_changes_nothing(demo_plant):
    data = register(demo_plant)
    run_import(demo_plant, data, "реестр.xlsx", "orders", "sokolova")
    stored = fingerprint(demo_plant)
    again = run_import(demo_plant, data, "реестр.xlsx", "orders", "sokolova")
    assert (again.imported, again.updated, again.skipped) == (0, 0, 4)
    assert again.rejected_rows == [9, 10, 11, 12, 13, 14, 15]
    assert fingerprint(demo_plant) == stored  # not even an audit or import_runs row


def test_a_changed_line_is_updated_and_audited(demo_plant):
    run_import(demo_plant, register(demo_plant), "реестр.xlsx", "orders", "sokolova")
    version = one(demo_plant, "SELECT version FROM orders WHERE number = 'ИМ-1'")
    book = Book()
    book.sheet("Реестр").rows([
        HEADER,
        ["ИМ-1", "15.03.2025", "ООО «Новый заказчик»", NEW_INN, "В производстве", "Иванов Д.А.",
         1, "Д-1", "Вал", "40Х", "12,5", "12", "1 234,50 руб."],
        ["ИМ-1", "15.03.2025", "ООО «Новый заказчик»", NEW_INN, "В производстве", "Иванов Д.А.",
         3, "Д-3", "Кольцо", "40Х", 1, 2, 50],
    ])  # fmt: skip
    result = run_import(demo_plant, book.xlsx(), "правка.xlsx", "orders", "sokolova")
    assert (result.imported, result.updated, result.skipped, result.rejected) == (1, 1, 0, [])
    assert rows(demo_plant, "SELECT l.line_no, l.quantity FROM order_lines l JOIN orders o "
                            "ON o.id = l.order_id WHERE o.number = 'ИМ-1' ORDER BY 1") == [
        (1, 12), (2, 5), (3, 2)]  # fmt: skip
    assert one(demo_plant, "SELECT version FROM orders WHERE number = 'ИМ-1'") == version + 1
    assert rows(demo_plant, "SELECT a.old_value, a.new_value FROM audit_log a "
                            "WHERE a.entity = 'order_line' AND a.field = 'quantity'") == [
        ("10", "12")]  # fmt: skip


def test_an_order_living_in_the_app_keeps_its_status(demo_plant):
    number, _, customer = rows(demo_plant, """
        SELECT o.number, o.status, c.inn FROM orders o JOIN customers c ON c.id = o.customer_id
        WHERE o.status = 'need' AND EXISTS (SELECT 1 FROM status_events e WHERE e.order_id = o.id)
        ORDER BY o.id LIMIT 1""")[0]  # fmt: skip
    need_date = one(demo_plant, "SELECT need_date FROM orders WHERE number = ?", [number])
    stored = fingerprint(demo_plant)
    book = Book()
    book.sheet("Лист1").rows([
        ["№ заказа", "Дата", "ИНН", "Статус", "№ поз.", "Кол-во", "Наименование"],
        [number, need_date, customer, "Закрыт", 1, 1, "Вал"],
    ])  # fmt: skip
    result = run_import(demo_plant, book.xlsx(), "статусы.xlsx", "orders", "sokolova")
    assert [e.reason for e in result.rejected] == [
        f"заказ {number} уже ведётся в системе: статус меняется только в карточке заказа"
    ]
    assert fingerprint(demo_plant) == stored


def test_a_sales_manager_imports_only_own_orders(demo_plant):
    book = Book()
    book.sheet("Лист1").rows([
        ["№ заказа", "Дата", "Заказчик", "ИНН", "Менеджер", "Кол-во", "Наименование", "Марка",
         "Масса"],
        ["СВ-1", "01.02.2026", "ООО «Своё»", OTHER_INN, "ivanov", 1, "Вал", "45", 2],
        ["ЧУ-1", "01.02.2026", "ООО «Своё»", OTHER_INN, "Соколова М.В.", 1, "Вал", "45", 2],
        ["БМ-1", "01.02.2026", "ООО «Своё»", OTHER_INN, None, 1, "Вал", "45", 2],
    ])  # fmt: skip
    result = run_import(demo_plant, book.xlsx(), "мои.xlsx", "orders", "ivanov")
    assert [(e.row, e.reason) for e in result.rejected] == [
        (3, "нет доступа: заказ ЧУ-1 — не ваш заказ")
    ]
    managers = rows(demo_plant, "SELECT o.number, u.login FROM orders o JOIN users u "
                                "ON u.id = o.sales_manager_id WHERE o.number IN ('СВ-1', 'БМ-1') "
                                "ORDER BY 1")  # fmt: skip
    assert managers == [("БМ-1", "ivanov"), ("СВ-1", "ivanov")]  # no manager: the importer


def test_price_columns_need_the_prices_group(demo_plant):
    """An administrator writes order headers but only reads prices (the default matrix)."""
    with pytest.raises(PermissionDeniedError, match="не может изменять «цены и КП»"):
        run_import(demo_plant, register(demo_plant), "реестр.xlsx", "orders", "admin")
    book = Book()
    book.sheet("Лист1").rows([
        ["№ заказа", "Дата", "ИНН", "Заказчик", "Кол-во", "Наименование", "Марка", "Масса"],
        ["АД-1", "01.02.2026", OTHER_INN, "ООО «Без цен»", 1, "Вал", "45", 2],
    ])  # fmt: skip
    result = run_import(demo_plant, book.xlsx(), "без-цен.xlsx", "orders", "admin")
    assert (result.imported, result.rejected) == (1, [])


@pytest.mark.parametrize("login", ["volkova", "pavlov", "makarova"])
def test_roles_that_cannot_write_orders_are_refused(demo_plant, login):
    stored = fingerprint(demo_plant)
    with pytest.raises(PermissionDeniedError, match="Импорт «Реестр заказов"):
        run_import(demo_plant, register(demo_plant), "реестр.xlsx", "orders", login)
    assert fingerprint(demo_plant) == stored


def test_conflicting_order_columns_reject_the_order(demo_plant):
    book = Book()
    book.sheet("Лист1").rows([
        ["№ заказа", "Дата", "ИНН", "Заказчик", "Кол-во", "Наименование", "Марка", "Масса"],
        ["КФ-1", "01.02.2026", OTHER_INN, "ООО «Один»", 1, "Вал", "45", 2],
        ["КФ-1", "03.02.2026", OTHER_INN, "ООО «Один»", 1, "Ось", "45", 2],
        ["КФ-2", None, OTHER_INN, "ООО «Один»", 1, "Ось", "45", 2],
    ])  # fmt: skip
    result = run_import(demo_plant, book.xlsx(), "конфликт.xlsx", "orders", "sokolova")
    assert sorted((e.row, e.column, e.reason) for e in result.rejected) == [
        (2, "№ заказа", "заказ КФ-1 не импортирован: ошибка в строке 3"),
        (3, "Дата", "отличается от строки 2 того же заказа"),
        (4, "Дата", "дата заказа не заполнена"),
    ]
    assert result.imported == 0


def test_an_unknown_customer_without_a_name_is_rejected(demo_plant):
    book = Book()
    book.sheet("Лист1").rows([
        ["№ заказа", "Дата", "ИНН", "Кол-во", "Наименование", "Марка", "Масса"],
        ["НК-1", "01.02.2026", OTHER_INN, 1, "Вал", "45", 2],
    ])  # fmt: skip
    parsed_rows = run_import(demo_plant, book.xlsx(), "x.xlsx", "orders", "sokolova").rejected
    assert [(e.column, e.reason) for e in parsed_rows] == [
        ("Заказчик", f"заказчика с ИНН {OTHER_INN} нет, а наименования для нового нет")
    ]


def test_a_rejected_order_adds_no_customer_and_no_grade(demo_plant):
    """Customers and grades are made on the way through an order; its rejection undoes them."""
    stored = fingerprint(demo_plant)
    book = Book()
    book.sheet("Лист1").rows([
        ["№ заказа", "Дата", "ИНН", "Заказчик", "Менеджер", "Кол-во", "Наименование", "Марка",
         "Масса"],
        ["ОТ-1", "01.02.2026", OTHER_INN, "ООО «Откат»", "Неизвестный И.И.", 1, "Вал", "ЭП-771",
         2],
        ["ОТ-2", "01.02.2026", NEW_INN, "ООО «Откат-2»", None, 1, "Вал", "ЭП-772", 2],
        ["ОТ-2", "01.02.2026", NEW_INN, "ООО «Откат-2»", None, 1, "Ось", None, 2],
    ])  # fmt: skip
    result = run_import(demo_plant, book.xlsx(), "откат.xlsx", "orders", "sokolova")
    assert sorted((e.row, e.reason) for e in result.rejected) == [
        (2, "пользователь «Неизвестный И.И.» не найден (логин, ФИО или «Фамилия И.О.»)"),
        (3, "заказ ОТ-2 не импортирован: ошибка в строке 4"),
        (4, "марка материала не указана"),
    ]
    assert result.notes == []
    assert fingerprint(demo_plant) == stored
