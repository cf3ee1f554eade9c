"""Access in the data layer: what MartReader hands out per role and head, from the REAL access
matrix of the plant — economics never leaves the reader for a role without it, named requests
are refused, and a changed rule changes what comes out."""

from __future__ import annotations

import polars as pl
import pytest

from dashboards.analytics.reader import COLUMN_GROUPS, MART_GROUPS, MartReader, column_group
from dashboards.analytics.viewer import ANALYTICS_PAGES, viewer_for
from dashboards.navigation import pages_for
from ingest.access import PermissionDeniedError
from ingest.service import Desk
from ingest.service.access_admin import set_access_rule
from ingest.store import Store
from pipelines.published import open_published

# Written out by hand (not derived from COLUMN_GROUPS): the economics columns of the marts.
ECONOMICS_COLUMNS = {
    "planned_cost_price", "actual_cost_price", "planned_profit", "actual_profit",
    "planned_efficiency_pct", "actual_efficiency_pct", "planned_margin_pct", "actual_margin_pct",
    "cost_price_variance", "profit_variance", "expenses_planned", "expenses_actual",
    "profit_per_need",
}  # fmt: skip
PRICE_COLUMNS = {"net", "vat", "total", "revenue", "revenue_incl_vat", "orders_net",
                 "orders_total", "quotes_issued_net", "quotes_issued_total"}  # fmt: skip
PAYMENT_COLUMNS = {
    "paid_amount", "outstanding_amount", "invoice_amount", "received_amount", "paid_revenue",
    "payments_on_quoted_orders", "forecast_amount", "amount",
}  # fmt: skip
# Decimal columns that are no money of any group (durations, shares of counts, weights).
NOT_MONEY = {"weight_kg", "quote_rate_pct", "win_rate_pct", "quote_to_agreed_pct",
             "avg_days_need_to_agreed", "avg_days_need_to_closed", "days_in_status",
             "overdue_share_pct", "avg_days_overdue", "step_pct", "avg_days_in_status_now",
             "avg_days_per_visit", "median_days_per_visit", "positions_per_order"}  # fmt: skip

LOGINS = {  # login: (role, is_head)
    "makarova": ("leadership", False), "sergeev": ("leadership", True), "admin": ("admin", False),
    "pavlov": ("finance", False), "egorova": ("finance", True), "sokolova": ("sales", True),
    "ivanov": ("sales", False), "morozov": ("procurement", True),
    "volkova": ("procurement", False), "kozlov": ("production", True),
    "fedorov": ("logistics", True),
}  # fmt: skip
NO_ECONOMICS = ["sokolova", "ivanov", "morozov", "volkova", "kozlov", "fedorov"]


def _marts(home) -> list[str]:
    with open_published(home) as conn:
        return [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
            "ORDER BY 1").fetchall()]  # fmt: skip


def _everything(reader: MartReader, marts: list[str]) -> dict[str, list[str]]:
    """mart -> the columns this reader hands out (a refused mart: absent)."""
    out = {}
    with reader.session():
        for mart in marts:
            try:
                out[mart] = reader.frame(mart).columns
            except PermissionDeniedError:
                pass
    return out


def test_viewer_roles_and_readable_groups(plant_store):
    got = {login: viewer_for(plant_store, login) for login in LOGINS}
    for login, (role, head) in LOGINS.items():
        assert (got[login].role, got[login].is_head) == (role, head), login
    full = {"header", "prices", "payments", "economics", "payment_plan", "procurement",
            "logistics", "contacts", "expenses"}  # fmt: skip
    assert got["makarova"].readable == full and got["pavlov"].readable == full
    # an ordinary sales manager reads prices and payments of OWN orders only: not for analytics
    assert not {"prices", "payments", "header"} & got["ivanov"].readable
    # the head of sales is not limited to own orders, but has no economics
    assert {"prices", "payments", "header"} <= got["sokolova"].readable
    assert "economics" not in got["sokolova"].readable
    assert got["morozov"].readable == {"header", "procurement"}


def test_page_access_mirrors_the_navigation(plant_store):
    for login, (role, head) in LOGINS.items():
        viewer = viewer_for(plant_store, login)
        listed = {s.url_path for s in pages_for(role, head) if s.url_path.startswith("analytics-")}
        allowed = {f"analytics-{key}" for key in ANALYTICS_PAGES if viewer.may_open(key)}
        assert listed == allowed, login
        for key in ANALYTICS_PAGES:
            if not viewer.may_open(key):
                with pytest.raises(PermissionDeniedError, match=r"^Нет доступа: роль «"):
                    viewer.require(key)
    assert not any(viewer_for(plant_store, "ivanov").may_open(k) for k in ANALYTICS_PAGES)
    assert viewer_for(plant_store, "kozlov").may_open("process")
    assert not viewer_for(plant_store, "novikov").may_open("process")


