"""User administration and the access matrix page: admin only, validated, audited, and a changed
rule applies to the next request."""

from datetime import timedelta

import pytest
from demo_clock import DEMO_NOW

from ingest.access import FIELD_GROUPS, PermissionDeniedError
from ingest.service import Desk, access_admin, lines, users
from ingest.service.auth import LoginFailed, LoginLocked, authenticate
from ingest.store import Store, ValidationError
from zakaz.domain import ROLES

ADMIN, IVANOV, PETROVA = 1, 3, 4
NOT_ADMINS = ["sokolova", "ivanov", "morozov", "kozlov", "fedorov", "egorova", "sergeev"]


def _desk(home, login: str, now=DEMO_NOW) -> Desk:
    return Desk(Store.open(home), login, clock=lambda: now)


def _audit(home, entity: str, entity_id=None) -> list[tuple]:
    with Store.open(home).read() as conn:
        return conn.execute(
            "SELECT user_id, action, field, old_value, new_value FROM audit_log "
            "WHERE entity = ? AND entity_id IS NOT DISTINCT FROM ? AND logged_at = ? "
            "ORDER BY id",
            [entity, entity_id, DEMO_NOW],
        ).fetchall()


def _user(home, user_id: int) -> dict:
    with Store.open(home).read() as conn:
        cur = conn.execute("SELECT * FROM users WHERE id = ?", [user_id])
        return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def _lock(home, login: str) -> None:
    store = Store.open(home)
    for _ in range(5):
        with pytest.raises((LoginFailed, LoginLocked)):
            authenticate(store, login, "wrong", DEMO_NOW - timedelta(minutes=1))


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("login", NOT_ADMINS)
def test_every_admin_function_is_refused_to_other_roles(demo_home, login):
    calls = [
        lambda a: users.list_users(a),
        lambda a: users.create_user(
            a,
            login="newbie",
            full_name="Новиков Н.",
            email="n@x.ru",
            role="sales",
            is_head=False,
            password="long-enough",
        ),
        lambda a: users.update_user(a, PETROVA, full_name="Хакер"),
        lambda a: users.reset_password(a, PETROVA, "long-enough"),
        lambda a: users.unlock_user(a, PETROVA),
        lambda a: access_admin.set_access_rule(a, "logistics", "prices", "read", "all"),
    ]
    for call in calls:
        with pytest.raises(PermissionDeniedError), _desk(demo_home, login).writing() as a:
            call(a)
    assert _user(demo_home, PETROVA)["full_name"] != "Хакер"
    with Store.open(demo_home).read() as conn:
        newbies = conn.execute("SELECT count(*) FROM users WHERE login = 'newbie'").fetchone()
        rule = conn.execute(
            "SELECT access FROM access_rules WHERE role = 'logistics' AND field_group = 'prices'"
        ).fetchone()
    assert (newbies, rule) == ((0,), ("none",))


def test_access_rules_are_readable_by_admin_and_leadership_only(demo_home):
    for login in ("admin", "sergeev"):
        with _desk(demo_home, login).reading() as a:
            rules = access_admin.access_rules(a)
        assert len(rules) == len(ROLES) * len(FIELD_GROUPS)
        sales_prices = {"role": "sales", "field_group": "prices", "access": "write", "scope": "own"}
        assert sales_prices in rules
    for login in ("sokolova", "egorova", "morozov"):
        with pytest.raises(PermissionDeniedError), _desk(demo_home, login).reading() as a:
            access_admin.access_rules(a)


# --- users ---------------------------------------------------------------------------------


def test_list_users_never_returns_password_hashes(demo_home):
    _lock(demo_home, "petrova")
    with _desk(demo_home, "admin").reading() as a:
        listed = users.list_users(a)
    assert len(listed) == 21
    assert all("password_hash" not in user for user in listed)
    assert not any(str(v).startswith("$argon2") for user in listed for v in user.values())
    petrova = next(u for u in listed if u["id"] == PETROVA)
    assert petrova["locked"] and petrova["failed_logins"] == 5


