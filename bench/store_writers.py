"""Concurrent writers against one plant: saves/s and save latency, while a reader snapshots.

    .venv/bin/python bench/store_writers.py [--writers 4] [--orders 200] [--lines 3] [--json]

Starts N writer processes, each saving `--orders` new orders (with lines) through the store, and
one more process copying the whole store (a pipeline snapshot) in a loop until they finish.
Prints throughput, latency percentiles and errors;
exits 1 if any order is missing or any save failed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "store")]

from plant_fixtures import NOW, make_minimal_plant, order_draft  # noqa: E402

from ingest.repos.orders import create_order  # noqa: E402
from ingest.store import Store  # noqa: E402
from ingest.store.copy import copy_store  # noqa: E402


def writer(home: str, worker: int, orders: int, lines: int, out: mp.Queue) -> None:
    store = Store.open(home)
    latencies, errors = [], []
    for i in range(orders):
        start = time.perf_counter()
        try:
            with store.write() as tx:
                create_order(tx, actor_id=1, draft=order_draft(lines, f"w{worker}-{i}"), now=NOW)
        except Exception as exc:  # report every failure, never die silently
            errors.append(f"{type(exc).__name__}: {exc}")
        latencies.append(time.perf_counter() - start)
    out.put({"worker": worker, "latencies": latencies, "errors": errors})


def snapshotter(home: str, stop: mp.Event, out: mp.Queue) -> None:
    store = Store.open(home)
    dest = Path(home) / "snapshots" / "app_snapshot.duckdb"
    taken, errors, seen = 0, [], []
    while not stop.is_set():
        try:
            copy_store(store, dest, overwrite=True)
            taken += 1
            seen.append(_count_orders(dest))
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    out.put({"snapshots": taken, "errors": errors, "monotonic": seen == sorted(seen)})


def _count_orders(path: Path) -> int:
    import duckdb

    conn = duckdb.connect(str(path), read_only=True)
    try:
        return conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    finally:
        conn.close()


def run(home: Path, writers: int, orders: int, lines: int, snapshots: bool = True) -> dict:
    make_minimal_plant(home)
    ctx = mp.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    snap = ctx.Process(target=snapshotter, args=(str(home), stop, out))
    procs = [
        ctx.Process(target=writer, args=(str(home), w, orders, lines, out)) for w in range(writers)
    ]
    if snapshots:
        snap.start()
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    elapsed = time.perf_counter() - started
    stop.set()
    snap_result = (
        out.get(timeout=60) if snapshots else {"snapshots": 0, "errors": [], "monotonic": True}
    )
    for p in [*procs, *([snap] if snapshots else [])]:
        p.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    with Store.open(home).read() as conn:
        stored, stored_lines, partial = conn.execute(
            "SELECT count(*), (SELECT count(*) FROM order_lines), "
            "(SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM order_lines l "
            " WHERE l.order_id = o.id) <> ?) FROM orders",
            [lines],
        ).fetchone()
    return {
        "writers": writers,
        "orders_expected": writers * orders,
        "orders_stored": stored,
        "lines_stored": stored_lines,
        "partial_orders": partial,
        "errors": [e for r in results for e in r["errors"]],
        "elapsed_s": round(elapsed, 3),
        "saves_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "latency_ms_max": round(latencies[-1] * 1000, 1),
        "snapshots": snap_result["snapshots"],
        "snapshot_errors": snap_result["errors"],
        "snapshots_monotonic": snap_result["monotonic"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--orders", type=int, default=200, help="orders per writer")
    parser.add_argument("--lines", type=int, default=3, help="lines per order")
    parser.add_argument("--home", type=Path, default=None, help="plant folder (default: temp)")
    parser.add_argument("--no-snapshots", action="store_true", help="writers only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zakaz-bench-") as tmp:
        report = run(
            args.home or Path(tmp), args.writers, args.orders, args.lines, not args.no_snapshots
        )
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key:22} {value}")
    ok = (
        report["orders_stored"] == report["orders_expected"]
        and not report["errors"]
        and not report["partial_orders"]
        and not report["snapshot_errors"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
