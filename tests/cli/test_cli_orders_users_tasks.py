"""`zakaz orders / users / tasks` on a copy of the demo plant: what they print equals the store."""

import json

import pytest
from cli_runner import assert_one_line_error, zakaz

from ingest.store import Store


def _sql(home, sql: str, params=None) -> list[tuple]:
    with Store.open(home).read() as conn:
        return conn.execute(sql, params or []).fetchall()


def _json(*args: str, home=None, env=None):
    result = zakaz(*args, "--json", *(("--home", str(home)) if home else ()), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)  # one document, nothing else on stdout


ORDERS_SQL = (
    "SELECT o.number, c.name, o.status, u.full_name, u.login FROM orders o "
    "LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN users u ON u.id = o.sales_manager_id "
    "WHERE {where} ORDER BY o.need_date DESC, o.id DESC"
)
ORDER_FIELDS = ("number", "customer", "status", "manager", "manager_login")


def _orders_sql(home, where="TRUE", params=None) -> list[dict]:
    rows = _sql(home, ORDERS_SQL.format(where=where), params)
    return [dict(zip(ORDER_FIELDS, row, strict=True)) for row in rows]


# --- orders -------------------------------------------------------------------------------


def test_orders_json_lists_every_order_as_admin_by_default(demo_home):
    orders = _json("orders", home=demo_home)
    assert len(orders) == _sql(demo_home, "SELECT count(*) FROM orders")[0][0] > 500
    assert orders == _orders_sql(demo_home)  # fields, values and need-date-desc order
    assert all(list(o) == list(ORDER_FIELDS) for o in orders)


def test_orders_status_filter_takes_codes_and_russian_names(demo_home):
    agreed = _json("orders", "--status", "agreed", home=demo_home)
    assert agreed == _orders_sql(demo_home, "o.status = 'agreed'")
    assert agreed and {o["status"] for o in agreed} == {"agreed"}
    assert _json("orders", "--status", "согласован", home=demo_home) == agreed

    several = _json("orders", "--status", "Снабжение", "--status", "need,shipped", home=demo_home)
    expected = _orders_sql(demo_home, "o.status IN ('procurement', 'need', 'shipped')")
    assert several == expected and {o["status"] for o in several} == {
        "procurement",
        "need",
        "shipped",
    }


def test_orders_as_a_sales_manager_lists_only_their_own(demo_home):
    mine = _json("orders", "--as", "ivanov", home=demo_home)
    assert mine == _orders_sql(demo_home, "u.login = 'ivanov'")
    assert mine and {o["manager_login"] for o in mine} == {"ivanov"}
    head = _json("orders", "--as", "sokolova", "--status", "agreed", home=demo_home)
    assert head == _orders_sql(demo_home, "o.status = 'agreed'")  # a head of sales sees all


def test_orders_limit_takes_the_newest(demo_home):
    assert _json("orders", "--limit", "3", home=demo_home) == _orders_sql(demo_home)[:3]


def test_orders_table_has_russian_headers_and_status_names(demo_home):
    result = zakaz("orders", "--status", "agreed", "--home", str(demo_home))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    count = len(_orders_sql(demo_home, "o.status = 'agreed'"))
    assert lines[0].split() == ["Номер", "Заказчик", "Статус", "Менеджер"]
    assert len(lines) == count + 3 and lines[-1] == f"Всего: {count}"
    assert all("Согласован" in line for line in lines[2:-1])
    status_column = lines[0].index("Статус")
    assert {line[status_column:].split("  ")[0] for line in lines[2:-1]} == {"Согласован"}


def test_orders_reads_zakaz_home_when_no_home_is_given(demo_home):
    assert len(_json("orders", env={"ZAKAZ_HOME": str(demo_home)})) == len(_orders_sql(demo_home))


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--status", "launched"), ("неизвестный статус «launched»", "agreed (Согласован)")),
        (("--as", "nobody"), ("пользователь nobody не найден",)),
        (("--limit", "0"), ("--limit",)),
        (("--limit", "many"), ("--limit",)),
    ],
)
def test_orders_bad_arguments_are_one_line_exit_2(demo_home, args, fragments):
    assert_one_line_error(zakaz("orders", *args, "--home", str(demo_home)), 2, *fragments)


def test_orders_of_a_missing_plant_is_one_clear_line(tmp_path):
    assert_one_line_error(zakaz("orders", "--home", str(tmp_path / "none")), 1, "zakaz init")


# --- users --------------------------------------------------------------------------------


