"""Order card: one order's header, status panel, the department tabs the user may read, history.

The order comes from ?order=<number> (shareable links) or the number box. Which tabs show is
decided once, in one short read, by the store's access matrix (Acting.can) for this order.
"""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import status_name, t
from dashboards.order_card import (
    economics_tab,
    history_panel,
    logistics_tab,
    payments_tab,
    procurement_tab,
    sales_tab,
    tasks_panel,
)
from dashboards.session import desk
from dashboards.ui import status_panel
from dashboards.ui.actions import error_text
from dashboards.ui.format import day
from dashboards.ui.order_link import selected_order_number
from ingest.access import PermissionDeniedError
from ingest.service import orders, status
from ingest.store.errors import NotFoundError

GROUPS = ("procurement", "logistics", "payment_plan", "payments", "economics", "expenses")
KEY_DATES = (
    ("card.need_date", "need_date"),
    ("card.agreed_date", "agreed_date"),
    ("card.planned_shipment", "planned_shipment_date"),
    ("card.actual_shipment", "actual_shipment_date"),
    ("card.delivered_date", "delivered_date"),
)


def _chosen_number() -> str | None:
    """The number in the URL, or the one typed (which then goes into the URL)."""
    from_url = selected_order_number()
    typed = st.text_input(
        t("card.number_input"),
        value=from_url or "",
        key="card_number",
        placeholder=t("card.number_placeholder"),
    ).strip()
    if typed and typed != from_url:
        st.query_params["order"] = typed
    return typed or None


def _load(number: str) -> dict:
    """The order and what this user may read/write of it — one short read."""
    with desk().reading() as a:
        order_id = orders.find_order_id(a, number)
        order = orders.get_order(a, order_id)
        return {
            "order": order,
            "read": {g: a.can(g, "read", order) for g in GROUPS},
            "write": {g: a.can(g, "write", order) for g in GROUPS},
            "moves": status.allowed_moves(a, order),
        }


def _header(order: dict) -> None:
    c1, c2, c3 = st.columns([1, 1, 2])
    c1.metric(t("common.order_number"), order["number"])
    c2.metric(t("common.status"), status_name(order["status"]))
    c3.text(f"{t('common.customer')}: {order['customer_name'] or '—'}")
    c3.text(f"{t('common.inn')}: {order['customer_inn'] or '—'}")
    c3.text(f"{t('common.manager')}: {order['sales_manager_name'] or '—'}")
    for column, (label, field) in zip(st.columns(len(KEY_DATES)), KEY_DATES, strict=True):
        column.metric(t(label), day(order[field]))


def render() -> None:
    st.title(t("card.title"))
    number = _chosen_number()
    if number is None:
        st.info(t("card.pick"))
        return
    try:
        card = _load(number)
    except (PermissionDeniedError, NotFoundError) as exc:
        st.error(error_text(exc))
        st.stop()
    order, can_read, can_write = card["order"], card["read"], card["write"]
    order_id = order["id"]
    _header(order)
    status_panel.render(order_id)
    shown = [
        ("card.tab.sales", True),
        ("card.tab.procurement", can_read["procurement"]),
        ("card.tab.logistics", can_read["logistics"]),
        ("card.tab.payments", can_read["payment_plan"]),
        ("card.tab.economics", can_read["economics"]),
    ]
    labels = [label for label, visible in shown if visible]
    tabs = dict(zip(labels, st.tabs([t(label) for label in labels]), strict=True))
    with tabs["card.tab.sales"]:
        sales_tab.render(order_id)
    if "card.tab.procurement" in tabs:
        with tabs["card.tab.procurement"]:
            procurement_tab.render(order_id, writable=can_write["procurement"])
    if "card.tab.logistics" in tabs:
        with tabs["card.tab.logistics"]:
            logistics_tab.render(order, writable=can_write["logistics"], moves=card["moves"])
    if "card.tab.payments" in tabs:
        with tabs["card.tab.payments"]:
            payments_tab.render(
                order,
                plan_writable=can_write["payment_plan"],
                payments_writable=can_write["payments"],
            )
    if "card.tab.economics" in tabs:
        with tabs["card.tab.economics"]:
            economics_tab.render(
                order_id,
                expenses_readable=can_read["expenses"],
                expenses_writable=can_write["expenses"],
            )
    tasks_panel.render(order_id)
    history_panel.render(order_id)


render()
