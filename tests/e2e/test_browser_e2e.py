"""Browser end-to-end tests (issue 8): Debian's chromium, driven by Playwright, against the real
stack `zakaz up` starts on a fresh demo plant (conftest.py). Every step saves a screenshot
(tmp/e2e-shots/ or $ZAKAZ_E2E_SHOTS, NN-step.png).

1. every role logs in through the form and sees its own navigation;
2. one order's way through the plant: sales creates it and watches the live price, issues a
   quote and downloads its PDF, agrees it; procurement and finance get their tasks from the
   Dagster notify run; logistics records a shipment;
3. leadership opens every analytics page and a chart renders;
4. procurement reaches no price of an order by any page or URL;
5. a shared link to an order card opens the card after the login.

Expected figures come from the plant itself (the store, read as the app reads it, and the
`zakaz` command), never typed into the test.
"""

from __future__ import annotations

import io
import re
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from e2e_browser import (
    choose,
    chosen,
    go_to,
    heading,
    log_in,
    logout_button,
    main_text,
    metric,
    money_texts,
    nav_titles,
    read_grid,
    rerun,
    ru,
    selectbox,
    settle,
    show_row,
    squash,
    type_in,
)
from e2e_stack import store_rows, zakaz_json
from playwright.sync_api import Page, expect

from dashboards.analytics.viewer import ANALYTICS_PAGES
from dashboards.i18n import role_name, status_name
from dashboards.navigation import pages_for
from dashboards.ui.format import money, weight_kg

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

DEMO_LOGINS = {"ivanov": "demo", "volkova": "demo", "novikov": "demo", "orlova": "demo",
               "pavlov": "demo", "makarova": "demo", "admin": "admin"}  # fmt: skip
# A page each role must see and one it must not: anchors that do not come from the app's own
# navigation table (which the full list is compared with).
MUST_SEE = {
    "ivanov": ("nav.new_order", "nav.procurement_work"),
    "volkova": ("nav.procurement_work", "nav.new_order"),
    "novikov": ("nav.production_work", "nav.finance_work"),
    "orlova": ("nav.logistics_work", "nav.new_order"),
    "pavlov": ("nav.finance_work", "nav.admin_users"),
    "makarova": ("analytics.nav.overview", "nav.new_order"),
    "admin": ("nav.admin_users", None),  # every page
}
MONEY = re.compile(r"\d,\d\d ?₽")  # a ruble amount as the app writes it: «1 234,50 ₽»
TASKS_WAIT_S = 120.0  # status saved -> notify run -> tasks: p95 9 s unloaded (notifications.md)


def _users(stack) -> dict[str, dict]:
    return {u["login"]: u for u in zakaz_json(stack.home, "users")}


# -- 1. every role: the login form and its navigation -----------------------------------------


def test_each_role_logs_in_and_sees_its_navigation(stack, open_page, shots):
    users = _users(stack)
    for login, password in DEMO_LOGINS.items():
        user = users[login]
        page = open_page()
        log_in(page, stack.url, login, password)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_contain_text(
            ru("nav.signed_in_as", name=user["full_name"], role=role_name(user["role"], "ru"))
        )
        titles = nav_titles(page)
        expected = [ru(spec.title) for spec in pages_for(user["role"], user["is_head"])]
        assert titles == expected, login
        must, must_not = MUST_SEE[login]
        assert ru(must) in titles, (login, titles)
        assert must_not is None or ru(must_not) not in titles, (login, titles)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        shots.take(page, f"login-{login}")
        logout_button(page).click()
        expect(page.get_by_label(ru("common.login.username"))).to_be_visible()
        page.context.close()


# -- 2. one order through the plant --------------------------------------------------------


def _expected_price(home: Path, grade: str, quantity: int, complexity: str):
    """What the preview must show for one round bar of the line typed below, priced by the
    plant's pricing with its price list (the same figures `zakaz price` gives)."""
    from ingest.repos.orders import LineDraft
    from ingest.service.order_pricing import price_draft
    from ingest.store import Store

    with Store.open(home).read() as conn:
        material_id = conn.execute("SELECT id FROM materials WHERE grade = ?", [grade]).fetchone()
        line = LineDraft(name="e2e", material_id=material_id[0], blank_shape="round",
                         dims={"diameter_mm": Decimal(60), "length_mm": Decimal(500)},
                         quantity=quantity, complexity=Decimal(complexity))  # fmt: skip
        return price_draft(conn, need_date=date.today(), planned_shipment_date=None,
                           vat_rate=None, lines=[line])  # fmt: skip


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def _move_status(page: Page, to: str) -> None:
    choose(page, ru("sales.status.to"), status_name(to, "ru"))
    page.get_by_role("button", name=ru("sales.status.move"), exact=True).click()
    now = ru("sales.status.current", status=status_name(to, "ru"))
    expect(page.get_by_text(now)).to_be_visible()
    settle(page)


