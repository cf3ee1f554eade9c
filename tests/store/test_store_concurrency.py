"""Four processes each save 100 orders while a fifth snapshots in a loop: nothing lost, no error."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_four_writers_and_a_snapshotter_lose_nothing(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "store_writers.py"), "--writers", "4",
         "--orders", "100", "--lines", "3", "--home", str(tmp_path), "--json"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["orders_stored"] == 400
    assert report["lines_stored"] == 1200
    assert report["partial_orders"] == 0
    assert report["errors"] == []
    assert report["snapshot_errors"] == []
    assert report["snapshots"] >= 1
    assert report["snapshots_monotonic"]  # each snapshot saw at least what the one before did
