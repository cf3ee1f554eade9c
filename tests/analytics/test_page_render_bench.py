"""bench/page_render.py: at scale 1 it builds a demo plant, publishes the marts and prints a
render time, a data-layer time and a raw-read time for each of the six analytics pages (and
each page with a manager filter), every page having rendered cleanly with its freshness caption
and charts. The slow test measures on a copy of the session's published plant (`--work --reuse`):
building one takes the same `zakaz init --demo` + `zakaz run` that the pipeline tests run."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "page_render.py"
SIX = {"overview", "payments", "economics", "sources", "managers", "process"}


def _bench():
    spec = importlib.util.spec_from_file_location("bench_page_render", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_analytics_page_of_the_registry_maps_to_the_data_module_it_loads():
    bench = _bench()
    pages = bench.analytics_pages()
    assert {bench.page_key(p) for p in pages} == SIX
    for spec in pages:
        module = bench.data_module(spec)
        source = spec.file.read_text("utf-8")
        name = module.__name__.rsplit(".", 1)[1]
        assert f"{name}.load(reader, filters)" in source, spec.path


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_bench_at_scale_1_prints_a_figure_for_each_of_the_six_pages(
    capsys, published_home, tmp_path
):
    from ingest.store import Store
    from ingest.store.copy import copy_store

    plant = tmp_path / "scale-1"  # where the bench looks for a built plant with --reuse
    plant.mkdir()
    copy_store(Store.open(published_home), plant / "app.duckdb")
    shutil.copytree(published_home / "published", plant / "published")
    done = subprocess.run(
        [sys.executable, str(BENCH), "--scales", "1", "--reruns", "1", "--json",
         "--work", str(tmp_path), "--reuse"],
        capture_output=True, text=True, cwd=ROOT, timeout=1400,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    report = json.loads(done.stdout)
    assert report["ok"] is True
    [result] = report["results"]
    assert result["scale"] == 1 and result["plant"] is None  # reused, not built
    plain = {row["page"]: row for row in result["pages"] if row["filter"] is None}
    assert set(plain) == SIX
    for key, row in plain.items():
        assert row["problems"] == [] and row["fresh"], (key, row)
        assert row["charts"] >= 1 and row["tables"] >= 1, (key, row)
        assert 0 < row["median_s"] <= row["max_s"], (key, row)
        assert row["data_s"] > 0 and row["reads_s"] > 0 and row["marts"], (key, row)
        assert row["ratio"] == round(row["median_s"] / row["reads_s"], 1)
    filtered = {row["page"]: row for row in result["pages"] if row["filter"]}
    assert set(filtered) == SIX  # every page offers a manager filter (PAGE_FILTERS)
    assert all(row["problems"] == [] and row["median_s"] > 0 for row in filtered.values())
    assert filtered["overview"]["recomputed"] and filtered["overview"]["data_recomputed"]
    assert not plain["overview"]["recomputed"]

    _bench().print_report(report)  # the table prints from the same report
    table = capsys.readouterr().out
    for key in SIX:
        assert f"x1  {key} " in table
