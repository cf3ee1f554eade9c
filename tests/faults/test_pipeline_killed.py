"""A refresh SIGKILLed 20 times at varied stages, then undisturbed runs: they succeed, the
published marts are whole and consistent, app.duckdb is untouched, and nothing left behind
breaks the next run.

A full `zakaz run` costs 40-110 s on 2 cores (loading the code 10-20 s, creating the run 5-15 s,
dbt 30-70 s), so the refreshes are forked from one warm `zakaz run` (pipeline_forker.py): the
dbt kills and the undisturbed run are the full run_refresh; the snapshot, pricing and publish
kills are the same job restricted to those steps (same code, lock, tags and files). The plant
sits on /dev/shm when it has room (conftest.py).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from pipeline_kills import Forker, kill_refresh_in, phase_of_run

from ingest.store import Store
from pipelines.paths import PipelinePaths
from pipelines.published import open_published, published_info

AS_OF = "2026-11-28"
BEFORE_PUBLISH = ["snapshot"] * 6 + ["pricing"] * 6 + ["dbt"] * 3
PUBLISH_KILLS = 5


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_counts(home: Path) -> dict[str, int]:
    with Store.open(home).read() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()]  # fmt: skip
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _fingerprints(conn: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, tuple]:
    """Per mart: row count and an order-independent hash of every column."""
    marts = [r[0] for r in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'marts' "
        "ORDER BY 1", [catalog],
    ).fetchall()]  # fmt: skip
    return {
        m: conn.execute(
            f'SELECT count(*), sum(hash(COLUMNS(*))::HUGEINT) FROM {catalog}.marts."{m}"'
        ).fetchone()
        for m in marts
    }


def _published_marts(home: Path) -> dict[str, tuple]:
    with open_published(home) as conn:
        return _fingerprints(conn, "published")


def _warehouse_marts(paths: PipelinePaths) -> dict[str, tuple]:
    conn = duckdb.connect(":memory:")
    try:
        conn.execute(f"ATTACH '{paths.warehouse}' AS wh (READ_ONLY)")
        return _fingerprints(conn, "wh")
    finally:
        conn.close()


def _leftovers(paths: PipelinePaths) -> dict[str, int]:
    return {
        "snapshot copies": len(list(paths.snapshot.parent.glob(".app_snapshot.duckdb.*.tmp*"))),
        "parquet": len(list(paths.pipeline_dir.glob(".*.parquet.*.tmp"))),
        "marts files": len(list(paths.published_dir.glob(".marts-*.duckdb*"))),
    }


def _kill_phases(instance) -> Counter:
    import dagster as dg

    records = instance.get_run_records(dg.RunsFilter(job_name="refresh_analytics"))
    killed = [
        r.dagster_run for r in records
        if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS
    ]  # fmt: skip
    return Counter(phase_of_run(instance, run.run_id) for run in killed)


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_a_refresh_killed_20_times_then_undisturbed_runs_publish_whole_marts(shm_plant, tmp_path):
    plant = shm_plant
    import dagster as dg

    paths = PipelinePaths.at(plant)
    app_counts = _store_counts(plant)  # opened once through the store (schema checked) first
    app_sha = _sha256(paths.app_db)
    rng = random.Random(8)
    phases = list(BEFORE_PUBLISH)
    rng.shuffle(phases)
    seconds: dict[str, list[float]] = {}
    started = time.monotonic()
    forker = Forker(plant, AS_OF, tmp_path / "forker.log")
    try:
        load_s = time.monotonic() - started
        assert forker.run("snapshot") == 0  # what the restricted pricing runs read
        for phase in phases:
            seconds.setdefault(phase, []).append(kill_refresh_in(forker, phase, rng))
        left_before_run = _leftovers(paths)

        run_started = time.monotonic()
        assert forker.run("full") == 0  # undisturbed: succeeds with every check passed
        run_s = time.monotonic() - run_started
        first = published_info(plant)
        reference = _published_marts(plant)
        assert reference == _warehouse_marts(paths)  # every mart, whole
        assert first.rows == {mart: fingerprint[0] for mart, fingerprint in reference.items()}
        assert all(fingerprint[0] > 0 for fingerprint in reference.values()), reference
        # The next copy sweeps the temporaries of killed copies (a whole store each),
        assert _leftovers(paths)["snapshot copies"] == 0
        assert _leftovers(paths)["parquet"] == 0  # and so do the pricing steps

        for _ in range(PUBLISH_KILLS):
            seconds.setdefault("publish", []).append(kill_refresh_in(forker, "publish", rng))
            assert published_info(plant).build_id == first.build_id  # the old file, whole
        left_after_kills = _leftovers(paths)
        assert forker.run("publish") == 0  # undisturbed, over the killed publishes' leftovers
    finally:
        forker.close()

    last = published_info(plant)
    assert last.build_id != first.build_id
    assert _published_marts(plant) == reference
    assert _sha256(paths.app_db) == app_sha  # the pipeline never writes the store
    assert _store_counts(plant) == app_counts  # and it opens with every row
    with dg.DagsterInstance.from_config(str(paths.dagster_home)) as instance:
        landed = _kill_phases(instance)
    assert sum(landed.values()) == len(phases) + PUBLISH_KILLS  # every kill hit a live run
    print(
        f"\nkills aimed {Counter(phases) + Counter(publish=PUBLISH_KILLS)}, landed {dict(landed)}"
        f"\nseconds per kill: { {p: round(sum(s) / len(s), 1) for p, s in seconds.items()} }"
        f"\nwarm-up {load_s:.1f} s, undisturbed full run {run_s:.1f} s, "
        f"total {time.monotonic() - started:.1f}"
        f" s\nleftovers before the run {left_before_run}, after the publish kills "
        f"{left_after_kills}, at the end {_leftovers(paths)}"
    )
