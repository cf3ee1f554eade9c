"""No user's data reaches another user through a cache.

1. Static: every ``st.cache_data`` in dashboards/ is ``scope="session"`` or an allow-listed,
   user-independent function; no cached function (data or resource) takes user-ish parameters or
   asks who the user is (desk(), current_user(), session_state) inside.
2. Behavioural: two sessions in one process (so sharing one Streamlit cache) as two sales
   managers see only their own orders and tasks, whichever goes first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from apptest_helpers import app_test, assert_clean, log_in_as, open_page, plant_store

import dashboards

DASHBOARDS = Path(dashboards.__file__).parent
ORDERS_PAGE = "app_pages/common/orders_list.py"
TASKS_PAGE = "app_pages/common/my_tasks.py"

# "<path relative to dashboards/>:<function>" cached globally (scope="global") on purpose: the
# result must not depend on who asks (reference data such as the materials list).
GLOBAL_CACHE_DATA_ALLOWED: frozenset[str] = frozenset()
# Who-is-asking: a cached function must neither take nor look these up.
USER_PARAMETERS = frozenset({"a", "acting", "desk", "user", "login", "user_id", "actor",
                             "session", "auth", "role"})  # fmt: skip
USER_LOOKUPS = frozenset({"desk", "current_user", "session_state", "Desk", "acting"})


def _cache_kind(decorator: ast.expr) -> tuple[str, ast.Call | None] | None:
    """'cache_data' / 'cache_resource' (+ the call, if called with arguments) or None."""
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
    if name in ("cache_data", "cache_resource"):
        return name, call
    return None


def _scope(call: ast.Call | None) -> str:
    for keyword in call.keywords if call else ():
        if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return "global"


def cached_functions(root: Path = DASHBOARDS) -> list[dict]:
    """Every function decorated with st.cache_data / st.cache_resource under root."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                kind = _cache_kind(decorator)
                if kind is None:
                    continue
                args = node.args
                params = [p.arg for p in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
                found.append({
                    "name": f"{path.relative_to(root)}:{node.name}", "kind": kind[0],
                    "scope": _scope(kind[1]), "params": params, "names": names,
                })  # fmt: skip
    return found


def cache_calls_not_as_decorators(root: Path = DASHBOARDS) -> list[str]:
    """`st.cache_data(func)` / `st.cache_data(...)(func)` outside a decorator: not checkable."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        decorators = {
            id(d) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            for d in n.decorator_list
        }  # fmt: skip
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and id(node) not in decorators
                    and _cache_kind(node.func) is not None):  # fmt: skip
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return sorted(set(found))


def test_the_source_scan_finds_decorators():
    # A sanity check of the scanner itself: the store handle in session.py is a cached resource.
    names = {f["name"]: f for f in cached_functions()}
    store = names["session.py:_store"]
    assert store["kind"] == "cache_resource" and store["params"] == ["home"]


def test_every_cache_data_is_per_session_or_user_independent():
    offenders = [
        f["name"] for f in cached_functions()
        if f["kind"] == "cache_data" and f["scope"] != "session"
        and f["name"] not in GLOBAL_CACHE_DATA_ALLOWED
    ]  # fmt: skip
    assert offenders == [], (
        "st.cache_data shared by all users: use scope='session' or, if the result cannot "
        f"depend on the user, add it to GLOBAL_CACHE_DATA_ALLOWED: {offenders}"
    )


def test_globally_cached_functions_do_not_depend_on_the_user():
    offenders = [
        (f["name"], sorted(set(f["params"]) & USER_PARAMETERS), sorted(f["names"] & USER_LOOKUPS))
        for f in cached_functions()
        if f["scope"] != "session"
        and (set(f["params"]) & USER_PARAMETERS or f["names"] & USER_LOOKUPS)
    ]  # fmt: skip
    assert offenders == []


def test_no_undecorated_cache_wrapping():
    assert cache_calls_not_as_decorators() == []


def test_scanner_catches_a_global_user_cache(tmp_path):
    (tmp_path / "page.py").write_text(
        "import streamlit as st\n"
        "@st.cache_data(ttl=60)\n"
        "def mine(login):\n    return desk().reading()\n"
        "@st.cache_data(scope='session')\n"
        "def per_session(n):\n    return n\n"
        "@st.cache_data\n"
        "def materials():\n    return []\n"
        "wrapped = st.cache_data(ttl=5)(mine)\n",
        encoding="utf-8",
    )
    assert cache_calls_not_as_decorators(tmp_path) == ["page.py:11"]
    found = {f["name"]: f for f in cached_functions(tmp_path)}
    assert found["page.py:mine"]["scope"] == "global"
    assert found["page.py:mine"]["params"] == ["login"] and "desk" in found["page.py:mine"]["names"]
    assert found["page.py:per_session"]["scope"] == "session"
    assert found["page.py:materials"]["scope"] == "global"


# --- behaviour: two users in one process -------------------------------------------------------


def _own_numbers(login: str) -> set[str]:
    with plant_store().read() as conn:
        rows = conn.execute(
            "SELECT o.number FROM orders o JOIN users u ON u.id = o.sales_manager_id "
            "WHERE u.login = ?", [login]
        ).fetchall()  # fmt: skip
    return {number for (number,) in rows}


def _shown_numbers(at) -> set[str]:
    assert_clean(at)
    return set(at.dataframe[0].value["Номер заказа"]) - {"—"}


@pytest.mark.parametrize("first, second", [("ivanov", "petrova"), ("petrova", "ivanov")])
def test_two_managers_see_only_their_own_orders(demo_home, monkeypatch, first, second):
    sessions = {}
    for login in (first, second):
        at = app_test(demo_home, monkeypatch)
        log_in_as(at, login)
        sessions[login] = open_page(at, ORDERS_PAGE)
    own = {login: _own_numbers(login) for login in (first, second)}
    assert own[first] and own[second] and not own[first] & own[second]
    for login, other in ((first, second), (second, first)):
        shown = _shown_numbers(sessions[login])
        assert shown, login
        assert shown <= own[login]
        assert not shown & own[other]
    # and once more, the first session after the second one ran
    assert not _shown_numbers(sessions[first].run()) & own[second]


def test_two_managers_see_only_their_own_tasks(demo_home, monkeypatch):
    shown = {}
    for login in ("ivanov", "petrova", "ivanov"):
        at = app_test(demo_home, monkeypatch)
        log_in_as(at, login)
        shown.setdefault(login, []).append(_shown_numbers(open_page(at, TASKS_PAGE)))
    own = {login: _own_numbers(login) for login in ("ivanov", "petrova")}
    for login, other in (("ivanov", "petrova"), ("petrova", "ivanov")):
        for numbers in shown[login]:
            assert numbers and numbers <= own[login] and not numbers & own[other]
