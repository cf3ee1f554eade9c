"""Notify runs for real: the code location's own jobs executed on a real Dagster instance against a
private copy of the demo plant, sending to a real SMTP server (aiosmtpd on 127.0.0.1).

Each status event gives its tasks once and one email per recipient once — also when its run is
repeated, killed mid-way and run again, or the SMTP server is down for a while; the day's
reminders go out once per owner however often their job runs.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from aiosmtpd.controller import Controller
from demo_clock import DEMO_AS_OF, DEMO_NOW
from pipeline_plant import copy_plant

from ingest.notify.outbox import LEASE
from ingest.service.desk import Desk
from ingest.service.status import change_status
from pipelines.notifications import (
    DELIVER_OP,
    REMINDERS_OP,
    STALE_AFTER,
    event_run_config,
    event_run_tags,
)

REPO = Path(__file__).resolve().parents[2]


# --- a real SMTP server that records what it accepted ---------------------------------------


class Recorder:
    """Accepts every message and records it. With ``stall`` set, holds each DATA reply until
    ``release`` is set; a message whose client has gone meanwhile is not accepted (no 250 was
    ever sent), as a real server would drop an unfinished transaction."""

    def __init__(self) -> None:
        self.accepted: list[email.message.EmailMessage] = []
        self.stall = False
        self.data_started = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.data_started.set()
        while self.stall and not self.release.is_set():
            await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "421 the client has gone"
        self.accepted.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def message_ids(self) -> Counter:
        return Counter(str(m["Message-ID"]) for m in self.accepted)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(handler: Recorder, port: int):
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


# --- the plant, the instance, the environment a run reads ------------------------------------


@pytest.fixture(scope="module")
def location():
    """The notification code location as the daemon loads it (pipelines/notify_definitions.py)."""
    from pipelines.notify_definitions import defs

    return defs


@pytest.fixture
def plant(demo_home, tmp_path):
    return copy_plant(demo_home, tmp_path / "plant")


@pytest.fixture
def instance(tmp_path):
    from pipelines.instance import ensure_dagster_home

    inst = dg.DagsterInstance.from_config(str(ensure_dagster_home(tmp_path / "dagster")))
    try:
        yield inst
    finally:
        inst.dispose()


@pytest.fixture
def smtp_port(plant, monkeypatch) -> int:
    """What `zakaz up` gives the Dagster processes: the plant, the app's address, SMTP."""
    port = free_port()
    monkeypatch.setenv("ZAKAZ_HOME", str(plant.paths.home))
    monkeypatch.setenv("ZAKAZ_AS_OF", "")
    monkeypatch.setenv("ZAKAZ_APP_URL", "http://zakaz.test:8501")
    monkeypatch.setenv("ZAKAZ_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ZAKAZ_SMTP_PORT", str(port))
    monkeypatch.setenv("ZAKAZ_SMTP_STARTTLS", "false")
    monkeypatch.setenv("ZAKAZ_SMTP_FROM", "Заказ <zakaz@plant.test>")
    return port


def run_event(location, instance, event_id: int, now: str = "") -> dg.ExecuteInProcessResult:
    job = location.resolve_job_def("notify_status_event")
    result = job.execute_in_process(
        run_config=event_run_config(event_id, now),
        instance=instance,
        tags=event_run_tags(event_id),
    )
    assert result.success
    return result


def run_job(location, instance, name: str, config: dict) -> dg.ExecuteInProcessResult:
    result = location.resolve_job_def(name).execute_in_process(run_config=config, instance=instance)
    assert result.success
    return result


def logged(instance, result) -> str:
    return "\n".join(e.user_message for e in instance.all_logs(result.run_id))


# --- the store --------------------------------------------------------------------------------


def move(store, from_status: str, to_status: str, comment: str | None = None) -> int:
    """The first order in from_status moved by its own sales manager; the event id."""
    with store.read() as conn:
        order_id, login = conn.execute(
            "SELECT o.id, u.login FROM orders o JOIN users u ON u.id = o.sales_manager_id "
            "WHERE o.status = ? AND u.role = 'sales' AND u.is_active ORDER BY o.id LIMIT 1",
            [from_status],
        ).fetchone()
    with Desk(store, login).writing() as a:
        return change_status(a, order_id, to_status, comment=comment)


def tasks_of(store, event_id: int) -> list[tuple]:
    with store.read() as conn:
        return conn.execute(
            "SELECT rule_key, assignee_id, state FROM tasks WHERE event_id = ? ORDER BY rule_key",
            [event_id],
        ).fetchall()


