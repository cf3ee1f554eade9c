"""Consistent copies of the operational store: backups, restores and pipeline snapshots.

A copy is taken under the shared lock, so no write is in progress: the file (and a write-ahead
log, if a crashed writer left one) is copied byte for byte, then the copy is opened once to fold
its log in. It is written to a temporary name and renamed into place only when complete, so a
copy is either whole or absent, never half-written. A byte copy costs milliseconds where
rebuilding the database (COPY FROM DATABASE) costs hundreds, and writers wait for neither.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from ingest.store import migrate
from ingest.store.connection import Store
from ingest.store.engine import attached, engine_turn, is_disk_full
from ingest.store.errors import DiskFullError, PlantNotFoundError, SchemaTooNewError, StoreError
from ingest.store.leftovers import sweep_dead_temps
from ingest.store.lock import file_lock


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _temp_beside(dest: Path) -> Path:
    """A temporary name unique to this call (threads of one process may copy at once)."""
    return dest.with_name(f".{dest.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def _refuse_live_files(store: Store, path: Path, role: str) -> None:
    """Backing up onto, or restoring from, the live database itself would lose writes."""
    live = {store.db_path, _wal(store.db_path), store.paths.app_lock}
    if path in live or (
        path.exists() and any(p.exists() and os.path.samefile(path, p) for p in live)
    ):
        raise StoreError(f"{role} не может быть рабочей базой завода ({store.db_path}).")


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    _wal(path).unlink(missing_ok=True)


def _byte_copy(source: Path, dest: Path) -> None:
    shutil.copyfile(source, dest)
    if _wal(source).exists():
        shutil.copyfile(_wal(source), _wal(dest))


def _fold_log(path: Path) -> None:
    """Open the copy once: DuckDB replays and checkpoints its log into one self-contained file."""
    with attached(path, read_only=False):
        pass


def copy_store(store: Store, dest: Path, *, overwrite: bool = False) -> Path:
    """Write a consistent copy of app.duckdb to dest (a new DuckDB file)."""
    dest = Path(dest).resolve()
    require_plant(store)  # never opened here: a copy must not migrate or touch the live store
    _refuse_live_files(store, dest, "Файл копии")
    if dest.exists() and not overwrite:
        raise StoreError(f"Файл {dest} уже существует; укажите другой путь или --force.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    sweep_dead_temps(dest)
    tmp = _temp_beside(dest)
    try:
        with (
            engine_turn(store.busy_timeout_s),
            file_lock(store.paths.app_lock, exclusive=False, timeout_s=store.busy_timeout_s),
        ):
            _byte_copy(store.db_path, tmp)
        _fold_log(tmp)
        _wal(dest).unlink(missing_ok=True)
        os.replace(tmp, dest)
    except OSError as exc:  # the byte copy runs outside DuckDB: a full disk is an OSError here
        if is_disk_full(exc):
            raise DiskFullError(str(dest)) from exc
        raise
    finally:
        _discard(tmp)
    return dest


def schema_version_of(path: Path) -> int:
    """The schema version of a Zakaz database file; StoreError if it is not one."""
    if not Path(path).is_file():
        raise StoreError(f"Файл {path} не найден.")
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"{path} — не база DuckDB: {str(exc).splitlines()[0]}") from None
    try:
        version = migrate.current_version(conn)
    finally:
        conn.close()
    if version == 0:
        raise StoreError(f"{path} — не резервная копия Zakaz (нет версии схемы).")
    return version


def restore_store(store: Store, source: Path, *, force: bool = False) -> int:
    """Replace app.duckdb by a copy of source; refuses to overwrite unless force.

    Returns the schema version the backup had (it is upgraded on the spot if older).
    """
    source = Path(source).resolve()
    _refuse_live_files(store, source, "Резервная копия")
    version = schema_version_of(source)
    if version > migrate.latest_version():
        raise SchemaTooNewError(version, migrate.latest_version())
    if store.exists() and not force:
        raise StoreError(
            f"База {store.db_path} уже существует. Восстановление заменит все её данные: "
            "повторите с --force, если это и нужно."
        )
    store.paths.home.mkdir(parents=True, exist_ok=True)
    tmp = _temp_beside(store.db_path)
    try:
        _byte_copy(source, tmp)  # the user's file itself is never opened read-write
        _fold_log(tmp)
        with attached(tmp, read_only=False) as conn:  # an older backup is upgraded BEFORE the swap
            migrate.upgrade(conn)
        with (
            engine_turn(store.busy_timeout_s),
            file_lock(store.paths.app_lock, exclusive=True, timeout_s=store.busy_timeout_s),
        ):
            # Drop the old file's log first, so it can never be replayed onto the restored file.
            _wal(store.db_path).unlink(missing_ok=True)
            os.replace(tmp, store.db_path)
    finally:
        _discard(tmp)
    store._schema_checked = False
    store.ensure_schema()
    return version


def require_plant(store: Store) -> None:
    if not store.exists():
        raise PlantNotFoundError(str(store.db_path))
