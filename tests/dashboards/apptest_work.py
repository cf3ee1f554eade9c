"""AppTest helpers for the order card and the department work pages (on top of apptest_helpers)."""

from __future__ import annotations

from typing import Any

from apptest_helpers import app_test, log_in_as, open_page, plant_store
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from ingest.service import Desk

CARD = "app_pages/common/order_card.py"
PROCUREMENT = "app_pages/procurement/procurement_work.py"
MATERIALS = "app_pages/procurement/material_prices.py"
PRODUCTION = "app_pages/production/production_work.py"
LOGISTICS = "app_pages/logistics/logistics_work.py"
FINANCE = "app_pages/finance/finance_work.py"


def open_as(demo_home, monkeypatch, login: str, page: str, **query: str) -> AppTest:
    """A logged-in session of `login` on `page` (relative to dashboards/)."""
    at = app_test(demo_home, monkeypatch)
    log_in_as(at, login)
    return open_page(at, page, **query)


def desk(login: str) -> Desk:
    """The same store the app uses, as `login` (to compute what the page should show)."""
    return Desk(plant_store(), login)


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with plant_store().read() as conn:
        return conn.execute(sql, params or []).fetchall()


def scalar(sql: str, params: list | None = None) -> Any:
    found = rows(sql, params)
    return found[0][0] if found else None


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


def metric(at: AppTest, label: str) -> str:
    """The value of the metric with this label (exactly one must exist)."""
    found = [m.value for m in at.metric if m.label == label]
    assert len(found) == 1, (label, [m.label for m in at.metric])
    return found[0]


def table(at: AppTest, *columns: str) -> list[dict[str, Any]]:
    """The rows of the first table with these column headers (st.dataframe keeps no key)."""
    return next(d for d in at.dataframe if set(columns) <= set(d.value.columns)).value.to_dict(
        "records"
    )


def submit(at: AppTest, form: str, label: str) -> AppTest:
    """Click the submit button `label` of form `form` and run."""
    at.button(key=f"FormSubmitter:{form}-{label}").click()
    return at.run()


def widget_keys(at: AppTest, prefix: str) -> list[str]:
    """Keys of the input widgets on the page starting with prefix."""
    widgets = [*at.text_input, *at.selectbox, *at.date_input, *at.checkbox, *at.button]
    return [w.key for w in widgets if w.key and w.key.startswith(prefix)]


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser, as text (element protos and table cells)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)
