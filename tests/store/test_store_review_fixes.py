"""Regressions found in review: thread starvation, nested use, live-file copies, order numbers."""

import threading
import time

import pytest
from plant_fixtures import NOW, make_minimal_plant, order_draft

from ingest.repos.orders import create_order
from ingest.store import Store, StoreError
from ingest.store.copy import copy_store, restore_store
from ingest.store.migrate import latest_version


def test_a_stream_of_reader_threads_does_not_starve_writers(tmp_path):
    """Streamlit serves sessions from threads of one process: reads must not lock writes out."""
    store = make_minimal_plant(tmp_path)
    store.busy_timeout_s = 2.0
    stop = threading.Event()
    read_errors = []

    def reader():
        handle = Store.open(tmp_path, busy_timeout_s=2.0)
        while not stop.is_set():
            try:
                with handle.read() as conn:
                    conn.execute("SELECT count(*) FROM orders").fetchone()
            except Exception as exc:  # any failure is a finding
                read_errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        time.sleep(0.2)
        for _ in range(5):
            with store.write() as tx:
                create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert read_errors == []
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 5


def test_nested_store_use_is_a_clear_programming_error(tmp_path):
    store = make_minimal_plant(tmp_path)
    with store.read(), pytest.raises(RuntimeError, match="вложенное"), store.read():
        pass
    with store.read() as conn:  # and the store is fine afterwards
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 2


def test_the_live_database_is_never_a_backup_target_or_source(tmp_path):
    store = make_minimal_plant(tmp_path)
    with pytest.raises(StoreError, match="рабочей базой"):
        copy_store(store, store.db_path, overwrite=True)
    with pytest.raises(StoreError, match="рабочей базой"):
        restore_store(store, store.db_path, force=True)
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 2


def test_an_older_backup_is_upgraded_before_it_replaces_the_store(tmp_path):
    old = make_minimal_plant(tmp_path / "old", target_version=latest_version() - 1)
    backup = copy_store(old, tmp_path / "old-backup.duckdb")
    current = make_minimal_plant(tmp_path / "plant")
    assert restore_store(current, backup, force=True) == latest_version() - 1
    pinned = Store.open(tmp_path / "plant")
    pinned.create()  # no migration left to apply: it happened before the swap
    with pinned.read() as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            latest_version()
        )


def test_an_imported_order_number_with_a_suffix_does_not_block_numbering(tmp_path):
    store = make_minimal_plant(tmp_path)
    with store.write() as tx:
        create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
        tx.execute("UPDATE orders SET number = 'З-2026-0142/1' WHERE id = 1")
        _, number = create_order(tx, actor_id=1, draft=order_draft(1), now=NOW)
    assert number == "З-2026-0001"
