"""The card's Продажи tab: the customer (contacts if readable, editable if writable), the order's
header form, the lines (with prices if readable; edited with the lines editor) and the quotes.

The order's ``version`` is kept in session_state when the header is first shown for the order
(``version_key``): a save made against it is refused by the store if someone saved since
(StaleEditError), and the form keeps what was typed. A successful save refreshes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.session import current_user, desk, store
from dashboards.ui import lines_editor, price_preview
from dashboards.ui.actions import attempt, error_text
from dashboards.ui.format import EMPTY, day, moment, money, number, pct, weight_kg
from dashboards.ui.lines_editor import EditedLine
from ingest.access import PermissionDeniedError
from ingest.service import Desk, customers, lines, orders, quotes, reference, users
from ingest.service.lines import LineEdit
from ingest.service.order_pricing import SHAPE_DIMS, price_stored_order
from ingest.service.status_rules import is_open
from ingest.store.errors import NotFoundError
from pricing import OrderResult
from pricing.errors import PricingError

K = "sales_tab"
FLASH_KEY = "sales_tab_flash"
HEADER_FIELDS = ("lead_source_id", "sales_manager_id", "planned_shipment_date",
                 "delivery_address", "comment")  # fmt: skip
CONTACT_FIELDS = ("kpp", "address", "phone", "email")


def version_key(order_id: int) -> str:
    """session_state key of the order version the sales tab's forms were opened at."""
    return f"{K}_{order_id}_version"


def _key(order_id: int, name: str) -> str:
    return f"{K}_{order_id}_{name}"


@dataclass
class View:
    order: dict[str, Any]
    customer: dict[str, Any]
    lines: list[dict[str, Any]]
    problem: str | None
    result: OrderResult | None
    quotes: list[dict[str, Any]]
    can: dict[str, bool]
    sources: dict[int, str] = field(default_factory=dict)
    managers: dict[int, str] = field(default_factory=dict)
    refs: lines_editor.Refs | None = None


def _load(order_id: int, editing: bool) -> View:
    with desk().reading() as a:
        order = orders.get_order(a, order_id)
        can = {"header": a.can("header", "write", order),
               "prices_read": a.can("prices", "read", order),
               "prices": a.can("prices", "write", order),
               "contacts": a.can("contacts", "write", order),
               "manager": a.actor.role != "sales" or a.actor.is_head_of_sales}  # fmt: skip
        found, problem = lines.order_lines(a, order_id)
        result = None
        if can["prices_read"] and found and problem is None:
            result = price_stored_order(a.conn, order)
        view = View(order, customers.order_customer(a, order_id), found, problem, result,
                    quotes.list_quotes(a, order_id) if can["prices_read"] else [], can)  # fmt: skip
        if can["header"]:
            view.sources = {s["id"]: s["name"] for s in reference.lead_sources(a)}
            view.managers = {u["id"]: u["full_name"] for u in users.user_choices(a, role="sales")}
            if order["sales_manager_id"] is not None:
                view.managers.setdefault(order["sales_manager_id"], order["sales_manager_name"])
        if editing:
            view.refs = lines_editor.load_refs(a)
        return view


def _flash(text: str) -> None:
    st.session_state[FLASH_KEY] = text
    st.rerun()


# --- customer -------------------------------------------------------------------------------


def _contacts(order_id: int, customer: dict[str, Any], writable: bool) -> None:
    labels = {f: t(f"common.{f}") for f in CONTACT_FIELDS}
    if not writable:
        for f in CONTACT_FIELDS:
            st.text(f"{labels[f]}: {customer.get(f) or EMPTY}")
        return
    keys = {f: _key(order_id, f"contact_{f}") for f in CONTACT_FIELDS}
    if any(k not in st.session_state for k in keys.values()):
        for f, k in keys.items():
            st.session_state[k] = customer.get(f) or ""
    with st.form(_key(order_id, "contacts_form")):
        columns = st.columns(2)
        typed = {f: columns[i % 2].text_input(labels[f], key=keys[f])
                 for i, f in enumerate(CONTACT_FIELDS)}  # fmt: skip
        submitted = st.form_submit_button(t("common.save"))
    if submitted:
        changes = {f: (v or "").strip() or None for f, v in typed.items()}

        def save() -> bool:
            with desk().writing() as a:
                customers.update_contacts(a, order_id, changes)
            return True

        if attempt(save):
            _flash(t("sales.tab.contacts_saved"))


