"""The full pipeline at demo scales 1, 10, 100: time per stage, growth, and a raw SQL baseline.

    .venv/bin/python bench/pipeline_scale.py [--scales 1,10,100] [--runs 2] [--work DIR]
                                             [--reuse] [--json]

For each scale: builds a demo plant (`zakaz init --demo --scale N --as-of 2026-11-28`; timed
apart, it is not part of the pipeline), then runs `zakaz run` `--runs` times as a subprocess (the
first run of a new plant parses the dbt project fully, later ones partially, as the daemon's
refreshes do). Each stage's time comes from the run's Dagster event log (step start -> end):
snapshot, pricing lines, pricing orders, the checks' steps, dbt build (split with dbt's
run_results.json into execution and the rest: dbt's start-up and parse, Dagster's handling of
dbt's events), publish; before the run (Python, importing Dagster and dbt, the definitions, the
manifest check, setting up the run) and after it (the summary, exit) from the process's clock.
The table shows the fastest run of each scale (the machine is shared) and every run's total.

The raw baseline is ONE DuckDB SQL script computing the same marts from the same snapshot
file, run with the duckdb Python API in one connection (in a fresh process) into a new file:
ATTACH the snapshot; the pricing inputs (bench/sql/raw_pricing_inputs.sql around the pipeline's
own pipelines/sql/pricing_inputs.sql); the two pricing tables from the hand-written pricing SQL
(bench/sql/pricing.sql and order_pricing.sql, shared with bench/pricing_engines.py); then every
dbt model as `dbt compile` renders it, in dependency order, as CREATE VIEW / CREATE TABLE (the
materialization dbt uses). No data tests. The script is saved as raw_marts.sql in the work
folder. Its marts are compared with the published ones: columns and types, row counts, and
EXCEPT ALL both ways. Exit 1 if a run fails or a mart differs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.store.engine import engine_config  # noqa: E402

BENCH_SQL = Path(__file__).with_name("sql")
PIPELINE_SQL = ROOT / "pipelines" / "sql"
DBT_DIR = ROOT / "dbt_project"
DBT = str(Path(sys.executable).with_name("dbt"))
AS_OF = "2026-11-28"  # the demo plant's "today" (tests/demo_clock.py)
RAW_DB = "warehouse"  # the raw file's stem: its catalog name, as in the compiled SQL

# Dagster step key -> the stage it is (any other step is a check).
STAGES = {
    "snapshots__app_snapshot": "snapshot",
    "pricing__priced_order_lines": "pricing_lines",
    "pricing__order_pricing": "pricing_orders",
    "dbt_models": "dbt",
    "published__marts": "publish",
}
STAGE_NAMES = {
    "load": "до начала запуска: Python, импорт, определения",
    "snapshot": "snapshots/app_snapshot",
    "pricing_lines": "pricing/priced_order_lines",
    "pricing_orders": "pricing/order_pricing",
    "checks": "проверки Dagster (шагов: {n})",
    "dbt": "dbt build",
    "dbt_startup": "  запуск dbt, разбор проекта, события Dagster",
    "dbt_execute": "  выполнение: моделей {models}, тестов {tests}",
    "publish": "published/marts",
    "dagster": "прочее Dagster (между шагами)",
    "after": "после запуска: итог, завершение процесса",
}


# --- child processes -------------------------------------------------------------------------


@dataclass
class Child:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str
    started_at: float = 0.0  # epoch seconds: to place the run's events inside the process
    ended_at: float = 0.0


def _env() -> dict[str, str]:
    drop = ("ZAKAZ_HOME", "DAGSTER_HOME", "ZAKAZ_AS_OF")
    return {k: v for k, v in os.environ.items() if k not in drop}


def run_child(argv: list[str], log: Path, timeout_s: float, env: dict | None = None) -> Child:
    """Run a command, output to ``log``; wall time and the peak RSS of its largest process
    (wait4's rusage covers the child and the descendants it waited for)."""
    with log.open("w", encoding="utf-8") as out:
        started, started_at = time.perf_counter(), time.time()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                env=env or _env())  # fmt: skip
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout_s:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds, ended_at = time.perf_counter() - started, time.time()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Child(
        round(seconds, 2),
        round(usage.ru_maxrss / 1024, 1),
        proc.returncode,
        log.read_text(encoding="utf-8", errors="replace"),
        started_at,
        ended_at,
    )


