"""Outbox delivery over a real SMTP server (aiosmtpd on 127.0.0.1): sent, retried, dead, and
never lost or doubled by a crash or a second deliverer.

Rows are inserted with SQL (as event processing queues them) into a copy of the demo plant.
"""

import dataclasses
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult
from demo_clock import DEMO_NOW
from smtp_test_helpers import (
    RecordingHandler,
    StallingSink,
    free_port,
    outbox_rows,
    queue_message,
    smtp_server,
    wait_for,
)

from ingest.notify.outbox import (
    LEASE,
    DeliveryReport,
    backoff,
    claim,
    deliver_due,
    retry_dead_letter,
)
from ingest.notify.sink import read_mailbox
from ingest.notify.smtp_settings import SmtpSettings
from ingest.store import NotFoundError, Store

DELIVERER = Path(__file__).parent / "deliver_process.py"
NOW = DEMO_NOW


@pytest.fixture
def store(demo_home) -> Store:
    return Store.open(demo_home)


def settings(port: int) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, sender="Заказ <zakaz@plant.test>", timeout_s=5)


def test_backoff_doubles_from_half_a_minute_up_to_an_hour():
    waits = [backoff(n).total_seconds() for n in range(1, 11)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert backoff(0) == timedelta(seconds=30)
    assert backoff(10_000) == timedelta(hours=1)


def test_due_messages_arrive_once_with_their_message_id_and_utf8_text(store):
    handler = RecordingHandler()
    ids = [
        queue_message(store, recipient=f"{login}@zakaz.local", now=NOW)
        for login in ("sokolova", "morozov", "kozlov")
    ]
    later = queue_message(
        store, recipient="egorova@zakaz.local", now=NOW, next_attempt_at=NOW + timedelta(hours=1)
    )
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(sent=3)
        assert deliver_due(store, settings(port), NOW + timedelta(minutes=5)) == DeliveryReport()

    assert sorted(handler.message_ids()) == sorted(ids)
    assert len(handler.connections) == 1  # one SMTP session for the batch
    mail = handler.received[0]
    assert mail["To"] == "sokolova@zakaz.local"
    assert mail["From"] == "Заказ <zakaz@plant.test>"
    assert mail["Subject"] == "Заказ З-2026-001: статус «В производстве»"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Date"] is not None
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert "перешёл в статус «В производстве»" in mail.get_content()
    assert handler.envelopes[0] == ("zakaz@plant.test", ["sokolova@zakaz.local"])

    rows = outbox_rows(store)
    for message_id in ids:
        assert rows[message_id]["state"] == "sent"
        assert rows[message_id]["sent_at"] == NOW
        assert rows[message_id]["attempts"] == 1
        assert rows[message_id]["last_error"] is None
    assert rows[later]["state"] == "pending"  # not due yet: untouched
    assert rows[later]["attempts"] == 0


def test_smtp_down_then_up_delivers_each_message_once(store):
    ids = [queue_message(store, recipient=f"u{i}@zakaz.local", now=NOW) for i in range(3)]
    port = free_port()  # nothing listens there yet

    assert deliver_due(store, settings(port), NOW) == DeliveryReport(retried=3)
    for row in outbox_rows(store).values():
        assert row["state"] == "retry"
        assert row["attempts"] == 1
        assert row["next_attempt_at"] == NOW + timedelta(seconds=30)
        assert f"127.0.0.1:{port}" in row["last_error"]

    handler = RecordingHandler()
    with smtp_server(handler, port):
        # The server is back, but the backoff has not passed: nothing is tried.
        assert deliver_due(store, settings(port), NOW + timedelta(seconds=20)) == DeliveryReport()
        assert handler.received == []
        assert deliver_due(store, settings(port), NOW + timedelta(seconds=31)) == DeliveryReport(
            sent=3
        )
        assert deliver_due(store, settings(port), NOW + timedelta(hours=2)) == DeliveryReport()

    assert sorted(handler.message_ids()) == sorted(ids)
    assert {row["state"] for row in outbox_rows(store).values()} == {"sent"}
    assert {row["attempts"] for row in outbox_rows(store).values()} == {2}


def test_still_down_the_wait_doubles(store):
    message_id = queue_message(store, recipient="a@zakaz.local", now=NOW)
    port = free_port()
    at = NOW
    for attempt, wait in enumerate([30, 60, 120, 240], start=1):
        assert deliver_due(store, settings(port), at) == DeliveryReport(retried=1)
        row = outbox_rows(store)[message_id]
        assert (row["attempts"], row["next_attempt_at"]) == (attempt, at + timedelta(seconds=wait))
        at = row["next_attempt_at"]


def test_a_4xx_reply_is_retried_later(store):
    message_id = queue_message(store, recipient="volkova@zakaz.local", now=NOW)
    handler = RecordingHandler()
    handler.data_reply = "451 try later"
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(retried=1)
        row = outbox_rows(store)[message_id]
        assert row["state"] == "retry"
        assert row["last_error"] == "451 try later"
        assert row["next_attempt_at"] == NOW + timedelta(seconds=30)

        handler.data_reply = None
        assert deliver_due(store, settings(port), NOW + timedelta(seconds=30)) == DeliveryReport(
            sent=1
        )
    assert handler.message_ids() == [message_id]


def test_a_dropped_connection_is_retried_and_the_next_batch_reconnects(store):
    first = queue_message(store, recipient="a@zakaz.local", now=NOW)
    handler = RecordingHandler()
    handler.hang_up_on_data = True
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(retried=1)
        assert outbox_rows(store)[first]["state"] == "retry"
        handler.hang_up_on_data = False
        assert deliver_due(store, settings(port), NOW + timedelta(minutes=1)) == DeliveryReport(
            sent=1
        )
    assert handler.message_ids() == [first]


def test_a_5xx_reply_is_a_dead_letter_until_the_admin_retries_it(store):
    dead = queue_message(store, recipient="nobody@zakaz.local", now=NOW)
    fine = queue_message(store, recipient="ivanov@zakaz.local", now=NOW)
    handler = RecordingHandler()
    handler.refuse_rcpt["nobody@zakaz.local"] = "550 no such user"
    with smtp_server(handler) as port:
        # One refused recipient does not spoil the batch's connection for the next message.
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(sent=1, dead=1)
        row = outbox_rows(store)[dead]
        assert row["state"] == "dead"
        assert row["attempts"] == 1
        assert row["last_error"].startswith("550")
        assert "no such user" in row["last_error"]

        tried = handler.rcpt_seen
        assert deliver_due(store, settings(port), NOW + timedelta(days=3)) == DeliveryReport()
        assert handler.rcpt_seen == tried  # a dead letter is never attempted on its own
        assert outbox_rows(store)[dead]["attempts"] == 1

        del handler.refuse_rcpt["nobody@zakaz.local"]  # the mailbox was created
        later = NOW + timedelta(days=3)
        assert retry_dead_letter(store, dead, later) is True
        row = outbox_rows(store)[dead]
        assert (row["state"], row["last_error"]) == ("retry", None)
        assert retry_dead_letter(store, dead, later) is False  # not dead any more: no change
        assert deliver_due(store, settings(port), later) == DeliveryReport(sent=1)

    assert handler.message_ids() == [fine, dead]
    assert outbox_rows(store)[dead]["state"] == "sent"
    assert outbox_rows(store)[dead]["attempts"] == 2
    assert retry_dead_letter(store, fine, later) is False
    with pytest.raises(NotFoundError):
        retry_dead_letter(store, "<no-such-message@zakaz.local>", later)


def test_a_5xx_reply_to_the_data_is_a_dead_letter_too(store):
    message_id = queue_message(store, recipient="a@zakaz.local", now=NOW)
    handler = RecordingHandler()
    handler.data_reply = "554 message refused"
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(dead=1)
    assert outbox_rows(store)[message_id]["last_error"] == "554 message refused"


def test_a_claim_whose_process_died_is_retried_after_the_lease_and_delivered_once(store):
    message_id = queue_message(store, recipient="a@zakaz.local", now=NOW)
    # Claimed, then the "process" died before sending or recording anything.
    assert claim(store, _id_of(store, message_id), NOW) is not None

    handler = RecordingHandler()
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport()  # leased
        just_before = NOW + LEASE - timedelta(seconds=1)
        assert deliver_due(store, settings(port), just_before) == DeliveryReport()
        assert deliver_due(store, settings(port), NOW + LEASE) == DeliveryReport(sent=1)
        assert deliver_due(store, settings(port), NOW + LEASE * 10) == DeliveryReport()
    assert handler.message_ids() == [message_id]
    assert outbox_rows(store)[message_id]["attempts"] == 2


def test_a_claimed_message_is_not_claimed_twice(store):
    message_id = queue_message(store, recipient="a@zakaz.local", now=NOW)
    outbox_id = _id_of(store, message_id)
    assert claim(store, outbox_id, NOW) is not None
    assert claim(store, outbox_id, NOW) is None
    assert claim(store, outbox_id, NOW + LEASE) is not None  # the lease ran out


@pytest.mark.slow
def test_a_deliverer_killed_after_the_server_accepted_resends_the_same_message(store, tmp_path):
    """SIGKILL between the server's 250 and the 'sent' write: the message is sent again after the
    lease with the same Message-ID, and the sink's mailbox shows it once (at-least-once)."""
    message_id = queue_message(store, recipient="fedorov@zakaz.local", now=NOW)
    maildir = tmp_path / "mail"
    sink = StallingSink(maildir)
    with smtp_server(sink) as port:
        proc = _deliverer(store, port)
        try:
            assert wait_for(sink.stored_first.is_set, 60), "the deliverer never sent"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        finally:
            sink.release.set()
            if proc.poll() is None:
                proc.kill()
                proc.wait()

        row = outbox_rows(store)[message_id]
        assert (row["state"], row["attempts"]) == ("pending", 1)  # claimed, outcome never written
        assert deliver_due(store, settings(port), NOW + timedelta(seconds=30)) == DeliveryReport()
        assert deliver_due(store, settings(port), NOW + LEASE) == DeliveryReport(sent=1)

    assert sink.deliveries == 2  # the server saw it twice ...
    mails = read_mailbox(maildir)
    assert [m.message_id for m in mails] == [message_id]  # ... the mailbox shows it once
    row = outbox_rows(store)[message_id]
    assert (row["state"], row["attempts"]) == ("sent", 2)


def test_two_threads_delivering_at_once_send_each_message_once(store):
    ids = [queue_message(store, recipient=f"u{i}@zakaz.local", now=NOW) for i in range(20)]
    handler = RecordingHandler()
    handler.delay_s = 0.01
    reports = []
    start = threading.Barrier(2)

    def deliver():
        start.wait()
        reports.append(deliver_due(Store.open(store.paths.home), settings(port), NOW))

    with smtp_server(handler) as port:
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert sum(r.sent for r in reports) == 20
    assert all(r.sent for r in reports)  # both were at work: the claim kept them apart
    assert sorted(handler.message_ids()) == sorted(ids)  # each once
    assert {row["attempts"] for row in outbox_rows(store).values()} == {1}


@pytest.mark.slow
def test_two_processes_delivering_at_once_send_each_message_once(store, tmp_path):
    ids = [queue_message(store, recipient=f"u{i}@zakaz.local", now=NOW) for i in range(40)]
    handler = RecordingHandler()
    handler.delay_s = 0.02  # long enough that both processes are at work together
    go = tmp_path / "go"
    with smtp_server(handler) as port:
        procs = [_deliverer(store, port, go) for _ in range(2)]
        try:
            for proc in procs:
                assert proc.stdout.readline().strip() == "ready"
            go.touch()
            outputs = [proc.communicate(timeout=120)[0] for proc in procs]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    reports = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    assert sum(r["sent"] for r in reports) == 40
    assert all(r["sent"] for r in reports)  # both were at work: the claim kept them apart
    assert sorted(handler.message_ids()) == sorted(ids)  # no message twice, none missing
    assert {row["attempts"] for row in outbox_rows(store).values()} == {1}
    assert {row["state"] for row in outbox_rows(store).values()} == {"sent"}


def test_a_batch_past_its_time_budget_claims_nothing_more(store):
    """A slow server must not keep a batch claiming for longer than the claims' lease: past the
    budget the rest stay due (untouched) for the next call; at least one is always sent."""
    ids = [queue_message(store, recipient=f"u{i}@zakaz.local", now=NOW) for i in range(3)]
    handler = RecordingHandler()
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW, budget=timedelta(0)) == DeliveryReport(
            sent=1
        )
        rows = outbox_rows(store)
        assert [rows[i]["state"] for i in ids] == ["sent", "pending", "pending"]
        assert [rows[i]["attempts"] for i in ids] == [1, 0, 0]
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(sent=2)
    assert handler.message_ids() == ids


