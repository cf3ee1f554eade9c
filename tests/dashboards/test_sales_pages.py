"""The sales side of the app: the new order page (customer, lines, live price preview, save),
the card's sales tab (header form with the stale-edit guard, lines, quotes) and the status panel.

Every UI action is checked against the store afterwards; every figure against pricing/.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from apptest_helpers import open_page, plant_store
from apptest_sales import (
    CARD,
    fill_line,
    line_key,
    markdown_values,
    material_id,
    new_customer,
    new_order_as,
    pick_existing_customer,
    plain_values,
    rows,
    sales_card,
    scalar,
    submit,
    widget_labels,
)

from dashboards.i18n import status_name, t
from dashboards.ui.format import money, weight_kg
from ingest.repos.orders import LineDraft
from ingest.service import Desk, quotes, status
from ingest.service.order_pricing import price_draft
from zakaz.inn import make_org_inn

SHAFT = {"name": "Вал ступенчатый", "grade": "40Х", "dims": {"diameter_mm": 60.0,
         "length_mm": 500.0}, "quantity": 10, "complexity": 2.5,
         "surcharges": {"Термообработка": 10.0}}  # fmt: skip
PAYLOADS = ["'); DROP TABLE orders;--", "<script>alert(1)</script>", "**bold**"]


@pytest.fixture(autouse=True)
def _plant(demo_home, monkeypatch):
    """The store helpers (rows, scalar, plant_store) read the plant the app uses."""
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))


def _customer() -> tuple[int, str]:
    return rows("SELECT id, inn FROM customers ORDER BY id LIMIT 1")[0]


def _expected_shaft():
    line = LineDraft(name=SHAFT["name"], material_id=material_id("40Х"), blank_shape="round",
                     dims={"diameter_mm": Decimal("60"), "length_mm": Decimal("500")},
                     quantity=10, complexity=Decimal("2.5"),
                     surcharges_pct={"Термообработка": Decimal("10")})  # fmt: skip
    with plant_store().read() as conn:
        return price_draft(conn, need_date=date.today(), planned_shipment_date=None,
                           vat_rate=None, lines=[line])  # fmt: skip


def _metric(at, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert len(found) == 1, (label, [m.label for m in at.metric])
    return found[0]


def _order(number: str) -> dict:
    with plant_store().read() as conn:
        cursor = conn.execute("SELECT * FROM orders WHERE number = ?", [number])
        row = cursor.fetchone()
        assert row is not None, number
        return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _fresh_inn() -> str:
    rng = random.Random(20261128)
    taken = {r[0] for r in rows("SELECT inn FROM customers")}
    while (inn := make_org_inn(rng)) in taken:
        pass
    return inn


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _move(at, order_id: int, to_status: str, comment: str = ""):
    at.selectbox(key=f"status_panel_{order_id}_to").set_value(to_status)
    at.text_input(key=f"status_panel_{order_id}_comment").input(comment)
    return submit(at, f"status_panel_{order_id}_form")


# --- (a) the whole flow ------------------------------------------------------------------------


def test_new_order_preview_save_quote_and_status_moves(demo_home, monkeypatch):
    at = new_order_as(demo_home, monkeypatch, "ivanov")
    assert not at.exception and _errors(at) == []
    customer_id, inn = _customer()
    pick_existing_customer(at, customer_id, inn)
    fill_line(at, **SHAFT)
    assert not at.exception and _errors(at) == [] and [w.value for w in at.warning] == []

    expected = _expected_shaft()
    preview = at.dataframe[0].value
    assert list(preview[t("sales.col.line_total")]) == [money(expected.lines[0].line_total)]
    assert list(preview[t("sales.col.unit_price")]) == [money(expected.lines[0].unit_price_net)]
    assert list(preview[t("sales.col.unit_weight")]) == [
        weight_kg(expected.lines[0].unit_weight_kg)
    ]
    assert _metric(at, t("sales.total.total")) == money(expected.total)
    assert _metric(at, t("sales.total.net")) == money(expected.net)
    assert _metric(at, t("sales.total.weight")) == weight_kg(expected.weight_kg)

    before = scalar("SELECT count(*) FROM orders")
    at.button(key="new_order_save").click()
    at.run()
    assert not at.exception and _errors(at) == []
    assert scalar("SELECT count(*) FROM orders") == before + 1
    number = at.query_params["order"]  # the card of the new order is open
    number = number[0] if isinstance(number, list) else number
    order = _order(number)
    assert order["customer_id"] == customer_id
    assert (order["sales_manager_id"], order["status"]) == (3, "need")
    (line,) = rows("SELECT id, name, material_id, blank_shape, diameter_mm, length_mm, quantity, "
                   "complexity FROM order_lines WHERE order_id = ?", [order["id"]])  # fmt: skip
    assert line[1:] == (SHAFT["name"], material_id("40Х"), "round", Decimal("60"),
                        Decimal("500"), 10, Decimal("2.5"))  # fmt: skip
    assert rows("SELECT name, pct FROM order_line_surcharges WHERE line_id = ?", [line[0]]) == [
        ("Термообработка", Decimal("10"))
    ]

    # The save opened the new order's card (AppTest keeps its own page for the next run, so go
    # there explicitly, as a link would): issue a quote on the sales tab.
    assert t("sales.status.current", status=status_name("need")) in "".join(markdown_values(at))
    assert t("sales.new.created", number=number) in [s.value for s in at.success]
    order_id = order["id"]
    open_page(at, CARD, order=number)
    assert not at.exception and _errors(at) == []
    at.button(key=f"sales_tab_{order_id}_issue_quote").click()
    at.run()
    assert not at.exception and _errors(at) == []
    (quote,) = rows("SELECT id, number, total FROM quotes WHERE order_id = ?", [order_id])
    assert quote[2] == expected.total
    labels = [b.label for b in at.get("download_button")]
    assert labels == [t("sales.quotes.download", number=quote[1])]
    with Desk(plant_store(), "ivanov").reading() as a:
        name, pdf = quotes.quote_pdf(a, quote[0])
    assert pdf.startswith(b"%PDF") and name.endswith(".pdf")

    # The status panel: need -> costing -> quote_sent.
    for to_status in ("costing", "quote_sent"):
        _move(at, order_id, to_status)
        assert not at.exception and _errors(at) == []
        assert t("sales.status.moved", status=status_name(to_status)) in [
            s.value for s in at.success
        ]
    assert rows("SELECT from_status, to_status, changed_by FROM status_events WHERE order_id = ? "
                "ORDER BY id", [order_id]) == [(None, "need", 3), ("need", "costing", 3),
                                               ("costing", "quote_sent", 3)]  # fmt: skip
    assert _order(number)["quote_sent_date"] is not None


def test_a_pricing_problem_is_a_warning_naming_the_line_and_field(demo_home, monkeypatch):
    at = new_order_as(demo_home, monkeypatch, "ivanov")
    fill_line(at, **{**SHAFT, "dims": {"diameter_mm": 0.0, "length_mm": 500.0}})
    assert not at.exception and _errors(at) == []
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "1" in warnings[0], warnings
    assert t("sales.dim.diameter_mm") in warnings[0]
    assert len(at.metric) == 0  # no figures for a line that cannot be priced


def test_saving_incomplete_lines_names_the_line_and_field(demo_home, monkeypatch):
    at = new_order_as(demo_home, monkeypatch, "ivanov")
    customer_id, inn = _customer()
    pick_existing_customer(at, customer_id, inn)
    fill_line(at, **SHAFT)
    at.button(key="new_order_lines_add").click()
    at.run()
    at.text_input(key=line_key("name", 1)).input("Втулка")
    at.run()
    before = scalar("SELECT count(*) FROM orders")
    at.button(key="new_order_save").click()
    at.run()
    expected = t("sales.lines.problem", n=2, field=t("common.material"),
                 reason=t("sales.lines.need_material"))  # fmt: skip
    assert expected in _errors(at)
    assert scalar("SELECT count(*) FROM orders") == before


# --- (b) a new customer with a wrong ИНН ---------------------------------------------------------


def test_wrong_inn_checksum_names_the_field_and_stores_nothing(demo_home, monkeypatch):
    at = new_order_as(demo_home, monkeypatch, "ivanov")
    valid = _fresh_inn()
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    new_customer(at, name="ООО «Проверка»", inn=wrong)
    assert any(t("common.inn") in e and "контрольная сумма" in e for e in _errors(at)), _errors(at)
    fill_line(at, **SHAFT)
    counts = [scalar(f"SELECT count(*) FROM {table}") for table in ("customers", "orders")]
    at.button(key="new_order_save").click()
    at.run()
    assert not at.exception
    assert any(t("common.inn") in e for e in _errors(at))
    assert [scalar(f"SELECT count(*) FROM {table}") for table in ("customers", "orders")] == counts
    # Everything typed is still there.
    assert at.text_input(key="new_order_c_inn").value == wrong
    assert at.text_input(key=line_key("name")).value == SHAFT["name"]
    assert at.number_input(key=line_key("diameter_mm")).value == 60.0


def test_a_refused_order_leaves_no_new_customer_behind(demo_home, monkeypatch):
    """The new customer and the order are one write: the store refusing the order (a comment
    over the length limit) stores neither, and the form keeps what was typed."""
    at = new_order_as(demo_home, monkeypatch, "ivanov")
    new_customer(at, name="ООО «Новый»", inn=_fresh_inn())
    fill_line(at, **SHAFT)
    at.text_area(key="new_order_comment").input("x" * 4001)
    at.run()
    counts = [scalar(f"SELECT count(*) FROM {table}") for table in ("customers", "orders")]
    at.button(key="new_order_save").click()
    at.run()
    assert not at.exception
    assert any("comment" in e for e in _errors(at)), _errors(at)
    assert [scalar(f"SELECT count(*) FROM {table}") for table in ("customers", "orders")] == counts
    assert at.text_input(key="new_order_c_name").value == "ООО «Новый»"
    assert at.text_area(key="new_order_comment").value == "x" * 4001


# --- (c) hostile text ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_stored_literally_and_shown_as_plain_text(demo_home, monkeypatch, payload):
    at = new_order_as(demo_home, monkeypatch, "ivanov")
    new_customer(at, name=payload, inn=_fresh_inn(), address=payload)
    fill_line(at, **{**SHAFT, "name": payload, "surcharges": {payload: 5.0}}, drawing_no=payload)
    at.text_input(key="new_order_address").input(payload)
    at.text_area(key="new_order_comment").input(payload)
    at.run()
    assert not at.exception and _errors(at) == []
    assert not any(payload in text for text in markdown_values(at))
    assert payload in [str(v) for v in at.dataframe[0].value[t("common.name")]]

    at.button(key="new_order_save").click()
    at.run()
    assert not at.exception and _errors(at) == []
    number = at.query_params["order"]
    order = _order(number[0] if isinstance(number, list) else number)
    assert (order["delivery_address"], order["comment"]) == (payload, payload)
    assert rows("SELECT name, address FROM customers WHERE id = ?", [order["customer_id"]]) == [
        (payload, payload)
    ]
    (line_id, name, drawing_no) = rows(
        "SELECT id, name, drawing_no FROM order_lines WHERE order_id = ?", [order["id"]]
    )[0]
    assert (name, drawing_no) == (payload, payload)
    assert rows("SELECT name FROM order_line_surcharges WHERE line_id = ?", [line_id]) == [
        (payload,)
    ]
    assert scalar("SELECT count(*) FROM orders") > 1  # the table is still there

    # The sales tab shows it only as plain text / table cells / widget values.
    card = sales_card(demo_home, monkeypatch, "ivanov", order["id"])
    assert not card.exception and _errors(card) == []
    assert not any(payload in text for text in markdown_values(card) + widget_labels(card))
    shown = plain_values(card)
    assert f"{t('common.customer')}: {payload}" in shown
    assert card.text_area(key=f"sales_tab_{order['id']}_h_comment").value == payload
    assert card.text_input(key=f"sales_tab_{order['id']}_h_delivery_address").value == payload
    assert card.text_input(key=f"sales_tab_{order['id']}_contact_address").value == payload
    assert payload in shown and any(payload in v and "5,00 %" in v for v in shown)


# --- (d) stale edit ------------------------------------------------------------------------------


def test_stale_header_save_is_refused_naming_who_and_keeps_the_typed_comment(
    demo_home, monkeypatch
):
    order_id = scalar("SELECT id FROM orders WHERE sales_manager_id = 3 AND status = 'need' "
                      "ORDER BY id LIMIT 1")  # fmt: skip
    comment_key = f"sales_tab_{order_id}_h_comment"
    mine = sales_card(demo_home, monkeypatch, "ivanov", order_id)
    head = sales_card(demo_home, monkeypatch, "sokolova", order_id)
    assert not mine.exception and not head.exception

    head.text_area(key=comment_key).input("Согласовать сроки с ОТК")
    submit(head, f"sales_tab_{order_id}_header_form")
    assert _errors(head) == []
    assert scalar("SELECT comment FROM orders WHERE id = ?", [order_id]) == (
        "Согласовать сроки с ОТК"
    )

    mine.text_area(key=comment_key).input("Клиент просит раньше")
    submit(mine, f"sales_tab_{order_id}_header_form")
    head_name = scalar("SELECT full_name FROM users WHERE login = 'sokolova'")
    assert any(head_name in e and "уже изменил" in e for e in _errors(mine)), _errors(mine)
    assert mine.text_area(key=comment_key).value == "Клиент просит раньше"
    assert scalar("SELECT comment FROM orders WHERE id = ?", [order_id]) == (
        "Согласовать сроки с ОТК"
    )

    # Reloading shows the store's values; the next save goes through.
    mine.button(key=f"sales_tab_{order_id}_reload").click()
    mine.run()
    assert mine.text_area(key=comment_key).value == "Согласовать сроки с ОТК"
    mine.text_area(key=comment_key).input("Клиент просит раньше")
    submit(mine, f"sales_tab_{order_id}_header_form")
    assert _errors(mine) == []
    assert scalar("SELECT comment FROM orders WHERE id = ?", [order_id]) == "Клиент просит раньше"


def test_a_status_move_does_not_make_ones_own_form_stale(demo_home, monkeypatch):
    order_id = scalar("SELECT id FROM orders WHERE sales_manager_id = 3 AND status = 'need' "
                      "ORDER BY id LIMIT 1")  # fmt: skip
    at = sales_card(demo_home, monkeypatch, "ivanov", order_id)
    _move(at, order_id, "costing")
    assert _errors(at) == []
    at.text_input(key=f"sales_tab_{order_id}_h_delivery_address").input("Склад №2")
    submit(at, f"sales_tab_{order_id}_header_form")
    assert _errors(at) == []
    assert scalar("SELECT delivery_address FROM orders WHERE id = ?", [order_id]) == "Склад №2"


# --- (e) who sees what ---------------------------------------------------------------------------


def test_procurement_sees_no_prices_and_no_quote_button(demo_home, monkeypatch):
    order_id = scalar(
        "SELECT o.id FROM orders o WHERE o.status = 'quote_sent' AND EXISTS "
        "(SELECT 1 FROM quotes q WHERE q.order_id = o.id) ORDER BY o.id LIMIT 1"
    )
    at = sales_card(demo_home, monkeypatch, "volkova", order_id)
    assert not at.exception and _errors(at) == []
    columns = list(at.dataframe[0].value.columns)
    assert t("common.name") in columns and t("common.quantity") in columns
    for hidden in ("sales.col.unit_price", "sales.col.line_net", "sales.col.line_total",
                   "sales.col.surcharges"):  # fmt: skip
        assert t(hidden) not in columns
    assert f"sales_tab_{order_id}_issue_quote" not in [b.key for b in at.button]
    assert len(at.get("download_button")) == 0
    assert t("sales.quotes.title") not in [s.value for s in at.subheader]
    assert len(at.metric) == 0
    assert not any("₽" in v for v in plain_values(at))
    assert len(at.get("form")) == 0  # nothing to edit either


def test_sales_manager_gets_no_access_on_another_managers_order(demo_home, monkeypatch):
    order_id = scalar("SELECT id FROM orders WHERE sales_manager_id = 3 ORDER BY id LIMIT 1")
    customer = scalar("SELECT c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
                      "WHERE o.id = ?", [order_id])  # fmt: skip
    at = sales_card(demo_home, monkeypatch, "petrova", order_id)
    assert not at.exception
    assert _errors(at) and all(e.startswith("Нет доступа") for e in _errors(at))
    assert len(at.dataframe) == 0 and len(at.get("form")) == 0
    assert not any(customer in v for v in plain_values(at))


# --- more of the card ----------------------------------------------------------------------------


def test_edit_lines_on_the_card_saves_and_keeps_prices(demo_home, monkeypatch):
    order_id = scalar("SELECT id FROM orders WHERE sales_manager_id = 3 AND status = 'need' "
                      "ORDER BY id LIMIT 1")  # fmt: skip
    before = rows("SELECT id, quantity, price_per_kg, fixed_unit_price FROM order_lines "
                  "WHERE order_id = ? ORDER BY line_no", [order_id])  # fmt: skip
    at = sales_card(demo_home, monkeypatch, "ivanov", order_id)
    at.button(key=f"sales_tab_{order_id}_edit_lines").click()
    at.run()
    assert not at.exception and _errors(at) == []
    prefix = f"sales_tab_{order_id}_lines"
    at.number_input(key=f"{prefix}_0_qty").set_value(before[0][1] + 5)
    at.run()
    at.button(key=f"sales_tab_{order_id}_save_lines").click()
    at.run()
    assert not at.exception and _errors(at) == []
    after = rows("SELECT id, quantity, price_per_kg, fixed_unit_price FROM order_lines "
                 "WHERE order_id = ? ORDER BY line_no", [order_id])  # fmt: skip
    assert after[0] == (before[0][0], before[0][1] + 5, before[0][2], before[0][3])
    assert after[1:] == before[1:]
    assert t("sales.tab.lines_saved") in [s.value for s in at.success]


def test_closing_an_unpaid_order_names_the_outstanding_amount(demo_home, monkeypatch):
    candidates = [r[0] for r in rows("SELECT id FROM orders WHERE sales_manager_id = 3 AND "
                                     "status = 'delivered' ORDER BY id")]  # fmt: skip
    with Desk(plant_store(), "ivanov").reading() as a:
        from ingest.service import orders

        unpaid = []
        for oid in candidates:
            total, paid = status.outstanding(a, orders.get_order(a, oid))
            if paid < total:
                unpaid.append((oid, total - paid))
    if not unpaid:
        pytest.skip("the demo has no unpaid delivered order of ivanov")
    order_id, _owed = unpaid[0]
    at = sales_card(demo_home, monkeypatch, "ivanov", order_id)
    _move(at, order_id, "closed")
    assert any("не оплачено" in e for e in _errors(at)), _errors(at)
    assert scalar("SELECT status FROM orders WHERE id = ?", [order_id]) == "delivered"


def test_cancel_needs_a_reason(demo_home, monkeypatch):
    order_id = scalar("SELECT id FROM orders WHERE sales_manager_id = 3 AND status = 'need' "
                      "ORDER BY id LIMIT 1")  # fmt: skip
    at = sales_card(demo_home, monkeypatch, "ivanov", order_id)
    assert t("sales.status.cancel_hint") in [c.value for c in at.caption]
    _move(at, order_id, "cancelled")
    assert t("sales.status.reason_required") in _errors(at)
    assert scalar("SELECT status FROM orders WHERE id = ?", [order_id]) == "need"
    _move(at, order_id, "cancelled", "Заказчик отказался")
    assert _errors(at) == []
    assert rows("SELECT status, cancel_reason FROM orders WHERE id = ?", [order_id]) == [
        ("cancelled", "Заказчик отказался")
    ]


def test_head_of_sales_picks_the_manager_and_a_catalog_line_fills_itself(demo_home, monkeypatch):
    at = new_order_as(demo_home, monkeypatch, "sokolova")
    customer_id, inn = _customer()
    pick_existing_customer(at, customer_id, inn)
    petrova = scalar("SELECT id FROM users WHERE login = 'petrova'")
    at.selectbox(key="new_order_manager").set_value(petrova)
    at.radio(key=line_key("kind")).set_value("catalog")
    at.run()
    product = rows("SELECT id, drawing_no, name, material_id, default_complexity FROM products "
                   "WHERE is_active ORDER BY id LIMIT 1")[0]  # fmt: skip
    at.selectbox(key=line_key("product")).set_value(product[0])
    at.run()
    assert at.text_input(key=line_key("drawing_no")).value == product[1]
    assert at.text_input(key=line_key("name")).value == product[2]
    assert at.selectbox(key=line_key("material")).value == product[3]
    assert not at.exception and [w.value for w in at.warning] == []
    at.button(key="new_order_save").click()
    at.run()
    assert not at.exception and _errors(at) == []
    number = at.query_params["order"]
    order = _order(number[0] if isinstance(number, list) else number)
    assert order["sales_manager_id"] == petrova
    assert rows("SELECT product_id, drawing_no, complexity FROM order_lines WHERE order_id = ?",
                [order["id"]]) == [(product[0], product[1], product[4])]  # fmt: skip


def test_sales_manager_cannot_pick_another_manager(demo_home, monkeypatch):
    at = new_order_as(demo_home, monkeypatch, "ivanov")
    assert "new_order_manager" not in [s.key for s in at.selectbox]
