"""Notification jobs: one status event, the outbox's due messages, the day's reminders.

Each is one op in one process (in-process executor: a notify run must start and finish in
seconds). SMTP settings and the app's address are read from the environment when the op runs
(ZAKAZ_SMTP_*, ZAKAZ_APP_URL; `zakaz up` sets them), never at import.
"""

from datetime import date

import dagster as dg

from ingest.notify.smtp_settings import SmtpSettings
from pipelines.notifications import (
    DELIVER_OP,
    EVENT_OP,
    NOTIFY_TAGS,
    REMINDERS_OP,
    NotifyReport,
    app_url_from_env,
    deliver_outbox,
    notify_event,
    notify_reminders,
    run_clock,
)
from pipelines.plant import ZakazPlant


class StatusEventConfig(dg.Config):
    event_id: int
    now: str = ""  # ISO date-time; empty = the run's clock


class ClockConfig(dg.Config):
    now: str = ""


class ReminderDayConfig(dg.Config):
    day: str  # YYYY-MM-DD: whose overdue items are reminded of
    now: str = ""


def _smtp() -> SmtpSettings | None:
    try:
        return SmtpSettings.from_env()
    except ValueError as exc:  # a typo in ZAKAZ_SMTP_*: one line, not a traceback
        raise dg.Failure(description=str(exc)) from None


def _log(context: dg.OpExecutionContext, report: NotifyReport) -> None:
    for line in report.lines():
        context.log.info(line)


@dg.op(name=EVENT_OP)
def process_and_deliver_status_event(
    context: dg.OpExecutionContext, config: StatusEventConfig, plant: ZakazPlant
) -> None:
    """The event's tasks and emails (idempotent), then delivery of what is due."""
    report = notify_event(
        plant.home, config.event_id, _smtp(), run_clock(config.now), app_url_from_env()
    )
    _log(context, report)


@dg.op(name=DELIVER_OP)
def deliver_due_messages(
    context: dg.OpExecutionContext, config: ClockConfig, plant: ZakazPlant
) -> None:
    """Messages due again after a failed attempt (or left by a run that died)."""
    _log(context, deliver_outbox(plant.home, _smtp(), run_clock(config.now)))


@dg.op(name=REMINDERS_OP)
def queue_and_deliver_daily_reminders(
    context: dg.OpExecutionContext, config: ReminderDayConfig, plant: ZakazPlant
) -> None:
    """Overdue tasks and payments: one email per owner per day, however often it runs."""
    try:
        day = date.fromisoformat(config.day)
    except ValueError:
        raise dg.Failure(
            description=f"day: ожидается дата ГГГГ-ММ-ДД, получено {config.day!r}"
        ) from None
    report = notify_reminders(plant.home, day, _smtp(), run_clock(config.now), app_url_from_env())
    _log(context, report)


@dg.job(
    name="notify_status_event",
    tags=NOTIFY_TAGS,
    executor_def=dg.in_process_executor,
    description="Tasks and emails of one status event (run_key status-event-<id>), then delivery.",
)
def notify_status_event():
    process_and_deliver_status_event()


@dg.job(
    name="deliver_outbox",
    tags=NOTIFY_TAGS,
    executor_def=dg.in_process_executor,
    description="Send the outbox's due messages (retries with backoff; 5xx → dead letter).",
)
def deliver_outbox_job():
    deliver_due_messages()


@dg.job(
    name="send_daily_reminders",
    tags=NOTIFY_TAGS,
    executor_def=dg.in_process_executor,
    description="Overdue tasks and planned payments: one email per owner per day.",
)
def send_daily_reminders():
    queue_and_deliver_daily_reminders()
