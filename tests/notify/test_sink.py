"""The local SMTP sink: stores what it accepts in a Maildir, once per Message-ID, and reads it
back decoded; `python -m ingest.notify.sink` starts and stops cleanly on SIGTERM."""

import errno
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from demo_clock import DEMO_NOW
from smtp_test_helpers import free_port, queue_message

from ingest.notify.outbox import DeliveryReport, deliver_due
from ingest.notify.sink import SinkServer, read_mailbox
from ingest.notify.smtp_settings import SmtpSettings
from ingest.store import Store

ROOT = Path(__file__).resolve().parents[2]
SUBJECT = "Заказ З-2026-014: статус «Отгружен»"
BODY = "Здравствуйте, Мария Ивановна!\nЗаказ З-2026-014 отгружен. Ёлки-палки, всё дошло."


def mail(message_id: str | None, subject: str = SUBJECT, body: str = BODY, cte=None):
    msg = EmailMessage()
    msg["From"] = "zakaz@plant.test"
    msg["To"] = "Соколова <sokolova@zakaz.local>"
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body, cte=cte) if cte else msg.set_content(body)
    return msg


def send(port: int, *messages: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for msg in messages:
            smtp.send_message(msg)


def test_the_sink_stores_mail_and_reads_it_back_decoded_newest_first(tmp_path):
    maildir = tmp_path / "mail"
    with SinkServer("127.0.0.1", free_port(), maildir) as sink:
        send(sink.port, mail("<a@zakaz.local>", cte="base64"))
        time.sleep(0.01)  # distinct file times: "newest first" is by arrival
        send(sink.port, mail("<b@zakaz.local>", subject="Второе", cte="quoted-printable"))
        time.sleep(0.01)
        send(sink.port, mail("<c@zakaz.local>", subject="Третье"))  # 8bit

    mails = read_mailbox(maildir)
    assert [m.message_id for m in mails] == [
        "<c@zakaz.local>",
        "<b@zakaz.local>",
        "<a@zakaz.local>",
    ]
    oldest = mails[-1]
    assert oldest.subject == SUBJECT
    assert oldest.body.rstrip("\n") == BODY
    assert oldest.to == "Соколова <sokolova@zakaz.local>"
    assert oldest.sender == "zakaz@plant.test"
    assert isinstance(oldest.received_at, datetime)
    assert abs((datetime.now() - oldest.received_at).total_seconds()) < 60
    assert [m.body.rstrip("\n") for m in mails] == [BODY] * 3
    assert [m.subject for m in mails] == ["Третье", "Второе", SUBJECT]
    assert [m.message_id for m in read_mailbox(maildir, limit=2)] == [
        "<c@zakaz.local>",
        "<b@zakaz.local>",
    ]


def test_a_resend_with_the_same_message_id_is_stored_once_even_after_a_restart(tmp_path):
    maildir = tmp_path / "mail"
    port = free_port()
    with SinkServer("127.0.0.1", port, maildir):
        send(port, mail("<same@zakaz.local>"), mail("<same@zakaz.local>"))
        send(port, mail(None), mail(None))  # no Message-ID: nothing to recognise, both kept
    with SinkServer("127.0.0.1", port, maildir):  # the index is rebuilt from the folder
        send(port, mail("<same@zakaz.local>"), mail("<other@zakaz.local>"))

    ids = sorted(m.message_id for m in read_mailbox(maildir))
    assert ids == ["", "", "<other@zakaz.local>", "<same@zakaz.local>"]


def test_an_absent_or_empty_mailbox_reads_as_empty(tmp_path):
    assert read_mailbox(tmp_path / "never-created") == []
    with SinkServer("127.0.0.1", free_port(), tmp_path / "mail"):
        pass
    assert read_mailbox(tmp_path / "mail") == []


def test_the_outbox_delivers_into_the_sink(demo_home, tmp_path):
    store = Store.open(demo_home)
    message_id = queue_message(store, recipient="sokolova@zakaz.local", now=DEMO_NOW)
    with SinkServer("127.0.0.1", free_port(), tmp_path / "mail") as sink:
        smtp = SmtpSettings("127.0.0.1", sink.port)
        assert deliver_due(store, smtp, DEMO_NOW) == DeliveryReport(sent=1)
    (received,) = read_mailbox(tmp_path / "mail")
    assert received.message_id == message_id
    assert received.to == "sokolova@zakaz.local"
    assert received.subject == "Заказ З-2026-001: статус «В производстве»"
    assert "(ООО «Ромашка») перешёл" in received.body


def test_a_sink_that_cannot_store_says_451_so_the_outbox_retries(demo_home, tmp_path):
    store = Store.open(demo_home)
    message_id = queue_message(store, recipient="sokolova@zakaz.local", now=DEMO_NOW)
    with SinkServer("127.0.0.1", free_port(), tmp_path / "mail") as sink:

        def disk_full(_message):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        add, sink.handler.mailbox.add = sink.handler.mailbox.add, disk_full
        smtp = SmtpSettings("127.0.0.1", sink.port)
        assert deliver_due(store, smtp, DEMO_NOW) == DeliveryReport(retried=1)
        sink.handler.mailbox.add = add
        assert deliver_due(store, smtp, DEMO_NOW + timedelta(seconds=30)) == DeliveryReport(sent=1)
    assert [m.message_id for m in read_mailbox(tmp_path / "mail")] == [message_id]


def _start_sink(port: int, maildir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest.notify.sink", "--host", "127.0.0.1", "--port", str(port),
         "--maildir", str(maildir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_python_m_sink_serves_until_sigterm(tmp_path):
    port, maildir = free_port(), tmp_path / "mail"
    proc = _start_sink(port, maildir)
    try:
        line = proc.stdout.readline()
        assert f"127.0.0.1:{port}" in line, line + proc.stderr.read()
        send(port, mail("<via-cli@zakaz.local>"))
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "остановлен" in out
    assert [m.message_id for m in read_mailbox(maildir)] == ["<via-cli@zakaz.local>"]
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # nothing listens any more


@pytest.mark.slow
def test_python_m_sink_on_a_busy_port_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc = _start_sink(taken.getsockname()[1], tmp_path / "mail")
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert err.strip().count("\n") == 0
    assert "не запущен" in err
    assert "Traceback" not in err
