"""An order's history: changes newest first, with who made them, and only what the reader may
read."""

from datetime import timedelta
from decimal import Decimal

import pytest
from demo_clock import DEMO_NOW

from ingest.access import PermissionDeniedError
from ingest.service import Desk, history, orders
from ingest.store import Store

IVANOV = 3


def _desk(home, login: str, now=DEMO_NOW) -> Desk:
    return Desk(Store.open(home), login, clock=lambda: now)


def _ivanovs_order(home) -> int:
    with Store.open(home).read() as conn:
        return conn.execute(
            "SELECT min(id) FROM orders WHERE sales_manager_id = ? AND status = 'costing'",
            [IVANOV],
        ).fetchone()[0]


def _edit_header(home, order_id: int) -> None:
    """The head of sales changes the comment, then (a minute later) the VAT rate."""
    with _desk(home, "sokolova").writing() as a:
        version = orders.get_order(a, order_id)["version"]
        orders.update_header(a, order_id, version, {"comment": "Срочно, заказчик звонил"})
    later = DEMO_NOW + timedelta(minutes=1)
    with _desk(home, "sokolova", later).writing() as a:
        version = orders.get_order(a, order_id)["version"]
        orders.update_header(a, order_id, version, {"vat_rate": Decimal("0.2200")})


def _changes(rows) -> list[tuple]:
    return [(r["entity"], r["field"], r["new_value"]) for r in rows]


def test_history_shows_changes_newest_first_with_who(demo_home):
    order_id = _ivanovs_order(demo_home)
    _edit_header(demo_home, order_id)
    with _desk(demo_home, "egorova").reading() as a:  # finance reads prices
        rows = history.order_history(a, order_id)
    assert _changes(rows[:2]) == [
        ("order", "vat_rate", "0.2200"),
        ("order", "comment", "Срочно, заказчик звонил"),
    ]
    assert rows[0]["logged_at"] > rows[1]["logged_at"]
    assert all(r["user_name"] and r["user_login"] == "sokolova" for r in rows[:2])
    assert rows[0]["old_value"] is None and rows[0]["action"] == "update"
    assert (rows[0]["field_group"], rows[1]["field_group"]) == ("prices", "header")
    assert rows[0]["entity_id"] == order_id


def test_history_hides_price_changes_from_procurement(demo_home):
    order_id = _ivanovs_order(demo_home)
    _edit_header(demo_home, order_id)
    with _desk(demo_home, "volkova").reading() as a:
        rows = history.order_history(a, order_id)
    fields = [r["field"] for r in rows]
    assert "comment" in fields and "vat_rate" not in fields
    assert {r["field_group"] for r in rows} <= {"header", "procurement"}


def test_history_filters_by_entity_and_field(demo_home):
    order_id = _ivanovs_order(demo_home)
    with Store.open(demo_home).write() as conn:
        first = conn.execute("SELECT max(id) + 1 FROM audit_log").fetchone()[0]
        entries = [
            ("order_line", "price_per_kg", order_id),  # prices
            ("order_line", "quantity", order_id),  # header
            ("quote", None, order_id),  # prices
            ("payment", "amount", order_id),  # payments
            ("shipment", "carrier", order_id),  # logistics
            ("something_new", "x", order_id),  # unknown: only who reads everything
            ("order", "comment", None),  # from before audit_log.order_id existed
        ]
        for n, (entity, field, in_order) in enumerate(entries):
            entity_id = order_id if entity == "order" else 1000 + n
            conn.execute(
                "INSERT INTO audit_log (id, logged_at, user_id, entity, entity_id, action, "
                "field, old_value, new_value, order_id) VALUES (?, ?, 1, ?, ?, 'update', ?, "
                "'a', 'b', ?)",
                [first + n, DEMO_NOW, entity, entity_id, field, in_order],
            )

    def seen(login):
        with _desk(demo_home, login).reading() as a:
            return {(r["entity"], r["field"]) for r in history.order_history(a, order_id)}

    everything = {(e, f) for e, f, _ in entries}
    assert seen("egorova") == everything  # finance reads every group
    assert seen("volkova") == {("order_line", "quantity"), ("order", "comment")}
    assert seen("orlova") == {
        ("order_line", "quantity"),
        ("shipment", "carrier"),
        ("order", "comment"),
    }
    assert seen("ivanov") == everything - {("something_new", "x")}


def test_history_and_status_events_need_the_order(demo_home):
    order_id = _ivanovs_order(demo_home)
    for call in (history.order_history, history.status_events):
        with pytest.raises(PermissionDeniedError), _desk(demo_home, "petrova").reading() as a:
            call(a, order_id)


def test_status_events_oldest_first(demo_home):
    order_id = _ivanovs_order(demo_home)
    with _desk(demo_home, "kozlov").reading() as a:
        events = history.status_events(a, order_id)
    assert events[0]["from_status"] is None and events[0]["to_status"] == "need"
    assert events[-1]["to_status"] == "costing"
    stamps = [e["changed_at"] for e in events]
    assert stamps == sorted(stamps)
    assert set(events[0]) >= {"from_status", "to_status", "user_name", "changed_at", "comment"}
