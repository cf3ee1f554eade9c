"""Killing a process with everything it started, and proving nothing of it survived.

A process started with start_new_session=True (or setpgid) leads its own group: killpg reaches
its children too, e.g. the code server and run workers of a Dagster daemon, or dbt under a
refresh. A child that left the group (setsid) is still found by an environment marker that every
descendant inherits.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from proc_groups import group_members, process_running

MARKER_VARIABLE = "ZAKAZ_FAULT_TEST_MARKER"


def free_port() -> int:
    """A port nothing listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def marked_processes(marker: str) -> list[int]:
    """Live processes whose environment carries MARKER_VARIABLE=marker."""
    needle = f"{MARKER_VARIABLE}={marker}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            entries = environ.read_bytes().split(b"\0")
        except OSError:
            continue
        pid = int(environ.parent.name)
        if needle in entries and pid != os.getpid() and process_running(pid):
            found.append(pid)
    return found


def kill_group(pgid: int, marker: str | None = None, timeout_s: float = 10.0) -> None:
    """SIGKILL the group (and anything carrying the marker); return once all of it is gone."""
    deadline = time.monotonic() + timeout_s
    while True:
        targets = set(group_members(pgid))
        if marker is not None:
            targets |= set(marked_processes(marker))
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not targets or not any(process_running(pid) for pid in targets):
            if not group_members(pgid) and not (marker and marked_processes(marker)):
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"processes survived SIGKILL: {sorted(targets)}")
        time.sleep(0.02)