@pytest.mark.parametrize("login", list(LOGINS))
def test_reader_never_hands_out_a_column_of_an_unreadable_group(published_home, plant_store,
                                                                 login):  # fmt: skip
    viewer = viewer_for(plant_store, login)
    got = _everything(MartReader(published_home, viewer), _marts(published_home))
    handed = {c for columns in got.values() for c in columns}
    if not viewer.may_read("economics"):
        assert not handed & ECONOMICS_COLUMNS, login
        assert "expenses_by_category" not in got and "order_expenses" not in got
    else:
        assert ECONOMICS_COLUMNS <= handed
    if not viewer.may_read("prices"):
        assert not handed & PRICE_COLUMNS, login
    if not viewer.may_read("payments"):
        assert not handed & PAYMENT_COLUMNS, login
        assert not set(MART_GROUPS) - {"order_expenses", "expenses_by_category"} & set(got)
    # what is left is real data: order_economics still has its header columns
    assert {"order_id", "order_number", "status"} <= set(got["order_economics"])


def test_every_money_column_of_every_mart_is_guarded(published_home):
    """A new mart column holding money must be classified, or it would reach every role."""
    with open_published(published_home) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND data_type LIKE 'DECIMAL%'"
        ).fetchall()
    unguarded = [f"{m}.{c}" for m, c in rows if c not in NOT_MONEY and column_group(m, c) is None]
    assert unguarded == []
    assert column_group("payments_by_month", "planned_amount") == "payments"
    assert column_group("expenses_by_category", "planned_amount") == "economics"
    assert column_group("lead_sources", "paid_revenue_per_need") == "payments"
    assert column_group("lead_sources", "profit_per_need") == "economics"
    assert len(COLUMN_GROUPS) > 10


@pytest.mark.parametrize("login", ["sokolova", "morozov", "kozlov", "fedorov"])
def test_named_economics_columns_are_refused(published_home, plant_store, login):
    reader = MartReader(published_home, viewer_for(plant_store, login))
    with pytest.raises(PermissionDeniedError, match="не может читать «экономика заказа»"):
        reader.frame("order_economics", ["order_number", "actual_profit"])
    with pytest.raises(PermissionDeniedError, match="экономика заказа"):
        reader.frame("order_economics", ["order_number"], where="actual_profit < ?", params=[0])
    with pytest.raises(PermissionDeniedError):
        reader.frame("expenses_by_category")


def test_payment_marts_are_refused_whole_without_payments(published_home, plant_store):
    reader = MartReader(published_home, viewer_for(plant_store, "morozov"))
    for mart in ("invoices", "payments", "payment_steps", "payments_by_month"):
        with pytest.raises(PermissionDeniedError, match="«платежи»"):
            reader.frame(mart)
    # the head of sales reads payments for all orders, so the marts are open
    sales_head = MartReader(published_home, viewer_for(plant_store, "sokolova"))
    assert sales_head.frame("payments", ["payment_id", "amount"]).height > 0


def test_reader_keeps_money_decimal_and_checks_names(published_home, plant_store):
    reader = MartReader(published_home, viewer_for(plant_store, "makarova"))
    frame = reader.frame("order_economics", ["order_id", "net", "actual_efficiency_pct"],
                         where="status = ?", params=["closed"])  # fmt: skip
    assert frame.schema["net"] == pl.Decimal(18, 2)
    assert frame.schema["actual_efficiency_pct"] == pl.Decimal(22, 1)
    assert frame.height > 0
    with pytest.raises(LookupError, match="нет столбцов: nope"):
        reader.frame("order_economics", ["nope"])
    with pytest.raises(ValueError, match="Недопустимое имя витрины"):
        reader.frame("order_economics; DROP TABLE x")
    with pytest.raises(LookupError, match="нет в опубликованной сборке"):
        reader.frame("no_such_mart")
    info = reader.freshness()
    assert info is not None and info.rows["order_economics"] == 1600


def test_nothing_published_gives_none_and_a_clear_error(tmp_path, plant_store):
    reader = MartReader(tmp_path, viewer_for(plant_store, "makarova"))
    assert reader.freshness() is None
    with pytest.raises(FileNotFoundError, match="zakaz run"):
        reader.frame("invoices")


def test_a_changed_access_rule_changes_what_comes_out(plant_copy):
    store = Store.open(plant_copy)
    logistics = MartReader(plant_copy, viewer_for(store, "fedorov"))
    assert "actual_profit" not in logistics.frame("order_economics").columns
    finance = MartReader(plant_copy, viewer_for(store, "pavlov"))
    assert "actual_profit" in finance.frame("order_economics").columns

    with Desk(store, "admin").writing() as a:
        set_access_rule(a, "logistics", "economics", "read", "all")
        set_access_rule(a, "finance", "economics", "none", "all")
        set_access_rule(a, "sales", "prices", "read", "all")

    logistics = MartReader(plant_copy, viewer_for(store, "fedorov"))
    assert "actual_profit" in logistics.frame("order_economics").columns
    finance = MartReader(plant_copy, viewer_for(store, "pavlov"))
    assert not ECONOMICS_COLUMNS & set(finance.frame("order_economics").columns)
    with pytest.raises(PermissionDeniedError, match="Финансы"):
        finance.frame("order_economics_by_month", ["month_start", "planned_profit"])
    # sales managers now read prices of all orders: the aggregate revenue is theirs to see
    sales = MartReader(plant_copy, viewer_for(store, "ivanov"))
    assert "revenue" in sales.frame("lead_sources").columns
    # an own-orders scope keeps it out again
    with Desk(store, "admin").writing() as a:
        set_access_rule(a, "sales", "prices", "read", "own")
    sales = MartReader(plant_copy, viewer_for(store, "ivanov"))
    assert "revenue" not in sales.frame("lead_sources").columns
