"""The card's «История изменений»: status moves and the audit log of the order.

The store leaves out audit rows of groups the user may not read (history.order_history), so the
history never shows more than the tabs do. Old and new values are shown as stored text.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboards.i18n import known_keys, status_name, t
from dashboards.session import desk
from dashboards.ui.format import EMPTY, moment
from ingest.service import history

HISTORY_LIMIT = 500


def _entity(code: str) -> str:
    key = f"card.hist.entity.{code}"
    return t(key) if key in known_keys() else code


def _action(code: str) -> str:
    key = f"card.hist.action.{code}"
    return t(key) if key in known_keys() else code


def _events_table(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.hist.when"): moment(e["changed_at"]),
            t("card.hist.from"): status_name(e["from_status"]) if e["from_status"] else EMPTY,
            t("card.hist.to"): status_name(e["to_status"]),
            t("card.hist.who"): e["user_name"] or EMPTY,
            t("common.comment"): e["comment"] or "",
        }
        for e in reversed(events)
    ]


def _audit_table(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            t("card.hist.when"): moment(r["logged_at"]),
            t("card.hist.who"): r["user_name"] or EMPTY,
            t("card.hist.what"): _entity(r["entity"]),
            t("card.hist.action"): _action(r["action"]),
            t("card.hist.field"): r["field"] or "",
            t("card.hist.old"): r["old_value"] if r["old_value"] is not None else "",
            t("card.hist.new"): r["new_value"] if r["new_value"] is not None else "",
        }
        for r in rows[:HISTORY_LIMIT]
    ]


def render(order_id: int) -> None:
    with st.expander(t("card.hist.title")):
        with desk().reading() as a:
            events = history.status_events(a, order_id)
            changes = history.order_history(a, order_id)
        st.caption(t("card.hist.status_moves"))
        if events:
            st.dataframe(
                _events_table(events), hide_index=True, width="stretch", key="card_hist_events"
            )
        else:
            st.text(t("card.hist.none"))
        st.caption(t("card.hist.changes"))
        if changes:
            if len(changes) > HISTORY_LIMIT:
                st.text(t("card.hist.shown_last", limit=HISTORY_LIMIT))
            st.dataframe(
                _audit_table(changes), hide_index=True, width="stretch", key="card_hist_changes"
            )
        else:
            st.text(t("card.hist.none"))