def test_create_user_stores_it_audits_it_and_the_password_works(demo_home):
    with _desk(demo_home, "admin").writing() as a:
        new_id = users.create_user(
            a,
            login="sidorov",
            full_name=" Сидоров Сидор ",
            email="sidorov@zakaz.local",
            role="procurement",
            is_head=False,
            password="s3cret-pass",
        )
    stored = _user(demo_home, new_id)
    assert (stored["login"], stored["full_name"], stored["role"], stored["is_active"]) == (
        "sidorov",
        "Сидоров Сидор",
        "procurement",
        True,
    )
    assert stored["password_hash"] != "s3cret-pass"
    assert stored["password_changed_at"] == DEMO_NOW
    rows = _audit(demo_home, "user", new_id)
    assert ("password", None, "***") in [r[2:] for r in rows]
    assert ("role", None, "procurement") in [r[2:] for r in rows]
    assert {r[0] for r in rows} == {ADMIN} and {r[1] for r in rows} == {"insert"}
    assert authenticate(Store.open(demo_home), "sidorov", "s3cret-pass", DEMO_NOW).role == (
        "procurement"
    )
    with _desk(demo_home, "ivanov").reading() as a:
        choices = users.user_choices(a, "procurement")
    assert [c["id"] for c in choices if c["login"] == "sidorov"] == [new_id]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("login", {"login": "ab"}),
        ("login", {"login": "Иванов"}),
        ("login", {"login": "x" * 33}),
        ("login", {"login": "IVANOV"}),  # taken, whatever the case
        ("role", {"role": "boss"}),
        ("password", {"password": "short"}),
        ("email", {"email": "no-at-sign"}),
        ("full_name", {"full_name": "  "}),
    ],
)
def test_create_user_rejects_bad_input(demo_home, field, values):
    good = dict(
        login="sidorov",
        full_name="Сидоров С.",
        email="s@zakaz.local",
        role="sales",
        is_head=False,
        password="long-enough",
    )
    with pytest.raises(ValidationError) as bad, _desk(demo_home, "admin").writing() as a:
        users.create_user(a, **{**good, **values})
    assert bad.value.field == field
    with Store.open(demo_home).read() as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 21


def test_update_user_audits_each_changed_field(demo_home):
    with _desk(demo_home, "admin").writing() as a:
        users.update_user(
            a, PETROVA, full_name="Петрова Анна", role="finance", is_head=False, email="  "
        )
    stored = _user(demo_home, PETROVA)
    assert (stored["full_name"], stored["role"], stored["email"]) == (
        "Петрова Анна",
        "finance",
        None,
    )
    rows = _audit(demo_home, "user", PETROVA)
    assert {r[2] for r in rows} == {"full_name", "role", "email"}  # is_head did not change
    assert ("role", "sales", "finance") in [r[2:] for r in rows]
    assert {r[1] for r in rows} == {"update"}
    # The next request already runs with the new role.
    with _desk(demo_home, "petrova").reading() as a:
        assert a.actor.role == "finance"


def test_deactivated_user_cannot_work(demo_home):
    with _desk(demo_home, "admin").writing() as a:
        users.update_user(a, PETROVA, is_active=False)
    with pytest.raises(PermissionDeniedError), _desk(demo_home, "petrova").reading():
        pass
    with _desk(demo_home, "sokolova").reading() as a:
        assert PETROVA not in [c["id"] for c in users.user_choices(a, "sales")]


def test_admin_cannot_lock_themselves_out(demo_home):
    for change in ({"is_active": False}, {"role": "leadership"}):
        with pytest.raises(ValidationError), _desk(demo_home, "admin").writing() as a:
            users.update_user(a, ADMIN, **change)
    stored = _user(demo_home, ADMIN)
    assert (stored["role"], stored["is_active"]) == ("admin", True)
    with _desk(demo_home, "admin").writing() as a:  # other fields of their own are fine
        users.update_user(a, ADMIN, full_name="Главный администратор")
    assert _user(demo_home, ADMIN)["full_name"] == "Главный администратор"


def test_reset_password_masks_it_and_lifts_the_lockout(demo_home):
    _lock(demo_home, "petrova")
    old_hash = _user(demo_home, PETROVA)["password_hash"]
    with _desk(demo_home, "admin").writing() as a:
        users.reset_password(a, PETROVA, "brand-new-pass")
    stored = _user(demo_home, PETROVA)
    assert stored["password_hash"] != old_hash
    assert (stored["failed_logins"], stored["locked_until"]) == (0, None)
    assert stored["password_changed_at"] == DEMO_NOW
    rows = _audit(demo_home, "user", PETROVA)
    assert ("password", "***", "***") in [r[2:] for r in rows]
    assert "locked_until" in [r[2] for r in rows]
    assert authenticate(Store.open(demo_home), "petrova", "brand-new-pass", DEMO_NOW).user_id == 4
    with pytest.raises(ValidationError), _desk(demo_home, "admin").writing() as a:
        users.reset_password(a, PETROVA, "short")


