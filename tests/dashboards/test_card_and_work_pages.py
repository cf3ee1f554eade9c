"""The order card (tabs by role, refusals, figures) and the department work pages, driven through
AppTest; every action is proven by reading the store back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from apptest_helpers import assert_clean, errors
from apptest_work import (
    CARD,
    FINANCE,
    LOGISTICS,
    MATERIALS,
    PROCUREMENT,
    PRODUCTION,
    desk,
    metric,
    open_as,
    page_text,
    rows,
    scalar,
    submit,
    tab_labels,
    table,
    widget_keys,
)

from dashboards.i18n import translate
from dashboards.ui.format import money, pct
from ingest.service import economics, payments

ALL_TABS = ["Продажи", "Снабжение", "Логистика", "Календарь платежей", "Экономика"]


@pytest.fixture(autouse=True)
def _plant(demo_home, monkeypatch):
    """The store helpers read $ZAKAZ_HOME, which the tests query before opening the app."""
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))


def _ivanov_delivered_order() -> tuple[int, str, str]:
    """(id, number, customer) of an order of ivanov's with shipments, invoices and expenses."""
    return rows(
        "SELECT o.id, o.number, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE o.sales_manager_id = 3 AND o.status = 'delivered' "
        "AND EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id) "
        "AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id) "
        "AND EXISTS (SELECT 1 FROM order_expenses e WHERE e.order_id = o.id) "
        "AND EXISTS (SELECT 1 FROM procurement_records r WHERE r.order_id = o.id) "
        "ORDER BY o.id LIMIT 1"
    )[0]


def _order_in(status: str) -> tuple[int, str]:
    return rows(f"SELECT id, number FROM orders WHERE status = '{status}' ORDER BY id LIMIT 1")[0]


# --- The card: who sees which tab -------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "tabs"),
    [
        ("ivanov", ["Продажи", "Логистика", "Календарь платежей"]),
        ("sokolova", ["Продажи", "Логистика", "Календарь платежей"]),
        ("volkova", ["Продажи", "Снабжение"]),
        ("novikov", ["Продажи", "Снабжение"]),
        ("orlova", ["Продажи", "Логистика"]),
        ("pavlov", ALL_TABS),
        ("makarova", ALL_TABS),
        ("admin", ALL_TABS),
    ],
)
def test_card_shows_only_the_tabs_the_role_may_read(demo_home, monkeypatch, login, tabs):
    _, number, customer = _ivanov_delivered_order()
    at = open_as(demo_home, monkeypatch, login, CARD, order=number)
    assert_clean(at)
    assert tab_labels(at) == tabs
    assert metric(at, "Номер заказа") == number
    assert customer in page_text(at)
    assert "История изменений" in [e.label for e in at.expander]
    # Procurement's edit form only for those who may write procurement.
    editing = widget_keys(at, "card_proc_line")
    assert bool(editing) == (login == "volkova")
    # Economics figures (and nothing of payments) for production: none.
    if login == "novikov":
        assert "Фактическая себестоимость" not in [m.label for m in at.metric]
        assert "Не оплачено" not in [m.label for m in at.metric]


def test_sales_manager_sees_own_order_but_not_anothers_by_url(demo_home, monkeypatch):
    _, number, customer = _ivanov_delivered_order()
    at = open_as(demo_home, monkeypatch, "ivanov", CARD, order=number)
    assert_clean(at)
    assert customer in page_text(at)

    at = open_as(demo_home, monkeypatch, "petrova", CARD, order=number)
    assert not at.exception
    assert len(errors(at)) == 1 and "Нет доступа" in errors(at)[0]
    assert tab_labels(at) == []
    assert customer not in page_text(at)
    assert not at.metric


def test_unknown_number_is_a_clear_error(demo_home, monkeypatch):
    at = open_as(demo_home, monkeypatch, "pavlov", CARD, order="З-1999-9999")
    assert not at.exception
    assert errors(at) == ["Заказ З-1999-9999 не найден"]


def test_card_economics_equal_the_stores_figures(demo_home, monkeypatch):
    order_id, number, _ = _ivanov_delivered_order()
    at = open_as(demo_home, monkeypatch, "egorova", CARD, order=number)
    assert_clean(at)
    with desk("egorova").reading() as a:
        econ = economics.order_economics(a, order_id)
    assert econ["problem"] is None
    assert metric(at, "Фактическая себестоимость") == money(econ["actual_cost_price"])
    assert metric(at, "Фактическая прибыль") == money(econ["actual_profit"])
    assert metric(at, "Фактическая эффективность") == pct(econ["actual_efficiency_pct"])
    figures = {
        r["Показатель"]: (r["План"], r["Факт"]) for r in table(at, "Показатель", "План", "Факт")
    }
    assert figures["Себестоимость"] == (
        money(econ["planned_cost_price"]),
        money(econ["actual_cost_price"]),
    )
    assert figures["Прибыль"] == (money(econ["planned_profit"]), money(econ["actual_profit"]))
    assert figures["Материал"] == (
        money(econ["material_planned"]),
        money(econ["material_actual"]),
    )
    expenses = table(at, "Категория", "Кем")
    assert len(expenses) == scalar(
        "SELECT count(*) FROM order_expenses WHERE order_id = ?", [order_id]
    )


