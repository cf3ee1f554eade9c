"""The logged-in user's session: who they are, their Desk on the plant's store, expiry.

The store handle is a cached resource (one per process and plant folder); it opens nothing by
itself. What a user may see is decided by the store on every call (ingest/service), so the
session only keeps the login — never data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from ingest.service import Desk
from ingest.service.auth import SESSION_IDLE_TIMEOUT, session_expired
from ingest.store import Store

AUTH_KEY = "auth"
NOTICE_KEY = "login_notice"


@dataclass(frozen=True)
class SessionUser:
    user_id: int
    login: str
    full_name: str
    role: str
    is_head: bool


@st.cache_resource
def _store(home: str) -> Store:
    return Store.open(home)


def plant_home() -> str:
    """The plant folder: $ZAKAZ_HOME (set by `zakaz up`), else ./data."""
    return os.environ.get("ZAKAZ_HOME") or "data"


def store() -> Store:
    return _store(os.path.abspath(plant_home()))


def now() -> datetime:
    return datetime.now()


def current_user() -> SessionUser | None:
    """The user of this browser session; None if nobody is logged in or the session expired."""
    auth = st.session_state.get(AUTH_KEY)
    if not auth:
        return None
    if session_expired(auth["last_seen"], now()):
        log_out(notice="common.login.session_expired")
        return None
    auth["last_seen"] = now()
    return auth["user"]


def log_in(user: SessionUser) -> None:
    st.session_state[AUTH_KEY] = {"user": user, "last_seen": now()}
    st.session_state.pop(NOTICE_KEY, None)


def log_out(notice: str | None = None) -> None:
    """Forget the user and everything this session cached or typed."""
    lang = st.session_state.get("lang")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if lang:
        st.session_state["lang"] = lang
    if notice:
        st.session_state[NOTICE_KEY] = notice


def desk() -> Desk:
    """The current user's door into the store (pages call this only after the router's gate)."""
    user = current_user()
    if user is None:
        st.stop()
    return Desk(store(), user.login, clock=now)


__all__ = ["SESSION_IDLE_TIMEOUT", "SessionUser", "current_user", "desk", "log_in", "log_out"]
