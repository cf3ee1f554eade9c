"""Notification rules: per new status the tasks (department, assignee, due date) and the email
recipients, and the email templates. The admin edits them; leadership reads them.

Rules apply to the next status event (each event run reads them afresh); every change is
audited by the store (ingest/service/notifications.py).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.i18n import known_keys, role_name, status_name, t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from ingest.notify.rules import ASSIGNEES, DEPARTMENTS, DUE_BY, RECIPIENTS
from ingest.service import notifications
from zakaz.domain import STATUSES

K = "admin_notifications"
FLASH_KEY = f"{K}_flash"
DUE_KINDS = ("days", *DUE_BY)


def _name(prefix: str, code: str | None) -> str:
    """A code's catalog name; a code the catalog does not know is shown as it is."""
    key = f"notify.{prefix}.{code}"
    return t(key) if key in known_keys() else str(code)


def _recipient(code: str) -> str:
    if code in DEPARTMENTS:
        return t("notify.recipient.role", role=role_name(code))
    return _name("recipient", code)


def _due(rule: dict[str, Any]) -> str:
    if rule["due_by"]:
        return _name("due_by", rule["due_by"])
    if rule["due_working_days"] is None:
        return t("notify.due.none")
    return t("notify.due.days", days=rule["due_working_days"])


def _flash(key: str) -> None:
    st.session_state[FLASH_KEY] = key
    st.rerun()


def _write(action) -> bool | None:
    """Run action(a) in one short write transaction; refusals are shown by attempt()."""

    def run():
        with desk().writing() as a:
            return action(a)

    return attempt(run)


# --- task rules ----------------------------------------------------------------------------


def _task_table(rules: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{
        t("notify.rules.col.status"): status_name(r["status"]),
        t("notify.rules.col.role"): role_name(r["role"]),
        t("notify.rules.col.assignee"): _name("assignee", r["assignee"]),
        t("notify.rules.col.title"): r["title"],
        t("notify.rules.col.due"): _due(r),
        t("notify.rules.col.active"): t("notify.yes" if r["is_active"] else "notify.no"),
    } for r in rules]  # fmt: skip


def _edit_task(rules: list[dict[str, Any]]) -> None:
    by_key = {r["rule_key"]: r for r in rules}
    st.subheader(t("notify.rules.edit_task"))
    key = st.selectbox(t("notify.rules.pick_rule"), list(by_key), key=f"{K}_rule",
                       format_func=lambda k: f"{status_name(by_key[k]['status'])} · "
                                             f"{by_key[k]['title']}")  # fmt: skip
    rule = by_key[key]
    wk = f"{K}_task_{key}"
    due_kind = rule["due_by"] or "days"
    with st.form(wk):
        title = st.text_input(t("notify.rules.col.title"), value=rule["title"], key=f"{wk}_title")
        c1, c2 = st.columns([1, 1])
        role = c1.selectbox(t("notify.rules.col.role"), DEPARTMENTS, key=f"{wk}_role",
                            index=DEPARTMENTS.index(rule["role"]),
                            format_func=role_name)  # fmt: skip
        assignee = c2.selectbox(t("notify.rules.col.assignee"), ASSIGNEES, key=f"{wk}_assignee",
                                index=ASSIGNEES.index(rule["assignee"]),
                                format_func=lambda c: _name("assignee", c))  # fmt: skip
        c1, c2 = st.columns([1, 1])
        kind = c1.selectbox(t("notify.rules.due_kind"), DUE_KINDS, key=f"{wk}_due_kind",
                            index=DUE_KINDS.index(due_kind),
                            format_func=lambda c: t("notify.due.kind.days") if c == "days"
                            else _name("due_by", c))  # fmt: skip
        days = c2.number_input(t("notify.rules.due_days"), min_value=0, max_value=250, step=1,
                               value=int(rule["due_working_days"] or 0),
                               key=f"{wk}_days")  # fmt: skip
        active = st.checkbox(t("notify.rules.active"), value=bool(rule["is_active"]),
                             key=f"{wk}_active")  # fmt: skip
        submitted = st.form_submit_button(t("notify.rules.save"), type="primary")
    if submitted:
        changed = _write(lambda a: notifications.update_task_rule(
            a, key, title=title, role=role, assignee=assignee, is_active=active,
            due_working_days=int(days) if kind == "days" else None,
            due_by=None if kind == "days" else kind))  # fmt: skip
        if changed is not None:
            _flash("notify.rules.saved" if changed else "notify.rules.unchanged")


