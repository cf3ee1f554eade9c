"""What the notification sensor and schedules request: real ticks on a real Dagster instance
(the plant's dagster.yaml, SQLite storage) against a private copy of the demo plant, and the
pure rules behind them (pipelines/notifications.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from pipeline_plant import copy_plant

from ingest.service.desk import Desk
from ingest.service.status import change_status
from pipelines.notifications import (
    EVENT_OP,
    EVENT_TAG,
    MAX_ATTEMPTS,
    NOTIFY_TAG_KEY,
    REDO_PAUSE,
    STALE_AFTER,
    EventRequest,
    RunFacts,
    app_url_from_env,
    event_run_key,
    events_to_redo,
    new_event_requests,
    notify_since_from_env,
    parse_cursor,
    reminder_day,
    run_clock,
    stale_runs,
)

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


# --- the pure rules -------------------------------------------------------------------------


def test_the_cursor_is_the_last_requested_event_id():
    assert parse_cursor(None) is None  # first tick: take the plant's history as seen
    assert parse_cursor("") is None
    assert parse_cursor('{"old": "cursor"}') is None
    assert parse_cursor("12875") == 12875
    requests, cursor = new_event_requests([12878, 12876, 12877, 12877])
    assert [r.event_id for r in requests] == [12876, 12877, 12878] and cursor == 12878
    assert new_event_requests([]) == ([], None)


def test_one_run_per_event_named_by_its_id():
    request = EventRequest(42)
    assert request.run_key == event_run_key(42) == "status-event-42"
    assert request.run_config == {"ops": {EVENT_OP: {"config": {"event_id": 42, "now": ""}}}}
    assert request.tags[EVENT_TAG] == "42" and request.tags[NOTIFY_TAG_KEY] == "notify"
    assert request.tags["zakaz/pipeline"] != "refresh"  # never held by the refresh limit
    assert EventRequest(42, 3).run_key == "status-event-42-retry-3"


def _run(event: int, attempt: int, status: str, minutes_ago: float) -> RunFacts:
    return RunFacts(event, attempt, status, T0 - timedelta(minutes=minutes_ago))


def test_an_event_is_requested_again_only_when_every_run_of_it_gave_up():
    runs = [
        _run(1, 1, "SUCCESS", 5),
        _run(2, 1, "FAILURE", 5),
        _run(3, 1, "FAILURE", 5),
        _run(3, 2, "STARTED", 1),  # its retry is running
        _run(4, 1, "CANCELED", 5),
        _run(4, 2, "SUCCESS", 4),
        _run(5, 1, "FAILURE", REDO_PAUSE.total_seconds() / 120),  # failed a moment ago
        _run(6, MAX_ATTEMPTS, "FAILURE", 5),  # out of attempts: left for the admin
    ]
    assert events_to_redo(runs, T0) == [EventRequest(2, 2)]


def test_a_run_left_started_by_a_killed_daemon_is_stale_and_redone():
    stuck = _run(7, 1, "STARTED", STALE_AFTER.total_seconds() / 60 + 1)
    fresh = _run(8, 1, "STARTED", 1)
    assert stale_runs([stuck, fresh], T0) == [stuck]
    assert events_to_redo([stuck, fresh], T0, stale=[stuck]) == [EventRequest(7, 2)]


def test_the_app_url_and_the_run_clock_come_from_the_run_not_the_import():
    assert app_url_from_env({}) == "http://127.0.0.1:8501"
    assert app_url_from_env({"ZAKAZ_APP_URL": "http://plant:8080/ "}) == "http://plant:8080"
    assert run_clock("2026-11-28T11:00:00") == datetime(2026, 11, 28, 11, 0)
    assert notify_since_from_env({"ZAKAZ_NOTIFY_SINCE": "2026-11-28T11:00:00"}) == datetime(
        2026, 11, 28, 11, 0
    )
    assert notify_since_from_env({}) is None
    assert notify_since_from_env({"ZAKAZ_NOTIFY_SINCE": "вчера"}) is None
    assert abs((run_clock("") - datetime.now()).total_seconds()) < 5
    with pytest.raises(ValueError, match="ISO"):
        run_clock("вчера")


def test_the_reminders_day_is_the_date_in_moscow():
    eight_in_moscow = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    assert reminder_day(eight_in_moscow, "Europe/Moscow").isoformat() == "2026-11-28"
    late_utc = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)  # 01:00 on the 28th in Moscow
    assert reminder_day(late_utc, "Europe/Moscow").isoformat() == "2026-11-28"


# --- real ticks ------------------------------------------------------------------------------


@pytest.fixture
def plant(demo_home, tmp_path):
    return copy_plant(demo_home, tmp_path / "plant")


@pytest.fixture
def instance(tmp_path):
    from pipelines.instance import ensure_dagster_home

    inst = dg.DagsterInstance.from_config(str(ensure_dagster_home(tmp_path / "dagster")))
    try:
        yield inst
    finally:
        inst.dispose()


@pytest.fixture
def plant_resource(plant):
    from pipelines.plant import ZakazPlant

    return ZakazPlant(home=str(plant.paths.home), as_of="")


def tick(instance, plant_resource, cursor: str | None) -> dg.SensorResult:
    from pipelines.notify_defs.sensors import notify_on_status_events

    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"plant": plant_resource}
    )
    return notify_on_status_events(context)


def own_order(store, status: str) -> tuple[int, str]:
    """(order id, sales manager's login) of an order in `status`."""
    with store.read() as conn:
        return conn.execute(
            "SELECT o.id, u.login FROM orders o JOIN users u ON u.id = o.sales_manager_id "
            "WHERE o.status = ? AND u.role = 'sales' AND u.is_active ORDER BY o.id LIMIT 1",
            [status],
        ).fetchone()


def move(store, status: str, to: str) -> int:
    order_id, login = own_order(store, status)
    with Desk(store, login).writing() as a:
        return change_status(a, order_id, to)


def test_first_tick_takes_the_history_as_seen_then_one_run_per_change(
    instance, plant, plant_resource, monkeypatch
):
    monkeypatch.delenv("ZAKAZ_NOTIFY_SINCE", raising=False)
    with plant.read() as conn:
        (last,) = conn.execute("SELECT max(id) FROM status_events").fetchone()
    first = tick(instance, plant_resource, None)
    assert first.run_requests == [] and first.cursor == str(last)

    event_id = move(plant, "quote_sent", "agreed")
    assert event_id > last
    second = tick(instance, plant_resource, first.cursor)
    assert [r.run_key for r in second.run_requests] == [f"status-event-{event_id}"]
    request = second.run_requests[0]
    assert request.run_config["ops"][EVENT_OP]["config"]["event_id"] == event_id
    assert request.tags[EVENT_TAG] == str(event_id)
    assert request.tags["zakaz/pipeline"] == "notify"
    assert second.cursor == str(event_id)

    third = tick(instance, plant_resource, second.cursor)
    assert third.run_requests == [] and third.cursor == str(event_id)
    assert "новых событий нет" in third.skip_reason.skip_message


def test_a_change_saved_while_the_daemon_started_is_not_taken_for_history(
    instance, plant, plant_resource, monkeypatch
):
    """`zakaz up` sets ZAKAZ_NOTIFY_SINCE to its start: the very first tick requests what was
    saved since, and nothing older (the demo's history has no emails to send)."""
    monkeypatch.setenv("ZAKAZ_NOTIFY_SINCE", datetime.now().isoformat(timespec="seconds"))
    event_id = move(plant, "quote_sent", "agreed")
    first = tick(instance, plant_resource, None)
    assert [r.run_key for r in first.run_requests] == [f"status-event-{event_id}"]
    assert first.cursor == str(event_id)


def test_several_changes_between_ticks_give_one_run_each_in_order(instance, plant, plant_resource):
    cursor = tick(instance, plant_resource, None).cursor
    ids = [move(plant, "quote_sent", "agreed") for _ in range(3)]
    result = tick(instance, plant_resource, cursor)
    assert [r.run_key for r in result.run_requests] == [f"status-event-{i}" for i in ids]
    assert result.cursor == str(ids[-1])


def _notify_run(instance, event_id: int, attempt: int, status: dg.DagsterRunStatus):
    from dagster._core.test_utils import create_run_for_test

    request = EventRequest(event_id, attempt)
    return create_run_for_test(
        instance, job_name="notify_status_event", status=status, tags=request.tags
    )


def test_a_failed_run_is_requested_again_and_a_stuck_one_marked_failed(instance):
    from pipelines.notify_defs.sensors import redo_requests

    now = datetime.now(UTC)
    assert redo_requests(instance, now) == []
    _notify_run(instance, 101, 1, dg.DagsterRunStatus.SUCCESS)
    _notify_run(instance, 102, 1, dg.DagsterRunStatus.FAILURE)
    stuck = _notify_run(instance, 103, 1, dg.DagsterRunStatus.STARTED)
    assert redo_requests(instance, now) == []  # 102 failed a moment ago; 103 may be running

    later = now + STALE_AFTER + timedelta(minutes=1)
    assert redo_requests(instance, later) == [EventRequest(102, 2), EventRequest(103, 2)]
    assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.FAILURE

    _notify_run(instance, 102, 2, dg.DagsterRunStatus.NOT_STARTED)
    _notify_run(instance, 103, 2, dg.DagsterRunStatus.SUCCESS)
    assert redo_requests(instance, later) == []


# --- the schedules ------------------------------------------------------------------------


def _queue_message(store, next_attempt_at: datetime, state: str = "retry") -> None:
    with store.write() as tx:
        (new_id,) = tx.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM notification_outbox"
        ).fetchone()
        tx.execute(
            "INSERT INTO notification_outbox (id, message_id, kind, recipient_email, subject, "
            "body, state, attempts, next_attempt_at, created_at) "
            "VALUES (?, ?, 'status', 'ivanov@zakaz.local', 'т', 'т', ?, 1, ?, ?)",
            [new_id, f"<t{new_id}@test>", state, next_attempt_at, next_attempt_at],
        )


