"""A full disk during a save: one clear Russian line (service layer, `zakaz`, the app's page),
nothing committed lost, and once space is freed the store opens and takes the next save.

The plant sits on a small tmpfs mounted for the test (root; skipped where mounting is not
allowed). test_a_file_size_limit_... makes the same refusal with RLIMIT_FSIZE in subprocesses
(`zakaz set-status`, then the service layer), which needs no privilege, so the store's and the
command's paths are covered everywhere.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))

from cli_runner import assert_one_line_error, zakaz

from ingest.repos.orders import LineDraft, OrderDraft
from ingest.service import Desk, orders, status
from ingest.store import Store
from ingest.store.errors import DiskFullError

LIMIT_SCRIPT = Path(__file__).parent / "file_limit_save.py"
CLEAR = "Нет места для записи базы завода"


@pytest.fixture
def small_disk(tmp_path):
    """A 48 MB tmpfs (the demo store is 22 MB), always unmounted."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount_point)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"no permission to mount a tmpfs ({done.stderr.strip()}); the file size "
                    "limit test covers the same refusal")  # fmt: skip
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _plant_on(disk: Path, demo_home: Path) -> Path:
    home = disk / "plant"
    home.mkdir()
    shutil.copy2(demo_home / "app.duckdb", home / "app.duckdb")
    return home


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill the file system, then give `leave` bytes back."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for chunk in (b"\0" * (1 << 20), b"\0" * 4096):
            try:
                while True:
                    os.write(fd, chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(filler.stat().st_size - leave, 0))
    return filler


def _counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("orders", "order_lines", "status_events", "audit_log")}  # fmt: skip


def _quote_sent_order(store: Store) -> tuple[int, str, str]:
    with store.read() as conn:
        return conn.execute(
            "SELECT o.id, o.number, u.login FROM orders o JOIN users u ON u.id = "
            "o.sales_manager_id WHERE o.status = 'quote_sent' AND u.role = 'sales' "
            "AND u.is_active ORDER BY o.id LIMIT 1"
        ).fetchone()


def _draft(conn, tag: str, lines: int = 30) -> OrderDraft:
    material = conn.execute("SELECT id FROM materials WHERE grade = '40Х'").fetchone()[0]
    customer = conn.execute("SELECT min(id) FROM customers").fetchone()[0]
    return OrderDraft(
        customer_id=customer, need_date=date(2026, 11, 28), comment=tag,
        lines=tuple(
            LineDraft(name=f"{tag} Вал {i}", material_id=material, blank_shape="round",
                      dims={"diameter_mm": Decimal("60"), "length_mm": Decimal("500")},
                      quantity=10 + i, complexity=Decimal("2.5"))
            for i in range(lines)
        ),
    )  # fmt: skip


def _assert_clear(message: str) -> None:
    assert message.startswith(CLEAR), message
    assert "освободите место" in message and "\n" not in message


@pytest.mark.slow
def test_a_full_disk_refuses_the_save_clearly_keeps_what_was_saved_and_recovers(
    demo_home, small_disk, monkeypatch
):
    home = _plant_on(small_disk, demo_home)
    store = Store.open(home)
    order_id, number, login = _quote_sent_order(store)
    before = _counts(store)
    filler = _fill(small_disk)

    # The service layer: the page's own call, and a new 30-line order.
    with pytest.raises(DiskFullError) as refused:
        with Desk(store, login).writing() as a:
            status.change_status(a, order_id, "agreed")
    _assert_clear(str(refused.value))
    with pytest.raises(DiskFullError), Desk(store, login).writing() as a:
        orders.create_order(a, _draft(a.conn, "на полный диск"))
    assert _counts(store) == before  # reads still work, and nothing was half-written

    # `zakaz set-status`: one line on stderr, exit 1.
    result = zakaz("set-status", number, "agreed", "--as", login, "--home", str(home))
    assert_one_line_error(result, 1, CLEAR, str(home / "app.duckdb"))

    # The order card's status panel: an error box, no traceback.
    from apptest_helpers import errors  # Streamlit's AppTest: imported only when it runs
    from apptest_work import CARD, open_as, submit

    at = open_as(home, monkeypatch, login, CARD, order=number)
    at.selectbox(key=f"status_panel_{order_id}_to").set_value("agreed")
    submit(at, f"status_panel_{order_id}_form", "Перевести")
    assert not at.exception, [e.value for e in at.exception]
    assert any(CLEAR in text for text in errors(at)), errors(at)
    assert _counts(store) == before

    filler.unlink()  # space freed: the same save goes through, the store is whole
    with Desk(store, login).writing() as a:
        event_id = status.change_status(a, order_id, "agreed")
    after = _counts(store)
    assert after["status_events"] == before["status_events"] + 1
    assert (after["orders"], after["order_lines"]) == (before["orders"], before["order_lines"])
    conn = duckdb.connect(str(home / "app.duckdb"), read_only=True)  # opens outside the store too
    try:
        assert conn.execute(
            "SELECT to_status FROM status_events WHERE id = ?", [event_id]
        ).fetchone() == ("agreed",)
    finally:
        conn.close()


@pytest.mark.slow
def test_saves_while_the_disk_fills_up_are_each_kept_or_refused_whole(demo_home, small_disk):
    """With a little room left a save may still fit in the write-ahead log while folding it into
    the file fails (DuckDB keeps the log): every save that returned must survive."""
    home = _plant_on(small_disk, demo_home)
    store = Store.open(home)
    filler = _fill(small_disk, leave=512 * 1024)
    saved, refused = [], 0
    for n in range(40):
        tag = f"заполнение {n}"
        try:
            with Desk(store, "ivanov").writing() as a:
                orders.create_order(a, _draft(a.conn, tag))
            saved.append(tag)
        except DiskFullError as exc:
            _assert_clear(str(exc))
            refused += 1
            if refused == 3:
                break
    assert saved and refused == 3
    filler.unlink()
    with store.read() as conn:
        stored = conn.execute(
            "SELECT o.comment, count(l.id) FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "WHERE o.comment LIKE 'заполнение %' GROUP BY ALL"
        ).fetchall()
    assert sorted(stored) == sorted((tag, 30) for tag in saved)
    with Desk(store, "ivanov").writing() as a:
        orders.create_order(a, _draft(a.conn, "после"))


def _file_size_limit() -> None:
    """In a child before exec: writes past 100 bytes refused (EFBIG), not a SIGXFSZ death."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an ignored signal stays ignored across exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))


@pytest.mark.slow
def test_a_file_size_limit_refuses_the_save_the_same_way(demo_home):
    store = Store.open(demo_home)
    order_id, number, login = _quote_sent_order(store)
    store.ensure_schema()  # the schema is current: the command's only write is the save
    refused = subprocess.run(
        [sys.executable, "-m", "zakaz.cli", "set-status", number, "agreed", "--as", login,
         "--home", str(demo_home)],
        capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit,
    )  # fmt: skip
    assert_one_line_error(refused, 1, CLEAR)
    result = subprocess.run(
        [sys.executable, str(LIMIT_SCRIPT), str(demo_home), str(order_id), login],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["refused"]["type"] == "DiskFullError"
    _assert_clear(outcome["refused"]["message"])
    assert outcome["during"] == outcome["after_freeing"] == outcome["before"]
    assert outcome["final"] == outcome["before"] + 1
