"""The plant's Dagster instance home: {home}/dagster, so run history, sensor cursors and schedule
ticks live with the plant's data and survive restarts.

``ensure_dagster_home`` creates the folder with a dagster.yaml (unless one exists: an edited file
is never overwritten): telemetry off, and a run queue that admits one refresh at a time (runs
tagged zakaz/pipeline=refresh) while leaving room for other runs (notifications, later issues).
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


def ensure_dagster_home(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists():
        tmp = config.with_name(".dagster.yaml.tmp")
        tmp.write_text(DAGSTER_YAML, encoding="utf-8")
        tmp.replace(config)
    return path
