"""Real SMTP servers for the delivery tests (aiosmtpd on 127.0.0.1) and outbox rows by SQL.

The servers here misbehave on purpose (451, 550, a dropped connection, a stall); the product's
sink (ingest.notify.sink) only ever accepts.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from aiosmtpd.controller import Controller

from ingest.notify.sink import MaildirHandler
from ingest.store import Store


def free_port() -> int:
    """A port nothing listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(handler, port: int | None = None, **smtp_options) -> Iterator[int]:
    """Run `handler` on 127.0.0.1 (a free port unless given) for the block; yields the port.
    smtp_options go to aiosmtpd's SMTP (tls_context, authenticator ...)."""
    port = port or free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True, **smtp_options
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


class RecordingHandler:
    """Accepts mail and keeps it; or refuses recipients / data with a given reply, or hangs up."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.connections: set[tuple] = set()  # peers that sent MAIL FROM: one per SMTP session
        self.rcpt_seen = 0
        self.refuse_rcpt: dict[str, str] = {}  # address -> reply, e.g. "550 no such user"
        self.data_reply: str | None = None  # e.g. "451 try later"
        self.hang_up_on_data = False
        self.delay_s = 0.0  # per message, to make concurrent deliverers overlap

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.connections.add(session.peer)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_seen += 1
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.hang_up_on_data:
            server.transport.close()
            return "421 bye"
        if self.data_reply:
            return self.data_reply
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]


class StallingSink(MaildirHandler):
    """The product sink, except that the first message is stored and then its 250 is held back
    until `release` is set: the sender is stuck between acceptance and its 'sent' write."""

    def __init__(self, maildir) -> None:
        super().__init__(maildir)
        self.stored_first = threading.Event()
        self.release = threading.Event()
        self.deliveries = 0  # DATA commands answered, resends included

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        self.deliveries += 1
        if self.deliveries == 1:
            self.stored_first.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return reply


def queue_message(
    store: Store,
    *,
    recipient: str,
    now: datetime,
    subject: str = "Заказ З-2026-001: статус «В производстве»",
    body: str = "Здравствуйте!\nЗаказ З-2026-001 (ООО «Ромашка») перешёл в статус «В производстве»",
    message_id: str | None = None,
    next_attempt_at: datetime | None = None,
) -> str:
    """Insert one pending outbox row (as event processing would) and return its Message-ID."""
    with store.write() as tx:
        (new_id,) = tx.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM notification_outbox"
        ).fetchone()
        message_id = message_id or f"<zakaz.test-{new_id}.{recipient}>"
        tx.execute(
            "INSERT INTO notification_outbox (id, message_id, event_id, kind, recipient_email, "
            "subject, body, state, attempts, next_attempt_at, created_at) "
            "VALUES (?, ?, NULL, 'status', ?, ?, ?, 'pending', 0, ?, ?)",
            [new_id, message_id, recipient, subject, body, next_attempt_at or now, now],
        )
    return message_id


def outbox_rows(store: Store) -> dict[str, dict[str, Any]]:
    """Every outbox row by Message-ID."""
    with store.read() as conn:
        cur = conn.execute(
            "SELECT message_id, state, attempts, next_attempt_at, last_error, sent_at "
            "FROM notification_outbox ORDER BY id"
        )
        names = [d[0] for d in cur.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def wait_for(predicate, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
