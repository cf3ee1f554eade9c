"""Opening a database made by an older schema version upgrades it and keeps the data."""

import duckdb
import pytest
from plant_fixtures import NOW, make_minimal_plant

from ingest.store import SchemaTooNewError, Store
from ingest.store.migrate import all_migrations, latest_version


def test_migrations_are_numbered_and_latest_is_applied(tmp_path):
    store = Store.open(tmp_path)
    assert store.create() == [m.version for m in all_migrations()]
    with store.read() as conn:
        versions = [
            r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        ]
    assert versions == list(range(1, latest_version() + 1))
    assert latest_version() >= 2


def test_upgrade_from_previous_version_keeps_data(tmp_path):
    previous = latest_version() - 1
    old = make_minimal_plant(tmp_path, target_version=previous)  # acts as the previous release
    with old.write() as tx:
        # the previous release's own code wrote these rows; plain SQL stands in for it
        tx.execute(
            "INSERT INTO orders (id, number, customer_id, sales_manager_id, status, need_date, "
            "created_at, updated_at) VALUES (1, 'З-2026-0001', 1, 1, 'need', ?, ?, ?)",
            [NOW.date(), NOW, NOW],
        )
        tx.execute(
            "INSERT INTO order_lines (id, order_id, line_no, name, material_id, blank_shape, "
            "diameter_mm, length_mm, quantity, complexity) VALUES "
            "(1, 1, 1, 'Вал', 1, 'round', 60, 500, 10, 2.5), "
            "(2, 1, 2, 'Ось', 1, 'round', 40, 300, 4, 1.5)"
        )
        assert tx.execute("SELECT max(version) FROM schema_version").fetchone()[0] == previous
        tables = ("orders", "order_lines", "customers", "users", "materials")
        before = {t: tx.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}

    upgraded = Store.open(tmp_path)
    assert upgraded.ensure_schema() == [latest_version()]
    with upgraded.read() as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            latest_version()
        )
        for table, rows in before.items():
            cols = ", ".join(
                r[0] for r in conn.execute(f"DESCRIBE {table}").fetchall()
            )  # the old columns come first, so a prefix comparison is exact
            now_rows = conn.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
            assert [r[: len(rows[0])] for r in now_rows] == rows, table
        # what version 2 added is there, with defaults for the old rows
        groups = conn.execute("SELECT count(DISTINCT field_group) FROM access_rules").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM access_rules").fetchone()[0] == 7 * groups
        assert conn.execute("SELECT max(failed_logins) FROM users").fetchone()[0] == 0


def test_a_newer_database_is_refused(tmp_path):
    store = make_minimal_plant(tmp_path)
    raw = duckdb.connect(str(store.db_path))
    raw.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    raw.close()
    with pytest.raises(SchemaTooNewError, match="999"):
        Store.open(tmp_path).ensure_schema()
