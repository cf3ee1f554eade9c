"""A publish cleans up after crashed publishes, never under a publish still in progress."""

import os
import time

from pipelines.publish import TEMP_PREFIX, remove_stale_temps


def test_only_stale_temporary_files_are_removed(tmp_path):
    crashed = tmp_path / f"{TEMP_PREFIX}crashed.duckdb"
    in_progress = tmp_path / f"{TEMP_PREFIX}running.duckdb"
    published = tmp_path / "marts.duckdb"
    for path in (crashed, in_progress, published):
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(crashed, (two_hours_ago, two_hours_ago))
    assert remove_stale_temps(tmp_path) == [crashed]
    assert not crashed.exists() and in_progress.exists() and published.exists()
