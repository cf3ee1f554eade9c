"""Notifications in Dagster: what the status-event sensor requests, and what a notify run does.

The sensor (notify_defs/sensors.py, in the light code location of notify_definitions.py) only
gathers facts — the ids of the status events after its cursor (one short store read) and the
notify runs of the last day in the Dagster instance — and asks the pure functions here what
to request:

* one run per new event, run_key ``status-event-<id>``: a restarted daemon never requests an
  event twice, and the cursor (the last requested id) survives restarts in the instance;
* on its very first tick the sensor only notes where to start: the plant's history (the demo
  has thousands of events) is not re-announced, but events saved since the first ``zakaz up`` on
  the plant started (ZAKAZ_NOTIFY_SINCE, kept in the Dagster home) are — a change made while the
  daemon was still starting, or before a killed daemon's first tick, is not lost;
* an event whose run failed, was cancelled or was left "started" by a killed process (no notify
  run takes STALE_AFTER) is requested again (``status-event-<id>-retry-<n>``, at most
  MAX_ATTEMPTS runs per event): processing is idempotent per event (ingest.notify.events), so a
  repeat adds nothing that is already there, and nothing is lost.

A run (``notify_event``) writes the event's tasks and queues its emails in one store transaction
(process_status_event), then delivers what is due (deliver_due). With no SMTP configured the
messages stay pending; they go out once ZAKAZ_SMTP_HOST is set (the every-minute delivery).
Email is only ever sent from a run, never from the sensor (architecture.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ingest.notify.events import EventOutcome, process_status_event
from ingest.notify.outbox import DeliveryReport, deliver_due
from ingest.notify.reminders import queue_daily_reminders
from ingest.notify.smtp_settings import SmtpSettings
from ingest.store import Store
from pipelines.freshness import REFRESH_TAG_KEY

DEFAULT_APP_URL = "http://127.0.0.1:8501"

# Notification runs carry zakaz/pipeline=notify: the run queue's one-refresh-at-a-time limit
# (dagster.yaml, pipelines/instance.py) is on zakaz/pipeline=refresh, so they never wait behind a
# dbt refresh; the priority puts them ahead of any queued refresh.
NOTIFY_TAG_KEY = REFRESH_TAG_KEY
NOTIFY_TAG_VALUE = "notify"
NOTIFY_TAGS = {NOTIFY_TAG_KEY: NOTIFY_TAG_VALUE, "dagster/priority": "10"}
EVENT_TAG = "zakaz/status_event"
ATTEMPT_TAG = "zakaz/attempt"

EVENTS_PER_TICK = 100
MAX_ATTEMPTS = 5  # runs per event, the first included
STALE_AFTER = timedelta(minutes=10)  # a notify run takes seconds; this one's process is gone
REDO_WINDOW = timedelta(days=1)  # how far back the sensor looks for failed runs
REDO_PAUSE = timedelta(seconds=20)  # after a failure, before the next attempt

EVENT_OP = "process_and_deliver_status_event"
DELIVER_OP = "deliver_due_messages"
REMINDERS_OP = "queue_and_deliver_daily_reminders"


# --- the sensor's decisions (pure) ---------------------------------------------------------


def parse_cursor(cursor: str | None) -> int | None:
    """The last event id the sensor requested; None before its first tick (or for a cursor it
    cannot read, which is then taken afresh)."""
    if cursor is None or not cursor.strip().isdigit():
        return None
    return int(cursor.strip())


def event_run_key(event_id: int, attempt: int = 1) -> str:
    base = f"status-event-{event_id}"
    return base if attempt <= 1 else f"{base}-retry-{attempt}"


def event_run_config(event_id: int, now: str = "") -> dict:
    """Run config of notify_status_event for one event (``now``: ISO time for tests, else
    the run's clock)."""
    return {"ops": {EVENT_OP: {"config": {"event_id": event_id, "now": now}}}}


def event_run_tags(event_id: int, attempt: int = 1) -> dict[str, str]:
    return {**NOTIFY_TAGS, EVENT_TAG: str(event_id), ATTEMPT_TAG: str(attempt)}


@dataclass(frozen=True)
class EventRequest:
    """One run to request: (event, attempt) -> run_key, run config and tags."""

    event_id: int
    attempt: int = 1

    @property
    def run_key(self) -> str:
        return event_run_key(self.event_id, self.attempt)

    @property
    def run_config(self) -> dict:
        return event_run_config(self.event_id)

    @property
    def tags(self) -> dict[str, str]:
        return event_run_tags(self.event_id, self.attempt)


def new_event_requests(ids: Iterable[int]) -> tuple[list[EventRequest], int | None]:
    """A request per new event id, oldest first, and the cursor after them (None: unchanged)."""
    ordered = sorted(set(ids))
    return [EventRequest(i) for i in ordered], (ordered[-1] if ordered else None)


@dataclass(frozen=True)
class RunFacts:
    """What the sensor needs to know of one notify run from the Dagster instance."""

    event_id: int
    attempt: int
    status: str  # DagsterRunStatus value: QUEUED, STARTED, SUCCESS, FAILURE, CANCELED ...
    updated_at: datetime  # when its status last changed (UTC)


IN_PROGRESS = frozenset({"QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"})
GAVE_UP = frozenset({"FAILURE", "CANCELED"})


def stale_runs(runs: Iterable[RunFacts], now: datetime) -> list[RunFacts]:
    """Runs still "in progress" long after any notify run would have finished: their process
    was killed with the daemon (nobody will ever mark them), so they are failed and redone."""
    return [
        r
        for r in runs
        if r.status in ("STARTING", "STARTED", "CANCELING") and now - r.updated_at > STALE_AFTER
    ]


def events_to_redo(
    runs: Iterable[RunFacts], now: datetime, stale: Iterable[RunFacts] = ()
) -> list[EventRequest]:
    """Events whose every run so far ended without success (failed, cancelled, or stale): the
    next attempt, at least REDO_PAUSE after the last one ended and at most MAX_ATTEMPTS runs."""
    stale_keys = {(r.event_id, r.attempt) for r in stale}
    by_event: dict[int, list[RunFacts]] = {}
    for run in runs:
        by_event.setdefault(run.event_id, []).append(run)
    redo = []
    for event_id, event_runs in sorted(by_event.items()):
        if any(r.status == "SUCCESS" for r in event_runs):
            continue
        live = [
            r
            for r in event_runs
            if r.status in IN_PROGRESS and (r.event_id, r.attempt) not in stale_keys
        ]
        if live:
            continue
        attempts = max(r.attempt for r in event_runs)
        last_end = max(r.updated_at for r in event_runs)
        if attempts < MAX_ATTEMPTS and now - last_end >= REDO_PAUSE:
            redo.append(EventRequest(event_id, attempts + 1))
    return redo


def run_facts(event_tag: str | None, attempt_tag: str | None, status: str, updated_at: datetime):
    """RunFacts from a run's tags, or None for a run without a readable event tag."""
    if not event_tag or not event_tag.isdigit():
        return None
    attempt = int(attempt_tag) if attempt_tag and attempt_tag.isdigit() else 1
    return RunFacts(int(event_tag), attempt, status, updated_at)


# --- what a run does -----------------------------------------------------------------------


def app_url_from_env(env: Mapping[str, str] | None = None) -> str:
    """Links in the emails point here (`zakaz up` sets ZAKAZ_APP_URL)."""
    env = os.environ if env is None else env
    return (env.get("ZAKAZ_APP_URL") or "").strip().rstrip("/") or DEFAULT_APP_URL


def reminder_day(scheduled_for: datetime, timezone: str) -> date:
    """Whose day the reminders are for: the schedule's date where it runs (Moscow, 08:00)."""
    return scheduled_for.astimezone(ZoneInfo(timezone)).date()


def run_clock(now_text: str | None) -> datetime:
    """The run's "now": naive local time like every store timestamp; a run config may fix it
    (ISO text) to replay or test a given moment."""
    if now_text and now_text.strip():
        try:
            return datetime.fromisoformat(now_text.strip())
        except ValueError:
            raise ValueError(f"now: ожидается дата и время ISO, получено {now_text!r}") from None
    return datetime.now()


@dataclass(frozen=True)
class NotifyReport:
    outcome: EventOutcome | None
    queued: int  # messages new in the outbox (event or reminders)
    delivery: DeliveryReport
    smtp: SmtpSettings | None
    seconds: tuple[float, float] = (0.0, 0.0)  # writing the tasks and messages; delivering

    def lines(self) -> list[str]:
        """What the run's log says, in Russian, one fact per line."""
        lines = []
        o = self.outcome
        if o is not None:
            if o.skipped:
                lines.append(f"событие пропущено: {o.skipped}")
            lines.append(
                f"задач создано: {o.tasks_created}, закрыто: {o.tasks_closed}; "
                f"писем в очереди новых: {o.messages_queued}"
            )
            if o.recipients_without_email:
                lines.append(f"получателей без адреса почты: {o.recipients_without_email}")
        else:
            lines.append(f"писем в очереди новых: {self.queued}")
        lines.append(delivery_line(self.delivery, self.smtp))
        lines.append(f"время: запись {self.seconds[0]:.2f} с, отправка {self.seconds[1]:.2f} с")
        return lines


def delivery_line(report: DeliveryReport, smtp: SmtpSettings | None) -> str:
    if smtp is None:
        return "SMTP не настроен (ZAKAZ_SMTP_HOST не задан): письма ждут в очереди отправки"
    return (
        f"отправка через {smtp.describe()}: отправлено {report.sent}, "
        f"отложено {report.retried}, отказано {report.dead}"
    )


def deliver(store: Store, smtp: SmtpSettings | None, now: datetime) -> DeliveryReport:
    """Everything due now; nothing (and no error) when SMTP is not configured."""
    if smtp is None:
        return DeliveryReport()
    return deliver_due(store, smtp, now)


def notify_event(
    home, event_id: int, smtp_settings: SmtpSettings | None, now: datetime, app_url: str
) -> NotifyReport:
    """One notify run: the event's tasks and emails (idempotent), then delivery of what is due
    (this event's messages and any other due ones)."""
    store = Store.open(home)
    started = time.perf_counter()
    outcome = process_status_event(store, event_id, now, app_url)
    written = time.perf_counter()
    report = deliver(store, smtp_settings, now)
    seconds = (written - started, time.perf_counter() - written)
    return NotifyReport(outcome, outcome.messages_queued, report, smtp_settings, seconds)


def notify_reminders(
    home, day: date, smtp_settings: SmtpSettings | None, now: datetime, app_url: str
) -> NotifyReport:
    """The day's reminders (one email per owner per day, however often it runs), then delivery."""
    store = Store.open(home)
    started = time.perf_counter()
    queued = queue_daily_reminders(store, day, now, app_url)
    written = time.perf_counter()
    report = deliver(store, smtp_settings, now)
    seconds = (written - started, time.perf_counter() - written)
    return NotifyReport(None, queued, report, smtp_settings, seconds)


def deliver_outbox(home, smtp_settings: SmtpSettings | None, now: datetime) -> NotifyReport:
    started = time.perf_counter()
    report = deliver(Store.open(home), smtp_settings, now)
    return NotifyReport(None, 0, report, smtp_settings, (0.0, time.perf_counter() - started))


# --- small reads for the sensor and the schedules ------------------------------------------


def notify_since_from_env(env: Mapping[str, str] | None = None) -> datetime | None:
    """When `zakaz up` started (naive local time, like the store's); None if unset or unreadable
    (then the first tick starts after the newest event)."""
    env = os.environ if env is None else env
    try:
        return datetime.fromisoformat(env.get("ZAKAZ_NOTIFY_SINCE", "").strip())
    except ValueError:
        return None


def first_cursor(store: Store, since: datetime | None) -> int:
    """The first tick's cursor: the newest event saved before ``since`` (all of them if None)."""
    with store.read() as conn:
        if since is None:
            row = conn.execute("SELECT coalesce(max(id), 0) FROM status_events").fetchone()
        else:
            row = conn.execute(
                "SELECT coalesce(max(id), 0) FROM status_events WHERE changed_at < ?", [since]
            ).fetchone()
    return row[0]


def waiting_messages(store: Store, now: datetime, grace: timedelta = timedelta(0)) -> int:
    """Outbox messages due for (another) attempt at ``now`` that have waited at least ``grace``
    (a fresh one is being sent by its event's run)."""
    with store.read() as conn:
        return conn.execute(
            "SELECT count(*) FROM notification_outbox WHERE state IN ('pending', 'retry') "
            "AND coalesce(next_attempt_at, created_at) <= ?",
            [now - grace],
        ).fetchone()[0]
