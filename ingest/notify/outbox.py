"""Delivering the outbox (notification_outbox) over SMTP, with retries and dead letters.

States: pending (queued) → sent | retry (due again at next_attempt_at) | dead (the server said no
for good; the admin may retry it). deliver_due() works in small steps, never holding a store
transaction while talking to the SMTP server (architecture.md: short transactions only):

1. a short read lists the due messages (pending/retry, next_attempt_at <= now), oldest first;
2. per message, a short write CLAIMS it, only if it is still due: attempts + 1 and
   next_attempt_at = now + LEASE (5 min). A second deliverer (another run, another process) no
   longer sees it as due, and a deliverer killed while sending leaves it due again after the
   lease. A batch stops claiming after BATCH_BUDGET (1 min) so no claim expires mid-send;
3. the message goes out on the batch's one SMTP connection (opened for the first message);
4. a short write records the outcome: accepted → sent (sent_at); connection errors, timeouts
   and 4xx replies → retry at now + backoff(attempts); 5xx → dead with the reply in last_error.
   If the connection cannot be opened at all, every message of the batch goes to retry.

Guarantee: AT-LEAST-ONCE, not exactly-once. No message is lost: it stays due until an outcome
is recorded. A crash between the server's acceptance and the 'sent' write (step 3 → 4) makes the
message due again after the lease and it is sent a second time — with the same Message-ID, fixed
per (event, recipient), so the local sink stores it once and a mail client shows it as the same
message. Two deliverers running at once do not both send a message: the claim is one write under
the store's exclusive lock, and only one of them finds it still due.

`now` is the caller's clock (naive local time, like every timestamp in the store) and is used
for every timestamp written by one call, so tests can move time forward.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from ingest.notify.smtp_settings import SmtpSettings
from ingest.store import Store
from ingest.store.errors import NotFoundError

log = logging.getLogger(__name__)

# A claim must outlive the send it covers, or a second deliverer would send the message too.
# A batch claims only during its first BATCH_BUDGET (real time), so every claim has at least
# LEASE - BATCH_BUDGET = 4 min left: far more than the slowest send (reconnect + EHLO, STARTTLS,
# AUTH, MAIL, RCPT, DATA: about 10 round trips, each bounded by the 10 s socket timeout).
LEASE = timedelta(minutes=5)
BATCH_BUDGET = timedelta(minutes=1)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
MAX_ERROR_CHARS = 500

_DUE = "state IN ('pending', 'retry') AND coalesce(next_attempt_at, created_at) <= ?"
_COLUMNS = "id, message_id, recipient_email, subject, body, attempts, created_at"


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0


@dataclass(frozen=True)
class OutboxMessage:
    """A claimed message; attempts already counts this attempt."""

    id: int
    message_id: str
    recipient_email: str
    subject: str
    body: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class Outcome:
    state: str  # sent | retry | dead
    error: str | None = None


def backoff(attempts: int) -> timedelta:
    """The wait after the attempts-th failed attempt: 30 s, 1, 2, 4, 8 ... min, at most 1 h."""
    n = max(attempts, 1)
    if n > 16:  # 30 s * 2**15 is far past the cap already; spare the big integers
        return MAX_RETRY
    return min(FIRST_RETRY * 2 ** (n - 1), MAX_RETRY)


def deliver_due(
    store: Store,
    settings: SmtpSettings | None,
    now: datetime,
    limit: int = 100,
    *,
    budget: timedelta = BATCH_BUDGET,
) -> DeliveryReport:
    """Send up to `limit` due messages over one SMTP connection; see the module docstring.

    `now` should be the current time: leases and backoffs count from it. Past `budget` of real
    time no further message is claimed (the rest stay due for the next call), so a slow server
    cannot stretch a batch beyond its claims' leases. None settings: nothing is sent."""
    if settings is None:
        log.warning("SMTP не настроен (ZAKAZ_SMTP_HOST): письма остаются в очереди")
        return DeliveryReport()
    counts = {"sent": 0, "retry": 0, "dead": 0}
    session = _Session(settings)
    started = time.monotonic()
    try:
        for outbox_id in due_ids(store, now, limit):
            if sum(counts.values()) and time.monotonic() - started > budget.total_seconds():
                break  # at least one per call, so a slow server still drains the queue
            message = claim(store, outbox_id, now)
            if message is None:  # another deliverer claimed it first
                continue
            outcome = session.send(message)
            record(store, message, outcome, now)
            counts[outcome.state] += 1
    finally:
        session.close()
    return DeliveryReport(sent=counts["sent"], retried=counts["retry"], dead=counts["dead"])


def due_ids(store: Store, now: datetime, limit: int = 100) -> list[int]:
    """Ids of the messages due at `now`, the longest-waiting first."""
    with store.read() as conn:
        rows = conn.execute(
            f"SELECT id FROM notification_outbox WHERE {_DUE} "
            "ORDER BY coalesce(next_attempt_at, created_at), id LIMIT ?",
            [now, limit],
        ).fetchall()
    return [row[0] for row in rows]


