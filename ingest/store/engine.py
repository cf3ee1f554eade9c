"""One in-memory DuckDB instance per process; app.duckdb is ATTACHed only for one transaction.

Creating a DuckDB instance costs ~25 ms (it builds its catalog of built-in functions), while
ATTACH + DETACH of a file costs ~2-6 ms. So each process keeps an in-memory engine and attaches the
plant's file under the cross-process lock for one transaction, then detaches it: the file is closed
between calls (other processes can open it), which is what architecture.md requires.

Threads of one process take turns on the engine (a transaction lasts milliseconds). A thread takes
its turn BEFORE the cross-process file lock: a thread queued for the engine must not hold a shared
file lock meanwhile, or a stream of readers would keep every writer out.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingest.store.errors import DiskFullError, StoreBusyError

ALIAS = "app"
_lock = threading.RLock()
_attached_here = threading.local()
_engine: duckdb.DuckDBPyConnection | None = None
_engine_pid: int | None = None
log = logging.getLogger(__name__)


def engine_config() -> dict:
    """Nothing is ever downloaded at run time; memory and threads are bounded for a 2-core box."""
    return {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "threads": int(os.environ.get("ZAKAZ_DUCKDB_THREADS", "2")),
        "memory_limit": os.environ.get("ZAKAZ_DUCKDB_MEMORY", "2GB"),
    }


def _get_engine() -> duckdb.DuckDBPyConnection:
    global _engine, _engine_pid
    # A forked child must not reuse its parent's DuckDB instance.
    if _engine is None or _engine_pid != os.getpid():
        _engine = duckdb.connect(":memory:", config=engine_config())
        _engine_pid = os.getpid()
    return _engine


def _drop_engine() -> None:
    """After an error that may have left the instance unusable, start afresh next time."""
    global _engine
    if _engine is not None:
        try:
            _engine.close()
        except duckdb.Error:
            pass
    _engine = None


# No room to write: the disk is full (ENOSPC), the user's quota is used up (EDQUOT), or the file
# reached its size limit (EFBIG: RLIMIT_FSIZE, the file system's maximum). DuckDB's I/O errors
# quote the system's strerror for each.
_DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_DISK_FULL_TEXTS = ("No space left on device", "Disk quota exceeded", "File too large")


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _DISK_FULL_ERRNOS
    return isinstance(exc, duckdb.Error) and any(t in str(exc) for t in _DISK_FULL_TEXTS)


@contextmanager
def _disk_full_as_store_error(db_path: Path) -> Iterator[None]:
    """A full disk (at ATTACH, in the block or at its COMMIT) becomes one clear DiskFullError
    instead of DuckDB's traceback; any other error passes unchanged."""
    try:
        yield
    except (duckdb.Error, OSError) as exc:
        if is_disk_full(exc):
            raise DiskFullError(str(db_path)) from exc
        raise


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@contextmanager
def engine_turn(timeout_s: float) -> Iterator[float]:
    """This thread's turn on the process's engine, waiting at most timeout_s; yields the wait."""
    start = time.monotonic()
    if not _lock.acquire(timeout=max(timeout_s, 0.0)):
        raise StoreBusyError(time.monotonic() - start)
    try:
        yield time.monotonic() - start
    finally:
        _lock.release()


@contextmanager
def attached(db_path: Path, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """The engine with db_path attached as the default catalog, detached afterwards.

    The caller holds its engine turn (and, for app.duckdb, the cross-process file lock).
    """
    with _lock:  # re-entrant: a no-op for a caller that holds its turn
        if getattr(_attached_here, "active", False):
            raise RuntimeError(
                "вложенное обращение к хранилищу в одной транзакции: "
                "используйте уже открытое соединение"
            )
        conn = _get_engine()
        mode = " (READ_ONLY)" if read_only else ""
        with _disk_full_as_store_error(db_path):
            conn.execute(f"ATTACH {_quote(db_path)} AS {ALIAS}{mode}")
        _attached_here.active = True
        try:
            with _disk_full_as_store_error(db_path):
                conn.execute(f"USE {ALIAS}")
                yield conn
        finally:
            _attached_here.active = False
            try:
                conn.execute("USE memory")
                conn.execute(f"DETACH {ALIAS}")
            except duckdb.Error as exc:
                # The transaction's outcome is already decided (committed data sits in the
                # write-ahead log and is replayed on the next attach); raising here would make a
                # user retry a save that succeeded. Closing the engine releases the file.
                log.warning("DETACH failed, engine reset: %s", exc)
                _drop_engine()
