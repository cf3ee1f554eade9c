"""Running a store action from a page: refusals become one clear message, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from dashboards.i18n import t
from dashboards.ui.escape import md_escape
from dashboards.ui.format import moment
from ingest.access import PermissionDeniedError
from ingest.store.errors import (
    NotFoundError,
    StaleEditError,
    StoreBusyError,
    StoreError,
    ValidationError,
)
from pricing.errors import PricingError

T = TypeVar("T")


def error_text(exc: Exception) -> str:
    """The message a person sees for a refused or failed action."""
    if isinstance(exc, StaleEditError):
        return t("common.stale", who=exc.changed_by or "—", when=moment(exc.changed_at))
    if isinstance(exc, StoreBusyError):
        return t("common.busy")
    return str(exc)


def attempt(action: Callable[[], T], *, success: str | None = None) -> T | None:
    """Run action; on a refusal show why (the form keeps what the user typed) and return None."""
    try:
        result = action()
    except (PermissionDeniedError, ValidationError, StaleEditError, StoreBusyError,
            NotFoundError, PricingError, StoreError) as exc:  # fmt: skip
        st.error(md_escape(error_text(exc)))  # store messages may quote what the user typed
        return None
    if success:
        st.toast(success)
    return result
