"""`zakaz set-status` on a copy of the demo plant: the app's rules, one event per move, and a
refusal changes nothing."""

import json

import pytest
from cli_runner import assert_one_line_error, zakaz

from ingest.service import Desk
from ingest.service.orders import get_order
from ingest.service.status import outstanding
from ingest.store import Store
from zakaz.money import rub


def _one(home, sql: str, params=None):
    with Store.open(home).read() as conn:
        return conn.execute(sql, params or []).fetchone()


def _order_of(home, status: str, manager: str) -> str:
    """Some order in this status whose responsible sales manager is `manager`."""
    return _one(home, "SELECT o.number FROM orders o JOIN users u ON u.id = o.sales_manager_id "
                      "WHERE o.status = ? AND u.login = ? ORDER BY o.id LIMIT 1",
                [status, manager])[0]  # fmt: skip


def _state(home, number: str) -> tuple:
    """What a refused command must leave untouched: the order row and the event count."""
    return _one(
        home,
        "SELECT o.status, o.version, o.updated_at, (SELECT count(*) FROM status_events), "
        "(SELECT count(*) FROM audit_log) FROM orders o WHERE o.number = ?",
        [number],
    )


def _set(home, *args: str):
    return zakaz("set-status", *args, "--home", str(home))


def test_a_sales_manager_moves_their_own_order_and_an_event_is_written(demo_home):
    number = _order_of(demo_home, "agreed", "ivanov")
    before = _one(demo_home, "SELECT max(id) FROM status_events")[0]
    result = _set(demo_home, number, "Снабжение", "--as", "ivanov", "--comment", "из скрипта")
    assert result.returncode == 0, result.stderr
    event_id = before + 1
    assert result.stdout == f"Заказ {number}: Согласован → Снабжение (событие {event_id})\n"
    event = _one(
        demo_home,
        "SELECT o.number, e.from_status, e.to_status, u.login, e.comment FROM status_events e "
        "JOIN orders o ON o.id = e.order_id JOIN users u ON u.id = e.changed_by WHERE e.id = ?",
        [event_id],
    )
    assert event == (number, "agreed", "procurement", "ivanov", "из скрипта")
    assert _one(demo_home, "SELECT status FROM orders WHERE number = ?", [number]) == (
        "procurement",
    )
    assert _one(demo_home, "SELECT max(id) FROM status_events")[0] == event_id  # exactly one


def test_status_code_in_any_case_and_json_output(demo_home):
    number = _order_of(demo_home, "need", "petrova")
    result = _set(demo_home, number, "COSTING", "--as", "petrova", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["number"] == number and (out["from_status"], out["to_status"]) == ("need", "costing")
    assert _one(demo_home, "SELECT to_status FROM status_events WHERE id = ?", [out["event_id"]])[
        0
    ] == ("costing")


def test_another_managers_order_is_refused_with_exit_1_and_nothing_written(demo_home):
    number = _order_of(demo_home, "agreed", "smirnov")
    before = _state(demo_home, number)
    result = _set(demo_home, number, "procurement", "--as", "ivanov")
    assert_one_line_error(result, 1, "Нет доступа", number)
    assert _state(demo_home, number) == before


def test_a_role_that_may_not_make_the_move_is_refused_with_exit_1(demo_home):
    number = _order_of(demo_home, "procurement", "ivanov")
    before = _state(demo_home, number)
    result = _set(demo_home, number, "production", "--as", "ivanov")
    assert_one_line_error(result, 1, "Нет доступа", "«Производство»")
    assert _state(demo_home, number) == before
    moved = _set(demo_home, number, "production", "--as", "volkova")  # procurement may
    assert moved.returncode == 0, moved.stderr


def test_a_move_the_process_does_not_allow_is_exit_2_naming_both_statuses(demo_home):
    number = _order_of(demo_home, "need", "ivanov")
    before = _state(demo_home, number)
    result = _set(demo_home, number, "shipped", "--as", "admin")
    assert_one_line_error(result, 2, number, "«Потребность»", "«Отгружен»")
    assert _state(demo_home, number) == before


def test_closing_an_unpaid_order_is_exit_2_with_the_outstanding_amount(demo_home):
    store = Store.open(demo_home)
    with Desk(store, "admin").reading() as a:
        ids = [r[0] for r in a.execute("SELECT id FROM orders WHERE status = 'delivered' "
                                       "ORDER BY id").fetchall()]  # fmt: skip
        for order_id in ids:
            order = get_order(a, order_id)
            total, paid = outstanding(a, order)
            if paid < total:
                break
        else:
            pytest.fail("the demo has no delivered unpaid order")
    before = _state(demo_home, order["number"])
    result = _set(demo_home, order["number"], "Закрыт", "--as", "egorova")
    assert_one_line_error(result, 2, order["number"], "не оплачено", rub(total - paid))
    assert _state(demo_home, order["number"]) == before


def test_cancelling_needs_a_reason(demo_home):
    number = _order_of(demo_home, "costing", "ivanov")
    before = _state(demo_home, number)
    assert_one_line_error(_set(demo_home, number, "отменен", "--as", "ivanov"), 2, "причину")
    assert _state(demo_home, number) == before
    result = _set(demo_home, number, "Отменён", "--as", "ivanov", "--comment", "передумали")
    assert result.returncode == 0, result.stderr
    assert "→ Отменён" in result.stdout
    assert _one(
        demo_home, "SELECT status, cancel_reason FROM orders WHERE number = ?", [number]
    ) == (
        "cancelled",
        "передумали",
    )


@pytest.mark.parametrize(
    ("args", "code", "fragments"),
    [
        (("{n}", "costing", "--as", "nobody"), 2, ("пользователь nobody не найден",)),
        (("{n}", "launched", "--as", "admin"), 2, ("неизвестный статус «launched»", "costing")),
        (("З-1999-0001", "costing", "--as", "admin"), 2, ("заказ З-1999-0001 не найден",)),
        (("{n}", "costing"), 2, ("--as",)),
        (("{n}",), 2, ("status",)),
    ],
)
def test_bad_arguments_are_one_line_and_change_nothing(demo_home, args, code, fragments):
    number = _order_of(demo_home, "need", "ivanov")
    before = _state(demo_home, number)
    result = _set(demo_home, *(a.format(n=number) for a in args))
    assert_one_line_error(result, code, *fragments)
    assert _state(demo_home, number) == before


def test_a_deactivated_user_is_refused(demo_home):
    with Store.open(demo_home).write() as conn:
        conn.execute("UPDATE users SET is_active = FALSE WHERE login = 'petrova'")
    number = _order_of(demo_home, "need", "petrova")
    before = _state(demo_home, number)
    assert_one_line_error(_set(demo_home, number, "costing", "--as", "petrova"), 1, "отключён")
    assert _state(demo_home, number) == before
