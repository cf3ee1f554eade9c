"""New order: the customer (found or added inline), the header, the lines with a live price
preview; saving creates the order (and the new customer) in one write, then opens its card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from dashboards.i18n import t
from dashboards.order_card import sales_tab
from dashboards.session import desk, now
from dashboards.ui import lines_editor, price_preview
from dashboards.ui.actions import attempt
from dashboards.ui.lines_editor import EditedLine
from dashboards.ui.order_link import open_order
from ingest.repos.orders import OrderDraft
from ingest.service import customers, orders, reference, users
from ingest.store.errors import ValidationError

P = "new_order"
LINES = "new_order_lines"
CUSTOMER_FIELDS = (("name", "sales.customer.name"), ("inn", "common.inn"), ("kpp", "common.kpp"),
                   ("address", "common.address"), ("phone", "common.phone"),
                   ("email", "common.email"))  # fmt: skip
FIELD_KEYS = dict(CUSTOMER_FIELDS)


@dataclass(frozen=True)
class Setup:
    prices_read: bool
    prices_write: bool
    own_manager: int | None  # the sales manager who must be responsible (None: choose)
    sources: dict[int, str]
    managers: dict[int, str]
    refs: lines_editor.Refs


def _setup() -> Setup | None:
    with desk().reading() as a:
        if not a.can("header", "write"):
            return None
        choose = a.actor.role != "sales" or a.actor.is_head_of_sales
        return Setup(
            prices_read=a.can("prices", "read"), prices_write=a.can("prices", "write"),
            own_manager=None if choose else a.user_id,
            sources={s["id"]: s["name"] for s in reference.lead_sources(a)},
            managers={u["id"]: u["full_name"]
                      for u in (users.user_choices(a, role="sales") if choose else [])},
            refs=lines_editor.load_refs(a),
        )  # fmt: skip


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _customer_problem(fields: dict[str, str], typed_only: bool) -> str | None:
    """The first problem of a new customer's fields, naming the field (ИНН, КПП...)."""
    if typed_only and not any(fields[f] for f in ("inn", "kpp", "email")):
        return None
    try:
        customers.validate_customer(
            fields["name"] or ("-" if typed_only else ""), fields["inn"],
            _text(fields["kpp"]), _text(fields["email"]),
        )  # fmt: skip
    except ValidationError as exc:
        if typed_only and not fields.get(exc.field):
            return None
        return t("sales.field_error", field=t(FIELD_KEYS.get(exc.field, "common.customer")),
                 reason=exc.reason)  # fmt: skip
    return None


def _customer() -> tuple[int | None, dict[str, str] | None]:
    """(existing customer id, None) or (None, the new customer's fields)."""
    mode = st.radio(t("sales.customer.mode"), ("existing", "new"), key=f"{P}_cust_mode",
                    horizontal=True, format_func=lambda m: t(f"sales.customer.mode_{m}"),
                    label_visibility="collapsed")  # fmt: skip
    if mode == "new":
        columns = st.columns(3)
        fields = {f: columns[i % 3].text_input(t(label), key=f"{P}_c_{f}")
                  for i, (f, label) in enumerate(CUSTOMER_FIELDS)}  # fmt: skip
        problem = _customer_problem(fields, typed_only=True)
        if problem:
            st.error(problem)
        return None, fields
    query = st.text_input(t("sales.customer.search"), key=f"{P}_cust_q")
    with desk().reading() as a:
        found = {c["id"]: c for c in customers.search_customers(a, query)}
    if not found:
        st.info(t("sales.customer.none_found"))
        return None, None
    picked = st.selectbox(
        t("common.customer"), [None, *found], key=f"{P}_cust_pick",
        format_func=lambda i: t("sales.not_set") if i is None
        else t("sales.customer.option", name=found[i]["name"], inn=found[i]["inn"]),
    )  # fmt: skip
    return picked, None


