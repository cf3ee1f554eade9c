"""The login form and the sidebar's user block (language switch, sign out)."""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import LANGUAGES, role_name, t
from dashboards.session import NOTICE_KEY, SessionUser, log_in, log_out, now, store
from ingest.access import PermissionDeniedError
from ingest.service.auth import LoginFailed, LoginLocked, authenticate
from ingest.store.errors import StoreError


def _full_name(login: str) -> str:
    with store().read() as conn:
        row = conn.execute("SELECT full_name FROM users WHERE login = ?", [login]).fetchone()
    return row[0] if row else login


def language_switch() -> None:
    # The widget takes its value from the session key; a `default=` as well makes Streamlit warn.
    if st.session_state.get("lang") not in LANGUAGES:
        st.session_state["lang"] = "ru"
    st.segmented_control(
        t("common.lang.label"),
        options=list(LANGUAGES),
        format_func=lambda code: t(f"common.lang.{code}"),
        key="lang",
    )


def render_login() -> None:
    st.title(t("common.app_title"))
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.info(t(notice))
    with st.form("login"):
        st.subheader(t("common.login.title"))
        login = st.text_input(t("common.login.username"), key="login_name")
        password = st.text_input(t("common.login.password"), type="password", key="login_pw")
        submitted = st.form_submit_button(t("common.login.submit"), type="primary")
    st.caption(t("nav.login_hint"))
    language_switch()
    if not submitted:
        return
    try:
        actor = authenticate(store(), login.strip(), password, now())
    except LoginLocked as exc:
        st.error(t("common.login.locked", until=exc.until.strftime("%H:%M")))
        return
    except (LoginFailed, PermissionDeniedError) as exc:
        st.error(t("common.login.wrong") if isinstance(exc, LoginFailed) else str(exc))
        return
    except StoreError as exc:
        st.error(str(exc))
        return
    log_in(SessionUser(actor.user_id, actor.login, _full_name(actor.login), actor.role,
                       actor.is_head))  # fmt: skip
    st.rerun()


def render_sidebar_user(user: SessionUser) -> None:
    with st.sidebar:
        st.markdown(f"**{t('common.app_title')}**")
        st.caption(t("nav.signed_in_as", name=user.full_name, role=role_name(user.role)))
        language_switch()
        if st.button(t("common.logout"), key="logout"):
            log_out()
            st.rerun()
