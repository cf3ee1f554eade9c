"""Finance work: invoices not fully paid (overdue first); record a payment against one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.order_card.payments_tab import payment_form
from dashboards.session import desk, now
from dashboards.ui.format import EMPTY, day, money, number
from dashboards.ui.order_link import open_order
from ingest.bank.queue import waiting_count
from ingest.bank.recording import may_use_bank
from ingest.service import orders, payments


def _table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("work.fin.invoice"): r["number"],
            t("common.order_number"): r["order_number"],
            t("common.customer"): r["customer_name"] or EMPTY,
            t("work.fin.issued"): day(r["issue_date"]),
            t("work.fin.due"): day(r["due_date"]),
            t("common.amount"): money(r["amount"]),
            t("work.fin.paid"): money(r["paid"]),
            t("work.fin.outstanding"): money(r["outstanding"]),
            t("work.fin.overdue_days"): number(r["overdue_days"]) if r["overdue"] else "",
        }
        for r in rows
    ]


def _totals(rows: list[dict[str, Any]]) -> None:
    outstanding = sum((r["outstanding"] for r in rows), Decimal("0.00"))
    overdue = sum((r["outstanding"] for r in rows if r["overdue"]), Decimal("0.00"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("work.fin.count"), number(len(rows)))
    c2.metric(t("work.fin.total_outstanding"), money(outstanding))
    c3.metric(t("work.fin.total_overdue"), money(overdue))


def _may_record(order_id: int) -> bool:
    with desk().reading() as a:
        return a.can("payments", "write", orders.get_order(a, order_id))


def render() -> None:
    st.title(t("work.fin.title"))
    with desk().reading() as a:
        rows = payments.invoices_due(a, now().date())
        waiting = waiting_count(a) if may_use_bank(a, "read") else 0
    if waiting:  # bank payments nobody could match with certainty wait for a person
        st.page_link(
            "app_pages/finance/bank_statements.py",
            label=t("bank.finance_link", count=waiting),
            icon=":material/account_balance:",
        )
    rows.sort(key=lambda r: (not r["overdue"], r["due_date"], r["invoice_id"]))
    _totals(rows)
    if not rows:
        st.info(t("work.fin.none"))
        return
    st.dataframe(_table(rows), hide_index=True, width="stretch", key="fin_work_table")
    by_id = {r["invoice_id"]: r for r in rows}
    invoice_id = st.selectbox(
        t("work.fin.pick"),
        list(by_id),
        key="fin_work_invoice",
        format_func=lambda i: t(
            "work.fin.invoice_label",
            number=by_id[i]["number"],
            order=by_id[i]["order_number"],
            rest=money(by_id[i]["outstanding"]),
        ),
    )
    invoice = by_id[invoice_id]
    if st.button(t("work.open_card"), key="fin_work_open"):
        open_order(invoice["order_number"])
    if _may_record(invoice["order_id"]):
        payment_form(invoice, "fin_work_payment")


render()
