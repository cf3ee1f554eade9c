"""The local SMTP sink: the demo's mail server, so the app can show the email it would have sent.

    python -m ingest.notify.sink --host 127.0.0.1 --port 1025 --maildir DATA/mail

An aiosmtpd server that accepts every message and keeps it in a Maildir folder (one file per
message, written to tmp/ and renamed into new/ before the server answers 250, so an accepted
message is on disk). A message whose Message-ID is already in the folder is accepted but not
stored again: the outbox delivers at least once, and a resend after a crash carries the same
Message-ID, so the mailbox shows it once. The set of stored Message-IDs is rebuilt by scanning
the folder at start (the folder is the truth; delete a file and that message can arrive again).

read_mailbox() is how the app reads the folder (newest first, subjects and bodies decoded).
SIGTERM or Ctrl-C stops the server cleanly. Not a product mail server: no auth, no relay.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import mailbox
import os
import signal
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

_SUBDIRS = ("new", "cur")


@dataclass(frozen=True)
class ReceivedMail:
    message_id: str
    to: str
    subject: str
    body: str
    received_at: datetime
    sender: str = ""


class MaildirHandler:
    """aiosmtpd handler: store each accepted message in the Maildir, once per Message-ID."""

    def __init__(self, maildir: Path | str):
        self.maildir = Path(maildir)
        self.mailbox = mailbox.Maildir(self.maildir, create=True)
        self._lock = threading.Lock()
        self._seen = _stored_message_ids(self.maildir)

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        raw = raw.replace(b"\r\n", b"\n")  # Maildir files use the local line ending
        message_id = _message_id(BytesHeaderParser().parsebytes(raw).get("Message-ID"))
        # Where the message went by the envelope, as a delivering server records it.
        trace = [f"Return-Path: <{envelope.mail_from or ''}>"]
        trace += [f"Delivered-To: {rcpt}" for rcpt in envelope.rcpt_tos]
        with self._lock:
            if message_id and message_id in self._seen:
                return "250 OK (уже получено, повтор не сохранён)"
            try:
                self.mailbox.add(("\n".join(trace) + "\n").encode() + raw)
            except OSError as exc:  # disk full, folder gone: temporary, so the sender retries
                return f"451 4.3.0 не удалось сохранить письмо: {exc.strerror or exc}"
            if message_id:
                self._seen.add(message_id)
        return "250 OK"


class SinkServer:
    """The sink on host:port storing into maildir; start() returns once it accepts connections."""

    def __init__(self, host: str, port: int, maildir: Path | str):
        self.host = host
        self.port = port
        self.maildir = Path(maildir)
        self.handler = MaildirHandler(self.maildir)
        self._controller = Controller(
            self.handler,
            hostname=host,
            port=port,
            enable_SMTPUTF8=True,
            ident="Zakaz SMTP sink",
        )

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SinkServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def read_mailbox(maildir: Path | str, limit: int = 200) -> list[ReceivedMail]:
    """The received mail, newest first (at most `limit`); an absent folder is an empty mailbox."""
    files = []
    for sub in _SUBDIRS:
        folder = Path(maildir) / sub
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if entry.is_file() and not entry.name.startswith("."):
                try:
                    files.append((entry.stat().st_mtime_ns, entry.name, entry.path))
                except FileNotFoundError:  # removed since the listing
                    continue
    files.sort(reverse=True)
    mails = (_read_one(Path(path), mtime_ns) for mtime_ns, _, path in files[:limit])
    return [m for m in mails if m is not None]


def _read_one(path: Path, mtime_ns: int) -> ReceivedMail | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # removed since the listing
        return None
    msg = email.message_from_bytes(data, policy=email.policy.default)
    return ReceivedMail(
        message_id=_message_id(msg.get("Message-ID")),
        to=str(msg.get("To") or ", ".join(msg.get_all("Delivered-To") or [])),
        subject=str(msg.get("Subject") or ""),
        body=_text_body(msg),
        received_at=datetime.fromtimestamp(mtime_ns / 1e9),
        sender=str(msg.get("From") or ""),
    )


def _text_body(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, ValueError):  # unknown charset or broken encoding: show what we can
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def _message_id(value) -> str:
    return str(value).strip() if value is not None else ""


def _stored_message_ids(maildir: Path) -> set[str]:
    seen = set()
    parser = BytesHeaderParser()
    for sub in _SUBDIRS:
        folder = maildir / sub
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if entry.is_file() and not entry.name.startswith("."):
                with open(entry.path, "rb") as f:
                    message_id = _message_id(parser.parse(f).get("Message-ID"))
                if message_id:
                    seen.add(message_id)
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.notify.sink",
        description="Локальный SMTP-приёмник: сохраняет письма в папку Maildir.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", required=True, type=Path)
    args = parser.parse_args(argv)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        server = SinkServer(args.host, args.port, args.maildir)
        server.start()
    except Exception as exc:
        print(f"SMTP-приёмник не запущен на {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(
        f"SMTP-приёмник слушает {args.host}:{args.port}, письма в {args.maildir}",
        flush=True,
    )
    try:
        while not stop.wait(1.0):  # a timed wait, so signals are handled promptly on every Python
            pass
    finally:
        server.stop()
    print("SMTP-приёмник остановлен", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