# --- Department pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "page"),
    [
        ("volkova", PROCUREMENT),
        ("volkova", MATERIALS),
        ("novikov", PRODUCTION),
        ("orlova", LOGISTICS),
        ("pavlov", FINANCE),
        ("admin", PROCUREMENT),
        ("admin", MATERIALS),
        ("admin", PRODUCTION),
        ("admin", LOGISTICS),
        ("admin", FINANCE),
    ],
)
def test_work_pages_render_for_their_roles(demo_home, monkeypatch, login, page):
    at = open_as(demo_home, monkeypatch, login, page)
    assert_clean(at)
    assert at.dataframe, "the page lists its work"
    if login == "admin" and page in (PROCUREMENT, MATERIALS):  # admin only reads procurement
        assert not [b for b in at.button if b.key and b.key.startswith("FormSubmitter:")]


def test_procurement_saves_a_line_record(demo_home, monkeypatch):
    at = open_as(demo_home, monkeypatch, "volkova", PROCUREMENT)
    assert_clean(at)
    line_id = at.selectbox(key="proc_work_line").value
    key = f"proc_work_{line_id}"
    at.text_input(key=f"{key}_supplier").input("ООО «Металлобаза **Урал**»")
    at.text_input(key=f"{key}_pprice").input("187,50")
    at.selectbox(key=f"{key}_status").set_value("received")
    at.date_input(key=f"{key}_ordered").set_value(date.today())
    # Refused (no receipt date for «получено»): the error shows, the form keeps what was typed.
    submit(at, f"{key}_form", "Сохранить")
    assert not at.exception
    assert len(errors(at)) == 1 and "дату получения" in errors(at)[0]
    assert at.text_input(key=f"{key}_supplier").value == "ООО «Металлобаза **Урал**»"
    assert scalar("SELECT supplier FROM procurement_records WHERE line_id = ?", [line_id]) != (
        "ООО «Металлобаза **Урал**»"
    )

    at.date_input(key=f"{key}_received").set_value(date.today())
    submit(at, f"{key}_form", "Сохранить")
    assert_clean(at)
    saved = rows(
        "SELECT supplier, planned_price_per_kg, status, ordered_date, received_date, updated_by "
        "FROM procurement_records WHERE line_id = ?",
        [line_id],
    )
    today = date.today()
    assert saved == [
        ("ООО «Металлобаза **Урал**»", Decimal("187.50"), "received", today, today, 10)
    ]
    assert (
        scalar("SELECT count(*) FROM audit_log WHERE entity = 'procurement' AND user_id = 10") >= 1
    )


def test_material_prices_sets_a_new_dated_price(demo_home, monkeypatch):
    at = open_as(demo_home, monkeypatch, "volkova", MATERIALS)
    assert_clean(at)
    material_id = at.selectbox(key="mat_price_grade").value
    at.text_input(key="mat_price_value").input("1 234,56")
    submit(at, "mat_price_form", "Сохранить")
    assert_clean(at)
    assert rows(
        "SELECT price_per_kg FROM material_prices WHERE material_id = ? AND valid_from = ?",
        [material_id, date.today()],
    ) == [(Decimal("1234.56"),)]


def test_production_records_an_expense_and_marks_ready(demo_home, monkeypatch):
    at = open_as(demo_home, monkeypatch, "novikov", PRODUCTION)
    assert_clean(at)
    order_id = at.selectbox(key="prod_work_order").value
    assert scalar("SELECT status FROM orders WHERE id = ?", [order_id]) == "production"
    key = f"prod_work_{order_id}_expense"
    assert at.selectbox(key=f"{key}_category").options == ["Производство"]
    at.text_input(key=f"{key}_planned").input("12 345,60")
    at.text_input(key=f"{key}_comment").input("Термообработка")
    submit(at, f"{key}_form", "Добавить расход")
    assert_clean(at)
    assert rows(
        "SELECT category, planned, actual, comment, created_by FROM order_expenses "
        "WHERE order_id = ? AND created_by = 13",
        [order_id],
    ) == [("production", Decimal("12345.60"), None, "Термообработка", 13)]

    at.button(key="prod_work_ready").click()
    at.run()
    assert_clean(at)
    assert scalar("SELECT status FROM orders WHERE id = ?", [order_id]) == "ready_to_ship"
    assert rows(
        "SELECT from_status, changed_by FROM status_events WHERE order_id = ? "
        "AND to_status = 'ready_to_ship'",
        [order_id],
    ) == [("production", 13)]


