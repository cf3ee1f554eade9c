"""A small process supervisor for `zakaz up`: start named children, wait until they answer,
stop them all together.

Each child runs in its own session (so its own process group): Ctrl-C in the terminal reaches
only the supervisor, which then stops the children in order, and a stop reaches a child's own
children too (Dagster's code servers). Stopping is SIGTERM to the group, up to
``stop_timeout_s`` to exit, then SIGKILL. A child that exits on its own is an error: the
supervisor raises ChildExited (name, exit code, last log lines) and, on leaving the ``with``
block, stops the others.

    with Supervisor(env=env, cwd=repo) as sup:
        sup.start(ChildSpec("streamlit", argv, log_path, ready_url="http://.../_stcore/health"))
        if sup.wait_ready():       # False: a stop was asked for (Ctrl-C, SIGTERM, SIGHUP)
            sup.watch()            # until a stop is asked for; raises ChildExited
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
TAIL_LINES = 12
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Probes go straight to our own children, never through an http_proxy from the environment.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: Sequence[str]
    log_path: Path
    ready_url: str | None = None  # ready once this answers 200
    ready_timeout_s: float = 60.0
    settle_s: float = 3.0  # without a URL or port: ready once it has kept running this long
    ready_port: tuple[str, int] | None = None  # ready once (host, port) accepts a TCP connection
    env: Mapping[str, str] | None = None  # on top of the supervisor's environment


class ChildExited(Exception):
    """A child ended while it should have been running."""

    def __init__(self, name: str, returncode: int, tail: list[str], log_path: Path):
        super().__init__(f"{name} exited with code {returncode}")
        self.name = name
        self.returncode = returncode
        self.tail = tail
        self.log_path = log_path


class NotReady(Exception):
    """A child kept running but did not answer its readiness URL in time."""

    def __init__(self, name: str, timeout_s: float, tail: list[str], log_path: Path):
        super().__init__(f"{name} not ready after {timeout_s:.0f} s")
        self.name = name
        self.timeout_s = timeout_s
        self.tail = tail
        self.log_path = log_path


@dataclass
class Child:
    spec: ChildSpec
    process: subprocess.Popen
    started_at: float
    log_offset: int  # where this run's output starts in the (appended) log file
    ready_after_s: float | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int:
        return self.process.pid

    def tail(self, lines: int = TAIL_LINES) -> list[str]:
        """The last lines this child wrote (this run only), without terminal colours."""
        try:
            with self.spec.log_path.open("rb") as f:
                f.seek(self.log_offset)
                text = f.read().decode("utf-8", errors="replace")
        except OSError:
            return []
        cleaned = (_ANSI.sub("", line).rstrip() for line in text.splitlines())
        return [line for line in cleaned if line][-lines:]

    def group_alive(self) -> bool:
        """Whether the child or anything left in its process group still runs."""
        self.process.poll()  # reap the leader, so a zombie does not count
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # it exists, only not ours to signal
        return True

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)


def port_accepts(host: str, port: int, timeout_s: float = 1.0) -> bool:
    """A server listens on host:port (a TCP connection is accepted; nothing is sent)."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def url_answers(url: str, timeout_s: float = 2.0) -> bool:
    try:
        with _HTTP.open(url, timeout=timeout_s) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


# Linux: the child asks the kernel for a SIGTERM should the supervisor die, even by SIGKILL, and
# then becomes the real command (PR_SET_PDEATHSIG survives exec). A preexec_fn would save this
# interpreter start but is unsafe in a process with threads (DuckDB's engine has some).
_DIE_WITH_PARENT = (
    "import ctypes, os, sys; ctypes.CDLL(None).prctl(1, 15); "
    "os.getppid() == int(sys.argv[1]) or sys.exit(70); os.execvp(sys.argv[2], sys.argv[2:])"
)


