"""Pricing 1M order lines three ways side by side: pricing/ frame API, DuckDB SQL, Decimal loop.

    .venv/bin/python bench/pricing_engines.py [--lines 1000000] [--sample 20000] [--repeat 3]
                                              [--seed 2026] [--json]

Generates `--lines` order lines (seeded: the same arguments give the same lines) with a realistic
spread — 55 material grades, the five blank shapes with their dimensions, quantities 1-2000,
complexity, surcharges (some negative), fixed prices, procurement's actual costs, VAT 22/20/18/0 %
per order — grouped into orders with expenses (a few orders have expenses only). Then prices them:

  (a) ``pricing.price_lines`` + ``pricing.price_orders`` (Polars, the pipeline's code);
  (b) the hand-written DuckDB SQL of the same formulas, bench/sql/pricing.sql and
      bench/sql/order_pricing.sql, on the same rows loaded into DuckDB beforehand;
  (c) ``pricing.price_order`` (the scalar Decimal API) in a Python loop over whole orders — on a
      random sample of orders of about `--sample` lines, timed and extrapolated per line.

Each engine is timed on its own native data (a Polars frame in, a frame out; a DuckDB table in,
a table out); loading and fetching are not timed. Best and median of `--repeat` runs.
(a) and (b) are compared on every line and order, (a) and (c) on the sample, column by column,
exactly (Decimal values and their scale). Exit 1 on any difference, naming the first differing
line (or order) and column.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.store.engine import engine_config  # noqa: E402
from pricing import (  # noqa: E402
    Blank,
    Expense,
    LineInput,
    Material,
    OrderInput,
    price_lines,
    price_order,
    price_orders,
)
from pricing.frame import LINE_OUTPUT_COLUMNS  # noqa: E402
from pricing.frame_columns import from_scaled  # noqa: E402
from pricing.shapes import SHAPES  # noqa: E402

SQL_DIR = Path(__file__).with_name("sql")
MATERIALS_CSV = ROOT / "zakaz" / "reference" / "materials.csv"

ORDER_FIGURES = (
    "net",
    "vat",
    "total",
    "weight_kg",
    "expenses_planned",
    "expenses_actual",
    "planned_cost_price",
    "actual_cost_price",
    "planned_profit",
    "actual_profit",
    "planned_efficiency_pct",
    "actual_efficiency_pct",
)
LINE_FIGURES = ("vat_rate", *LINE_OUTPUT_COLUMNS)
EXPENSE_CATEGORIES = ("production", "outsourcing", "logistics", "packaging", "other")


# --- the lines -------------------------------------------------------------------------------


def _log_uniform(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(low), np.log(high), n))


def _nulls(values: np.ndarray, keep: np.ndarray) -> pl.Series:
    """Int64 series with null where ``keep`` is false."""
    return pl.Series(values.astype(np.int64)).set(pl.Series(~keep), None)


def generate(lines: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(lines, expenses): the inputs of price_lines (with order_id and grade) and price_orders.

    Built as scaled integers with numpy (fast for 1M rows), then turned into exact Decimals.
    """
    rng = np.random.default_rng(seed)
    materials = pl.read_csv(MATERIALS_CSV, schema_overrides={"price_per_kg": pl.String})
    sizes = rng.integers(1, 9, size=lines)  # lines per order; more orders than needed
    order_id = np.repeat(np.arange(1, lines + 1), sizes)[:lines]
    orders = int(order_id[-1])
    n = lines

    mat = rng.integers(0, materials.height, n)
    density_milli = (materials["density_kg_m3"].to_numpy() * 1000).astype(np.int64)[mat]
    list_kop = np.array([round(float(p) * 100) for p in materials["price_per_kg"]])[mat]
    price_kop = np.rint(list_kop * rng.uniform(0.85, 1.3, n)).astype(np.int64)  # price history

    shape = rng.choice(
        np.array(["round", "hex", "sheet", "tube", "weight"]), n, p=[0.4, 0.1, 0.25, 0.15, 0.1]
    )
    length = rng.integers(20, 3001, n) * 1000
    odd = rng.random(n) < 0.02  # a few dimensions with three decimals, e.g. 47.625 mm
    jitter = np.where(odd, rng.integers(0, 1000, n), 0)
    diameter = np.rint(_log_uniform(rng, 8, 400, n) * 2) * 500 + jitter  # 0.5 mm steps
    across = rng.integers(8, 101, n) * 1000 + jitter
    sheet_len = rng.integers(50, 3001, n) * 1000
    width = np.minimum(rng.integers(50, 1501, n) * 1000, sheet_len)
    thick_mm = np.array([0.5, 0.8, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 30, 40, 60, 80])
    thickness = np.rint(rng.choice(thick_mm, n) * 1000)
    outer = np.rint(_log_uniform(rng, 10, 530, n) * 10) * 100  # 0.1 mm steps
    wall = np.rint(np.minimum(rng.uniform(1, 40, n), outer / 2000 - 0.5) * 10) * 100
    weight_g = np.rint(_log_uniform(rng, 100, 5_000_000, n))

    is_ = {s: shape == s for s in SHAPES}
    dims = {
        "diameter_mm": (diameter, is_["round"]),
        "across_flats_mm": (across, is_["hex"]),
        "outer_diameter_mm": (outer, is_["tube"]),
        "wall_mm": (wall, is_["tube"]),
        "length_mm": (
            np.where(is_["sheet"], sheet_len, length),
            ~is_["weight"],
        ),
        "width_mm": (width, is_["sheet"]),
        "thickness_mm": (thickness, is_["sheet"]),
        "weight_kg": (weight_g, is_["weight"]),
    }

    complexity = np.where(
        rng.random(n) < 0.05, rng.integers(1000, 4001, n), rng.integers(100, 401, n) * 10
    )
    surcharge_kinds = np.array([500, 1000, 1250, 1500, 2000, 2500, 725, 3000, 0])
    surcharge = surcharge_kinds[rng.integers(0, len(surcharge_kinds), n)] + np.where(
        rng.random(n) < 0.3, surcharge_kinds[rng.integers(0, len(surcharge_kinds), n)], 0
    )
    surcharge = np.where(rng.random(n) < 0.03, -rng.integers(500, 1001, n), surcharge)
    fixed = np.rint(_log_uniform(rng, 10_000, 50_000_000, n))
    actual = np.rint(_log_uniform(rng, 100, 1_000_000_000, n))
    vat_bp = rng.choice(np.array([2200, 2000, 1800, 0]), orders, p=[0.7, 0.2, 0.05, 0.05])

    ints = pl.DataFrame(
        {
            "line_id": np.arange(1, n + 1),
            "order_id": order_id,
            "grade": materials["grade"].to_numpy()[mat],
            "quantity": np.rint(_log_uniform(rng, 1, 2000, n)).astype(np.int32),
            "density_kg_m3": density_milli,
            "price_per_kg": price_kop,
            "shape": shape,
            **{k: _nulls(v, keep) for k, (v, keep) in dims.items()},
            "complexity": complexity,
            "surcharge_pct_total": _nulls(surcharge, rng.random(n) >= 0.35),
            "fixed_unit_price": _nulls(fixed, rng.random(n) < 0.04),
            "actual_material_cost": _nulls(actual, rng.random(n) < 0.3),
            "vat_rate": vat_bp[order_id - 1],
        }
    )
    places = {
        "density_kg_m3": (3, 10),
        "price_per_kg": (2, 18),
        **{k: (3, 18 if k == "weight_kg" else 12) for k in dims},
        "complexity": (3, 8),
        "surcharge_pct_total": (2, 18),
        "fixed_unit_price": (2, 18),
        "actual_material_cost": (2, 18),
        "vat_rate": (4, 6),
    }
    frame = ints.with_columns(
        from_scaled(pl.col(name), scale, precision).alias(name)
        for name, (scale, precision) in places.items()
    )
    return frame, _expenses(rng, orders)


