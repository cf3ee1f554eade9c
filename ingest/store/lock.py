"""A cross-process lock around every access to app.duckdb, with a bounded wait.

DuckDB lets one process hold a database file read-write and then nobody else can even read it,
so every process takes this lock (shared for readers, exclusive for writers) before opening the
file, keeps it for one short transaction, and closes. flock() locks belong to the open file
description, so threads of one process exclude each other too, and the kernel drops a lock when
its holder dies (SIGKILL included): a crashed writer never leaves the plant locked.

Waiting is a blocking flock() in a helper thread rather than polling: the kernel wakes a waiter
the moment the lock is free, where a poller sleeps through its turn and can starve under load.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.store.errors import StoreBusyError


@contextmanager
def file_lock(path: Path, *, exclusive: bool, timeout_s: float) -> Iterator[float]:
    """Hold the lock for the block; yields seconds waited. Raises StoreBusyError past timeout_s."""
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    start = time.monotonic()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        fd = _wait_in_thread(fd, mode, timeout_s, start)  # owns fd; raises on timeout
    except BaseException:
        os.close(fd)
        raise
    try:
        yield time.monotonic() - start
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _wait_in_thread(fd: int, mode: int, timeout_s: float, start: float) -> int:
    """Block on flock in a daemon thread; on timeout the thread keeps fd and frees it later."""
    state = {"abandoned": False, "error": None}
    acquired = threading.Event()
    guard = threading.Lock()

    def wait() -> None:
        try:
            fcntl.flock(fd, mode)
        except OSError as exc:
            state["error"] = exc
        with guard:
            if state["abandoned"]:  # the caller gave up: let go at once
                if state["error"] is None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
                return
            acquired.set()

    threading.Thread(target=wait, name="zakaz-store-lock", daemon=True).start()
    try:
        got_it = acquired.wait(max(0.0, timeout_s - (time.monotonic() - start)))
    except BaseException:  # Ctrl-C or a cancelled run: hand the lock back once the thread gets it
        with guard:
            if acquired.is_set():
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            else:
                state["abandoned"] = True
        raise
    with guard:
        if not got_it and not acquired.is_set():
            state["abandoned"] = True
            raise StoreBusyError(time.monotonic() - start)
    if state["error"] is not None:
        os.close(fd)
        raise state["error"]
    return fd
