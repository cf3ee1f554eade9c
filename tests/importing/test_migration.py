"""Migration 5 (import_mappings, import_runs): a plant made before it is upgraded on first use
and keeps its data; the tables hold what the import writes."""

from __future__ import annotations

from ingest.store import Store
from ingest.store.migrate import all_migrations


def test_a_plant_made_before_the_import_tables_gets_them(tmp_path):
    names = {m.version: m.name for m in all_migrations()}
    assert names[5] == "import"
    old = Store.open(tmp_path)
    old.create(target_version=4)
    with old.write() as tx:
        tx.execute("INSERT INTO plant_settings VALUES ('kept', 'yes')")
    store = Store.open(tmp_path)  # a fresh handle upgrades on first use
    with store.read() as conn:
        versions = [
            r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        ]
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database()").fetchall()}  # fmt: skip
        kept = conn.execute("SELECT value FROM plant_settings WHERE key = 'kept'").fetchone()
    assert 5 in versions and versions == sorted(versions)
    assert {"import_mappings", "import_runs"} <= tables
    assert kept == ("yes",)
