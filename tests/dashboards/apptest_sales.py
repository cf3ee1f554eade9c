"""AppTest helpers for the sales pages (on top of apptest_helpers).

at = new_order_as(demo_home, monkeypatch, "ivanov")    # the new order page, logged in
fill_line(at, name="Вал", grade="40Х", dims={...}, quantity=10, complexity=2.5)
card = sales_card(demo_home, monkeypatch, "ivanov", order_id)   # status panel + sales tab
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apptest_helpers import TIMEOUT, app_test, log_in_as, open_page, plant_store
from streamlit.testing.v1 import AppTest

NEW_ORDER = "app_pages/sales/new_order.py"
CARD = "app_pages/common/order_card.py"
LINES = "new_order_lines"
MARKDOWN_KINDS = ("markdown", "caption", "title", "header", "subheader", "error", "warning",
                  "info", "success", "toast")  # fmt: skip


def _card_script(order_id: int) -> None:
    """The card's sales parts alone: the status panel above the sales tab (as the card does)."""
    from dashboards.order_card import sales_tab
    from dashboards.ui import status_panel

    status_panel.render(order_id)
    sales_tab.render(order_id)


def new_order_as(demo_home, monkeypatch, login: str) -> AppTest:
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, login)
    return open_page(at, NEW_ORDER)


def sales_card(demo_home, monkeypatch, login: str, order_id: int) -> AppTest:
    """A session of `login` showing the status panel and the sales tab of one order."""
    monkeypatch.setenv("ZAKAZ_HOME", str(demo_home))
    at = AppTest.from_function(_card_script, kwargs={"order_id": order_id},
                               default_timeout=TIMEOUT)  # fmt: skip
    log_in_as(at, login)
    return at.run()


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with plant_store().read() as conn:
        return conn.execute(sql, params or []).fetchall()


def scalar(sql: str, params: list | None = None) -> Any:
    found = rows(sql, params)
    return found[0][0] if found else None


def material_id(grade: str) -> int:
    return scalar("SELECT id FROM materials WHERE grade = ?", [grade])


def line_key(name: str, uid: int = 0) -> str:
    return f"{LINES}_{uid}_{name}"


def pick_existing_customer(at: AppTest, customer_id: int, inn: str) -> AppTest:
    at.text_input(key="new_order_cust_q").input(inn)
    at.run()
    at.selectbox(key="new_order_cust_pick").set_value(customer_id)
    return at.run()


def new_customer(at: AppTest, **fields: str) -> AppTest:
    at.radio(key="new_order_cust_mode").set_value("new")
    at.run()
    for name, value in fields.items():
        at.text_input(key=f"new_order_c_{name}").input(value)
    return at.run()


def fill_line(
    at: AppTest,
    *,
    name: str,
    grade: str,
    dims: Mapping[str, float],
    quantity: int,
    complexity: float,
    drawing_no: str = "",
    shape: str = "round",
    surcharges: Mapping[str, float] = {},  # read only
    uid: int = 0,
) -> AppTest:
    """Fill line `uid` as a line made to a drawing (one run per step that changes the layout)."""
    at.selectbox(key=line_key("shape", uid)).set_value(shape)
    at.run()
    at.text_input(key=line_key("name", uid)).input(name)
    at.text_input(key=line_key("drawing_no", uid)).input(drawing_no)
    at.selectbox(key=line_key("material", uid)).set_value(material_id(grade))
    for dim, value in dims.items():
        at.number_input(key=line_key(dim, uid)).set_value(value)
    at.number_input(key=line_key("qty", uid)).set_value(quantity)
    at.number_input(key=line_key("cx", uid)).set_value(complexity)
    at.run()
    for n, (label, pct) in enumerate(surcharges.items()):
        at.button(key=line_key("sc_add", uid)).click()
        at.run()
        at.text_input(key=line_key(f"sc{n}_name", uid)).input(label)
        at.number_input(key=line_key(f"sc{n}_pct", uid)).set_value(pct)
    return at.run()


def submit(at: AppTest, form_key: str) -> AppTest:
    """Click the submit button of the st.form with this key."""
    button = next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form_key}-"))
    button.click()
    return at.run()


def markdown_values(at: AppTest) -> list[str]:
    """Every text the page rendered AS MARKDOWN (where user text must never go)."""
    values = []
    for kind in MARKDOWN_KINDS:
        values += [str(e.value) for e in at.get(kind)]
    return values


def plain_values(at: AppTest) -> list[str]:
    """Every text the page rendered as plain text: st.text, table cells and widget values."""
    values = [str(e.value) for e in at.text]
    for frame in at.dataframe:
        values += [str(v) for v in frame.value.to_numpy().ravel()]
    for kind in ("text_input", "text_area"):
        values += [str(w.value) for w in at.get(kind)]
    for box in at.selectbox:
        values += [str(o) for o in box.options]
    return values


def widget_labels(at: AppTest) -> list[str]:
    labels = []
    for kind in ("text_input", "text_area", "selectbox", "number_input", "button", "radio",
                 "date_input", "download_button", "metric"):  # fmt: skip
        labels += [str(getattr(w, "label", "")) for w in at.get(kind)]
    return labels
