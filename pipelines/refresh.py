"""One refresh without the daemon: what ``zakaz run`` does.

    report = run_refresh(home, as_of)      # RefreshReport: stages, checks, the failure if any

It runs the code location's own ``refresh_analytics`` job in this process against the plant's
Dagster instance ({home}/dagster), so the run shows up in ``dagster dev`` like any other, then
reads the run's event log for each stage's time and row count and each check's outcome.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg

from ingest.store import PlantNotFoundError, Store
from pipelines.freshness import (
    CLI_TRIGGER,
    abandoned_cli_runs,
    full_refresh_config,
    pending_refresh_runs,
)
from pipelines.instance import ensure_dagster_home
from pipelines.paths import PipelinePaths

JOB_NAME = "refresh_analytics"


class RefreshBusyError(RuntimeError):
    """Another refresh of this plant is queued or running."""


@dataclass
class Stage:
    step: str
    assets: list[str]
    seconds: float | None
    status: str  # success | failure | skipped
    rows: int | None = None
    detail: str = ""
    metadata: dict[str, object] = field(default_factory=dict)  # of a one-asset step
    checks: int = 0  # checks evaluated inside the step (dbt's data tests)


@dataclass
class CheckOutcome:
    name: str
    asset: str
    passed: bool
    severity: str  # ERROR | WARN
    description: str = ""


@dataclass
class RefreshReport:
    run_id: str
    success: bool
    seconds: float  # the whole of run_refresh
    prepare_seconds: float  # dbt parse (when needed) and loading the definitions
    stages: list[Stage] = field(default_factory=list)
    checks: list[CheckOutcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per failed step or check

    @property
    def failed_checks(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed and c.severity == "ERROR"]

    @property
    def warnings(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed and c.severity == "WARN"]

    @property
    def ok(self) -> bool:
        return self.success and not self.failed_checks


def set_pipeline_environment(paths: PipelinePaths, as_of: date | None) -> None:
    """What the code location's resources and Dagster read (dg.EnvVar, DAGSTER_HOME)."""
    os.environ["ZAKAZ_HOME"] = str(paths.home)
    os.environ["ZAKAZ_AS_OF"] = as_of.isoformat() if as_of else ""
    os.environ["DAGSTER_HOME"] = str(ensure_dagster_home(paths.dagster_home))


@contextmanager
def refresh_lock(paths: PipelinePaths) -> Iterator[None]:
    """One `zakaz run` per plant at a time (the daemon's runs are kept apart by the run queue)."""
    paths.pipeline_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.refresh_lock, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshBusyError("обновление этого завода уже выполняется (zakaz run)") from None
        yield
    finally:
        os.close(fd)


def load_job() -> dg.JobDefinition:
    from pipelines.definitions import defs

    return defs().resolve_job_def(JOB_NAME)


def run_refresh(
    home: str | os.PathLike | None, as_of: date | None, *, full_refresh: bool = False
) -> RefreshReport:
    paths = PipelinePaths.at(home)
    if not Store.open(paths.home).exists():
        raise PlantNotFoundError(str(paths.app_db))
    set_pipeline_environment(paths, as_of)
    started = time.perf_counter()
    from pipelines.warehouse import prepare_manifest

    prepare_manifest()  # DbtPrepareError: one line, the caller shows it
    job = load_job()
    instance = dg.DagsterInstance.get()
    prepare_seconds = time.perf_counter() - started
    with refresh_lock(paths):
        for run in abandoned_cli_runs(instance):  # we hold the lock: their process is gone
            instance.report_run_failed(run, "процесс zakaz run завершился, не закончив запуск")
        pending = pending_refresh_runs(instance)
        if pending:
            raise RefreshBusyError(
                f"обновление уже идёт или стоит в очереди Dagster (run {pending[0].run_id[:8]})"
            )
        # dbt's progress lines go to stdout (compute logs under the daemon): here, to a file.
        with paths.run_log.open("w", encoding="utf-8") as log, redirect_stdout(log):
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config=run_config(full_refresh),
                tags={"zakaz/trigger": CLI_TRIGGER},
            )
    report = report_from_logs(
        instance.all_logs(result.run_id), result.run_id, result.success, step_assets(job)
    )
    report.seconds = time.perf_counter() - started
    report.prepare_seconds = prepare_seconds
    return report


