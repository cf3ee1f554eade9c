"""The load-and-soak script at a small size, and its verification catching what it must.

The soak runs as a subprocess, as a person would run it: 8 sales managers saving orders through
the service layer while `zakaz run` rebuilds the marts and a leadership user refreshes the
dashboards, until at least one pipeline run has finished during the writes. Latency is printed
by the script, never asserted here (the machine is shared).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from plant_fixtures import NOW, make_minimal_plant, order_draft

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from soak_parts.journal import Journal  # noqa: E402
from soak_parts.shown_errors import ShownErrors, on_screen  # noqa: E402
from soak_parts.verify import verify  # noqa: E402

from ingest.repos.orders import create_order  # noqa: E402

pytestmark = pytest.mark.slow


def _busy_text() -> str:
    from dashboards.ui.actions import error_text
    from ingest.store.errors import StoreBusyError

    return error_text(StoreBusyError(10.0))


def test_soak_small_loses_nothing_while_the_pipeline_rebuilds(demo_home):
    # --think-ms: the managers pause ~2 s between actions, so the 2-core machine can finish one
    # pipeline run in CI time; --min-runs 1 keeps them writing until it has.
    argv = [sys.executable, "bench/soak.py", "--writers", "8", "--readers", "1",
            "--duration", "5", "--min-runs", "1", "--think-ms", "2000", "--reader-pause-ms", "2000",
            "--home", str(demo_home), "--json"]  # fmt: skip (the session's demo plant, copied)
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=540)
    assert done.stdout, done.stderr
    report = json.loads(done.stdout)
    assert done.returncode == 0, (report["problems"], done.stderr[-2000:])

    checked = report["verify"]
    assert report["entries_lost"] == 0, checked["lost_samples"]
    assert checked["partial_orders"] == 0, checked["partial_samples"]
    assert checked["version_mismatches"] == 0, checked["version_samples"]
    assert checked["entries_checked"] == report["saves"]  # every save was journaled and checked
    assert report["read_mismatches"] == 0, report["read_mismatch_samples"]
    assert report["unexpected"] == 0, report["unexpected_samples"]
    assert report["crashed"] == []

    pipeline = report["pipeline"]
    assert pipeline["runs_failed"] == 0, pipeline["failures"]
    assert pipeline["completed_during_writes"] >= 1

    assert len(report["writers"]) == 8
    assert len({w["login"] for w in report["writers"]}) == 7  # every sales user of the demo
    assert all(w["saves"] >= 5 for w in report["writers"]), report["writers"]
    assert set(report["save_ms_by_op"]) >= {"create", "quantity", "header"}

    busy = _busy_text()
    for text in [*report["errors_shown"], *report["reads"]["errors"]]:
        assert text == busy, text  # the clear busy message, never a traceback or other refusal
    assert report["reads"]["by_page"]["orders"]["count"] > 0
    assert report["reads"]["by_page"]["overview"]["count"] > 0  # read the build it published


def _journal(path: Path, entries: list[dict]) -> Path:
    journal = Journal(path)
    for entry in entries:
        journal.append(entry)
    journal.close()
    return path


def test_verify_reports_entries_missing_from_the_store(tmp_path):
    store = make_minimal_plant(tmp_path / "plant")
    with store.write() as tx:
        order_id, number = create_order(tx, actor_id=1, draft=order_draft(2, "w0"), now=NOW)
    created = {"op": "create", "order_id": order_id, "number": number, "lines": {"1": 10, "2": 11},
               "comment": "w0 lines=2", "planned_shipment_date": "2027-01-15", "status": "need",
               "version": 1}  # fmt: skip

    honest = verify(store, [_journal(tmp_path / "ok.jsonl", [created])])
    assert (honest["entries_checked"], honest["entries_lost"]) == (1, 0)
    assert honest["partial_orders"] == honest["version_mismatches"] == 0

    never_saved = {**created, "order_id": order_id + 1, "number": "З-2026-9999"}
    edit_lost = {"op": "quantity", "order_id": order_id, "line_no": 2, "quantity": 12,
                 "version": 2}  # fmt: skip
    line_lost = {"op": "add_line", "order_id": order_id, "line_no": 3, "quantity": 5, "version": 3}
    found = verify(store, [
        _journal(tmp_path / "a.jsonl", [created, edit_lost]),
        _journal(tmp_path / "b.jsonl", [never_saved]),
        _journal(tmp_path / "c.jsonl", [line_lost]),
    ])  # fmt: skip
    assert found["entries_checked"] == 4
    assert found["entries_lost"] == 3  # the edit, the order never stored, the added line
    assert found["partial_orders"] == 1  # 2 lines stored, 3 committed
    assert found["version_mismatches"] == 1  # version 1 stored, 3 saves journaled
    notes = " | ".join(found["lost_samples"])
    assert "З-2026-9999" in notes and "позиция 2 количество 11, в журнале 12" in notes


def test_verify_reports_a_header_value_the_store_does_not_hold(tmp_path):
    store = make_minimal_plant(tmp_path / "plant")
    with store.write() as tx:
        order_id, _ = create_order(tx, actor_id=1, draft=order_draft(1, "w1"), now=NOW)
    entry = {"op": "header", "order_id": order_id, "comment": "правка, которой нет",
             "planned_shipment_date": "2027-01-15", "version": 1}  # fmt: skip
    found = verify(store, [_journal(tmp_path / "j.jsonl", [entry])])
    assert found["entries_lost"] == 1
    assert "comment" in found["lost_samples"][0]


def test_the_writers_count_errors_by_the_text_the_page_shows():
    from dashboards.ui.actions import error_text
    from ingest.access import PermissionDeniedError
    from ingest.store.errors import StaleEditError, StoreBusyError, ValidationError

    refusals = [
        StoreBusyError(10.2),
        StaleEditError("Заказ З-2026-0001", "Иванов Иван", NOW),
        ValidationError("позиция 1", "quantity", "количество должно быть целым числом >= 1"),
        PermissionDeniedError("Нет доступа: чужой заказ", login="ivanov", role="sales"),
    ]
    errors = ShownErrors()
    for exc in refusals:
        assert on_screen(exc) == error_text(exc)
        errors.record("header", exc)
    errors.record("header", KeyError("version"))  # a traceback on the page
    assert sum(errors.shown.values()) == 4 and errors.unexpected_count == 1
    assert "KeyError" in errors.unexpected[0]


def test_the_report_fails_on_a_failed_run_or_an_unexpected_exception_only():
    from argparse import Namespace

    from soak_parts.pipeline_loop import Run
    from soak_parts.report import build_report

    args = Namespace(writers=1, readers=0, duration=10, scale=1, think_ms=0, reader_pause_ms=0,
                     min_runs=1)  # fmt: skip
    clean = {"entries_lost": 0, "partial_orders": 0, "version_mismatches": 0}
    tally = {"worker": 0, "login": "ivanov", "rounds": 1, "saves": {"create": [0.05, 0.3]},
             "card_reads": [0.02], "read_mismatches": [], "errors": {"занято": 1},
             "error_ops": {"create": 1}, "unexpected": [], "unexpected_count": 0}  # fmt: skip
    ok_run = Run(1, 0.0, 5.0, 0, interrupted=False, snapshot_s=0.3, tail="")
    cut_short = Run(2, 5.0, 9.0, -2, interrupted=True, snapshot_s=None, tail="")
    failed = Run(3, 9.0, 9.5, 1, interrupted=False, snapshot_s=None, tail="zakaz: шаг dbt")

    good = build_report(args, [tally], [ok_run, cut_short], clean, 10.0, 6.0)
    assert good["ok"] and good["problems"] == []  # a refusal shown to a user is not a failure
    assert good["pipeline"]["completed_during_writes"] == 1
    assert (good["saves"], good["save_ms"]["max"], good["save_p95_within_target"]) == (
        2, 300.0, False)  # fmt: skip

    bad_run = build_report(args, [tally], [ok_run, failed], clean, 10.0, 6.0)
    assert not bad_run["ok"] and bad_run["pipeline"]["runs_failed"] == 1
    assert "шаг dbt" in bad_run["pipeline"]["failures"][0]

    traceback_tally = {**tally, "unexpected": ["create: KeyError"], "unexpected_count": 1}
    crashed = {"worker": 1, "login": "petrova", "crashed": "Traceback ..."}
    bad = build_report(args, [traceback_tally, crashed], [ok_run], {**clean, "entries_lost": 2},
                       10.0, 6.0)  # fmt: skip
    assert not bad["ok"] and len(bad["problems"]) == 3  # lost, unexpected, crashed
