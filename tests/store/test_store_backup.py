"""backup -> restore gives identical table contents; restore never overwrites by accident."""

import duckdb
import pytest
from plant_fixtures import NOW, make_minimal_plant, order_draft

from ingest.repos.orders import create_order
from ingest.store import Store, StoreError
from ingest.store.copy import copy_store, restore_store


def table_contents(store: Store) -> dict[str, list]:
    with store.read() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() ORDER BY 1").fetchall()]  # fmt: skip
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def test_backup_then_restore_gives_identical_tables(tmp_path):
    store = make_minimal_plant(tmp_path / "plant")
    for n in range(5):
        with store.write() as tx:
            create_order(tx, actor_id=1, draft=order_draft(n + 1), now=NOW)
    before = table_contents(store)
    backup = copy_store(store, tmp_path / "backups" / "plant.duckdb")

    with store.write() as tx:  # the day goes on: more orders, a deletion
        create_order(tx, actor_id=1, draft=order_draft(2), now=NOW)
        tx.execute("DELETE FROM order_line_surcharges")
    assert table_contents(store) != before

    with pytest.raises(StoreError, match="--force"):
        restore_store(store, backup)
    assert restore_store(store, backup, force=True) >= 2
    assert table_contents(store) == before
    assert sum(len(rows) for rows in before.values()) > 50  # the comparison was not vacuous


def test_restore_into_an_empty_home_and_constraints_survive(tmp_path):
    store = make_minimal_plant(tmp_path / "plant")
    with store.write() as tx:
        create_order(tx, actor_id=1, draft=order_draft(2), now=NOW)
    backup = copy_store(store, tmp_path / "b.duckdb")
    fresh = Store.open(tmp_path / "new-home")
    restore_store(fresh, backup)
    assert table_contents(fresh) == table_contents(store)
    with pytest.raises(duckdb.ConstraintException), fresh.write() as tx:
        tx.execute("INSERT INTO customers (id, name, inn, created_at) "
                   "VALUES (2, 'Дубль', '7707083893', now())")  # duplicate ИНН  # fmt: skip


def test_backup_refuses_to_overwrite_and_restore_refuses_foreign_files(tmp_path):
    store = make_minimal_plant(tmp_path / "plant")
    target = tmp_path / "b.duckdb"
    copy_store(store, target)
    with pytest.raises(StoreError, match="уже существует"):
        copy_store(store, target)
    copy_store(store, target, overwrite=True)
    not_db = tmp_path / "notes.txt"
    not_db.write_text("это не база")
    with pytest.raises(StoreError, match="не база DuckDB"):
        restore_store(store, not_db, force=True)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(StoreError, match="не резервная копия Zakaz"):
        restore_store(store, other, force=True)
    with pytest.raises(StoreError, match="не найден"):
        restore_store(store, tmp_path / "missing.duckdb", force=True)
    assert len(table_contents(store)["users"]) == 2  # nothing changed by the refusals
