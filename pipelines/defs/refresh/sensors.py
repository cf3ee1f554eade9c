"""Freshness by data: refresh soon after the store changes (debounced, pipelines/freshness.py)."""

import time

import dagster as dg

from pipelines.defs.refresh.jobs import refresh_analytics
from pipelines.defs.resources import ZakazPlant
from pipelines.freshness import (
    DebounceState,
    auto_refresh_off,
    decide,
    refresh_busy,
    sensor_request,
)
from pipelines.snapshot import store_marker


@dg.sensor(
    name="refresh_when_store_changes",
    job=refresh_analytics,
    minimum_interval_seconds=15,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Watches app.duckdb's size and mtime (no lock, no open); requests a refresh once the "
        "store has been quiet for 30 s, or 2 minutes after the first unrefreshed change."
    ),
)
def refresh_when_store_changes(context: dg.SensorEvaluationContext, plant: ZakazPlant):
    if off := auto_refresh_off():
        return off
    app_db = plant.paths.app_db
    if not app_db.exists():
        return dg.SkipReason(f"завод не найден: {app_db}")
    state = DebounceState.from_cursor(context.cursor)
    marker = store_marker(app_db)
    busy = refresh_busy(context.instance, plant.paths.refresh_lock)
    decision = decide(state, marker, time.time(), busy=busy)
    context.update_cursor(decision.state.to_cursor())
    if decision.run_key is None:
        return dg.SkipReason(decision.reason)
    return sensor_request(marker, decision.run_key)