def _wait_for_task(page: Page, number: str, title: str) -> dict[str, str]:
    """«Мои задачи», run again until the order's task with this title is in the table (it comes
    from the Dagster notify run, seconds after the status change); the row, left on screen."""
    frame = page.get_by_test_id("stMain").get_by_test_id("stDataFrame")
    deadline = time.monotonic() + TASKS_WAIT_S
    while True:
        expect(frame).to_be_visible()
        row = show_row(page, frame, lambda r: r.get(ru("tasks.col.title")) == title)
        if row is not None:
            assert row[ru("common.order_number")] == number, row
            return row
        assert time.monotonic() < deadline, f"no task «{title}» after {TASKS_WAIT_S} s"
        page.wait_for_timeout(3000)
        rerun(page)


def test_an_order_from_need_to_agreed_then_tasks_and_a_shipment(stack, open_page, shots, tmp_path):
    home = stack.home
    customer = store_rows(home, "SELECT name, inn FROM customers WHERE inn IS NOT NULL "
                                "ORDER BY id LIMIT 1")[0]  # fmt: skip
    grade = "45"

    # Sales: a new order with one line; the price preview follows what is typed.
    page = open_page()
    log_in(page, stack.url, "ivanov")
    go_to(page, ru("nav.new_order"))
    expect(heading(page, ru("sales.new.title"))).to_be_visible()
    complexity = page.get_by_label(ru("sales.lines.complexity"), exact=True)
    expect(complexity).to_have_value("1.000")  # the new line's defaults are in place
    type_in(page, ru("sales.customer.search"), customer["inn"])
    choose(page, ru("common.customer"),
           ru("sales.customer.option", name=customer["name"], inn=customer["inn"]))  # fmt: skip
    type_in(page, ru("common.name"), "Вал приводной (e2e)")
    choose(page, ru("common.material"), grade)
    type_in(page, ru("sales.dim.diameter_mm"), "60")
    type_in(page, ru("sales.dim.length_mm"), "500")
    one = _expected_price(home, grade, 1, "1")
    total = metric(page, ru("sales.total.total"))
    expect(total).to_contain_text(money(one.total))
    shots.take(page, "sales-new-order-price")
    type_in(page, ru("common.quantity"), "10")
    type_in(page, ru("sales.lines.complexity"), "1.5")
    ten = _expected_price(home, grade, 10, "1.5")
    assert ten.total != one.total
    expect(total).to_contain_text(money(ten.total))
    expect(metric(page, ru("sales.total.weight"))).to_contain_text(weight_kg(ten.weight_kg))
    shots.take(page, "sales-price-updated")

    page.get_by_role("button", name=ru("sales.new.save")).click()
    created = page.get_by_text(re.compile(r"Заказ (З-\d{4}-\d{4}) создан"))
    expect(created).to_be_visible()
    number = re.search(r"З-\d{4}-\d{4}", created.inner_text()).group(0)
    expect(heading(page, ru("card.title"))).to_be_visible()
    stored = store_rows(home, "SELECT o.status, u.login, c.inn, count(l.id) AS lines, "
                              "sum(l.quantity) AS quantity FROM orders o "
                              "JOIN users u ON u.id = o.sales_manager_id "
                              "JOIN customers c ON c.id = o.customer_id "
                              "LEFT JOIN order_lines l ON l.order_id = o.id "
                              "WHERE o.number = ? GROUP BY ALL", [number])  # fmt: skip
    assert len(stored) == 1 and stored[0]["status"] == "need", stored
    assert (stored[0]["login"], stored[0]["inn"]) == ("ivanov", customer["inn"])
    assert (stored[0]["lines"], stored[0]["quantity"]) == (1, 10)
    expect(metric(page, ru("sales.total.total"))).to_contain_text(money(ten.total))
    shots.take(page, "sales-card-created")

    # The quote: issued, its PDF downloaded.
    page.get_by_role("button", name=ru("sales.quotes.issue")).click()
    issued = page.get_by_text(re.compile(r"КП (\S+) выставлено"))
    expect(issued).to_be_visible()
    quote = re.search(r"КП (\S+) выставлено", issued.inner_text()).group(1)
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=ru("sales.quotes.download", number=quote)).click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    text = _pdf_text(data)
    assert number in text and squash(money(ten.total, currency=False)) in squash(text), text
    assert store_rows(home, "SELECT q.total FROM quotes q JOIN orders o ON o.id = q.order_id "
                            "WHERE q.number = ? AND o.number = ?",
                      [quote, number]) == [{"total": ten.total}]  # fmt: skip
    shots.take(page, "sales-quote-issued")

    # need -> costing -> quote sent -> agreed, through the status panel.
    for to in ("costing", "quote_sent", "agreed"):
        _move_status(page, to)
    assert store_rows(home, "SELECT status FROM orders WHERE number = ?", [number]) == [
        {"status": "agreed"}
    ]
    shots.take(page, "sales-agreed")
    page.context.close()

    # Procurement and finance: the tasks the notify run made for «Согласован» (`zakaz tasks`
    # says which), each on the user's «Мои задачи».
    users = _users(stack)
    made = {t["role"]: t for t in _wait_tasks_in_store(home, number)}
    for login, role in (("volkova", "procurement"), ("pavlov", "finance")):
        task = made[role]
        page = open_page()
        log_in(page, stack.url, login)
        expect(heading(page, ru("tasks.title"))).to_be_visible()
        row = _wait_for_task(page, number, task["title"])
        assignee = task["assignee_login"]
        assert row[ru("tasks.col.assignee")] == (
            users[assignee]["full_name"] if assignee
            else ru("tasks.department", role=role_name(role, "ru"))
        )  # fmt: skip
        assert row[ru("tasks.col.state")] == ru("tasks.state.open")
        assert row[ru("tasks.col.due")] == f"{date.fromisoformat(task['due_date']):%d.%m.%Y}"
        shots.take(page, f"{role}-task")
        page.context.close()

    # Logistics: a shipment of an order ready to ship; «Отгружено» also moves it to shipped.
    ready = zakaz_json(home, "orders", "--status", "ready_to_ship", "--as", "orlova")
    assert ready, "the demo plant has no order ready to ship"
    shipping = ready[0]["number"]
    page = open_page()
    log_in(page, stack.url, "orlova")
    go_to(page, ru("nav.logistics_work"))
    choose(page, ru("work.pick_order"), f"{shipping} · {status_name('ready_to_ship', 'ru')}")
    form = page.get_by_test_id("stForm").filter(
        has_text=ru("card.log.new_shipment", number=shipping)
    )
    expect(form.get_by_label(ru("card.log.carrier"), exact=True)).to_have_count(1)
    form.get_by_label(ru("card.log.carrier"), exact=True).fill("ТК «Магистраль» (e2e)")
    form.get_by_label(ru("card.log.waybill"), exact=True).fill("E2E-0001")
    form.get_by_label(ru("card.log.delivery_cost"), exact=True).fill("4 500,00")
    shots.take(page, "logistics-shipment-form")
    shipped = form.get_by_role("button", name=ru("card.log.shipped"), exact=True)
    shipped.click()
    expect(shipped).to_have_count(0)  # offered only while the order is ready to ship
    settle(page)
    shipment = store_rows(home, "SELECT o.status, s.carrier, s.delivery_cost, s.shipped_date "
                                "FROM shipments s JOIN orders o ON o.id = s.order_id "
                                "WHERE o.number = ? AND s.waybill_no = 'E2E-0001'",
                          [shipping])  # fmt: skip
    assert shipment == [{"status": "shipped", "carrier": "ТК «Магистраль» (e2e)",
                         "delivery_cost": Decimal("4500.00"),
                         "shipped_date": date.today()}]  # fmt: skip
    shots.take(page, "logistics-shipped")