def outbox_of(store, event_id: int | None = None, kind: str | None = None) -> dict[str, tuple]:
    """Message-ID → (recipient email, state, attempts)."""
    where, params = ["TRUE"], []
    if event_id is not None:
        where.append("event_id = ?")
        params.append(event_id)
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    with store.read() as conn:
        rows = conn.execute(
            "SELECT message_id, recipient_email, state, attempts FROM notification_outbox "
            f"WHERE {' AND '.join(where)}",
            params,
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


# --- one event, one run ---------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_a_run_creates_the_tasks_and_emails_each_recipient_once(
    location, instance, plant, smtp_port
):
    event_id = move(plant, "quote_sent", "agreed")
    with smtp_server(Recorder(), smtp_port) as server:
        result = run_event(location, instance, event_id)
        tasks = tasks_of(plant, event_id)
        outbox = outbox_of(plant, event_id)
        # agreed: finance invoices the prepayment, procurement checks the materials (domain.md)
        assert {rule for rule, _, _ in tasks} == {"agreed.finance", "agreed.procurement"}
        assert all(state == "open" for _, _, state in tasks)
        assert outbox and all(state == "sent" for _, state, _ in outbox.values())
        assert server.message_ids() == Counter(set(outbox))  # one per recipient, once each
        recipients = sorted(to for to, _, _ in outbox.values())
        assert sorted(str(m["To"]) for m in server.accepted) == recipients
        assert len(set(recipients)) == len(recipients)
        assert all(f"<zakaz.event-{event_id}.user-" in mid for mid in outbox)
        body = server.accepted[0].get_content()
        assert "http://zakaz.test:8501" in body  # the link to the order card
        assert "отправлено" in logged(instance, result)

        again = run_event(location, instance, event_id)  # a repeated run adds nothing
        assert tasks_of(plant, event_id) == tasks
        assert outbox_of(plant, event_id) == outbox
        assert server.message_ids() == Counter(set(outbox))
        assert "задач создано: 0" in logged(instance, again)


@pytest.mark.timeout(300)
def test_without_smtp_the_run_succeeds_and_the_messages_wait(
    location, instance, plant, smtp_port, monkeypatch
):
    monkeypatch.delenv("ZAKAZ_SMTP_HOST")
    event_id = move(plant, "quote_sent", "agreed")
    result = run_event(location, instance, event_id)
    assert "SMTP не настроен" in logged(instance, result)
    assert len(tasks_of(plant, event_id)) == 2
    outbox = outbox_of(plant, event_id)
    assert outbox and {state for _, state, _ in outbox.values()} == {"pending"}


@pytest.mark.timeout(300)
def test_cancelling_closes_the_open_tasks_and_tells_their_owners(
    location, instance, plant, smtp_port
):
    agreed = move(plant, "quote_sent", "agreed")
    with smtp_server(Recorder(), smtp_port) as server:
        run_event(location, instance, agreed)
        owners = {assignee for _, assignee, _ in tasks_of(plant, agreed)}
        with plant.read() as conn:
            (order_id,) = conn.execute(
                "SELECT order_id FROM status_events WHERE id = ?", [agreed]
            ).fetchone()
            login = conn.execute(
                "SELECT u.login FROM orders o JOIN users u ON u.id = o.sales_manager_id "
                "WHERE o.id = ?",
                [order_id],
            ).fetchone()[0]
        with Desk(plant, login).writing() as a:
            cancelled = change_status(a, order_id, "cancelled", comment="заказчик отказался")
        run_event(location, instance, cancelled)
        assert {state for _, _, state in tasks_of(plant, agreed)} == {"cancelled"}
        told = outbox_of(plant, cancelled)
        with plant.read() as conn:
            emails = {
                r[0]
                for r in conn.execute(
                    "SELECT email FROM users WHERE list_contains(?, id)", [list(owners)]
                ).fetchall()
            }
        assert {to for to, _, _ in told.values()} >= emails
        assert all(server.message_ids()[mid] == 1 for mid in told)


# --- a run killed while sending, then run again -----------------------------------------------

