"""A session fixture's expensive build (a demo plant, a plant with published marts) made once
for the whole run, not once per pytest-xdist worker: the first worker to ask builds it under a
file lock in the run's shared temporary folder; the others wait for it and reuse it. Such a
build must only be read afterwards (tests that change it work on copies)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]
) -> Path:
    """build(folder) -> the built path, run once per test run (by whichever fixture asks first);
    the path it returned."""
    base = tmp_path_factory.getbasetemp()
    # xdist workers have basetemp/popen-gwN each; one process has basetemp itself.
    run_root = base.parent if base.name.startswith("popen-gw") else base
    shared = run_root / f"shared-{name}"
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even on a crash
        built = shared / "built"
        if built.is_file():
            return Path(built.read_text(encoding="utf-8"))
        work = shared / f"work-{os.getpid()}"  # a failed build leaves no "built": the next
        work.mkdir()  # worker retries, in a folder of its own
        path = build(work)
        built.write_text(str(path), encoding="utf-8")
        return path
