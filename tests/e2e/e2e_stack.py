"""The real plant for the browser tests: a fresh demo plant, its published marts, and the real
`zakaz up` (Streamlit + Dagster webserver and daemon + the local SMTP sink) as a subprocess.

Nothing here reaches into the app's code: the plant is made and inspected with the `zakaz`
command a user or a script would run, and read back through the store layer (short read
transactions, so the running app and Dagster keep working).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proc_groups import group_gone

REPO = Path(__file__).resolve().parents[2]
READY_LINE = "Остановить: Ctrl-C"  # the last line `zakaz up` prints once everything answers
UP_READY_TIMEOUT_S = 300.0  # the Dagster webserver loads both code locations: 30-90 s here
STOP_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env() -> dict[str, str]:
    """This environment without what would point the plant elsewhere: the tests' own plant
    folder and Dagster home, and the local SMTP sink rather than a configured mail server."""
    dropped = ("ZAKAZ_HOME", "DAGSTER_HOME", "ZAKAZ_APP_URL")
    return {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("ZAKAZ_SMTP_")
    }


def zakaz(*args: str, timeout_s: float = 900) -> subprocess.CompletedProcess[str]:
    """The real `zakaz` command (python -m zakaz.cli), as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "zakaz.cli", *args],
        capture_output=True, text=True, timeout=timeout_s, env=child_env(), cwd=REPO,
    )  # fmt: skip


def zakaz_ok(*args: str, timeout_s: float = 900) -> str:
    result = zakaz(*args, timeout_s=timeout_s)
    assert result.returncode == 0, f"zakaz {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def zakaz_json(home: Path, *args: str) -> Any:
    return json.loads(zakaz_ok(*args, "--home", str(home), "--json", timeout_s=120))


def make_demo_plant(home: Path) -> dict[str, float]:
    """`zakaz init --demo` then `zakaz run` (the analytics pages read the published marts);
    the seconds each took."""
    took = {}
    started = time.monotonic()
    zakaz_ok("init", "--demo", "--home", str(home))
    took["init"] = time.monotonic() - started
    started = time.monotonic()
    zakaz_ok("run", "--home", str(home))
    took["run"] = time.monotonic() - started
    assert (home / "published" / "marts.duckdb").is_file()
    return took


def store_rows(home: Path, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """Rows read from the plant's store in one short read transaction (as the app does)."""
    from ingest.store import Store

    with Store.open(home).read() as conn:
        cursor = conn.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class Stack:
    """A running `zakaz up` on a plant; its output goes to a file readable at any time."""

    home: Path
    out: Path
    port: int = field(default_factory=free_port)
    dagster_port: int = field(default_factory=free_port)
    smtp_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    ready_after_s: float | None = None
    stopped_after_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dagster_url(self) -> str:
        return f"http://127.0.0.1:{self.dagster_port}"

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def start(self) -> None:
        argv = [sys.executable, "-m", "zakaz.cli", "up", "--home", str(self.home),
                "--port", str(self.port), "--dagster-port", str(self.dagster_port),
                "--smtp-port", str(self.smtp_port),
                # The tests' saves would make the daemon rebuild the marts 2-3 times meanwhile
                # (~90 s of CPU each on a shared 2-core CI machine); the pages read the marts
                # `zakaz run` published, and the refresh sensor is tested in tests/pipelines.
                "--no-auto-refresh"]  # fmt: skip
        started = time.monotonic()
        with self.out.open("w") as f:
            self.process = subprocess.Popen(
                argv, stdout=f, stderr=subprocess.STDOUT, env=child_env(), cwd=REPO
            )
        deadline = started + UP_READY_TIMEOUT_S
        while READY_LINE not in self.text():
            assert self.process.poll() is None, f"zakaz up ended early:\n{self.text()}"
            assert time.monotonic() < deadline, f"zakaz up not ready:\n{self.text()}"
            time.sleep(0.5)
        self.ready_after_s = time.monotonic() - started

    def child_pids(self) -> dict[str, int]:
        """The processes `zakaz up` started (its own up.pids), each in its own process group."""
        try:
            lines = (self.home / "logs" / "up.pids").read_text(encoding="utf-8").splitlines()
        except OSError:
            return {}
        return {name: int(pid) for name, pid in (line.split() for line in lines if line.strip())}

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C does; `zakaz up` must exit 0 with every child gone. Whatever is
        left after the timeout (only processes this stack started) is killed, then reported."""
        if self.process is None or self.process.poll() is not None:
            return
        children = {k: v for k, v in self.child_pids().items() if k != "zakaz-up"}
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            code = None
            self.process.kill()
            self.process.wait()
        self.stopped_after_s = time.monotonic() - started
        left = {name: pid for name, pid in children.items() if not group_gone(pid)}
        for pid in left.values():  # each child leads its own group (zakaz/supervisor.py)
            _kill_group(pid)
        assert code == 0, f"zakaz up did not stop on SIGTERM (code {code}):\n{self.text()}"
        assert not left, f"still running after zakaz up stopped: {left}"


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def running_stack(home: Path, out: Path) -> Iterator[Stack]:
    stack = Stack(home, out)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