def claim(
    store: Store, outbox_id: int, now: datetime, lease: timedelta = LEASE
) -> OutboxMessage | None:
    """Take one message for sending if it is still due (OutboxMessage), else None."""
    with store.write() as tx:
        row = tx.execute(
            "UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = ? "
            f"WHERE id = ? AND {_DUE} RETURNING {_COLUMNS}",
            [now + lease, outbox_id, now],
        ).fetchone()
    return None if row is None else OutboxMessage(*row)


def record(store: Store, message: OutboxMessage, outcome: Outcome, now: datetime) -> None:
    """Write the outcome of one attempt. A message already sent (by a deliverer whose lease we
    outlived) stays sent."""
    error = None if outcome.error is None else outcome.error[:MAX_ERROR_CHARS]
    with store.write() as tx:
        if outcome.state == "sent":
            tx.execute(
                "UPDATE notification_outbox SET state = 'sent', sent_at = ?, "
                "next_attempt_at = NULL, last_error = NULL WHERE id = ? AND state <> 'sent'",
                [now, message.id],
            )
        elif outcome.state == "retry":
            tx.execute(
                "UPDATE notification_outbox SET state = 'retry', next_attempt_at = ?, "
                "last_error = ? WHERE id = ? AND state <> 'sent'",
                [now + backoff(message.attempts), error, message.id],
            )
        else:
            tx.execute(
                "UPDATE notification_outbox SET state = 'dead', next_attempt_at = NULL, "
                "last_error = ? WHERE id = ? AND state <> 'sent'",
                [error, message.id],
            )
    log.info("письмо %s → %s: %s", message.message_id, outcome.state, error or "принято")


def retry_dead_letter(store: Store, message_id: str, now: datetime) -> bool:
    """Put a dead letter back in the queue, due now, its error cleared; attempts are kept (its
    history). False if it is not dead (nothing changed). The admin service's retry_dead (with
    access check and audit) does the same; this one is for the CLI and tests."""
    with store.write() as tx:
        row = tx.execute(
            "SELECT state FROM notification_outbox WHERE message_id = ?", [message_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"Письмо {message_id} не найдено в очереди отправки.")
        if row[0] != "dead":
            return False
        tx.execute(
            "UPDATE notification_outbox SET state = 'retry', next_attempt_at = ?, "
            "last_error = NULL WHERE message_id = ? AND state = 'dead'",
            [now, message_id],
        )
    return True


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    """The email as sent: UTF-8 subject and text body, the row's fixed Message-ID."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient_email
    mail["Subject"] = message.subject
    message_id = message.message_id.strip()
    mail["Message-ID"] = message_id if message_id.startswith("<") else f"<{message_id}>"
    # The date the notification was written, not of this attempt: a resend is the same message.
    mail["Date"] = format_datetime(message.created_at.astimezone())
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to a robot
    # base64: safe for servers without 8BITMIME, and smaller than quoted-printable for Cyrillic.
    mail.set_content(message.body, charset="utf-8", cte="base64")
    return mail


def classify(exc: BaseException) -> Outcome:
    """What a failed send means: retry (transient) or dead (the server refused for good)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (0, b""))
        return _reply_outcome(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_outcome(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
        return Outcome("retry", f"соединение с SMTP-сервером прервано: {_describe(exc)}")
    # Anything else (e.g. a non-ASCII address the server cannot take) will not pass on retry.
    return Outcome("dead", _describe(exc))


def _reply_outcome(code: int, text: bytes | str) -> Outcome:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    reply = f"{code} {text}".strip()
    return Outcome("dead" if 500 <= code <= 599 else "retry", reply)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _open(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()  # certificates verified, unlike smtplib's default
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_s, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
    try:
        smtp.ehlo_or_helo_if_needed()
        if settings.starttls and not settings.use_ssl:
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            _login(smtp, settings.user, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    if (user + password).isascii():
        smtp.login(user, password)
        return
    # smtplib encodes credentials as ASCII and fails on a Cyrillic password; AUTH PLAIN carries
    # UTF-8 (RFC 4616), so send that by hand.
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("сервер не принимает AUTH PLAIN для пароля не в ASCII")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


class _Session:
    """The batch's one SMTP connection, opened at the first message. If it cannot be opened,
    every later message of the batch fails at once (no 10 s timeout per message)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.open_error: str | None = None

    def send(self, message: OutboxMessage) -> Outcome:
        if self.smtp is None:
            if self.open_error is not None:
                return Outcome("retry", self.open_error)
            try:
                self.smtp = _open(self.settings)
            except Exception as exc:  # unreachable, refused, TLS or login failed: all transient
                where = f"{self.settings.host}:{self.settings.port}"
                self.open_error = f"нет соединения с SMTP-сервером {where}: {_describe(exc)}"
                return Outcome("retry", self.open_error)
        try:
            self.smtp.send_message(
                build_message(message, self.settings.sender),
                from_addr=self.settings.envelope_sender,
                to_addrs=[message.recipient_email],
            )
        except Exception as exc:
            # smtplib closes the socket itself on 421 and on a lost connection: reconnect next.
            if self.smtp.sock is None or isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                self.close()
            return classify(exc)
        return Outcome("sent")

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except Exception:  # the server went away already: nothing to tell it
            smtp.close()