def test_without_smtp_settings_nothing_is_sent_and_nothing_is_lost(store):
    message_id = queue_message(store, recipient="a@zakaz.local", now=NOW)
    assert deliver_due(store, None, NOW) == DeliveryReport()
    row = outbox_rows(store)[message_id]
    assert (row["state"], row["attempts"]) == ("pending", 0)


def _deliverer(store: Store, port: int, go: Path | None = None) -> subprocess.Popen:
    """deliver_due in a process of its own (with `go`: held until that file exists)."""
    args = [sys.executable, str(DELIVERER), str(store.paths.home), str(port), NOW.isoformat()]
    return subprocess.Popen([*args, str(go)] if go else args, stdout=subprocess.PIPE, text=True)


def _id_of(store: Store, message_id: str) -> int:
    with store.read() as conn:
        return conn.execute(
            "SELECT id FROM notification_outbox WHERE message_id = ?", [message_id]
        ).fetchone()[0]


@pytest.fixture
def tls_server_files(tmp_path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_and_login(store, tls_server_files, monkeypatch):
    """STARTTLS with a verified certificate, then AUTH; a wrong password or an untrusted
    certificate is a connection problem (retry), not the message's fault (dead)."""
    cert, key = tls_server_files
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"zakaz", "пароль".encode())
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd replies 535

    handler = RecordingHandler()
    message_id = queue_message(store, recipient="a@zakaz.local", now=NOW)
    options = {"tls_context": server_tls, "require_starttls": True, "auth_required": True}
    with smtp_server(handler, authenticator=authenticator, **options) as port:
        tls = SmtpSettings("127.0.0.1", port, user="zakaz", password="пароль", starttls=True)

        untrusted = deliver_due(store, tls, NOW)  # the system's CAs do not know this cert
        assert untrusted == DeliveryReport(retried=1)
        assert "CERTIFICATE_VERIFY_FAILED" in outbox_rows(store)[message_id]["last_error"]

        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate
        wrong = dataclasses.replace(tls, password="не тот")
        assert deliver_due(store, wrong, NOW + timedelta(seconds=30)) == DeliveryReport(retried=1)
        assert "535" in outbox_rows(store)[message_id]["last_error"]

        at = NOW + timedelta(minutes=5)
        assert deliver_due(store, tls, at) == DeliveryReport(sent=1)
    assert handler.message_ids() == [message_id]
