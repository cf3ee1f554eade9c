"""Opening an order's card from anywhere: the card reads ?order=<number> (shareable links)."""

from __future__ import annotations

import streamlit as st

CARD_PAGE = "app_pages/common/order_card.py"


def open_order(number: str) -> None:
    st.switch_page(CARD_PAGE, query_params={"order": number})


def selected_order_number() -> str | None:
    value = st.query_params.get("order")
    return value.strip() if value else None
