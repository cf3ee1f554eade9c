"""The card's Экономика tab: planned vs actual cost price, material, expenses, profit, efficiency
and margin (economics.order_economics, computed by pricing/), and the order's expenses.

`expense_form` is shared with the production work page (production records only its own
category: the form offers exactly the categories the store accepts from the role).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.order_card.procurement_tab import input_error, optional_money
from dashboards.session import current_user, desk
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day, money, number, pct
from ingest.service import economics, expenses
from ingest.service.expenses import ROLE_CATEGORIES
from zakaz.domain import EXPENSE_CATEGORIES

# (label key, planned figure, actual figure, formatter)
FIGURE_ROWS = (
    ("card.econ.net", "net", "net", money),
    ("card.econ.material", "material_planned", "material_actual", money),
    ("card.econ.expenses", "expenses_planned", "expenses_actual", money),
    ("card.econ.cost_price", "planned_cost_price", "actual_cost_price", money),
    ("card.econ.profit", "planned_profit", "actual_profit", money),
    ("card.econ.efficiency", "planned_efficiency_pct", "actual_efficiency_pct", pct),
    ("card.econ.margin", "planned_margin_pct", "actual_margin_pct", pct),
)


def category_name(code: str) -> str:
    return t(f"card.econ.category.{code}")


def categories_for(role: str) -> tuple[str, ...]:
    """The expense categories this role may record (the store's ROLE_CATEGORIES rule)."""
    allowed = ROLE_CATEGORIES.get(role)
    return tuple(c for c in EXPENSE_CATEGORIES if allowed is None or c in allowed)


def figures_table(econ: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            t("card.econ.figure"): t(label),
            t("card.econ.planned"): fmt(econ[planned]),
            t("card.econ.actual"): fmt(econ[actual]),
        }
        for label, planned, actual, fmt in FIGURE_ROWS
    ]


def _by_category(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.econ.category"): category_name(r["category"]),
            t("card.econ.planned"): money(r["planned"]),
            t("card.econ.actual_recorded"): money(r["actual"]),
            t("card.econ.actual_costed"): money(r["actual_or_planned"]),
        }
        for r in rows
    ]


def expenses_table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.econ.category"): category_name(r["category"]),
            t("card.econ.planned"): money(r["planned"]),
            t("card.econ.actual"): money(r["actual"]),
            t("common.comment"): r["comment"] or "",
            t("card.econ.added"): day(r["created_at"]),
            t("card.econ.added_by"): r["created_by_name"] or EMPTY,
        }
        for r in rows
    ]


def _add(order_id: int, values: dict[str, Any]) -> int:
    with desk().writing() as a:
        return expenses.add_expense(a, order_id, **values)


def expense_form(order_id: int, prefix: str, categories: tuple[str, ...]) -> None:
    """Add an expense to the order (planned, and the actual when known)."""
    key = f"{prefix}_{order_id}_expense"
    with st.form(f"{key}_form"):
        c1, c2, c3 = st.columns(3)
        category = c1.selectbox(
            t("card.econ.category"), categories, format_func=category_name, key=f"{key}_category"
        )
        planned_text = c2.text_input(t("card.econ.planned_amount"), key=f"{key}_planned")
        actual_text = c3.text_input(t("card.econ.actual_amount"), key=f"{key}_actual")
        comment = st.text_input(t("common.comment"), key=f"{key}_comment")
        submitted = st.form_submit_button(t("card.econ.add_expense"), type="primary")
    if not submitted:
        return
    try:
        values = {
            "category": category,
            "planned": optional_money(planned_text),
            "actual": optional_money(actual_text),
            "comment": comment,
        }
    except ValueError as exc:
        input_error(exc)
        return
    if attempt(lambda: _add(order_id, values), success=t("card.econ.expense_saved")):
        for field in ("planned", "actual", "comment"):  # saved: the next expense starts blank
            st.session_state.pop(f"{key}_{field}", None)
        st.rerun()


def _actual_form(rows: list[dict[str, Any]], categories: tuple[str, ...]) -> None:
    """What an expense really cost (its planned amount counts until then)."""
    editable = {r["id"]: r for r in rows if r["category"] in categories}
    if not editable:
        return
    with st.form("card_econ_actual_form"):
        c1, c2 = st.columns(2)
        expense_id = c1.selectbox(
            t("card.econ.expense"),
            list(editable),
            key="card_econ_actual_pick",
            format_func=lambda i: t(
                "card.econ.expense_label",
                category=category_name(editable[i]["category"]),
                planned=money(editable[i]["planned"]),
            ),
        )
        actual_text = c2.text_input(t("card.econ.actual_amount"), key="card_econ_actual_value")
        submitted = st.form_submit_button(t("card.econ.set_actual"))
    if not submitted:
        return
    try:
        actual = optional_money(actual_text)
    except ValueError as exc:
        input_error(exc)
        return

    def save() -> bool:
        with desk().writing() as a:
            expenses.set_expense_actual(a, expense_id, actual)
        return True

    if attempt(save, success=t("card.econ.expense_saved")):
        st.rerun()


def render(order_id: int, expenses_readable: bool, expenses_writable: bool) -> None:
    with desk().reading() as a:
        econ = economics.order_economics(a, order_id)
        rows = expenses.order_expenses(a, order_id) if expenses_readable else []
    if econ["problem"]:
        st.warning(t("card.econ.problem"))
        st.text(econ["problem"])
    c1, c2, c3 = st.columns(3)
    c1.metric(t("card.econ.actual_cost_price"), money(econ["actual_cost_price"]))
    c2.metric(t("card.econ.actual_profit"), money(econ["actual_profit"]))
    c3.metric(t("card.econ.actual_efficiency"), pct(econ["actual_efficiency_pct"]))
    st.dataframe(figures_table(econ), hide_index=True, width="stretch", key="card_econ_table")
    if econ["lines_count"]:
        st.caption(
            t(
                "card.econ.costed_lines",
                done=number(econ["lines_with_actual_cost"]),
                total=number(econ["lines_count"]),
            )
        )
    if econ["expenses_by_category"]:
        st.subheader(t("card.econ.by_category"))
        st.dataframe(
            _by_category(econ["expenses_by_category"]),
            hide_index=True,
            width="stretch",
            key="card_econ_categories",
        )
    if not expenses_readable:
        return
    st.subheader(t("card.econ.expense_list"))
    if rows:
        st.dataframe(expenses_table(rows), hide_index=True, width="stretch", key="card_econ_list")
    else:
        st.text(t("card.econ.no_expenses"))
    user = current_user()
    if expenses_writable and user is not None:
        categories = categories_for(user.role)
        expense_form(order_id, "card_econ", categories)
        _actual_form(rows, categories)
