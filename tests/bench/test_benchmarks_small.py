"""The benchmarks at a tiny size: they run, their identical-results checks ran and passed, and
those checks do catch a difference (a deliberately wrong SQL fails the run, naming the line)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )


def test_pricing_engines_small_run_checks_every_line_and_order():
    done = _run(
        "bench/pricing_engines.py", "--lines", "2000", "--sample", "300", "--repeat", "1",
        "--json", timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    checks = report["checks"]
    assert report["identical"] is True
    assert checks["frame_vs_sql_lines"] is None
    assert checks["frame_vs_sql_orders"] is None
    assert checks["frame_vs_loop"] is None
    assert checks["lines_compared"] == 2000
    assert checks["line_columns_compared"] >= 9
    assert checks["orders_compared"] == report["orders"] + report["orders_with_expenses_only"]
    assert checks["loop_lines_compared"] >= 300
    assert report["engines"]["loop"]["extrapolated_s"] > 0
    assert set(report["ratios"]) == {
        "frame_over_sql_lines",
        "frame_over_sql_lines_and_orders",
        "loop_over_frame",
    }


def test_generated_lines_cover_every_shape_and_optional_input():
    engines = _load("pricing_engines")
    lines, expenses = engines.generate(5000, seed=7)
    again, _ = engines.generate(5000, seed=7)
    assert lines.equals(again)  # seeded: the same lines every time
    assert set(lines["shape"].unique()) == {"round", "hex", "sheet", "tube", "weight"}
    for column in ("surcharge_pct_total", "fixed_unit_price", "actual_material_cost"):
        assert 0 < lines[column].null_count() < lines.height
    assert (lines["surcharge_pct_total"].drop_nulls() < 0).any()  # discounts too
    assert expenses["order_id"].max() > lines["order_id"].max()  # orders with expenses only


def test_a_wrong_sql_rounding_fails_the_run_naming_the_line(tmp_path, monkeypatch, capsys):
    engines = _load("pricing_engines")
    sql = tmp_path / "sql"
    shutil.copytree(BENCH / "sql", sql)
    text = (sql / "pricing.sql").read_text(encoding="utf-8")
    wrong = "round(net * vat_rate, 2)"  # VAT per line to whole roubles instead of kopecks
    assert wrong in text
    (sql / "pricing.sql").write_text(text.replace(wrong, "round(net * vat_rate, 0)"), "utf-8")
    monkeypatch.setattr(engines, "SQL_DIR", sql)

    code = engines.main(["--lines", "500", "--sample", "50", "--repeat", "1"])

    assert code == 1
    err = capsys.readouterr().err
    assert "frame_vs_sql_lines" in err
    assert "line_id" in err and "line_vat" in err


def test_models_are_ordered_after_what_they_read():
    scale = _load("pipeline_scale")

    def model(name: str, *deps: str) -> dict:
        return {"resource_type": "model", "depends_on": {"nodes": [f"model.z.{d}" for d in deps]},
                "name": name}  # fmt: skip

    manifest = {
        "nodes": {
            "model.z.mart": model("mart", "int_b", "stg_a"),
            "model.z.int_b": model("int_b", "stg_a"),
            "model.z.stg_a": model("stg_a"),
            "test.z.t": {"resource_type": "test", "depends_on": {"nodes": ["model.z.mart"]}},
        }
    }
    assert [m["name"] for m in scale.models_in_order(manifest)] == ["stg_a", "int_b", "mart"]
    manifest["nodes"]["model.z.stg_a"] = model("stg_a", "mart")
    with pytest.raises(RuntimeError):
        scale.models_in_order(manifest)
