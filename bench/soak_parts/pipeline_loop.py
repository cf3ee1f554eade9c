"""The pipeline rebuilding in a loop: `zakaz run` subprocesses back to back, in a thread.

Each run's output goes to its own file in the work folder. Stopping interrupts the run in
progress like Ctrl-C (SIGINT to its process group: `zakaz run` and the dbt it started), then
kills the group if it does not end within a grace period; such a run counts as interrupted, not
failed. (If the soak itself is killed, its writers and readers notice and stop; a `zakaz run` in
progress then finishes on its own, in its own session.)
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .plant import ROOT, clean_env

SNAPSHOT = re.compile(r"snapshots/app_snapshot\s+([\d.]+) с")
GRACE_S = 30.0
ZAKAZ = (sys.executable, "-m", "zakaz.cli")


@dataclass
class Run:
    n: int
    started: float  # time.monotonic()
    ended: float
    returncode: int
    interrupted: bool
    snapshot_s: float | None
    tail: str  # the last lines of its output (why it failed)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class PipelineLoop(threading.Thread):
    def __init__(self, home: Path, as_of: str, log_dir: Path):
        super().__init__(name="soak-pipeline", daemon=True)
        self.home, self.as_of, self.log_dir = home, as_of, log_dir
        self.runs: list[Run] = []
        self._stopping = threading.Event()
        self._proc: subprocess.Popen | None = None
        self._guard = threading.Lock()

    def run(self) -> None:
        n = 0
        while not self._stopping.is_set():
            n += 1
            log = self.log_dir / f"zakaz-run-{n}.txt"
            argv = [*ZAKAZ, "run", "--home", str(self.home), "--as-of", self.as_of]
            started = time.monotonic()
            with log.open("w", encoding="utf-8") as out, self._guard:
                if self._stopping.is_set():
                    break
                self._proc = subprocess.Popen(
                    argv,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                    env=clean_env(),
                    start_new_session=True,
                )
            code = self._proc.wait()
            text = log.read_text(encoding="utf-8", errors="replace")
            found = SNAPSHOT.search(text)
            self.runs.append(
                Run(
                    n,
                    started,
                    time.monotonic(),
                    code,
                    interrupted=code != 0 and self._stopping.is_set(),
                    snapshot_s=float(found.group(1)) if found else None,
                    tail="\n".join(text.strip().splitlines()[-3:]),
                )
            )

    def ended(self) -> int:
        return len(self.runs)

    def stop(self) -> None:
        """No new run; the one in progress is interrupted (its process group only)."""
        with self._guard:
            self._stopping.set()
            proc = self._proc
        if proc is not None and proc.poll() is None:
            _signal_group(proc, signal.SIGINT)
            try:
                proc.wait(timeout=GRACE_S)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        self.join(timeout=GRACE_S)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the group this loop created (start_new_session)
    except ProcessLookupError:
        pass