def _customer(view: View) -> None:
    customer = view.customer
    st.subheader(t("sales.tab.customer"))
    st.text(f"{t('common.customer')}: {customer['name']}")
    st.text(f"{t('common.inn')}: {customer['inn']}")
    if not customer["contacts_visible"]:
        return
    st.caption(t("sales.tab.contacts"))
    _contacts(view.order["id"], customer, view.can["contacts"])
    persons = customer.get("persons") or []
    if persons:
        st.caption(t("sales.tab.persons"))
        st.dataframe([{t("sales.tab.person_name"): p["full_name"],
                       t("sales.tab.person_position"): p["position"] or EMPTY,
                       t("common.phone"): p["phone"] or EMPTY,
                       t("common.email"): p["email"] or EMPTY} for p in persons],
                     hide_index=True, width="stretch")  # fmt: skip


# --- header ---------------------------------------------------------------------------------


def _header_keys(order_id: int) -> dict[str, str]:
    return {f: _key(order_id, f"h_{f}") for f in HEADER_FIELDS}


def forget(order_id: int) -> None:
    """Drop what the tab keeps for the order: the next run shows the store's values afresh."""
    for key in [*_header_keys(order_id).values(), version_key(order_id)]:
        st.session_state.pop(key, None)
    _stop_editing(order_id)


def _ensure_seeded(order: dict[str, Any]) -> None:
    """On first showing (or after the widgets were dropped) keep the version and the values."""
    keys = _header_keys(order["id"])
    ss = st.session_state
    if version_key(order["id"]) in ss and all(k in ss for k in keys.values()):
        return
    _stop_editing(order["id"])
    ss[version_key(order["id"])] = order["version"]
    for f, k in keys.items():
        value = order[f]
        ss[k] = (value or "") if f in ("delivery_address", "comment") else value


def _header_form(view: View) -> None:
    order_id = view.order["id"]
    keys, sources, managers = _header_keys(order_id), view.sources, view.managers
    with st.form(_key(order_id, "header_form")):
        c1, c2, c3 = st.columns(3)
        typed = {
            "lead_source_id": c1.selectbox(
                t("sales.order.lead_source"), [None, *sources], key=keys["lead_source_id"],
                format_func=lambda i: t("sales.not_set") if i is None else sources[i]),
            "sales_manager_id": c2.selectbox(
                t("sales.order.manager"), [None, *managers], key=keys["sales_manager_id"],
                format_func=lambda i: t("sales.no_manager") if i is None else managers[i],
                disabled=not view.can["manager"]),
            "planned_shipment_date": c3.date_input(
                t("sales.order.planned_shipment"), value=None, format="DD.MM.YYYY",
                key=keys["planned_shipment_date"]),
            "delivery_address": st.text_input(t("sales.order.delivery_address"),
                                              key=keys["delivery_address"]),
            "comment": st.text_area(t("common.comment"), key=keys["comment"]),
        }  # fmt: skip
        submitted = st.form_submit_button(t("common.save"), type="primary")
    st.button(t("sales.tab.reload"), key=_key(order_id, "reload"), on_click=forget,
              args=(order_id,))  # fmt: skip
    if not submitted:
        return
    changes = {f: ((v or "").strip() or None) if f in ("delivery_address", "comment") else v
               for f, v in typed.items()}  # fmt: skip
    if not view.can["manager"]:
        changes.pop("sales_manager_id")
    expected = st.session_state[version_key(order_id)]

    def save() -> int:
        with desk().writing() as a:
            return orders.update_header(a, order_id, expected, changes)

    new_version = attempt(save)
    if new_version is not None:
        st.session_state[version_key(order_id)] = new_version
        _flash(t("sales.tab.header_saved"))