def test_users_json_equals_the_users_table_without_hashes(demo_home):
    users = _json("users", home=demo_home)
    fields = ("login", "full_name", "role", "is_head", "is_active", "email")
    rows = _sql(demo_home, f"SELECT {', '.join(fields)} FROM users ORDER BY id")
    assert users == [dict(zip(fields, row, strict=True)) for row in rows]
    assert len(users) == 21 and all(u["email"] for u in users)  # every demo user gets mail
    by_login = {u["login"]: u for u in users}
    assert by_login["admin"]["role"] == "admin"
    assert by_login["morozov"]["role"] == "procurement" and by_login["morozov"]["is_head"]
    assert "password" not in zakaz("users", "--json", "--home", str(demo_home)).stdout


def test_users_table_names_roles_in_russian(demo_home):
    result = zakaz("users", "--home", str(demo_home))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Логин", "ФИО", "Роль", "Почта", "Активен"]
    assert any("sokolova" in ln and "Продажи, руководитель" in ln for ln in lines)
    assert lines[-1] == "Всего: 21"


# --- tasks --------------------------------------------------------------------------------

TASKS_SQL = (
    "SELECT t.id, o.number, u.login, t.role, t.title, strftime(t.due_date, '%Y-%m-%d'), t.state "
    "FROM tasks t LEFT JOIN orders o ON o.id = t.order_id "
    "LEFT JOIN users u ON u.id = t.assignee_id "
    "WHERE {where} ORDER BY t.due_date ASC NULLS LAST, t.id"
)
TASK_FIELDS = ("id", "order", "assignee_login", "role", "title", "due_date", "state")


def _tasks_sql(home, where="TRUE", params=None) -> list[dict]:
    rows = _sql(home, TASKS_SQL.format(where=where), params)
    return [dict(zip(TASK_FIELDS, row, strict=True)) for row in rows]


def test_tasks_default_to_open_ones_sorted_by_due_date(demo_home):
    tasks = _json("tasks", home=demo_home)
    assert tasks == _tasks_sql(demo_home, "t.state = 'open'")
    assert len(tasks) > 100 and {t["state"] for t in tasks} == {"open"}
    assert [t["due_date"] for t in tasks] == sorted(t["due_date"] for t in tasks)


def test_tasks_filter_by_order_user_and_state(demo_home):
    busy = (
        "SELECT o.number FROM tasks t JOIN orders o ON o.id = t.order_id "
        "GROUP BY 1 HAVING count(*) >= 3 ORDER BY 1 LIMIT 1"
    )
    number = _sql(demo_home, busy)[0][0]
    of_order = _json("tasks", "--order", number, "--state", "all", home=demo_home)
    assert of_order == _tasks_sql(demo_home, "o.number = ?", [number]) and len(of_order) >= 3

    ivanov_open = _json("tasks", "--user", "ivanov", home=demo_home)
    assert ivanov_open == _tasks_sql(demo_home, "u.login = 'ivanov' AND t.state = 'open'")
    assert ivanov_open and {t["assignee_login"] for t in ivanov_open} == {"ivanov"}

    done = _json("tasks", "--user", "ivanov", "--state", "done", home=demo_home)
    assert done == _tasks_sql(demo_home, "u.login = 'ivanov' AND t.state = 'done'") != []
    assert (
        len(_json("tasks", "--state", "all", home=demo_home))
        == _sql(demo_home, "SELECT count(*) FROM tasks")[0][0]
    )


def test_a_department_task_has_no_assignee_login(demo_home):
    with Store.open(demo_home).write() as conn:
        conn.execute(
            "INSERT INTO tasks (id, order_id, role, title, due_date, state, created_at) "
            "SELECT max(id) + 1, NULL, 'logistics', 'Проверить склад', NULL, 'open', now() "
            "FROM tasks"
        )
    task = _json("tasks", home=demo_home)[-1]  # undated: last
    assert task["assignee_login"] is None and task["order"] is None
    assert task["role"] == "logistics" and task["due_date"] is None


def test_tasks_table_is_in_russian(demo_home):
    result = zakaz("tasks", "--user", "ivanov", "--home", str(demo_home))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "Заказ",
        "Исполнитель",
        "Отдел",
        "Задача",
        "Срок",
        "Состояние",
    ]
    assert all("открыта" in line and "Продажи" in line for line in lines[2:-1])


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--order", "З-1999-0001"), ("заказ З-1999-0001 не найден",)),
        (("--user", "nobody"), ("пользователь nobody не найден",)),
        (("--state", "later"), ("--state",)),
    ],
)
def test_tasks_bad_arguments_are_one_line_exit_2(demo_home, args, fragments):
    assert_one_line_error(zakaz("tasks", *args, "--home", str(demo_home)), 2, *fragments)
