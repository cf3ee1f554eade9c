"""Driving pipeline_forker.py: start a refresh, wait for the phase to aim at, SIGKILL it.

The phase a kill aims at is recognised by the files the stages write (their temporary names);
the phase it really landed in is read afterwards from the killed run's Dagster event log
(phase_of_run), which is what the test reports.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from processes import kill_group

from pipelines.paths import PipelinePaths
from zakaz.commands.up import _keep_bytecode

FORKER = Path(__file__).parent / "pipeline_forker.py"
REPO = Path(__file__).resolve().parents[2]


class Forker:
    """The warm `zakaz run` of pipeline_forker.py: one refresh child at a time."""

    def __init__(self, home: Path, as_of: str, log: Path):
        self.paths = PipelinePaths.at(home)
        self._log = log.open("w")
        env = dict(os.environ)
        _keep_bytecode(env)  # as `zakaz up` does for its children: compiled once, not each time
        self.process = subprocess.Popen(
            [sys.executable, str(FORKER), str(home), as_of],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
            cwd=REPO, env=env, start_new_session=True,
        )  # fmt: skip
        self._expect("ready")

    def _expect(self, word: str) -> str:
        line = self.process.stdout.readline().strip()
        if not line.startswith(word):
            self._log.flush()
            tail = Path(self._log.name).read_text(errors="replace")[-3000:]
            raise AssertionError(f"forker said {line!r}; its log ends:\n{tail}")
        return line

    def start(self, request: str) -> int:
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        return int(self._expect("child").split()[1])

    def finished(self) -> int:
        """The child's exit code (negative: killed by that signal)."""
        return int(self._expect("exit").split()[1])

    def run(self, request: str) -> int:
        self.start(request)
        return self.finished()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill_group(self.process.pid)
                self.process.wait()
        self._log.close()


def _newer(path: Path, than: float) -> bool:
    try:
        return path.stat().st_mtime > than
    except FileNotFoundError:
        return False


def _temps(folder: Path, pattern: str) -> set[Path]:
    return set(folder.glob(pattern)) if folder.is_dir() else set()


def wait_for(condition: Callable[[], bool], child: int, what: str, timeout_s: float) -> None:
    """Poll every 5 ms (the snapshot's temporary file lives ~0.2 s)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            kill_group(child)
            raise AssertionError(f"{what}: not reached in {timeout_s} s")
        time.sleep(0.005)


REQUEST_FOR = {"snapshot": "snapshot", "pricing": "pricing", "dbt": "full", "publish": "publish"}


def kill_refresh_in(forker: Forker, phase: str, rng: random.Random) -> float:
    """Start a refresh (see pipeline_forker.py), SIGKILL it in `phase`; seconds it took."""
    paths = forker.paths
    started_wall, started = time.time(), time.monotonic()
    old_copies = _temps(paths.snapshot.parent, ".app_snapshot.duckdb.*.tmp")
    old_marts_temps = _temps(paths.published_dir, ".marts-*.duckdb")
    # A killed pricing run leaves its temporary (the next run sweeps it): only a new one counts.
    old_parquet_temps = _temps(paths.pipeline_dir, ".priced_order_lines.parquet.*.tmp")
    child = forker.start(REQUEST_FOR[phase])
    if phase == "snapshot":  # copy_store's temporary copy exists (or the copy just finished)
        wait_for(
            lambda: _temps(paths.snapshot.parent, ".app_snapshot.duckdb.*.tmp") - old_copies
            or _newer(paths.snapshot_info, started_wall),
            child, "snapshot", 120,
        )  # fmt: skip
    elif phase == "pricing":  # the lines are being priced, or the orders after them
        wait_for(
            lambda: _temps(paths.pipeline_dir, ".priced_order_lines.parquet.*.tmp")
            - old_parquet_temps
            or _newer(paths.priced_order_lines, started_wall),
            child, "pricing", 120,
        )  # fmt: skip
        time.sleep(rng.uniform(0.0, 0.1))
    elif phase == "dbt":  # dbt is writing the warehouse
        warehouse_files = (paths.warehouse, paths.warehouse.with_name("warehouse.duckdb.wal"))
        wait_for(
            lambda: any(_newer(f, started_wall) for f in warehouse_files), child, "dbt", 300
        )  # fmt: skip
        time.sleep(rng.uniform(0.0, 5.0))
    elif phase == "publish":  # the new marts file is being built aside
        wait_for(
            lambda: _temps(paths.published_dir, ".marts-*.duckdb") - old_marts_temps,
            child, "publish", 120,
        )  # fmt: skip
        time.sleep(rng.uniform(0.0, 0.15))
    else:
        raise ValueError(phase)
    kill_group(child)
    code = forker.finished()
    assert code == -9, f"the {phase} refresh ended by itself (exit {code}) before the kill"
    return time.monotonic() - started


STEPS = {  # the steps that write an asset; a check's step is named after its asset
    "snapshots__app_snapshot": "snapshot",
    "pricing__priced_order_lines": "pricing",
    "pricing__order_pricing": "pricing",
    "dbt_models": "dbt",
    "published__marts": "publish",
}


def phase_of_run(instance, run_id: str) -> str:
    """The stage a run was in when it died: its last step started and never finished."""
    import dagster as dg

    open_steps: list[str] = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            open_steps.append(event.step_key)
        elif event.event_type in (
            dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
        ):  # fmt: skip
            if event.step_key in open_steps:
                open_steps.remove(event.step_key)
    if not open_steps:
        return "between steps"
    step = open_steps[-1]
    if step in STEPS:
        return STEPS[step]
    asset = next((a for a in sorted(STEPS, key=len, reverse=True) if step.startswith(a)), None)
    return f"{STEPS[asset]} check" if asset else step
