"""Procurement work: order lines whose material is not received yet; edit a line's purchase."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.i18n import status_name, t
from dashboards.order_card.procurement_tab import line_label, record_form, status_label
from dashboards.session import desk
from dashboards.ui.format import EMPTY, day, number, weight_kg
from dashboards.ui.order_link import open_order
from ingest.service import orders, procurement


def _table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("common.order_number"): r["order_number"],
            t("common.status"): status_name(r["order_status"]),
            t("work.planned_shipment"): day(r["planned_shipment_date"]),
            t("work.line"): line_label(r),
            t("common.quantity"): number(r["quantity"]),
            t("work.mass"): weight_kg(r["planned_mass_kg"]),
            t("work.purchase_status"): status_label(r["procurement_status"] or "to_order"),
            t("work.supplier"): r["supplier"] or EMPTY,
        }
        for r in rows
    ]


def _line_text(row: dict[str, Any]) -> str:
    return f"{row['order_number']} · {line_label(row)}"


def render() -> None:
    st.title(t("work.proc.title"))
    with desk().reading() as a:
        rows = procurement.lines_needing_material(a)
    st.caption(t("work.proc.count", count=len(rows)))
    if not rows:
        st.info(t("work.proc.none"))
        return
    st.dataframe(_table(rows), hide_index=True, width="stretch", key="proc_work_table")
    by_line = {r["line_id"]: r for r in rows}
    line_id = st.selectbox(
        t("work.proc.pick"),
        list(by_line),
        format_func=lambda i: _line_text(by_line[i]),
        key="proc_work_line",
    )
    picked = by_line[line_id]
    if st.button(t("work.open_card"), key="proc_work_open"):
        open_order(picked["order_number"])
    with desk().reading() as a:
        order = orders.get_order(a, picked["order_id"])
        writable = a.can("procurement", "write", order)
        record = next(
            r for r in procurement.procurement_tab(a, picked["order_id"]) if r["line_id"] == line_id
        )
    if writable:
        record_form(record, "proc_work")


render()
