"""Tasks: whose they are, in which order, and who may mark them done."""

import pytest
from demo_clock import DEMO_NOW

from ingest.access import PermissionDeniedError
from ingest.service import Desk, tasks
from ingest.store import Store, ValidationError
from ingest.store.errors import NotFoundError

ADMIN, SOKOLOVA, IVANOV, PETROVA, VOLKOVA = 1, 2, 3, 4, 10
TODAY = DEMO_NOW.date()


def _desk(home, login: str) -> Desk:
    return Desk(Store.open(home), login, clock=lambda: DEMO_NOW)


def _order_of(home, manager_id: int) -> int:
    with Store.open(home).read() as conn:
        return conn.execute(
            "SELECT min(id) FROM orders WHERE sales_manager_id = ? AND status = 'production'",
            [manager_id],
        ).fetchone()[0]


def _add_task(home, *, order_id, role, assignee_id=None, due=TODAY, title="Проверить") -> int:
    with Store.open(home).write() as conn:
        task_id = conn.execute("SELECT max(id) + 1 FROM tasks").fetchone()[0]
        conn.execute(
            "INSERT INTO tasks (id, order_id, assignee_id, role, title, due_date, state, "
            "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
            [task_id, order_id, assignee_id, role, title, due, DEMO_NOW, SOKOLOVA],
        )
    return task_id


def _task(home, task_id: int) -> dict:
    with Store.open(home).read() as conn:
        cur = conn.execute("SELECT * FROM tasks WHERE id = ?", [task_id])
        return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def test_my_tasks_are_mine_overdue_first_then_by_due_date(demo_home):
    with _desk(demo_home, "petrova").reading() as a:
        mine = tasks.my_tasks(a)
    assert mine and {t["assignee_id"] for t in mine} == {PETROVA}
    assert {t["state"] for t in mine} == {"open"}
    flags = [t["overdue"] for t in mine]
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)  # every overdue one before the rest
    assert all(t["overdue"] == (t["due_date"] < TODAY) for t in mine if t["due_date"])
    overdue = [t["due_date"] for t in mine if t["overdue"]]
    assert overdue == sorted(overdue)
    first = mine[0]
    assert first["order_number"].startswith("З-") and first["customer_name"]
    assert first["order_status"]
    with Store.open(demo_home).read() as conn:
        expected = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE due_date < ?) FROM tasks "
            "WHERE assignee_id = ? AND state = 'open'",
            [TODAY, PETROVA],
        ).fetchone()
    assert len(mine) == expected[0]
    with _desk(demo_home, "petrova").reading() as a:
        assert tasks.task_counts(a) == {"open": expected[0], "overdue": expected[1]}
        with_done = tasks.my_tasks(a, include_done=True)
    assert len(with_done) > len(mine)
    assert [t["id"] for t in with_done[: len(mine)]] == [t["id"] for t in mine]


def test_department_tasks_follow_the_order_scope(demo_home):
    ivanovs, petrovas = _order_of(demo_home, IVANOV), _order_of(demo_home, PETROVA)
    on_own = _add_task(demo_home, order_id=ivanovs, role="sales", title="Отдел: своё")
    on_other = _add_task(demo_home, order_id=petrovas, role="sales", title="Отдел: чужое")
    other_dept = _add_task(demo_home, order_id=ivanovs, role="finance", title="Финансы")

    with _desk(demo_home, "ivanov").reading() as a:
        ids = {t["id"] for t in tasks.my_tasks(a)}
        counts = tasks.task_counts(a)
    assert on_own in ids and on_other not in ids and other_dept not in ids
    assert counts["open"] == len(ids)
    with _desk(demo_home, "sokolova").reading() as a:  # the head of sales sees every order
        assert {on_own, on_other} <= {t["id"] for t in tasks.my_tasks(a)}
    with _desk(demo_home, "egorova").reading() as a:
        assert other_dept in {t["id"] for t in tasks.my_tasks(a)}


