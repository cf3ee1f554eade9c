"""The card's Логистика tab: the order's shipments; record a shipment and a delivery.

«Отгружено» records the shipment and moves the order to shipped in ONE write transaction (both
saved or neither); recording the last delivery may likewise move it to delivered. The forms are
shared with the logistics work page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import streamlit as st

from dashboards.i18n import status_name, t
from dashboards.order_card.procurement_tab import input_error, optional_decimal, optional_money
from dashboards.session import desk, now
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day, money, number, weight_kg
from ingest.service import Acting, logistics, orders, status
from ingest.service.logistics import SHIPPABLE_STATUSES


def _table(shipments: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.log.no"): str(s["shipment_no"]),
            t("card.log.shipped_date"): day(s["shipped_date"]),
            t("card.log.carrier"): s["carrier"] or EMPTY,
            t("card.log.waybill"): s["waybill_no"] or EMPTY,
            t("card.log.weight"): weight_kg(s["weight_kg"]),
            t("card.log.delivery_cost"): money(s["delivery_cost"]),
            t("common.address"): s["delivery_address"] or EMPTY,
            t("card.log.delivered_date"): day(s["delivered_date"]),
        }
        for s in shipments
    ]


def _move_if(a: Acting, order_id: int, from_status: str, to_status: str) -> None:
    """Move the order on in the caller's transaction when it stands where expected and may."""
    order = orders.get_order(a, order_id)
    if order["status"] == from_status and to_status in status.allowed_moves(a, order):
        status.change_status(a, order_id, to_status)


def _ship(order_id: int, values: dict[str, Any], move: bool) -> int:
    with desk().writing() as a:
        shipment_id = logistics.record_shipment(a, order_id, **values)
        if move:
            _move_if(a, order_id, "ready_to_ship", "shipped")
        return shipment_id


def _deliver(order_id: int, shipment_id: int, delivered: date, move: bool) -> bool:
    with desk().writing() as a:
        logistics.record_delivery(a, shipment_id, delivered)
        if move:
            _move_if(a, order_id, "shipped", "delivered")
    return True


def shipment_form(
    order: dict[str, Any], prefix: str, *, may_ship: bool, weight: Decimal | None = None
) -> None:
    """Record the order's next shipment; «Отгружено» also moves a ready order to shipped."""
    key = f"{prefix}_{order['id']}_ship"
    with st.form(f"{key}_form"):
        st.text(t("card.log.new_shipment", number=order["number"]))
        c1, c2, c3 = st.columns(3)
        shipped = c1.date_input(
            t("card.log.shipped_date"), value=now().date(), format="DD.MM.YYYY", key=f"{key}_date"
        )
        carrier = c2.text_input(t("card.log.carrier"), key=f"{key}_carrier")
        waybill = c3.text_input(t("card.log.waybill"), key=f"{key}_waybill")
        weight_text = c1.text_input(
            t("card.log.weight_kg"),
            "" if weight is None else number(weight, 3),
            key=f"{key}_weight",
        )
        cost_text = c2.text_input(t("card.log.delivery_cost"), key=f"{key}_cost")
        address = c3.text_input(
            t("common.address"), key=f"{key}_address", placeholder=t("card.log.address_hint")
        )
        record_only = st.form_submit_button(t("card.log.record_shipment"))
        shipped_now = may_ship and st.form_submit_button(t("card.log.shipped"), type="primary")
    if not (record_only or shipped_now):
        return
    try:
        values = {
            "shipped_date": shipped,
            "carrier": carrier,
            "waybill_no": waybill,
            "weight_kg": optional_decimal(weight_text, t("card.log.weight_kg")),
            "delivery_cost": optional_money(cost_text),
            "delivery_address": address,
        }
    except ValueError as exc:
        input_error(exc)
        return
    done = attempt(
        lambda: _ship(order["id"], values, bool(shipped_now)), success=t("card.log.shipment_saved")
    )
    if done is not None:
        # An empty form after the save: left filled, a second click would record it twice.
        for field in ("carrier", "waybill", "weight", "cost", "address"):
            st.session_state.pop(f"{key}_{field}", None)
        st.rerun()


def delivery_form(
    order: dict[str, Any], shipments: list[dict[str, Any]], prefix: str, *, may_deliver: bool
) -> None:
    """The date a shipment reached the customer; optionally the order moves to delivered."""
    waiting = [s for s in shipments if s["delivered_date"] is None]
    if not waiting:
        return
    key = f"{prefix}_{order['id']}_deliver"
    by_id = {s["id"]: s for s in waiting}
    with st.form(f"{key}_form"):
        st.text(t("card.log.record_delivery_for", number=order["number"]))
        c1, c2 = st.columns(2)
        shipment_id = c1.selectbox(
            t("card.log.shipment"),
            list(by_id),
            key=f"{key}_shipment",
            format_func=lambda i: t(
                "card.log.shipment_label",
                no=by_id[i]["shipment_no"],
                date=day(by_id[i]["shipped_date"]),
            ),
        )
        delivered = c2.date_input(
            t("card.log.delivered_date"), value=now().date(), format="DD.MM.YYYY", key=f"{key}_date"
        )
        move = may_deliver and st.checkbox(
            t("card.log.move_delivered", status=status_name("delivered")),
            value=len(waiting) == 1,
            key=f"{key}_move",
        )
        submitted = st.form_submit_button(t("card.log.record_delivery"), type="primary")
    if submitted and attempt(
        lambda: _deliver(order["id"], shipment_id, delivered, bool(move)),
        success=t("card.log.delivery_saved"),
    ):
        st.rerun()


def render(order: dict[str, Any], writable: bool, moves: list[str]) -> None:
    with desk().reading() as a:
        shipments = logistics.shipments(a, order["id"])
    if shipments:
        st.dataframe(_table(shipments), hide_index=True, width="stretch", key="card_log_table")
    else:
        st.info(t("card.log.none"))
    if not writable:
        return
    if order["status"] in SHIPPABLE_STATUSES:
        may_ship = order["status"] == "ready_to_ship" and "shipped" in moves
        shipment_form(order, "card_log", may_ship=may_ship)
    delivery_form(order, shipments, "card_log", may_deliver="delivered" in moves)
