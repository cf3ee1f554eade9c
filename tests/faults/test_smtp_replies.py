"""SMTP faults the delivery tests of tests/notify do not cover yet: a 4xx to RCPT, a server that
says 421 at the greeting, one that accepts the connection and never answers, and a 5xx to MAIL
FROM. (Covered there: server down then up, the doubling wait, 451 to DATA, a dropped connection,
550 to RCPT, 554 to DATA, a TLS or login failure, a deliverer killed after the server's 250.)
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notify"))

from demo_clock import DEMO_NOW
from smtp_test_helpers import (
    RecordingHandler,
    free_port,
    outbox_rows,
    queue_message,
    smtp_server,
)

from ingest.notify.outbox import DeliveryReport, deliver_due
from ingest.notify.smtp_settings import SmtpSettings
from ingest.store import Store

NOW = DEMO_NOW


@pytest.fixture
def store(demo_home) -> Store:
    return Store.open(demo_home)


def settings(port: int) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, sender="Заказ <zakaz@plant.test>", timeout_s=1)


@contextmanager
def raw_server(greeting: bytes | None) -> Iterator[int]:
    """Accepts connections on a free port; sends `greeting` and hangs up, or (None) says nothing
    and keeps the connection open."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the block is over
                return
            if greeting is None:
                held.append(conn)
            else:
                conn.sendall(greeting)
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept(); close() alone would not
        listener.close()
        for conn in held:
            conn.close()
        thread.join(5)


def test_a_4xx_to_rcpt_is_retried_then_delivered_once(store):
    message_id = queue_message(store, recipient="volkova@zakaz.local", now=NOW)
    handler = RecordingHandler()
    handler.refuse_rcpt["volkova@zakaz.local"] = "450 4.2.1 mailbox busy"
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(retried=1)
        row = outbox_rows(store)[message_id]
        assert (row["state"], row["last_error"]) == ("retry", "450 4.2.1 mailbox busy")
        handler.refuse_rcpt.clear()
        later = NOW + timedelta(seconds=30)
        assert deliver_due(store, settings(port), later) == DeliveryReport(sent=1)
        assert deliver_due(store, settings(port), later + timedelta(hours=1)) == DeliveryReport()
    assert handler.message_ids() == [message_id]


def test_a_421_greeting_retries_the_whole_batch_then_delivers_each_once(store):
    ids = [queue_message(store, recipient=f"u{i}@zakaz.local", now=NOW) for i in range(3)]
    with raw_server(b"421 4.3.2 too busy, try later\r\n") as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(retried=3)
    for row in outbox_rows(store).values():
        assert row["state"] == "retry" and "421" in row["last_error"]
    handler = RecordingHandler()
    with smtp_server(handler, free_port()) as port:
        later = NOW + timedelta(seconds=30)
        assert deliver_due(store, settings(port), later) == DeliveryReport(sent=3)
    assert sorted(handler.message_ids()) == sorted(ids)


def test_a_server_that_never_answers_times_out_into_a_retry(store):
    message_id = queue_message(store, recipient="a@zakaz.local", now=NOW)
    with raw_server(None) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(retried=1)
    row = outbox_rows(store)[message_id]
    assert row["state"] == "retry" and "timed out" in row["last_error"], row["last_error"]
    handler = RecordingHandler()
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW + timedelta(seconds=30)) == (
            DeliveryReport(sent=1)
        )
    assert handler.message_ids() == [message_id]


class RefusingSender(RecordingHandler):
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return "553 5.7.1 sender not allowed"


def test_a_5xx_to_mail_from_is_a_dead_letter(store):
    """As every 5xx: the message is not tried again on its own (the admin can, once the sender
    address is fixed). A refused sender refuses every message of the batch."""
    ids = [queue_message(store, recipient=f"u{i}@zakaz.local", now=NOW) for i in range(2)]
    handler = RefusingSender()
    with smtp_server(handler) as port:
        assert deliver_due(store, settings(port), NOW) == DeliveryReport(dead=2)
        assert deliver_due(store, settings(port), NOW + timedelta(days=1)) == DeliveryReport()
    for message_id in ids:
        row = outbox_rows(store)[message_id]
        assert row["state"] == "dead" and row["last_error"].startswith("553"), row
    assert handler.received == []
