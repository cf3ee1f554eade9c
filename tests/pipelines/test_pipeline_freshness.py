"""When a refresh is requested: the debounce rule, the store's change marker, one real sensor
tick and the schedules, each against a real Dagster instance."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import dagster as dg
import pytest
from pipeline_plant import AS_OF, copy_plant

from pipelines.freshness import (
    CLI_TRIGGER,
    MAX_WAIT_S,
    QUIET_S,
    REFRESH_TAGS,
    DebounceState,
    abandoned_cli_runs,
    decide,
    pending_refresh_runs,
    refresh_busy,
    run_key_for,
    scheduled_refresh,
)
from pipelines.snapshot import store_marker

T0 = 1_800_000_000.0


# --- the debounce rule (pure) -----------------------------------------------------------------


def test_a_change_waits_for_quiet_then_requests_one_run():
    state = DebounceState(requested="m1", seen="m1")
    noticed = decide(state, "m2", T0)
    assert noticed.run_key is None and noticed.state.first_change_at == T0
    still = decide(noticed.state, "m2", T0 + QUIET_S - 1)
    assert still.run_key is None
    fired = decide(still.state, "m2", T0 + QUIET_S)
    assert fired.run_key == run_key_for("m2") == "store-m2"
    assert fired.state == DebounceState(requested="m2", seen="m2")
    idle = decide(fired.state, "m2", T0 + 3600)
    assert idle.run_key is None and idle.state == fired.state


def test_a_burst_of_changes_gives_one_run_after_the_last():
    state = DebounceState(requested="m0", seen="m0")
    for i in range(1, 4):  # a save every 10 s
        state = decide(state, f"m{i}", T0 + 10 * i).state
        assert decide(state, f"m{i}", T0 + 10 * i + 5).run_key is None
    assert state.first_change_at == T0 + 10 and state.last_change_at == T0 + 30
    fired = decide(state, "m3", T0 + 30 + QUIET_S)
    assert fired.run_key == "store-m3"


def test_a_steady_trickle_cannot_postpone_the_refresh_past_max_wait():
    state = DebounceState(requested="m0", seen="m0")
    t, i, fired = T0, 0, None
    while fired is None:
        i += 1
        t += QUIET_S / 2  # always changed again before the store is quiet
        decision = decide(state, f"m{i}", t)
        state, fired = decision.state, decision.run_key
        assert t - T0 <= MAX_WAIT_S + QUIET_S / 2
    assert fired == f"store-m{i}" and t - (T0 + QUIET_S / 2) >= MAX_WAIT_S


def test_no_run_while_a_refresh_is_running_and_the_change_stays_pending():
    state = decide(DebounceState(requested="m0", seen="m0"), "m1", T0).state
    held = decide(state, "m1", T0 + 300, busy=True)
    assert held.run_key is None and "идёт" in held.reason
    assert held.state.pending
    assert decide(held.state, "m1", T0 + 315).run_key == "store-m1"


def test_a_fresh_cursor_requests_the_first_build_after_quiet():
    first = decide(DebounceState(), "m1", T0)
    assert first.run_key is None
    assert decide(first.state, "m1", T0 + QUIET_S).run_key == "store-m1"


def test_the_cursor_round_trips_and_a_foreign_cursor_starts_afresh():
    state = DebounceState(requested="a", seen="b", first_change_at=T0, last_change_at=T0 + 1)
    assert DebounceState.from_cursor(state.to_cursor()) == state
    assert DebounceState.from_cursor(None) == DebounceState()
    assert DebounceState.from_cursor('{"old": 1}') == DebounceState()
    assert DebounceState.from_cursor("not json") == DebounceState()


# --- the change marker ----------------------------------------------------------------------


def test_the_marker_changes_with_a_write_and_not_with_a_read(demo_home, tmp_path):
    store = copy_plant(demo_home, tmp_path / "plant")
    before = store_marker(store.db_path)
    with store.read() as conn:
        conn.execute("SELECT count(*) FROM orders").fetchall()
    assert store_marker(store.db_path) == before
    with store.write() as tx:
        tx.execute("UPDATE orders SET comment = 'changed' WHERE id = 1")
    assert store_marker(store.db_path) != before


# --- one real sensor tick and the schedules on a real instance -------------------------------


@pytest.fixture
def instance(tmp_path):
    """A plant's Dagster instance as `zakaz run` makes it (its dagster.yaml, SQLite storage)."""
    from pipelines.instance import ensure_dagster_home

    home = ensure_dagster_home(tmp_path / "dagster")
    inst = dg.DagsterInstance.from_config(str(home))
    try:
        yield inst
    finally:
        inst.dispose()


@pytest.fixture
def plant_resource(demo_home):
    from pipelines.plant import ZakazPlant

    return ZakazPlant(home=str(demo_home), as_of=AS_OF.isoformat())


def _started_refresh(instance, **tags: str) -> dg.DagsterRun:
    from dagster._core.test_utils import create_run_for_test

    return create_run_for_test(
        instance,
        job_name="refresh_analytics",
        status=dg.DagsterRunStatus.STARTED,
        tags={**REFRESH_TAGS, **tags},
    )


