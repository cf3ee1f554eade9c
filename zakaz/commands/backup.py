"""`zakaz backup PATH` and `zakaz restore PATH`: consistent copies of the operational store."""

from __future__ import annotations

from pathlib import Path

from ingest.store import Store
from ingest.store.copy import copy_store, require_plant, restore_store


def add_parser(sub, common) -> None:
    b = sub.add_parser("backup", parents=[common], help="резервная копия базы в файл")
    b.add_argument("path", help="файл резервной копии (.duckdb)")
    b.add_argument("--force", action="store_true", help="перезаписать существующий файл")
    b.set_defaults(run=run_backup)
    r = sub.add_parser("restore", parents=[common], help="восстановить базу из резервной копии")
    r.add_argument("path", help="файл резервной копии")
    r.add_argument("--force", action="store_true", help="заменить существующую базу")
    r.set_defaults(run=run_restore)


def run_backup(args) -> int:
    store = Store.open(args.home)
    require_plant(store)
    dest = copy_store(store, Path(args.path), overwrite=args.force)
    print(f"Резервная копия: {dest} ({dest.stat().st_size / 1e6:.1f} МБ)")
    return 0


def run_restore(args) -> int:
    store = Store.open(args.home)
    version = restore_store(store, Path(args.path), force=args.force)
    print(f"База {store.db_path} восстановлена из {args.path} (схема {version})")
    return 0
