"""Status save → email accepted by the SMTP server, with the Dagster daemon running.

    .venv/bin/python bench/status_to_email.py [--changes 20] [--interval 10] [--home PLANT]
                                              [--keep] [--json]

Makes a private plant (a copy of --home's store, or a fresh `zakaz init --demo`), starts
`zakaz up` on it (app, Dagster webserver and daemon, and the local SMTP sink: ZAKAZ_SMTP_HOST is
removed from its environment), waits for the notification sensor's first tick, then makes
`--changes` status changes through the service layer, about `--interval` seconds apart, each by the
order's own sales manager (quote_sent → agreed or agreed → procurement: both email several
people). For every change it measures, from the save's commit, the time until the sink accepted
the event's first and its last email (the sink writes a message to its Maildir before answering
250, so the file's mtime is the acceptance time). One extra change before the measured ones
warms the daemon up and is shown apart.

Prints each sample, p50/p95/max, and where the time went (from the runs' event logs: sensor
pick-up, queue, run process start and code load, the op). Exits 1 only if an email is lost:
an event without queued messages, or a queued message the sink never received, within
--timeout seconds after the last change.

Every notify run is a new Python process that imports Dagster and loads the code location, so
the figures depend on .pyc files being kept (`zakaz up` keeps them in ~/.cache/zakaz/pycache
where PYTHONDONTWRITEBYTECODE is set) and on the pace: `--interval 3` keeps two cores busy with
run processes and shows queueing; the default, 10 s, is a busy plant's pace.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.service.desk import Desk  # noqa: E402
from ingest.service.status import change_status  # noqa: E402
from ingest.store import Store  # noqa: E402
from ingest.store.copy import copy_store  # noqa: E402

MOVES = (("quote_sent", "agreed"), ("agreed", "procurement"))  # sales' moves that send email
SENSOR = "notify_on_status_events"


@dataclass
class Sample:
    event_id: int
    order: str
    move: str
    login: str
    committed_at: float  # epoch s, right after the commit
    messages: int = 0
    received: int = 0
    first_s: float | None = None  # commit → first email accepted
    last_s: float | None = None  # commit → last email of the event accepted
    phases: dict[str, float] = field(default_factory=dict)


# --- the plant and the processes ------------------------------------------------------------


def make_plant(source: Path | None, where: Path) -> Path:
    home = where / "plant"
    if source is not None:
        home.mkdir(parents=True)
        copy_store(Store.open(source), home / "app.duckdb")
        return home
    result = subprocess.run(
        [sys.executable, "-m", "zakaz.cli", "init", "--demo", "--home", str(home)],
        capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=600,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"zakaz init --demo не удался: {result.stderr.strip()}")
    return home


def _env() -> dict[str, str]:
    drop = ("ZAKAZ_HOME", "DAGSTER_HOME", "ZAKAZ_APP_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("ZAKAZ_SMTP_")}
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Up:
    """`zakaz up` in the background, its output in a file."""

    def __init__(self, home: Path, out: Path, env: dict[str, str]):
        self.out = out
        self.smtp_port = free_port()
        argv = [sys.executable, "-m", "zakaz.commands.up", "--home", str(home),
                "--port", str(free_port()), "--dagster-port", str(free_port()),
                "--smtp-port", str(self.smtp_port)]  # fmt: skip
        with out.open("w") as f:
            self.process = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, env=env,
                                            cwd=ROOT)  # fmt: skip

    def wait_ready(self, timeout_s: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if "Остановить: Ctrl-C" in self.out.read_text(encoding="utf-8"):
                return time.monotonic() - started
            if self.process.poll() is not None:
                sys.exit(f"zakaz up завершился:\n{self.out.read_text(encoding='utf-8')}")
            time.sleep(0.3)
        self.stop()
        sys.exit(f"zakaz up не запустился за {timeout_s:.0f} с")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def sensor_cursor(dagster_home: Path) -> str | None:
    """The notification sensor's cursor in the plant's Dagster instance (None before its first
    tick: a change made then would count as history)."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for state in instance.all_instigator_state():
            if state.name == SENSOR and state.instigator_data is not None:
                return getattr(state.instigator_data, "cursor", None)
    return None


