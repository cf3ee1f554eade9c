"""Data-layer access: the seeded field group x role matrix, the own-orders scope, the errors."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from plant_fixtures import NOW, make_minimal_plant, order_draft

from ingest.access import (
    FIELD_GROUPS,
    GROUP_NAMES,
    AccessMatrix,
    Actor,
    InactiveUserError,
    PermissionDeniedError,
    load_actor,
    load_matrix,
)
from ingest.repos.orders import create_order, get_order
from ingest.store import NotFoundError, StoreError
from zakaz.domain import ROLES

# One user per role (ids 1 and 2 are the plant's sales managers ivanov and petrova).
EXTRA_USERS = [
    (3, "smirnov", "Смирнов Пётр", "procurement", False, True),
    (4, "kuznetsov", "Кузнецов Олег", "production", False, True),
    (5, "popova", "Попова Мария", "logistics", False, True),
    (6, "volkova", "Волкова Ольга", "finance", False, True),
    (7, "sokolov", "Соколов Андрей", "leadership", False, True),
    (8, "admin", "Администратор", "admin", False, True),
    (9, "sidorov", "Сидоров Сергей", "sales", True, True),  # head of sales
    (10, "fedorov", "Фёдоров Ушедший", "sales", False, False),  # deactivated
]
LOGIN_BY_ROLE = {
    "sales": "ivanov",
    "procurement": "smirnov",
    "production": "kuznetsov",
    "logistics": "popova",
    "finance": "volkova",
    "leadership": "sokolov",
    "admin": "admin",
}

# domain.md, "Access" — written out literally: this is the spec check of the SQL seed.
# Sales: "RW plan, R payments (own)"; every sales rule is limited to own orders.
R, W, N = "read", "write", "none"
EXPECTED_MATRIX = {
    #              sales procurement production logistics finance leadership admin
    "header":       (W,   R,          R,         R,        R,      R,         W),
    "prices":       (W,   N,          N,         N,        R,      R,         R),
    "procurement":  (N,   W,          R,         N,        R,      R,         R),
    "logistics":    (R,   N,          N,         W,        R,      R,         R),
    "payment_plan": (W,   N,          N,         N,        W,      R,         R),
    "payments":     (R,   N,          N,         N,        W,      R,         R),
    "economics":    (N,   N,          N,         N,        R,      R,         R),
    "contacts":     (W,   N,          N,         R,        R,      R,         R),
    # not in domain.md: entering order expenses (docs/access.md explains the addition)
    "expenses":     (N,   N,          W,         N,        W,      R,         R),
}  # fmt: skip
MATRIX_ROLES = ("sales", "procurement", "production", "logistics", "finance", "leadership", "admin")


def _build_plant(home):
    store = make_minimal_plant(home)
    with store.write() as tx:
        tx.executemany(
            "INSERT INTO users (id, login, full_name, role, is_head, password_hash, is_active, "
            "created_at) VALUES (?, ?, ?, ?, ?, 'x', ?, ?)",
            [[*user, NOW] for user in EXTRA_USERS],
        )
        own_id, _ = create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
        other = dataclasses.replace(order_draft(1), sales_manager_id=2)
        other_id, _ = create_order(tx, actor_id=2, draft=other, now=NOW)
        third_id, _ = create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    with store.read() as conn:
        orders = {
            "ivanov": get_order(conn, own_id),
            "petrova": get_order(conn, other_id),
            "ivanov2": get_order(conn, third_id),
        }
    return store, orders


@pytest.fixture(scope="module")
def plant(tmp_path_factory):
    """Read-only shared plant: tests here must not change it."""
    return _build_plant(tmp_path_factory.mktemp("access"))


@pytest.fixture(scope="module")
def seeded(plant):
    store, orders = plant
    with store.read() as conn:
        matrix = load_matrix(conn)
        rules = {
            (role, group): (access, scope)
            for role, group, access, scope in conn.execute(
                "SELECT role, field_group, access, scope FROM access_rules"
            ).fetchall()
        }
        actors = {login: load_actor(conn, login) for login in (*LOGIN_BY_ROLE.values(), "sidorov")}
    return matrix, rules, actors, orders


def test_seeded_matrix_is_domain_md_table(seeded):
    _, rules, _, _ = seeded
    expected = {
        (role, group): (access, "own" if role == "sales" and group != "expenses" else "all")
        for group, row in EXPECTED_MATRIX.items()
        for role, access in zip(MATRIX_ROLES, row, strict=True)
    }
    assert rules == expected
    assert set(MATRIX_ROLES) == set(ROLES)
    assert set(FIELD_GROUPS) == set(EXPECTED_MATRIX)


@pytest.mark.parametrize(
    ("role", "group", "mode"),
    list(itertools.product(MATRIX_ROLES, FIELD_GROUPS, ("read", "write"))),
)
def test_can_and_require_follow_access_rules(seeded, role, group, mode):
    matrix, rules, actors, orders = seeded
    access, scope = rules[(role, group)]  # the expectation comes from the same table
    role_allows = access == "write" or (access == "read" and mode == "read")
    actor = actors[LOGIN_BY_ROLE[role]]
    assert matrix.access(role, group) == access
    assert matrix.scope(role, group) == scope

    foreign = orders["petrova"]  # nobody in LOGIN_BY_ROLE is its manager
    cases = [
        (None, role_allows),  # the role's access, no particular order
        (foreign, role_allows and scope == "all"),
    ]
    if role == "sales":
        cases.append((orders["ivanov"], role_allows))
    for order, allowed in cases:
        manager = None if order is None else order["sales_manager_id"]
        args = (actor, group, mode) if order is None else (actor, group, mode, manager)
        assert matrix.can(*args) is allowed, (order and order["number"], allowed)
        if allowed:
            matrix.require(actor, group, mode, order)
            continue
        with pytest.raises(PermissionDeniedError) as refused:
            matrix.require(actor, group, mode, order)
        message = str(refused.value)
        assert message.startswith("Нет доступа: ")
        assert f"«{ROLES[role][0]}»" in message
        assert f"«{GROUP_NAMES[group]}»" in message
        assert ("читать" if mode == "read" else "изменять") in message
        assert "\n" not in message
        if order is not None:
            assert order["number"] in message
        assert isinstance(refused.value, StoreError)
        assert (refused.value.role, refused.value.group, refused.value.mode) == (role, group, mode)


def test_error_message_example():
    error = PermissionDeniedError.refused(
        role="procurement", group="prices", mode="read", order_number="З-2026-0001"
    )
    assert str(error) == (
        "Нет доступа: роль «Снабжение» не может читать «цены и КП» (заказ З-2026-0001)"
    )


def test_own_orders_scope(seeded):
    matrix, _, actors, orders = seeded
    ivanov, head, finance = actors["ivanov"], actors["sidorov"], actors["volkova"]
    own, other = orders["ivanov"], orders["petrova"]
    assert head.is_head and head.role == "sales"

    for group in ("header", "prices"):
        for mode in ("read", "write"):
            matrix.require(ivanov, group, mode, own)
            with pytest.raises(PermissionDeniedError, match="не ваш заказ") as refused:
                matrix.require(ivanov, group, mode, other)
            assert other["number"] in str(refused.value)
            matrix.require(head, group, mode, own)
            matrix.require(head, group, mode, other)

    for order in (own, other):
        matrix.require(finance, "header", "read", order)
        matrix.require(finance, "prices", "read", order)
        with pytest.raises(PermissionDeniedError, match="«Финансы» не может изменять"):
            matrix.require(finance, "header", "write", order)

    # An order without a responsible manager is nobody's own order.
    orphan = {"number": "З-2026-0999", "sales_manager_id": None}
    assert not matrix.can(ivanov, "header", "read", None)
    with pytest.raises(PermissionDeniedError):
        matrix.require(ivanov, "header", "read", orphan)
    matrix.require(head, "header", "write", orphan)
    # Economics is closed to sales, head or not.
    assert not matrix.can(head, "economics", "read", 1)


def _visible(store, matrix, actor, group="header"):
    where, params = matrix.visible_orders_filter(actor, group)
    with store.read() as conn:
        rows = conn.execute(
            f"SELECT number FROM orders WHERE {where} ORDER BY number", params
        ).fetchall()
    return [number for (number,) in rows]


def test_visible_orders_filter_in_a_real_query(plant, seeded):
    store, orders = plant
    matrix, _, actors, _ = seeded
    everything = sorted(order["number"] for order in orders.values())
    ivanovs = sorted([orders["ivanov"]["number"], orders["ivanov2"]["number"]])
    assert _visible(store, matrix, actors["ivanov"]) == ivanovs
    assert _visible(store, matrix, actors["sidorov"]) == everything
    assert _visible(store, matrix, actors["sokolov"]) == everything
    assert _visible(store, matrix, actors["volkova"], "economics") == everything
    assert _visible(store, matrix, actors["ivanov"], "economics") == []
    assert _visible(store, matrix, actors["smirnov"], "prices") == []
    assert matrix.visible_orders_filter(actors["sokolov"]) == ("TRUE", [])
    assert matrix.visible_orders_filter(actors["smirnov"], "prices") == ("FALSE", [])
    assert matrix.visible_orders_filter(actors["ivanov"]) == ("sales_manager_id = ?", [1])


def test_matrix_is_admin_editable_data(tmp_path):
    store, orders = _build_plant(tmp_path)
    with store.read() as conn:
        smirnov = load_actor(conn, "smirnov")
        before = load_matrix(conn)
    assert _visible(store, before, smirnov) == sorted(o["number"] for o in orders.values())

    with store.write() as tx:
        tx.execute(
            "UPDATE access_rules SET access = 'none' "
            "WHERE role = 'procurement' AND field_group = 'header'"
        )
    with store.read() as conn:
        after = load_matrix(conn)
    assert after.access("procurement", "header") == "none"
    assert after.visible_orders_filter(smirnov) == ("FALSE", [])
    assert _visible(store, after, smirnov) == []
    with pytest.raises(PermissionDeniedError, match="«Снабжение» не может читать"):
        after.require(smirnov, "header", "read", orders["ivanov"])
    # The loaded matrix is a snapshot: the old one is unchanged until reloaded.
    assert before.can(smirnov, "header", "read")


def test_load_actor(seeded, plant):
    store, _ = plant
    _, _, actors, _ = seeded
    assert actors["sidorov"] == Actor(user_id=9, login="sidorov", role="sales", is_head=True)
    assert actors["sidorov"].is_head_of_sales
    assert not actors["ivanov"].is_head_of_sales
    with store.read() as conn:
        with pytest.raises(NotFoundError, match="nobody"):
            load_actor(conn, "nobody")
        with pytest.raises(InactiveUserError, match="fedorov") as refused:
            load_actor(conn, "fedorov")
    assert isinstance(refused.value, PermissionDeniedError)
    with pytest.raises(dataclasses.FrozenInstanceError):
        actors["ivanov"].role = "admin"  # type: ignore[misc]


def test_unknown_role_and_bad_arguments():
    matrix = AccessMatrix({})
    stranger = Actor(user_id=42, login="x", role="intern", is_head=False)
    assert matrix.access("intern", "header") == "none"
    assert not matrix.can(stranger, "header", "read")
    assert matrix.visible_orders_filter(stranger) == ("FALSE", [])
    with pytest.raises(PermissionDeniedError, match="«intern»"):
        matrix.require(stranger, "header", "read")
    with pytest.raises(ValueError):
        matrix.can(stranger, "lines", "read")
    with pytest.raises(ValueError):
        matrix.can(stranger, "header", "delete")