def _expenses(rng: np.random.Generator, orders: int) -> pl.DataFrame:
    """0-3 expenses per order, half with an actual amount; 1 % more orders with expenses only."""
    extra = max(1, orders // 100)
    per_order = rng.integers(0, 4, orders + extra)
    per_order[orders:] = np.maximum(per_order[orders:], 1)
    order_id = np.repeat(np.arange(1, orders + extra + 1), per_order)
    m = len(order_id)
    planned = np.rint(_log_uniform(rng, 50_000, 20_000_000, m))
    actual = np.rint(planned * rng.uniform(0.8, 1.3, m))
    ints = pl.DataFrame(
        {
            "order_id": order_id,
            "category": np.array(EXPENSE_CATEGORIES)[rng.integers(0, 5, m)],
            "planned": planned.astype(np.int64),
            "actual": _nulls(actual, rng.random(m) < 0.5),
        }
    )
    return ints.with_columns(from_scaled(pl.col(c), 2).alias(c) for c in ("planned", "actual"))


# --- the three engines -----------------------------------------------------------------------


def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def sql_connection(lines: pl.DataFrame, expenses: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB (2 threads, like the pipeline) holding the inputs as tables."""
    conn = duckdb.connect(config={**engine_config(), "memory_limit": "6GB"})
    conn.register("lines_src", lines.to_arrow())
    conn.register("expenses_src", expenses.to_arrow())
    conn.execute("CREATE TABLE line_inputs AS SELECT * FROM lines_src")
    conn.execute("CREATE TABLE expenses AS SELECT * FROM expenses_src")
    conn.unregister("lines_src")
    conn.unregister("expenses_src")
    return conn


def run_sql_lines(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(f"CREATE OR REPLACE TABLE priced_lines AS {sql_text('pricing')}")


def run_sql_orders(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(f"CREATE OR REPLACE TABLE priced_orders AS {sql_text('order_pricing')}")


def sample_orders(lines: pl.DataFrame, expenses: pl.DataFrame, size: int, seed: int):
    """(order ids, OrderInput per order) for random whole orders of about ``size`` lines."""
    ids = lines["order_id"].unique().sample(fraction=1.0, shuffle=True, seed=seed).to_list()
    counts = dict(lines.group_by("order_id").len().iter_rows())
    chosen, total = [], 0
    for order in ids:
        if total >= size:
            break
        chosen.append(order)
        total += counts[order]
    picked = lines.filter(pl.col("order_id").is_in(chosen))
    by_order: dict[int, list[dict]] = {}
    for row in picked.iter_rows(named=True):
        by_order.setdefault(row["order_id"], []).append(row)
    costs: dict[int, list[Expense]] = {}
    for row in expenses.filter(pl.col("order_id").is_in(chosen)).iter_rows(named=True):
        costs.setdefault(row["order_id"], []).append(
            Expense(row["category"], row["planned"], row["actual"])
        )
    return chosen, [
        OrderInput(
            shipment_date=date(2026, 11, 28),
            lines=[_line_input(r) for r in by_order[o]],
            expenses=costs.get(o, []),
            vat_rate=by_order[o][0]["vat_rate"],
        )
        for o in chosen
    ]


def _line_input(row: dict) -> LineInput:
    surcharge = row["surcharge_pct_total"]
    return LineInput(
        id=str(row["line_id"]),
        quantity=row["quantity"],
        material=Material(row["grade"], row["density_kg_m3"], row["price_per_kg"]),
        blank=Blank(row["shape"], {k: row[k] for k in SHAPES[row["shape"]]}),
        complexity=row["complexity"],
        surcharges_pct={} if surcharge is None else {"итого": surcharge},
        fixed_unit_price=row["fixed_unit_price"],
        actual_material_cost=row["actual_material_cost"],
    )


# --- comparing -------------------------------------------------------------------------------


def first_frame_difference(
    a: pl.DataFrame, b: pl.DataFrame, key: str, columns: tuple[str, ...]
) -> str | None:
    """The first row (by ``key``) and column where the two frames differ, or None.

    Decimal columns compare by value and must have the same dtype (so the same scale)."""
    if a.height != b.height:
        return f"строк: {a.height} и {b.height}"
    a, b = a.sort(key), b.sort(key)
    if not a[key].equals(b[key]):
        at = (a[key] != b[key]).arg_max()
        return f"{key} в позиции {at}: {a[key][at]} и {b[key][at]}"
    for column in columns:
        if a.schema[column] != b.schema[column]:
            return f"столбец {column}: тип {a.schema[column]} и {b.schema[column]}"
        differs = a[column].ne_missing(b[column])
        if differs.any():
            at = differs.arg_max()
            return f"{key} {a[key][at]}, {column}: {a[column][at]} и {b[column][at]}"
    return None


def _text(value: object) -> str:
    return "null" if value is None else str(value)


def first_loop_difference(priced: pl.DataFrame, orders: pl.DataFrame, chosen, results):
    """The first line or order whose scalar figures differ from the frame's (str of the
    Decimal: value and scale), or None."""
    lines = {
        row["line_id"]: row
        for row in priced.filter(pl.col("order_id").is_in(chosen)).iter_rows(named=True)
    }
    sums = {
        row["order_id"]: row
        for row in orders.filter(pl.col("order_id").is_in(chosen)).iter_rows(named=True)
    }
    for order, result in zip(chosen, results, strict=True):
        for line in result.lines:
            row = lines[int(line.id)]
            for column in LINE_FIGURES:
                mine, theirs = _text(getattr(line, column)), _text(row[column])
                if mine != theirs:
                    return f"line_id {line.id}, {column}: {theirs} (frame) и {mine} (loop)"
        for column in ORDER_FIGURES:
            mine, theirs = _text(getattr(result, column)), _text(sums[order][column])
            if mine != theirs:
                return f"order_id {order}, {column}: {theirs} (frame) и {mine} (loop)"
    return None


# --- measuring -------------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Linux: reset this process's peak RSS (VmHWM) to its current RSS, so that the next
    reading is the peak of what ran in between."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float | None:
    kb = _status_kb("VmHWM")
    return None if kb is None else round(kb / 1024, 1)


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    """Wall times of ``repeat`` calls (the last result is returned), and the peak RSS."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def _summary(times: list[float]) -> dict:
    return {
        "best_s": round(min(times), 4),
        "median_s": round(statistics.median(times), 4),
        "runs_s": [round(t, 4) for t in times],
    }


def run(lines: int, sample: int, repeat: int, seed: int) -> dict:
    started = time.perf_counter()
    frame, expenses = generate(lines, seed)
    orders_n = frame["order_id"].n_unique()
    report: dict = {
        "lines": frame.height,
        "orders": orders_n,
        "orders_with_expenses_only": expenses["order_id"].n_unique()
        - expenses.filter(pl.col("order_id") <= frame["order_id"].max())["order_id"].n_unique(),
        "expenses": expenses.height,
        "seed": seed,
        "generate_s": round(time.perf_counter() - started, 2),
        "load": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    engines: dict = {}
    report["engines"] = engines

    # (a) the frame API
    reset_peak_rss()
    base = _status_kb("VmRSS")
    t_lines, priced = timed(lambda: price_lines(frame), repeat)
    t_orders, orders = timed(lambda: price_orders(priced, expenses), repeat)
    engines["frame"] = {
        "lines": _summary(t_lines),
        "orders": _summary(t_orders),
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": None if base is None else round(base / 1024, 1),
    }

    # (b) DuckDB SQL
    conn = sql_connection(frame, expenses)
    reset_peak_rss()
    base = _status_kb("VmRSS")
    t_lines, _ = timed(lambda: run_sql_lines(conn), repeat)
    t_orders, _ = timed(lambda: run_sql_orders(conn), repeat)
    engines["sql"] = {
        "lines": _summary(t_lines),
        "orders": _summary(t_orders),
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": None if base is None else round(base / 1024, 1),
    }
    sql_lines = conn.sql("SELECT * FROM priced_lines").pl()
    sql_orders = conn.sql("SELECT * FROM priced_orders").pl()
    conn.close()

    # (c) the scalar API in a loop, on a sample of whole orders
    chosen, inputs = sample_orders(frame, expenses, sample, seed)
    sample_lines = sum(len(o.lines) for o in inputs)
    reset_peak_rss()
    base = _status_kb("VmRSS")
    t_loop, results = timed(lambda: [price_order(o) for o in inputs], 1)
    engines["loop"] = {
        "sample_lines": sample_lines,
        "sample_orders": len(inputs),
        "sample": _summary(t_loop),
        "per_line_us": round(min(t_loop) / sample_lines * 1e6, 2),
        "extrapolated_s": round(min(t_loop) / sample_lines * frame.height, 2),
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": None if base is None else round(base / 1024, 1),
    }

    line_cols = tuple(c for c in priced.columns if c != "line_id")
    order_cols = tuple(c for c in orders.columns if c != "order_id")
    report["checks"] = {
        "frame_vs_sql_lines": first_frame_difference(priced, sql_lines, "line_id", line_cols),
        "frame_vs_sql_orders": first_frame_difference(orders, sql_orders, "order_id", order_cols),
        "frame_vs_loop": first_loop_difference(priced, orders, chosen, results),
        "lines_compared": priced.height,
        "line_columns_compared": len(line_cols),
        "orders_compared": orders.height,
        "order_columns_compared": len(order_cols),
        "loop_lines_compared": sample_lines,
        "loop_orders_compared": len(inputs),
    }
    frame_best = engines["frame"]["lines"]["best_s"]
    report["ratios"] = {
        "frame_over_sql_lines": round(frame_best / engines["sql"]["lines"]["best_s"], 2),
        "frame_over_sql_lines_and_orders": round(
            (frame_best + engines["frame"]["orders"]["best_s"])
            / (engines["sql"]["lines"]["best_s"] + engines["sql"]["orders"]["best_s"]),
            2,
        ),
        # The loop prices whole orders (lines and sums): against the frame's lines + orders.
        "loop_over_frame": round(
            engines["loop"]["extrapolated_s"] / (frame_best + engines["frame"]["orders"]["best_s"]),
            1,
        ),
    }
    report["identical"] = not any(
        report["checks"][k] for k in ("frame_vs_sql_lines", "frame_vs_sql_orders", "frame_vs_loop")
    )
    return report


# --- printing --------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def print_report(r: dict) -> None:
    e, ratios, checks = r["engines"], r["ratios"], r["checks"]
    load = ", ".join(f"{x:.2f}" for x in r["load"])
    print(
        f"Расчёт цен: строк {_n(r['lines'])}, заказов {_n(r['orders'])} "
        f"(+{_n(r['orders_with_expenses_only'])} только с расходами), "
        f"расходов {_n(r['expenses'])}; "
        f"seed {r['seed']}; генерация {r['generate_s']} с; ядер {r['cpus']}, load {load}"
    )
    print(f"{'движок':<40} {'лучшее, с':>10} {'медиана, с':>11} {'строк/с':>12} {'пик RSS':>9}")
    rows = [
        ("(a) pricing.price_lines (Polars)", e["frame"]["lines"], e["frame"]["peak_rss_mb"]),
        ("(a) pricing.price_orders", e["frame"]["orders"], None),
        ("(b) DuckDB SQL bench/sql/pricing.sql", e["sql"]["lines"], e["sql"]["peak_rss_mb"]),
        ("(b) DuckDB SQL order_pricing.sql", e["sql"]["orders"], None),
    ]
    for name, t, rss in rows:
        rate = r["lines"] / t["best_s"] if t["best_s"] else 0
        rss_text = "" if rss is None else f"{rss:.0f} МБ"
        print(
            f"{name:<40} {t['best_s']:>10.3f} {t['median_s']:>11.3f} {_n(rate):>12} {rss_text:>9}"
        )
    loop = e["loop"]
    print(
        f"{'(c) pricing.price_order, цикл Decimal':<40} {loop['extrapolated_s']:>10.1f} "
        f"{'':>11} {_n(1e6 / loop['per_line_us']):>12} {loop['peak_rss_mb'] or 0:>6.0f} МБ"
    )
    print(
        f"    (c) измерен на выборке: заказов {_n(loop['sample_orders'])}, строк "
        f"{_n(loop['sample_lines'])} за {loop['sample']['best_s']:.2f} с "
        f"({loop['per_line_us']:.1f} мкс на строку со своим заказом), "
        f"время на все строки экстраполировано"
    )
    print("    пик RSS — всего процесса во время движка (входные данные уже в памяти)")
    goal_ab = "выполнено" if ratios["frame_over_sql_lines"] <= 1.5 else "НЕ выполнено"
    goal_ca = "выполнено" if ratios["loop_over_frame"] >= 50 else "НЕ выполнено"
    print(
        f"a/b (строки) = {ratios['frame_over_sql_lines']:.2f}  [цель <= 1.5: {goal_ab}];  "
        f"a/b (строки + заказы) = {ratios['frame_over_sql_lines_and_orders']:.2f}"
    )
    print(f"c/a (строки + заказы) = {ratios['loop_over_frame']:.1f}  [цель >= 50: {goal_ca}]")
    print(
        f"проверка (a) = (b): строк {_n(checks['lines_compared'])} x "
        f"{checks['line_columns_compared']} столбцов, заказов {_n(checks['orders_compared'])} x "
        f"{checks['order_columns_compared']} столбцов: "
        + _verdict(checks["frame_vs_sql_lines"] or checks["frame_vs_sql_orders"])
    )
    print(
        f"проверка (a) = (c): строк {_n(checks['loop_lines_compared'])}, заказов "
        f"{_n(checks['loop_orders_compared'])}, все показатели: "
        + _verdict(checks["frame_vs_loop"])
    )


def _verdict(difference: str | None) -> str:
    return "совпадают" if difference is None else f"РАСХОЖДЕНИЕ: {difference}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=1_000_000, help="строк заказов (1 000 000)")
    p.add_argument("--sample", type=int, default=20_000, help="строк для цикла Decimal (20 000)")
    p.add_argument("--repeat", type=int, default=3, help="замеров (a) и (b), лучший и медиана")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--json", action="store_true", help="итог в JSON")
    args = p.parse_args(argv)
    if args.lines < 1 or args.sample < 1 or args.repeat < 1:
        p.error("--lines, --sample и --repeat должны быть >= 1")
    report = run(args.lines, min(args.sample, args.lines), args.repeat, args.seed)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    if not report["identical"]:
        checks = report["checks"]
        for key in ("frame_vs_sql_lines", "frame_vs_sql_orders", "frame_vs_loop"):
            if checks[key]:
                print(f"расхождение {key}: {checks[key]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
