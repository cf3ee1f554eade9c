"""The store's contract: one transaction per call, bounded waits, stale edits refused."""

import multiprocessing as mp
import time
from datetime import date, datetime
from decimal import Decimal

import pytest
from plant_fixtures import NOW, make_minimal_plant, order_draft

from ingest.repos.orders import create_order, get_order, update_order_header
from ingest.store import (
    PlantNotFoundError,
    StaleEditError,
    Store,
    StoreBusyError,
    ValidationError,
)
from ingest.store.lock import file_lock


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    store = make_minimal_plant(tmp_path)
    with pytest.raises(RuntimeError), store.write() as tx:
        create_order(tx, actor_id=1, draft=order_draft(2), now=NOW)
        raise RuntimeError("power cut in the middle of the save")
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM order_lines").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_saved_order_has_lines_event_and_audit(tmp_path):
    store = make_minimal_plant(tmp_path)
    with store.write() as tx:
        order_id, number = create_order(tx, actor_id=1, draft=order_draft(3), now=NOW)
    assert number == "З-2026-0001"
    with store.read() as conn:
        order = get_order(conn, order_id)
        lines = conn.execute(
            "SELECT line_no, quantity, diameter_mm FROM order_lines WHERE order_id = ? "
            "ORDER BY line_no",
            [order_id],
        ).fetchall()
        events = conn.execute("SELECT from_status, to_status FROM status_events").fetchall()
        surcharge = conn.execute("SELECT name, pct FROM order_line_surcharges LIMIT 1").fetchone()
        audit = conn.execute("SELECT entity, action FROM audit_log").fetchall()
    assert order["status"] == "need" and order["version"] == 1
    assert lines == [(1, 10, Decimal("60.000")), (2, 11, Decimal("60.000")),
                     (3, 12, Decimal("60.000"))]  # fmt: skip
    assert events == [(None, "need")]
    assert surcharge == ("термообработка", Decimal("10.00"))
    assert ("order", "insert") in audit
    with store.write() as tx:
        _, second = create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    assert second == "З-2026-0002"


def test_bad_references_are_refused_with_field_named(tmp_path):
    store = make_minimal_plant(tmp_path)
    draft = order_draft(1)
    bad = draft.__class__(**{**draft.__dict__, "customer_id": 999})
    with pytest.raises(ValidationError, match=r"customer_id.*999"), store.write() as tx:
        create_order(tx, actor_id=1, draft=bad, now=NOW)
    line = draft.lines[0].__class__(**{**draft.lines[0].__dict__, "material_id": 42})
    with pytest.raises(ValidationError, match="позиция 1, поле material_id"), store.write() as tx:
        create_order(tx, actor_id=1, draft=draft.__class__(**{**draft.__dict__,
                     "lines": (line,)}), now=NOW)  # fmt: skip
    line = draft.lines[0].__class__(**{**draft.lines[0].__dict__, "quantity": 0})
    with pytest.raises(ValidationError, match="quantity"), store.write() as tx:
        create_order(tx, actor_id=1, draft=draft.__class__(**{**draft.__dict__,
                     "lines": (line,)}), now=NOW)  # fmt: skip


def test_stale_edit_is_refused_with_who_and_when(tmp_path):
    store = make_minimal_plant(tmp_path)
    with store.write() as tx:
        order_id, _ = create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    # Both managers open the card at version 1.
    with store.read() as conn:
        seen_by_ivanov = get_order(conn, order_id)["version"]
        seen_by_petrova = get_order(conn, order_id)["version"]
    petrova_saved_at = datetime(2026, 11, 28, 14, 35, 7)
    with store.write() as tx:
        new_version = update_order_header(
            tx, actor_id=2, order_id=order_id, expected_version=seen_by_petrova,
            changes={"comment": "срочно", "planned_shipment_date": date(2027, 1, 10)},
            now=petrova_saved_at,
        )  # fmt: skip
    assert new_version == 2
    with pytest.raises(StaleEditError) as refused, store.write() as tx:
        update_order_header(
            tx, actor_id=1, order_id=order_id, expected_version=seen_by_ivanov,
            changes={"comment": "не срочно"}, now=NOW,
        )  # fmt: skip
    message = str(refused.value)
    assert "Петрова Анна (petrova)" in message and "28.11.2026 14:35:07" in message
    with store.read() as conn:
        order = get_order(conn, order_id)
        audit = conn.execute(
            "SELECT field, old_value, new_value FROM audit_log WHERE action = 'update' "
            "ORDER BY field"
        ).fetchall()
    assert order["comment"] == "срочно" and order["version"] == 2  # Petrova's save stands
    assert audit == [("comment", " lines=1", "срочно"),
                     ("planned_shipment_date", "2027-01-15", "2027-01-10")]  # fmt: skip


def _hold_lock(path, seconds, ready):
    with file_lock(path, exclusive=True, timeout_s=5):
        ready.set()
        time.sleep(seconds)


def test_busy_store_gives_a_clear_error_after_the_bound_and_loses_nothing(tmp_path):
    store = make_minimal_plant(tmp_path)
    store.busy_timeout_s = 0.5
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(store.paths.app_lock, 2.0, ready))
    holder.start()
    assert ready.wait(120)  # a spawned interpreter starts slowly on a loaded machine
    started = time.monotonic()
    with pytest.raises(StoreBusyError, match=r"занята.*повторите"), store.write() as tx:
        create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    assert 0.4 < time.monotonic() - started < 1.5  # bounded, not forever
    holder.join()
    store.busy_timeout_s = 10
    with store.write() as tx:  # once free, the same save goes through
        create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 1


def test_a_waiting_writer_gets_the_lock_as_soon_as_it_is_free(tmp_path):
    store = make_minimal_plant(tmp_path)
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(store.paths.app_lock, 1.0, ready))
    holder.start()
    assert ready.wait(120)  # a spawned interpreter starts slowly on a loaded machine
    with store.write() as tx:  # waits about a second, then saves
        create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    holder.join()
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 1


def test_missing_plant_is_a_clear_error(tmp_path):
    with pytest.raises(PlantNotFoundError, match="zakaz init"), Store.open(tmp_path).read():
        pass


def test_no_connection_is_left_open_between_calls(tmp_path):
    """Another process can open app.duckdb read-write right after a call returns."""
    import subprocess
    import sys

    store = make_minimal_plant(tmp_path)
    with store.write() as tx:
        create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
        "print(c.execute('SELECT count(*) FROM orders').fetchone()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(store.db_path)],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.stdout.strip() == "1", out.stderr
