"""The card's «Задачи по заказу»: every task of the order, and for leadership, department heads
and the admin a form to assign a task by hand to any active user (tasks.assign_task).

Who may assign is a role rule outside the field-group matrix; the panel mirrors it so nobody sees
a form the store would refuse (the store still checks on save).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dashboards.i18n import role_name, t
from dashboards.session import desk, now
from dashboards.ui.actions import attempt
from dashboards.ui.escape import md_escape
from dashboards.ui.format import day
from ingest.service import orders, tasks, users

K = "tasks_panel"
FLASH_KEY = "tasks_panel_flash"


def _key(order_id: int, name: str) -> str:
    return f"{K}_{order_id}_{name}"


def _load(order_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    """The order's tasks, and the users one may assign to (None: no form) — one short read.
    A cancelled order takes no new tasks (the store refuses them)."""
    with desk().reading() as a:
        found = tasks.order_tasks(a, order_id)
        open_order = orders.get_order(a, order_id)["status"] != "cancelled"
        people = users.user_choices(a) if open_order and tasks.may_assign(a) else None
    return found, people


def _assignee(task: dict[str, Any]) -> str:
    if task["assignee_name"]:
        return task["assignee_name"]
    return t("notify.card.department", role=role_name(task["role"]))


def _rows(found: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{
        t("notify.card.col.due"): day(task["due_date"]),
        t("notify.card.col.overdue"): t("notify.card.overdue") if task["overdue"] else "",
        t("notify.card.col.title"): task["title"],
        t("notify.card.col.assignee"): _assignee(task),
        t("notify.card.col.state"): t(f"tasks.state.{task['state']}"),
        t("notify.card.col.source"): t("notify.card.source.rule" if task["rule_key"]
                                       else "notify.card.source.manual"),
    } for task in found]  # fmt: skip


def _assign(order_id: int, assignee_id: int, title: str, due: date) -> int:
    with desk().writing() as a:
        return tasks.assign_task(a, order_id, assignee_id=assignee_id, title=title, due_date=due)


def _form(order_id: int, people: list[dict[str, Any]]) -> None:
    """Assign a task: whom, what, by when; the form keeps its input when the store refuses."""
    by_id = {p["id"]: p for p in people}

    def label(user_id: int) -> str:
        person = by_id[user_id]
        return t("notify.card.user", name=person["full_name"], role=role_name(person["role"]))

    with st.form(_key(order_id, "form")):
        st.caption(t("notify.card.assign"))
        c1, c2, c3 = st.columns([2, 3, 1])
        assignee = c1.selectbox(t("notify.card.assignee"), list(by_id), format_func=label,
                                key=_key(order_id, "assignee"))  # fmt: skip
        title = c2.text_input(t("notify.card.task_title"), key=_key(order_id, "title"))
        today = now().date()  # a past due date is refused by the store anyway
        due = c3.date_input(t("notify.card.due"), value=today, min_value=today,
                            format="DD.MM.YYYY", key=_key(order_id, "due"))  # fmt: skip
        submitted = st.form_submit_button(t("notify.card.submit"), type="primary")
    if not submitted:
        return
    title = (title or "").strip()
    if not title:
        st.error(t("notify.card.title_required"))
        return
    if attempt(lambda: _assign(order_id, assignee, title, due)) is None:
        return
    st.session_state.pop(_key(order_id, "title"), None)
    name = md_escape(by_id[assignee]["full_name"])  # st.success renders Markdown
    st.session_state[FLASH_KEY] = t("notify.card.assigned", name=name)
    st.rerun()


def render(order_id: int) -> None:
    """The order's tasks (any state) and, for those who may, the assignment form."""
    found, people = _load(order_id)
    with st.expander(t("notify.card.title"), expanded=True):
        flash = st.session_state.pop(FLASH_KEY, None)
        if flash:
            st.success(flash)
        if found:
            st.dataframe(_rows(found), hide_index=True, width="stretch",
                         key=_key(order_id, "table"))  # fmt: skip
        else:
            st.text(t("notify.card.none"))
        if people:
            _form(order_id, people)