def test_the_retry_schedule_runs_only_when_messages_wait(instance, plant, plant_resource):
    from pipelines.notify_defs.schedules import deliver_outbox_every_minute

    assert deliver_outbox_every_minute.cron_schedule == "* * * * *"
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=T0, resources={"plant": plant_resource}
    )
    assert isinstance(deliver_outbox_every_minute(context), dg.SkipReason)
    _queue_message(plant, datetime.now() + timedelta(minutes=5))  # not due yet
    assert isinstance(deliver_outbox_every_minute(context), dg.SkipReason)
    _queue_message(plant, datetime.now() - timedelta(minutes=5))
    request = deliver_outbox_every_minute(context)
    assert isinstance(request, dg.RunRequest)
    assert request.run_key == f"deliver-{T0.isoformat()}"


def test_the_reminders_schedule_names_the_day(instance):
    from pipelines.notify_defs.schedules import daily_reminders_at_0800

    assert daily_reminders_at_0800.cron_schedule == "0 8 * * *"
    assert daily_reminders_at_0800.execution_timezone == "Europe/Moscow"
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    )
    request = daily_reminders_at_0800(context)
    assert request.run_key == "reminders-2026-11-28"
    config = request.run_config["ops"]["queue_and_deliver_daily_reminders"]["config"]
    assert config["day"] == "2026-11-28"


