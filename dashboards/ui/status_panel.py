"""The order's status and the moves this user may make now (status.allowed_moves), shown above
the card's tabs. A move is one write (status.change_status); a refusal — e.g. closing an order
that is not fully paid, which names the outstanding amount — is shown as an error.
"""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import status_name, t
from dashboards.order_card.sales_tab import version_key
from dashboards.session import desk
from dashboards.ui.actions import attempt, error_text
from ingest.access import PermissionDeniedError
from ingest.service import orders, status
from ingest.store.errors import NotFoundError

K = "status_panel"
FLASH_KEY = "status_panel_flash"


def _key(order_id: int, name: str) -> str:
    return f"{K}_{order_id}_{name}"


def _move(order_id: int, to_status: str, comment: str | None) -> int:
    """Change the status; the order's version right after (same transaction)."""
    with desk().writing() as a:
        status.change_status(a, order_id, to_status, comment=comment)
        return orders.get_order(a, order_id)["version"]


def render(order_id: int) -> None:
    """Current status, and a «move to» form with a comment (required to cancel)."""
    ss = st.session_state
    flash = ss.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
    try:
        with desk().reading() as a:
            order = orders.get_order(a, order_id)
            moves = status.allowed_moves(a, order)
    except (PermissionDeniedError, NotFoundError) as exc:
        st.error(error_text(exc))
        return
    st.markdown(f"**{t('sales.status.current', status=status_name(order['status']))}**")
    if not moves:
        st.caption(t("sales.status.no_moves"))
        return
    if ss.get(_key(order_id, "to")) not in moves:
        ss.pop(_key(order_id, "to"), None)
    with st.form(_key(order_id, "form")):
        c1, c2 = st.columns([1, 2])
        to_status = c1.selectbox(t("sales.status.to"), moves, format_func=status_name,
                                 key=_key(order_id, "to"))  # fmt: skip
        comment = c2.text_input(t("sales.status.comment"), key=_key(order_id, "comment"))
        if "cancelled" in moves:
            st.caption(t("sales.status.cancel_hint"))
        submitted = st.form_submit_button(t("sales.status.move"), type="primary")
    if not submitted:
        return
    comment = (comment or "").strip() or None
    if to_status == "cancelled" and comment is None:
        st.error(t("sales.status.reason_required"))
        return
    new_version = attempt(lambda: _move(order_id, to_status, comment))
    if new_version is None:
        return
    # The tab's forms were opened at the version this panel saw: the move is ours, not a
    # concurrent edit, so they stay valid at the new version.
    if ss.get(version_key(order_id)) == order["version"]:
        ss[version_key(order_id)] = new_version
    ss.pop(_key(order_id, "comment"), None)
    ss.pop(_key(order_id, "to"), None)
    ss[FLASH_KEY] = t("sales.status.moved", status=status_name(to_status))
    st.rerun()
