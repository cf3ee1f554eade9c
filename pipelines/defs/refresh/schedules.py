"""Freshness by the clock: every 10 minutes in working hours, and a nightly full refresh."""

import dagster as dg

from pipelines.defs.refresh.jobs import refresh_analytics
from pipelines.defs.resources import ZakazPlant
from pipelines.freshness import auto_refresh_off, refresh_busy, scheduled_refresh

TIMEZONE = "Europe/Moscow"


@dg.schedule(
    name="refresh_every_10_minutes_working_hours",
    cron_schedule="*/10 8-19 * * 1-5",
    execution_timezone=TIMEZONE,
    job=refresh_analytics,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Mon-Fri 08:00-19:50 Moscow time, every 10 minutes (skipped while one runs).",
)
def refresh_every_10_minutes_working_hours(
    context: dg.ScheduleEvaluationContext, plant: ZakazPlant
):
    if off := auto_refresh_off():
        return off
    busy = refresh_busy(context.instance, plant.paths.refresh_lock)
    return scheduled_refresh(context.scheduled_execution_time, busy=busy)


@dg.schedule(
    name="full_refresh_nightly_at_0200",
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    job=refresh_analytics,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 Moscow time: rebuild the warehouse from nothing.",
)
def full_refresh_nightly_at_0200(context: dg.ScheduleEvaluationContext):
    if off := auto_refresh_off():
        return off
    return scheduled_refresh(context.scheduled_execution_time, busy=False, full_refresh=True)