def test_the_notify_code_location_has_the_notification_objects():
    from pipelines.notify_definitions import defs as d

    job = d.resolve_job_def("notify_status_event")
    assert job.tags["zakaz/pipeline"] == "notify"
    assert d.resolve_sensor_def("notify_on_status_events").minimum_interval_seconds <= 5
    assert d.resolve_schedule_def("daily_reminders_at_0800").job_name == "send_daily_reminders"
    assert d.resolve_schedule_def("deliver_outbox_every_minute").job_name == "deliver_outbox"


def test_the_analytics_location_leaves_notifications_to_the_notify_location():
    """Both locations run in one daemon: a sensor in each would request every event twice."""
    from pipelines.definitions import defs
    from pipelines.warehouse import prepare_manifest

    prepare_manifest()  # the analytics location reads the dbt manifest (made by `dbt parse`)
    analytics = defs()
    names = {s.name for s in analytics.sensors or []}
    assert "notify_on_status_events" not in names
    assert "refresh_when_store_changes" in names  # the analytics keeps its own sensor


def test_the_notify_location_loads_without_dbt():
    """Its runs start in a fresh process each: importing dbt there costs seconds of latency."""
    code = (
        "import sys, pipelines.notify_definitions as m; m.defs.resolve_all_job_defs(); "
        "heavy = sorted(n for n in sys.modules if n.split('.')[0] in ('dbt', 'dagster_dbt', "
        "'polars', 'pipelines.warehouse') or n == 'pipelines.warehouse'); print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_the_run_queue_checks_every_second_and_old_dagster_yamls_are_brought_up_to_date(tmp_path):
    from pipelines.instance import DAGSTER_YAML, PREVIOUS_DAGSTER_YAMLS, ensure_dagster_home

    old = tmp_path / "old"
    old.mkdir()
    (old / "dagster.yaml").write_text(PREVIOUS_DAGSTER_YAMLS[0], encoding="utf-8")
    assert (ensure_dagster_home(old) / "dagster.yaml").read_text(encoding="utf-8") == DAGSTER_YAML
    edited = tmp_path / "edited"
    edited.mkdir()
    (edited / "dagster.yaml").write_text(PREVIOUS_DAGSTER_YAMLS[0] + "# mine\n", encoding="utf-8")
    ensure_dagster_home(edited)
    assert (edited / "dagster.yaml").read_text(encoding="utf-8").endswith("# mine\n")

    with dg.DagsterInstance.from_config(str(old)) as inst:
        coordinator = inst.run_coordinator
        assert coordinator.dequeue_interval_seconds == 1
        limits = inst.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert limits == [{"key": "zakaz/pipeline", "value": "refresh", "limit": 1}]
