"""Logistics work: orders ready to ship or on their way; record a shipment (and move the order to
shipped) or a delivery (and move it to delivered) for the selected order."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.i18n import status_name, t
from dashboards.order_card.logistics_tab import delivery_form, shipment_form
from dashboards.session import desk
from dashboards.ui.format import EMPTY, day, number, weight_kg
from dashboards.ui.order_link import open_order
from ingest.service import logistics, orders, status
from ingest.service.logistics import SHIPPABLE_STATUSES


def _table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("common.order_number"): r["number"],
            t("common.status"): status_name(r["status"]),
            t("common.customer"): r["customer_name"] or EMPTY,
            t("work.planned_shipment"): day(r["planned_shipment_date"]),
            t("work.log.weight"): weight_kg(r["weight_kg"]),
            t("work.log.shipments"): number(r["shipments_count"]),
            t("work.log.shipped_weight"): weight_kg(r["shipped_weight_kg"]),
            t("work.log.last_shipped"): day(r["last_shipped_date"]),
            t("common.address"): r["delivery_address"] or EMPTY,
        }
        for r in rows
    ]


def _details(order_id: int) -> dict[str, Any]:
    with desk().reading() as a:
        order = orders.get_order(a, order_id)
        return {
            "order": order,
            "shipments": logistics.shipments(a, order_id),
            "writable": a.can("logistics", "write", order),
            "moves": status.allowed_moves(a, order),
        }


def _rest_weight(row: dict[str, Any]):
    """What is left to ship: the order's weight less what went already (None if unknown)."""
    if row["weight_kg"] is None:
        return None
    rest = row["weight_kg"] - (row["shipped_weight_kg"] or 0)
    return rest if rest > 0 else None


def render() -> None:
    st.title(t("work.log.title"))
    with desk().reading() as a:
        rows = logistics.shipments_to_arrange(a)
    st.caption(t("work.log.count", count=len(rows)))
    if not rows:
        st.info(t("work.log.none"))
        return
    st.dataframe(_table(rows), hide_index=True, width="stretch", key="log_work_table")
    by_id = {r["order_id"]: r for r in rows}
    order_id = st.selectbox(
        t("work.pick_order"),
        list(by_id),
        key="log_work_order",
        format_func=lambda i: f"{by_id[i]['number']} · {status_name(by_id[i]['status'])}",
    )
    info = _details(order_id)
    order, moves = info["order"], info["moves"]
    st.text(f"{t('common.customer')}: {order['customer_name'] or EMPTY}")
    if st.button(t("work.open_card"), key="log_work_open"):
        open_order(order["number"])
    if not info["writable"]:
        return
    if order["status"] in SHIPPABLE_STATUSES:
        may_ship = order["status"] == "ready_to_ship" and "shipped" in moves
        shipment_form(order, "log_work", may_ship=may_ship, weight=_rest_weight(by_id[order_id]))
    delivery_form(order, info["shipments"], "log_work", may_deliver="delivered" in moves)


render()
