"""The ``zakaz_notify`` code location: status events → tasks and emails, outbox retries, daily
reminders. Run by ``zakaz up`` next to the ``zakaz`` analytics location (pipelines/workspace.yaml).

A separate location because every notify run is a new process that loads its location first:
this one imports Dagster and the store only — no dbt, no manifest — and loads in ~0.3 s instead
of ~3.5 s, which is most of the gap between a status save and the email (docs/notifications.md).
"""

import dagster as dg

from pipelines.notify_defs.jobs import deliver_outbox_job, notify_status_event, send_daily_reminders
from pipelines.notify_defs.schedules import daily_reminders_at_0800, deliver_outbox_every_minute
from pipelines.notify_defs.sensors import notify_on_status_events
from pipelines.plant import plant_from_env

defs = dg.Definitions(
    jobs=[notify_status_event, deliver_outbox_job, send_daily_reminders],
    sensors=[notify_on_status_events],
    schedules=[deliver_outbox_every_minute, daily_reminders_at_0800],
    resources={"plant": plant_from_env()},
)