def _wait_tasks_in_store(home: Path, number: str) -> list[dict]:
    """The order's procurement and finance tasks, once the notify run has made them."""
    deadline = time.monotonic() + TASKS_WAIT_S
    while True:
        tasks = zakaz_json(home, "tasks", "--order", number)
        if {"procurement", "finance"} <= {t["role"] for t in tasks}:
            return tasks
        assert time.monotonic() < deadline, f"no procurement/finance task for {number}: {tasks}"
        time.sleep(2)


# -- 3. leadership: every analytics page renders a chart -----------------------------------


def test_leadership_opens_every_analytics_page_and_a_chart_renders(stack, open_page, shots):
    page = open_page()
    log_in(page, stack.url, "makarova")
    fresh = ru("analytics.fresh.caption", time="§", date="§", as_of="§").split("§")[0]
    for key in ANALYTICS_PAGES:
        title = ru(f"analytics.nav.{key}")
        go_to(page, title)
        expect(page).to_have_url(re.compile(rf"/analytics-{key}$"))
        main = page.get_by_test_id("stMain")
        expect(heading(page, title)).to_be_visible()
        expect(main.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        expect(main.get_by_text(fresh).first).to_be_visible()
        expect(main.get_by_test_id("stException")).to_have_count(0)
        expect(main.get_by_text(ru("analytics.in_progress"))).to_have_count(0)
        expect(main.get_by_text(ru("common.no_access"))).to_have_count(0)
        shots.take(page, f"analytics-{key}")


# -- 4. procurement cannot reach prices ----------------------------------------------------


def _priced(home: Path, number: str):
    """The order as the card prices it now (pricing of its stored lines)."""
    from ingest.service import Desk, orders
    from ingest.service.order_pricing import price_stored_order
    from ingest.store import Store

    with Desk(Store.open(home), "admin").reading() as a:
        return price_stored_order(a.conn, orders.get_order(a, orders.find_order_id(a, number)))


def _order_figures(home: Path, number: str) -> set[str]:
    """Every money figure of the order procurement may not read: line prices and sums and the
    order's totals as priced now, its quotes, invoices and payments — as the app writes them."""
    priced = _priced(home, number)
    amounts = [priced.net, priced.vat, priced.total]
    for line in priced.lines:
        amounts += [line.unit_price_net, line.line_net, line.line_vat, line.line_total]
    for sql in (
        "SELECT x.net, x.vat, x.total FROM quotes x JOIN orders o ON o.id = x.order_id",
        "SELECT l.unit_price_net, l.line_net, l.line_vat, l.line_total FROM quote_lines l "
        "JOIN quotes x ON x.id = l.quote_id JOIN orders o ON o.id = x.order_id",
        "SELECT x.amount, x.vat_amount FROM invoices x JOIN orders o ON o.id = x.order_id",
        "SELECT x.amount FROM payments x JOIN orders o ON o.id = x.order_id",
    ):
        for row in store_rows(home, f"{sql} WHERE o.number = ?", [number]):
            amounts += list(row.values())
    return {text for text in money_texts(amounts) if text != "0,00"}


def _shown(text: str, figures: set[str]) -> list[str]:
    """The figures that appear in text as whole numbers («1 234,50» is not in «11 234,50»)."""
    return [f for f in figures if re.search(rf"(?<![\d,])(?<!\d ){re.escape(f)}(?!\d)", text)]


def _target_order(home: Path) -> str:
    """An order procurement works on (status «Снабжение»), the one with the biggest total."""
    rows = store_rows(home, "SELECT o.number FROM orders o JOIN quotes q ON q.order_id = o.id "
                            "WHERE o.status = 'procurement' "
                            "ORDER BY q.total DESC LIMIT 1")  # fmt: skip
    assert rows, "the demo plant has no quoted order in procurement"
    return rows[0]["number"]


def _open_card(page: Page, number: str) -> None:
    """The card, by typing the number into its box (in this session: a typed URL would start
    a new one)."""
    go_to(page, ru("nav.order_card"))
    type_in(page, ru("card.number_input"), number)
    status_line = ru("sales.status.current", status="§").split("§")[0]  # «Статус заказа: »
    expect(page.get_by_text(status_line).first).to_be_visible()
    settle(page)


def test_procurement_reaches_no_price_by_any_page_or_url(stack, open_page, shots, tmp_path):
    from openpyxl import load_workbook

    home = stack.home
    number = _target_order(home)
    figures = _order_figures(home, number)
    total = squash(money(_priced(home, number).total, currency=False))
    assert total in figures and len(figures) >= 5, figures

    # Control: leadership, who reads prices, sees the order's total on the same card.
    page = open_page()
    log_in(page, stack.url, "makarova")
    _open_card(page, number)
    expect(metric(page, ru("sales.total.total"))).to_contain_text(total)
    assert _shown(main_text(page), figures), "the check must see figures where they are shown"
    shots.take(page, "prices-control-leadership-card")
    page.context.close()

    page = open_page()
    log_in(page, stack.url, "volkova")
    # Every page of her navigation, as it opens.
    for spec in pages_for("procurement"):
        go_to(page, ru(spec.title))
        assert not _shown(main_text(page), figures), spec.url_path
    # The order list: no money column, and the Excel export carries none.
    go_to(page, ru("nav.orders"))
    type_in(page, ru("orders.search"), number)
    frame = page.get_by_test_id("stMain").get_by_test_id("stDataFrame")
    expect(frame).to_contain_text(number)
    rows = read_grid(page, frame)
    assert [r[ru("common.order_number")] for r in rows] == [number]
    money_columns = {ru(k) for k in ("common.total", "common.net", "common.vat", "orders.paid",
                                     "orders.outstanding", "common.amount")}  # fmt: skip
    assert not money_columns & set(rows[0]), rows[0]
    assert not _shown(main_text(page), figures)
    page.get_by_role("button", name=ru("common.export_excel")).click()
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").get_by_role("button").click()
    xlsx = tmp_path / "orders.xlsx"
    download.value.save_as(xlsx)
    sheet = load_workbook(xlsx, read_only=True).active
    table = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert not money_columns & {str(c) for c in table[0]}, table[0]
    assert [r[0] for r in table[1:]] == [number]
    cells = " | ".join(squash(str(c)) for row in table for c in row if c is not None)
    assert not _shown(cells, figures), table
    shots.take(page, "procurement-orders-list")

    # The card: no prices on «Продажи», no quotes, only the tabs procurement may read.
    _open_card(page, number)
    tabs = page.get_by_test_id("stMain").get_by_role("tab").all_text_contents()
    assert [squash(t).strip() for t in tabs] == [ru("card.tab.sales"), ru("card.tab.procurement")]
    expect(heading(page, ru("sales.quotes.title"))).to_have_count(0)
    expect(metric(page, ru("sales.total.total"))).to_have_count(0)
    lines = read_grid(page, page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first)
    assert lines and not {ru("sales.col.unit_price"), ru("sales.col.line_total")} & set(lines[0])
    assert not _shown(main_text(page), figures)
    shots.take(page, "procurement-card-no-prices")

    # Her own work page, the order's line picked.
    go_to(page, ru("nav.procurement_work"))
    selectbox(page, ru("work.proc.pick")).click()
    page.keyboard.type(number)
    page.get_by_role("option").filter(has_text=number).first.click()
    expect(chosen(page, ru("work.proc.pick"))).to_have_value(re.compile(re.escape(number)))
    settle(page)
    assert not _shown(main_text(page), figures)
    shots.take(page, "procurement-work-page")
    page.context.close()

    # Direct URLs: a new browser session each (a typed URL is one), logged in there.
    forbidden = {"/new-order": "sales.new.title", "/finance": "nav.finance_work",
                 "/analytics-economics": "analytics.nav.economics",
                 "/analytics-overview": "analytics.nav.overview",
                 "/analytics-payments": "analytics.nav.payments"}  # fmt: skip
    for path, title in [*forbidden.items(), (f"/order?order={number}", None)]:
        page = open_page()
        log_in(page, stack.url, "volkova", path=path)
        settle(page)
        text = main_text(page)
        assert not _shown(text, figures), (path, _shown(text, figures))
        if title is not None:
            expect(heading(page, ru(title))).to_have_count(0)
            assert not MONEY.search(text), (path, MONEY.findall(text))
        shots.take(page, "procurement-url-" + re.sub(r"\W+", "-", path.split("?")[0]).strip("-"))
        page.context.close()


# -- 5. a shared link to a card ------------------------------------------------------------


def test_a_shared_card_link_opens_the_card_after_the_login(stack, open_page, shots):
    number = zakaz_json(stack.home, "orders", "--as", "ivanov", "--limit", "1")[0]["number"]
    page = open_page()
    log_in(page, stack.url, "ivanov", path=f"/order?order={number}")
    try:
        expect(heading(page, ru("card.title"))).to_be_visible(timeout=10_000)
        expect(page.get_by_label(ru("card.number_input"))).to_have_value(number)
    finally:
        shots.take(page, "shared-card-link")