def wait_for_sensor(dagster_home: Path, timeout_s: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if sensor_cursor(dagster_home):
            return time.monotonic() - started
        time.sleep(0.5)
    sys.exit(f"датчик {SENSOR} не сработал за {timeout_s:.0f} с (журнал dagster-daemon.log)")


# --- the changes --------------------------------------------------------------------------


def candidates(store: Store) -> list[tuple[int, str, str, str, str]]:
    """(order id, number, sales login, from, to) for each move a sales manager may make on their
    own order, agreed-first orders moved twice at most, oldest order first."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT o.id, o.number, u.login, o.status FROM orders o "
            "JOIN users u ON u.id = o.sales_manager_id "
            "WHERE u.is_active AND u.role = 'sales' AND o.status IN ('quote_sent', 'agreed') "
            "ORDER BY o.id"
        ).fetchall()
    moves = dict(MOVES)
    return [(oid, number, login, status, moves[status]) for oid, number, login, status in rows]


def make_change(store: Store, order_id: int, login: str, to_status: str) -> tuple[int, float]:
    with Desk(store, login).writing() as a:
        event_id = change_status(a, order_id, to_status, comment="bench: status_to_email")
    return event_id, time.time()  # the block has committed


# --- what arrived -------------------------------------------------------------------------


def maildir_times(maildir: Path, seen: dict[str, float]) -> dict[str, float]:
    """Message-ID → acceptance time (the file's mtime), adding only files not read before."""
    parser = BytesHeaderParser()
    for sub in ("new", "cur"):
        folder = maildir / sub
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if entry.name in seen or entry.name.startswith("."):
                continue
            with open(entry.path, "rb") as f:
                message_id = str(parser.parse(f).get("Message-ID") or "").strip()
            seen[entry.name] = entry.stat().st_mtime
            if message_id:
                seen[message_id] = min(seen.get(message_id, float("inf")), seen[entry.name])
    return seen


def outbox_by_event(store: Store, event_ids: list[int]) -> dict[int, list[str]]:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT event_id, message_id FROM notification_outbox WHERE list_contains(?, event_id)",
            [event_ids],
        ).fetchall()
    out: dict[int, list[str]] = {}
    for event_id, message_id in rows:
        out.setdefault(event_id, []).append(message_id)
    return out


def collect(store: Store, maildir: Path, samples: list[Sample], deadline: float) -> None:
    seen: dict[str, float] = {}
    ids = [s.event_id for s in samples]
    while True:
        outbox = outbox_by_event(store, ids)
        maildir_times(maildir, seen)
        done = True
        for s in samples:
            wanted = outbox.get(s.event_id, [])
            got = [seen[m] for m in wanted if m in seen]
            s.messages, s.received = len(wanted), len(got)
            if got:
                s.first_s = min(got) - s.committed_at
            if wanted and len(got) == len(wanted):
                s.last_s = max(got) - s.committed_at
            else:
                done = False
        if done or time.time() > deadline:
            return
        time.sleep(0.25)


# --- where the time went ------------------------------------------------------------------


def run_phases(dagster_home: Path, samples: list[Sample]) -> None:
    """From each event's notify run's event log, the moments between the commit and the op's
    end (see PHASE_NAMES)."""
    import dagster as dg

    kinds = {
        dg.DagsterEventType.RUN_STARTING: "starting",
        dg.DagsterEventType.ENGINE_EVENT: "process",  # the first: "Started process for run"
        dg.DagsterEventType.RUN_START: "run_start",
        dg.DagsterEventType.STEP_START: "op_start",
        dg.DagsterEventType.STEP_SUCCESS: "op_end",
        dg.DagsterEventType.STEP_FAILURE: "op_end",
    }
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for s in samples:
            records = instance.get_run_records(
                dg.RunsFilter(tags={"zakaz/status_event": str(s.event_id)}), limit=5
            )
            if not records:
                continue
            record = records[-1]  # the first attempt
            marks = {"created": record.create_timestamp.timestamp()}
            for entry in instance.all_logs(record.dagster_run.run_id):
                kind = entry.dagster_event.event_type if entry.dagster_event else None
                if kind in kinds and kinds[kind] not in marks:
                    marks[kinds[kind]] = entry.timestamp
            previous, at = "commit", s.committed_at
            for mark in PHASE_ORDER:
                if mark in marks:
                    s.phases[f"{previous}→{mark}"] = marks[mark] - at
                    previous, at = mark, marks[mark]


PHASE_ORDER = ("created", "starting", "process", "run_start", "op_start", "op_end")
PHASE_NAMES = {
    "commit→created": "датчик увидел событие и создал запуск (цикл датчиков демона: 5 с)",
    "created→starting": "очередь запусков: до запуска процесса (dequeue)",
    "starting→process": "новый процесс запуска: Python и импорт Dagster",
    "process→run_start": "загрузка код-локации zakaz_notify (без dbt)",
    "run_start→op_start": "подготовка шага (ресурсы)",
    "op_start→op_end": "шаг: задачи и письма в базе, отправка по SMTP",
}


# --- report -------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "p50": round(pct(values, 0.5), 2),
        "p95": round(pct(values, 0.95), 2),
        "max": round(max(values), 2),
        "min": round(min(values), 2),
    }


def fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:6.2f}"


def print_report(samples: list[Sample], warmup: list[Sample], info: dict) -> None:
    print(
        f"Запуск zakaz up: {info['up_s']:.1f} с; первый тик датчика ещё через "
        f"{info['sensor_s']:.1f} с; изменений: {len(samples)}, интервал {info['interval']} с"
    )
    print(f"{'событие':>8} {'заказ':<14} {'переход':<24} {'писем':>6} {'первое, с':>10} "
          f"{'последнее, с':>13}")  # fmt: skip
    for s in warmup + samples:
        mark = " (разогрев)" if s in warmup else ""
        print(f"{s.event_id:>8} {s.order:<14} {s.move:<24} {s.received:>2}/{s.messages:<3} "
              f"{fmt(s.first_s):>10} {fmt(s.last_s):>13}{mark}")  # fmt: skip
    first = [s.first_s for s in samples if s.first_s is not None]
    last = [s.last_s for s in samples if s.last_s is not None]
    for name, values in (("первое письмо события", first), ("все письма события", last)):
        st = summary(values)
        if st:
            print(f"{name}: p50 {st['p50']:.2f} с, p95 {st['p95']:.2f} с, max {st['max']:.2f} с")
    print("Куда уходит время (медиана по событиям, с):")
    for key, label in PHASE_NAMES.items():
        values = [s.phases[key] for s in samples if key in s.phases]
        if values:
            print(f"  {statistics.median(values):6.2f}  (max {max(values):5.2f})  {label}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", type=Path, help="завод, копия которого используется (иначе демо)")
    p.add_argument("--changes", type=int, default=20, help="сколько изменений статуса (20)")
    p.add_argument("--interval", type=float, default=10.0, help="секунд между изменениями (10)")
    p.add_argument("--seed", type=int, default=5, help="случайность интервалов (5)")
    p.add_argument("--warmup", type=int, default=1, help="изменений до замеров (1)")
    p.add_argument("--timeout", type=float, default=180.0, help="ждать писем после последнего")
    p.add_argument("--keep", action="store_true", help="не удалять временный завод")
    p.add_argument("--json", action="store_true", help="итог в JSON")
    args = p.parse_args(argv)
    if args.changes < 1:
        p.error("--changes: нужно хотя бы одно изменение")

    where = Path(tempfile.mkdtemp(prefix="zakaz-status-email-"))
    up = None
    try:
        home = make_plant(args.home, where)
        store = Store.open(home)
        moves = candidates(store)
        need = args.warmup + args.changes
        if len(moves) < need:
            sys.exit(f"на заводе мало заказов для {need} изменений (есть {len(moves)})")
        up = Up(home, where / "up.txt", _env())
        up_s = up.wait_ready(300)
        sensor_s = wait_for_sensor(home / "dagster", 120)

        samples: list[Sample] = []
        pace = random.Random(args.seed)
        for order_id, number, login, from_status, to_status in moves[:need]:
            event_id, committed = make_change(store, order_id, login, to_status)
            samples.append(Sample(event_id, number, f"{from_status}→{to_status}", login, committed))
            # Jittered (0.5-1.5 x): a fixed pace would lock onto the daemon's 5 s sensor loop.
            time.sleep(args.interval * pace.uniform(0.5, 1.5))
        collect(store, home / "mail", samples, time.time() + args.timeout)
        run_phases(home / "dagster", samples)
    finally:
        if up is not None:
            up.stop()
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)
        else:
            print(f"завод и журналы: {where}", file=sys.stderr)

    warmup, measured = samples[: args.warmup], samples[args.warmup :]
    info = {"up_s": up_s, "sensor_s": sensor_s, "interval": args.interval}
    lost = [s for s in samples if s.messages == 0 or s.received < s.messages]
    if args.json:
        print(json.dumps({
            "samples": [asdict(s) for s in measured],
            "warmup": [asdict(s) for s in warmup],
            "first_email_s": summary([s.first_s for s in measured if s.first_s is not None]),
            "all_emails_s": summary([s.last_s for s in measured if s.last_s is not None]),
            "lost_events": [s.event_id for s in lost],
            **info,
        }, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        print_report(measured, warmup, info)
    if lost:
        print(
            "ПОТЕРЯНЫ письма событий: "
            + ", ".join(f"{s.event_id} ({s.received}/{s.messages})" for s in lost),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
