"""Load and soak: sales managers saving orders while the pipeline rebuilds and dashboards refresh.

    .venv/bin/python bench/soak.py [--writers 8] [--readers 2] [--duration 60] [--scale 1]
                                   [--home DIR] [--think-ms 0] [--min-runs 0] [--json]

Builds a demo plant (`zakaz init --demo`, as of --as-of) in a temporary folder, or uses --home
(made there if missing). Then, all at once, for --duration seconds of writing:
- --writers processes, each a different sales manager (reused when there are fewer), saving
  orders through the service layer as the pages do (soak_parts/writer.py), each save timed and
  journaled once it returned;
- `zakaz run` back to back (soak_parts/pipeline_loop.py);
- --readers processes refreshing the Overview, Payments and order-list pages
  (soak_parts/readers.py).
--min-runs N keeps writing past --duration until N pipeline runs have ended and the readers have
shown two analytics page views since (30 s at most). Then the store is checked against every journal
(soak_parts/verify.py) and the figures are printed.

Exit 1 when an entry is lost (or an order is partial, or its version disagrees with the saves),
a card showed other than what was saved, a pipeline run failed, or an unexpected exception or a
crashed process happened; the figures are printed anyway. Save latency is printed against the
250 ms p95 target, never asserted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from soak_parts import plant  # noqa: E402
from soak_parts.figures import print_report  # noqa: E402
from soak_parts.pipeline_loop import PipelineLoop  # noqa: E402
from soak_parts.readers import ReaderConfig, run_reader  # noqa: E402
from soak_parts.report import build_report  # noqa: E402
from soak_parts.verify import verify  # noqa: E402
from soak_parts.writer import WriterConfig, run_writer  # noqa: E402

from ingest.store import Store  # noqa: E402

VIEWS_WAIT_S = 30.0  # with --min-runs: how long to wait for the readers to show the new build
SPECS = 300  # real line specs sampled for new lines


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def start_processes(args, home: Path, work: Path, store: Store):
    ctx = mp.get_context("spawn")
    ready, go, stop, out = ctx.Queue(), ctx.Event(), ctx.Event(), ctx.Queue()
    mart_views = ctx.Value("i", 0)  # analytics page views shown, by all readers
    customers, specs = plant.customer_ids(store), plant.line_specs(store, SPECS, args.seed)
    procs = []
    for w, login in enumerate(plant.pick(plant.sales_logins(store), args.writers)):
        cfg = WriterConfig(
            w,
            str(home),
            login,
            str(work / f"journal-{w}.jsonl"),
            customers,
            specs,
            args.seed * 1000 + w,
            args.think_ms,
        )
        procs.append(ctx.Process(target=run_writer, args=(cfg, ready, go, stop, out)))
    for r, login in enumerate(plant.pick(plant.reader_logins(store), args.readers)):
        cfg = ReaderConfig(100 + r, str(home), login, args.reader_pause_ms)
        procs.append(ctx.Process(target=run_reader, args=(cfg, ready, go, stop, out, mart_views)))
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)  # imports and set-up are not part of the soak
    return procs, go, stop, out, mart_views


def writing_done(args, written_s: float, runs_ended: int, views: int, mark: list) -> bool:
    """Past --duration, --min-runs runs ended, and (with readers) two more analytics page views
    shown since then, or VIEWS_WAIT_S passed; `mark` keeps (views, seconds) at that moment."""
    if written_s >= args.duration + args.max_wait:
        return True
    if written_s < args.duration or runs_ended < args.min_runs:
        return False
    if args.min_runs == 0 or args.readers == 0:
        return True
    if not mark:
        mark[:] = [views, written_s]
    return views - mark[0] >= 2 * args.readers or written_s - mark[1] >= VIEWS_WAIT_S


def collect(procs, out) -> list[dict[str, Any]]:
    """Every process's result; a process that died without one is reported as crashed."""
    results: list[dict[str, Any]] = []
    deadline = time.monotonic() + 300
    while len(results) < len(procs) and time.monotonic() < deadline:
        try:
            results.append(out.get(timeout=1))
        except queue.Empty:
            if all(not p.is_alive() for p in procs) and out.empty():
                break
    for p in procs:
        p.join(timeout=30)
    missing = len(procs) - len(results)
    results += [{"worker": -1, "login": "?", "crashed": "процесс завершился без итога"}] * missing
    return results


def soak(args, home: Path, work: Path) -> dict[str, Any]:
    started = time.monotonic()
    built = plant.ensure_plant(home, args.scale, args.as_of)
    build_s = time.monotonic() - started
    store = Store.open(home)
    with store.read() as conn:
        orders_before = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    procs, go, stop, out, mart_views = start_processes(args, home, work, store)
    pipeline = PipelineLoop(home, args.as_of, work)
    load_start = load()
    t0 = time.monotonic()
    go.set()
    pipeline.start()
    try:
        mark: list = []
        views = mart_views
        while not writing_done(args, time.monotonic() - t0, pipeline.ended(), views.value, mark):
            time.sleep(0.2)
    finally:  # Ctrl-C too: no writer, reader or `zakaz run` outlives the soak
        stop.set()
        writes_end = time.monotonic()
        try:
            results = collect(procs, out)
        finally:
            pipeline.stop()
    load_end = load()
    stopped = time.monotonic()
    checked = verify(store, sorted(work.glob("journal-*.jsonl")))
    report = build_report(args, results, pipeline.runs, checked, writes_end - t0, writes_end)
    report["plant"] = {"home": str(home), "built_now": built, "orders_before": orders_before}
    report["load_start"], report["load_end"] = load_start, load_end
    report["phases_s"] = {
        "plant": round(build_s, 1),
        "start": round(t0 - started - build_s, 1),
        "writing": round(writes_end - t0, 1),
        "stop": round(stopped - writes_end, 1),
        "verify": round(time.monotonic() - stopped, 1),
    }
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--writers", type=int, default=8, help="процессов-менеджеров (8)")
    p.add_argument("--readers", type=int, default=2, help="процессов-читателей дашбордов (2)")
    p.add_argument("--duration", type=float, default=60.0, help="секунд записи (60)")
    p.add_argument("--scale", type=int, default=1, help="масштаб демо-завода (1)")
    p.add_argument("--home", type=Path, help="завод (создаётся, если его нет); иначе временный")
    p.add_argument("--as-of", default="2026-11-28", help="дата демо-завода и zakaz run")
    p.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="средняя пауза писателя между действиями, мс (0: без пауз)",
    )
    p.add_argument(
        "--reader-pause-ms",
        type=float,
        default=1000.0,
        help="пауза читателя между страницами, мс (1000)",
    )
    p.add_argument(
        "--min-runs",
        type=int,
        default=0,
        help="писать, пока не завершится столько обновлений аналитики (0)",
    )
    p.add_argument(
        "--max-wait",
        type=float,
        default=900.0,
        help="насколько --min-runs может продлить запись, с (900)",
    )
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--keep", action="store_true", help="не удалять временную папку")
    p.add_argument("--json", action="store_true", help="итог в JSON")
    args = p.parse_args(argv)
    if args.writers < 1 or args.readers < 0 or args.duration <= 0:
        p.error("нужен хотя бы один писатель и положительная длительность")

    work = Path(tempfile.mkdtemp(prefix="zakaz-soak-"))
    home = (args.home or work / "plant").resolve()
    try:
        report = soak(args, home, work)
    finally:
        if args.keep:
            print(f"журналы и запуски: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
