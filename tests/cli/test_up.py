"""`zakaz up` with real processes (Streamlit, Dagster webserver and daemon, the local SMTP sink),
and its supervisor.

The command runs as `python -m zakaz.commands.up` (the same as `zakaz up`). The app is a tiny
script in the test's folder: Streamlit refuses to start on a missing file, and the real
dashboards/streamlit_app.py is not this test's business.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from cli_runner import assert_one_line_error, zakaz
from proc_groups import group_gone, process_running

from zakaz.supervisor import ChildExited, ChildSpec, Supervisor

REPO = Path(__file__).resolve().parents[2]
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for localhost


# -- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("up") / "plant"
    result = zakaz("init", "--demo", "--home", str(home))
    assert result.returncode == 0, result.stderr
    return home


@pytest.fixture
def tiny_app(tmp_path) -> Path:
    app = tmp_path / "tiny_app.py"
    app.write_text('import streamlit as st\n\nst.write("zakaz up test")\n', encoding="utf-8")
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("ZAKAZ_HOME", "DAGSTER_HOME")}


def up_command(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "zakaz.commands.up", "--home", str(home), *args]


class Up:
    """A running `zakaz up`, its output going to a file the test can read at any time."""

    def __init__(self, home: Path, out: Path, *args: str):
        self.home = home
        self.out = out
        with out.open("w") as f:
            self.process = subprocess.Popen(
                up_command(home, *args), stdout=f, stderr=subprocess.STDOUT, env=_env(), cwd=REPO
            )

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8")

    def wait_ready(self, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            text = self.text()
            if "Остановить: Ctrl-C" in text:
                return text
            assert self.process.poll() is None, f"zakaz up ended early:\n{text}"
            time.sleep(0.3)
        self.process.kill()
        raise AssertionError(f"zakaz up not ready after {timeout_s} s:\n{self.text()}")

    def child_pids(self) -> dict[str, int]:
        lines = (self.home / "logs" / "up.pids").read_text(encoding="utf-8").splitlines()
        return {name: int(pid) for name, pid in (line.split() for line in lines)}

    def stop(self, signum: int, timeout_s: float) -> float:
        started = time.monotonic()
        self.process.send_signal(signum)
        code = self.process.wait(timeout=timeout_s)
        assert code == 0, self.text()
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def get(url: str) -> str:
    with HTTP.open(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode()


# -- zakaz up ------------------------------------------------------------------------------


def test_up_without_dagster_serves_the_app_lists_logins_and_stops_on_sigterm(
    demo_home, tiny_app, tmp_path
):
    port = free_port()
    up = Up(demo_home, tmp_path / "out.txt", "--no-dagster", "--port", str(port),
            "--app", str(tiny_app))  # fmt: skip
    try:
        text = up.wait_ready(120)
        assert get(f"http://127.0.0.1:{port}/_stcore/health") == "ok"
        assert f"http://127.0.0.1:{port}" in text
        assert "Dagster:" not in text
        assert "admin / admin" in text and "пароль demo" in text
        assert "sokolova (руководитель)" in text and "makarova" in text
        assert str(demo_home / "logs") in text
        pids = up.child_pids()
        assert set(pids) == {"zakaz-up", "streamlit"}
        assert pids["zakaz-up"] == up.process.pid
        assert (demo_home / "logs" / "streamlit.log").exists()

        up.stop(signal.SIGTERM, timeout_s=15)
        assert not process_running(pids["streamlit"])
        assert "Остановлено" in up.text()
        assert not (demo_home / "logs" / "up.pids").exists()
    finally:
        up.kill()


def test_up_stops_and_names_a_child_that_dies(demo_home, tiny_app, tmp_path):
    up = Up(demo_home, tmp_path / "out.txt", "--no-dagster", "--port", str(free_port()),
            "--app", str(tiny_app))  # fmt: skip
    try:
        up.wait_ready(120)
        os.kill(up.child_pids()["streamlit"], signal.SIGKILL)
        assert up.process.wait(timeout=15) == 1
        last = up.text().strip().splitlines()[-1]
        assert last.startswith("zakaz: процесс streamlit остановлен сигналом SIGKILL"), last
        assert str(demo_home / "logs" / "streamlit.log") in last
        assert not (demo_home / "logs" / "up.pids").exists()
    finally:
        up.kill()


def _change_a_status(home: Path) -> int:
    """A sales manager agrees their own order (finance, procurement and they are emailed)."""
    from ingest.service.desk import Desk
    from ingest.service.status import change_status
    from ingest.store import Store

    store = Store.open(home)
    with store.read() as conn:
        order_id, login = conn.execute(
            "SELECT o.id, u.login FROM orders o JOIN users u ON u.id = o.sales_manager_id "
            "WHERE o.status = 'quote_sent' AND u.role = 'sales' ORDER BY o.id LIMIT 1"
        ).fetchone()
    with Desk(store, login).writing() as a:
        return change_status(a, order_id, "agreed")


def _wait(predicate, timeout_s: float, what: str, up: Up) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        assert up.process.poll() is None, f"zakaz up ended early:\n{up.text()}"
        time.sleep(0.5)
    raise AssertionError(f"{what} after {timeout_s} s:\n{up.text()}")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_up_with_dagster_serves_both_mails_a_status_change_and_ctrl_c_stops_all(
    demo_home, tiny_app, tmp_path
):
    from ingest.notify.sink import read_mailbox

    port, dagster_port, smtp_port = free_port(), free_port(), free_port()
    up = Up(demo_home, tmp_path / "out.txt", "--port", str(port),
            "--dagster-port", str(dagster_port), "--smtp-port", str(smtp_port),
            "--app", str(tiny_app))  # fmt: skip
    try:
        text = up.wait_ready(200)
        assert get(f"http://127.0.0.1:{port}/_stcore/health") == "ok"
        info = json.loads(get(f"http://127.0.0.1:{dagster_port}/server_info"))
        assert "dagster_webserver_version" in info
        assert f"Dagster:     http://127.0.0.1:{dagster_port}" in text
        assert (
            f"Почта: локальный SMTP-приёмник 127.0.0.1:{smtp_port} "
            "(письма видны в приложении: Почта)"
        ) in text
        pids = up.child_pids()
        assert set(pids) == {
            "zakaz-up", "streamlit", "dagster-webserver", "dagster-daemon", "smtp-sink"
        }  # fmt: skip
        assert (demo_home / "dagster" / "dagster.yaml").exists()
        assert (demo_home / "logs" / "smtp-sink.log").exists()

        # A status change saved in the store reaches the sink through the sensor and a run —
        # even one saved before the sensor's first tick (ZAKAZ_NOTIFY_SINCE).
        event_id = _change_a_status(demo_home)
        prefix = f"<zakaz.event-{event_id}.user-"
        mailbox = demo_home / "mail"
        _wait(lambda: any(m.message_id.startswith(prefix) for m in read_mailbox(mailbox)),
              180, f"no email for event {event_id}", up)  # fmt: skip
        mail = next(m for m in read_mailbox(mailbox) if m.message_id.startswith(prefix))
        assert f"http://127.0.0.1:{port}" in mail.body  # ZAKAZ_APP_URL: the app's address

        up.stop(signal.SIGINT, timeout_s=30)
        for name in ("streamlit", "dagster-webserver", "dagster-daemon", "smtp-sink"):
            assert group_gone(pids[name]), name  # with their code servers
    finally:
        up.kill()


@pytest.mark.parametrize("taken", ["--port", "--dagster-port"])
def test_up_refuses_a_port_in_use_and_starts_nothing(demo_home, tiny_app, taken):
    ports = {"--port": free_port(), "--dagster-port": free_port()}
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", ports[taken]))
        holder.listen()
        result = subprocess.run(
            up_command(demo_home, "--port", str(ports["--port"]), "--dagster-port",
                       str(ports["--dagster-port"]), "--app", str(tiny_app)),
            capture_output=True, text=True, timeout=60, env=_env(), cwd=REPO,
        )  # fmt: skip
    assert_one_line_error(result, 2, f"порт {ports[taken]}", "занят", taken)
    assert not (demo_home / "logs" / "up.pids").exists()


def test_up_refuses_a_missing_plant(tmp_path):
    result = subprocess.run(
        up_command(tmp_path / "no-plant", "--no-dagster"),
        capture_output=True, text=True, timeout=60, env=_env(), cwd=REPO,
    )  # fmt: skip
    assert_one_line_error(result, 2, "завод не найден", "zakaz init --demo")
    assert not (tmp_path / "no-plant" / "logs").exists()


# -- email: the configured server or the local sink (no processes) ---------------------------


def _args(*argv: str):
    import argparse

    from zakaz.commands import up

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    up.add_parser(sub, argparse.ArgumentParser(add_help=False))
    return parser.parse_args(["up", *argv])


def test_without_smtp_host_the_sink_is_started_and_dagster_is_pointed_at_it(tmp_path, monkeypatch):
    from zakaz.commands import up

    monkeypatch.delenv("ZAKAZ_SMTP_HOST", raising=False)
    port = free_port()
    args = _args("--smtp-port", str(port))
    mail = up._mail_plan(args, tmp_path, [("приложения", "--port", 8501)])
    assert (mail.sink_port, mail.maildir) == (port, tmp_path / "mail")
    specs = {s.name: s for s in up._specs(args, tmp_path / "app.py", tmp_path / "logs", mail)}
    sink = specs["smtp-sink"]
    assert sink.ready_port == ("127.0.0.1", port)
    assert sink.argv[1:] == ["-m", "ingest.notify.sink", "--host", "127.0.0.1",
                             "--port", str(port), "--maildir", str(tmp_path / "mail")]  # fmt: skip
    for name in ("dagster-webserver", "dagster-daemon"):
        env = specs[name].env
        assert env["ZAKAZ_SMTP_HOST"] == "127.0.0.1" and env["ZAKAZ_SMTP_PORT"] == str(port)
        assert env["ZAKAZ_SMTP_STARTTLS"] == "false" and env["ZAKAZ_SMTP_FROM"]
    assert not specs["streamlit"].env
    assert mail.summary() == (
        f"Почта: локальный SMTP-приёмник 127.0.0.1:{port} (письма видны в приложении: Почта)"
    )
    env = up._child_env(tmp_path, tmp_path / "dagster", "http://127.0.0.1:8501")
    assert env["ZAKAZ_APP_URL"] == "http://127.0.0.1:8501"
    since = datetime.fromisoformat(env["ZAKAZ_NOTIFY_SINCE"])  # events from now on are emailed
    assert abs((datetime.now() - since).total_seconds()) < 5


def test_notifications_start_at_the_first_up_and_a_restart_keeps_that_moment(tmp_path):
    """A daemon killed before its first sensor tick must not turn the events saved meanwhile
    into "history" at the next start: the start moment is kept in the Dagster home."""
    from zakaz.commands import up

    dagster_home = tmp_path / "dagster"
    first = up._child_env(tmp_path, dagster_home, "http://127.0.0.1:8501")["ZAKAZ_NOTIFY_SINCE"]
    (dagster_home / up.NOTIFY_SINCE_FILE).write_text("2026-11-28T09:00:00\n", encoding="utf-8")
    again = up._child_env(tmp_path, dagster_home, "http://127.0.0.1:8501")["ZAKAZ_NOTIFY_SINCE"]
    assert datetime.fromisoformat(first) and again == "2026-11-28T09:00:00"
    (dagster_home / up.NOTIFY_SINCE_FILE).write_text("garbage", encoding="utf-8")
    redone = up.notify_since(dagster_home)  # unreadable: started afresh, and kept
    assert up.notify_since(dagster_home) == redone != "garbage"


def test_with_smtp_host_no_sink_and_the_server_is_named(tmp_path, monkeypatch):
    from zakaz.commands import up

    monkeypatch.setenv("ZAKAZ_SMTP_HOST", "smtp.plant.ru")
    monkeypatch.setenv("ZAKAZ_SMTP_PORT", "587")
    monkeypatch.setenv("ZAKAZ_APP_URL", "https://zakaz.plant.ru")
    args = _args()
    mail = up._mail_plan(args, tmp_path, [])
    assert mail.sink_port is None and mail.dagster_env() == {}
    specs = up._specs(args, tmp_path / "app.py", tmp_path / "logs", mail)
    assert "smtp-sink" not in {s.name for s in specs}
    assert mail.summary() == "Почта: SMTP-сервер smtp.plant.ru:587 (ZAKAZ_SMTP_HOST)"
    env = up._child_env(tmp_path, tmp_path / "dagster", "http://127.0.0.1:8501")
    assert env["ZAKAZ_APP_URL"] == "https://zakaz.plant.ru"  # a public address is kept
    assert up._mail_plan(_args("--no-dagster"), tmp_path, []) is None  # nothing sends mail


def test_a_taken_smtp_port_is_refused_and_a_taken_default_is_replaced(tmp_path, monkeypatch):
    from zakaz.commands import up
    from zakaz.errors import UserError

    monkeypatch.delenv("ZAKAZ_SMTP_HOST", raising=False)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        with pytest.raises(UserError, match=f"порт {taken} \\(SMTP-приёмника\\).*занят"):
            up._mail_plan(_args("--smtp-port", str(taken)), tmp_path, [])
        monkeypatch.setattr(up, "DEFAULT_SMTP_PORT", taken)
        mail = up._mail_plan(_args(), tmp_path, [])
        assert mail.sink_port not in (None, taken)
    with pytest.raises(UserError, match="уже выбран"):
        up._mail_plan(_args("--smtp-port", "8501"), tmp_path, [("приложения", "--port", 8501)])


def test_children_keep_bytecode_in_the_user_cache_where_writing_it_is_off(tmp_path, monkeypatch):
    """Each notify run is a new Python process: without .pyc files it compiles Dagster again."""
    from zakaz.commands import up

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = up._child_env(tmp_path, tmp_path / "dagster", "http://127.0.0.1:8501")
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "cache" / "zakaz" / "pycache")
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", "/elsewhere")
    env = up._child_env(tmp_path, tmp_path / "dagster", "http://127.0.0.1:8501")
    assert env["PYTHONPYCACHEPREFIX"] == "/elsewhere" and env["PYTHONDONTWRITEBYTECODE"] == "1"


def test_the_dagster_storage_is_created_once_before_the_children_start(tmp_path):
    """The webserver and the daemon starting together on a new plant must not both create it."""
    from pipelines.instance import STORAGE_FILES
    from zakaz.commands import up

    assert up._STORAGE_FILES == STORAGE_FILES
    home = up._dagster_home(tmp_path / "dagster")
    assert all((home / name).exists() for name in STORAGE_FILES)
    assert "run_queue:" in (home / "dagster.yaml").read_text(encoding="utf-8")


# -- the supervisor ------------------------------------------------------------------------


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


SLEEPER = _python("import time; time.sleep(120)")


def _wait_for_log(child, fragment: str, timeout_s: float = 20) -> list[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(fragment in line for line in child.tail()):
            return child.tail()
        time.sleep(0.1)
    raise AssertionError(f"{fragment!r} not in {child.name}'s log: {child.tail()}")


def test_supervisor_reports_a_child_that_dies_and_stops_the_others(tmp_path):
    failing = _python("import sys; print('boom: no database', file=sys.stderr); sys.exit(3)")
    with pytest.raises(ChildExited) as caught, Supervisor(stop_timeout_s=5) as sup:
        sleeper = sup.start(ChildSpec("sleeper", SLEEPER, tmp_path / "sleeper.log", settle_s=60))
        sup.start(ChildSpec("failing", failing, tmp_path / "failing.log", settle_s=60))
        sup.wait_ready()
    assert caught.value.name == "failing"
    assert caught.value.returncode == 3
    assert caught.value.tail == ["boom: no database"]
    assert caught.value.log_path == tmp_path / "failing.log"
    assert sleeper.process.returncode == -signal.SIGTERM  # stopped on leaving the block


def test_supervisor_waits_for_a_url_then_a_signal_stops_everything(tmp_path):
    port = free_port()
    server = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    url = f"http://127.0.0.1:{port}/"
    before = signal.getsignal(signal.SIGTERM)  # SIG_DFL, or Dagster's if a test imported it
    with Supervisor(stop_timeout_s=5, cwd=tmp_path) as sup:
        web = sup.start(ChildSpec("web", server, tmp_path / "web.log", ready_url=url))
        assert sup.wait_ready() is True
        assert web.ready_after_s is not None and web.ready_after_s < 30
        os.kill(os.getpid(), signal.SIGTERM)  # what Ctrl-C / kill does to `zakaz up`
        sup.watch()  # returns: a stop was asked for
        assert sup.stop_requested
    assert web.process.returncode is not None
    assert signal.getsignal(signal.SIGTERM) is before  # handlers given back


def test_supervisor_kills_a_child_that_ignores_sigterm_and_its_children(tmp_path):
    stubborn = _python(
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print('grandchild', p.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    with Supervisor(stop_timeout_s=1) as sup:
        child = sup.start(ChildSpec("stubborn", stubborn, tmp_path / "stubborn.log"))
        line = next(x for x in _wait_for_log(child, "grandchild") if x.startswith("grandchild"))
        grandchild = int(line.split()[1])
        seconds = sup.stop_all()
    assert 1 <= seconds < 8
    assert child.process.returncode == -signal.SIGKILL
    assert not process_running(grandchild)


def test_supervisor_waits_for_a_port_and_gives_a_child_its_own_environment(tmp_path):
    port = free_port()
    server = _python(
        "import os, socket, time\n"
        "time.sleep(1)\n"
        "print('extra', os.environ.get('EXTRA'), 'base', os.environ.get('BASE'), flush=True)\n"
        f"s = socket.socket(); s.bind(('127.0.0.1', {port})); s.listen()\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "BASE": "b"}
    with Supervisor(env=env, stop_timeout_s=5) as sup:
        spec = ChildSpec(
            "listener", server, tmp_path / "listener.log",
            ready_port=("127.0.0.1", port), env={"EXTRA": "x"},
        )  # fmt: skip
        child = sup.start(spec)
        assert sup.wait_ready() is True
        assert 1 <= child.ready_after_s < 30
        assert "extra x base b" in _wait_for_log(child, "extra")