def _header(view: View) -> None:
    order = view.order
    st.subheader(t("sales.tab.header"))
    if view.can["header"]:
        _header_form(view)
        return
    for label, value in (
        ("sales.order.lead_source", order["lead_source_name"]),
        ("sales.order.manager", order["sales_manager_name"]),
        ("sales.order.planned_shipment", day(order["planned_shipment_date"])),
        ("sales.order.delivery_address", order["delivery_address"]),
        ("common.comment", order["comment"]),
    ):
        st.text(f"{t(label)}: {value or EMPTY}")


# --- lines ----------------------------------------------------------------------------------


def _dim(value: Decimal) -> str:
    exponent = value.normalize().as_tuple().exponent
    return number(value, min(3, max(0, -exponent)) if isinstance(exponent, int) else 3)


def blank_text(line: dict[str, Any]) -> str:
    """«Круг 60 × 500» — the blank's shape and sizes as typed."""
    sizes = [_dim(line[d]) for d in SHAPE_DIMS.get(line["blank_shape"], ()) if line.get(d)]
    return f"{t('sales.shape.' + line['blank_shape'])} {' × '.join(sizes)}".strip()


LINE_FIGURES = (
    ("sales.col.unit_weight", "unit_weight_kg", weight_kg),
    ("sales.col.line_weight", "line_weight_kg", weight_kg),
)
PRICE_FIGURES = (
    ("sales.col.unit_price", "unit_price_net"),
    ("sales.col.line_net", "line_net"),
    ("sales.col.line_vat", "line_vat"),
    ("sales.col.line_total", "line_total"),
)


def _line_rows(view: View) -> list[dict[str, Any]]:
    """The stored lines as table cells; figures as lines.order_lines gives them to this user."""
    show_prices = view.can["prices_read"]
    rows = []
    for line in view.lines:
        row = {
            t("sales.col.no"): line["line_no"],
            t("common.drawing_number"): line["drawing_no"] or EMPTY,
            t("common.name"): line["name"], t("common.material"): line["material_grade"] or EMPTY,
            t("sales.col.blank"): blank_text(line), t("common.quantity"): line["quantity"],
            t("sales.col.complexity"): number(line["complexity"], 3),
        }  # fmt: skip
        for label, name, show in LINE_FIGURES:
            if line.get(name) is not None:
                row[t(label)] = show(line[name])
        if show_prices:
            row[t("sales.col.surcharges")] = ", ".join(
                f"{name} {pct(value, 2)}" for name, value in (line.get("surcharges") or {}).items()
            ) or EMPTY  # fmt: skip
            for label, name in PRICE_FIGURES:
                row[t(label)] = money(line.get(name))
        rows.append(row)
    return rows


def _editor_prefix(order_id: int) -> str:
    return _key(order_id, "lines")


def _stop_editing(order_id: int) -> None:
    st.session_state.pop(_key(order_id, "editing"), None)
    lines_editor.reset(_editor_prefix(order_id))


def _save_lines(order_id: int, edited: list[EditedLine]) -> None:
    problems = lines_editor.problem_texts(edited)
    for text in problems:
        st.error(text)
    if problems:
        st.error(t("sales.fix_errors"))
        return
    expected = st.session_state[version_key(order_id)]
    edits = [LineEdit(ln.line_id, ln.draft) for ln in edited if ln.draft is not None]

    def save() -> int:
        with desk().writing() as a:
            return lines.save_lines(a, order_id, expected, edits)

    new_version = attempt(save)
    if new_version is not None:
        st.session_state[version_key(order_id)] = new_version
        _stop_editing(order_id)
        _flash(t("sales.tab.lines_saved"))