def test_logistics_ships_and_delivers_an_order(demo_home, monkeypatch):
    order_id, _ = _order_in("ready_to_ship")
    before = scalar("SELECT count(*) FROM shipments WHERE order_id = ?", [order_id])
    at = open_as(demo_home, monkeypatch, "orlova", LOGISTICS)
    assert_clean(at)
    at.selectbox(key="log_work_order").set_value(order_id)
    at.run()
    key = f"log_work_{order_id}_ship"
    at.text_input(key=f"{key}_carrier").input("ПЭК")
    at.text_input(key=f"{key}_waybill").input("ТН-000777")
    submit(at, f"{key}_form", "Отгружено")
    assert_clean(at)
    assert scalar("SELECT count(*) FROM shipments WHERE order_id = ?", [order_id]) == before + 1
    assert (
        scalar(
            "SELECT carrier FROM shipments WHERE order_id = ? AND waybill_no = 'ТН-000777'",
            [order_id],
        )
        == "ПЭК"
    )
    assert scalar("SELECT status FROM orders WHERE id = ?", [order_id]) == "shipped"
    assert rows(
        "SELECT changed_by FROM status_events WHERE order_id = ? AND to_status = 'shipped'",
        [order_id],
    ) == [(16,)]

    # Now on its way: record the delivery, the order moves to delivered.
    at.selectbox(key="log_work_order").set_value(order_id)
    at.run()
    deliver = f"log_work_{order_id}_deliver"
    assert at.checkbox(key=f"{deliver}_move").value is True
    submit(at, f"{deliver}_form", "Записать доставку")
    assert_clean(at)
    assert (
        scalar(
            "SELECT count(*) FROM shipments WHERE order_id = ? AND delivered_date IS NULL",
            [order_id],
        )
        == 0
    )
    assert scalar("SELECT status FROM orders WHERE id = ?", [order_id]) == "delivered"


def test_card_shipped_button_records_and_moves_in_one_go(demo_home, monkeypatch):
    order_id, number = _order_in("ready_to_ship")
    at = open_as(demo_home, monkeypatch, "fedorov", CARD, order=number)
    assert_clean(at)
    key = f"card_log_{order_id}_ship"
    at.text_input(key=f"{key}_carrier").input("Деловые линии")
    submit(at, f"{key}_form", "Отгружено")
    assert_clean(at)
    assert (
        scalar(
            "SELECT count(*) FROM shipments WHERE order_id = ? AND carrier = 'Деловые линии'",
            [order_id],
        )
        == 1
    )
    assert scalar("SELECT status FROM orders WHERE id = ?", [order_id]) == "shipped"


def test_finance_records_a_payment_and_the_card_shows_less_outstanding(demo_home, monkeypatch):
    with desk("pavlov").reading() as a:
        due = payments.invoices_due(a, date.today())
    invoice = next(i for i in due if i["outstanding"] >= Decimal("1000.00"))
    with desk("pavlov").reading() as a:
        outstanding_before = payments.payment_calendar(a, invoice["order_id"])["outstanding"]
    card = open_as(demo_home, monkeypatch, "pavlov", CARD, order=invoice["order_number"])
    assert metric(card, "Не оплачено") == money(outstanding_before)

    at = open_as(demo_home, monkeypatch, "pavlov", FINANCE)
    assert_clean(at)
    at.selectbox(key="fin_work_invoice").set_value(invoice["invoice_id"])
    at.run()
    key = f"fin_work_payment_{invoice['invoice_id']}"
    # A sum that is not a sum: refused before the store, shown as plain text, kept in the form.
    paid_before = scalar(
        "SELECT count(*) FROM payments WHERE invoice_id = ?", [invoice["invoice_id"]]
    )
    at.text_input(key=f"{key}_amount").input("тысяча **руб**")
    submit(at, f"{key}_form", "Записать платёж")
    assert not at.exception
    assert errors(at) == [translate("card.input_invalid", "ru")]
    assert any("тысяча **руб**" in x.value for x in at.text)
    assert at.text_input(key=f"{key}_amount").value == "тысяча **руб**"
    count = scalar("SELECT count(*) FROM payments WHERE invoice_id = ?", [invoice["invoice_id"]])
    assert count == paid_before
    at.text_input(key=f"{key}_amount").input("1 000,00")
    at.text_input(key=f"{key}_doc").input("п/п 4321")
    submit(at, f"{key}_form", "Записать платёж")
    assert_clean(at)
    assert rows(
        "SELECT amount, payment_date, source, created_by FROM payments "
        "WHERE invoice_id = ? AND doc_no = 'п/п 4321'",
        [invoice["invoice_id"]],
    ) == [(Decimal("1000.00"), date.today(), "manual", 18)]

    card = open_as(demo_home, monkeypatch, "pavlov", CARD, order=invoice["order_number"])
    assert_clean(card)
    assert metric(card, "Не оплачено") == money(outstanding_before - Decimal("1000.00"))


