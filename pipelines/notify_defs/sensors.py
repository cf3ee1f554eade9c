"""Status events → one notify run each (pipelines/notifications.py has the rules).

The sensor reads event ids after its cursor in one short store read and the notify runs of the
last day from the Dagster instance; it requests runs and never sends email itself.
"""

from datetime import UTC, datetime

import dagster as dg

from ingest.notify.events import event_ids_after
from ingest.store import Store
from pipelines.notifications import (
    ATTEMPT_TAG,
    EVENT_TAG,
    EVENTS_PER_TICK,
    GAVE_UP,
    REDO_WINDOW,
    STALE_AFTER,
    EventRequest,
    events_to_redo,
    first_cursor,
    new_event_requests,
    notify_since_from_env,
    parse_cursor,
    run_facts,
    stale_runs,
)
from pipelines.notify_defs.jobs import notify_status_event
from pipelines.plant import ZakazPlant

UNFINISHED = [
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _facts(record: dg.RunRecord):
    run = record.dagster_run
    return run_facts(
        run.tags.get(EVENT_TAG),
        run.tags.get(ATTEMPT_TAG),
        run.status.value,
        record.update_timestamp or record.create_timestamp,
    )


def redo_requests(instance: dg.DagsterInstance, now: datetime) -> list[EventRequest]:
    """Events of the last day whose runs all failed, were cancelled or died with the daemon."""
    job = notify_status_event.name
    suspects = instance.get_run_records(
        dg.RunsFilter(job_name=job, statuses=UNFINISHED, created_after=now - REDO_WINDOW),
        limit=200,
    )
    suspect_facts = [f for f in map(_facts, suspects) if f is not None]
    if not any(f.status in GAVE_UP or stale_runs([f], now) for f in suspect_facts):
        return []  # the usual tick: nothing failed, nothing stuck
    facts, by_key = [], {}
    for event_id in sorted({f.event_id for f in suspect_facts}):
        for record in instance.get_run_records(
            dg.RunsFilter(job_name=job, tags={EVENT_TAG: str(event_id)})
        ):
            fact = _facts(record)
            if fact is not None:
                facts.append(fact)
                by_key[(fact.event_id, fact.attempt)] = record.dagster_run
    stale = stale_runs(facts, now)
    for fact in stale:  # keep the UI truthful: that run is not running any more
        instance.report_run_failed(
            by_key[(fact.event_id, fact.attempt)],
            f"процесс запуска пропал (остановлен вместе с демоном?) — больше {STALE_AFTER} "
            "без изменений; событие будет обработано повторно",
        )
    return events_to_redo(facts, now, stale)


@dg.sensor(
    name="notify_on_status_events",
    job=notify_status_event,
    # The daemon evaluates sensors at most every 5 s anyway; below that, every loop ticks.
    minimum_interval_seconds=3,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "One notify run per new status event (run_key status-event-<id>); events whose run "
        "failed or died are requested again. Never sends email itself."
    ),
)
def notify_on_status_events(context: dg.SensorEvaluationContext, plant: ZakazPlant):
    store = Store.open(plant.home)
    if not store.exists():
        return dg.SkipReason(f"завод не найден: {store.db_path}")
    after = parse_cursor(context.cursor)
    if after is None:  # first tick: the plant's history is not announced again
        after = first_cursor(store, notify_since_from_env())
        context.log.info(f"отсчёт начат: события до №{after} были до запуска уведомлений")
    new, cursor = new_event_requests(event_ids_after(store, after, EVENTS_PER_TICK))
    requests = [*new, *redo_requests(context.instance, datetime.now(UTC))]
    run_requests = [
        dg.RunRequest(run_key=r.run_key, run_config=r.run_config, tags=r.tags) for r in requests
    ]
    return dg.SensorResult(
        run_requests=run_requests,
        skip_reason=None if run_requests else "новых событий нет",
        cursor=str(cursor if cursor is not None else after),
    )
