"""The outbox: every email the plant sends, by delivery state with counts, and the dead letters
(refused by the mail server) with their last error and a «Отправить снова» button each.

Sending is the pipelines' job (ingest/notify/outbox.py); this page only reads the queue and puts
a dead letter back (notifications.retry_dead), which the next delivery run picks up.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.i18n import known_keys, t
from dashboards.session import desk
from dashboards.ui.actions import attempt
from dashboards.ui.format import EMPTY, moment
from ingest.service import notifications
from ingest.service.notifications import OUTBOX_STATES

K = "admin_outbox"
FLASH_KEY = f"{K}_flash"
LIMIT = 200


def _state(code: str) -> str:
    return t(f"notify.outbox.state.{code}")


def _kind(code: str) -> str:
    key = f"notify.kind.{code}"
    return t(key) if key in known_keys() else code


def _load(state: str | None) -> tuple[dict[str, int], list[dict[str, Any]], list[dict[str, Any]]]:
    """Counts per state, the chosen state's messages and the dead letters — one short read."""
    with desk().reading() as a:
        counts = notifications.outbox_counts(a)
        shown = notifications.outbox(a, state=state, limit=LIMIT)
        dead = notifications.outbox(a, state="dead", limit=LIMIT)
    return counts, shown, dead


def _table(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{
        t("notify.outbox.col.created"): moment(m["created_at"]),
        t("notify.outbox.col.kind"): _kind(m["kind"]),
        t("notify.outbox.col.to"): m["recipient_email"],
        t("notify.outbox.col.subject"): m["subject"],
        t("notify.outbox.col.state"): _state(m["state"]),
        t("notify.outbox.col.attempts"): m["attempts"],
        t("notify.outbox.col.next"): moment(m["next_attempt_at"]) if m["state"] != "sent"
        else EMPTY,
        t("notify.outbox.col.sent"): moment(m["sent_at"]),
        t("notify.outbox.col.error"): m["last_error"] or "",
    } for m in messages]  # fmt: skip


def _retry(message_id: str) -> bool:
    with desk().writing() as a:
        return notifications.retry_dead(a, message_id)


def _dead_letters(dead: list[dict[str, Any]]) -> None:
    st.subheader(t("notify.outbox.dead_title"))
    if not dead:
        st.text(t("notify.outbox.no_dead"))
        return
    for m in dead:
        with st.container(border=True):
            c1, c2 = st.columns([5, 1])
            c1.text(f"{moment(m['created_at'])} · {m['recipient_email']} · {m['subject']}")
            c1.text(f"{t('notify.outbox.col.error')}: {m['last_error'] or EMPTY}")
            if c2.button(t("notify.outbox.retry"), key=f"{K}_retry_{m['id']}"):
                if attempt(lambda mid=m["message_id"]: _retry(mid)) is not None:
                    st.session_state[FLASH_KEY] = "notify.outbox.retried"
                    st.rerun()


def render() -> None:
    st.title(t("notify.outbox.title"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(t(flash))
    st.caption(t("notify.outbox.intro"))
    options = [None, *OUTBOX_STATES]
    state = st.selectbox(t("notify.outbox.show"), options, key=f"{K}_state",
                         format_func=lambda s: t("notify.outbox.all") if s is None
                         else _state(s))  # fmt: skip
    counts, shown, dead = _load(state)
    for column, code in zip(st.columns(len(OUTBOX_STATES)), OUTBOX_STATES, strict=True):
        column.metric(_state(code), counts.get(code, 0))
    if shown:
        if len(shown) >= LIMIT:
            st.caption(t("notify.outbox.shown_last", limit=LIMIT))
        st.dataframe(_table(shown), hide_index=True, width="stretch", key=f"{K}_table")
    else:
        st.text(t("notify.outbox.none"))
    _dead_letters(dead)


render()
