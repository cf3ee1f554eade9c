"""The soak's report: figures from every process's tally, the pipeline runs and the check."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .figures import ms, pct

TARGET_P95_MS = 250  # issue 8: save p95 under the soak (printed, never asserted)


def build_report(
    args, results: list[dict], runs: list, checked: dict, elapsed: float, writes_end: float
) -> dict[str, Any]:
    """The soak's figures and problems from the processes' tallies, the pipeline runs (Run) and
    the verification; `writes_end` is the monotonic time the writers were told to stop."""
    writers = [r for r in results if "saves" in r]
    readers = [r for r in results if "reads" in r]
    crashed = [f"{r['login']}: {r['crashed']}" for r in results if "crashed" in r]
    by_op: dict[str, list[float]] = {}
    for w in writers:
        for op, values in w["saves"].items():
            by_op.setdefault(op, []).extend(values)
    saves = [x for values in by_op.values() for x in values]
    errors, read_errors, error_ops = Counter(), Counter(), Counter()
    for w in writers:
        errors.update(w["errors"])
        error_ops.update(w["error_ops"])
    for r in readers:
        read_errors.update(r["errors"])
    reads_by_page: dict[str, list[float]] = {}
    for r in readers:
        for page, values in r["reads"].items():
            reads_by_page.setdefault(page, []).extend(values)
    reads = [x for values in reads_by_page.values() for x in values]
    mismatches = [m for w in writers for m in w["read_mismatches"]]
    unexpected = sum(r["unexpected_count"] for r in writers + readers)
    lost = checked["entries_lost"]
    problems = [
        text
        for bad, text in (
            (lost, f"потеряно записей: {lost}"),
            (checked["partial_orders"], f"частичных заказов: {checked['partial_orders']}"),
            (checked["version_mismatches"], f"расхождений версий: {checked['version_mismatches']}"),
            (mismatches, f"карточек не как сохранено: {len(mismatches)}"),
            (any(not r.ok and not r.interrupted for r in runs), "обновление аналитики не удалось"),
            (unexpected, f"непредвиденных исключений: {unexpected}"),
            (crashed, f"упавших процессов: {len(crashed)}"),
        )
        if bad
    ]
    save_ms = ms(saves)
    return {
        "config": {
            "writers": args.writers,
            "readers": args.readers,
            "duration_s": args.duration,
            "scale": args.scale,
            "think_ms": args.think_ms,
            "reader_pause_ms": args.reader_pause_ms,
            "min_runs": args.min_runs,
        },
        "elapsed_s": round(elapsed, 1),
        "saves": len(saves),
        "saves_per_s": round(len(saves) / elapsed, 2) if elapsed else 0.0,
        "save_ms": save_ms,
        "save_ms_by_op": {op: ms(v) for op, v in sorted(by_op.items())},
        "target_save_p95_ms": TARGET_P95_MS,
        "save_p95_within_target": save_ms["p95"] is not None and save_ms["p95"] <= TARGET_P95_MS,
        "writers": [
            {
                "worker": w["worker"],
                "login": w["login"],
                "rounds": w["rounds"],
                "saves": sum(len(v) for v in w["saves"].values()),
                "errors": sum(w["errors"].values()),
            }
            for w in writers
        ],
        "card_read_ms": ms([x for w in writers for x in w["card_reads"]]),
        "errors_shown": dict(errors.most_common()),
        "errors_shown_total": sum(errors.values()),
        "error_ops": dict(error_ops),
        "unexpected": unexpected,
        "unexpected_samples": [s for r in writers + readers for s in r["unexpected"]][:5],
        "crashed": crashed,
        "read_mismatches": len(mismatches),
        "read_mismatch_samples": mismatches[:5],
        "pipeline": {
            "runs_ok": sum(r.ok for r in runs),
            "runs_failed": sum(not r.ok and not r.interrupted for r in runs),
            "runs_interrupted": sum(r.interrupted for r in runs),
            "completed_during_writes": sum(r.ok and r.ended <= writes_end for r in runs),
            "run_s": [round(r.ended - r.started, 1) for r in runs if r.ok],
            "snapshot_s": [r.snapshot_s for r in runs if r.snapshot_s is not None],
            "failures": [
                f"запуск {r.n}, код {r.returncode}: {r.tail}"
                for r in runs
                if not r.ok and not r.interrupted
            ],
        },
        "reads": {
            "count": len(reads),
            "p95_ms": round(pct(reads, 0.95) * 1000, 1) if reads else None,
            "by_page": {page: ms(v) for page, v in reads_by_page.items()},
            "errors": dict(read_errors.most_common()),
            "errors_total": sum(read_errors.values()),
            "not_published": sum(r["not_published"] for r in readers),
            "builds_seen": len({b for r in readers for b in r["builds_seen"]}),
        },
        "verify": checked,
        "entries_lost": lost,
        "problems": problems,
        "ok": not problems,
    }
