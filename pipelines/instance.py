"""The plant's Dagster instance home: {home}/dagster, so run history, sensor cursors and schedule
ticks live with the plant's data and survive restarts.

``ensure_dagster_home`` creates the folder with a dagster.yaml (unless one exists: an edited file
is never overwritten, an unedited one from an earlier release is brought up to date): telemetry
off, and a run queue that admits one refresh at a time (runs tagged zakaz/pipeline=refresh) while
notification runs (zakaz/pipeline=notify) pass beside it and are dequeued within a second.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.freshness import REFRESH_TAG_KEY, REFRESH_TAG_VALUE

DAGSTER_YAML = f"""\
# Dagster instance of one Zakaz plant (written by pipelines/instance.py; edit freely, it is
# never overwritten). Storage defaults to SQLite files in this folder.
telemetry:
  enabled: false

concurrency:
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      # One refresh at a time: a second one waits in the queue (see pipelines/freshness.py).
      # Notification runs (zakaz/pipeline=notify) are not held by it: they never wait behind dbt.
      - key: "{REFRESH_TAG_KEY}"
        value: "{REFRESH_TAG_VALUE}"
        limit: 1

run_queue:
  # A status change's email is due within seconds: look at the queue every second (default 5)
  # and launch queued runs side by side rather than one after another.
  dequeue_interval_seconds: 1
  dequeue_use_threads: true
  dequeue_num_workers: 4

run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  max_resume_run_attempts: 0

retention:
  schedule:
    purge_after_days:
      skipped: 1
      failure: 30
      success: 30
  sensor:
    purge_after_days:
      skipped: 1
      failure: 30
      success: -1
"""

# Files this module wrote in earlier releases: replaced by the current one, since nobody edited
# them (an edited file is never touched).
_ISSUE_4_YAML = f"""\
# Dagster instance of one Zakaz plant (written by pipelines/instance.py; edit freely, it is
# never overwritten). Storage defaults to SQLite files in this folder.
telemetry:
  enabled: false

concurrency:
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      # One refresh at a time: a second one waits in the queue (see pipelines/freshness.py).
      - key: "{REFRESH_TAG_KEY}"
        value: "{REFRESH_TAG_VALUE}"
        limit: 1

run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  max_resume_run_attempts: 0

retention:
  schedule:
    purge_after_days: 30
  sensor:
    purge_after_days:
      skipped: 1
      failure: 30
      success: -1
"""
PREVIOUS_DAGSTER_YAMLS = (_ISSUE_4_YAML,)


# SQLite files Dagster creates (and stamps with its schema version) on first use.
STORAGE_FILES = ("history/runs.db", "history/runs/index.db", "schedules/schedules.db")


def ensure_dagster_storage(path: Path) -> Path:
    """Create the instance's storage once, in this process: the webserver and the daemon, started
    together on a new plant, would otherwise both create it and may stamp the schema twice
    ("alembic_version has more than one head"), leaving an instance nobody can open."""
    ensure_dagster_home(path)
    if all((path / name).exists() for name in STORAGE_FILES):
        return path
    import dagster as dg

    with dg.DagsterInstance.from_config(str(path)):
        pass
    return path


def ensure_dagster_home(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists() or config.read_text(encoding="utf-8") in PREVIOUS_DAGSTER_YAMLS:
        tmp = config.with_name(".dagster.yaml.tmp")
        tmp.write_text(DAGSTER_YAML, encoding="utf-8")
        tmp.replace(config)
    return path
