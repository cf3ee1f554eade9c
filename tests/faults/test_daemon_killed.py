"""The notification daemon SIGKILLed 20 times (with its code server and run workers) while status
changes keep coming: each event still gets exactly its tasks and one e-mail per recipient.

The real `dagster-daemon` of the `zakaz_notify` location (notify_daemon.py) sends to the product's
sink (aiosmtpd, Maildir, on a free port). The kills come in three kinds, in turn: at a varied
uptime (starting, loading the location, ticking, launching), while a notify run is executing,
and right after the sink accepted an e-mail of a run's batch (mid-send: the message may be
accepted and not yet recorded as sent). After the last kill the daemon runs undisturbed until
every event is done.

Two clocks of the product are advanced in that last period instead of waited for: a run left
"started" by a killed worker is redone by the sensor once it is 10 minutes old (STALE_AFTER),
and a message claimed by a killed run is sent again once its 5-minute lease ends. The test calls
the sensor's own redo_requests with its clock 10 minutes ahead (which marks those runs failed;
the running daemon then requests the redo 20 s later, as it would), and deliver_due with the
clock past the lease (what deliver_outbox_every_minute does then). Everything else is the daemon.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from notify_daemon import APP_URL, CountingSink, Daemon, StatusChanges, start_sink
from processes import free_port

from ingest.access import load_matrix
from ingest.notify.events import load_event
from ingest.notify.outbox import LEASE, deliver_due
from ingest.notify.rules import (
    load_email_rules,
    load_open_tasks,
    load_order,
    load_people,
    load_task_rules,
    plan_event,
)
from ingest.notify.sink import read_mailbox
from ingest.notify.smtp_settings import SmtpSettings
from ingest.notify.templates import load_templates
from ingest.store import Store
from pipelines.notifications import ATTEMPT_TAG, EVENT_TAG, STALE_AFTER
from pipelines.notify_defs.sensors import redo_requests

KILLS = 20
# Between two status changes: ~10 events, ~65 e-mails. Each notify run is a new process; on the
# CI machine (2 cores, the other test files busy) ~15 events left a backlog that took the last
# daemon over 7 minutes to launch, so the pace is slower than that.
PACE_S = (20.0, 32.0)
REQUESTED_TIMEOUT_S = 420
# A run left "starting" by a slow launch is failed by run monitoring (180 s + its 2-minute poll)
# and then redone: one such round trip must fit.
FINAL_TIMEOUT_S = 600


def _since(store: Store) -> datetime:
    """Notifications start after the demo's history, even on a machine whose clock is earlier."""
    with store.read() as conn:
        (last,) = conn.execute("SELECT max(changed_at) FROM status_events").fetchone()
    return max(datetime.now(), last + timedelta(minutes=1)).replace(microsecond=0)


def _runs_by_event(instance: dg.DagsterInstance) -> dict[int, list[str]]:
    """Event → the statuses of its notify runs, as "STATUS/attempt"."""
    found: dict[int, list[str]] = {}
    for record in instance.get_run_records(dg.RunsFilter(job_name="notify_status_event")):
        run = record.dagster_run
        tag = run.tags.get(EVENT_TAG)
        if tag and tag.isdigit():
            found.setdefault(int(tag), []).append(f"{run.status.value}/{run.tags.get(ATTEMPT_TAG)}")
    return found


def _unfinished(instance: dg.DagsterInstance, events: list[int]) -> dict[int, list[str]]:
    runs = _runs_by_event(instance)
    return {
        e: runs.get(e, [])
        for e in events
        if not any(r.startswith("SUCCESS") for r in runs.get(e, []))
    }


def _failure_reasons(instance: dg.DagsterInstance, events) -> dict[str, str]:
    """Run (first 8 characters) of a failed run of these events → its last error message."""
    reasons = {}
    for record in instance.get_run_records(
        dg.RunsFilter(job_name="notify_status_event", statuses=[dg.DagsterRunStatus.FAILURE])
    ):
        run = record.dagster_run
        if run.tags.get(EVENT_TAG, "").isdigit() and int(run.tags[EVENT_TAG]) in events:
            messages = [e.message for e in instance.all_logs(run.run_id) if e.message]
            reasons[run.run_id[:8]] = messages[-1][:300] if messages else "?"
    return reasons


