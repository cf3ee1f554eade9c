"""Material prices: the price in force per grade, a new dated price, completing imported grades."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboards.i18n import known_keys, t
from dashboards.order_card.procurement_tab import input_error, optional_decimal, optional_money
from dashboards.session import desk, now
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day, money, number
from ingest.service import Acting, procurement


def category_name(code: str | None) -> str:
    if code is None:
        return EMPTY
    key = f"work.mat.category.{code}"
    return t(key) if key in known_keys() else code


def _table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("work.mat.grade"): r["grade"],
            t("work.mat.category"): category_name(r["category"]),
            t("work.mat.density"): number(r["density_kg_m3"], 0),
            t("work.mat.price"): money(r["price_per_kg"]),
            t("work.mat.valid_from"): day(r["price_valid_from"]),
            t("work.mat.review"): t("work.mat.needs_review") if r["needs_review"] else "",
        }
        for r in rows
    ]


def _write(action: Callable[[Acting], object]) -> bool:
    """Run one store action in its own short write transaction."""
    with desk().writing() as a:
        action(a)
    return True


def _price_form(rows: list[dict[str, Any]]) -> None:
    grades = {r["material_id"]: r["grade"] for r in rows}
    with st.form("mat_price_form"):
        st.subheader(t("work.mat.new_price"))
        c1, c2, c3 = st.columns(3)
        material_id = c1.selectbox(
            t("work.mat.grade"), list(grades), format_func=grades.__getitem__, key="mat_price_grade"
        )
        valid_from = c2.date_input(
            t("work.mat.valid_from"),
            value=now().date(),
            min_value=now().date(),
            format="DD.MM.YYYY",
            key="mat_price_from",
        )
        price_text = c3.text_input(t("work.mat.price"), key="mat_price_value")
        submitted = st.form_submit_button(t("common.save"), type="primary")
    if not submitted:
        return
    try:
        price = optional_money(price_text)
    except ValueError as exc:
        input_error(exc)
        return

    def action(a: Acting) -> None:
        procurement.set_material_price(a, material_id, valid_from, price)

    if attempt(lambda: _write(action), success=t("work.mat.price_saved")):
        st.rerun()


def _review_form(rows: list[dict[str, Any]]) -> None:
    pending = {r["material_id"]: r["grade"] for r in rows if r["needs_review"]}
    if not pending:
        st.caption(t("work.mat.all_reviewed"))
        return
    categories = sorted({r["category"] for r in rows if r["category"]})
    with st.form("mat_review_form"):
        st.subheader(t("work.mat.complete"))
        c1, c2, c3 = st.columns(3)
        material_id = c1.selectbox(
            t("work.mat.grade"),
            list(pending),
            format_func=pending.__getitem__,
            key="mat_review_grade",
        )
        density_text = c2.text_input(t("work.mat.density"), key="mat_review_density")
        category = c3.selectbox(
            t("work.mat.category"), categories, format_func=category_name, key="mat_review_category"
        )
        submitted = st.form_submit_button(t("common.save"), type="primary")
    if not submitted:
        return
    try:
        density = optional_decimal(density_text, t("work.mat.density"))
    except ValueError as exc:
        input_error(exc)
        return

    def action(a: Acting) -> None:
        procurement.complete_material(a, material_id, density, category)

    if attempt(lambda: _write(action), success=t("work.mat.grade_saved")):
        st.rerun()


def render() -> None:
    st.title(t("work.mat.title"))
    with desk().reading() as a:
        rows = procurement.material_prices(a)
        writable = a.can("procurement", "write")
    if not rows:
        st.info(t("common.nothing_found"))
        return
    st.dataframe(_table(rows), hide_index=True, width="stretch", key="mat_table")
    if writable:
        _price_form(rows)
        _review_form(rows)


render()
