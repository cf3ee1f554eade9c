"""A warm `zakaz run` that forks one refresh per request, for the pipeline kill test.

    python pipeline_forker.py HOME AS_OF

Loading the code (Dagster, dbt, the definitions, the manifest) costs 10-20 s of every `zakaz run`;
paid once here, each request forks a child (in a process group of its own, so the test can
SIGKILL it with its dbt subprocess). Requests on stdin, one per line:

    full       run_refresh(HOME, AS_OF) — exactly what `zakaz run` runs once loaded: snapshot →
               pricing → dbt → publish with every check
    snapshot   the same job restricted to snapshots/app_snapshot (and its checks)
    pricing    ... to the two pricing assets (and their check; a snapshot must exist)
    publish    ... to published/marts (the warehouse must exist)

A restricted run executes the same steps under the same refresh lock and tags as `zakaz run`,
and a kill in it leaves the same files behind; it only spares the ~300 "planned" events (one
per asset and dbt test) Dagster writes when it creates a full run, 5-15 s on 2 cores.

Answers on stdout: `ready` once loaded, `child PID` per request, then `exit CODE` when the child
ends (0: the run succeeded with every check; a negative CODE: the signal that killed it).
"""

import os
import sys
import threading
import traceback
from datetime import date
from pathlib import Path

import dagster as dg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pipelines.freshness import CLI_TRIGGER, abandoned_cli_runs
from pipelines.paths import PipelinePaths
from pipelines.refresh import (
    load_job,
    refresh_lock,
    run_config,
    run_refresh,
    set_pipeline_environment,
)
from pipelines.warehouse import (
    ORDER_PRICING_KEY,
    PRICED_ORDER_LINES_KEY,
    PUBLISHED_KEY,
    SNAPSHOT_KEY,
    prepare_manifest,
)

SELECTIONS = {
    "snapshot": [SNAPSHOT_KEY],
    "pricing": [PRICED_ORDER_LINES_KEY, ORDER_PRICING_KEY],
    "publish": [PUBLISHED_KEY],
}

home, as_of = Path(sys.argv[1]), date.fromisoformat(sys.argv[2])
paths = PipelinePaths.at(home)
set_pipeline_environment(paths, as_of)


@dg.op
def _nothing() -> None:
    pass


@dg.job
def _warm_up() -> None:
    _nothing()


def full() -> int:
    return 0 if run_refresh(home, as_of).ok else 1


def restricted(selection: list[dg.AssetKey]) -> int:
    """run_refresh's steps for a selection of assets (its lock, its clean-up, its tags)."""
    with refresh_lock(paths):
        for run in abandoned_cli_runs(instance):  # we hold the lock: their process is gone
            instance.report_run_failed(run, "процесс zakaz run завершился, не закончив запуск")
        result = load_job().execute_in_process(
            instance=instance,
            asset_selection=selection,
            raise_on_error=False,
            run_config=run_config(False),
            tags={"zakaz/trigger": CLI_TRIGGER},
        )
    checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    return 0 if result.success and all(c.passed for c in checks) else 1


prepare_manifest()
load_job()  # imports every module of the code location; the children start from here
# The plant's instance, made (and its storage checked) once: restricted runs use it. It holds no
# open connection between calls (SQLite, a new connection each time), so a child may use it.
instance = dg.DagsterInstance.get()
abandoned_cli_runs(instance)
_warm_up.execute_in_process()  # Dagster's execution machinery (an ephemeral instance)
# fork() copies only the calling thread: a lock held by another thread would stay held forever.
assert threading.active_count() == 1, threading.enumerate()
print("ready", flush=True)

for line in sys.stdin:
    request = line.strip()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)  # dbt, its child, goes with it when the test kills the group
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # stdout is the test's channel
        code = 3
        try:
            code = full() if request == "full" else restricted(SELECTIONS[request])
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    try:
        os.setpgid(pid, pid)  # also here: the test may kill the group before the child ran
    except OSError:  # the child did it first (or has already ended)
        pass
    print(f"child {pid}", flush=True)
    _, status = os.waitpid(pid, 0)
    print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)
