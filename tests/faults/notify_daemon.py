"""The real Dagster daemon of the `zakaz_notify` code location, a counting SMTP sink, and a stream
of status changes: the parts of the daemon kill test.

The daemon is started as `zakaz up` starts it (`python -m dagster._daemon run -w ...`, the
environment of zakaz.commands.up._child_env and its mail plan), with a workspace holding only the
light notify location, in a process group of its own; every process it starts (the code server,
the run workers) inherits an environment marker, so a kill can prove none of them survived.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from processes import MARKER_VARIABLE, kill_group, marked_processes

from ingest.notify.sink import MaildirHandler
from ingest.service.desk import Desk
from ingest.service.status import change_status
from ingest.store import Store, StoreBusyError
from zakaz.commands.up import NOTIFY_SINCE_FILE, MailPlan, _child_env, _dagster_home

REPO = Path(__file__).resolve().parents[2]
APP_URL = "http://127.0.0.1:8501"
WORKSPACE = f"""\
load_from:
  - python_module:
      module_name: pipelines.notify_definitions
      location_name: zakaz_notify
      working_directory: {REPO}
"""


class CountingSink(MaildirHandler):
    """The product's sink (one Maildir file per Message-ID), also counting every DATA it accepts:
    a resend after a kill is stored once but counted here."""

    def __init__(self, maildir: Path):
        super().__init__(maildir)
        self.deliveries: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        raw = envelope.original_content or envelope.content
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        for header in text.split("\n\n", 1)[0].splitlines():
            if header.lower().startswith("message-id:"):
                self.deliveries[header.split(":", 1)[1].strip()] += 1
        return reply

    def accepted(self) -> int:
        return sum(self.deliveries.values())


def start_sink(handler: CountingSink, port: int) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    return controller


class Daemon:
    """`dagster-daemon` for the plant, restartable; SIGKILL takes its whole tree."""

    def __init__(self, home: Path, smtp_port: int, since: datetime, logs: Path):
        dagster_home = _dagster_home(home / "dagster")  # storage made once, as `zakaz up` does
        (dagster_home / NOTIFY_SINCE_FILE).write_text(since.isoformat(timespec="seconds") + "\n")
        self.workspace = logs / "workspace.yaml"
        self.workspace.write_text(WORKSPACE, encoding="utf-8")
        self.marker = uuid.uuid4().hex
        self.env = _child_env(home, dagster_home, APP_URL)
        self.env.update(MailPlan(smtp_port, home / "mail").dagster_env())
        self.env[MARKER_VARIABLE] = self.marker
        self.log = logs / "dagster-daemon.log"
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dagster._daemon", "run", "-w", str(self.workspace)],
                stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=REPO,
                start_new_session=True,
            )  # fmt: skip
        self.started_at = time.monotonic()

    def uptime(self) -> float:
        return time.monotonic() - self.started_at

    def run_workers(self) -> int:
        """Notify runs executing now (the code server's spawned run processes)."""
        count = 0
        for pid in marked_processes(self.marker):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            count += b"spawn_main" in cmdline
        return count

    def kill(self) -> None:
        assert self.process is not None and self.process.poll() is None, self.tail()
        kill_group(self.process.pid, self.marker)
        self.process.wait()
        assert not marked_processes(self.marker), "a process of the daemon survived"

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class StatusChanges(threading.Thread):
    """Sales managers agree their quoted orders and send agreed ones to procurement, through the
    service layer, every few seconds, until stopped; keeps the ids of the events it saved."""

    def __init__(self, home: Path, clock: Callable[[], datetime], pace_s: tuple[float, float]):
        super().__init__(name="status-changes", daemon=True)
        self.store = Store.open(home)
        self.clock = clock
        self.pace_s = pace_s
        self.events: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.rng = random.Random(11)

    def run(self) -> None:
        try:
            while not self.stop.wait(self.rng.uniform(*self.pace_s)):
                self._one_change()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def _one_change(self) -> None:
        with self.store.read() as conn:
            candidates = conn.execute(
                "SELECT o.id, o.status, u.login FROM orders o JOIN users u "
                "ON u.id = o.sales_manager_id WHERE o.status IN ('quote_sent', 'agreed') "
                "AND u.role = 'sales' AND u.is_active ORDER BY o.id"
            ).fetchall()
        order_id, current, login = self.rng.choice(candidates)
        to = "agreed" if current == "quote_sent" else "procurement"
        for _ in range(3):  # the store may be busy for a moment under the daemon's runs
            try:
                with Desk(self.store, login, clock=self.clock).writing() as a:
                    self.events.append(change_status(a, order_id, to))
                return
            except StoreBusyError:
                time.sleep(0.5)
        raise AssertionError("the store stayed busy")
