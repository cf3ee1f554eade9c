"""Access rights: the role x field group matrix; the admin changes a cell, leadership reads it."""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import role_name, t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from ingest.access import FIELD_GROUPS
from ingest.service import access_admin
from ingest.service.access_admin import ACCESS_LEVELS, SCOPES
from zakaz.domain import ROLES

FLASH_KEY = "admin_access_flash"


def _cell(access: str, scope: str) -> str:
    if access == "none":
        return t("admin.access.level.none")
    return t("admin.access.cell", access=t(f"admin.access.level.{access}"),
             scope=t(f"admin.access.scope.{scope}"))  # fmt: skip


def _grid(rules: dict[tuple[str, str], tuple[str, str]]) -> list[dict]:
    """One row per field group, one column per role."""
    return [
        {t("admin.access.group"): t(f"admin.group.{group}"),
         **{role_name(role): _cell(*rules[role, group]) for role in ROLES}}
        for group in FIELD_GROUPS
    ]  # fmt: skip


def _save(role: str, group: str, access: str, scope: str) -> str:
    with desk().writing() as a:
        changed = access_admin.set_access_rule(a, role, group, access, scope)
    return "admin.access.saved" if changed else "admin.access.unchanged"


def _edit(rules: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Pick a cell (role, field group), then set its access and scope."""
    st.subheader(t("admin.access.edit"))
    c1, c2 = st.columns([1, 2])
    role = c1.selectbox(t("admin.access.role"), list(ROLES), format_func=role_name,
                        key="admin_access_role")  # fmt: skip
    group = c2.selectbox(t("admin.access.group"), FIELD_GROUPS, key="admin_access_group",
                         format_func=lambda g: t(f"admin.group.{g}"))  # fmt: skip
    access, scope = rules[role, group]
    st.caption(t("admin.access.current", cell=_cell(access, scope)))
    with st.form("admin_access_cell"):
        c1, c2 = st.columns([1, 1])
        new_access = c1.selectbox(t("admin.access.access"), ACCESS_LEVELS,
                                  index=ACCESS_LEVELS.index(access),
                                  format_func=lambda v: t(f"admin.access.level.{v}"),
                                  key=f"admin_access_level_{role}_{group}")  # fmt: skip
        new_scope = c2.selectbox(t("admin.access.scope"), SCOPES, index=SCOPES.index(scope),
                                 format_func=lambda v: t(f"admin.access.scope.{v}"),
                                 key=f"admin_access_scope_{role}_{group}")  # fmt: skip
        submitted = st.form_submit_button(t("admin.access.save"), type="primary")
    if submitted:
        outcome = attempt(lambda: _save(role, group, new_access, new_scope))
        if outcome:
            st.session_state[FLASH_KEY] = outcome
            st.rerun()


def render() -> None:
    st.title(t("admin.access.title"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(t(flash))
    with desk().reading() as a:
        found = access_admin.access_rules(a)
        editable = a.actor.role == "admin"
    rules = {(r["role"], r["field_group"]): (r["access"], r["scope"]) for r in found}
    st.caption(t("admin.access.intro"))
    st.dataframe(_grid(rules), hide_index=True, width="stretch")
    if editable:
        _edit(rules)
    else:
        st.info(t("admin.access.read_only"))


render()
