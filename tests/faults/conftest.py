"""A plant for the kill tests: a copy of the demo store, in /dev/shm when it has room.

A SIGKILL leaves the kernel's page cache as it is on any file system, so what a killed process
leaves behind is the same on tmpfs as on a disk; only the fsyncs of SQLite (Dagster's run
storage) and DuckDB, a large part of these tests' wall time on a busy disk, cost nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

SHM = Path("/dev/shm")
SHM_NEEDED = 2 << 30  # the pipeline test's plant with its leftovers stays far below


@pytest.fixture
def shm_plant(demo_home) -> Path:
    if SHM.is_dir() and shutil.disk_usage(SHM).free > SHM_NEEDED:
        base = Path(tempfile.mkdtemp(prefix="zakaz-faults-", dir=SHM))
    else:
        base = Path(tempfile.mkdtemp(prefix="zakaz-faults-"))
    try:
        (base / "plant").mkdir()
        shutil.copy2(demo_home / "app.duckdb", base / "plant" / "app.duckdb")
        yield base / "plant"
    finally:
        shutil.rmtree(base, ignore_errors=True)