def _unfinished_report(instance: dg.DagsterInstance, events: list[int]) -> str:
    unfinished = _unfinished(instance, events)
    return (
        f"events without a successful run: {unfinished}; "
        f"why their runs failed: {_failure_reasons(instance, unfinished)}"
    )


def _wait(condition, timeout_s: float, what, daemon: Daemon) -> None:
    """Poll until condition() is true; `what` says (or a callable tells) what was missing."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert daemon.process.poll() is None, f"the daemon ended:\n{daemon.tail()}"
        if time.monotonic() > deadline:
            detail = what() if callable(what) else what
            raise AssertionError(f"after {timeout_s} s: {detail}\n{daemon.tail(15)}")
        time.sleep(1.0)


def _planned(store: Store, event_ids: list[int]) -> dict[int, tuple[set, set]]:
    """Per event: (rule keys of its tasks, Message-IDs of its e-mails) as the rules plan them."""
    planned = {}
    with store.read() as conn:
        people, templates = load_people(conn, load_matrix(conn)), load_templates(conn)
        for event_id in event_ids:
            event = load_event(conn, event_id)
            order = load_order(conn, event.order_id)
            plan = plan_event(
                event, order, load_task_rules(conn, event.to_status),
                load_email_rules(conn, event.to_status), people, templates,
                load_open_tasks(conn, order.id), APP_URL,
            )  # fmt: skip
            planned[event_id] = ({t.rule_key for t in plan.tasks},
                                 {m.message_id for m in plan.emails})  # fmt: skip
    return planned


def _outcome(store: Store, event_ids: list[int]) -> tuple[dict, dict]:
    """(event → task rule keys as a Counter, Message-ID → (event, state, attempts))."""
    with store.read() as conn:
        tasks = conn.execute(
            "SELECT event_id, rule_key FROM tasks WHERE list_contains(?, event_id)", [event_ids]
        ).fetchall()
        outbox = conn.execute(
            "SELECT message_id, event_id, state, attempts FROM notification_outbox "
            "WHERE list_contains(?, event_id)",
            [event_ids],
        ).fetchall()
    by_event: dict[int, Counter] = {}
    for event_id, rule_key in tasks:
        by_event.setdefault(event_id, Counter())[rule_key] += 1
    return by_event, {m: (e, s, n) for m, e, s, n in outbox}


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_the_daemon_killed_20_times_loses_and_doubles_no_task_and_no_email(shm_plant, tmp_path):
    home = shm_plant
    store = Store.open(home)
    since = _since(store)
    offset = since - datetime.now() + timedelta(seconds=1)
    port = free_port()
    sink = CountingSink(home / "mail")
    controller = start_sink(sink, port)
    daemon = Daemon(home, port, since, tmp_path)
    changes = StatusChanges(home, lambda: datetime.now() + offset, PACE_S)
    rng = random.Random(2026)
    kills: list[dict] = []
    started = time.monotonic()
    try:
        changes.start()
        for cycle in range(KILLS):
            daemon.start()
            sent_before = sink.accepted()
            deadline = time.monotonic() + 30  # about one status change
            if cycle % 3 == 1:  # a notify run in flight (starting, processing or sending)
                while not daemon.run_workers() and time.monotonic() < deadline:
                    time.sleep(0.1)
                time.sleep(rng.uniform(0.0, 2.5))
            elif cycle % 3 == 2:  # a run in the middle of its batch of e-mails
                while sink.accepted() == sent_before and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, 0.2))
            else:  # anywhere: starting, loading the location, ticking, launching
                time.sleep(rng.uniform(1.0, 12.0))
            mid_send = cycle % 3 == 2 and sink.accepted() > sent_before
            kills.append(
                {"uptime": daemon.uptime(), "runs": daemon.run_workers(), "mid_send": mid_send}
            )
            daemon.kill()
            assert changes.error is None, changes.error
        kills_s = time.monotonic() - started

        changes.stop.set()
        changes.join(30)
        assert changes.error is None, changes.error
        events = list(changes.events)
        assert events, "no status change was saved"
        final_started, final_t0 = datetime.now(UTC), time.monotonic()
        daemon.start()  # the undisturbed period
        phases = {}
        with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
            _wait(lambda: set(events) <= set(_runs_by_event(instance)), REQUESTED_TIMEOUT_S,
                  "the sensor has not requested every event", daemon)  # fmt: skip
            phases["all requested"] = time.monotonic() - final_t0
            left_by_kills = Counter(
                r.split("/")[0] for e in events for r in _runs_by_event(instance)[e]
            )
            # The runs the kills left "started": failed now, as the sensor does 10 minutes on.
            redo_requests(instance, final_started + STALE_AFTER + timedelta(seconds=1))
            _wait(
                lambda: not _unfinished(instance, events), FINAL_TIMEOUT_S,
                lambda: _unfinished_report(instance, events),
                daemon,
            )  # fmt: skip
            phases["all succeeded"] = time.monotonic() - final_t0
            runs = _runs_by_event(instance)
        # Messages claimed by a killed run: sent after the lease, as the retry schedule would.
        later = datetime.now() + LEASE + timedelta(minutes=1)
        settings = SmtpSettings("127.0.0.1", port, sender="Заказ <zakaz@zakaz.local>")
        after_lease = deliver_due(store, settings, later).sent
        _wait(
            lambda: all(s == "sent" for _, s, _ in _outcome(store, events)[1].values()),
            120, "messages not sent", daemon,
        )  # fmt: skip
        phases["all sent"] = time.monotonic() - final_t0
        daemon.kill()
    finally:
        changes.stop.set()
        if daemon.process is not None and daemon.process.poll() is None:
            daemon.kill()
        controller.stop()
    total_s = time.monotonic() - started

    planned = _planned(store, events)
    tasks, outbox = _outcome(store, events)
    for event_id, (rule_keys, message_ids) in planned.items():
        assert tasks.get(event_id, Counter()) == Counter(rule_keys), f"tasks of {event_id}"
        queued = {m for m, (e, _, _) in outbox.items() if e == event_id}
        assert queued == message_ids, f"e-mails of event {event_id}"
    expected = set().union(*(ids for _, ids in planned.values()))
    stored = Counter(m.message_id for m in read_mailbox(home / "mail", limit=100_000))
    from_events = Counter({m: n for m, n in stored.items() if m.startswith("<zakaz.event-")})
    assert set(from_events) == expected  # none missing, none of another event
    assert all(n == 1 for n in from_events.values())  # the mailbox holds each once
    resent = {m: n for m, n in sink.deliveries.items() if m in expected and n > 1}
    assert all(outbox[m][2] >= 2 for m in resent)  # only a message claimed twice went twice
    print(
        f"\n{KILLS} daemon kills in {kills_s:.0f} s, total {total_s:.0f} s; status events "
        f"{len(events)}, tasks {sum(sum(c.values()) for c in tasks.values())}, e-mails "
        f"{len(expected)}; kills with a run in flight "
        f"{sum(1 for k in kills if k['runs'])} (mid-send {sum(k['mid_send'] for k in kills)}), "
        f"uptimes at the kill "
        f"{sorted(round(k['uptime'], 1) for k in kills)}; notify runs per event "
        f"{Counter(len(runs[e]) for e in events)}; sent after the lease {after_lease}; "
        f"accepted twice by SMTP (stored once) {len(resent)}; runs of the events when the last "
        f"daemon started {dict(left_by_kills)}; last period (s) "
        f"{ {k: round(v) for k, v in phases.items()} }"
    )
