"""Smoke: every page of the registry opens for every role it is listed for, the navigation offers
exactly that role's pages, and a page not listed for a role cannot be reached.

One demo login per role; each login gets one private plant copy for the whole module (the smoke
pages only read — each test checks that rendering wrote nothing to the store).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apptest_helpers import app_test, assert_clean, log_in_as, open_page, plant_store

from dashboards.i18n import t, translate
from dashboards.navigation import PAGES, pages_for
from ingest.service import Desk, orders
from ingest.service.orders import OrderFilters

# One demo login per role (sokolova is the head of sales).
LOGINS = {
    "ivanov": "sales",
    "sokolova": "sales",
    "volkova": "procurement",
    "novikov": "production",
    "orlova": "logistics",
    "pavlov": "finance",
    "makarova": "leadership",
    "admin": "admin",
}
HEADS = {"sokolova"}  # the router lists some analytics pages for department heads too
CARD_PAGE = "app_pages/common/order_card.py"
PLACEHOLDER_TITLE = "…"
UNKNOWN_KEY = "⟦"


def _pages(login: str):
    return pages_for(LOGINS[login], login in HEADS)


CASES = [(login, spec.path) for login in LOGINS for spec in _pages(login)]
UNREACHABLE = [
    (login, spec.path) for login in LOGINS for spec in PAGES if spec not in _pages(login)
]  # fmt: skip


@pytest.fixture(scope="module")
def plant_for(demo_template, tmp_path_factory):
    """login -> a plant folder for that login, copied once per module."""
    homes: dict[str, Path] = {}

    def home(login: str) -> Path:
        if login not in homes:
            target = tmp_path_factory.mktemp(f"smoke_{login}")
            shutil.copy2(demo_template / "app.duckdb", target / "app.duckdb")
            homes[login] = target
        return homes[login]

    return home


def _logged_in(plant_for, monkeypatch, login: str):
    at = app_test(plant_for(login), monkeypatch)
    user = log_in_as(at, login)
    assert user.role == LOGINS[login]
    return at


def _store_fingerprint() -> tuple:
    """What a page that writes would change: the audit log, tasks, logins, the outbox."""
    with plant_store().read() as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM audit_log), (SELECT max(id) FROM audit_log), "
            "(SELECT count(*) FROM tasks WHERE state = 'open'), "
            "(SELECT sum(coalesce(failed_logins, 0)) FROM users), "
            "(SELECT count(*) FROM orders), (SELECT count(*) FROM status_events)"
        ).fetchone()


def _texts(at) -> list[str]:
    """Every visible text of the page: values, labels, table headers, tab and expander labels."""
    texts = []
    for root in (at.main, at.sidebar):
        for node in root:
            for attr in ("value", "label", "body", "placeholder", "help"):
                try:
                    value = getattr(node, attr)
                except (AttributeError, TypeError, ValueError, KeyError, IndexError):
                    continue
                if isinstance(value, str):
                    texts.append(value)
                elif attr == "value" and getattr(node, "type", "") == "dataframe":
                    texts.extend(str(c) for c in value.columns)
    return texts


def _assert_page_ok(at) -> None:
    assert_clean(at)
    titles = [title.value for title in at.title]
    assert titles and titles[0].strip() and titles[0] != PLACEHOLDER_TITLE, titles
    unknown = [text for text in _texts(at) if UNKNOWN_KEY in text]
    assert unknown == [], f"texts with unknown catalog keys: {unknown}"


@pytest.mark.parametrize(("login", "page"), CASES, ids=[f"{lg}-{p}" for lg, p in CASES])
def test_page_opens(plant_for, monkeypatch, login, page):
    at = _logged_in(plant_for, monkeypatch, login)
    before = _store_fingerprint()
    open_page(at, page)
    _assert_page_ok(at)
    assert _store_fingerprint() == before, "rendering the page wrote to the store"


def _visible_order(login: str) -> str:
    """An order this user may open, far along the process (most tabs filled in)."""
    with Desk(plant_store(), login).reading() as a:
        for status in ("shipped", "delivered", "ready_to_ship", "production", "agreed"):
            found = orders.list_orders(a, OrderFilters(statuses=(status,), limit=1))
            if found:
                return found[0]["number"]
    raise AssertionError(f"{login} sees no order far along the process")


@pytest.mark.parametrize("login", list(LOGINS))
def test_order_card_opens_with_an_order(plant_for, monkeypatch, login):
    at = _logged_in(plant_for, monkeypatch, login)
    number = _visible_order(login)
    before = _store_fingerprint()
    open_page(at, CARD_PAGE, order=number)
    _assert_page_ok(at)
    assert any(number in text for text in _texts(at)), f"{number} not shown"
    assert _store_fingerprint() == before, "rendering the card wrote to the store"


@pytest.mark.parametrize("login", list(LOGINS))
def test_navigation_offers_exactly_the_roles_pages(plant_for, monkeypatch, login):
    at = _logged_in(plant_for, monkeypatch, login).run()
    assert_clean(at)
    registered = at._registered_pages.values()  # what st.navigation was given
    expected = _pages(login)
    assert sorted(Path(p["script_path"]).resolve() for p in registered) == sorted(
        spec.file.resolve() for spec in expected
    )
    assert sorted(p["page_name"] for p in registered) == sorted(t(s.title) for s in expected)


def test_procurement_has_no_new_order_page(plant_for, monkeypatch):
    at = _logged_in(plant_for, monkeypatch, "volkova").run()
    names = {p["page_name"] for p in at._registered_pages.values()}
    assert translate("nav.new_order", "ru") == "Новый заказ"
    assert "Новый заказ" not in names and "Заказы" in names


@pytest.mark.parametrize(("login", "page"), UNREACHABLE, ids=[f"{lg}-{p}" for lg, p in UNREACHABLE])
def test_unlisted_page_cannot_be_reached(plant_for, monkeypatch, login, page):
    at = _logged_in(plant_for, monkeypatch, login).run()
    with pytest.raises(ValueError):
        at.switch_page(page)


def test_every_role_is_covered():
    assert set(LOGINS.values()) == {role for spec in PAGES for role in spec.roles}
    assert len(CASES) == sum(len(_pages(login)) for login in LOGINS)
    assert any(spec.heads for spec in PAGES)  # head-aware pages exist and are covered
    assert len(_pages("sokolova")) > len(pages_for("sales"))
