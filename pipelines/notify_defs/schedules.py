"""Notifications by the clock: retries of the outbox every minute, reminders every morning."""

from datetime import datetime, timedelta

import dagster as dg

from ingest.store import Store
from pipelines.notifications import (
    DELIVER_OP,
    IN_PROGRESS,
    REMINDERS_OP,
    STALE_AFTER,
    reminder_day,
    waiting_messages,
)
from pipelines.notify_defs.jobs import deliver_outbox_job, send_daily_reminders
from pipelines.plant import ZakazPlant

TIMEZONE = "Europe/Moscow"
# A message queued a moment ago is being sent by its event's run: not the retry job's business.
GRACE = timedelta(minutes=1)


def _delivery_running(instance: dg.DagsterInstance) -> bool:
    records = instance.get_run_records(
        dg.RunsFilter(
            job_name=deliver_outbox_job.name,
            statuses=[dg.DagsterRunStatus(s) for s in IN_PROGRESS],
            created_after=datetime.now().astimezone() - STALE_AFTER,
        ),
        limit=1,
    )
    return bool(records)


@dg.schedule(
    name="deliver_outbox_every_minute",
    cron_schedule="* * * * *",
    execution_timezone=TIMEZONE,
    job=deliver_outbox_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Every minute: if messages are due again (a retry after a connection error or a 4xx, or "
        "left by a run that died), a run delivers them; otherwise the tick is skipped."
    ),
)
def deliver_outbox_every_minute(context: dg.ScheduleEvaluationContext, plant: ZakazPlant):
    store = Store.open(plant.home)
    if not store.exists():
        return dg.SkipReason(f"завод не найден: {store.db_path}")
    waiting = waiting_messages(store, datetime.now(), GRACE)
    if not waiting:
        return dg.SkipReason("писем к отправке нет")
    if _delivery_running(context.instance):
        return dg.SkipReason("отправка уже идёт")
    when = context.scheduled_execution_time
    return dg.RunRequest(
        run_key=f"deliver-{when.isoformat()}",
        run_config={"ops": {DELIVER_OP: {"config": {"now": ""}}}},
        tags={"zakaz/trigger": "retry", "zakaz/waiting": str(waiting)},
    )


def reminders_request(scheduled_for: datetime) -> dg.RunRequest:
    day = reminder_day(scheduled_for, TIMEZONE).isoformat()
    return dg.RunRequest(
        run_key=f"reminders-{day}",
        run_config={"ops": {REMINDERS_OP: {"config": {"day": day, "now": ""}}}},
        tags={"zakaz/trigger": "daily", "zakaz/day": day},
    )


@dg.schedule(
    name="daily_reminders_at_0800",
    cron_schedule="0 8 * * *",
    execution_timezone=TIMEZONE,
    job=send_daily_reminders,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="08:00 Moscow time: overdue tasks and planned payments, one email per owner.",
)
def daily_reminders_at_0800(context: dg.ScheduleEvaluationContext):
    return reminders_request(context.scheduled_execution_time)
