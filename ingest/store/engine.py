"""One in-memory DuckDB instance per process; app.duckdb is ATTACHed only for one transaction.

Creating a DuckDB instance costs ~25 ms (it builds its catalog of built-in functions), while
ATTACH + DETACH of a file costs ~2-6 ms. So each process keeps an in-memory engine and attaches the
plant's file under the cross-process lock for one transaction, then detaches it: the file is closed
between calls (other processes can open it), which is what architecture.md requires.
Threads of one process take turns on the engine (a transaction lasts milliseconds).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

ALIAS = "app"
_lock = threading.RLock()
_engine: duckdb.DuckDBPyConnection | None = None
_engine_pid: int | None = None


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


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@contextmanager
def attached(db_path: Path, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """The engine with db_path attached as the default catalog, detached afterwards.

    The caller must already hold the cross-process file lock.
    """
    with _lock:
        conn = _get_engine()
        mode = " (READ_ONLY)" if read_only else ""
        conn.execute(f"ATTACH {_quote(db_path)} AS {ALIAS}{mode}")
        try:
            conn.execute(f"USE {ALIAS}")
            yield conn
        finally:
            try:
                conn.execute("USE memory")
                conn.execute(f"DETACH {ALIAS}")
            except duckdb.Error:
                _drop_engine()
                raise