def _launch_argv(argv: Sequence[str]) -> list[str]:
    if sys.platform != "linux":
        return list(argv)
    return [sys.executable, "-I", "-S", "-c", _DIE_WITH_PARENT, str(os.getpid()), *argv]


class Supervisor:
    def __init__(
        self,
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stop_timeout_s: float = 10.0,
        poll_s: float = 0.25,
    ):
        self.env = env
        self.cwd = cwd
        self.stop_timeout_s = stop_timeout_s
        self.poll_s = poll_s
        self.children: list[Child] = []
        self._stop = threading.Event()
        self._signals = 0
        self._previous_handlers: dict[int, object] = {}

    # -- lifetime -------------------------------------------------------------------------

    def __enter__(self) -> Supervisor:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._previous_handlers[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop_all()
        finally:
            for signum, handler in self._previous_handlers.items():
                signal.signal(signum, handler)
            self._previous_handlers.clear()

    def _on_signal(self, signum, frame) -> None:
        self._signals += 1
        self._stop.set()

    def request_stop(self) -> None:
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # -- starting and waiting -------------------------------------------------------------

    def start(self, spec: ChildSpec) -> Child:
        spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        with spec.log_path.open("ab") as log:
            offset = log.tell()
            process = subprocess.Popen(
                _launch_argv(spec.argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._env_for(spec),
                cwd=self.cwd,
                start_new_session=True,  # own session and group: see the module docstring
            )
        child = Child(spec, process, time.monotonic(), offset)
        self.children.append(child)
        return child

    def _env_for(self, spec: ChildSpec) -> dict[str, str] | None:
        if not spec.env:
            return self.env
        return {**(os.environ if self.env is None else self.env), **spec.env}

    def wait_ready(self, on_ready: Callable[[Child], None] | None = None) -> bool:
        """Block until every child is ready (True) or a stop is asked for (False).

        Raises ChildExited if any child ends meanwhile, NotReady if one runs out of time.
        """
        waiting = [c for c in self.children if c.ready_after_s is None]
        while waiting:
            self.check_alive()
            for child in list(waiting):
                if self._is_ready(child):
                    child.ready_after_s = time.monotonic() - child.started_at
                    waiting.remove(child)
                    if on_ready:
                        on_ready(child)
                elif time.monotonic() - child.started_at > child.spec.ready_timeout_s:
                    spec = child.spec
                    raise NotReady(child.name, spec.ready_timeout_s, child.tail(), spec.log_path)
            if waiting and self._stop.wait(self.poll_s):
                return False
        return not self.stop_requested

    def _is_ready(self, child: Child) -> bool:
        if child.spec.ready_url is not None:
            return url_answers(child.spec.ready_url)
        if child.spec.ready_port is not None:
            return port_accepts(*child.spec.ready_port)
        return time.monotonic() - child.started_at >= child.spec.settle_s

    def watch(self) -> None:
        """Block until a stop is asked for; raises ChildExited if a child ends first."""
        while not self._stop.wait(self.poll_s):
            self.check_alive()

    def check_alive(self) -> None:
        for child in self.children:
            code = child.process.poll()
            if code is not None:
                raise ChildExited(child.name, code, child.tail(), child.spec.log_path)

    # -- stopping -------------------------------------------------------------------------

    def stop_all(self) -> float:
        """SIGTERM every child's group, wait up to stop_timeout_s, SIGKILL what is left.

        A second Ctrl-C / SIGTERM while waiting kills at once. Returns the seconds taken.
        """
        started = time.monotonic()
        signals_before = self._signals
        for child in reversed(self.children):  # the last started depends on the first
            if child.group_alive():
                child.signal_group(signal.SIGTERM)
        deadline = started + self.stop_timeout_s
        while any(c.group_alive() for c in self.children):
            if time.monotonic() >= deadline or self._signals > signals_before:
                break
            time.sleep(0.1)
        for child in self.children:
            if child.group_alive():
                child.signal_group(signal.SIGKILL)
        for child in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=5)
        return time.monotonic() - started
