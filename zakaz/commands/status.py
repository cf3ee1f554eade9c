"""`zakaz status [--json]`: where the plant lives, its schema version and what it holds."""

from __future__ import annotations

import json

from ingest.store import Store
from ingest.store.migrate import current_version, latest_version
from zakaz.errors import UserError


def add_parser(sub, common) -> None:
    p = sub.add_parser("status", parents=[common], help="пути, версия схемы, число строк")
    p.add_argument("--json", action="store_true", help="вывести JSON")
    p.set_defaults(run=run)


def collect(store: Store) -> dict:
    with store.read() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = current_database() ORDER BY table_name"
            ).fetchall()
        ]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        version = current_version(conn)
    paths = store.paths
    return {
        "home": str(paths.home),
        "app_db": str(paths.app_db),
        "app_db_bytes": paths.app_db.stat().st_size,
        "warehouse_db": str(paths.warehouse_db) if paths.warehouse_db.exists() else None,
        "published": str(paths.published) if paths.published.exists() else None,
        "schema_version": version,
        "schema_version_latest": latest_version(),
        "tables": counts,
    }


def run(args) -> int:
    store = Store.open(args.home)
    if not store.exists():
        raise UserError(f"завод не найден: {store.db_path} (создайте: zakaz init --demo)")
    info = collect(store)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"Папка завода:   {info['home']}")
    print(f"База:           {info['app_db']} ({info['app_db_bytes'] / 1e6:.1f} МБ)")
    print(f"Витрины:        {info['published'] or 'ещё не построены (zakaz run)'}")
    print(f"Версия схемы:   {info['schema_version']} (последняя {info['schema_version_latest']})")
    width = max(map(len, info["tables"]))
    for table, n in info["tables"].items():
        print(f"  {table:<{width}}  {n:>9,}".replace(",", " "))
    return 0