def test_an_assigned_task_is_shown_even_on_an_order_not_visible(demo_home):
    petrovas = _order_of(demo_home, PETROVA)
    handed = _add_task(
        demo_home,
        order_id=petrovas,
        role="sales",
        assignee_id=IVANOV,
        due=TODAY.replace(year=TODAY.year - 1),
    )
    with _desk(demo_home, "ivanov").reading() as a:
        mine = tasks.my_tasks(a)
    task = next(t for t in mine if t["id"] == handed)
    assert task["overdue"] and task["order_number"]
    assert task["customer_name"] is None  # not his order: the number only
    assert mine[0]["id"] == handed  # the oldest overdue first


def test_complete_task_by_its_assignee_is_audited(demo_home):
    with _desk(demo_home, "petrova").reading() as a:
        task = tasks.my_tasks(a)[0]
    with pytest.raises(PermissionDeniedError), _desk(demo_home, "ivanov").writing() as a:
        tasks.complete_task(a, task["id"])  # same role, someone else's task
    assert _task(demo_home, task["id"])["state"] == "open"

    with _desk(demo_home, "petrova").writing() as a:
        tasks.complete_task(a, task["id"])
    stored = _task(demo_home, task["id"])
    assert (stored["state"], stored["closed_at"], stored["closed_by"]) == (
        "done",
        DEMO_NOW,
        PETROVA,
    )
    with Store.open(demo_home).read() as conn:
        audit = conn.execute(
            "SELECT user_id, action, field, old_value, new_value, order_id FROM audit_log "
            "WHERE entity = 'task' AND entity_id = ?",
            [task["id"]],
        ).fetchall()
    assert audit == [(PETROVA, "update", "state", "open", "done", task["order_id"])]

    with pytest.raises(ValidationError) as again, _desk(demo_home, "petrova").writing() as a:
        tasks.complete_task(a, task["id"])
    assert "уже выполнена" in str(again.value)


def test_department_task_by_anyone_of_the_department_or_admin(demo_home):
    order_id = _order_of(demo_home, IVANOV)
    dept = _add_task(demo_home, order_id=order_id, role="procurement")
    for login in ("ivanov", "egorova"):
        with pytest.raises(PermissionDeniedError), _desk(demo_home, login).writing() as a:
            tasks.complete_task(a, dept)
    with _desk(demo_home, "volkova").writing() as a:
        tasks.complete_task(a, dept)
    assert _task(demo_home, dept)["closed_by"] == VOLKOVA

    sales_dept = _add_task(demo_home, order_id=_order_of(demo_home, PETROVA), role="sales")
    with pytest.raises(PermissionDeniedError), _desk(demo_home, "ivanov").writing() as a:
        tasks.complete_task(a, sales_dept)  # a department task on another manager's order

    assigned = _add_task(demo_home, order_id=order_id, role="finance", assignee_id=18)
    with _desk(demo_home, "admin").writing() as a:
        tasks.complete_task(a, assigned)
    assert _task(demo_home, assigned)["closed_by"] == ADMIN

    with pytest.raises(NotFoundError), _desk(demo_home, "admin").writing() as a:
        tasks.complete_task(a, 10**9)


def test_order_tasks(demo_home):
    order_id = _order_of(demo_home, IVANOV)
    with _desk(demo_home, "kozlov").reading() as a:
        found = tasks.order_tasks(a, order_id)
    with Store.open(demo_home).read() as conn:
        expected = conn.execute("SELECT count(*) FROM tasks WHERE order_id = ?", [order_id])
        assert len(found) == expected.fetchone()[0] > 0
    assert {t["order_id"] for t in found} == {order_id}
    assert all(t["assignee_name"] for t in found if t["assignee_id"] is not None)
    with pytest.raises(PermissionDeniedError), _desk(demo_home, "petrova").reading() as a:
        tasks.order_tasks(a, order_id)