def _lines(view: View) -> None:
    order, order_id = view.order, view.order["id"]
    st.subheader(t("sales.tab.lines"))
    may_edit = view.can["header"] and view.can["prices_read"]
    if may_edit and view.refs is not None and st.session_state.get(_key(order_id, "editing")):
        prefix = _editor_prefix(order_id)
        edited = lines_editor.render(prefix, view.refs, price_inputs=view.can["prices"])
        price_preview.render(edited, need_date=order["need_date"], vat_rate=order["vat_rate"],
                             planned_shipment_date=order["planned_shipment_date"],
                             show_prices=view.can["prices_read"])  # fmt: skip
        c1, c2 = st.columns(2)
        if c1.button(t("sales.tab.save_lines"), type="primary", key=_key(order_id, "save_lines")):
            _save_lines(order_id, edited)
        c2.button(t("common.cancel"), key=_key(order_id, "cancel_lines"), on_click=_stop_editing,
                  args=(order_id,))  # fmt: skip
        return
    if not view.lines:
        st.info(t("sales.tab.no_lines"))
    else:
        st.dataframe(_line_rows(view), hide_index=True, width="stretch")
    if view.problem:
        st.warning(t("sales.tab.pricing_problem", error=view.problem))
    if view.result is not None:
        price_preview.totals(view.result, view.can["prices_read"])
    if may_edit and st.button(t("sales.tab.edit_lines"), key=_key(order_id, "edit_lines")):
        lines_editor.seed(_editor_prefix(order_id), view.lines)
        st.session_state[_key(order_id, "editing")] = True
        st.rerun()


# --- quotes ---------------------------------------------------------------------------------


def _pdf_loader(quote_id: int) -> Callable[[], bytes]:
    """The PDF is made only when the button is clicked (as this user, access checked)."""
    handle, user = store(), current_user()
    login = user.login if user else ""

    def load() -> bytes:
        with Desk(handle, login).reading() as a:
            return quotes.quote_pdf(a, quote_id)[1]

    return load


def _issue(order_id: int) -> tuple[int, str]:
    with desk().writing() as a:
        return quotes.issue_quote(a, order_id)


def _quotes(view: View) -> None:
    order_id = view.order["id"]
    st.subheader(t("sales.quotes.title"))
    if view.can["prices"] and is_open(view.order["status"]):
        if st.button(t("sales.quotes.issue"), key=_key(order_id, "issue_quote")):
            issued = attempt(lambda: _issue(order_id))
            if issued:
                _flash(t("sales.quotes.issued", number=issued[1]))
    if not view.quotes:
        st.info(t("sales.quotes.none"))
        return
    st.dataframe([{
        t("sales.quotes.number"): q["number"], t("sales.quotes.issued_at"): moment(q["issued_at"]),
        t("sales.quotes.valid_until"): day(q["valid_until"]), t("common.net"): money(q["net"]),
        t("common.vat"): money(q["vat"]), t("common.total"): money(q["total"]),
        t("sales.quotes.issued_by"): q["issued_by_name"] or EMPTY,
    } for q in view.quotes], hide_index=True, width="stretch")  # fmt: skip
    for q in view.quotes:
        st.download_button(
            t("sales.quotes.download", number=q["number"]), _pdf_loader(q["id"]),
            file_name=f"{q['number'].replace('/', '-')}.pdf", mime="application/pdf",
            key=_key(order_id, f"pdf_{q['id']}"),
        )  # fmt: skip


def render(order_id: int) -> None:
    """The Продажи tab of the order card."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
    try:
        view = _load(order_id, editing=bool(st.session_state.get(_key(order_id, "editing"))))
    except (PermissionDeniedError, NotFoundError, PricingError) as exc:
        st.error(error_text(exc))
        return
    _ensure_seeded(view.order)
    _customer(view)
    _header(view)
    _lines(view)
    if view.can["prices_read"]:
        _quotes(view)