def test_unlock_user(demo_home):
    _lock(demo_home, "petrova")
    with pytest.raises(LoginLocked):
        authenticate(Store.open(demo_home), "petrova", "demo", DEMO_NOW)
    with _desk(demo_home, "admin").writing() as a:
        users.unlock_user(a, PETROVA)
    assert [r[2] for r in _audit(demo_home, "user", PETROVA)] == ["locked_until", "failed_logins"]
    assert authenticate(Store.open(demo_home), "petrova", "demo", DEMO_NOW).user_id == PETROVA


def test_user_choices_for_everyone(demo_home):
    with _desk(demo_home, "orlova").reading() as a:
        everyone = users.user_choices(a)
        procurement = users.user_choices(a, "procurement")
        with pytest.raises(ValidationError):
            users.user_choices(a, "boss")
    assert len(everyone) == 21
    assert set(everyone[0]) == {"id", "login", "full_name", "role", "is_head"}
    assert sorted(c["id"] for c in procurement) == [9, 10, 11]


def test_change_own_password(demo_home):
    with pytest.raises(ValidationError) as wrong, _desk(demo_home, "ivanov").writing() as a:
        users.change_own_password(a, "not-my-password", "new-password-1")
    assert wrong.value.field == "old_password"
    with pytest.raises(ValidationError), _desk(demo_home, "ivanov").writing() as a:
        users.change_own_password(a, "demo", "short")
    with _desk(demo_home, "ivanov").writing() as a:
        users.change_own_password(a, "demo", "new-password-1")
    assert [r[2:] for r in _audit(demo_home, "user", IVANOV)] == [("password", "***", "***")]
    store = Store.open(demo_home)
    assert authenticate(store, "ivanov", "new-password-1", DEMO_NOW).user_id == IVANOV
    with pytest.raises(LoginFailed):
        authenticate(store, "ivanov", "demo", DEMO_NOW)


# --- the access matrix ---------------------------------------------------------------------


def _priced_order(home) -> int:
    with Store.open(home).read() as conn:
        return conn.execute(
            "SELECT min(o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "WHERE o.status = 'production'"
        ).fetchone()[0]


def test_changed_rule_is_audited_and_applies_to_the_next_request(demo_home):
    order_id = _priced_order(demo_home)
    with _desk(demo_home, "orlova").reading() as a:
        before, _ = lines.order_lines(a, order_id)
    assert before and all("line_total" not in ln and "price_per_kg" not in ln for ln in before)

    with _desk(demo_home, "admin").writing() as a:
        assert access_admin.set_access_rule(a, "logistics", "prices", "read", "all")
        assert not access_admin.set_access_rule(a, "logistics", "prices", "read", "all")
    assert _audit(demo_home, "permission") == [
        (ADMIN, "update", "logistics.prices", "none/all", "read/all")
    ]

    with _desk(demo_home, "orlova").reading() as a:
        after, problem = lines.order_lines(a, order_id)
    assert problem is None
    assert all(ln["line_total"] is not None and ln["line_total"] > 0 for ln in after)


@pytest.mark.parametrize(
    ("role", "group", "access", "scope", "field"),
    [
        ("boss", "prices", "read", "all", "role"),
        ("sales", "secrets", "read", "all", "field_group"),
        ("sales", "prices", "admin", "all", "access"),
        ("sales", "prices", "read", "mine", "scope"),
        ("admin", "header", "read", "all", "access"),
        ("admin", "header", "write", "own", "access"),
    ],
)
def test_bad_rules_are_refused(demo_home, role, group, access, scope, field):
    with pytest.raises(ValidationError) as bad, _desk(demo_home, "admin").writing() as a:
        access_admin.set_access_rule(a, role, group, access, scope)
    assert bad.value.field == field
    assert _audit(demo_home, "permission") == []


def test_admin_may_change_their_own_other_rules(demo_home):
    with _desk(demo_home, "admin").writing() as a:
        access_admin.set_access_rule(a, "admin", "prices", "write", "all")
    with _desk(demo_home, "admin").reading() as a:
        rules = access_admin.access_rules(a)
        assert a.can("prices", "write")
    assert {"role": "admin", "field_group": "prices", "access": "write", "scope": "all"} in rules
