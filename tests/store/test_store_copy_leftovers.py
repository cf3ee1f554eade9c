"""A copy killed mid-way leaves its temporary file (a whole store) beside the destination; the
next copy to that destination removes those of dead processes and keeps those of live ones."""

import os
import resource
import signal
import subprocess
import sys

import pytest
from plant_fixtures import make_minimal_plant

from ingest.store.copy import copy_store
from ingest.store.errors import DiskFullError


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_copy_removes_temporaries_of_killed_copies_only(tmp_path):
    store = make_minimal_plant(tmp_path / "plant")
    dest = tmp_path / "snapshots" / "app_snapshot.duckdb"
    dest.parent.mkdir()
    dead = dest.with_name(f".{dest.name}.{_dead_pid()}.0badc0de.tmp")
    dead.write_bytes(b"x" * 1024)
    dead.with_name(dead.name + ".wal").write_bytes(b"log")
    alive = dest.with_name(f".{dest.name}.{os.getpid()}.c0ffee00.tmp")  # a copy in progress
    alive.write_bytes(b"y")
    other = dest.with_name(".other.duckdb.1.0badc0de.tmp")  # not this destination's
    other.write_bytes(b"z")

    copy_store(store, dest)

    assert dest.is_file()
    assert not dead.exists() and not dead.with_name(dead.name + ".wal").exists()
    assert alive.exists() and other.exists()


def test_a_copy_onto_a_full_disk_is_one_clear_error_and_leaves_no_temporary(tmp_path):
    store = make_minimal_plant(tmp_path / "plant")
    dest = tmp_path / "backup.duckdb"
    # The same refusal a full disk gives, without privileges: EFBIG past a file size limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(DiskFullError, match="Нет места для записи"):
            copy_store(store, dest)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert not dest.exists()
    assert list(tmp_path.glob(".backup.duckdb.*")) == []
