"""The pipeline's one read of the operational store: a consistent copy, taken in one short step.

``copy_store`` copies app.duckdb's bytes under the store's shared lock (writers wait for
milliseconds, nobody waits for the pipeline), folds the log into the copy and renames it into
place. Every later stage reads the copy, never app.duckdb. A small JSON file beside the copy says
when it was taken and which version of the store it is (``store_marker``), for publish_info and
for the freshness sensor.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ingest.store import PlantNotFoundError, Store
from ingest.store.copy import copy_store
from ingest.store.engine import engine_config
from pipelines.paths import PipelinePaths


def duckdb_config() -> dict:
    """The store's settings (nothing downloaded; threads and memory bounded, from
    ZAKAZ_DUCKDB_THREADS / ZAKAZ_DUCKDB_MEMORY when set) for every pipeline connection."""
    return engine_config()


def store_marker(app_db: Path) -> str:
    """A cheap fingerprint of the store's version: size and mtime of the file and its log.

    Every committed write changes the file (the store checkpoints when it detaches); reads do
    not touch it. Taken without the lock and without opening the database.
    """
    parts = []
    for path in (app_db, app_db.with_name(app_db.name + ".wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        parts.append(f"{st.st_size}@{st.st_mtime_ns}")
    return "/".join(parts)


@dataclass(frozen=True)
class SnapshotInfo:
    path: str
    taken_at: str  # ISO local time at which the copy was started
    seconds: float
    store_marker: str
    bytes: int

    def write(self, dest: Path) -> None:
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, dest)

    @classmethod
    def read(cls, src: Path) -> SnapshotInfo:
        return cls(**json.loads(src.read_text(encoding="utf-8")))


def take_snapshot(paths: PipelinePaths) -> SnapshotInfo:
    """Copy app.duckdb to snapshots/app_snapshot.duckdb (replacing the previous copy)."""
    store = Store.open(paths.home)
    if not store.exists():
        raise PlantNotFoundError(str(store.db_path))
    marker = store_marker(paths.app_db)
    taken_at = datetime.now().replace(microsecond=0)
    started = time.perf_counter()
    copy_store(store, paths.snapshot, overwrite=True)
    info = SnapshotInfo(
        path=str(paths.snapshot),
        taken_at=taken_at.isoformat(),
        seconds=round(time.perf_counter() - started, 3),
        store_marker=marker,
        bytes=paths.snapshot.stat().st_size,
    )
    info.write(paths.snapshot_info)
    return info


def connect_snapshot(paths: PipelinePaths) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot (the caller closes it)."""
    if not paths.snapshot.exists():
        raise FileNotFoundError(f"снимок базы не найден: {paths.snapshot}")
    return duckdb.connect(str(paths.snapshot), read_only=True, config=duckdb_config())


def table_counts(conn: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM main."{t}"').fetchone()[0] for t in tables}