def test_sales_manager_applies_payment_terms_on_his_order(demo_home, monkeypatch):
    order_id, number = rows(
        "SELECT id, number FROM orders o WHERE sales_manager_id = 3 AND status = 'quote_sent' "
        "AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id) ORDER BY id LIMIT 1"
    )[0]
    template_id = scalar("SELECT id FROM payment_terms_templates WHERE code = 'prepay_50_ship_50'")
    at = open_as(demo_home, monkeypatch, "ivanov", CARD, order=number)
    assert_clean(at)
    at.selectbox(key="card_pay_template").set_value(template_id)
    submit(at, "card_pay_terms_form", "Применить условия")
    assert_clean(at)
    steps = rows(
        "SELECT step_no, pct, base_event FROM payment_steps WHERE order_id = ? ORDER BY step_no",
        [order_id],
    )
    assert steps == [(1, Decimal("50.00"), "agreed"), (2, Decimal("50.00"), "shipped")]
    assert scalar("SELECT payment_terms_template_id FROM orders WHERE id = ?", [order_id]) == (
        template_id
    )
    shown = table(at, "Этап", "Срок")
    offsets = rows(
        "SELECT offset_days FROM payment_terms_template_steps WHERE template_id = ? "
        "ORDER BY step_no",
        [template_id],
    )
    assert [r["Срок"] for r in shown] == [
        f"{offsets[0][0]} дн. после согласования",
        f"{offsets[1][0]} дн. после отгрузки",
    ]
    # Sales reads payments but may not issue invoices or record payments.
    assert not widget_keys(at, "card_pay_inv_")
    assert not widget_keys(at, "card_pay_payment_")


def test_finance_invoices_a_step_and_records_its_payment_on_the_card(demo_home, monkeypatch):
    order_id, number, step_id, rest = rows(
        "SELECT o.id, o.number, ps.id, ps.amount - coalesce((SELECT sum(amount) FROM invoices i "
        "  WHERE i.payment_step_id = ps.id), 0) AS rest "
        "FROM orders o JOIN payment_steps ps ON ps.order_id = o.id "
        "WHERE o.status = 'production' AND ps.amount > coalesce((SELECT sum(amount) "
        "  FROM invoices i WHERE i.payment_step_id = ps.id), 0) ORDER BY o.id, ps.step_no LIMIT 1"
    )[0]
    at = open_as(demo_home, monkeypatch, "egorova", CARD, order=number)
    assert_clean(at)
    outstanding = metric(at, "Не оплачено")
    at.selectbox(key="card_pay_inv_step").set_value(step_id)
    at.run()
    submit(at, f"card_pay_inv_{step_id}_form", "Выставить счёт")
    assert_clean(at)
    invoice_id, amount = rows(
        "SELECT id, amount FROM invoices WHERE payment_step_id = ? AND created_by = 17", [step_id]
    )[0]
    assert amount == rest
    assert metric(at, "Не оплачено") == outstanding  # invoicing is not paying

    at.selectbox(key="card_pay_invoice").set_value(invoice_id)
    at.run()
    key = f"card_pay_payment_{invoice_id}"
    at.text_input(key=f"{key}_amount").input("500,00")
    submit(at, f"{key}_form", "Записать платёж")
    assert_clean(at)
    assert rows("SELECT amount, created_by FROM payments WHERE invoice_id = ?", [invoice_id]) == [
        (Decimal("500.00"), 17)
    ]
    with desk("egorova").reading() as a:
        calendar = payments.payment_calendar(a, order_id)
    assert metric(at, "Не оплачено") == money(calendar["outstanding"])
    assert metric(at, "Оплачено") == money(calendar["paid"])


def test_a_recorded_shipment_leaves_an_empty_form_so_a_second_click_adds_nothing(
    demo_home, monkeypatch
):
    order_id, number = _order_in("ready_to_ship")
    at = open_as(demo_home, monkeypatch, "fedorov", CARD, order=number)
    key = f"card_log_{order_id}_ship"
    at.text_input(key=f"{key}_carrier").input("ПЭК")
    at.text_input(key=f"{key}_waybill").input("ТН-000888")
    submit(at, f"{key}_form", "Записать отгрузку")
    assert_clean(at)
    assert at.text_input(key=f"{key}_carrier").value == ""
    assert at.text_input(key=f"{key}_waybill").value == ""
    recorded = "SELECT count(*) FROM shipments WHERE order_id = ? AND waybill_no = 'ТН-000888'"
    assert scalar(recorded, [order_id]) == 1
