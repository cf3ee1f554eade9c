"""The import page in a real Streamlit run (AppTest) on the demo plant: kinds by role, preview
with the rejected rows, mapping saved per layout, import with good rows only or nothing.

AppTest cannot drive a file uploader: the tests put the file where the uploader's callback
puts it (st.session_state[UPLOAD_KEY], the page's documented seam); the rest runs for real."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
from files import Book
from import_helpers import one, rows
from streamlit.testing.v1 import AppTest

import dashboards
from dashboards.session import AUTH_KEY, SessionUser
from ingest.store import Store
from zakaz.inn import make_org_inn

PAGE = Path(dashboards.__file__).parent / "app_pages" / "admin" / "data_import.py"
UPLOAD_KEY = "data_import_upload"
INN = make_org_inn(random.Random(9), region="36")


def register() -> bytes:
    book = Book()
    book.sheet("Реестр").title("Реестр заказов").rows([
        ["№ заказа", "Дата", "ИНН", "Заказчик", "Статус", "Наименование", "Марка", "Масса",
         "Кол-во", "Цена"],
        ["СТ-1", "01.02.2026", INN, "ООО «Страница»", "Новый", "Вал", "45", 2, 3, 100],
        ["СТ-2", "01.02.2026", INN, "ООО «Страница»", "Новый", "Ось", "45", 2, -1, 100],
    ])  # fmt: skip
    return book.xlsx()


def page(demo_home, monkeypatch, login: str, upload: bytes | None = None,
         name: str = "реестр.xlsx") -> AppTest:  # fmt: skip
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    with Store.open(demo_home).read() as conn:
        uid, full_name, role, head = conn.execute(
            "SELECT id, full_name, role, is_head FROM users WHERE login = ?", [login]
        ).fetchone()
    user = SessionUser(int(uid), login, full_name, role, bool(head))
    at.session_state[AUTH_KEY] = {"user": user, "last_seen": datetime.now()}
    if upload is not None:
        at.session_state[UPLOAD_KEY] = {"name": name, "data": upload}
    return at.run()


def shown(text: str) -> str:
    """What a message element holds: store messages are Markdown-escaped (dashboards/ui)."""
    return text.replace("\\", "")


def errors_table(at: AppTest) -> list[dict]:
    frame = next(d.value for d in at.dataframe if "Причина" in d.value.columns)
    return frame.to_dict("records")


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize(
    ("login", "kinds"),
    [
        ("sokolova", ["customers", "products", "orders"]),
        ("volkova", ["materials"]),
        ("pavlov", ["payments"]),
        ("admin", ["customers", "products", "orders"]),
    ],
)
def test_the_kinds_a_role_may_import(demo_home, monkeypatch, login, kinds):
    at = page(demo_home, monkeypatch, login)
    clean(at)
    assert at.selectbox(key="data_import_kind").options == [
        {"customers": "Заказчики", "products": "Каталог изделий",
         "materials": "Прайс-лист материалов",
         "orders": "Реестр заказов (строка на позицию)",
         "payments": "Реестр платежей"}[k] for k in kinds
    ]  # fmt: skip
    assert "Выберите файл для импорта." in [c.value for c in at.caption]


def test_a_role_that_writes_nothing_is_told_so(demo_home, monkeypatch):
    at = page(demo_home, monkeypatch, "makarova")
    clean(at)
    assert [i.value for i in at.info] == [
        "Вашей роли не доступен импорт: ни один вид данных нельзя изменять."
    ]


def test_preview_then_import_the_good_rows(demo_home, monkeypatch):
    at = page(demo_home, monkeypatch, "sokolova", register())
    at.selectbox(key="data_import_kind").set_value("orders").run()
    clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Будет добавлено": "1", "Будет обновлено": "0", "Без изменений": "0",
                       "Отклонено строк": "1"}  # fmt: skip
    assert errors_table(at) == [
        {"Строка": 5, "Столбец": "Кол-во", "Причина": "отрицательное количество"}
    ]
    assert one(Store.open(demo_home), "SELECT count(*) FROM orders WHERE number LIKE 'СТ-%'") == 0

    at.button(key="data_import_run").click().run()
    clean(at)
    assert [s.value for s in at.success] == [
        "Импорт выполнен: добавлено 1, обновлено 0, без изменений 0, отклонено строк 1."
    ]
    sql = "SELECT number, status FROM orders WHERE number LIKE 'СТ-%'"
    assert rows(Store.open(demo_home), sql) == [("СТ-1", "need")]
    # The page now previews the same file as already imported.
    assert {m.label: m.value for m in at.metric}["Без изменений"] == "1"


def test_import_nothing_when_a_row_is_rejected(demo_home, monkeypatch):
    at = page(demo_home, monkeypatch, "sokolova", register())
    at.selectbox(key="data_import_kind").set_value("orders").run()
    at.radio(key="data_import_mode").set_value("nothing").run()
    at.button(key="data_import_run").click().run()
    clean(at)
    assert at.warning[0].value.startswith("Ничего не импортировано: отклонено строк 1")
    assert one(Store.open(demo_home), "SELECT count(*) FROM orders WHERE number LIKE 'СТ-%'") == 0


def test_unknown_headers_are_mapped_by_hand_and_remembered(demo_home, monkeypatch):
    book = Book()
    book.sheet("Лист1").rows([["Фирма", "Код"], ["ООО «Ручная»", INN]])
    at = page(demo_home, monkeypatch, "sokolova", book.xlsx(), "контрагенты.xlsx")
    clean(at)
    assert at.selectbox(key="data_import_kind").value == "customers"
    assert any("обязательные столбцы: «ИНН»" in shown(w.value) for w in at.warning)
    fields = {s.label: s for s in at.selectbox if s.key and s.key.startswith("data_import_field")}
    fields["ИНН *"].set_value(1)
    fields["Наименование"].set_value(0)
    at.button(key="FormSubmitter:data_import_mapping_form-Применить сопоставление").click().run()
    clean(at)
    assert {m.label: m.value for m in at.metric}["Будет добавлено"] == "1"
    store = Store.open(demo_home)
    assert rows(store, "SELECT kind, columns->>'inn', columns->>'name' FROM import_mappings") == [
        ("customers", "Код", "Фирма")
    ]
    at.button(key="data_import_run").click().run()
    clean(at)
    assert rows(store, "SELECT name FROM customers WHERE inn = ?", [INN]) == [("ООО «Ручная»",)]


def test_an_unusable_file_is_one_clear_message(demo_home, monkeypatch):
    at = page(demo_home, monkeypatch, "sokolova", b"PK\x03\x04 broken", "битый.xlsx")
    assert not at.exception
    assert len(at.error) == 1
    assert shown(at.error[0].value).startswith("файл «битый.xlsx» не читается как книга Excel")
