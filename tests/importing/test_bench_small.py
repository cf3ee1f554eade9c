"""bench/import_orders.py on a small register: it makes the messy file, imports every line of
it into a fresh plant, times the pandas + openpyxl baseline, and prints the figures as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_and_imports_every_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "bench/import_orders.py", "--lines", "400", "--repeat", "1",
         "--baseline-repeat", "1", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path), "HOME": str(tmp_path)},
    )  # fmt: skip
    figures = json.loads(done.stdout)
    assert figures["lines"] == 400 and figures["imported"] == 400 and figures["rejected"] == 0
    assert figures["ours_s"] > 0 and figures["baseline_pandas_openpyxl_s"] > 0
    assert (tmp_path / "zakaz-bench" / "orders_register_400.xlsx").exists()
