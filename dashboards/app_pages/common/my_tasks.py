"""My tasks: the user's own and department tasks, overdue first; open an order, mark one done."""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import role_name, t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day
from dashboards.ui.order_link import open_order
from ingest.service import tasks

FLASH_KEY = "tasks_flash"
TABLE_GEN_KEY = "tasks_table_gen"  # a new table key after a change resets its selection


def _load(include_done: bool) -> tuple[list[dict], dict[str, int]]:
    """The tasks (with whether their order may be opened) and the counts — one short read."""
    with desk().reading() as a:
        found = tasks.my_tasks(a, include_done=include_done)
        counts = tasks.task_counts(a)
        for task in found:
            task["order_readable"] = task["order_id"] is not None and a.can("header", "read", task)
    return found, counts


def _assignee(task: dict) -> str:
    if task["assignee_name"]:
        return task["assignee_name"]
    return t("tasks.department", role=role_name(task["role"]))


def _table_rows(found: list[dict]) -> list[dict]:
    return [{
        t("tasks.col.overdue"): t("tasks.overdue") if task["overdue"] else "",
        t("tasks.col.due"): day(task["due_date"]),
        t("common.order_number"): task["order_number"] or EMPTY,
        t("common.customer"): task["customer_name"] or EMPTY,
        t("tasks.col.title"): task["title"],
        t("tasks.col.assignee"): _assignee(task),
        t("tasks.col.state"): t(f"tasks.state.{task['state']}"),
    } for task in found]  # fmt: skip


def _table_key(show_done: bool) -> str:
    """Changes with the list's content (done shown or not, a task closed): no stale selection."""
    return f"tasks_table_{int(show_done)}_{st.session_state.get(TABLE_GEN_KEY, 0)}"


def _complete(task_id: int) -> bool:
    with desk().writing() as a:
        tasks.complete_task(a, task_id)
    return True


def _actions(task: dict) -> None:
    """What can be done with the selected task: open its order, mark it done."""
    st.caption(t("tasks.selected"))
    st.text(f"{day(task['due_date'])} · {task['order_number'] or EMPTY} · {task['title']}")
    c1, c2 = st.columns([1, 1])
    if task["order_readable"] and c1.button(t("tasks.open_order"), key="tasks_open_order"):
        open_order(task["order_number"])
    if task["state"] == "open" and c2.button(t("tasks.mark_done"), type="primary",
                                              key="tasks_mark_done"):  # fmt: skip
        if attempt(lambda: _complete(task["id"])):
            st.session_state[FLASH_KEY] = "tasks.done_ok"
            st.session_state[TABLE_GEN_KEY] = st.session_state.get(TABLE_GEN_KEY, 0) + 1
            st.rerun()


def render() -> None:
    st.title(t("tasks.title"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(t(flash))
    show_done = st.toggle(t("tasks.show_done"), key="tasks_show_done")
    found, counts = _load(show_done)
    c1, c2 = st.columns([1, 1])
    c1.metric(t("tasks.open_count"), counts["open"])
    c2.metric(t("tasks.overdue_count"), counts["overdue"])
    if not found:
        st.info(t("tasks.none_at_all" if show_done else "tasks.none"))
        return
    event = st.dataframe(_table_rows(found), hide_index=True, width="stretch",
                         on_select="rerun", selection_mode="single-row",
                         key=_table_key(show_done))  # fmt: skip
    picked = event.selection.rows if event else []
    if picked and picked[0] < len(found):
        _actions(found[picked[0]])
    else:
        st.caption(t("tasks.pick_hint"))


render()
