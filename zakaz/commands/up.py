"""`zakaz up`: run the plant — the Streamlit app, the Dagster webserver and the Dagster daemon,
and, when no SMTP server is configured, a local SMTP sink for the notification emails.

Checks first (the plant exists, the ports are free, no other `zakaz up` runs on this plant),
then starts the processes at once, each logging to {home}/logs/, waits until they answer,
prints the addresses and the logins, and runs until Ctrl-C / SIGTERM, which stops them all
(exit 0). If one of them ends on its own the others are stopped and the exit code is 1, with
the last lines of its log. `--no-dagster` starts only the app (nothing sends mail then).

Email: with ZAKAZ_SMTP_HOST set, the Dagster processes send through that server (ZAKAZ_SMTP_*,
ingest/notify/smtp_settings.py). Without it (the demo), `python -m ingest.notify.sink` listens
on 127.0.0.1 (--smtp-port, 1025 or, if that is taken, a free port) and keeps every message in
{home}/mail/, which the app shows; the Dagster processes get ZAKAZ_SMTP_* pointing at it.
ZAKAZ_APP_URL (the links in the emails) is the app's address unless already set.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from ingest.store import Store
from zakaz.domain import ROLES
from zakaz.errors import UserError
from zakaz.supervisor import ChildExited, ChildSpec, NotReady, Supervisor

REPO = Path(__file__).resolve().parents[2]
DEFAULT_APP = REPO / "dashboards" / "streamlit_app.py"
WORKSPACE = REPO / "pipelines" / "workspace.yaml"
APP_READY_TIMEOUT_S = 90.0
DAGSTER_READY_TIMEOUT_S = 240.0  # the webserver loads the whole code location: ~20-40 s
DAEMON_SETTLE_S = 5.0
SINK_READY_TIMEOUT_S = 60.0
DEFAULT_SMTP_PORT = 1025
SINK_HOST = "127.0.0.1"  # the sink never listens beyond this machine: no auth, no relay
SINK_SENDER = "Заказ <zakaz@zakaz.local>"
PIDS_FILE = "up.pids"


def add_parser(sub, common) -> None:
    p = sub.add_parser(
        "up", parents=[common], help="запустить приложение и Dagster (остановить: Ctrl-C)"
    )
    p.add_argument("--port", type=_port, default=8501, help="порт приложения (8501)")
    p.add_argument("--dagster-port", type=_port, default=3000, help="порт Dagster (3000)")
    p.add_argument("--host", default="127.0.0.1", help="адрес, на котором слушать (127.0.0.1)")
    p.add_argument(
        "--smtp-port",
        type=_port,
        default=None,
        help=f"порт локального SMTP-приёмника, если ZAKAZ_SMTP_HOST не задан "
        f"({DEFAULT_SMTP_PORT}; занят — любой свободный)",
    )
    p.add_argument("--no-dagster", action="store_true", help="запустить только приложение")
    p.add_argument(
        "--no-auto-refresh",
        action="store_true",
        help="не обновлять аналитику самим Dagster (по изменениям и по расписанию); "
        "zakaz run и запуск из Dagster работают",
    )
    p.add_argument("--app", type=Path, default=DEFAULT_APP, help=argparse.SUPPRESS)  # tests
    p.set_defaults(run=run)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"порт — целое число от 1 до 65535, получено {text!r}")
    return int(text)


def run(args) -> int:
    store = Store.open(args.home)
    if not store.exists():
        raise UserError(f"завод не найден: {store.db_path} (создайте: zakaz init --demo)", 2)
    home = store.paths.home
    logs = home / "logs"
    ports = [("приложения", "--port", args.port)]
    if not args.no_dagster:
        ports.append(("Dagster", "--dagster-port", args.dagster_port))
    _check_ports(args.host, ports)
    mail = _mail_plan(args, home, ports)
    _check_not_running(logs / PIDS_FILE)
    app = args.app.resolve()
    if not app.is_file():
        raise UserError(f"нет файла приложения: {app}", 1)
    logins, is_demo = _read_logins(store)
    summary = partial(_print_summary, args, logs, logins, is_demo, mail)
    env = _child_env(home, _dagster_home(store.paths.dagster_home), app_url(args))
    if args.no_auto_refresh:
        env[AUTO_REFRESH_VARIABLE] = "0"  # read by the sensor and schedules of the refresh
    started = time.monotonic()
    print(f"Запуск Zakaz: завод {home}", flush=True)
    with Supervisor(env=env, cwd=REPO) as supervisor:
        try:
            return _supervise(supervisor, _specs(args, app, logs, mail), logs, started, summary)
        finally:
            _remove_pids(logs / PIDS_FILE)


def _dagster_home(path: Path) -> Path:
    """The plant's Dagster home. Importing pipelines.instance (Dagster, ~3 s) only to create its
    dagster.yaml and storage (once, before the webserver and the daemon race to create it), or to
    bring an unedited dagster.yaml of an earlier release up to date."""
    try:
        text = (path / "dagster.yaml").read_text(encoding="utf-8")
    except OSError:
        text = None
    stored = all((path / name).exists() for name in _STORAGE_FILES)
    outdated = text is None or (text.startswith(_OUR_YAML) and "run_queue:" not in text)
    if stored and not outdated:
        return path
    from pipelines.instance import ensure_dagster_storage

    return ensure_dagster_storage(path)


# pipelines.instance.STORAGE_FILES, without importing Dagster to read them (a test keeps them equal)
_STORAGE_FILES = ("history/runs.db", "history/runs/index.db", "schedules/schedules.db")
_OUR_YAML = "# Dagster instance of one Zakaz plant (written by pipelines/instance.py"


def _supervise(supervisor, specs, logs: Path, started: float, summary) -> int:
    for spec in specs:
        supervisor.start(spec)
    _write_pids(logs / PIDS_FILE, supervisor.children)
    try:
        if not supervisor.wait_ready(on_ready=_print_ready):
            return _stop(supervisor, "Остановка до готовности…")
        print(f"Zakaz запущен за {time.monotonic() - started:.1f} с:", flush=True)
        summary()
        supervisor.watch()
    except ChildExited as exc:
        _print_tail(exc.name, exc.tail)
        supervisor.stop_all()
        raise UserError(
            f"процесс {exc.name} {_ended(exc.returncode)}, остальные остановлены; "
            f"журнал: {exc.log_path}"
        ) from None
    except NotReady as exc:
        _print_tail(exc.name, exc.tail)
        supervisor.stop_all()
        raise UserError(
            f"процесс {exc.name} не ответил за {exc.timeout_s:.0f} с, всё остановлено; "
            f"журнал: {exc.log_path}"
        ) from None
    return _stop(supervisor, "Остановка…")


def _ended(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"остановлен сигналом {signal.Signals(-returncode).name}"
        except ValueError:
            return f"остановлен сигналом {-returncode}"
    return f"завершился сам (код {returncode})"


def _stop(supervisor: Supervisor, message: str) -> int:
    print(message, flush=True)
    seconds = supervisor.stop_all()
    print(f"Остановлено за {seconds:.1f} с", flush=True)
    return 0


# -- checks before anything starts ---------------------------------------------------------


def _check_ports(host: str, ports: list[tuple[str, str, int]]) -> None:
    """Each (what, option, port) must be free: refused before anything starts."""
    numbers = [port for _, _, port in ports]
    if len(set(numbers)) < len(numbers):
        raise UserError(f"у приложения и Dagster один порт {numbers[0]}: задайте разные", 2)
    for what, option, port in ports:
        problem = _bind_problem(host, port, option)
        if problem:
            raise UserError(f"порт {port} ({what}) на {host}: {problem}", 2)


def _bind_problem(host: str, port: int, option: str) -> str | None:
    """Why a server could not listen on host:port, or None. Binds the way servers do."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        return f"неизвестный адрес ({exc.strerror})"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"уже занят (выберите другой: {option} ПОРТ)"
            if exc.errno == errno.EACCES:
                return "нет прав (порты до 1024 — только для root)"
            return f"недоступен ({exc.strerror})"
    return None


