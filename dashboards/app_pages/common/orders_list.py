"""Orders: search and filter the orders the user may see, export them, open a card."""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import status_name, t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from dashboards.ui.format import day
from dashboards.ui.order_link import open_order
from ingest.service import orders
from ingest.service.export import orders_export, to_xlsx
from ingest.service.orders import OrderFilters
from ingest.service.users import user_choices
from zakaz.domain import STATUSES

PAGE_LIMIT = 500
EXPORT_HEADERS = {
    "number": "common.order_number", "customer_name": "common.customer",
    "customer_inn": "common.inn", "status": "common.status",
    "sales_manager_name": "common.manager", "lead_source_name": "orders.lead_source",
    "need_date": "orders.need_date", "planned_shipment_date": "orders.planned_shipment",
    "actual_shipment_date": "orders.actual_shipment", "delivered_date": "orders.delivered",
    "net": "common.net", "vat": "common.vat", "total": "common.total",
    "paid": "orders.paid", "outstanding": "orders.outstanding",
}  # fmt: skip


def _filters(managers: list[dict]) -> OrderFilters:
    c1, c2, c3, c4, c5 = st.columns([3, 3, 2, 1.3, 1.3])
    text = c1.text_input(t("orders.search"), key="orders_text")
    statuses = c2.multiselect(t("orders.statuses"), STATUSES, format_func=status_name,
                              key="orders_statuses")  # fmt: skip
    names = {m["id"]: m["full_name"] for m in managers}
    manager = c3.selectbox(t("common.manager"), [None, *names], key="orders_manager",
                           format_func=lambda i: t("orders.all_managers") if i is None
                           else names[i])  # fmt: skip
    need_from = c4.date_input(t("common.date_from"), value=None, format="DD.MM.YYYY",
                              key="orders_from")  # fmt: skip
    need_to = c5.date_input(t("common.date_to"), value=None, format="DD.MM.YYYY",
                            key="orders_to")  # fmt: skip
    return OrderFilters(text=text, statuses=tuple(statuses), sales_manager_id=manager,
                        need_from=need_from, need_to=need_to, limit=PAGE_LIMIT)  # fmt: skip


def _table_rows(found: list[dict]) -> list[dict]:
    return [{
        t("common.order_number"): o["number"], t("common.customer"): o["customer_name"],
        t("common.status"): status_name(o["status"]), t("common.manager"): o["sales_manager_name"],
        t("orders.need_date"): day(o["need_date"]),
        t("orders.planned_shipment"): day(o["planned_shipment_date"]),
    } for o in found]  # fmt: skip


def render() -> None:
    st.title(t("orders.title"))
    with desk().reading() as a:
        managers = user_choices(a, role="sales")
    filters = _filters(managers)
    with desk().reading() as a:
        found = orders.list_orders(a, filters)
        total = orders.count_orders(a, filters)
    caption = t("orders.found", count=total)
    if total > len(found):
        caption += " — " + t("orders.shown_first", limit=len(found))
    st.caption(caption)
    if not found:
        st.info(t("common.nothing_found"))
        return
    event = st.dataframe(
        _table_rows(found), hide_index=True, width="stretch", on_select="rerun",
        selection_mode="single-row", key="orders_table",
    )  # fmt: skip
    picked = event.selection.rows if event else []
    c1, c2 = st.columns([1, 1])
    if picked and c1.button(t("orders.open"), type="primary", key="orders_open"):
        open_order(found[picked[0]]["number"])
    if c2.button(t("common.export_excel"), key="orders_export"):
        data = attempt(lambda: _export(filters))
        if data:
            st.download_button(t("common.export_excel"), data, file_name=t("orders.export_file"),
                               key="orders_download")  # fmt: skip


def _export(filters: OrderFilters) -> bytes:
    with desk().reading() as a:
        frame = orders_export(a, filters)
    return to_xlsx(frame, {k: t(v) for k, v in EXPORT_HEADERS.items()})


render()
