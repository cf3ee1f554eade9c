"""The card's Календарь платежей tab: terms, planned steps with due dates, invoices, payments.

Paid and outstanding are the store's derivations from the payments (payments.payment_calendar),
never typed. `payment_form` is shared with the finance work page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.order_card.procurement_tab import input_error, optional_money
from dashboards.session import desk, now
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day, money, number, pct
from ingest.service import Acting, payments
from ingest.service.payments import FINISHED_STATUSES

DEFAULT_INVOICE_DAYS = 5


def _mark(overdue: bool | None) -> str:
    return t("card.pay.overdue") if overdue else ""


def _steps_table(steps: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.pay.step"): str(s["step_no"]),
            t("common.name"): s["name"] or EMPTY,
            t("card.pay.share"): pct(s["pct"], 0),
            t("common.amount"): money(s["amount"]),
            t("card.pay.due_rule"): t(f"card.pay.base.{s['base_event']}", days=s["offset_days"]),
            t("card.pay.due_date"): day(s["due_date"]) if s["due_date"] else t("card.pay.no_event"),
            t("card.pay.invoiced"): money(s["invoiced"]),
            t("card.pay.paid"): money(s["paid"]),
            t("card.pay.outstanding"): money(s["outstanding"]),
            t("card.pay.overdue_col"): _mark(s["overdue"]),
        }
        for s in steps
    ]


def _invoices_table(invoices: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.pay.invoice_no"): i["number"],
            t("card.pay.step"): str(i["step_no"] or EMPTY),
            t("card.pay.issue_date"): day(i["issue_date"]),
            t("card.pay.due_date"): day(i["due_date"]),
            t("common.amount"): money(i["amount"]),
            t("common.vat"): money(i["vat_amount"]),
            t("card.pay.paid"): money(i["paid"]),
            t("card.pay.outstanding"): money(i["outstanding"]),
            t("card.pay.overdue_col"): _mark(i["overdue"]),
        }
        for i in invoices
    ]


def _payments_table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.pay.payment_date"): day(p["payment_date"]),
            t("common.amount"): money(p["amount"]),
            t("card.pay.invoice_no"): p["invoice_number"] or EMPTY,
            t("card.pay.doc_no"): p["doc_no"] or EMPTY,
            t("card.pay.purpose"): p["purpose"] or EMPTY,
        }
        for p in rows
    ]


def _write(action: Callable[[Acting], None]) -> bool:
    """Run one store action in its own short write transaction."""
    with desk().writing() as a:
        action(a)
    return True


def _terms_form(calendar: dict[str, Any], templates: list[dict[str, Any]]) -> None:
    names = {tpl["id"]: tpl["name"] for tpl in templates}
    ids = list(names)
    current = calendar["template_id"]
    with st.form("card_pay_terms_form"):
        chosen = st.selectbox(
            t("card.pay.terms"),
            ids,
            format_func=names.__getitem__,
            index=ids.index(current) if current in ids else 0,
            key="card_pay_template",
        )
        submitted = st.form_submit_button(t("card.pay.apply_terms"))

    def apply(a: Acting) -> None:
        payments.apply_terms(a, calendar["order_id"], chosen)

    if submitted and attempt(lambda: _write(apply), success=t("card.pay.terms_applied")):
        st.rerun()


def _invoice_form(calendar: dict[str, Any]) -> None:
    open_steps = {s["id"]: s for s in calendar["steps"] if s["amount"] > s["invoiced"]}
    if not open_steps:
        return
    step_id = st.selectbox(
        t("card.pay.invoice_step"),
        list(open_steps),
        key="card_pay_inv_step",
        format_func=lambda i: t(
            "card.pay.step_label",
            no=open_steps[i]["step_no"],
            name=open_steps[i]["name"],
            rest=money(open_steps[i]["amount"] - open_steps[i]["invoiced"]),
        ),
    )
    step, today = open_steps[step_id], now().date()
    due = (
        step["due_date"]
        if step["due_date"] and step["due_date"] >= today
        else (today + timedelta(days=DEFAULT_INVOICE_DAYS))
    )
    key = f"card_pay_inv_{step_id}"
    with st.form(f"{key}_form"):
        c1, c2, c3 = st.columns(3)
        issued = c1.date_input(
            t("card.pay.issue_date"), value=today, format="DD.MM.YYYY", key=f"{key}_issued"
        )
        due_date = c2.date_input(
            t("card.pay.due_date"), value=due, format="DD.MM.YYYY", key=f"{key}_due"
        )
        amount_text = c3.text_input(
            t("common.amount"), number(step["amount"] - step["invoiced"], 2), key=f"{key}_amount"
        )
        submitted = st.form_submit_button(t("card.pay.issue_invoice"), type="primary")
    if not submitted:
        return
    try:
        amount = optional_money(amount_text)
    except ValueError as exc:
        input_error(exc)
        return

    def issue(a: Acting) -> None:
        payments.issue_invoice(
            a,
            calendar["order_id"],
            step_id=step_id,
            issue_date=issued,
            due_date=due_date,
            amount=amount,
        )

    if attempt(lambda: _write(issue), success=t("card.pay.invoice_issued")):
        st.rerun()


def payment_form(invoice: dict[str, Any], prefix: str) -> None:
    """A payment against one invoice (order_id, invoice_id, number, outstanding)."""
    key = f"{prefix}_{invoice['invoice_id']}"
    with st.form(f"{key}_form"):
        st.text(
            t(
                "card.pay.payment_for",
                number=invoice["number"],
                outstanding=money(invoice["outstanding"]),
            )
        )
        c1, c2, c3 = st.columns(3)
        paid_on = c1.date_input(
            t("card.pay.payment_date"), value=now().date(), format="DD.MM.YYYY", key=f"{key}_date"
        )
        amount_text = c2.text_input(
            t("common.amount"), number(invoice["outstanding"], 2), key=f"{key}_amount"
        )
        doc_no = c3.text_input(t("card.pay.doc_no"), key=f"{key}_doc")
        submitted = st.form_submit_button(t("card.pay.record_payment"), type="primary")
    if not submitted:
        return
    try:
        amount = optional_money(amount_text)
    except ValueError as exc:
        input_error(exc)
        return

    def record(a: Acting) -> None:
        payments.record_payment(
            a,
            invoice["order_id"],
            invoice_id=invoice["invoice_id"],
            payment_date=paid_on,
            amount=amount,
            doc_no=doc_no,
        )

    if attempt(lambda: _write(record), success=t("card.pay.payment_saved")):
        st.rerun()


def _totals(calendar: dict[str, Any]) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric(t("card.pay.order_total"), money(calendar["total"]))
    if calendar["payments_visible"]:
        c2.metric(t("card.pay.paid"), money(calendar["paid"]))
        c3.metric(t("card.pay.outstanding"), money(calendar["outstanding"]))
    if calendar["problem"]:
        st.warning(t("card.pay.total_problem"))
        st.text(calendar["problem"])


def render(order: dict[str, Any], plan_writable: bool, payments_writable: bool) -> None:
    order_id, finished = order["id"], order["status"] in FINISHED_STATUSES
    with desk().reading() as a:
        calendar = payments.payment_calendar(a, order_id)
        templates = payments.terms_templates(a) if plan_writable else []
    _totals(calendar)
    st.text(t("card.pay.terms_now", name=calendar["template_name"] or EMPTY))
    # The store keeps the terms once a step is invoiced or the order is closed or cancelled.
    if plan_writable and not finished and not any(s["invoiced"] for s in calendar["steps"]):
        _terms_form(calendar, templates)
    if calendar["steps"]:
        st.dataframe(
            _steps_table(calendar["steps"]), hide_index=True, width="stretch", key="card_pay_steps"
        )
    else:
        st.info(t("card.pay.no_steps"))
    if not calendar["payments_visible"]:
        return
    st.subheader(t("card.pay.invoices"))
    invoices = calendar["invoices"]
    if invoices:
        st.dataframe(
            _invoices_table(invoices), hide_index=True, width="stretch", key="card_pay_invoices"
        )
    st.subheader(t("card.pay.payments"))
    if calendar["payments"]:
        st.dataframe(
            _payments_table(calendar["payments"]),
            hide_index=True,
            width="stretch",
            key="card_pay_payments",
        )
    if not payments_writable:
        return
    if not finished:
        _invoice_form(calendar)
    unpaid = {i["id"]: i for i in invoices if i["outstanding"] > 0}
    if unpaid:
        chosen = st.selectbox(
            t("card.pay.pay_invoice"),
            list(unpaid),
            key="card_pay_invoice",
            format_func=lambda i: t(
                "card.pay.invoice_label",
                number=unpaid[i]["number"],
                rest=money(unpaid[i]["outstanding"]),
            ),
        )
        inv = unpaid[chosen]
        payment_form(
            {
                "order_id": order_id,
                "invoice_id": inv["id"],
                "number": inv["number"],
                "outstanding": inv["outstanding"],
            },
            "card_pay_payment",
        )
