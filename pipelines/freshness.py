"""When to refresh: the debounce rule of the store-change sensor and the no-overlap rule.

The sensor (defs/refresh/sensors.py) only gathers facts — the store's change marker
(pipelines.snapshot.store_marker: size and mtime of app.duckdb, no lock, no open) and whether a
refresh is already queued or running — and asks ``decide``; the rule itself is pure:

* a change is noticed when the marker differs from the one seen at the previous tick;
* a refresh is requested once no further change has been seen for ``quiet_s`` (a burst of saves
  gives one run), or ``max_wait_s`` after the first change not yet refreshed (a steady trickle of
  saves cannot postpone the refresh forever);
* never while a refresh is queued or running: the change stays pending and is requested at the
  first tick after that run ends;
* the run_key is derived from the marker, so a restarted daemon never requests the same change
  twice, and the cursor (``DebounceState``, JSON) survives restarts in the Dagster instance.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

QUIET_S = 30.0
MAX_WAIT_S = 120.0

# Every refresh run carries this tag: the instance's run queue admits one at a time
# (dagster.yaml, pipelines/instance.py) and the sensor and schedules skip while one is pending.
REFRESH_TAG_KEY = "zakaz/pipeline"
REFRESH_TAG_VALUE = "refresh"
REFRESH_TAGS = {REFRESH_TAG_KEY: REFRESH_TAG_VALUE}
PENDING_STATUSES = (
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
)
# A run "in progress" for longer than this was left behind by a killed process (a refresh takes
# minutes); it must not block refreshes forever.
STALE_AFTER = timedelta(hours=2)


@dataclass(frozen=True)
class DebounceState:
    """The sensor's cursor."""

    requested: str | None = None  # marker of the last change a refresh was requested for
    seen: str | None = None  # marker seen at the previous tick
    first_change_at: float | None = None  # epoch s: first change not yet requested
    last_change_at: float | None = None  # epoch s: when the marker last changed

    @property
    def pending(self) -> bool:
        return self.seen != self.requested

    def to_cursor(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_cursor(cls, cursor: str | None) -> DebounceState:
        if not cursor:
            return cls()
        try:
            return cls(**json.loads(cursor))
        except (TypeError, ValueError):  # a cursor from an older release: start afresh
            return cls()


@dataclass(frozen=True)
class Decision:
    state: DebounceState
    run_key: str | None  # request a refresh with this run_key; None = not now
    reason: str


def run_key_for(marker: str) -> str:
    return f"store-{marker}"


def decide(
    state: DebounceState,
    marker: str,
    now: float,
    *,
    busy: bool = False,
    quiet_s: float = QUIET_S,
    max_wait_s: float = MAX_WAIT_S,
) -> Decision:
    """The debounce rule (module docstring). ``now`` in epoch seconds; ``busy``: a refresh is
    queued or running."""
    if marker == state.requested:
        idle = DebounceState(requested=state.requested, seen=marker)
        return Decision(idle, None, "база не менялась с последнего запрошенного обновления")
    if marker != state.seen:
        first = state.first_change_at if state.pending and state.first_change_at else now
        state = replace(state, seen=marker, first_change_at=first, last_change_at=now)
    first = state.first_change_at if state.first_change_at is not None else now
    last = state.last_change_at if state.last_change_at is not None else now
    quiet_for, waiting_for = now - last, now - first
    if quiet_for < quiet_s and waiting_for < max_wait_s:
        return Decision(
            state,
            None,
            f"база изменилась {quiet_for:.0f} с назад; ждём {quiet_s:.0f} с тишины "
            f"(не дольше {max_wait_s:.0f} с с первого изменения)",
        )
    if busy:
        return Decision(state, None, "обновление уже идёт; изменения будут учтены после него")
    done = DebounceState(requested=marker, seen=marker)
    return Decision(done, run_key_for(marker), f"база изменилась: тишина {quiet_for:.0f} с")


CLI_TRIGGER = "cli"  # zakaz/trigger of the runs `zakaz run` executes in its own process


def cli_lock_is_free(lock: Path) -> bool:
    """True when no `zakaz run` holds the plant's refresh lock (so none is alive)."""
    if not lock.exists():
        return True
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def pending_refresh_runs(
    instance: dg.DagsterInstance,
    now: datetime | None = None,
    *,
    cli_alive: bool = True,
) -> list[dg.DagsterRun]:
    """Refresh runs queued or running. Ignored: runs stuck for longer than STALE_AFTER, and runs
    of `zakaz run` when ``cli_alive`` is False (its process holds the refresh lock for as long
    as it lives, so a free lock means the process was killed mid-run)."""
    now = now or datetime.now(UTC)
    records = instance.get_run_records(
        dg.RunsFilter(
            statuses=list(PENDING_STATUSES),
            tags=REFRESH_TAGS,
            created_after=now - STALE_AFTER,
        ),
        limit=10,
    )
    runs = [r.dagster_run for r in records]
    if not cli_alive:
        runs = [r for r in runs if r.tags.get("zakaz/trigger") != CLI_TRIGGER]
    return runs


def refresh_busy(instance: dg.DagsterInstance, refresh_lock: Path) -> bool:
    """A refresh is queued or running (a killed `zakaz run`'s leftover does not count)."""
    return bool(pending_refresh_runs(instance, cli_alive=not cli_lock_is_free(refresh_lock)))


def abandoned_cli_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """Runs of `zakaz run` still marked in progress; call while holding the refresh lock."""
    return [
        r
        for r in pending_refresh_runs(instance, now=None)
        if r.tags.get("zakaz/trigger") == CLI_TRIGGER
    ]


AUTO_REFRESH_VARIABLE = "ZAKAZ_AUTO_REFRESH"


def auto_refresh_off() -> dg.SkipReason | None:
    """Why the sensor and the schedules request nothing, when automatic refreshes are off
    (`zakaz up --no-auto-refresh`, or ZAKAZ_AUTO_REFRESH=0): a weak machine, a long import,
    a test that must not share its cores with rebuilds. `zakaz run` and a launch from the
    Dagster UI still refresh."""
    if os.environ.get(AUTO_REFRESH_VARIABLE, "").strip().lower() in ("0", "no", "off", "false"):
        return dg.SkipReason(f"автообновление выключено ({AUTO_REFRESH_VARIABLE}=0)")
    return None


def full_refresh_config() -> dict:
    """Run config of a full refresh: dbt rebuilds the warehouse from nothing."""
    return {"ops": {"dbt_models": {"config": {"full_refresh": True}}}}


def scheduled_refresh(
    scheduled_for: datetime, *, busy: bool, full_refresh: bool = False
) -> dg.RunRequest | dg.SkipReason:
    """A schedule's decision. The frequent refresh is skipped while another refresh is queued or
    running (it would only repeat it); the nightly full refresh is always queued — the run queue
    starts it when the running one ends (one refresh at a time, dagster.yaml)."""
    if busy and not full_refresh:
        return dg.SkipReason("обновление уже идёт или стоит в очереди")
    kind = "full" if full_refresh else "scheduled"
    return dg.RunRequest(
        run_key=f"{kind}-{scheduled_for.isoformat()}",
        run_config=full_refresh_config() if full_refresh else {},
        tags={"zakaz/trigger": kind},
    )


def sensor_request(marker: str, run_key: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key, tags={"zakaz/trigger": "store_change", "zakaz/store_marker": marker}
    )
