"""Production work: orders in production by planned shipment date; record a production expense;
mark an order «Готов к отгрузке»."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.order_card.economics_tab import categories_for, expense_form, expenses_table
from dashboards.session import current_user, desk, now
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day
from dashboards.ui.order_link import open_order
from ingest.service import expenses, orders, status
from ingest.service.orders import OrderFilters

LIMIT = 2000


def _by_shipment(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(found, key=lambda o: (o["planned_shipment_date"] or date.max, o["number"]))


def _table(found: list[dict[str, Any]], today: date) -> list[dict[str, str]]:
    return [
        {
            t("common.order_number"): o["number"],
            t("common.customer"): o["customer_name"] or EMPTY,
            t("work.planned_shipment"): day(o["planned_shipment_date"]),
            t("work.late"): t("work.late_mark")
            if o["planned_shipment_date"] and o["planned_shipment_date"] < today
            else "",
            t("common.manager"): o["sales_manager_name"] or EMPTY,
        }
        for o in found
    ]


def _details(order_id: int) -> dict[str, Any]:
    with desk().reading() as a:
        order = orders.get_order(a, order_id)
        readable = a.can("expenses", "read", order)
        return {
            "order": order,
            "expenses": expenses.order_expenses(a, order_id) if readable else [],
            "may_add_expense": a.can("expenses", "write", order),
            "may_mark_ready": "ready_to_ship" in status.allowed_moves(a, order),
        }


def _mark_ready(order_id: int) -> int:
    with desk().writing() as a:
        return status.change_status(a, order_id, "ready_to_ship")


def render() -> None:
    st.title(t("work.prod.title"))
    today = now().date()
    with desk().reading() as a:
        found = orders.list_orders(a, OrderFilters(statuses=("production",), limit=LIMIT))
    found = _by_shipment(found)
    st.caption(t("work.prod.count", count=len(found)))
    if not found:
        st.info(t("work.prod.none"))
        return
    st.dataframe(_table(found, today), hide_index=True, width="stretch", key="prod_work_table")
    by_id = {o["id"]: o for o in found}
    order_id = st.selectbox(
        t("work.pick_order"),
        list(by_id),
        key="prod_work_order",
        format_func=lambda i: f"{by_id[i]['number']} · {day(by_id[i]['planned_shipment_date'])}",
    )
    info = _details(order_id)
    order = info["order"]
    st.text(f"{t('common.customer')}: {order['customer_name'] or EMPTY}")
    c1, c2 = st.columns(2)
    if c1.button(t("work.open_card"), key="prod_work_open"):
        open_order(order["number"])
    ready_label = t("work.prod.ready")
    if info["may_mark_ready"] and c2.button(ready_label, type="primary", key="prod_work_ready"):
        if attempt(lambda: _mark_ready(order_id), success=t("work.prod.marked_ready")):
            st.rerun()
    st.subheader(t("work.prod.expenses"))
    if info["expenses"]:
        st.dataframe(
            expenses_table(info["expenses"]),
            hide_index=True,
            width="stretch",
            key="prod_work_expenses",
        )
    user = current_user()
    if info["may_add_expense"] and user is not None:
        expense_form(order_id, "prod_work", categories_for(user.role))


render()