KILLABLE_RUN = """
import sys
import dagster as dg
from pipelines.notify_definitions import defs
from pipelines.notifications import event_run_config, event_run_tags

event_id = int(sys.argv[2])
with dg.DagsterInstance.from_config(sys.argv[1]) as instance:
    defs.resolve_job_def("notify_status_event").execute_in_process(
        run_config=event_run_config(event_id), instance=instance, tags=event_run_tags(event_id)
    )
"""


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_run_killed_while_sending_then_run_again_loses_and_doubles_nothing(
    location, instance, plant, smtp_port, tmp_path
):
    event_id = move(plant, "quote_sent", "agreed")
    recorder = Recorder()
    recorder.stall = True  # the first DATA is held: the run is killed while sending it
    with smtp_server(recorder, smtp_port) as server:
        run = subprocess.Popen(
            [sys.executable, "-c", KILLABLE_RUN, str(tmp_path / "dagster"), str(event_id)],
            cwd=REPO, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            assert recorder.data_started.wait(240), run.communicate(timeout=30)[0][-3000:]
            tasks = tasks_of(plant, event_id)
            assert len(tasks) == 2  # written (committed) before any email is sent
            os.kill(run.pid, signal.SIGKILL)
            run.wait(timeout=30)
        finally:
            if run.poll() is None:
                run.kill()
        time.sleep(0.5)  # the server notices the connection is gone
        recorder.release.set()
        recorder.stall = False
        assert server.accepted == []  # the held message never got its 250

        outbox = outbox_of(plant, event_id)
        assert {state for _, state, _ in outbox.values()} == {"pending"}
        claimed = [mid for mid, (_, _, attempts) in outbox.items() if attempts == 1]
        assert len(claimed) == 1  # taken for sending when the run died: due after its lease

        # The killed run is left "started"; the sensor takes it for dead once it is stale and
        # requests the event again — that run is the restart.
        from pipelines.notify_defs.sensors import redo_requests

        assert redo_requests(instance, datetime.now(UTC)) == []
        stale = datetime.now(UTC) + STALE_AFTER + timedelta(minutes=1)
        (redo,) = redo_requests(instance, stale)
        assert (redo.event_id, redo.run_key) == (event_id, f"status-event-{event_id}-retry-2")
        job = location.resolve_job_def("notify_status_event")
        restarted = job.execute_in_process(
            run_config=redo.run_config, instance=instance, tags=redo.tags
        )
        assert restarted.success
        assert tasks_of(plant, event_id) == tasks
        assert claimed[0] not in server.message_ids()  # still leased to the dead run
        # The claimed message waits out its lease, then the retry job sends it.
        later = (datetime.now() + LEASE + timedelta(minutes=1)).isoformat()
        run_job(
            location, instance, "deliver_outbox", {"ops": {DELIVER_OP: {"config": {"now": later}}}}
        )

        final = outbox_of(plant, event_id)
        assert set(final) == set(outbox)
        assert {state for _, state, _ in final.values()} == {"sent"}
        assert server.message_ids() == Counter(set(outbox))  # every email, each once
        assert tasks_of(plant, event_id) == tasks


# --- SMTP down for a while -------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_smtp_down_then_up_delivers_each_message_once_through_the_retry_schedule(
    location, instance, plant, smtp_port
):
    from pipelines.notify_defs.schedules import deliver_outbox_every_minute
    from pipelines.plant import ZakazPlant

    event_id = move(plant, "quote_sent", "agreed")
    t0 = datetime.now() - timedelta(minutes=10)  # the change happened a while ago
    run_event(location, instance, event_id, now=t0.isoformat())  # nobody listens
    down = outbox_of(plant, event_id)
    assert down and {(s, n) for _, s, n in down.values()} == {("retry", 1)}
    config = {"ops": {DELIVER_OP: {"config": {"now": (t0 + timedelta(minutes=1)).isoformat()}}}}
    run_job(location, instance, "deliver_outbox", config)  # still down: retry again, later
    assert {(s, n) for _, s, n in outbox_of(plant, event_id).values()} == {("retry", 2)}

    context = dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=datetime.now().astimezone(),
        resources={"plant": ZakazPlant(home=str(plant.paths.home), as_of="")},
    )
    with smtp_server(Recorder(), smtp_port) as server:
        request = deliver_outbox_every_minute(context)
        assert isinstance(request, dg.RunRequest)
        run_job(location, instance, "deliver_outbox", request.run_config)
        up = outbox_of(plant, event_id)
        assert {(s, n) for _, s, n in up.values()} == {("sent", 3)}
        assert server.message_ids() == Counter(set(up))
        assert isinstance(deliver_outbox_every_minute(context), dg.SkipReason)  # nothing left
        run_job(location, instance, "deliver_outbox", request.run_config)
        assert server.message_ids() == Counter(set(up))


# --- daily reminders ---------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_the_reminders_job_twice_on_one_day_emails_each_owner_once(
    location, instance, plant, smtp_port
):
    config = {
        "ops": {
            REMINDERS_OP: {"config": {"day": DEMO_AS_OF.isoformat(), "now": DEMO_NOW.isoformat()}}
        }
    }
    with smtp_server(Recorder(), smtp_port) as server:
        run_job(location, instance, "send_daily_reminders", config)
        reminders = outbox_of(plant, kind="reminder")
        assert reminders, "the demo plant has overdue tasks and payments on its day"
        owners = [to for to, _, _ in reminders.values()]
        assert len(owners) == len(set(owners))  # one email per owner
        assert {state for _, state, _ in reminders.values()} == {"sent"}
        assert server.message_ids() == Counter(set(reminders))

        second = run_job(location, instance, "send_daily_reminders", config)
        assert outbox_of(plant, kind="reminder") == reminders
        assert server.message_ids() == Counter(set(reminders))
        assert "писем в очереди новых: 0" in logged(instance, second)
