"""What a failed action shows the user, counted the way the pages would show it.

dashboards.ui.actions.attempt turns a StoreError (PermissionDeniedError, ValidationError,
StaleEditError, StoreBusyError, NotFoundError are all StoreErrors) or a PricingError into one
message (actions.error_text); anything else reaches the page as a traceback: unexpected.
`on_screen` is actions.error_text without importing streamlit (4 s of CPU per process, times
eight writers on two cores); tests/soak checks the two give the same text.
"""

from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dashboards.i18n import t
from dashboards.ui.format import moment
from ingest.store.errors import StaleEditError, StoreBusyError, StoreError
from pricing.errors import PricingError

SAMPLES = 20
SHOWN = (StoreError, PricingError)


def on_screen(exc: Exception) -> str:
    """The text the page shows for a refused action (= dashboards.ui.actions.error_text)."""
    if isinstance(exc, StaleEditError):
        return t("common.stale", who=exc.changed_by or "—", when=moment(exc.changed_at))
    if isinstance(exc, StoreBusyError):
        return t("common.busy")
    return str(exc)


@dataclass
class ShownErrors:
    shown: Counter = field(default_factory=Counter)  # on-screen text -> count
    by_action: Counter = field(default_factory=Counter)  # what the user was doing -> count
    unexpected: list[str] = field(default_factory=list)  # tracebacks (the first SAMPLES)
    unexpected_count: int = 0

    def record(self, action: str, exc: Exception) -> None:
        self.by_action[action] += 1
        if isinstance(exc, SHOWN):
            self.shown[on_screen(exc)] += 1
            return
        self.unexpected_count += 1
        if len(self.unexpected) < SAMPLES:
            self.unexpected.append(f"{action}: " + "".join(traceback.format_exception(exc)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "errors": dict(self.shown),
            "error_ops": dict(self.by_action),
            "unexpected": self.unexpected,
            "unexpected_count": self.unexpected_count,
        }
