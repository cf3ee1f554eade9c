"""`zakaz init [--demo]`: create a plant — empty with reference data, or the demo plant."""

from __future__ import annotations

import secrets
import shutil
import time
from datetime import date, datetime

from ingest.store import Store
from ingest.store.lock import file_lock
from zakaz.errors import UserError


def add_parser(sub, common) -> None:
    p = sub.add_parser("init", parents=[common], help="создать завод (пустой или демо)")
    p.add_argument("--demo", action="store_true", help="заполнить демо-данными за год")
    p.add_argument("--scale", type=int, default=1, help="множитель объёма демо-данных (1)")
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="дата «сегодня» демо-завода, ГГГГ-ММ-ДД (по умолчанию сегодня)",
    )
    p.add_argument("--seed", type=int, default=2026, help="зерно генератора демо-данных")
    p.add_argument(
        "--admin-password",
        default=None,
        help="пароль admin (демо: admin; пустой завод: случайный, будет напечатан)",
    )
    p.add_argument(
        "--force", action="store_true", help="удалить существующий завод и создать заново"
    )
    p.set_defaults(run=run)


def _remove_plant_files(store: Store) -> None:
    """Drop the store and everything derived from it (marts, snapshots) under the lock."""
    paths = store.paths
    with file_lock(paths.app_lock, exclusive=True, timeout_s=store.busy_timeout_s):
        for f in (paths.app_db, paths.warehouse_db):
            f.unlink(missing_ok=True)
            f.with_name(f.name + ".wal").unlink(missing_ok=True)
        for d in (paths.published, paths.snapshots):
            shutil.rmtree(d, ignore_errors=True)


def run(args) -> int:
    if args.scale < 1:
        raise UserError("--scale должен быть целым числом >= 1", 2)
    store = Store.open(args.home)
    if store.exists():
        if not args.force:
            raise UserError(
                f"завод уже существует: {store.db_path} (добавьте --force, чтобы создать заново)"
            )
        _remove_plant_files(store)
    started = time.perf_counter()
    try:
        store.create()
        counts, password, note = _fill(store, args)
    except BaseException:
        _remove_plant_files(store)  # a failed init leaves nothing half-made
        raise
    elapsed = time.perf_counter() - started
    _print_summary(store, counts, elapsed, password, note, args)
    return 0


def _fill(store: Store, args) -> tuple[dict[str, int], str, str]:
    if args.demo:
        from zakaz.demo import build_demo_plant

        as_of = args.as_of or date.today()
        password = args.admin_password or "admin"
        counts = build_demo_plant(
            store, scale=args.scale, as_of=as_of, seed=args.seed, admin_password=password
        )
        return counts, password, f"демо-завод на {as_of:%d.%m.%Y}, масштаб {args.scale}"
    from zakaz.reference import load_reference_data

    password = args.admin_password or secrets.token_urlsafe(9)
    with store.write() as tx:
        counts = load_reference_data(tx, admin_password=password, now=datetime.now())
    return counts, password, "пустой завод со справочниками"


def _print_summary(store, counts, elapsed, password, note, args) -> None:
    print(f"Создан {note} за {elapsed:.1f} с")
    print(f"  папка завода: {store.paths.home}")
    print(f"  база:         {store.db_path}")
    width = max(map(len, counts)) if counts else 0
    for table, n in counts.items():
        print(f"  {table:<{width}}  {n:>9,}".replace(",", " "))
    print(f"Вход администратора: admin / {password}")
    if args.demo:
        print("Демо-пользователи всех ролей: пароль demo (логины — в README.md)")