def zakaz(*args: str) -> list[str]:
    return [sys.executable, "-m", "zakaz.cli", *args]


# --- the pipeline ----------------------------------------------------------------------------


@dataclass
class PipelineRun:
    wall_s: float
    peak_rss_mb: float
    ok: bool
    run_s: float = 0.0  # Dagster run: start -> end
    stages: dict[str, float] = field(default_factory=dict)
    check_steps: int = 0
    dbt: dict = field(default_factory=dict)
    error: str = ""
    manifest_parsed: bool = False  # `zakaz run` re-parsed dbt_project (a file was newer)


def build_plant(home: Path, scale: int, seed: int, timeout_s: float) -> Child:
    home.parent.mkdir(parents=True, exist_ok=True)
    child = run_child(
        zakaz("init", "--demo", "--scale", str(scale), "--as-of", AS_OF, "--seed", str(seed),
              "--home", str(home), "--force"),
        home.parent / f"init-{scale}.log",
        timeout_s,
    )  # fmt: skip
    if child.returncode != 0:
        sys.exit(f"zakaz init --demo --scale {scale} не удался:\n{child.output[-2000:]}")
    return child


def step_times(dagster_home: Path) -> tuple[float, float, dict[str, float]]:
    """(run start, run end — epoch seconds —, step key -> seconds) of the newest run in the
    plant's Dagster instance."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        run = instance.get_runs(limit=1)[0]
        starts, ends, run_marks = {}, {}, []
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None:
                continue
            kind = event.event_type
            if kind == dg.DagsterEventType.STEP_START:
                starts[event.step_key] = entry.timestamp
            elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                ends[event.step_key] = entry.timestamp
            elif kind in (
                dg.DagsterEventType.RUN_START,
                dg.DagsterEventType.RUN_SUCCESS,
                dg.DagsterEventType.RUN_FAILURE,
            ):
                run_marks.append(entry.timestamp)
    steps = {k: ends[k] - starts[k] for k in starts if k in ends}
    return min(run_marks), max(run_marks), steps


def dbt_breakdown(home: Path) -> dict:
    """From the last dbt invocation's run_results.json and log: execution time, node-seconds
    of models and tests (summed over dbt's 2 threads), and whether it parsed fully."""
    target = home / "pipeline" / "dbt_target"
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    kinds: dict[str, list[float]] = {}
    for r in results["results"]:
        kinds.setdefault(r["unique_id"].split(".")[0], []).append(r["execution_time"])
    log = home / "pipeline" / "last_run.log"
    full = "Starting full parse" in log.read_text(encoding="utf-8", errors="replace")
    return {
        "execute_s": round(results["elapsed_time"], 2),
        "models": len(kinds.get("model", [])),
        "tests": len(kinds.get("test", [])),
        "model_node_s": round(sum(kinds.get("model", [])), 2),
        "test_node_s": round(sum(kinds.get("test", [])), 2),
        "parse": "full" if full else "partial",
    }


def _manifest_mtime() -> float | None:
    path = DBT_DIR / "target" / "dagster" / "manifest.json"
    return path.stat().st_mtime if path.exists() else None


def run_pipeline(home: Path, number: int, timeout_s: float) -> PipelineRun:
    manifest_before = _manifest_mtime()
    child = run_child(
        zakaz("run", "--home", str(home), "--as-of", AS_OF),
        home.parent / f"{home.name}-run{number}.log",
        timeout_s,
    )
    result = PipelineRun(child.seconds, child.peak_rss_mb, child.returncode == 0)
    result.manifest_parsed = _manifest_mtime() != manifest_before
    if not result.ok:
        result.error = child.output.strip().splitlines()[-1] if child.output.strip() else "?"
        return result
    run_start, run_end, steps = step_times(home / "dagster")
    run_s = run_end - run_start
    result.run_s = round(run_s, 2)
    stages = {STAGES[k]: v for k, v in steps.items() if k in STAGES}
    checks = [v for k, v in steps.items() if k not in STAGES]
    result.check_steps = len(checks)
    stages["checks"] = sum(checks)
    result.dbt = dbt_breakdown(home)
    stages["dbt_execute"] = result.dbt["execute_s"]
    stages["dbt_startup"] = stages["dbt"] - result.dbt["execute_s"]
    stages["dagster"] = run_s - sum(v for k, v in steps.items())
    stages["load"] = run_start - child.started_at  # Python, imports, definitions, run set-up
    stages["after"] = child.ended_at - run_end  # the summary, closing
    result.stages = {k: round(v, 2) for k, v in stages.items()}
    return result


# --- the raw baseline ------------------------------------------------------------------------


def compile_models(work: Path, snapshot: Path) -> dict:
    """`dbt compile` of the project's models against the raw file; the manifest (nodes carry
    compiled_code and relation_name). The pricing sources point at a placeholder folder that the
    script replaces by the raw file's own pricing tables."""
    env = {
        **_env(),
        "ZAKAZ_WAREHOUSE_PATH": str(work / "raw" / f"{RAW_DB}.duckdb"),
        "ZAKAZ_SNAPSHOT_PATH": str(snapshot),
        "ZAKAZ_PIPELINE_DIR": str(work / "raw" / "no-parquet-here"),
        "ZAKAZ_AS_OF": AS_OF,
    }
    (work / "raw").mkdir(parents=True, exist_ok=True)
    target = work / "dbt_compile"
    child = run_child(
        [DBT, "compile", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
         "--target-path", str(target), "--log-path", str(work / "dbt_logs"),
         "--select", "resource_type:model", "--quiet"],
        work / "dbt_compile.log",
        900,
        env,
    )  # fmt: skip
    if child.returncode != 0:
        sys.exit(f"dbt compile не удался:\n{child.output[-2000:]}")
    (work / "raw" / f"{RAW_DB}.duckdb").unlink(missing_ok=True)  # compile may create it
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def models_in_order(manifest: dict) -> list[dict]:
    """The project's models, every one after the models it reads (ties by name)."""
    models = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    deps = {k: {d for d in n["depends_on"]["nodes"] if d in models} for k, n in models.items()}
    ordered: list[dict] = []
    done: set[str] = set()
    while len(done) < len(models):
        ready = sorted(k for k in models if k not in done and deps[k] <= done)
        if not ready:
            raise RuntimeError("цикл зависимостей моделей dbt")
        for k in ready:
            ordered.append(models[k])
            done.add(k)
    return ordered


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _sql(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def raw_script(manifest: dict, snapshot: Path) -> list[tuple[str, str]]:
    """The raw baseline as named parts (run in order, in one connection): pricing inputs,
    pricing tables, marts. Joined, they are one script."""
    pricing_sources = {
        s["relation_name"]: f'"{RAW_DB}"."pricing"."{s["name"]}"'
        for s in manifest["sources"].values()
        if s["source_name"] == "pricing"
    }
    snapshot_text = str(snapshot).replace("'", "''")
    inputs = "\n".join(
        [
            f"ATTACH '{snapshot_text}' AS app (READ_ONLY);",
            "USE app;",
            _fill(
                (BENCH_SQL / "raw_pricing_inputs.sql").read_text(encoding="utf-8"),
                db=RAW_DB,
                pricing_inputs=_sql(PIPELINE_SQL / "pricing_inputs.sql"),
            ),
            f"USE {RAW_DB};",
        ]
    )
    pricing = _fill(
        (BENCH_SQL / "raw_pricing_tables.sql").read_text(encoding="utf-8"),
        pricing=_sql(BENCH_SQL / "pricing.sql"),
        order_pricing=_sql(BENCH_SQL / "order_pricing.sql"),
    )
    models = models_in_order(manifest)
    schemas = sorted({m["schema"] for m in models})
    marts = [f"CREATE SCHEMA {s};" for s in schemas]
    for model in models:
        kind = model["config"]["materialized"]
        if kind not in ("view", "table"):
            raise RuntimeError(f"модель {model['name']}: материализация {kind} не поддержана")
        code = model["compiled_code"].strip().rstrip(";")
        for relation, table in pricing_sources.items():
            code = code.replace(relation, table)
        marts.append(
            f"-- {model['original_file_path']}\n"
            f"CREATE {kind.upper()} {model['relation_name']} AS (\n{code}\n);"
        )
    script = [("inputs", inputs), ("pricing", pricing), ("marts", "\n\n".join(marts))]
    leftover = "no-parquet-here"
    if any(leftover in text for _, text in script):
        raise RuntimeError("в скрипте осталась ссылка на Parquet-файлы конвейера")
    return script


def _connect(path: str, **kwargs) -> duckdb.DuckDBPyConnection:
    """The pipeline's DuckDB settings (2 threads, memory bound), without the progress bar that
    DuckDB draws on stdout for long queries (it would spoil --json)."""
    conn = duckdb.connect(path, config=engine_config(), **kwargs)
    conn.execute("SET enable_progress_bar = false")
    return conn


def execute_raw(parts: list[tuple[str, str]], db_path: str) -> dict:
    """Run the script in a fresh connection (in a child process: its own peak RSS); seconds
    per part, total with connect and close (the checkpoint to disk)."""
    started = time.perf_counter()
    conn = _connect(db_path)
    times = {}
    try:
        for name, text in parts:
            t = time.perf_counter()
            conn.execute(text)
            times[name] = round(time.perf_counter() - t, 3)
    finally:
        conn.close()
    times["total"] = round(time.perf_counter() - started, 3)
    times["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return times


def run_raw(parts: list[tuple[str, str]], db_path: Path) -> dict:
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        path.unlink(missing_ok=True)
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(execute_raw, (parts, str(db_path)))


def compare_marts(raw_db: Path, published: Path) -> list[dict]:
    """Per published mart: rows on both sides, rows only on one side (EXCEPT ALL), same
    columns and types."""
    conn = _connect(str(raw_db), read_only=True)
    try:
        conn.execute(f"ATTACH '{published}' AS pub (READ_ONLY)")
        marts = [
            m
            for (m,) in conn.execute("SELECT mart FROM pub.main.publish_info ORDER BY 1").fetchall()
        ]
        out = []
        for mart in marts:
            raw, pub = f'{RAW_DB}.marts."{mart}"', f'pub.marts."{mart}"'
            columns = (
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_schema = 'marts' AND table_name = ? "
                "ORDER BY ordinal_position"
            )
            raw_cols = conn.execute(columns, [RAW_DB, mart]).fetchall()
            pub_cols = conn.execute(columns, ["pub", mart]).fetchall()
            row = {"mart": mart, "same_columns": raw_cols == pub_cols}
            if not raw_cols:
                row.update(rows_raw=None, rows_published=None, only_raw=None, only_published=None)
            else:
                row["rows_raw"] = conn.execute(f"SELECT count(*) FROM {raw}").fetchone()[0]
                row["rows_published"] = conn.execute(f"SELECT count(*) FROM {pub}").fetchone()[0]
                row["only_raw"] = conn.execute(
                    f"SELECT count(*) FROM (FROM {raw} EXCEPT ALL FROM {pub})"
                ).fetchone()[0]
                row["only_published"] = conn.execute(
                    f"SELECT count(*) FROM (FROM {pub} EXCEPT ALL FROM {raw})"
                ).fetchone()[0]
            row["identical"] = bool(
                row["same_columns"]
                and row["rows_raw"] == row["rows_published"]
                and row["only_raw"] == 0
                and row["only_published"] == 0
            )
            out.append(row)
        raw_marts = conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = ? AND table_schema = 'marts'",
            [RAW_DB],
        ).fetchall()
        for (mart,) in sorted(set(raw_marts) - {(m,) for m in marts}):
            out.append({"mart": mart, "same_columns": False, "identical": False,
                        "note": "только в сыром скрипте (проект dbt изменился?)"})  # fmt: skip
        return out
    finally:
        conn.close()


def plant_counts(snapshot: Path) -> dict[str, int]:
    conn = duckdb.connect(str(snapshot), read_only=True, config=engine_config())
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM main.{t}").fetchone()[0]
            for t in ("orders", "order_lines", "payments", "status_events", "tasks")
        }
    finally:
        conn.close()


# --- one scale -------------------------------------------------------------------------------


def measure_scale(scale: int, work: Path, runs: int, seed: int, reuse: bool, timeout_s: float):
    home = work / f"scale-{scale}"
    result: dict = {"scale": scale}
    if reuse and (home / "app.duckdb").exists():
        result["generate"] = None
    else:
        child = build_plant(home, scale, seed, timeout_s)
        result["generate"] = {"seconds": child.seconds, "peak_rss_mb": child.peak_rss_mb}
    result["app_db_mb"] = round((home / "app.duckdb").stat().st_size / 2**20, 1)
    result["runs"] = [asdict(run_pipeline(home, n, timeout_s)) for n in range(1, runs + 1)]
    if not all(r["ok"] for r in result["runs"]):
        result["marts"], result["identical"], result["raw"] = [], False, None
        return result
    snapshot = home / "snapshots" / "app_snapshot.duckdb"
    result["counts"] = plant_counts(snapshot)
    raw_dir = work / f"raw-{scale}"
    manifest = compile_models(raw_dir, snapshot)
    parts = raw_script(manifest, snapshot)
    (raw_dir / "raw_marts.sql").write_text(
        "\n\n".join(text for _, text in parts) + "\n", encoding="utf-8"
    )
    db_path = raw_dir / "raw" / f"{RAW_DB}.duckdb"
    raw_runs = [run_raw(parts, db_path) for _ in range(runs)]
    result["raw"] = {
        "runs": raw_runs,
        "best_s": min(r["total"] for r in raw_runs),
        "models": len(models_in_order(manifest)),
        "script_lines": sum(text.count("\n") + 1 for _, text in parts),
    }
    result["marts"] = compare_marts(db_path, home / "published" / "marts.duckdb")
    result["identical"] = bool(result["marts"]) and all(m["identical"] for m in result["marts"])
    return result


# --- printing --------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _growth(a: float | None, b: float | None) -> str:
    if not a or b is None:
        return "—"
    return f"x{b / a:.1f}"


def best_run(r: dict) -> dict:
    """The fastest successful `zakaz run` of a scale (the machine is shared: the fastest run is
    the one least slowed by others), else the last one."""
    ok = [run for run in r["runs"] if run["ok"]]
    return min(ok, key=lambda run: run["wall_s"]) if ok else r["runs"][-1]


def summary_rows(r: dict) -> dict[str, float | None]:
    """The figures of one scale used for the table: the best pipeline run, the best raw run."""
    best = best_run(r)
    rows: dict[str, float | None] = {"wall": best["wall_s"]}
    rows.update(best["stages"])
    rows["in_run"] = best["run_s"]
    rows["raw"] = r["raw"]["best_s"] if r.get("raw") else None
    best_raw = min(r["raw"]["runs"], key=lambda x: x["total"]) if r.get("raw") else {}
    for part in ("inputs", "pricing", "marts"):
        rows[f"raw_{part}"] = best_raw.get(part)
    return rows


def print_report(report: dict) -> None:
    results = report["results"]
    load = ", ".join(f"{x:.2f}" for x in report["load_before"])
    print(f"Конвейер по масштабам, демо-завод на {AS_OF}; ядер {report['cpus']}, load {load}")
    head = f"{'':<50}" + "".join(f"{'x' + str(r['scale']):>11}" for r in results)
    pairs = list(itertools.pairwise(results))
    head += "".join(f"{'рост ' + str(a['scale']) + '→' + str(b['scale']):>13}" for a, b in pairs)
    print(head)

    def line(label: str, values: list, growth: bool = True, fmt=_s) -> None:
        text = f"{label:<50}" + "".join(f"{fmt(v):>11}" for v in values)
        if growth:
            text += "".join(f"{_growth(a, b):>13}" for a, b in itertools.pairwise(values))
        print(text)

    def n(value) -> str:
        return "—" if value is None else f"{value:,}".replace(",", " ")

    counts = [r.get("counts", {}) for r in results]
    line("заказов", [c.get("orders") for c in counts], fmt=n)
    line("строк заказов", [c.get("order_lines") for c in counts], fmt=n)
    line("app.duckdb, МБ", [r["app_db_mb"] for r in results])
    gen = [r["generate"]["seconds"] if r["generate"] else None for r in results]
    line("генерация демо-завода, с (не в конвейере)", gen)
    rows = [summary_rows(r) for r in results]
    runs = len(results[0]["runs"])
    walls = ["/".join(f"{run['wall_s']:.0f}" for run in r["runs"]) for r in results]
    line("zakaz run, все прогоны по порядку, с", walls, growth=False, fmt=str)
    line(f"zakaz run, лучший из {runs}, всего, с", [x["wall"] for x in rows])
    for key in ("load", "snapshot", "pricing_lines", "pricing_orders", "checks", "dbt",
                "dbt_startup", "dbt_execute", "publish", "dagster", "after"):  # fmt: skip
        dbt = best_run(results[0])["dbt"] or {}
        label = STAGE_NAMES[key].format(
            n=best_run(results[0])["check_steps"],
            models=dbt.get("models"),
            tests=dbt.get("tests"),
        )
        line(f"  {label}", [x.get(key) for x in rows])
    last = [best_run(r) for r in results]
    yes_no = {True: "да", False: "нет", None: "—"}
    line("  манифест dbt разобран заново при загрузке", [x.get("manifest_parsed") for x in last],
         growth=False, fmt=lambda v: yes_no[v])  # fmt: skip
    line("  разбор проекта в dbt build", [x["dbt"].get("parse") for x in last], growth=False,
         fmt=lambda v: {"full": "полный", "partial": "частичный"}.get(v, "—"))  # fmt: skip
    line("  узло-секунды dbt: модели", [x["dbt"].get("model_node_s") for x in last])
    line("  узло-секунды dbt: тесты", [x["dbt"].get("test_node_s") for x in last])
    line("запуск Dagster (без загрузки кода), с", [x["in_run"] for x in rows])
    line(f"сырой SQL-скрипт (лучший из {runs}), с", [x["raw"] for x in rows])
    line("  входы цен", [x["raw_inputs"] for x in rows], fmt=lambda v: _s2(v))
    line("  цены строк и заказов (bench/sql)", [x["raw_pricing"] for x in rows], fmt=_s2)
    line("  модели dbt как SQL", [x["raw_marts"] for x in rows], fmt=_s2)
    line(
        "конвейер / сырой",
        [x["wall"] / x["raw"] if x["raw"] else None for x in rows],
        growth=False,
    )
    line(
        "запуск Dagster / сырой",
        [x["in_run"] / x["raw"] if x["raw"] else None for x in rows],
        growth=False,
    )
    peak = [max(run["peak_rss_mb"] for run in r["runs"]) for r in results]
    line("пик RSS zakaz run (с dbt), МБ", peak, growth=False, fmt=lambda v: f"{v:.0f}")
    for r in results:
        marts = r.get("marts") or []
        same = sum(m["identical"] for m in marts)
        verdict = "совпадают" if r.get("identical") else "РАСХОЖДЕНИЕ"
        print(f"x{r['scale']}: витрины сырого скрипта и опубликованные: {same} из {len(marts)} "
              f"{verdict} (столбцы и типы, строки, EXCEPT ALL в обе стороны)")  # fmt: skip
        for m in marts:
            if not m["identical"]:
                print(f"    {m['mart']}: {m}")
        for i, run in enumerate(r["runs"], start=1):
            if not run["ok"]:
                print(f"    прогон {i} не удался: {run['error']}")
    fast = _goal(rows, results, 100, lambda x: x["wall"] < 60)
    close = _goal(rows, results, 100, lambda x: x["wall"] <= 3 * x["raw"])
    print(f"цели на x100: < 60 с — {fast}; конвейер <= 3 x сырой — {close}")


def _s2(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _goal(rows, results, scale, test) -> str:
    for x, r in zip(rows, results, strict=True):
        if r["scale"] == scale and x["raw"]:
            return "выполнена" if test(x) else "НЕ выполнена"
    return f"масштаб {scale} не измерялся"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", default="1,10,100", help="масштабы через запятую (1,10,100)")
    p.add_argument("--runs", type=int, default=2, help="прогонов zakaz run и сырого скрипта (2)")
    p.add_argument("--seed", type=int, default=2026, help="зерно демо-данных")
    p.add_argument("--work", type=Path, help="папка для заводов (по умолчанию временная)")
    p.add_argument("--reuse", action="store_true", help="взять уже созданный завод из --work")
    p.add_argument("--timeout", type=float, default=3600, help="предел на команду, с")
    p.add_argument("--json", action="store_true", help="итог в JSON")
    args = p.parse_args(argv)
    try:
        scales = [int(s) for s in re.split(r"[,\s]+", args.scales.strip()) if s]
    except ValueError:
        p.error("--scales: целые числа через запятую, например 1,10,100")
    if not scales or min(scales) < 1 or args.runs < 1:
        p.error("--scales >= 1 и --runs >= 1")
    work = args.work or Path(tempfile.mkdtemp(prefix="zakaz-pipeline-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    report = {"as_of": AS_OF, "cpus": os.cpu_count(), "load_before": os.getloadavg(),
              "results": []}  # fmt: skip
    try:
        for scale in scales:
            report["results"].append(
                measure_scale(scale, work, args.runs, args.seed, args.reuse, args.timeout)
            )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report["load_after"] = os.getloadavg()
    report["identical"] = all(r["identical"] for r in report["results"])
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0 if report["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