def run_config(full_refresh: bool) -> dict:
    """The terminal shows zakaz's own summary; Dagster's log stays in the run's event log."""
    config: dict = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    if full_refresh:
        config.update(full_refresh_config())
    return config


def _first_line(text: str | None) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[0] if lines else ""


def failure_message(failure_data) -> str:
    """The user-facing line of a step failure: a dg.Failure's description, else the innermost
    cause's first line (no traceback)."""
    if failure_data is None:
        return "неизвестная ошибка"
    user = failure_data.user_failure_data
    if user is not None and user.description:
        return _first_line(user.description)
    error = failure_data.error
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "неизвестная ошибка"
    return _first_line(error.message) or error.cls_name or "неизвестная ошибка"


def step_assets(job: dg.JobDefinition) -> dict[str, list[str]]:
    """Step (op) name -> the asset keys it materializes."""
    return {
        a.node_def.name: [k.to_user_string() for k in a.keys]
        for a in job.asset_layer.asset_graph.assets_defs
        if a.is_executable and a.keys
    }


def report_from_logs(
    entries, run_id: str, success: bool, planned: dict[str, list[str]] | None = None
) -> RefreshReport:
    """Pure over the event log: stages (one per step that materializes assets) and checks.
    ``planned``: step -> asset keys, to name a step that failed before materializing."""
    planned = planned or {}
    starts: dict[str, float] = {}
    ends: dict[str, tuple[float, str]] = {}
    assets: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    metadata: dict[str, dict[str, object]] = {}
    checks_in_step: dict[str, int] = {}
    step_errors: dict[str, str] = {}
    checks: list[CheckOutcome] = []
    check_steps: set[str] = set()
    order: list[str] = []
    for entry in entries:
        event = entry.dagster_event
        if event is None:
            continue
        step = event.step_key
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            starts[step] = entry.timestamp
            order.append(step)
        elif kind == dg.DagsterEventType.STEP_SUCCESS:
            ends[step] = (entry.timestamp, "success")
        elif kind == dg.DagsterEventType.STEP_FAILURE:
            ends[step] = (entry.timestamp, "failure")
            step_errors[step] = failure_message(event.step_failure_data)
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            mat = event.event_specific_data.materialization
            assets.setdefault(step, []).append(mat.asset_key.to_user_string())
            metadata[step] = {
                k: v.value for k, v in mat.metadata.items() if isinstance(v.value, int | str)
            }
            count = mat.metadata.get("dagster/row_count")
            if count is not None and isinstance(count.value, int):
                rows[step] = rows.get(step, 0) + count.value
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = event.event_specific_data
            check_steps.add(step)
            checks_in_step[step] = checks_in_step.get(step, 0) + 1
            checks.append(
                CheckOutcome(
                    name=ev.check_name,
                    asset=ev.asset_key.to_user_string(),
                    passed=ev.passed,
                    severity=ev.severity.value,
                    description=_first_line(ev.description),
                )
            )
    stages = []
    for step in order:
        end, status = ends.get(step, (None, "skipped"))
        seconds = end - starts[step] if end is not None else None
        is_check_step = step not in assets and step not in planned
        if is_check_step and (status == "success" or step in check_steps):
            continue  # a check step: reported with the checks
        step_assets = assets.get(step) or planned.get(step, [])
        stages.append(
            Stage(
                step,
                step_assets,
                seconds,
                status,
                rows.get(step),
                step_errors.get(step, ""),
                metadata.get(step, {}) if len(step_assets) == 1 else {},
                checks_in_step.get(step, 0),
            )
        )
    # A failed check is the cause of its step's failure (blocking checks, dbt tests): first.
    failures = [
        f"проверка {c.name} ({c.asset}) не пройдена: {c.description}"
        for c in checks
        if not c.passed and c.severity == "ERROR"
    ]
    failures += [f"шаг {_step_name(s)}: {s.detail}" for s in stages if s.status == "failure"]
    return RefreshReport(run_id, success, 0.0, 0.0, stages, checks, failures)


def _step_name(stage: Stage) -> str:
    if len(stage.assets) == 1:
        return stage.assets[0]
    return stage.step


def published_file(home: str | os.PathLike) -> Path:
    return PipelinePaths.at(home).published_marts
