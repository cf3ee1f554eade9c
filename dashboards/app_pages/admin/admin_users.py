"""Users (admin): the list, a new user, editing role/head/active, a new password, unlocking."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboards.i18n import role_name, t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, day, moment
from ingest.service import users
from zakaz.domain import ROLES

FLASH_KEY = "admin_users_flash"
NEW_FIELDS = ("login", "name", "email", "role", "head", "pw")


def _yes(value: bool) -> str:
    return t("admin.users.yes") if value else t("admin.users.no")


def _table_rows(found: list[dict]) -> list[dict]:
    return [{
        t("admin.users.login"): u["login"], t("admin.users.full_name"): u["full_name"],
        t("common.email"): u["email"] or EMPTY, t("admin.users.role"): role_name(u["role"]),
        t("admin.users.head"): _yes(u["is_head"]), t("admin.users.active"): _yes(u["is_active"]),
        t("admin.users.locked"): moment(u["locked_until"]) if u["locked"] else "",
        t("admin.users.failed"): u["failed_logins"],
        t("admin.users.created_at"): day(u["created_at"]),
        t("admin.users.password_changed"): moment(u["password_changed_at"]),
    } for u in found]  # fmt: skip


def _write(action: Callable, success: str, clear: tuple[str, ...] = ()) -> None:
    """Run a user action in one short write; on success forget `clear` keys and show the
    page afresh with a notice. On a refusal the form keeps what was typed."""

    def run() -> bool:
        with desk().writing() as a:
            action(a)
        return True

    if attempt(run):
        for key in clear:
            st.session_state.pop(key, None)
        st.session_state[FLASH_KEY] = success
        st.rerun()


def _role_select(label: str, key: str, current: str = "sales") -> str:
    roles = list(ROLES)
    return st.selectbox(label, roles, index=roles.index(current), format_func=role_name, key=key)


def _new_user_form() -> None:
    keys = {field: f"admin_users_new_{field}" for field in NEW_FIELDS}
    with st.expander(t("admin.users.new")), st.form("admin_users_new"):
        c1, c2 = st.columns([1, 1])
        login = c1.text_input(t("admin.users.login"), key=keys["login"])
        full_name = c2.text_input(t("admin.users.full_name"), key=keys["name"])
        email = c1.text_input(t("common.email"), key=keys["email"])
        with c2:
            role = _role_select(t("admin.users.role"), keys["role"])
        is_head = c1.checkbox(t("admin.users.head"), key=keys["head"])
        password = c2.text_input(t("admin.users.password"), type="password", key=keys["pw"],
                                 help=t("admin.users.password_help"))  # fmt: skip
        submitted = st.form_submit_button(t("admin.users.create"), type="primary")
    if submitted:
        _write(lambda a: users.create_user(a, login=login, full_name=full_name, email=email,
                                           role=role, is_head=is_head, password=password),
               "admin.users.created", clear=tuple(keys.values()))  # fmt: skip


def _edit_form(user: dict) -> None:
    uid = user["id"]
    with st.form(f"admin_users_edit_{uid}"):
        c1, c2 = st.columns([1, 1])
        full_name = c1.text_input(t("admin.users.full_name"), value=user["full_name"],
                                  key=f"admin_users_edit_name_{uid}")  # fmt: skip
        email = c2.text_input(t("common.email"), value=user["email"] or "",
                              key=f"admin_users_edit_email_{uid}")  # fmt: skip
        with c1:
            role = _role_select(t("admin.users.role"), f"admin_users_edit_role_{uid}",
                                user["role"])  # fmt: skip
        is_head = c2.checkbox(t("admin.users.head"), value=bool(user["is_head"]),
                              key=f"admin_users_edit_head_{uid}")  # fmt: skip
        is_active = c2.checkbox(t("admin.users.active"), value=bool(user["is_active"]),
                                key=f"admin_users_edit_active_{uid}")  # fmt: skip
        submitted = st.form_submit_button(t("admin.users.save"), type="primary")
    if submitted:
        _write(lambda a: users.update_user(a, uid, full_name=full_name, email=email, role=role,
                                           is_head=is_head, is_active=is_active),
               "admin.users.saved")  # fmt: skip


def _password_form(user: dict) -> None:
    uid = user["id"]
    key = f"admin_users_reset_pw_{uid}"
    with st.form(f"admin_users_reset_{uid}"):
        password = st.text_input(t("admin.users.reset"), type="password", key=key,
                                 help=t("admin.users.password_help"))  # fmt: skip
        submitted = st.form_submit_button(t("admin.users.reset_submit"))
    if submitted:
        _write(lambda a: users.reset_password(a, uid, password), "admin.users.reset_done",
               clear=(key,))  # fmt: skip


def _unlock(user: dict) -> None:
    if not (user["locked"] or user["failed_logins"]):
        return
    if user["locked"]:
        st.warning(t("admin.users.is_locked"))
    if st.button(t("admin.users.unlock"), key=f"admin_users_unlock_{user['id']}"):
        _write(lambda a: users.unlock_user(a, user["id"]), "admin.users.unlocked")


def render() -> None:
    st.title(t("admin.users.title"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(t(flash))
    with desk().reading() as a:
        found = users.list_users(a)
    st.caption(t("admin.users.count", count=len(found)))
    st.dataframe(_table_rows(found), hide_index=True, width="stretch")
    _new_user_form()
    st.subheader(t("admin.users.edit"))
    by_id = {u["id"]: u for u in found}
    uid = st.selectbox(
        t("admin.users.pick"), list(by_id), key="admin_users_pick",
        format_func=lambda i: f"{by_id[i]['login']} — {by_id[i]['full_name']}",
    )  # fmt: skip
    if uid is None:
        return
    user = by_id[uid]
    _unlock(user)
    c1, c2 = st.columns([2, 1])
    with c1:
        _edit_form(user)
    with c2:
        _password_form(user)


render()
