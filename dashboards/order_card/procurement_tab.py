"""The card's Снабжение tab: per line material, supplier, planned/actual price and mass, cost,
purchase status and dates; an edit form per line when procurement is writable.

`record_form` is shared with the procurement work page; `optional_money` / `optional_decimal`
(text a person typed -> Decimal or None) with the other tabs' forms.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day, money, number, parse_money, weight_kg
from ingest.service import procurement
from ingest.service.procurement import PROCUREMENT_STATUSES

_SPACES = (" ", "\u00a0", "\u202f", "\u2009")
MASS_FIELDS = frozenset({"planned_mass_kg", "actual_mass_kg"})


def optional_money(text: str) -> Decimal | None:
    """A sum typed in a form (``1 234,50``); blank -> None; ValueError with a Russian message."""
    return parse_money(text) if text.strip() else None


def optional_decimal(text: str, label: str) -> Decimal | None:
    """A quantity or mass typed in a form (``1 234,500``); blank -> None."""
    cleaned = text.strip()
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(t("card.bad_number", field=label, text=text.strip())) from None
    if not value.is_finite():
        raise ValueError(t("card.bad_number", field=label, text=text.strip()))
    return value


def input_error(exc: ValueError) -> None:
    """Why a typed value was not taken. The reason quotes what was typed: plain text only."""
    st.error(t("card.input_invalid"))
    st.text(str(exc))


def status_label(code: str | None) -> str:
    return EMPTY if code is None else t(f"card.proc.status.{code}")


def line_label(row: dict[str, Any]) -> str:
    return f"{row['line_no']}. {row['name']} ({row.get('material_grade') or EMPTY})"


def _table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.line_no"): str(r["line_no"]),
            t("common.name"): r["name"] or EMPTY,
            t("common.material"): r["material_grade"] or EMPTY,
            t("card.proc.line_weight"): weight_kg(r["line_weight_kg"]),
            t("card.proc.supplier"): r["supplier"] or EMPTY,
            t("card.proc.planned_price"): money(r["planned_price_per_kg"]),
            t("card.proc.planned_mass"): weight_kg(r["planned_mass_kg"]),
            t("card.proc.actual_price"): money(r["actual_price_per_kg"]),
            t("card.proc.actual_mass"): weight_kg(r["actual_mass_kg"]),
            t("card.proc.actual_cost"): money(r["actual_material_cost"]),
            t("common.status"): status_label(r["status"]),
            t("card.proc.ordered_date"): day(r["ordered_date"]),
            t("card.proc.received_date"): day(r["received_date"]),
        }
        for r in rows
    ]


def _text(value: Decimal | None, places: int) -> str:
    return "" if value is None else number(value, places)


def _save(line_id: int, values: dict[str, Any]) -> int:
    with desk().writing() as a:
        return procurement.save_procurement(a, line_id, **values)


def record_form(row: dict[str, Any], prefix: str) -> None:
    """Edit one line's procurement record (row: a procurement_tab row); saves and reruns."""
    key = f"{prefix}_{row['line_id']}"
    planned_mass = row["planned_mass_kg"] or row.get("line_weight_kg")
    with st.form(f"{key}_form"):
        st.text(t("card.proc.editing", line=line_label(row)))
        supplier = st.text_input(
            t("card.proc.supplier"), value=row["supplier"] or "", key=f"{key}_supplier"
        )
        c1, c2, c3 = st.columns(3)
        texts = {
            "planned_price_per_kg": c1.text_input(
                t("card.proc.planned_price"),
                _text(row["planned_price_per_kg"], 2),
                key=f"{key}_pprice",
            ),
            "planned_mass_kg": c2.text_input(
                t("card.proc.planned_mass_kg"), _text(planned_mass, 3), key=f"{key}_pmass"
            ),
            "actual_price_per_kg": c1.text_input(
                t("card.proc.actual_price"),
                _text(row["actual_price_per_kg"], 2),
                key=f"{key}_aprice",
            ),
            "actual_mass_kg": c2.text_input(
                t("card.proc.actual_mass_kg"), _text(row["actual_mass_kg"], 3), key=f"{key}_amass"
            ),
            "actual_material_cost": c3.text_input(
                t("card.proc.actual_cost"),
                _text(row["actual_material_cost"], 2),
                key=f"{key}_acost",
            ),
        }
        status = c3.selectbox(
            t("common.status"),
            PROCUREMENT_STATUSES,
            format_func=status_label,
            index=PROCUREMENT_STATUSES.index(row["status"] or "to_order"),
            key=f"{key}_status",
        )
        ordered = c1.date_input(
            t("card.proc.ordered_date"),
            value=row["ordered_date"],
            format="DD.MM.YYYY",
            key=f"{key}_ordered",
        )
        received = c2.date_input(
            t("card.proc.received_date"),
            value=row["received_date"],
            format="DD.MM.YYYY",
            key=f"{key}_received",
        )
        submitted = st.form_submit_button(t("common.save"), type="primary")
    if not submitted:
        return
    try:
        values = {
            "supplier": supplier,
            "status": status,
            "ordered_date": ordered,
            "received_date": received,
            **{k: optional_money(v) for k, v in texts.items() if k not in MASS_FIELDS},
            **{
                k: optional_decimal(v, t(f"card.proc.{k}"))
                for k, v in texts.items()
                if k in MASS_FIELDS
            },
        }
    except ValueError as exc:
        input_error(exc)
        return
    if attempt(lambda: _save(row["line_id"], values), success=t("card.proc.saved")) is not None:
        st.rerun()


def render(order_id: int, writable: bool) -> None:
    with desk().reading() as a:
        rows = procurement.procurement_tab(a, order_id)
    if not rows:
        st.info(t("card.no_lines"))
        return
    st.dataframe(_table(rows), hide_index=True, width="stretch", key="card_proc_table")
    if not writable:
        return
    by_line = {r["line_id"]: r for r in rows}
    line_id = st.selectbox(
        t("card.proc.pick_line"),
        list(by_line),
        format_func=lambda i: line_label(by_line[i]),
        key="card_proc_line",
    )
    record_form(by_line[line_id], "card_proc")