def _header(setup: Setup) -> dict[str, Any]:
    today = now().date()
    st.session_state.setdefault(f"{P}_need", today)
    c1, c2, c3, c4 = st.columns(4)
    sources = setup.sources
    values: dict[str, Any] = {
        "lead_source_id": c1.selectbox(
            t("sales.order.lead_source"), [None, *sources], key=f"{P}_source",
            format_func=lambda i: t("sales.not_set") if i is None else sources[i]),
        "need_date": c3.date_input(t("sales.order.need_date"), key=f"{P}_need",
                                   format="DD.MM.YYYY"),
        "planned_shipment_date": c4.date_input(t("sales.order.planned_shipment"), value=None,
                                               key=f"{P}_ship", format="DD.MM.YYYY"),
    }  # fmt: skip
    if setup.own_manager is None:
        managers = setup.managers
        values["sales_manager_id"] = c2.selectbox(
            t("sales.order.manager"), [None, *managers], key=f"{P}_manager",
            format_func=lambda i: t("sales.no_manager") if i is None else managers[i])  # fmt: skip
    else:
        values["sales_manager_id"] = setup.own_manager
    values["delivery_address"] = _text(st.text_input(t("sales.order.delivery_address"),
                                                     key=f"{P}_address"))  # fmt: skip
    values["comment"] = _text(st.text_area(t("common.comment"), key=f"{P}_comment"))
    return values


def _create(customer_id: int | None, new_customer: dict[str, str] | None,
            header: dict[str, Any], lines: list[EditedLine]) -> tuple[int, str]:  # fmt: skip
    """The new customer (if any) and the order in one write: a refusal stores nothing."""
    with desk().writing() as a:
        if customer_id is None and new_customer is not None:
            customer_id = customers.create_customer(
                a, **{f: _text(v) for f, v in new_customer.items() if f not in ("name", "inn")},
                name=new_customer["name"].strip(), inn=new_customer["inn"].strip(),
                lead_source_id=header["lead_source_id"],
            )  # fmt: skip
        draft = OrderDraft(customer_id=customer_id, lines=tuple(ln.draft for ln in lines),
                           **header)  # fmt: skip
        return orders.create_order(a, draft)


def _save(customer_id, new_customer, header, lines: list[EditedLine]) -> None:
    problems = lines_editor.problem_texts(lines)
    if new_customer is not None and (problem := _customer_problem(new_customer, False)):
        problems.insert(0, problem)
    if customer_id is None and new_customer is None:
        problems.insert(0, t("sales.new.pick_customer"))
    if header["need_date"] is None:
        problems.insert(0, t("sales.field_error", field=t("sales.order.need_date"),
                             reason=t("sales.new.need_date_missing")))  # fmt: skip
    if not lines:
        problems.append(t("sales.lines.empty"))
    for text in problems:
        st.error(text)
    if problems:
        st.error(t("sales.fix_errors"))
        return
    created = attempt(lambda: _create(customer_id, new_customer, header, lines))
    if created:
        lines_editor.reset(P)  # the whole page's state: the next new order starts empty
        st.session_state[sales_tab.FLASH_KEY] = t("sales.new.created", number=created[1])
        open_order(created[1])


def render() -> None:
    st.title(t("sales.new.title"))
    setup = _setup()
    if setup is None:
        st.error(t("sales.new.no_access"))
        return
    st.subheader(t("sales.new.customer"))
    customer_id, new_customer = _customer()
    st.subheader(t("sales.new.order"))
    header = _header(setup)
    st.subheader(t("sales.new.lines"))
    lines_editor.ensure_one(LINES)
    lines = lines_editor.render(LINES, setup.refs, price_inputs=setup.prices_write)
    need: date = header["need_date"] or now().date()
    price_preview.render(lines, need_date=need, show_prices=setup.prices_read,
                         planned_shipment_date=header["planned_shipment_date"])  # fmt: skip
    if st.button(t("sales.new.save"), type="primary", key=f"{P}_save"):
        _save(customer_id, new_customer, header, lines)


render()