def _check_not_running(pids_file: Path) -> None:
    """Two `zakaz up` on one plant would run two Dagster daemons on one instance."""
    pid = _up_pid(pids_file)
    if pid is not None and pid != os.getpid() and _is_zakaz_process(pid):
        raise UserError(
            f"zakaz up уже запущен для этого завода (pid {pid}); остановите: kill {pid}"
        )


def _up_pid(pids_file: Path) -> int | None:
    try:
        first = pids_file.read_text(encoding="utf-8").split("\n", 1)[0].split()
    except OSError:
        return None
    return int(first[1]) if len(first) == 2 and first[1].isdigit() else None


def _is_zakaz_process(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():  # no /proc: trust the pid
        return True
    return b"zakaz" in cmdline.read_bytes()  # the pid may have been reused since a crash


def _read_logins(store: Store) -> tuple[list[tuple[str, str, bool, str]], bool]:
    """Active users (login, role, is_head, password_hash) and whether this is the demo plant."""
    with store.read() as conn:
        users = conn.execute(
            "SELECT login, role, is_head, password_hash FROM users WHERE is_active "
            "ORDER BY role, is_head DESC, login"
        ).fetchall()
        demo = conn.execute("SELECT value FROM plant_settings WHERE key = 'demo'").fetchone()
    return users, demo is not None and demo[0].strip().lower() == "true"


# -- the processes -------------------------------------------------------------------------


def _child_env(home: Path, dagster_home: Path, url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(ZAKAZ_HOME=str(home), DAGSTER_HOME=str(dagster_home), PYTHONUNBUFFERED="1")
    env.setdefault("ZAKAZ_AS_OF", "")  # a dg.EnvVar must be set; empty means today
    # The links in the emails; a plant behind a proxy sets its public address itself.
    if not env.get("ZAKAZ_APP_URL", "").strip():
        env["ZAKAZ_APP_URL"] = url
    env["ZAKAZ_NOTIFY_SINCE"] = notify_since(dagster_home)
    _keep_bytecode(env)
    return env


NOTIFY_SINCE_FILE = "notify_since"
# pipelines.freshness.AUTO_REFRESH_VARIABLE (not imported: that module loads Dagster).
AUTO_REFRESH_VARIABLE = "ZAKAZ_AUTO_REFRESH"


def notify_since(dagster_home: Path) -> str:
    """When notifications started on this plant: the FIRST `zakaz up`'s start time, kept in the
    Dagster home. Events saved after it are e-mailed even if the sensor had not ticked yet — also
    when that first daemon was killed before its first tick and a later `zakaz up` starts over
    (pipelines/notifications.py first_cursor). Events before it are the plant's history."""
    path = dagster_home / NOTIFY_SINCE_FILE
    try:
        kept = path.read_text(encoding="utf-8").strip()
        datetime.fromisoformat(kept)
        return kept
    except (OSError, ValueError):
        now = datetime.now().isoformat(timespec="seconds")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(now + "\n", encoding="utf-8")
        return now


def _keep_bytecode(env: dict[str, str]) -> None:
    """Every Dagster run (a status event's emails) is a new Python process importing Dagster and
    the code location: without .pyc files that is ~600 modules compiled again, 3-5 s of CPU per
    run (bench/status_to_email.py). Where PYTHONDONTWRITEBYTECODE forbids writing them beside
    the sources, the children keep them in the user's cache folder instead (the sources are never
    written either way); an explicit PYTHONPYCACHEPREFIX is left as it is."""
    if not env.get("PYTHONDONTWRITEBYTECODE") or env.get("PYTHONPYCACHEPREFIX"):
        return
    cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zakaz" / "pycache"
    env.pop("PYTHONDONTWRITEBYTECODE")
    env["PYTHONPYCACHEPREFIX"] = str(cache)


# -- email: the configured SMTP server, or the local sink ----------------------------------


@dataclass(frozen=True)
class MailPlan:
    sink_port: int | None  # the local sink's port; None: an SMTP server is configured
    maildir: Path | None
    smtp_host: str = ""  # the configured server, as the user gave it
    smtp_port: str = ""

    def dagster_env(self) -> dict[str, str]:
        """ZAKAZ_SMTP_* for the Dagster processes: the sink's (a configured server's pass as they
        are, from the environment)."""
        if self.sink_port is None:
            return {}
        return {
            "ZAKAZ_SMTP_HOST": SINK_HOST,
            "ZAKAZ_SMTP_PORT": str(self.sink_port),
            "ZAKAZ_SMTP_STARTTLS": "false",
            "ZAKAZ_SMTP_FROM": os.environ.get("ZAKAZ_SMTP_FROM", "").strip() or SINK_SENDER,
            "ZAKAZ_SMTP_USER": "",
            "ZAKAZ_SMTP_PASSWORD": "",
        }

    def summary(self) -> str:
        if self.sink_port is None:
            where = f"{self.smtp_host}:{self.smtp_port}" if self.smtp_port else self.smtp_host
            return f"Почта: SMTP-сервер {where} (ZAKAZ_SMTP_HOST)"
        return (
            f"Почта: локальный SMTP-приёмник {SINK_HOST}:{self.sink_port} "
            "(письма видны в приложении: Почта)"
        )


def _mail_plan(args, home: Path, ports: list[tuple[str, str, int]]) -> MailPlan | None:
    """None with --no-dagster (nothing sends mail); the configured server; or the sink's port."""
    if args.no_dagster:
        return None
    host = os.environ.get("ZAKAZ_SMTP_HOST", "").strip()
    if host:
        return MailPlan(None, None, host, os.environ.get("ZAKAZ_SMTP_PORT", "").strip())
    return MailPlan(_sink_port(args.smtp_port, ports), home / "mail")


def _sink_port(asked: int | None, ports: list[tuple[str, str, int]]) -> int:
    """--smtp-port must be free; by default 1025, or any free port if 1025 is taken (a second
    plant, a test run, another mail catcher)."""
    taken = {port for _, _, port in ports}
    if asked is not None:
        if asked in taken:
            raise UserError(f"порт {asked} уже выбран для другого процесса: задайте другой", 2)
        problem = _bind_problem(SINK_HOST, asked, "--smtp-port")
        if problem:
            raise UserError(f"порт {asked} (SMTP-приёмника) на {SINK_HOST}: {problem}", 2)
        return asked
    if DEFAULT_SMTP_PORT not in taken and not _bind_problem(SINK_HOST, DEFAULT_SMTP_PORT, ""):
        return DEFAULT_SMTP_PORT
    with socket.socket() as probe:
        probe.bind((SINK_HOST, 0))
        return probe.getsockname()[1]


def _url_host(host: str) -> str:
    """Where to reach a server listening on host (a wildcard address: this machine)."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def app_url(args) -> str:
    return f"http://{_url_host(args.host)}:{args.port}"


def dagster_url(args) -> str:
    return f"http://{_url_host(args.host)}:{args.dagster_port}"


def _specs(args, app: Path, logs: Path, mail: MailPlan | None = None) -> list[ChildSpec]:
    python = sys.executable
    sink, dagster_env = [], {}
    if mail is not None and mail.sink_port is not None:
        # Started with the others; the Dagster processes only send once a run needs it, long
        # after the sink accepts connections (it is ready in ~1 s, they in 20-40 s).
        sink = [
            ChildSpec(
                "smtp-sink",
                [python, "-m", "ingest.notify.sink", "--host", SINK_HOST,
                 "--port", str(mail.sink_port), "--maildir", str(mail.maildir)],
                logs / "smtp-sink.log",
                ready_port=(SINK_HOST, mail.sink_port),
                ready_timeout_s=SINK_READY_TIMEOUT_S,
            )
        ]  # fmt: skip
        dagster_env = mail.dagster_env()
    specs = [
        *sink,
        ChildSpec(
            "streamlit",
            [python, "-m", "streamlit", "run", str(app),
             "--server.port", str(args.port), "--server.address", args.host,
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--client.toolbarMode", "minimal"],
            logs / "streamlit.log",
            ready_url=f"{app_url(args)}/_stcore/health",
            ready_timeout_s=APP_READY_TIMEOUT_S,
        ),
    ]  # fmt: skip
    if args.no_dagster:
        return specs
    return [
        *specs,
        ChildSpec(
            "dagster-webserver",
            [python, "-m", "dagster_webserver", "-h", args.host, "-p", str(args.dagster_port),
             "-w", str(WORKSPACE)],
            logs / "dagster-webserver.log",
            ready_url=f"{dagster_url(args)}/server_info",
            ready_timeout_s=DAGSTER_READY_TIMEOUT_S,
            env=dagster_env,
        ),
        # `python -m dagster daemon` does not exist; this is what `dagster dev` runs.
        ChildSpec(
            "dagster-daemon",
            [python, "-m", "dagster._daemon", "run", "-w", str(WORKSPACE)],
            logs / "dagster-daemon.log",
            settle_s=DAEMON_SETTLE_S,
            env=dagster_env,
        ),
    ]  # fmt: skip


def _write_pids(pids_file: Path, children) -> None:
    lines = [f"zakaz-up {os.getpid()}", *(f"{c.name} {c.pid}" for c in children)]
    tmp = pids_file.with_name(pids_file.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(pids_file)


def _remove_pids(pids_file: Path) -> None:
    if _up_pid(pids_file) == os.getpid():  # never another run's file
        pids_file.unlink(missing_ok=True)


# -- what the user sees --------------------------------------------------------------------


def _print_ready(child) -> None:
    print(f"  {child.name} готов за {child.ready_after_s:.1f} с", flush=True)


def _print_tail(name: str, tail: list[str]) -> None:
    if tail:
        print(f"Последние строки журнала {name}:", file=sys.stderr)
        for line in tail:
            print(f"    {line}", file=sys.stderr)
    sys.stderr.flush()


def _print_summary(args, logs: Path, logins, is_demo: bool, mail: MailPlan | None = None) -> None:
    print(f"  приложение:  {app_url(args)}")
    if not args.no_dagster:
        print(f"  Dagster:     {dagster_url(args)}")
    print(f"  журналы:     {logs}")
    if mail is not None:
        print(mail.summary())
    print(_logins_title(logins, is_demo))
    for line in _login_lines(logins):
        print(f"  {line}")
    print("Остановить: Ctrl-C", flush=True)


def _logins_title(logins, is_demo: bool) -> str:
    if not is_demo:
        return "Пользователи:"
    if _admin_has_demo_password(logins):
        return "Вход (демо-завод): admin / admin, остальные — пароль demo"
    return "Вход (демо-завод): у всех, кроме admin, пароль demo"


def _admin_has_demo_password(logins) -> bool:
    """`zakaz init --demo --admin-password X` changes admin's: say 'admin' only if it is."""
    from zakaz.passwords import verify_password

    return any(
        login == "admin" and verify_password(password_hash, "admin")
        for login, _, _, password_hash in logins
    )


def _login_lines(logins) -> list[str]:
    """One line per role, in the plant's role order; a department head is marked."""
    by_role: dict[str, list[str]] = {}
    for login, role, is_head, _ in logins:
        by_role.setdefault(role, []).append(f"{login} (руководитель)" if is_head else login)
    order = [*ROLES, *sorted(set(by_role) - set(ROLES))]
    names = {role: ROLES.get(role, (role,))[0] for role in order}
    width = max((len(names[r]) for r in by_role), default=0) + 1
    return [f"{names[r] + ':':<{width}} {', '.join(by_role[r])}" for r in order if r in by_role]


def _main(argv: list[str]) -> int:
    """`python -m zakaz.commands.up ...` = `zakaz up ...`, also before cli.py lists `up`."""
    from zakaz import cli
    from zakaz.commands import up

    if up not in cli.COMMANDS:
        cli.COMMANDS = (*cli.COMMANDS, up)
    return cli.main(["up", *argv])


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