def test_one_real_sensor_tick_requests_a_refresh_for_a_quiet_change(
    instance, plant_resource, demo_home
):
    from pipelines.defs.refresh.sensors import refresh_when_store_changes

    marker = store_marker(demo_home / "app.duckdb")
    first = dg.build_sensor_context(instance=instance, resources={"plant": plant_resource})
    result = refresh_when_store_changes(first)
    assert isinstance(result, dg.SkipReason) and "ждём" in result.skip_message
    cursor = DebounceState.from_cursor(first.cursor)
    assert cursor.seen == marker and cursor.pending

    # The same change, seen a minute ago: quiet long enough.
    old = DebounceState(seen=marker, first_change_at=cursor.first_change_at - 60,
                        last_change_at=cursor.last_change_at - 60)  # fmt: skip
    tick = dg.build_sensor_context(
        instance=instance, cursor=old.to_cursor(), resources={"plant": plant_resource}
    )
    request = refresh_when_store_changes(tick)
    assert isinstance(request, dg.RunRequest)
    assert request.run_key == f"store-{marker}"
    assert request.tags["zakaz/trigger"] == "store_change"
    assert DebounceState.from_cursor(tick.cursor) == DebounceState(requested=marker, seen=marker)

    # While a refresh is running nothing is requested, and the change stays pending.
    _started_refresh(instance)
    assert len(pending_refresh_runs(instance)) == 1
    busy = dg.build_sensor_context(
        instance=instance, cursor=old.to_cursor(), resources={"plant": plant_resource}
    )
    held = refresh_when_store_changes(busy)
    assert isinstance(held, dg.SkipReason) and "идёт" in held.skip_message
    assert DebounceState.from_cursor(busy.cursor).pending


def test_the_working_hours_schedule_skips_while_a_refresh_runs(instance, plant_resource):
    from pipelines.defs.refresh.schedules import (
        full_refresh_nightly_at_0200,
        refresh_every_10_minutes_working_hours,
    )

    assert refresh_every_10_minutes_working_hours.cron_schedule == "*/10 8-19 * * 1-5"
    assert refresh_every_10_minutes_working_hours.execution_timezone == "Europe/Moscow"
    assert full_refresh_nightly_at_0200.cron_schedule == "0 2 * * *"
    when = datetime(2026, 11, 27, 9, 10, tzinfo=UTC)
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=when, resources={"plant": plant_resource}
    )
    request = refresh_every_10_minutes_working_hours(context)
    assert isinstance(request, dg.RunRequest) and request.run_key.startswith("scheduled-")

    nightly = full_refresh_nightly_at_0200(context)
    assert nightly.run_config["ops"]["dbt_models"]["config"]["full_refresh"] is True

    _started_refresh(instance)
    assert isinstance(refresh_every_10_minutes_working_hours(context), dg.SkipReason)
    assert isinstance(full_refresh_nightly_at_0200(context), dg.RunRequest)  # queued behind it


def test_no_auto_refresh_makes_the_sensor_and_schedules_request_nothing(
    instance, plant_resource, demo_home, monkeypatch
):
    from pipelines.defs.refresh.schedules import (
        full_refresh_nightly_at_0200,
        refresh_every_10_minutes_working_hours,
    )
    from pipelines.defs.refresh.sensors import refresh_when_store_changes
    from pipelines.freshness import AUTO_REFRESH_VARIABLE
    from zakaz.commands import up

    assert up.AUTO_REFRESH_VARIABLE == AUTO_REFRESH_VARIABLE  # what `zakaz up` sets
    marker = store_marker(demo_home / "app.duckdb")
    quiet = DebounceState(seen=marker, first_change_at=time.time() - 600,
                          last_change_at=time.time() - 600)  # fmt: skip
    when = datetime(2026, 11, 27, 9, 10, tzinfo=UTC)

    def decisions():
        tick = dg.build_sensor_context(
            instance=instance, cursor=quiet.to_cursor(), resources={"plant": plant_resource}
        )
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=when, resources={"plant": plant_resource}
        )
        return [refresh_when_store_changes(tick), refresh_every_10_minutes_working_hours(context),
                full_refresh_nightly_at_0200(context)]  # fmt: skip

    monkeypatch.setenv(AUTO_REFRESH_VARIABLE, "0")
    off = decisions()
    assert all(isinstance(d, dg.SkipReason) for d in off), off
    assert all("автообновление выключено" in d.skip_message for d in off)
    monkeypatch.setenv(AUTO_REFRESH_VARIABLE, "1")
    assert all(isinstance(d, dg.RunRequest) for d in decisions())  # the same ticks, switched on


def test_a_killed_zakaz_run_does_not_block_refreshes(instance, tmp_path):
    """`zakaz run` holds the plant's refresh lock while it lives: a run it left "started" with
    the lock free was abandoned by a killed process."""
    import fcntl
    import os

    lock = tmp_path / ".refresh.lock"
    _started_refresh(instance, **{"zakaz/trigger": CLI_TRIGGER})
    assert not refresh_busy(instance, lock)  # no lock file: no zakaz run alive
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a live `zakaz run`
        assert refresh_busy(instance, lock)
    finally:
        os.close(fd)
    assert not refresh_busy(instance, lock)
    assert [r.tags["zakaz/trigger"] for r in abandoned_cli_runs(instance)] == [CLI_TRIGGER]
    _started_refresh(instance)  # a daemon-launched refresh always counts
    assert refresh_busy(instance, lock)


def test_scheduled_refresh_decision_is_pure():
    when = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert isinstance(scheduled_refresh(when, busy=True), dg.SkipReason)
    full = scheduled_refresh(when, busy=True, full_refresh=True)
    assert full.run_key == f"full-{when.isoformat()}" and full.tags["zakaz/trigger"] == "full"