# --- email recipients ----------------------------------------------------------------------


def _email_table(emails: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{
        t("notify.rules.col.status"): status_name(e["status"]),
        t("notify.rules.col.recipients"): ", ".join(_recipient(r) for r in e["recipients"])
        or t("notify.rules.nobody"),
    } for e in emails]  # fmt: skip


def _edit_emails(emails: list[dict[str, Any]]) -> None:
    current = {e["status"]: e["recipients"] for e in emails}
    st.subheader(t("notify.rules.edit_emails"))
    status = st.selectbox(t("notify.rules.pick_status"), STATUSES, format_func=status_name,
                          key=f"{K}_email_status")  # fmt: skip
    with st.form(f"{K}_emails_{status}"):
        chosen = st.multiselect(t("notify.rules.recipients"), RECIPIENTS, format_func=_recipient,
                                default=current.get(status, []),
                                key=f"{K}_emails_{status}_pick")  # fmt: skip
        submitted = st.form_submit_button(t("notify.rules.save_recipients"), type="primary")
    if submitted:
        changed = _write(lambda a: notifications.set_email_recipients(a, status, list(chosen)))
        if changed is not None:
            _flash("notify.rules.recipients_saved" if changed else "notify.rules.unchanged")


# --- templates -----------------------------------------------------------------------------


def _placeholders(template: dict[str, Any]) -> None:
    st.caption(t("notify.tpl.placeholders"))
    st.dataframe([{t("notify.tpl.col.placeholder"): "{" + name + "}",
                   t("notify.tpl.col.meaning"): _name("ph", name)}
                  for name in template["placeholders"]], hide_index=True)  # fmt: skip


def _templates(found: list[dict[str, Any]], editable: bool) -> None:
    if not found:
        st.info(t("notify.tpl.none"))
        return
    by_kind = {tpl["kind"]: tpl for tpl in found}
    kind = st.selectbox(t("notify.tpl.kind"), list(by_kind), key=f"{K}_tpl_kind",
                        format_func=lambda k: _name("kind", k))  # fmt: skip
    template = by_kind[kind]
    _placeholders(template)
    if not editable:  # the stored texts as plain text, never rendered
        with st.container(border=True):
            st.text(template["subject"])
            st.text(template["body"])
        return
    wk = f"{K}_tpl_{kind}"
    with st.form(wk):
        subject = st.text_input(t("notify.tpl.subject"), value=template["subject"],
                                key=f"{wk}_subject")  # fmt: skip
        body = st.text_area(t("notify.tpl.body"), value=template["body"], height=320,
                            key=f"{wk}_body")  # fmt: skip
        submitted = st.form_submit_button(t("notify.tpl.save"), type="primary")
    if submitted:
        changed = _write(lambda a: notifications.update_template(a, kind, subject, body))
        if changed is not None:
            _flash("notify.tpl.saved" if changed else "notify.rules.unchanged")


def render() -> None:
    st.title(t("notify.rules.title"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(t(flash))
    with desk().reading() as a:
        rules = notifications.task_rules(a)
        emails = notifications.email_rules(a)
        found = notifications.templates(a)
        editable = a.actor.role == "admin"
    st.caption(t("notify.rules.intro"))
    if not editable:
        st.info(t("notify.rules.read_only"))
    tasks_tab, emails_tab, templates_tab = st.tabs([
        t("notify.rules.tab.tasks"), t("notify.rules.tab.emails"), t("notify.rules.tab.templates"),
    ])  # fmt: skip
    with tasks_tab:
        if rules:
            st.dataframe(_task_table(rules), hide_index=True, width="stretch", key=f"{K}_tasks")
        else:
            st.text(t("notify.rules.none"))
        if editable and rules:
            _edit_task(rules)
    with emails_tab:
        st.dataframe(_email_table(emails), hide_index=True, width="stretch", key=f"{K}_emails")
        if editable:
            _edit_emails(emails)
    with templates_tab:
        _templates(found, editable)


render()
