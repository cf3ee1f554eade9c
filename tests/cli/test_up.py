"""`zakaz up` with real processes (Streamlit, Dagster webserver and daemon), and its supervisor.

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
from pathlib import Path

import pytest
from cli_runner import assert_one_line_error, zakaz

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


def gone(pid: int) -> bool:
    """No such process (or only a zombie left for init to reap)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return all(gone(pid) for pid in _group_members(pgid))


def _group_members(pgid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


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
        assert gone(pids["streamlit"])
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


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_up_with_dagster_serves_both_and_ctrl_c_stops_all_three(demo_home, tiny_app, tmp_path):
    port, dagster_port = free_port(), free_port()
    up = Up(demo_home, tmp_path / "out.txt", "--port", str(port),
            "--dagster-port", str(dagster_port), "--app", str(tiny_app))  # fmt: skip
    try:
        text = up.wait_ready(200)
        assert get(f"http://127.0.0.1:{port}/_stcore/health") == "ok"
        info = json.loads(get(f"http://127.0.0.1:{dagster_port}/server_info"))
        assert "dagster_webserver_version" in info
        assert f"Dagster:     http://127.0.0.1:{dagster_port}" in text
        pids = up.child_pids()
        assert set(pids) == {"zakaz-up", "streamlit", "dagster-webserver", "dagster-daemon"}
        assert (demo_home / "dagster" / "dagster.yaml").exists()

        up.stop(signal.SIGINT, timeout_s=30)
        for name in ("streamlit", "dagster-webserver", "dagster-daemon"):
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
    with Supervisor(stop_timeout_s=5, cwd=tmp_path) as sup:
        web = sup.start(ChildSpec("web", server, tmp_path / "web.log", ready_url=url))
        assert sup.wait_ready() is True
        assert web.ready_after_s is not None and web.ready_after_s < 30
        os.kill(os.getpid(), signal.SIGTERM)  # what Ctrl-C / kill does to `zakaz up`
        sup.watch()  # returns: a stop was asked for
        assert sup.stop_requested
    assert web.process.returncode is not None
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers given back


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
    assert gone(grandchild)
